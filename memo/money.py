"""Money facts of a client: deposits and CDs, holdings, and yearly key dates. Headless.

Amounts are integer fen (1 yuan = 100 fen); rates, prices and percentages are `Decimal` built
from the text a person typed, stored as decimal strings. No binary fractions anywhere.

Every write is one `book.write()` transaction; a bad value raises `DomainError(code, value,
field)` (a message-catalog key) before anything is written. Views are frozen dataclasses.

Term arithmetic follows the bank rule: maturity = start + k x term in calendar months, always
computed from the start (`relativedelta`), never by stepping from the previous maturity.
"""

from __future__ import annotations

import datetime as dt
import unicodedata
from dataclasses import dataclass
from decimal import ROUND_HALF_EVEN, Decimal, localcontext
from typing import Any

from dateutil.relativedelta import relativedelta
from sqlmodel import select

from memo.terms import (  # noqa: F401  (re-exported)
    MAX_TERM_MONTHS, _line, deposit_periods, format_amount, maturity_for, next_maturity_of, roll_keys,
)
from memo.birthdays import Birthday, BirthdayError, parse_birthday
from memo.db import Book
from memo.models import Deposit, Holding, HoldingPrice, KeyDate
from memo.ops import DomainError, _live_client

__all__ = [
    "DepositView", "HoldingView", "KeyDateView", "MAX_FEN", "MAX_TERM_MONTHS",
    "add_deposit", "add_holding", "add_keydate", "close_deposit", "delete_keydate", "deposit_periods",
    "edit_deposit", "edit_holding", "edit_keydate", "format_amount", "format_pct", "get_deposit",
    "get_holding", "get_keydate", "list_deposits", "list_holdings", "list_keydates", "maturity_for",
    "mark_alert_told", "next_maturity_of", "parse_amount", "parse_currency", "parse_date",
    "parse_deposit_kind", "parse_holding_kind", "parse_pct", "parse_price", "parse_rate",
    "parse_term", "price_holding", "sell_holding", "to_plain",
]

from memo.values import (  # noqa: F401  (re-exported)
    MAX_FEN, _norm, _plain, format_pct, parse_amount, parse_currency, parse_date, parse_deposit_kind,
    parse_holding_kind, parse_pct, parse_price, parse_rate, parse_term,
)

_CLOSE_AS = {"withdrawn": "withdrawn", "withdraw": "withdrawn", "支取": "withdrawn", "取出": "withdrawn",
             "rolled": "rolled", "roll": "rolled", "rollover": "rolled", "转存": "rolled"}


@dataclass(frozen=True)
class DepositView:
    id: int
    client_id: int
    amount_fen: int
    currency: str
    start: dt.date
    term_months: int | None
    maturity: dt.date  # the first maturity (computed, or given)
    maturity_given: bool
    rate: str | None
    rollover: bool
    kind: str
    status: str  # as stored: active, matured, withdrawn, rolled
    closed_on: dt.date | None
    note: str
    next_maturity: dt.date  # the coming one: for an active rolling deposit, start + k x term
    period: int  # k of next_maturity (1 = the first period)
    days_left: int | None  # next_maturity - today; None once closed
    maturity_workday: bool  # whether next_maturity is a working day
    call_by: dt.date | None  # the last working day before a maturity on a non-working day
    past_maturity: bool  # active, not rolling, and its maturity has passed: the money is waiting

    @property
    def active(self) -> bool:
        return self.status == "active"


def _workday_facts(day: dt.date, book: Book | None) -> tuple[bool, dt.date | None]:
    from memo import workdays

    if workdays.is_workday(day, book):
        return True, None
    return False, workdays.last_workday_before(day, book)


def _deposit_view(dep: Deposit, today: dt.date, book: Book | None) -> DepositView:
    active = dep.status == "active"
    if active:
        upcoming, k = next_maturity_of(dep.start, dep.term_months, dep.maturity, dep.rollover, today)
    else:
        upcoming, k = dep.maturity, 1
    workday, call_by = _workday_facts(upcoming, book)
    return DepositView(
        id=dep.id, client_id=dep.client_id, amount_fen=dep.amount_fen, currency=dep.currency,
        start=dep.start, term_months=dep.term_months, maturity=dep.maturity,
        maturity_given=dep.maturity_given, rate=dep.rate, rollover=dep.rollover, kind=dep.kind,
        status=dep.status, closed_on=dep.closed_on, note=dep.note, next_maturity=upcoming, period=k,
        days_left=(upcoming - today).days if active else None, maturity_workday=workday,
        call_by=call_by, past_maturity=active and upcoming < today,
    )


def _today(today: dt.date | None) -> dt.date:
    return today or dt.date.today()


def _resolve_maturity(start: dt.date, term: int | None, maturity: dt.date | None) -> tuple[dt.date, bool]:
    if maturity is not None:
        if maturity < start:
            raise DomainError("deposit.maturity_before_start", maturity.isoformat(), "maturity")
        return maturity, True
    if term is None:
        raise DomainError("deposit.need_term", "", "term")
    return maturity_for(start, term), False


def add_deposit(
    book: Book,
    client_id: int,
    amount: str | int,
    start: dt.date | str,
    term: str | int | None = None,
    maturity: dt.date | str | None = None,
    rate: str | None = None,
    rollover: bool = False,
    kind: str = "time",
    currency: str = "CNY",
    note: str = "",
    today: dt.date | None = None,
) -> DepositView:
    """A new active deposit. An explicit maturity wins over start + term; one of them is needed."""
    fen = parse_amount(amount)
    start_d = parse_date(start, "start")
    months = parse_term(term) if term not in (None, "") else None
    given = parse_date(maturity, "maturity") if maturity not in (None, "") else None
    first, is_given = _resolve_maturity(start_d, months, given)
    fields = dict(
        amount_fen=fen, currency=parse_currency(currency), start=start_d, term_months=months,
        maturity=first, maturity_given=is_given,
        rate=parse_rate(rate) if rate not in (None, "") else None, rollover=bool(rollover),
        kind=parse_deposit_kind(kind), note=(note or "").strip(),
    )
    with book.write() as session:
        _live_client(session, client_id)
        dep = Deposit(client_id=client_id, **fields)
        session.add(dep)
        session.flush()
        dep_id = dep.id
    return get_deposit(book, dep_id, today)


def _owned(session, model, row_id: int, code: str):  # noqa: ANN001, ANN202
    """A deposit, holding or key date by id, whose client is not deleted; else `code`."""
    row = session.get(model, row_id)
    if row is None:
        raise DomainError(code, row_id, "id")
    _live_client(session, row.client_id)
    return row


def _deposit_row(session, deposit_id: int) -> Deposit:  # noqa: ANN001
    return _owned(session, Deposit, deposit_id, "deposit.not_found")


def get_deposit(book: Book, deposit_id: int, today: dt.date | None = None) -> DepositView:
    with book.read() as session:
        dep = _deposit_row(session, deposit_id)
    return _deposit_view(dep, _today(today), book)


_DEPOSIT_EDITABLE = ("amount", "start", "term", "maturity", "rate", "rollover", "kind", "currency", "note")


def edit_deposit(book: Book, deposit_id: int, today: dt.date | None = None, **raw: Any) -> DepositView:
    """Change a deposit from typed words. `maturity=""` (or None) drops a given maturity, so it is
    computed again from start + term; a new start or term recomputes a computed maturity."""
    unknown = set(raw) - set(_DEPOSIT_EDITABLE)
    if unknown:
        raise TypeError(f"not editable: {sorted(unknown)}")
    changes: dict[str, Any] = {}
    if "amount" in raw:
        changes["amount_fen"] = parse_amount(raw["amount"])
    if "start" in raw:
        changes["start"] = parse_date(raw["start"], "start")
    if "term" in raw:
        changes["term_months"] = parse_term(raw["term"]) if raw["term"] not in (None, "") else None
    if "maturity" in raw:
        changes["maturity"] = parse_date(raw["maturity"], "maturity") if raw["maturity"] not in (None, "") else None
    if "rate" in raw:
        changes["rate"] = parse_rate(raw["rate"]) if raw["rate"] not in (None, "") else None
    if "rollover" in raw:
        changes["rollover"] = bool(raw["rollover"])
    if "kind" in raw:
        changes["kind"] = parse_deposit_kind(raw["kind"])
    if "currency" in raw:
        changes["currency"] = parse_currency(raw["currency"])
    if "note" in raw:
        changes["note"] = (raw["note"] or "").strip()
    with book.write() as session:
        dep = _deposit_row(session, deposit_id)
        start = changes.get("start", dep.start)
        term = changes["term_months"] if "term_months" in changes else dep.term_months
        if "maturity" in changes:
            given = changes.pop("maturity")
        else:
            given = dep.maturity if dep.maturity_given else None
        dep.maturity, dep.maturity_given = _resolve_maturity(start, term, given)
        for key, value in changes.items():
            setattr(dep, key, value)
        dep.updated_at = dt.datetime.now().replace(microsecond=0)
        session.add(dep)
    return get_deposit(book, deposit_id, today)


def close_deposit(book: Book, deposit_id: int, as_: str = "withdrawn", on: dt.date | str | None = None,
                  today: dt.date | None = None) -> DepositView:
    """Close an active deposit: withdrawn, or rolled over (into a new deposit, added on its own)."""
    status = _CLOSE_AS.get(_norm(as_ or ""))
    if status is None:
        raise DomainError("deposit.bad_close", as_, "as")
    day = parse_date(on, "date", default=_today(today)) if on not in (None, "") else _today(today)
    with book.write() as session:
        dep = _deposit_row(session, deposit_id)
        if dep.status not in ("active", "matured"):
            raise DomainError("deposit.not_active", deposit_id, "id")
        if day < dep.start:
            raise DomainError("deposit.close_before_start", day.isoformat(), "date")
        dep.status, dep.closed_on = status, day
        dep.updated_at = dt.datetime.now().replace(microsecond=0)
        session.add(dep)
    return get_deposit(book, deposit_id, today or day)


def list_deposits(book: Book, client_id: int, today: dt.date | None = None) -> list[DepositView]:
    """Active deposits by their coming maturity, then closed ones, the latest closed first."""
    day = _today(today)
    with book.read() as session:
        _live_client(session, client_id)
        rows = session.exec(select(Deposit).where(Deposit.client_id == client_id)).all()
    views = [_deposit_view(d, day, book) for d in rows]
    active = sorted((v for v in views if v.status == "active"), key=lambda v: (v.next_maturity, v.id))
    closed = sorted((v for v in views if v.status != "active"),
                    key=lambda v: (v.closed_on or v.maturity, v.id), reverse=True)
    return active + closed


# --- holdings ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class HoldingView:
    id: int
    client_id: int
    product: str
    kind: str
    purchase_date: dt.date
    amount_fen: int
    purchase_price: str
    expected_yield: str | None
    take_profit_pct: str | None
    stop_loss_pct: str | None
    latest_price: str | None
    latest_price_date: dt.date | None
    status: str
    alert_told_on: dt.date | None
    pnl_pct: Decimal | None  # percent from the purchase price to the latest price, 4 places
    pnl_fen: int | None  # amount x the exact change, rounded half-even to the fen
    line: str | None  # "take_profit" | "stop_loss" | None: a crossed line (held holdings only)

    @property
    def value_fen(self) -> int | None:
        return None if self.pnl_fen is None else self.amount_fen + self.pnl_fen


def _pnl(amount_fen: int, purchase: str, latest: str | None) -> tuple[Decimal | None, int | None]:
    if latest is None:
        return None, None
    with localcontext() as ctx:
        ctx.prec = 60
        buy, now = Decimal(purchase), Decimal(latest)
        change = (now - buy) / buy
        pct = (change * 100).quantize(Decimal("0.0001"), rounding=ROUND_HALF_EVEN)
        fen = (Decimal(amount_fen) * (now - buy) / buy).quantize(Decimal(1), rounding=ROUND_HALF_EVEN)
    return pct, int(fen)


def crossed_line(h: Holding) -> str | None:
    return _line(h.purchase_price, h.latest_price, h.take_profit_pct, h.stop_loss_pct) if h.status == "held" else None


def _holding_view(h: Holding) -> HoldingView:
    pct, fen = _pnl(h.amount_fen, h.purchase_price, h.latest_price)
    line = crossed_line(h)
    return HoldingView(
        id=h.id, client_id=h.client_id, product=h.product, kind=h.kind, purchase_date=h.purchase_date,
        amount_fen=h.amount_fen, purchase_price=h.purchase_price, expected_yield=h.expected_yield,
        take_profit_pct=h.take_profit_pct, stop_loss_pct=h.stop_loss_pct, latest_price=h.latest_price,
        latest_price_date=h.latest_price_date, status=h.status, alert_told_on=h.alert_told_on,
        pnl_pct=pct, pnl_fen=fen, line=line,
    )


def _product(raw: str) -> str:
    product = (raw or "").replace("\x00", "").strip()
    if not product:
        raise DomainError("holding.product_empty", "", "product")
    return product


def _opt(value: Any) -> bool:
    return value not in (None, "")


def add_holding(
    book: Book,
    client_id: int,
    product: str,
    amount: str | int,
    price: str,
    purchase_date: dt.date | str,
    kind: str = "wealth",
    take_profit: str | None = None,
    stop_loss: str | None = None,
    expected_yield: str | None = None,
) -> HoldingView:
    fields = dict(
        product=_product(product), amount_fen=parse_amount(amount), purchase_price=parse_price(price),
        purchase_date=parse_date(purchase_date, "date"), kind=parse_holding_kind(kind),
        take_profit_pct=parse_pct(take_profit, "take_profit") if _opt(take_profit) else None,
        stop_loss_pct=parse_pct(stop_loss, "stop_loss") if _opt(stop_loss) else None,
        expected_yield=parse_rate(expected_yield, "expected_yield") if _opt(expected_yield) else None,
    )
    with book.write() as session:
        _live_client(session, client_id)
        holding = Holding(client_id=client_id, **fields)
        session.add(holding)
        session.flush()
        holding_id = holding.id
    return get_holding(book, holding_id)


def _holding_row(session, holding_id: int) -> Holding:  # noqa: ANN001
    return _owned(session, Holding, holding_id, "holding.not_found")


def get_holding(book: Book, holding_id: int) -> HoldingView:
    with book.read() as session:
        return _holding_view(_holding_row(session, holding_id))


_HOLDING_EDITABLE = ("product", "amount", "price", "purchase_date", "kind", "take_profit", "stop_loss",
                     "expected_yield")


def edit_holding(book: Book, holding_id: int, **raw: Any) -> HoldingView:
    """Change a holding from typed words; "" clears an optional line or yield."""
    unknown = set(raw) - set(_HOLDING_EDITABLE)
    if unknown:
        raise TypeError(f"not editable: {sorted(unknown)}")
    changes: dict[str, Any] = {}
    if "product" in raw:
        changes["product"] = _product(raw["product"])
    if "amount" in raw:
        changes["amount_fen"] = parse_amount(raw["amount"])
    if "price" in raw:
        changes["purchase_price"] = parse_price(raw["price"])
    if "purchase_date" in raw:
        changes["purchase_date"] = parse_date(raw["purchase_date"], "date")
    if "kind" in raw:
        changes["kind"] = parse_holding_kind(raw["kind"])
    for key, column, parse in (("take_profit", "take_profit_pct", parse_pct), ("stop_loss", "stop_loss_pct", parse_pct),
                               ("expected_yield", "expected_yield", parse_rate)):
        if key in raw:
            changes[column] = parse(raw[key], key) if _opt(raw[key]) else None
    with book.write() as session:
        holding = _holding_row(session, holding_id)
        for key, value in changes.items():
            setattr(holding, key, value)
        holding.updated_at = dt.datetime.now().replace(microsecond=0)
        session.add(holding)
    return get_holding(book, holding_id)


def _record_price(session, holding: Holding, value: str, day: dt.date) -> None:  # noqa: ANN001
    if holding.status != "held":
        raise DomainError("holding.not_held", holding.id, "id")
    if day < holding.purchase_date:
        raise DomainError("holding.price_before_purchase", day.isoformat(), "date")
    row = session.exec(select(HoldingPrice).where(HoldingPrice.holding_id == holding.id,
                                                  HoldingPrice.on == day)).first()
    if row is None:
        session.add(HoldingPrice(holding_id=holding.id, on=day, price=value))
    else:
        row.price = value
        session.add(row)
    if holding.latest_price_date is None or day >= holding.latest_price_date:
        holding.latest_price, holding.latest_price_date = value, day


def price_holding(book: Book, holding_id: int, price: str, on: dt.date | str | None = None) -> HoldingView:
    """Record the price of `on` (default today; one row per day, a second one replaces it). The
    holding's latest price follows the newest day recorded; a back-filled older day does not
    replace it. One transaction: the price row and the holding's latest price together."""
    value = parse_price(price)
    day = parse_date(on, "date") if _opt(on) else dt.date.today()
    with book.write() as session:
        holding = _holding_row(session, holding_id)
        _record_price(session, holding, value, day)
        holding.updated_at = dt.datetime.now().replace(microsecond=0)
        session.add(holding)
    return get_holding(book, holding_id)


def price_history(book: Book, holding_id: int) -> list[tuple[dt.date, str]]:
    with book.read() as session:
        _holding_row(session, holding_id)
        rows = session.exec(select(HoldingPrice).where(HoldingPrice.holding_id == holding_id)
                            .order_by(HoldingPrice.on)).all()
        return [(r.on, r.price) for r in rows]


def sell_holding(book: Book, holding_id: int, price: str | None = None, on: dt.date | str | None = None) -> HoldingView:
    """Mark a holding sold; a selling price, when given, is recorded as that day's price."""
    value = parse_price(price) if _opt(price) else None
    day = parse_date(on, "date") if _opt(on) else dt.date.today()
    with book.write() as session:
        holding = _holding_row(session, holding_id)
        if value is not None:
            _record_price(session, holding, value, day)
        elif holding.status != "held":
            raise DomainError("holding.not_held", holding_id, "id")
        holding.status = "sold"
        holding.updated_at = dt.datetime.now().replace(microsecond=0)
        session.add(holding)
    return get_holding(book, holding_id)


def mark_alert_told(book: Book, holding_id: int, on: dt.date | None = None) -> HoldingView:
    """The crossed line was told to the client on `on` (the today screen stops raising it)."""
    with book.write() as session:
        holding = _holding_row(session, holding_id)
        holding.alert_told_on = on or dt.date.today()
        session.add(holding)
    return get_holding(book, holding_id)


def list_holdings(book: Book, client_id: int) -> list[HoldingView]:
    """Held ones first (a crossed line first of all), by purchase date; then sold ones."""
    with book.read() as session:
        _live_client(session, client_id)
        rows = session.exec(select(Holding).where(Holding.client_id == client_id)).all()
        views = [_holding_view(h) for h in rows]
    return sorted(views, key=lambda v: (v.status != "held", v.line is None, v.purchase_date, v.id))


# --- key dates -------------------------------------------------------------------------------------

KEYDATE_YEARS_AHEAD = 5  # an opening or a wedding may be planned a few years ahead


@dataclass(frozen=True)
class KeyDateView:
    id: int
    client_id: int
    label: str
    kind: str  # solar | lunar
    month: int
    day: int
    leap: bool
    year: int | None
    text: str  # the anchor as the CLI writes it: [L|L*][YYYY-]MM-DD

    @property
    def anchor(self) -> Birthday:
        return Birthday(self.kind, self.month, self.day, self.year, self.leap)


def _keydate_anchor(when: Any, today: dt.date | None = None) -> Birthday:
    """A Birthday-like anchor from text (the birthday forms), a Birthday, or a tuple
    (kind, month, day, leap, year)."""
    if isinstance(when, Birthday):
        anchor = when
        raw = anchor.iso()
    elif isinstance(when, tuple):
        kind, month, day, leap, year = (list(when) + [False, None])[:5]
        anchor = Birthday(kind, int(month), int(day), int(year) if year else None, bool(leap))
        raw = anchor.iso()
    else:
        raw = str(when or "")
        horizon = _today(today) + relativedelta(years=KEYDATE_YEARS_AHEAD)
        try:
            parsed = parse_birthday(raw, horizon)
        except BirthdayError:
            raise DomainError("keydate.bad_date", raw, "date") from None
        if parsed is None:
            raise DomainError("keydate.bad_date", raw, "date")
        return parsed
    ok = anchor.kind in ("solar", "lunar") and 1 <= anchor.month <= 12
    if ok and anchor.kind == "lunar":
        ok = 1 <= anchor.day <= 30
    elif ok:
        try:
            dt.date(anchor.year or 2000, anchor.month, anchor.day)
        except ValueError:
            ok = False
    if not ok or (anchor.leap and anchor.kind != "lunar"):
        raise DomainError("keydate.bad_date", raw, "date")
    return anchor


def lunar_text(text: str, leap: bool = False) -> str:
    """"08-15" + leap -> the birthday parser's lunar form ("lunar闰08-15"); text already marked
    lunar (农历..., lunar ...) keeps its own words, with the leap mark added when asked."""
    value = unicodedata.normalize("NFKC", text or "").strip()
    lowered = value.lower()
    for prefix in ("农历", "阴历", "lunar"):
        if lowered.startswith(prefix):
            rest = value[len(prefix):].strip()
            if leap and not rest.startswith(("闰", "*")):
                rest = "闰" + rest
            return prefix + rest
    return ("lunar闰" if leap else "lunar") + value


def _label(raw: str) -> str:
    text = (raw or "").replace("\x00", "").strip()
    if not text:
        raise DomainError("keydate.label_empty", "", "label")
    return text


def _keydate_view(row: KeyDate) -> KeyDateView:
    anchor = Birthday(row.kind, row.month, row.day, row.year, row.leap)
    return KeyDateView(id=row.id, client_id=row.client_id, label=row.label, kind=row.kind, month=row.month,
                       day=row.day, leap=row.leap, year=row.year, text=anchor.iso())


def add_keydate(book: Book, client_id: int, label: str, when: Any, today: dt.date | None = None) -> KeyDateView:
    """A yearly date: `when` is text in the birthday forms (1975-08-15, 8月15日, 农历闰六月初一,
    lunar 8/15), a Birthday, or (kind, month, day, leap, year)."""
    text = _label(label)
    anchor = _keydate_anchor(when, today)
    with book.write() as session:
        _live_client(session, client_id)
        row = KeyDate(client_id=client_id, label=text, kind=anchor.kind, month=anchor.month, day=anchor.day,
                      leap=anchor.leap, year=anchor.year)
        session.add(row)
        session.flush()
        row_id = row.id
    return get_keydate(book, row_id)


def _keydate_row(session, keydate_id: int) -> KeyDate:  # noqa: ANN001
    return _owned(session, KeyDate, keydate_id, "keydate.not_found")


def get_keydate(book: Book, keydate_id: int) -> KeyDateView:
    with book.read() as session:
        return _keydate_view(_keydate_row(session, keydate_id))


def edit_keydate(book: Book, keydate_id: int, label: str | None = None, when: Any = None,
                 today: dt.date | None = None) -> KeyDateView:
    text = _label(label) if label is not None else None
    anchor = _keydate_anchor(when, today) if when is not None else None
    with book.write() as session:
        row = _keydate_row(session, keydate_id)
        if text is not None:
            row.label = text
        if anchor is not None:
            row.kind, row.month, row.day, row.leap, row.year = (anchor.kind, anchor.month, anchor.day,
                                                                anchor.leap, anchor.year)
        row.updated_at = dt.datetime.now().replace(microsecond=0)
        session.add(row)
    return get_keydate(book, keydate_id)


def delete_keydate(book: Book, keydate_id: int) -> None:
    with book.write() as session:
        session.delete(_keydate_row(session, keydate_id))


def list_keydates(book: Book, client_id: int) -> list[KeyDateView]:
    with book.read() as session:
        _live_client(session, client_id)
        rows = session.exec(select(KeyDate).where(KeyDate.client_id == client_id)
                            .order_by(KeyDate.month, KeyDate.day, KeyDate.id)).all()
        return [_keydate_view(r) for r in rows]


# --- JSON ------------------------------------------------------------------------------------------


def to_plain(value: Any) -> Any:
    """codes.to_jsonable, with Decimals as strings (exact, as typed) and views' properties added."""
    from memo.codes import to_jsonable

    def walk(item: Any) -> Any:
        if isinstance(item, Decimal):
            return _plain(item)
        if isinstance(item, dict):
            return {k: walk(v) for k, v in item.items()}
        if isinstance(item, list):
            return [walk(v) for v in item]
        return item

    if isinstance(value, list):
        return [to_plain(v) for v in value]
    data = walk(to_jsonable(value))
    if isinstance(value, HoldingView):
        data["value_fen"] = value.value_fen
    return data
