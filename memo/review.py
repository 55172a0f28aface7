"""The review: what the calls of a period achieved, beside the period before (seed, 二(三)).

The seed reviews the work by two families of measures: relationship (the contact reach rate, new
information obtained, sales opportunities still to follow up) and product/service (the reach
rate again, the opportunities, and the sales they became). All of them are read from the Contact
table, straight on sqlite3 in one read transaction, through the `ix_contact_at` index (and
`ix_contact_client_at` for the pending opportunities): one grouped pass over the period's
contacts, no ORM, and nothing here imports Textual.

Definitions (every count is of contacts, i.e. logged calls, visits, messages...):

- attempted: the contacts logged in the period, whatever their outcome or channel.
- reached: the contacts in which the client was spoken to: outcome reached, callback ("call me
  back on...") or declined. Only "no answer" is not reached (the same rule as memo.calls.TALKED,
  which restarts the cadence clock).
- reach_rate: reached / attempted, 0..1 rounded to 4 places; 0 when nothing was attempted.
- new_info: contacts that recorded new information (a non-empty `new_info`).
- opportunities: contacts that raised a sales opportunity (a non-empty `opportunity`).
- pending_opportunities: those opportunities not followed by a sale: the client has no contact
  with an amount sold at or after the opportunity's contact, up to the end of the period (so a
  period's figures do not change as time passes, and the previous period is counted the same way).
- sales: contacts with an amount sold (> 0); sales_fen their sum in fen, sales_amount the same as
  exact yuan, a decimal string ("1500.00").

Every contact counts, whoever the client (a client deleted since still had the call). The period
is [start, end], both dates inclusive, by the contact's local wall-clock time: from start 00:00 to
the end of the end day.

`by_reason` counts a contact once under each reason kind it answered (so the kinds add up to more
than the total when a call answered several), and under "none" when it answered none (a call
logged from a client's card, say). `by_campaign` lists the campaigns with contacts in the period,
or whose date falls in it, with their invitations by status as they stand now.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from typing import TYPE_CHECKING, Any

from memo.codes import DomainError, INVITATION_STATUSES, REASON_KINDS
from memo.i18n import label, t
from memo.text import visible

if TYPE_CHECKING:
    from memo.db import Book

__all__ = ["FAMILIES", "MAX_DAYS", "MEASURES", "NO_REASON", "SPOKEN", "campaign_name", "change", "change_text",
           "check_period", "figures", "invitations_text", "month_of", "next_period", "parse_day", "percent",
           "period_kind", "previous_period", "rate", "reason_label", "reason_rows", "shift", "value_text",
           "week_of", "yuan"]

SPOKEN = ("reached", "callback", "declined")  # the client was spoken to (memo.calls.TALKED)
NO_REASON = "none"  # the by_reason key of contacts that answered no listed reason
MAX_DAYS = 3660  # about ten years: a longer range is refused (and per_day stays a sane size)
MEASURES = ("attempted", "reached", "reach_rate", "new_info", "opportunities", "pending_opportunities",
            "sales", "sales_fen", "sales_amount")

# One pass over the period's contacts, grouped by day, spoken to or not, the reasons answered and
# the campaign: a few thousand groups a year at most, summed up in Python. The pending test
# probes ix_contact_client_at, and only for the contacts that raised an opportunity.
_GROUPS = """
SELECT substr(c.at, 1, 10), c.outcome IN ('reached', 'callback', 'declined'), c.reasons, c.campaign_id,
       count(*), sum(c.new_info != ''), sum(c.opportunity != ''),
       sum(CASE WHEN c.opportunity != '' AND NOT EXISTS (
               SELECT 1 FROM contact s
               WHERE s.client_id = c.client_id AND s.at >= c.at AND s.at < :hi AND s.sold_fen > 0)
           THEN 1 ELSE 0 END),
       sum(c.sold_fen > 0), sum(ifnull(c.sold_fen, 0))
FROM contact c
WHERE c.at >= :lo AND c.at < :hi
GROUP BY 1, 2, 3, 4
"""


# --- periods ---------------------------------------------------------------------------------------


def week_of(day: dt.date) -> tuple[dt.date, dt.date]:
    """The week (Monday to Sunday) containing `day`."""
    start = day - dt.timedelta(days=day.weekday())
    return start, start + dt.timedelta(days=6)


def month_of(day: dt.date) -> tuple[dt.date, dt.date]:
    """The calendar month containing `day`."""
    last = calendar.monthrange(day.year, day.month)[1]
    return day.replace(day=1), day.replace(day=last)


def _is_month(start: dt.date, end: dt.date) -> bool:
    return start.day == 1 and (start.year, start.month) == (end.year, end.month) and month_of(start)[1] == end


def _is_week(start: dt.date, end: dt.date) -> bool:
    return start.weekday() == 0 and end == start + dt.timedelta(days=6)


def period_kind(start: dt.date, end: dt.date) -> str:
    """"week" (Monday to Sunday), "month" (a whole calendar month) or "range" (anything else)."""
    if _is_week(start, end):
        return "week"
    if _is_month(start, end):
        return "month"
    return "range"


def shift(start: dt.date, end: dt.date, steps: int) -> tuple[dt.date, dt.date]:
    """The period `steps` periods away (negative: before): a whole calendar month moves by
    calendar months, anything else by its own length."""
    if _is_month(start, end):
        index = start.year * 12 + start.month - 1 + steps
        return month_of(dt.date(index // 12, index % 12 + 1, 1))
    length = dt.timedelta(days=(end - start).days + 1)
    return start + steps * length, end + steps * length


def previous_period(start: dt.date, end: dt.date) -> tuple[dt.date, dt.date]:
    """The period just before, of the same length: the previous week for a week, the previous
    calendar month for a whole calendar month (November is compared with all of October),
    otherwise the same number of days ending the day before `start`."""
    return shift(start, end, -1)


def next_period(start: dt.date, end: dt.date) -> tuple[dt.date, dt.date]:
    return shift(start, end, 1)


_FULL = re.compile(r"\s*(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?\s*")
_SHORT = re.compile(r"\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?\s*")


AHEAD_DAYS = 62  # a day written without its year is at most this far ahead of today


def parse_day(text: str, today: dt.date, field: str | None = None) -> dt.date:
    """A day of a review range: 2026-11-01, 2026/11/1, 2026年11月1日, or without the year (11-1,
    11/1, 11月1日) this year's, unless that is more than two months ahead: then last year's (a
    review looks back; "to 11/30" on 29 November is this year's). A 2-29 without the year is the
    latest leap year's that fits. DomainError "review.bad_date" naming `field` otherwise."""
    raw = (text or "").strip()
    try:
        if match := _FULL.fullmatch(raw):
            return dt.date(*(int(part) for part in match.groups()))
        if match := _SHORT.fullmatch(raw):
            month, day = (int(part) for part in match.groups())
            latest = today + dt.timedelta(days=AHEAD_DAYS)
            for year in range(today.year, today.year - 8, -1):
                try:
                    candidate = dt.date(year, month, day)
                except ValueError:
                    if month == 2 and day == 29:
                        continue  # a common year: the leap year before
                    raise
                if candidate <= latest:
                    return candidate
    except ValueError:
        pass
    raise DomainError("review.bad_date", raw, field)


def check_period(start: dt.date, end: dt.date) -> None:
    """DomainError when the period is backwards, too long, or has no period before it."""
    if start > end:
        raise DomainError("review.from_after_to", start.isoformat(), "from")
    if (end - start).days + 1 > MAX_DAYS:
        raise DomainError("review.too_long", (end - start).days + 1, "to")
    try:
        previous_period(start, end)
        end + dt.timedelta(days=1)
    except (OverflowError, ValueError):
        raise DomainError("review.bad_date", start.isoformat(), "from") from None


# --- figures ---------------------------------------------------------------------------------------


def yuan(fen: int) -> str:
    """Exact yuan as a decimal string: 15000000 -> "150000.00"."""
    sign = "-" if fen < 0 else ""
    whole, cents = divmod(abs(fen), 100)
    return f"{sign}{whole}.{cents:02d}"


def rate(part: int, whole: int) -> float:
    return round(part / whole, 4) if whole else 0.0


class _Tally:
    __slots__ = ("attempted", "reached", "new_info", "opportunities", "pending", "sales", "sales_fen")

    def __init__(self) -> None:
        self.attempted = self.reached = self.new_info = self.opportunities = 0
        self.pending = self.sales = self.sales_fen = 0

    def add(self, talked: int, n: int, info: int, opps: int, pending: int, sales: int, fen: int) -> None:
        self.attempted += n
        self.reached += n if talked else 0
        self.new_info += info
        self.opportunities += opps
        self.pending += pending
        self.sales += sales
        self.sales_fen += fen

    def as_dict(self) -> dict[str, Any]:
        return {
            "attempted": self.attempted, "reached": self.reached, "reach_rate": rate(self.reached, self.attempted),
            "new_info": self.new_info, "opportunities": self.opportunities,
            "pending_opportunities": self.pending, "sales": self.sales, "sales_fen": self.sales_fen,
            "sales_amount": yuan(self.sales_fen),
        }


def _days(start: dt.date, end: dt.date) -> list[dt.date]:
    return [start + dt.timedelta(days=i) for i in range((end - start).days + 1)]


def _measure(db, start: dt.date, end: dt.date) -> dict[str, Any]:  # noqa: ANN001
    lo, hi = start.isoformat(), (end + dt.timedelta(days=1)).isoformat()
    total = _Tally()
    kinds = {kind: _Tally() for kind in (*REASON_KINDS, NO_REASON)}
    campaigns: dict[int, _Tally] = {}
    per_day = {day.isoformat(): [0, 0] for day in _days(start, end)}
    for day, talked, reasons, campaign_id, n, info, opps, pending, sales, fen in db.execute(
            _GROUPS, {"lo": lo, "hi": hi}):
        values = (talked, n, info or 0, opps or 0, pending or 0, sales or 0, fen or 0)
        total.add(*values)
        answered = {k for k in (reasons or "").split() if k in kinds and k != NO_REASON} or {NO_REASON}
        for kind in answered:
            kinds[kind].add(*values)
        if campaign_id is not None:
            campaigns.setdefault(campaign_id, _Tally()).add(*values)
        counts = per_day.get(day)
        if counts is not None:  # always, but for a stored time in some other shape
            counts[0] += n
            counts[1] += n if talked else 0
    out = {"from": start.isoformat(), "to": end.isoformat(), "days": len(per_day), **total.as_dict()}
    out["by_reason"] = {kind: tally.as_dict() for kind, tally in kinds.items()}
    out["by_campaign"] = _campaigns(db, campaigns, lo, end.isoformat())
    out["per_day"] = [{"date": day, "attempted": a, "reached": r} for day, (a, r) in per_day.items()]
    return out


def _campaigns(db, tallies: dict[int, _Tally], lo: str, last: str) -> list[dict[str, Any]]:  # noqa: ANN001
    """The campaigns with contacts in the period, or held in it, with their figures and their
    invitations by status (as they stand now: an invitation keeps only its latest status)."""
    held = [row[0] for row in db.execute('SELECT id FROM campaign WHERE "on" >= ? AND "on" <= ?', (lo, last))]
    ids = sorted(set(tallies) | set(held))
    if not ids:
        return []
    marks = ",".join("?" * len(ids))
    names = {cid: (name, on) for cid, name, on in db.execute(
        f'SELECT id, name, "on" FROM campaign WHERE id IN ({marks})', ids)}
    invitations: dict[int, dict[str, int]] = {cid: dict.fromkeys(INVITATION_STATUSES, 0) for cid in ids}
    for cid, status, n in db.execute(
            f"SELECT campaign_id, status, count(*) FROM invitation WHERE campaign_id IN ({marks}) "
            "GROUP BY campaign_id, status", ids):
        invitations[cid][status] = n
    out = []
    for cid in ids:
        name, on = names.get(cid, ("", None))  # a contact pointing at a campaign since deleted
        out.append({"campaign_id": cid, "name": name, "on": on, **(tallies.get(cid) or _Tally()).as_dict(),
                    "invitations": invitations[cid]})
    out.sort(key=lambda c: (-c["attempted"], c["on"] or "", c["campaign_id"]))
    return out


def figures(book: Book, start: dt.date, end: dt.date, *, previous: bool = True) -> dict[str, Any]:
    """The review of [start, end] (dates inclusive) as a JSON-ready dict: "from", "to", "days",
    the measures (attempted, reached, reach_rate, new_info, opportunities, pending_opportunities,
    sales, sales_fen, sales_amount; see the module's docstring), "by_reason" ({kind: measures},
    every reason kind and "none"), "by_campaign" ([{campaign_id, name, on, measures...,
    invitations: {status: n}}], the busiest first), "per_day" ([{date, attempted, reached}] for
    every day, zeros included) and, unless `previous` is False, "previous": the same keys for the
    period before (memo.review.previous_period). One read transaction: both periods are read
    from the same snapshot."""
    check_period(start, end)
    with book.raw() as db:
        out = _measure(db, start, end)
        if previous:
            out["previous"] = _measure(db, *previous_period(start, end))
    return out


def change(now: dict[str, Any], before: dict[str, Any], key: str) -> float | int:
    """How much a measure moved from the period before (a rate in points of 0..1)."""
    if key == "reach_rate":
        return round(now[key] - before[key], 4)
    return now[key] - before[key]


# --- words: the figures as they read in the tables of `memo review` and the review screen ---------

FAMILIES = (
    ("review.family.relation", ("attempted", "reached", "reach_rate", "new_info")),
    ("review.family.product", ("opportunities", "pending_opportunities", "sales", "sales_amount")),
)


def percent(value: float) -> str:
    """A rate of 0..1 as "83.3%"."""
    return f"{value * 100:.1f}%"


def value_text(fig: dict[str, Any], key: str, privacy: bool) -> str:
    """One measure as it reads in a table."""
    from memo.terms import format_amount

    if key == "reach_rate":
        return percent(fig[key])
    if key == "sales_amount":
        return format_amount(fig["sales_fen"], privacy)
    return str(fig[key])


def change_text(fig: dict[str, Any], before: dict[str, Any], key: str, privacy: bool, *, arrows: bool = False) -> str:
    """The change from the period before: +3, -1, 0; a rate in percentage points; an amount
    in yuan (*** in privacy mode). `arrows` uses ▲/▼ instead of the signs."""
    from memo.terms import format_amount

    if key == "sales_amount":
        key = "sales_fen"
    delta = change(fig, before, key)
    if delta == 0:
        return "0" if not arrows else "="
    up = delta > 0
    size = abs(delta)
    if key == "reach_rate":
        body = t("review.points", value=f"{size * 100:.1f}")
    elif key == "sales_fen":
        body = format_amount(size, privacy)
        if privacy and not arrows:
            return body  # "+***" would read oddly; the screen keeps the arrow
    else:
        body = str(size)
    if arrows:
        return ("▲ " if up else "▼ ") + body
    return ("+" if up else "-") + body


def reason_rows(fig: dict[str, Any]) -> list[str]:
    """The reason kinds to show: those with contacts in this period or the one before."""
    before = fig.get("previous", {}).get("by_reason", {})
    return [k for k, v in fig["by_reason"].items() if v["attempted"] or before.get(k, {}).get("attempted")]


def reason_label(kind: str) -> str:
    return t("review.no_reason") if kind == NO_REASON else label("reason", kind)


def campaign_name(item: dict[str, Any], limit: int = 30) -> str:
    """A campaign's name as typed, shown safe (controls visible), or its number when it has none."""
    name = visible(item["name"], one_line=True, limit=limit) if item["name"] else ""
    return name or t("review.no_name", id=item["campaign_id"])


def invitations_text(counts: dict[str, int]) -> str:
    """The invitations by status, the empty ones left out: "已邀 12 接受 5 到场 3"."""
    return " ".join(f"{t(f'review.inv.{status}')} {n}" for status, n in counts.items() if n)
