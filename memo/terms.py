"""Pure date and money arithmetic of deposits and holdings: terms, maturity chains, amounts as
text, crossed lines. No database and nothing heavy to import: the today list's first paint uses it
(memo.money builds on it and re-exports it)."""

from __future__ import annotations

import calendar
import datetime as dt
from decimal import Decimal

MAX_TERM_MONTHS = 600  # 50 years


def format_amount(fen: int | None, privacy: bool = False, *, symbol: bool = False, short: bool = False,
                  currency: str = "CNY") -> str:
    """500000 yuan as "500,000.00"; `symbol` gives "¥500,000.00" (other currencies "USD 1,000.00");
    `short` drops ".00" from whole amounts; privacy mode shows "***"."""
    if fen is None:
        return ""
    if privacy:
        return "***"
    sign = "-" if fen < 0 else ""
    yuan, cents = divmod(abs(fen), 100)
    body = f"{yuan:,}" if short and cents == 0 else f"{yuan:,}.{cents:02d}"
    if symbol:
        body = ("¥" if currency == "CNY" else f"{currency} ") + body
    return sign + body


def maturity_for(start: dt.date, months: int, k: int = 1) -> dt.date:
    """The k-th maturity of a term of `months`: start + k x months, from the start (no drift).

    31 Jan + 1m = the last day of February; 29 Feb + 12m = 28 Feb; 31 Jan + 2m = 31 Mar (and
    not 28 Mar, which stepping one month twice would give).
    """
    # relativedelta(months=...)'s arithmetic, without building one (the importer makes thousands)
    index = start.month - 1 + months * k
    year, month = start.year + index // 12, index % 12 + 1
    return dt.date(year, month, min(start.day, calendar.monthrange(year, month)[1]))


def _months_between(start: dt.date, end: dt.date) -> int | None:
    """n when end == start + n months exactly (n >= 1), else None."""
    n = (end.year - start.year) * 12 + (end.month - start.month)
    for guess in (n, n + 1):
        if 1 <= guess <= MAX_TERM_MONTHS and maturity_for(start, guess) == end:
            return guess
    return None


def deposit_periods(start: dt.date, term_months: int | None, maturity: dt.date):  # noqa: ANN201
    """The maturity of period k (k >= 1) of a rolling deposit, or None when it can't roll.

    Computed from the start when the first maturity is start + term (the normal case, no drift);
    a given first maturity that differs (an imported date) anchors the later periods instead:
    maturity + (k-1) x term, again never stepped. Without a term, one is read from the dates
    when the maturity is a whole number of months after the start.
    """
    term = term_months or _months_between(start, maturity)
    if term is None:
        return None
    if maturity_for(start, term) == maturity:
        return lambda k: maturity_for(start, term, k)
    return lambda k: maturity_for(maturity, term, k - 1)


def _first_k_on_or_after(period, term: int, day: dt.date) -> int:  # noqa: ANN001
    """The smallest k >= 1 with period(k) >= day (period is increasing, term months apart).

    Starts from an estimate whose month is at least one term before day's month, so it is below
    day, and walks up from there: a few steps, whatever the age of the deposit.
    """
    first = period(1)
    months = (day.year - first.year) * 12 + (day.month - first.month)
    k = max(1, months // term)
    while period(k) < day:
        k += 1
    return k


def roll_keys(start: dt.date, term_months: int | None, maturity: dt.date) -> tuple[int | None, int | None, int | None]:
    """(term, phase, day): the keys under which a rolling deposit's maturities are found.

    Every maturity of the chain is anchor + n x term months (deposit_periods), so it falls in a
    month whose index is the anchor's modulo the term, on the anchor's day, or on the month's last
    day when the month is shorter. So the deposits maturing on a date are those with
    (term, that month's index % term, the date's day) - or any day from the date's on, when the
    date is the last of its month (memo.agenda looks them up so).
    """
    term = term_months or _months_between(start, maturity)
    if term is None:
        return None, None, None
    return chain_keys(start if maturity_for(start, term) == maturity else maturity, term)


def chain_keys(anchor: dt.date, term: int) -> tuple[int, int, int]:
    """roll_keys of the chain anchor + n x `term` months."""
    return term, (anchor.year * 12 + anchor.month - 1) % term, anchor.day


def next_maturity_of(start: dt.date, term_months: int | None, maturity: dt.date, rollover: bool,
                     today: dt.date) -> tuple[dt.date, int]:
    """(the coming maturity, its period k). For a rolling deposit past its first maturity, the
    first start + k x term on or after today; otherwise the (first) maturity itself, k = 1."""
    if not rollover or maturity >= today:
        return maturity, 1
    period = deposit_periods(start, term_months, maturity)
    if period is None:
        return maturity, 1
    term = term_months or _months_between(start, maturity)
    k = _first_k_on_or_after(period, term, today)
    return period(k), k


def _line(purchase: str, latest: str | None, take_profit: str | None, stop_loss: str | None) -> str | None:
    """Which line the latest price crossed, compared exactly (no rounded percent in between)."""
    if latest is None:
        return None
    buy, now = Decimal(purchase), Decimal(latest)
    moved = (now - buy) * 100  # compare moved >= pct x buy instead of dividing
    if take_profit is not None and moved >= Decimal(take_profit) * buy:
        return "take_profit"
    if stop_loss is not None and moved <= -Decimal(stop_loss) * buy:
        return "stop_loss"
    return None
