"""memo.workdays: mainland China working days (调休 included), overrides and festivals."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from memo import lunar, ops
from memo import workdays as W
from memo.db import open_book

D = dt.date
MAKEUP_2026 = [D(2026, 1, 4), D(2026, 2, 14), D(2026, 2, 28), D(2026, 5, 9), D(2026, 9, 20),
               D(2026, 10, 10)]
HOLIDAYS_2026 = [D(2026, 1, 1), D(2026, 1, 2), *[D(2026, 2, d) for d in range(16, 24)],
                 D(2026, 4, 6), D(2026, 5, 4), D(2026, 5, 5), D(2026, 6, 19), D(2026, 9, 25),
                 *[D(2026, 10, d) for d in range(1, 8)]]


@pytest.fixture
def book(tmp_path: Path):
    book = open_book(tmp_path / "b.db")
    yield book
    W.clear_cache(book)
    book.close()


@pytest.fixture
def shipped_only(monkeypatch: pytest.MonkeyPatch):
    """As if chinesecalendar knew no year at all: only data/holidays.json and the rules."""
    W._year_specials.cache_clear()
    monkeypatch.setattr(W, "_chinesecalendar_covers", lambda year: False)
    yield
    W._year_specials.cache_clear()


@pytest.mark.parametrize("day", MAKEUP_2026)
def test_2026_makeup_days_are_workdays(day: dt.date) -> None:
    info = W.day_info(day)
    assert day.weekday() >= 5
    assert W.is_workday(day)
    assert (info.workday, info.source, info.makeup) == (True, "official", True)
    assert info.name is not None


@pytest.mark.parametrize("day", HOLIDAYS_2026)
def test_2026_holidays_are_not(day: dt.date) -> None:
    info = W.day_info(day)
    assert not W.is_workday(day)
    assert (info.workday, info.source) == (False, "official")


@pytest.mark.parametrize("day", MAKEUP_2026 + HOLIDAYS_2026)
def test_2026_does_not_need_chinesecalendar(shipped_only, day: dt.date) -> None:  # noqa: ANN001
    assert W.is_official_year(2026)
    assert W.is_workday(day) is (day in MAKEUP_2026)
    assert W.day_info(day).source == "official"
    # a plain day of the shipped year keeps the weekend rule, not the computed one
    assert W.day_info(D(2026, 3, 10)).source == "weekday"


def test_shipped_2026_matches_chinesecalendar() -> None:
    import chinese_calendar

    try:
        chinese_calendar.is_workday(D(2026, 1, 1))
    except NotImplementedError:
        pytest.fail("the installed chinesecalendar lacks 2026 (pyproject asks for >= 1.11)")
    day = D(2026, 1, 1)
    while day.year == 2026:
        assert W.is_workday(day) == chinese_calendar.is_workday(day), day
        day += dt.timedelta(1)


@pytest.mark.parametrize(
    ("day", "workday", "source", "name"),
    [
        (D(2025, 1, 26), True, "official", "春节"),  # Sunday, worked for the Spring Festival
        (D(2025, 2, 8), True, "official", "春节"),
        (D(2025, 1, 28), False, "official", "春节"),  # 除夕 2025, off under the 2025 rules
        (D(2025, 2, 4), False, "official", "春节"),
        (D(2025, 2, 5), True, "weekday", None),
        (D(2025, 2, 9), False, "weekend", None),
        (D(2015, 9, 3), False, "official", "抗战胜利70周年纪念日"),
    ],
)
def test_chinesecalendar_years(day: dt.date, workday: bool, source: str, name: str | None) -> None:
    info = W.day_info(day)
    assert (info.workday, info.source, info.name) == (workday, source, name)


@pytest.mark.parametrize(
    ("day", "workday", "source", "key"),
    [
        (D(2040, 1, 2), True, "weekday", None),  # 元旦 2040 is a Sunday: no bridging computed
        (D(2040, 2, 11), False, "computed", "spring"),  # 除夕 (a Saturday)
        (D(2040, 2, 12), False, "computed", "spring"),  # 春节
        (D(2040, 2, 13), False, "computed", "spring"),  # 初二
        (D(2040, 2, 14), False, "computed", "spring"),  # 初三
        (D(2040, 2, 15), True, "weekday", None),  # 初四: only an official schedule adds it
        (D(2040, 4, 4), False, "computed", "qingming"),
        (D(2040, 5, 1), False, "computed", "labour"),
        (D(2040, 5, 2), False, "computed", "labour"),
        (D(2040, 6, 14), False, "computed", "dragon_boat"),
        (D(2040, 9, 20), False, "computed", "mid_autumn"),
        (D(2040, 10, 1), False, "computed", "national"),
        (D(2040, 10, 3), False, "computed", "national"),
        (D(2040, 10, 4), True, "weekday", None),
        (D(2040, 3, 6), True, "weekday", None),  # a plain Tuesday works
        (D(2040, 3, 10), False, "weekend", None),  # a plain Saturday doesn't
    ],
)
def test_computed_fallback_past_the_data(day: dt.date, workday: bool, source: str,
                                         key: str | None) -> None:
    assert not W.is_official_year(2040)
    info = W.day_info(day)
    assert (info.workday, info.source, info.key) == (workday, source, key)
    assert W.is_workday(day) is workday


def test_computed_spring_festival_follows_the_lunar_calendar() -> None:
    for year in (2030, 2040, 2050, 2077):
        spring = lunar.lunar_to_solar(year, 1, 1)
        days = {d for d, keys in W.computed_holidays(year).items() if "spring" in keys}
        assert days == {spring + dt.timedelta(i) for i in (-1, 0, 1, 2)}
        assert len(W.computed_holidays(year)) == 13 - (lunar.lunar_to_solar(year, 8, 15)
                                                       in {D(year, 10, d) for d in (1, 2, 3)})


def test_mid_autumn_on_national_day_shares_the_day() -> None:
    # 中秋 2001 is Oct 1: one computed day carries both names
    info = W.day_info(D(2001, 10, 1))
    assert (info.source, info.key, info.name) == ("computed", "mid_autumn", "中秋节、国庆节")


@pytest.mark.parametrize("year", [2025, 2026])
def test_the_computed_rules_are_inside_the_real_schedules(year: int) -> None:
    """Every statutory day the fallback computes is off in the official 2025 and 2026 schedules
    (the years under the rules the fallback uses)."""
    for day in W.computed_holidays(year):
        assert not W.is_workday(day), day


def test_overrides_in_the_book_win(book) -> None:  # noqa: ANN001
    assert W.is_workday(D(2040, 2, 15), book)
    W.set_override(book, D(2040, 2, 15), False, "春节")
    W.set_override(book, "2040-02-18", True, " 春节 调休 ")  # a Saturday made a workday
    W.set_override(book, D(2026, 10, 1), True)  # even over official data
    info = W.day_info(D(2040, 2, 15), book)
    assert (info.workday, info.source, info.name) == (False, "override", "春节")
    saturday = W.day_info(D(2040, 2, 18), book)
    assert (saturday.workday, saturday.source, saturday.name, saturday.makeup) == (
        True, "override", "春节 调休", True)
    assert W.is_workday(D(2026, 10, 1), book)
    assert W.day_info(D(2026, 10, 1), book).source == "override"
    # without the book, nothing changed
    assert not W.is_workday(D(2026, 10, 1))
    assert W.is_workday(D(2040, 2, 15))
    # stored as the documented JSON, read back by another handle on the same file
    assert ops.get_setting(book, W.OVERRIDES_KEY) == {
        "2026-10-01": {"workday": True},
        "2040-02-15": {"workday": False, "name": "春节"},
        "2040-02-18": {"workday": True, "name": "春节 调休"},
    }
    other = open_book(book.path)
    try:
        assert not W.is_workday(D(2040, 2, 15), other)
        assert list(W.list_overrides(other)) == [D(2026, 10, 1), D(2040, 2, 15), D(2040, 2, 18)]
    finally:
        W.clear_cache(other)
        other.close()
    # the working days follow the overrides
    assert W.last_workday_before(D(2040, 2, 16), book) == D(2040, 2, 10)
    assert W.add_workdays(D(2040, 2, 17), 1, book) == D(2040, 2, 18)  # Fri -> the Saturday
    # removing one restores the source below it
    assert W.remove_override(book, D(2040, 2, 15))
    assert not W.remove_override(book, D(2040, 2, 15))
    assert W.day_info(D(2040, 2, 15), book).source == "weekday"
    assert W.remove_override(book, "2040-02-18") and W.remove_override(book, "2026-10-01")
    assert ops.get_setting(book, W.OVERRIDES_KEY) is None
    assert W.list_overrides(book) == {}


def test_a_whole_schedule_in_one_go(book) -> None:  # noqa: ANN001
    schedule = [(D(2040, 2, d), False, "春节") for d in range(11, 19)]
    schedule += [(D(2040, 2, 19), True, "春节"), (D(2040, 2, 4), True, "春节")]
    W.set_overrides(book, schedule)
    assert [W.is_workday(D(2040, 2, d), book) for d in range(10, 20)] == [
        True, False, False, False, False, False, False, False, False, True]
    listed = W.calendar_year(2040, book)
    assert {i.date for i in listed if i.source == "override"} == {d for d, _, _ in schedule}


def test_bad_overrides_are_refused_or_skipped(book) -> None:  # noqa: ANN001
    with pytest.raises(TypeError):
        W.set_override(book, D(2040, 1, 2), "yes")  # type: ignore[arg-type]
    with pytest.raises(ValueError):
        W.set_override(book, "2040-13-01", True)
    # junk typed into the setting by hand is ignored, not fatal
    ops.put_setting(book, W.OVERRIDES_KEY, {"nonsense": 1, "2040-01-02": {"workday": "no"},
                                             "2040-01-03": {"workday": False}})
    W.clear_cache(book)
    assert list(W.list_overrides(book)) == [D(2040, 1, 3)]


@pytest.mark.parametrize(
    ("day", "expected"),
    [
        (D(2026, 10, 1), D(2026, 9, 30)),
        (D(2026, 10, 8), D(2026, 9, 30)),  # the whole 国庆 run skipped
        (D(2026, 10, 9), D(2026, 10, 8)),
        (D(2026, 10, 12), D(2026, 10, 10)),  # a working Saturday
        (D(2026, 2, 24), D(2026, 2, 14)),  # 春节 run, back to the working Saturday before it
        (D(2026, 1, 5), D(2026, 1, 4)),  # a working Sunday
        (D(2026, 1, 4), D(2025, 12, 31)),  # over 元旦 and the year end
        (D(2040, 2, 15), D(2040, 2, 10)),  # computed: 春节 2/11-2/14, weekend before it
    ],
)
def test_last_workday_before(day: dt.date, expected: dt.date) -> None:
    assert W.last_workday_before(day) == expected


def test_workday_on_or_before() -> None:
    assert W.workday_on_or_before(D(2026, 9, 30)) == D(2026, 9, 30)
    assert W.workday_on_or_before(D(2026, 10, 3)) == D(2026, 9, 30)
    assert W.workday_on_or_before(D(2026, 2, 14)) == D(2026, 2, 14)


@pytest.mark.parametrize(
    ("day", "n", "expected"),
    [
        (D(2026, 9, 30), 1, D(2026, 10, 8)),
        (D(2026, 10, 8), -1, D(2026, 9, 30)),
        (D(2026, 10, 8), -7, D(2026, 9, 21)),  # T-7 working days, over 中秋 and 国庆
        (D(2026, 9, 18), 1, D(2026, 9, 20)),  # Friday -> the working Sunday
        (D(2026, 10, 9), 1, D(2026, 10, 10)),  # Friday -> the working Saturday
        (D(2026, 10, 12), -2, D(2026, 10, 9)),
        (D(2026, 2, 13), 1, D(2026, 2, 14)),
        (D(2026, 2, 14), 1, D(2026, 2, 24)),
        (D(2026, 2, 23), 5, D(2026, 2, 28)),  # 2/24..2/27, then the working Saturday
        (D(2026, 10, 3), 0, D(2026, 10, 3)),  # n=0 leaves the day alone
        (D(2026, 12, 31), 1, D(2027, 1, 4)),  # into computed 2027: 元旦 (Fri) off, then Monday
    ],
)
def test_add_workdays(day: dt.date, n: int, expected: dt.date) -> None:
    assert W.add_workdays(day, n) == expected


def test_workdays_between() -> None:
    assert W.workdays_between(D(2026, 9, 30), D(2026, 10, 8)) == 1
    assert W.workdays_between(D(2026, 10, 8), D(2026, 9, 30)) == -1
    assert W.workdays_between(D(2026, 10, 1), D(2026, 10, 1)) == 0
    assert W.workdays_between(D(2026, 10, 1), D(2026, 10, 8)) == 0
    assert W.workdays_between(D(2026, 2, 13), D(2026, 3, 2)) == 7  # 2/13, 2/14, 2/24-2/27, 2/28
    for start in (D(2026, 9, 18), D(2026, 2, 13), D(2026, 12, 30)):
        for n in (1, 2, 5, 7, 20):
            assert W.workdays_between(start, W.add_workdays(start, n)) == n


def test_a_whole_year_count() -> None:
    # 2026: 261 Monday-Fridays, 6 working weekend days, 19 holiday weekdays
    assert W.workdays_between(D(2026, 1, 1), D(2027, 1, 1)) == 261 + 6 - 19


FESTIVALS_2026 = {
    "new_year": D(2026, 1, 1),
    "chuxi": D(2026, 2, 16),
    "spring": D(2026, 2, 17),
    "lantern": D(2026, 3, 3),
    "qingming": D(2026, 4, 5),
    "dragon_boat": D(2026, 6, 19),
    "qixi": D(2026, 8, 19),
    "mid_autumn": D(2026, 9, 25),
    "national": D(2026, 10, 1),
    "double_ninth": D(2026, 10, 18),
}


def test_festivals_2026() -> None:
    found = W.festivals(2026)
    assert {f.key: f.date for f in found} == FESTIVALS_2026
    assert [f.date for f in found] == sorted(f.date for f in found)
    assert {f.key for f in found} == set(W.FESTIVAL_KEYS)
    spring = W.festival(2026, "spring")
    assert (spring.name_zh, spring.name_en) == ("春节", "Spring Festival")
    assert W.festival(2026, "chuxi").name_zh == "除夕"


@pytest.mark.parametrize("year", [2025, 2027, 2033, 2034, 2040, 2099])
def test_festivals_any_year(year: int) -> None:
    by_key = {f.key: f.date for f in W.festivals(year)}
    assert all(d.year == year for d in by_key.values())
    assert by_key["spring"] == lunar.lunar_to_solar(year, 1, 1)
    assert by_key["chuxi"] == by_key["spring"] - dt.timedelta(1)
    assert lunar.solar_to_lunar(by_key["chuxi"])[:2] == (year - 1, 12)  # the last day of 腊月
    assert lunar.solar_to_lunar(by_key["lantern"]) == (year, 1, 15, False)
    assert lunar.solar_to_lunar(by_key["mid_autumn"]) == (year, 8, 15, False)
    assert lunar.solar_to_lunar(by_key["double_ninth"]) == (year, 9, 9, False)
    assert D(year, 4, 3) <= by_key["qingming"] <= D(year, 4, 6)


def test_calendar_year_2026() -> None:
    days = W.calendar_year(2026)
    by_day = {i.date: i for i in days}
    for i in days:  # only days that break the weekend rule
        assert i.workday == (i.date.weekday() >= 5)
        assert i.source == "official"
    assert sorted(d for d, i in by_day.items() if i.workday) == MAKEUP_2026
    assert {d for d in HOLIDAYS_2026 if d.weekday() < 5} <= set(by_day)
    assert D(2026, 2, 15) not in by_day  # a Sunday in the 春节 run: off anyway...
    named = {i.date for i in W.calendar_year(2026, named=True)}
    assert D(2026, 2, 15) in named and D(2026, 2, 21) in named  # ...listed when asked


def test_calendar_year_computed() -> None:
    days = W.calendar_year(2040)
    assert days and all(i.source == "computed" and not i.workday for i in days)
    assert D(2040, 10, 1) in {i.date for i in days}


def test_dates_as_text_and_datetimes() -> None:
    assert not W.is_workday("2026-10-01")
    assert W.is_workday(dt.datetime(2026, 10, 10, 9, 30))
    assert W.day_info(dt.datetime(2026, 2, 17, 8)).date == D(2026, 2, 17)
