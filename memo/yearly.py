"""A client's dates in a solar year: birthday (solar or lunar), key dates, deposit maturities.

Every yearly date is computed fresh from its anchor by memo.lunar (a lunar anchor may land twice
in one solar year, or not at all); maturities come from memo.money's term arithmetic, one per
rollover period falling in the year. Each date says whether it is a working day and, when it
is not, the last working day before it: the day to call by.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from sqlmodel import select

from memo import lunar
from memo.birthdays import Birthday
from memo.db import Book
from memo.i18n import label as code_label
from memo.i18n import t
from memo.models import Deposit, KeyDate
from memo.ops import DomainError, _birthday_of, _live_client

__all__ = ["YearlyDate", "anniversary_is_round", "birthday_of", "check_year", "dates_for_client", "maturities_in_year",
           "next_birthday"]

KINDS = ("birthday", "lunar_birthday", "key_date", "maturity")
YEARS = (1900, 2200)  # the years a date here may be asked for (as memo.money.parse_date)


def check_year(year: int) -> int:
    """`year` if it is one dates can be resolved in, else DomainError("yearly.bad_year")."""
    if not isinstance(year, int) or not YEARS[0] <= year <= YEARS[1]:
        raise DomainError("yearly.bad_year", year, "year")
    return year


@dataclass(frozen=True)
class YearlyDate:
    kind: str  # birthday | lunar_birthday | key_date | maturity
    date: dt.date
    label: str  # words for a person, in the current language (a key date's own label)
    age: int | None = None  # birthdays: the age reached; key dates: the years since (year known)
    round_age: bool = False  # 60, 70, 80... (key dates: 10th, 20th... anniversary)
    lunar_label: str | None = None  # 农历八月十五 for a lunar anchor
    anchor: str | None = None  # the yearly anchor as the CLI writes it: [L|L*][YYYY-]MM-DD
    workday: bool = True
    call_by: dt.date | None = None  # on a non-working day: the last working day before it
    keydate_id: int | None = None
    deposit_id: int | None = None
    amount_fen: int | None = None
    currency: str | None = None
    rollover: bool | None = None
    period: int | None = None  # which rollover period's maturity (1 = the first)


def anniversary_is_round(years: int | None) -> bool:
    return years is not None and years >= 10 and years % 10 == 0


def birthday_of(who: Any) -> Birthday | None:
    """The birthday of a Client row, a ClientCard (or anything with .birthday), or a Birthday."""
    if who is None or isinstance(who, Birthday):
        return who
    if hasattr(who, "birth_kind"):
        return _birthday_of(who)
    if isinstance(who, dict):
        if "birth_kind" in who:
            if who.get("birth_kind") is None:
                return None
            return Birthday(who["birth_kind"], who["birth_month"], who["birth_day"], who.get("birth_year"),
                            bool(who.get("birth_leap")))
        return who.get("birthday")
    return getattr(who, "birthday", None)


def next_birthday(who: Any, today: dt.date) -> tuple[dt.date, int | None, bool] | None:
    """(the next birthday on or after today, the age then or None, whether it is a round one),
    or None without a birthday. `who`: a Client, a ClientCard, a Birthday or a dict of birth_*."""
    bday = birthday_of(who)
    if bday is None:
        return None
    try:
        day = lunar.next_occurrence(bday.kind, bday.month, bday.day, bday.leap, today)
    except ValueError:  # an anchor memo.lunar refuses (the parser never lets one in)
        return None
    age = lunar.age_on(bday.year, bday.kind, day)
    return day, age, lunar.is_round_age(age)


def _workday(day: dt.date, book: Book | None) -> tuple[bool, dt.date | None]:
    from memo import workdays

    if workdays.is_workday(day, book):
        return True, None
    return False, workdays.last_workday_before(day, book)


def _occurrences(kind: str, month: int, day: int, leap: bool, year: int) -> list[dt.date]:
    try:
        return lunar.occurrences_in_solar_year(kind, month, day, leap, year)
    except ValueError:
        return []


def _birthdays(bday: Birthday, year: int) -> list[dict]:
    kind = "lunar_birthday" if bday.kind == "lunar" else "birthday"
    words = t("yearly.lunar_birthday") if bday.kind == "lunar" else t("yearly.birthday")
    lunar_label = lunar.format_lunar(bday.month, bday.day, bday.leap) if bday.kind == "lunar" else None
    out = []
    for day in _occurrences(bday.kind, bday.month, bday.day, bday.leap, year):
        age = lunar.age_on(bday.year, bday.kind, day)
        out.append(dict(kind=kind, date=day, label=words, age=age, round_age=lunar.is_round_age(age),
                        lunar_label=lunar_label, anchor=bday.iso()))
    return out


def _keydates(rows: list[KeyDate], year: int) -> list[dict]:
    out = []
    for row in rows:
        anchor = Birthday(row.kind, row.month, row.day, row.year, row.leap)
        lunar_label = lunar.format_lunar(row.month, row.day, row.leap) if row.kind == "lunar" else None
        for day in _occurrences(row.kind, row.month, row.day, row.leap, year):
            years = lunar.age_on(row.year, row.kind, day)
            out.append(dict(kind="key_date", date=day, label=row.label, age=years,
                            round_age=anniversary_is_round(years), lunar_label=lunar_label,
                            anchor=anchor.iso(), keydate_id=row.id))
    return out


def maturities_in_year(dep: Deposit, year: int) -> list[tuple[int, dt.date]]:
    """(period k, maturity) of an active deposit falling in solar year `year`: every rollover
    period's for a rolling deposit, else the one maturity."""
    from memo.terms import _first_k_on_or_after, _months_between, deposit_periods

    first_day, last_day = dt.date(year, 1, 1), dt.date(year, 12, 31)
    period = deposit_periods(dep.start, dep.term_months, dep.maturity) if dep.rollover else None
    if period is None:
        return [(1, dep.maturity)] if dep.maturity.year == year else []
    term = dep.term_months or _months_between(dep.start, dep.maturity)
    k = 1 if dep.maturity >= first_day else _first_k_on_or_after(period, term, first_day)
    found = []
    while (day := period(k)) <= last_day:
        found.append((k, day))
        k += 1
    return found


def _maturities(rows: list[Deposit], year: int) -> list[dict]:
    from memo.money import format_amount

    out = []
    for dep in rows:
        for k, day in maturities_in_year(dep, year):
            words = t("yearly.maturity", kind=code_label("deposit_kind", dep.kind),
                      amount=format_amount(dep.amount_fen, symbol=True, short=True, currency=dep.currency))
            out.append(dict(kind="maturity", date=day, label=words, deposit_id=dep.id,
                            amount_fen=dep.amount_fen, currency=dep.currency, rollover=dep.rollover, period=k))
    return out


_ORDER = {kind: i for i, kind in enumerate(KINDS)}


def dates_for_client(book: Book, client_id: int, year: int) -> list[YearlyDate]:
    """The client's birthday, key dates and active deposits' maturities in solar `year`, by date."""
    check_year(year)
    with book.read() as session:
        client = _live_client(session, client_id)
        bday = _birthday_of(client)
        keydates = list(session.exec(select(KeyDate).where(KeyDate.client_id == client_id)).all())
        deposits = list(session.exec(select(Deposit).where(Deposit.client_id == client_id,
                                                           Deposit.status == "active")).all())
    rows = (_birthdays(bday, year) if bday else []) + _keydates(keydates, year) + _maturities(deposits, year)
    out = []
    for row in rows:
        workday, call_by = _workday(row["date"], book)
        out.append(YearlyDate(workday=workday, call_by=call_by, **row))
    out.sort(key=lambda d: (d.date, _ORDER[d.kind], d.keydate_id or d.deposit_id or 0))
    return out
