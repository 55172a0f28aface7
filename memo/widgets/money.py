"""The card's money and dates: what to load for one client, and how each line reads."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from textual.content import Content
from textual.widgets import OptionList
from textual.widgets.option_list import Option

from memo import money, ops, yearly
from memo.birthdays import Birthday
from memo.db import Book
from memo.i18n import label, t
from memo.lunar import format_lunar, next_occurrence
from memo.widgets.render import user_text


@dataclass(frozen=True)
class CardMoney:
    deposits: list[money.DepositView] = field(default_factory=list)
    holdings: list[money.HoldingView] = field(default_factory=list)
    keydates: list[tuple[money.KeyDateView, dt.date]] = field(default_factory=list)
    birthday_text: str = ""
    birthday_next: dt.date | None = None
    birthday_age: int | None = None
    birthday_round: bool = False


def load_money(book: Book, client_id: int, today: dt.date) -> CardMoney:
    """Everything the card shows beside the profile; called in a worker thread."""
    with book.read() as session:
        client = ops._live_client(session, client_id)
        bday = yearly.birthday_of(client)
    nxt = yearly.next_birthday(bday, today) if bday else None
    keydates = [(kd, next_occurrence(kd.kind, kd.month, kd.day, kd.leap, today))
                for kd in money.list_keydates(book, client_id)]
    keydates.sort(key=lambda pair: pair[1])
    return CardMoney(
        deposits=money.list_deposits(book, client_id, today),
        holdings=money.list_holdings(book, client_id),
        keydates=keydates,
        birthday_text=anchor_text(bday) if bday else "",
        birthday_next=nxt[0] if nxt else None,
        birthday_age=nxt[1] if nxt else None,
        birthday_round=nxt[2] if nxt else False,
    )


def anchor_text(anchor: Birthday) -> str:
    """农历八月十五 / 8月15日, with the year when known."""
    if anchor.kind == "lunar":
        text = format_lunar(anchor.month, anchor.day, anchor.leap)
    else:
        text = t("birthday.solar", month=anchor.month, day=anchor.day)
    return f"{text} ({anchor.year})" if anchor.year else text


def _when(day: dt.date, today: dt.date) -> str:
    days = (day - today).days
    return t("card.next_today") if days == 0 else t("card.next", date=day.isoformat(), days=days)


def dated_line(what: str, anchor: str, nxt: dt.date, today: dt.date, age: int | None,
               round_age: bool, years: int | None = None) -> Content:
    soon = (nxt - today).days <= 7
    parts = [user_text(what).stylize("bold"), Content(f"  {anchor}  "),
             Content(_when(nxt, today)).stylize("bold $text-warning" if soon else "$text-muted")]
    if age is not None:
        parts.append(Content("  " + t("card.age", age=age)))
    if years:
        parts.append(Content(f"  {years}"))
    if round_age:
        parts.append(Content("  " + t("card.round_age")).stylize("bold $text-success"))
    return Content("").join(parts)


def deposit_line(d: money.DepositView, privacy: bool) -> Content:
    amount = money.format_amount(d.amount_fen, privacy, symbol=True, currency=d.currency)
    term = f"{d.term_months}m" if d.term_months else ""
    head = [Content(amount).stylize("bold"), Content(f"  {label('deposit_kind', d.kind)} {term}")]
    if d.rate:
        head.append(Content(f" {d.rate}%"))
    if d.status in ("withdrawn", "rolled"):
        closed = t("card.closed_as", how=label("deposit_status", d.status))
        return Content("").join(head + [Content(f"  {d.maturity.isoformat()}  {closed}")]).stylize("$text-muted")
    head.append(Content(f"  → {d.next_maturity.isoformat()}  "))
    if d.days_left is not None and d.days_left < 0:
        head.append(Content(t("card.matured_ago", days=-d.days_left)).stylize("bold $text-error"))
    elif d.days_left is not None:
        style = "bold $text-warning" if d.days_left <= 14 else ""
        head.append(Content(t("card.days_left", days=d.days_left)).stylize(style))
    head.append(Content("  · " + t("card.rollover" if d.rollover else "card.no_rollover")))
    if d.call_by is not None:
        head.append(Content("  · " + t("card.holiday", date=d.call_by.isoformat())).stylize("$text-warning"))
    return Content("").join(head)


def holding_line(h: money.HoldingView, privacy: bool) -> Content:
    parts = [user_text(h.product, limit=40).stylize("bold"),
             Content("  " + money.format_amount(h.amount_fen, privacy, symbol=True, short=True)),
             Content(f"  {h.purchase_price}")]
    if h.latest_price is None:
        parts.append(Content("  " + t("card.no_price")).stylize("$text-muted"))
    else:
        parts.append(Content(f" → {h.latest_price} ({h.latest_price_date:%m-%d})  "))
        pct = money.format_pct(h.pnl_pct)
        parts.append(Content(t("card.pnl", pct=pct)).stylize(
            "$text-success" if h.pnl_pct is not None and h.pnl_pct >= 0 else "$text-error"))
    if h.line:
        parts.append(Content("  " + t(f"card.line.{h.line}")).stylize("bold reverse $text-warning"))
    line = Content("").join(parts)
    return line.stylize("$text-muted") if h.status != "held" else line


def fill(widget: OptionList, rows: list[Option], empty_key: str) -> None:
    """Replace a list's rows, keeping the highlight where it was."""
    keep = widget.highlighted
    widget.clear_options()
    if rows:
        widget.add_options(rows)
        widget.highlighted = min(keep or 0, len(rows) - 1)
    else:
        widget.add_option(Option(Content(t(empty_key)).stylize("$text-muted"), disabled=True))
