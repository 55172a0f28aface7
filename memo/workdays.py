"""Mainland China working days (调休 make-up workdays included) and the yearly festivals.

Whether a day is a working day is decided by the first of these sources that knows it:

1. ``override``: the user's own entries in the book (Setting "holiday_overrides", JSON
   ``{"YYYY-MM-DD": {"workday": bool, "name": str}}``), so a newly published official schedule can
   be typed in before a package update ships it;
2. ``official``: the shipped schedule in ``data/holidays.json`` (same shape, plus a ``key``; a
   year listed in its ``_years`` is complete), then the chinesecalendar package for the years
   its data covers (2004-2026 in 1.11.0);
3. ``computed``: past the data, the statutory holidays as the 2025 rules set them
   (《全国年节及纪念日放假办法》 as revised in November 2024, in force 2025-01-01): 元旦 1 day
   (1/1), 春节 4 days (除夕 to 正月初三), 清明 1 day (the Qingming solar term), 劳动节 2 days
   (5/1-5/2), 端午 1 day (五月初五), 中秋 1 day (八月十五), 国庆 3 days (10/1-10/3); 中秋 on
   10/1-10/3 shares the day. Make-up workdays and the bridging days of the real schedules cannot
   be computed: a computed year has none, and its holidays carry the source "computed". The
   same rules are applied to years before the data (before 2004), where they are only a guess;
4. ``weekend`` / ``weekday``: Saturday and Sunday off, Monday to Friday working.

Headless and cheap to import: chinesecalendar, lunar-python and the book layer are imported
lazily, and each year's special days are built once and cached.
"""

from __future__ import annotations

import datetime as dt
import json
import weakref
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from memo import lunar

if TYPE_CHECKING:
    from memo.db import Book

__all__ = [
    "DayInfo",
    "Festival",
    "HOLIDAY_NAMES",
    "FESTIVAL_KEYS",
    "OVERRIDES_KEY",
    "is_workday",
    "day_info",
    "last_workday_before",
    "workday_on_or_before",
    "next_workday_after",
    "add_workdays",
    "workdays_between",
    "festivals",
    "festival",
    "calendar_year",
    "computed_holidays",
    "official_years",
    "is_official_year",
    "list_overrides",
    "set_override",
    "set_overrides",
    "remove_override",
    "clear_cache",
]

OVERRIDES_KEY = "holiday_overrides"

# Statutory holidays: key -> (中文, English). DayInfo.key is one of these (or None).
HOLIDAY_NAMES: dict[str, tuple[str, str]] = {
    "new_year": ("元旦", "New Year's Day"),
    "spring": ("春节", "Spring Festival"),
    "qingming": ("清明节", "Qingming Festival"),
    "labour": ("劳动节", "Labour Day"),
    "dragon_boat": ("端午节", "Dragon Boat Festival"),
    "mid_autumn": ("中秋节", "Mid-Autumn Festival"),
    "national": ("国庆节", "National Day"),
    "victory_70": ("抗战胜利70周年纪念日", "Victory Day (70th anniversary)"),
}
_CC_KEYS = {  # chinesecalendar's English names
    "New Year's Day": "new_year",
    "Spring Festival": "spring",
    "Tomb-sweeping Day": "qingming",
    "Labour Day": "labour",
    "Dragon Boat Festival": "dragon_boat",
    "Mid-autumn Festival": "mid_autumn",
    "National Day": "national",
    "Anti-Fascist 70th Day": "victory_70",
}


@dataclass(frozen=True, slots=True)
class DayInfo:
    date: dt.date
    workday: bool
    name: str | None  # 春节, 国庆节...; on a make-up workday, the holiday it makes up for
    source: str  # official | computed | override | weekend | weekday
    key: str | None = None  # a HOLIDAY_NAMES key when known

    @property
    def makeup(self) -> bool:
        """A working Saturday or Sunday (调休上班)."""
        return self.workday and self.date.weekday() >= 5


@dataclass(frozen=True, slots=True)
class Festival:
    key: str
    name_zh: str
    name_en: str
    date: dt.date


# key, 中文, English, how to find it in solar year Y
_FESTIVALS: tuple[tuple[str, str, str], ...] = (
    ("new_year", "元旦", "New Year's Day"),
    ("chuxi", "除夕", "Chinese New Year's Eve"),
    ("spring", "春节", "Spring Festival"),
    ("lantern", "元宵节", "Lantern Festival"),
    ("qingming", "清明节", "Qingming Festival"),
    ("dragon_boat", "端午节", "Dragon Boat Festival"),
    ("qixi", "七夕", "Qixi Festival"),
    ("mid_autumn", "中秋节", "Mid-Autumn Festival"),
    ("double_ninth", "重阳节", "Double Ninth Festival"),
    ("national", "国庆节", "National Day"),
)
FESTIVAL_KEYS = tuple(f[0] for f in _FESTIVALS)


def _as_date(d: dt.date | str) -> dt.date:
    if isinstance(d, dt.datetime):
        return d.date()
    if isinstance(d, dt.date):
        return d
    if isinstance(d, str):
        return dt.date.fromisoformat(d.strip())
    raise TypeError(f"not a date: {d!r}")


# --- festivals ---------------------------------------------------------------------------------


@lru_cache(maxsize=None)
def _festivals(year: int) -> tuple[Festival, ...]:
    spring = lunar.lunar_to_solar(year, 1, 1)
    dates = {
        "new_year": dt.date(year, 1, 1),
        "chuxi": spring - dt.timedelta(days=1),  # the eve of solar year Y's Spring Festival
        "spring": spring,
        "lantern": lunar.lunar_to_solar(year, 1, 15),
        "qingming": lunar.solar_term(year, "清明"),
        "dragon_boat": lunar.lunar_to_solar(year, 5, 5),
        "qixi": lunar.lunar_to_solar(year, 7, 7),
        "mid_autumn": lunar.lunar_to_solar(year, 8, 15),
        "double_ninth": lunar.lunar_to_solar(year, 9, 9),
        "national": dt.date(year, 10, 1),
    }
    found = (Festival(key, zh, en, dates[key]) for key, zh, en in _FESTIVALS)
    return tuple(sorted(found, key=lambda f: f.date))


def festivals(year: int) -> list[Festival]:
    """The ten festivals of solar year `year`, in calendar order."""
    return list(_festivals(year))


def festival(year: int, key: str) -> Festival:
    """One festival by its key (new_year, chuxi, spring, lantern, qingming, ...)."""
    for f in _festivals(year):
        if f.key == key:
            return f
    raise KeyError(key)


# --- the sources -------------------------------------------------------------------------------


def _data_file() -> Path | None:
    here = Path(__file__).resolve().parent
    for candidate in (here / "data" / "holidays.json", here.parent / "data" / "holidays.json"):
        if candidate.is_file():
            return candidate
    return None


def _parse_entries(raw: Any, source: str) -> dict[dt.date, DayInfo]:
    """{"YYYY-MM-DD": {"workday": bool, "name": str, "key": str}} -> DayInfo; bad rows skipped."""
    out: dict[dt.date, DayInfo] = {}
    if not isinstance(raw, dict):
        return out
    for iso, value in raw.items():
        if not isinstance(iso, str) or iso.startswith("_") or not isinstance(value, dict):
            continue
        try:
            day = dt.date.fromisoformat(iso)
        except ValueError:
            continue
        workday = value.get("workday")
        if not isinstance(workday, bool):
            continue
        name = value.get("name")
        key = value.get("key")
        out[day] = DayInfo(day, workday, name if isinstance(name, str) and name else None, source,
                           key if key in HOLIDAY_NAMES else None)
    return out


@lru_cache(maxsize=1)
def _shipped() -> tuple[dict[dt.date, DayInfo], frozenset[int]]:
    path = _data_file()
    if path is None:
        return {}, frozenset()
    raw = json.loads(path.read_text(encoding="utf-8"))
    years = frozenset(y for y in raw.get("_years", []) if isinstance(y, int))
    return _parse_entries(raw, "official"), years


@lru_cache(maxsize=None)
def _chinesecalendar_covers(year: int) -> bool:
    try:
        import chinese_calendar
    except ImportError:  # not installed: the computed rules take over
        return False
    try:
        chinese_calendar.is_workday(dt.date(year, 7, 1))
    except NotImplementedError:
        return False
    return True


def official_years() -> list[int]:
    """The years whose whole schedule (make-up days included) is known from official data."""
    _, shipped_years = _shipped()
    covered = {y for y in range(2000, 2101) if _chinesecalendar_covers(y)}
    return sorted(covered | shipped_years)


def is_official_year(year: int) -> bool:
    """True when `year`'s working days come from official data, False when they are computed."""
    return year in _shipped()[1] or _chinesecalendar_covers(year)


def _from_chinesecalendar(year: int) -> dict[dt.date, DayInfo]:
    from chinese_calendar import get_holiday_detail

    out: dict[dt.date, DayInfo] = {}
    day = dt.date(year, 1, 1)
    one = dt.timedelta(days=1)
    while day.year == year:
        on_holiday, name_en = get_holiday_detail(day)
        if name_en is not None:
            key = _CC_KEYS.get(name_en)
            name = HOLIDAY_NAMES[key][0] if key else name_en
            out[day] = DayInfo(day, not on_holiday, name, "official", key)
        day += one
    return out


def computed_holidays(year: int) -> dict[dt.date, tuple[str, ...]]:
    """The statutory days off of `year` under the 2025 rules (date -> HOLIDAY_NAMES keys; 中秋 can
    share a day with 国庆), without the bridging days and make-up workdays only an official
    schedule can set."""
    spring = lunar.lunar_to_solar(year, 1, 1)  # 正月初一 is Jan 21..Feb 20: 除夕 is in `year` too
    days: list[tuple[dt.date, str]] = [(dt.date(year, 1, 1), "new_year")]
    days += [(spring + dt.timedelta(days=i), "spring") for i in (-1, 0, 1, 2)]  # 除夕..初三
    days.append((lunar.solar_term(year, "清明"), "qingming"))
    days += [(dt.date(year, 5, 1), "labour"), (dt.date(year, 5, 2), "labour")]
    days.append((lunar.lunar_to_solar(year, 5, 5), "dragon_boat"))
    days.append((lunar.lunar_to_solar(year, 8, 15), "mid_autumn"))
    days += [(dt.date(year, 10, d), "national") for d in (1, 2, 3)]
    out: dict[dt.date, tuple[str, ...]] = {}
    for day, key in days:
        out[day] = out.get(day, ()) + (key,)
    return dict(sorted(out.items()))


def _computed(year: int) -> dict[dt.date, DayInfo]:
    return {
        day: DayInfo(day, False, "、".join(HOLIDAY_NAMES[k][0] for k in keys), "computed", keys[0])
        for day, keys in computed_holidays(year).items()
    }


@lru_cache(maxsize=256)
def _year_specials(year: int) -> dict[dt.date, DayInfo]:
    """Every day of `year` that is not a plain weekday/weekend day, from sources 2 and 3."""
    shipped, shipped_years = _shipped()
    mine = {d: info for d, info in shipped.items() if d.year == year}
    if year in shipped_years:
        return mine
    if _chinesecalendar_covers(year):
        base = _from_chinesecalendar(year)
    else:
        base = _computed(year)
    base.update(mine)
    return base


# --- the user's overrides ----------------------------------------------------------------------

_override_cache: dict[int, dict[dt.date, DayInfo]] = {}
_watched: set[int] = set()


def _forget(key: int) -> None:
    _override_cache.pop(key, None)
    _watched.discard(key)


def _overrides(book: Book | None) -> dict[dt.date, DayInfo]:
    if book is None:
        return {}
    key = id(book)
    cached = _override_cache.get(key)
    if cached is None:
        cached = _parse_entries(book.setting(OVERRIDES_KEY, {}), "override")
        _override_cache[key] = cached
        if key not in _watched:  # drop the cache with the book (ids are reused after that)
            _watched.add(key)
            weakref.finalize(book, _forget, key)
    return cached


def clear_cache(book: Book | None = None) -> None:
    """Forget cached overrides (of one book, or of all); the next lookup reads the book again."""
    if book is None:
        _override_cache.clear()
    else:
        _override_cache.pop(id(book), None)


def list_overrides(book: Book) -> dict[dt.date, DayInfo]:
    """The book's own overrides, by date."""
    return dict(sorted(_overrides(book).items()))


def _clean_name(name: str | None) -> str | None:
    if name is None:
        return None
    if not isinstance(name, str):
        raise TypeError("name must be text")
    name = " ".join(name.split())
    return name or None


def set_overrides(book: Book, entries: list[tuple[dt.date | str, bool, str | None]]) -> None:
    """Enter several days at once (a whole newly published schedule): (day, workday, name)."""
    from memo import ops

    staged = []
    for day, workday, name in entries:
        if not isinstance(workday, bool):
            raise TypeError("workday must be True or False")
        staged.append((_as_date(day), workday, _clean_name(name)))
    raw = ops.get_setting(book, OVERRIDES_KEY, {}) or {}
    for day, workday, name in staged:
        value: dict[str, Any] = {"workday": workday}
        if name:
            value["name"] = name
        raw[day.isoformat()] = value
    ops.put_setting(book, OVERRIDES_KEY, dict(sorted(raw.items())))
    clear_cache(book)


def set_override(book: Book, day: dt.date | str, workday: bool, name: str | None = None) -> None:
    """Mark one day as working (workday=True) or not, in this book: it wins over every source."""
    set_overrides(book, [(day, workday, name)])


def remove_override(book: Book, day: dt.date | str) -> bool:
    """Drop the book's override of a day; False if there was none."""
    from memo import ops

    iso = _as_date(day).isoformat()
    raw = ops.get_setting(book, OVERRIDES_KEY, {}) or {}
    if iso not in raw:
        return False
    del raw[iso]
    ops.put_setting(book, OVERRIDES_KEY, raw or None)
    clear_cache(book)
    return True


# --- queries -----------------------------------------------------------------------------------


def day_info(d: dt.date, book: Book | None = None) -> DayInfo:
    """Whether `d` is a working day, why, and the holiday's name."""
    d = _as_date(d)
    if book is not None:
        info = _overrides(book).get(d)
        if info is not None:
            return info
    info = _year_specials(d.year).get(d)
    if info is not None:
        return info
    if d.weekday() >= 5:
        return DayInfo(d, False, None, "weekend")
    return DayInfo(d, True, None, "weekday")


def is_workday(d: dt.date, book: Book | None = None) -> bool:
    d = _as_date(d)
    if book is not None:
        info = _overrides(book).get(d)
        if info is not None:
            return info.workday
    info = _year_specials(d.year).get(d)
    if info is not None:
        return info.workday
    return d.weekday() < 5


_ONE = dt.timedelta(days=1)
_MAX_STEPS = 366 * 2  # no real calendar has a year without a working day


def last_workday_before(d: dt.date, book: Book | None = None) -> dt.date:
    """The last working day strictly before `d`."""
    day = _as_date(d) - _ONE
    for _ in range(_MAX_STEPS):
        if is_workday(day, book):
            return day
        day -= _ONE
    raise ValueError(f"no working day before {d}")


def workday_on_or_before(d: dt.date, book: Book | None = None) -> dt.date:
    """`d` itself if it is a working day, else the last working day before it."""
    d = _as_date(d)
    return d if is_workday(d, book) else last_workday_before(d, book)


def next_workday_after(d: dt.date, book: Book | None = None) -> dt.date:
    """The first working day strictly after `d`."""
    day = _as_date(d) + _ONE
    for _ in range(_MAX_STEPS):
        if is_workday(day, book):
            return day
        day += _ONE
    raise ValueError(f"no working day after {d}")


def add_workdays(d: dt.date, n: int, book: Book | None = None) -> dt.date:
    """The n-th working day after `d` (n > 0) or before it (n < 0), `d` itself not counted;
    n == 0 returns `d` unchanged. T-7 working days before a maturity is add_workdays(m, -7)."""
    day = _as_date(d)
    step = last_workday_before if n < 0 else next_workday_after
    for _ in range(abs(n)):
        day = step(day, book)
    return day


def workdays_between(a: dt.date, b: dt.date, book: Book | None = None) -> int:
    """Working days in [a, b) (a counted, b not), negative when b is before a: so for a working
    day a and n > 0, workdays_between(a, add_workdays(a, n)) == n."""
    a, b = _as_date(a), _as_date(b)
    if b < a:
        return -workdays_between(b, a, book)
    count = 0
    day = a
    while day < b:
        count += is_workday(day, book)
        day += _ONE
    return count


def calendar_year(year: int, book: Book | None = None, *, named: bool = False) -> list[DayInfo]:
    """The days of `year` that break the weekend rule: every non-working Monday-Friday and every
    working Saturday/Sunday, each with its source; plus every day the book overrides (so the user
    sees all of their entries). With named=True, also the holiday's own weekend days (the whole
    run: 2026-02-15..23 春节). In date order."""
    overrides = _overrides(book)
    out = []
    day = dt.date(year, 1, 1)
    while day.year == year:
        info = day_info(day, book)
        if (info.workday == (day.weekday() >= 5) or day in overrides
                or (named and info.name is not None)):
            out.append(info)
        day += _ONE
    return out
