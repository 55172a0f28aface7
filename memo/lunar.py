"""The Chinese lunar calendar, as table lookups: yearly dates, ages and 农历 labels.

lunar-python (MIT) does the astronomy, but its per-date path rebuilds a whole lunar year on every
call (about 5 ms). Here each lunar year is built once into a small month table (month number,
leap flag, first solar day, length) and cached; everything else is arithmetic on those tables,
so resolving 100,000 birthdays is a matter of milliseconds. lunar-python is imported lazily, by
the table builder only: importing this module costs nothing.

Policies (PRODUCT.md, "Rules the bank world sets"):
- a yearly lunar date uses the leap month in years that have it, the regular month otherwise;
- day 30 in a 29-day month falls on day 29 (腊月三十 becomes 除夕 in such years);
- a solar Feb 29 falls on Feb 28 in common years;
- every year's date is computed fresh from the anchor, never stepped from last year's.
"""

from __future__ import annotations

import bisect
import datetime as dt
import json
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

__all__ = [
    "LunarMonth",
    "month_table",
    "leap_month",
    "lunar_to_solar",
    "solar_to_lunar",
    "yearly_lunar",
    "yearly_solar",
    "occurrences_in_solar_year",
    "next_occurrence",
    "next_occurrences",
    "age_on",
    "is_round_age",
    "format_lunar",
    "lunar_month_name",
    "lunar_day_name",
    "solar_term",
    "KINDS",
]

KINDS = ("solar", "lunar")
_JD_ORDINAL_OFFSET = 1721425  # floor(JD + 0.5) - this == date.toordinal()


@dataclass(frozen=True, slots=True)
class LunarMonth:
    """One month of a lunar year: 闰六月 of 2025 is LunarMonth(2025, 6, True, 2025-07-25, 29)."""

    year: int
    month: int
    leap: bool
    first: dt.date
    length: int  # 29 or 30

    @property
    def last(self) -> dt.date:
        return self.first + dt.timedelta(days=self.length - 1)


@dataclass(frozen=True, slots=True)
class _Year:
    months: tuple[LunarMonth, ...]
    firsts: tuple[int, ...]  # ordinals of each month's first day, for bisect
    by_key: dict[tuple[int, bool], LunarMonth]
    end: int  # ordinal of the day after the last day of the year
    terms: dict[str, dt.date]  # the 24 solar terms of *solar* year `year`, by Chinese name


_TERM_ALIASES = {
    "DA_XUE": "大雪", "DONG_ZHI": "冬至", "XIAO_HAN": "小寒", "DA_HAN": "大寒",
    "LI_CHUN": "立春", "YU_SHUI": "雨水", "JING_ZHE": "惊蛰",
}


def _jd_to_date(jd: float) -> dt.date:
    return dt.date.fromordinal(int(jd + 0.5) - _JD_ORDINAL_OFFSET)


@lru_cache(maxsize=1)
def _shipped() -> dict:
    """data/lunar.json (tools/make_lunar_table.py): the years 1900-2100, computed once from
    lunar-python and shipped, so a start reads a small file instead of computing years."""
    here = Path(__file__).resolve().parent
    for candidate in (here / "data" / "lunar.json", here.parent / "data" / "lunar.json"):
        if candidate.is_file():
            return json.loads(candidate.read_text(encoding="utf-8"))["years"]
    return {}


@lru_cache(maxsize=None)
def _year(year: int) -> _Year:
    """Lunar year `year` (and the solar terms of solar year `year`): from the shipped table when
    it has the year, else computed with lunar-python."""
    row = _shipped().get(str(year))
    if row is None:
        return _computed_year(year)
    months = tuple(LunarMonth(year, month, bool(leap), dt.date.fromordinal(first), length)
                   for month, leap, first, length in row["months"])
    return _Year(
        months=months,
        firsts=tuple(m.first.toordinal() for m in months),
        by_key={(m.month, m.leap): m for m in months},
        end=months[-1].first.toordinal() + months[-1].length,
        terms={name: dt.date.fromordinal(day) for name, day in row["terms"].items()},
    )


def _computed_year(year: int) -> _Year:
    """Build lunar year `year` (and the solar terms of solar year `year`): the only caller of
    lunar-python's slow path."""
    from lunar_python import LunarYear

    rows: dict[int, LunarMonth] = {}
    terms: dict[str, dt.date] = {}
    # LunarYear(Y) holds 15 months from the 11th month of Y-1; a year with 13 months after a
    # leap 11th/12th month of Y-1 would not fit, so look at Y+1's list too when needed.
    for source in (year, year + 1):
        ly = LunarYear.fromYear(source)
        for m in ly.getMonths():
            if m.getYear() != year:
                continue
            first = _jd_to_date(m.getFirstJulianDay())
            rows[first.toordinal()] = LunarMonth(year, abs(m.getMonth()), m.getMonth() < 0,
                                                 first, m.getDayCount())
        if source == year:
            from lunar_python import Lunar

            for name, jd in zip(Lunar.JIE_QI_IN_USE, ly.getJieQiJulianDays()):
                day = _jd_to_date(jd)
                if day.year == year:
                    terms[_TERM_ALIASES.get(name, name)] = day
        numbers = sorted(r.month for r in rows.values() if not r.leap)
        if numbers == list(range(1, 13)):
            break
    months = tuple(rows[k] for k in sorted(rows))
    if sorted(m.month for m in months if not m.leap) != list(range(1, 13)) or len(months) > 13:
        raise ValueError(f"lunar year {year}: incomplete month table")
    for a, b in zip(months, months[1:]):
        if a.first.toordinal() + a.length != b.first.toordinal():
            raise ValueError(f"lunar year {year}: months do not follow each other")
    return _Year(
        months=months,
        firsts=tuple(m.first.toordinal() for m in months),
        by_key={(m.month, m.leap): m for m in months},
        end=months[-1].first.toordinal() + months[-1].length,
        terms=terms,
    )


def month_table(year: int) -> tuple[LunarMonth, ...]:
    """The months of lunar year `year` in order (12, or 13 with the leap month)."""
    return _year(year).months


def leap_month(year: int) -> int:
    """The leap month of lunar year `year`, 0 if none."""
    for m in _year(year).months:
        if m.leap:
            return m.month
    return 0


def solar_term(year: int, name: str) -> dt.date:
    """The day (Beijing time) of a solar term in solar year `year`, e.g. solar_term(2026, "清明")."""
    try:
        return _year(year).terms[name]
    except KeyError:
        raise ValueError(f"unknown solar term {name!r}") from None


def _check(month: int, day: int) -> None:
    if not 1 <= month <= 12 or not 1 <= day <= 30:
        raise ValueError(f"lunar month/day out of range: {month}/{day}")


def lunar_to_solar(year: int, month: int, day: int, leap: bool = False) -> dt.date:
    """The solar date of an exact lunar date; ValueError if that leap month or day doesn't exist."""
    _check(month, day)
    row = _year(year).by_key.get((month, bool(leap)))
    if row is None:
        raise ValueError(f"lunar year {year} has no leap month {month}")
    if day > row.length:
        raise ValueError(f"lunar {year}/{'闰' if leap else ''}{month} has {row.length} days")
    return row.first + dt.timedelta(days=day - 1)


@lru_cache(maxsize=4096)
def _solar_to_lunar(ordinal: int) -> tuple[int, int, int, bool]:
    year = dt.date.fromordinal(ordinal).year
    table = _year(year)
    if ordinal < table.firsts[0]:
        year -= 1
        table = _year(year)
    i = bisect.bisect_right(table.firsts, ordinal) - 1
    row = table.months[i]
    return year, row.month, ordinal - table.firsts[i] + 1, row.leap


def solar_to_lunar(d: dt.date) -> tuple[int, int, int, bool]:
    """(lunar year, month, day, leap) of a solar date."""
    if isinstance(d, dt.datetime):
        d = d.date()
    return _solar_to_lunar(d.toordinal())


def yearly_lunar(month: int, day: int, leap: bool, lunar_year: int) -> dt.date:
    """A yearly lunar anchor's date in lunar year `lunar_year`, with the policies: the leap month
    when the year has it (else the regular month); day 30 clamps to 29 in a 29-day month."""
    _check(month, day)
    by_key = _year(lunar_year).by_key
    row = (by_key.get((month, True)) if leap else None) or by_key[(month, False)]
    return row.first + dt.timedelta(days=min(day, row.length) - 1)


def yearly_solar(month: int, day: int, year: int) -> dt.date:
    """A yearly solar anchor's date in `year`: Feb 29 falls on Feb 28 in common years."""
    if month == 2 and day == 29:
        try:
            return dt.date(year, 2, 29)
        except ValueError:
            return dt.date(year, 2, 28)
    return dt.date(year, month, day)


def _check_anchor(kind: str, month: int, day: int) -> None:
    if kind == "lunar":
        _check(month, day)
    elif kind == "solar":
        dt.date(2000, month, day)  # ValueError for 2/30, 4/31, 13/1...
    else:
        raise ValueError(f"unknown date kind {kind!r}")


def occurrences_in_solar_year(kind: str, month: int, day: int, leap: bool,
                              solar_year: int) -> list[dt.date]:
    """Every date of a yearly anchor within solar year `solar_year`, sorted.

    Solar: exactly one. Lunar: 0, 1 or 2, since lunar year Y-1's 冬月/腊月 reach into January and
    February of solar Y (冬月二十 does not occur at all in solar 2025; 腊月初一 can occur twice).
    """
    _check_anchor(kind, month, day)
    if kind == "solar":
        return [yearly_solar(month, day, solar_year)]
    found = []
    for lunar_year in (solar_year - 1, solar_year):
        d = yearly_lunar(month, day, leap, lunar_year)
        if d.year == solar_year:
            found.append(d)
    return found


@lru_cache(maxsize=16384)
def _next(kind: str, month: int, day: int, leap: bool, ordinal: int) -> dt.date:
    _check_anchor(kind, month, day)
    start = dt.date.fromordinal(ordinal)
    if kind == "solar":
        d = yearly_solar(month, day, start.year)
        return d if d >= start else yearly_solar(month, day, start.year + 1)
    lunar_year = _solar_to_lunar(ordinal)[0]
    d = yearly_lunar(month, day, leap, lunar_year)
    # all of lunar year Y-1 lies before `start`, all of Y+1 after it
    return d if d >= start else yearly_lunar(month, day, leap, lunar_year + 1)


def next_occurrence(kind: str, month: int, day: int, leap: bool, on_or_after: dt.date) -> dt.date:
    """The first date on or after `on_or_after` of a yearly anchor (solar or lunar)."""
    if isinstance(on_or_after, dt.datetime):
        on_or_after = on_or_after.date()
    return _next(kind, month, day, bool(leap), on_or_after.toordinal())


def next_occurrences(anchors: Iterable[tuple[str, int, int, bool]],
                     on_or_after: dt.date) -> list[dt.date]:
    """next_occurrence for many (kind, month, day, leap) anchors at once, in their order.

    There are only ~800 distinct anchors, so each is resolved once and the rest is a dict lookup.
    """
    if isinstance(on_or_after, dt.datetime):
        on_or_after = on_or_after.date()
    ordinal = on_or_after.toordinal()
    memo: dict[tuple, dt.date] = {}
    out = []
    append = out.append
    for anchor in anchors:
        d = memo.get(anchor)
        if d is None:
            kind, month, day, leap = anchor
            d = memo[anchor] = _next(kind, month, day, bool(leap), ordinal)
        append(d)
    return out


def age_on(birth_year: int | None, kind: str, occurrence: dt.date) -> int | None:
    """The age reached at an occurrence of a birthday; None without a birth year (or before birth).

    Solar: the difference of solar years. Lunar: the difference of lunar years (the birth year is
    a lunar year, and a 腊月 birthday's occurrence in January belongs to the previous lunar year).
    """
    if birth_year is None:
        return None
    if kind == "lunar":
        year = solar_to_lunar(occurrence)[0]
    elif kind == "solar":
        year = occurrence.year
    else:
        raise ValueError(f"unknown date kind {kind!r}")
    age = year - birth_year
    return age if age >= 0 else None


ROUND_AGE_FROM = 20


def is_round_age(age: int | None) -> bool:
    """A round birthday worth marking: every multiple of ten from 20 (20, 30, ... 60 大寿, 70, 80...)."""
    return age is not None and age >= ROUND_AGE_FROM and age % 10 == 0


_MONTH_NAMES = ("正", "二", "三", "四", "五", "六", "七", "八", "九", "十", "冬", "腊")
_DIGITS = "一二三四五六七八九十"


def lunar_day_name(day: int) -> str:
    """初一..初十, 十一..十九, 二十, 廿一..廿九, 三十."""
    if not 1 <= day <= 30:
        raise ValueError(f"lunar day out of range: {day}")
    if day <= 10:
        return "初" + _DIGITS[day - 1]
    if day < 20:
        return "十" + _DIGITS[day - 11]
    if day == 20:
        return "二十"
    if day < 30:
        return "廿" + _DIGITS[day - 21]
    return "三十"


def lunar_month_name(month: int, leap: bool = False) -> str:
    """正月, 闰六月, 冬月, 腊月."""
    if not 1 <= month <= 12:
        raise ValueError(f"lunar month out of range: {month}")
    return ("闰" if leap else "") + _MONTH_NAMES[month - 1] + "月"


def format_lunar(month: int, day: int, leap: bool = False) -> str:
    """农历八月十五, 农历闰六月初一, 农历腊月三十, 农历正月初一."""
    return "农历" + lunar_month_name(month, leap) + lunar_day_name(day)
