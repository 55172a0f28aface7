"""memo.lunar: known dates, the yearly-date policies, round trips and ages."""

from __future__ import annotations

import datetime as dt
import subprocess
import sys

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from memo import lunar
from memo.lunar import (
    age_on,
    format_lunar,
    is_round_age,
    lunar_to_solar,
    next_occurrence,
    next_occurrences,
    occurrences_in_solar_year,
    solar_to_lunar,
    yearly_lunar,
)

D = dt.date


@pytest.mark.parametrize(
    ("year", "month", "day", "leap", "solar"),
    [
        (2025, 1, 1, False, D(2025, 1, 29)),  # Spring Festival
        (2026, 1, 1, False, D(2026, 2, 17)),
        (2027, 1, 1, False, D(2027, 2, 6)),
        (2026, 8, 15, False, D(2026, 9, 25)),  # Mid-Autumn
        (2025, 6, 1, True, D(2025, 7, 25)),  # leap 6th month of 2025
        (2025, 6, 1, False, D(2025, 6, 25)),  # ... and the regular one
        (2033, 11, 1, True, D(2033, 12, 22)),  # the leap 11th month of 2033
        (2033, 11, 1, False, D(2033, 11, 22)),
        (2033, 12, 1, False, D(2034, 1, 20)),  # 腊月 of lunar 2033 is in solar 2034
        (2023, 12, 30, False, D(2024, 2, 9)),  # 除夕 2024 (a 30-day 腊月)
        (2025, 12, 29, False, D(2026, 2, 16)),  # 除夕 2026 (a 29-day 腊月)
        # years lunardate gets wrong
        (1933, 1, 1, False, D(1933, 1, 26)),
        (1954, 1, 1, False, D(1954, 2, 3)),
        (1978, 1, 1, False, D(1978, 2, 7)),
        (1978, 8, 15, False, D(1978, 9, 17)),
    ],
)
def test_known_dates(year: int, month: int, day: int, leap: bool, solar: dt.date) -> None:
    assert lunar_to_solar(year, month, day, leap) == solar
    assert solar_to_lunar(solar) == (year, month, day, leap)


@pytest.mark.parametrize(("year", "leap"), [(2020, 4), (2023, 2), (2025, 6), (2026, 0), (2028, 5),
                                            (2033, 11), (1933, 5), (1954, 0), (1978, 0)])
def test_leap_month(year: int, leap: int) -> None:
    assert lunar.leap_month(year) == leap
    table = lunar.month_table(year)
    assert len(table) == (13 if leap else 12)
    assert [m.month for m in table if not m.leap] == list(range(1, 13))


def test_month_tables_1900_2100_are_whole() -> None:
    previous_end = None
    for year in range(1900, 2101):
        table = lunar.month_table(year)
        assert [m.month for m in table if not m.leap] == list(range(1, 13)), year
        assert all(m.length in (29, 30) for m in table)
        total = sum(m.length for m in table)
        assert total in ((353, 354, 355) if len(table) == 12 else (383, 384, 385)), (year, total)
        if previous_end is not None:  # the years follow each other without a gap
            assert table[0].first == previous_end + dt.timedelta(days=1)
        previous_end = table[-1].last


@pytest.mark.parametrize(
    ("args", "message"),
    [
        ((2026, 6, 1, True), "no leap month"),  # 2026 has no leap month
        ((2025, 5, 1, True), "no leap month"),  # 2025's leap month is the 6th
        ((2025, 12, 30, False), "29 days"),  # 腊月 2025 has 29 days
        ((2025, 6, 30, True), "29 days"),  # so has 闰六月 2025
        ((2025, 13, 1, False), "out of range"),
        ((2025, 1, 0, False), "out of range"),
        ((2025, 1, 31, False), "out of range"),
    ],
)
def test_lunar_to_solar_is_exact(args: tuple, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        lunar_to_solar(*args)


@pytest.mark.parametrize(
    ("month", "day", "leap", "lunar_year", "expected"),
    [
        (6, 1, True, 2025, D(2025, 7, 25)),  # the leap month, in a year that has it
        (6, 1, True, 2026, lunar_to_solar(2026, 6, 1)),  # the regular month otherwise
        (6, 1, True, 2024, lunar_to_solar(2024, 6, 1)),
        (6, 1, False, 2025, D(2025, 6, 25)),  # a regular anchor ignores the leap month
        (11, 15, True, 2033, D(2033, 12, 22) + dt.timedelta(days=14)),
        (12, 30, False, 2025, D(2026, 2, 16)),  # 腊月三十 -> 除夕 (廿九) in a 29-day 腊月
        (12, 30, False, 2023, D(2024, 2, 9)),  # ... and the real 三十 in a 30-day one
        (6, 30, True, 2025, D(2025, 8, 22)),  # 闰六月 2025 has 29 days: clamps too
        (8, 15, False, 2026, D(2026, 9, 25)),
    ],
)
def test_yearly_lunar_policies(month: int, day: int, leap: bool, lunar_year: int,
                               expected: dt.date) -> None:
    assert yearly_lunar(month, day, leap, lunar_year) == expected


def test_years_with_a_29_day_la_yue() -> None:
    short = [y for y in range(2020, 2032) if lunar.month_table(y)[-1].length == 29]
    assert short == [2021, 2024, 2025, 2026, 2027, 2028, 2030, 2031]
    for year in short:  # 腊月三十 is always the day before the next Spring Festival
        assert yearly_lunar(12, 30, False, year) == lunar_to_solar(year + 1, 1, 1) - dt.timedelta(1)


@pytest.mark.parametrize(
    ("kind", "month", "day", "leap", "year", "expected"),
    [
        ("solar", 2, 29, False, 2026, [D(2026, 2, 28)]),  # Feb 29 in a common year
        ("solar", 2, 29, False, 2028, [D(2028, 2, 29)]),
        ("solar", 2, 29, False, 2100, [D(2100, 2, 28)]),  # 2100 is not a leap year
        ("solar", 12, 31, False, 2026, [D(2026, 12, 31)]),
        ("lunar", 12, 8, False, 2026, [D(2026, 1, 26)]),  # 腊八 of lunar 2025 lands in Jan 2026
        ("lunar", 12, 30, False, 2026, [D(2026, 2, 16)]),  # lunar 2026's 腊月 is all in 2027
        ("lunar", 11, 20, False, 2025, []),  # 冬月二十: Dec 20 2024, then Jan 8 2026
        ("lunar", 12, 1, False, 1954, [D(1954, 1, 5), D(1954, 12, 25)]),  # twice
        ("lunar", 8, 15, False, 2026, [D(2026, 9, 25)]),
        ("lunar", 6, 1, True, 2025, [D(2025, 7, 25)]),
        ("lunar", 6, 1, True, 2026, [lunar_to_solar(2026, 6, 1)]),
    ],
)
def test_occurrences_in_solar_year(kind: str, month: int, day: int, leap: bool, year: int,
                                   expected: list[dt.date]) -> None:
    assert occurrences_in_solar_year(kind, month, day, leap, year) == expected


@pytest.mark.parametrize(
    ("kind", "month", "day", "leap", "start", "expected"),
    [
        ("solar", 2, 29, False, D(2026, 3, 1), D(2027, 2, 28)),
        ("solar", 2, 29, False, D(2027, 3, 1), D(2028, 2, 29)),
        ("solar", 8, 15, False, D(2026, 8, 15), D(2026, 8, 15)),  # on the day counts
        ("solar", 8, 15, False, D(2026, 8, 16), D(2027, 8, 15)),
        ("lunar", 8, 15, False, D(2026, 9, 25), D(2026, 9, 25)),
        ("lunar", 8, 15, False, D(2026, 9, 26), D(2027, 9, 15)),
        ("lunar", 12, 30, False, D(2026, 1, 1), D(2026, 2, 16)),
        ("lunar", 12, 30, False, D(2026, 2, 17), D(2027, 2, 5)),  # 除夕 2027 (29-day 腊月)
        ("lunar", 1, 1, False, D(2026, 2, 16), D(2026, 2, 17)),
        ("lunar", 6, 1, True, D(2025, 7, 1), D(2025, 7, 25)),
        ("lunar", 6, 1, True, D(2025, 7, 26), lunar_to_solar(2026, 6, 1)),
    ],
)
def test_next_occurrence(kind: str, month: int, day: int, leap: bool, start: dt.date,
                         expected: dt.date) -> None:
    assert next_occurrence(kind, month, day, leap, start) == expected
    assert next_occurrences([(kind, month, day, leap)], start) == [expected]


def test_next_occurrences_matches_one_by_one() -> None:
    anchors = [("solar", m, d, False) for m in (1, 2, 6, 12) for d in (1, 15, 28)]
    anchors += [("lunar", m, d, leap) for m in (1, 6, 11, 12) for d in (1, 15, 29, 30)
                for leap in (False, True)]
    anchors += anchors  # repeats resolve the same
    start = D(2025, 12, 31)
    assert next_occurrences(anchors, start) == [next_occurrence(*a, start) for a in anchors]
    assert all(d >= start for d in next_occurrences(anchors, start))


@pytest.mark.parametrize("year", [1933, 1954, 1978, 2025, 2033, 2050])
def test_round_trip_every_day(year: int) -> None:
    day = D(year, 1, 1)
    previous = solar_to_lunar(day - dt.timedelta(1))
    while day.year == year:
        ly, lm, ld, leap = solar_to_lunar(day)
        assert lunar_to_solar(ly, lm, ld, leap) == day
        # consecutive days: the next lunar day, or day 1 of the next month
        assert ld == previous[2] + 1 or (ld == 1 and previous[2] in (29, 30)), day
        previous = (ly, lm, ld, leap)
        day += dt.timedelta(1)


@settings(max_examples=300, deadline=None)
@given(st.dates(min_value=D(1901, 1, 1), max_value=D(2099, 12, 31)))
def test_round_trip_random(d: dt.date) -> None:
    assert lunar_to_solar(*solar_to_lunar(d)) == d


@settings(max_examples=40, deadline=None)
@given(st.dates(min_value=D(1901, 1, 1), max_value=D(2099, 12, 31)))
def test_agrees_with_lunar_python_per_date(d: dt.date) -> None:
    """The tables give what lunar-python's own (slow) per-date path gives."""
    from lunar_python import Solar

    lu = Solar.fromYmd(d.year, d.month, d.day).getLunar()
    assert solar_to_lunar(d) == (lu.getYear(), abs(lu.getMonth()), lu.getDay(), lu.getMonth() < 0)


@pytest.mark.parametrize(
    ("month", "day", "leap", "text"),
    [
        (8, 15, False, "农历八月十五"),
        (6, 1, True, "农历闰六月初一"),
        (12, 30, False, "农历腊月三十"),
        (1, 1, False, "农历正月初一"),
        (11, 10, False, "农历冬月初十"),
        (10, 20, False, "农历十月二十"),
        (3, 21, False, "农历三月廿一"),
        (9, 29, False, "农历九月廿九"),
        (2, 11, False, "农历二月十一"),
        (12, 19, True, "农历闰腊月十九"),
    ],
)
def test_format_lunar(month: int, day: int, leap: bool, text: str) -> None:
    assert format_lunar(month, day, leap) == text


def test_format_lunar_reads_back() -> None:
    from memo.birthdays import parse_birthday

    for month in range(1, 13):
        for day in range(1, 31):
            for leap in (False, True):
                b = parse_birthday(format_lunar(month, day, leap))
                assert (b.kind, b.month, b.day, b.leap) == ("lunar", month, day, leap)


@pytest.mark.parametrize(
    ("birth_year", "kind", "occurrence", "age"),
    [
        (1966, "solar", D(2026, 8, 15), 60),
        (1975, "solar", D(2026, 1, 26), 51),
        (1975, "lunar", D(2026, 1, 26), 50),  # 腊八 2026-01-26 belongs to lunar 2025
        (1976, "lunar", D(2026, 9, 25), 50),
        (None, "lunar", D(2026, 9, 25), None),
        (2027, "solar", D(2026, 9, 25), None),  # before birth
        (2026, "solar", D(2026, 9, 25), 0),
    ],
)
def test_age_on(birth_year: int | None, kind: str, occurrence: dt.date, age: int | None) -> None:
    assert age_on(birth_year, kind, occurrence) == age


@pytest.mark.parametrize(("age", "round_"), [(None, False), (0, False), (10, False), (19, False),
                                             (20, True), (30, True), (50, True), (59, False),
                                             (60, True), (70, True), (80, True), (100, True),
                                             (61, False)])
def test_is_round_age(age: int | None, round_: bool) -> None:
    assert is_round_age(age) is round_


@pytest.mark.parametrize(
    "call",
    [
        lambda: next_occurrence("moon", 1, 1, False, D(2026, 1, 1)),
        lambda: next_occurrence("solar", 2, 30, False, D(2026, 1, 1)),
        lambda: next_occurrence("lunar", 13, 1, False, D(2026, 1, 1)),
        lambda: occurrences_in_solar_year("lunar", 1, 31, False, 2026),
        lambda: age_on(1970, "moon", D(2026, 1, 1)),
        lambda: format_lunar(1, 31, False),
    ],
)
def test_bad_anchors_raise(call) -> None:  # noqa: ANN001
    with pytest.raises(ValueError):
        call()


def test_solar_terms() -> None:
    assert lunar.solar_term(2026, "清明") == D(2026, 4, 5)
    assert lunar.solar_term(2025, "清明") == D(2025, 4, 4)
    assert lunar.solar_term(2026, "冬至") == D(2026, 12, 22)
    assert lunar.solar_term(2026, "小寒") == D(2026, 1, 5)
    with pytest.raises(ValueError):
        lunar.solar_term(2026, "春节")


def test_qingming_agrees_with_chinesecalendar() -> None:
    """Two independent computations of the Qingming day (lunar-python's astronomy, and
    chinesecalendar's formula) agree for the whole century."""
    from chinese_calendar import get_solar_terms

    for year in range(1901, 2100):
        days = [d for d, _ in get_solar_terms(D(year, 4, 1), D(year, 4, 10))]
        assert days == [lunar.solar_term(year, "清明")], year


def test_import_is_light() -> None:
    code = ("import sys, memo.lunar, memo.workdays; "
            "heavy = {'lunar_python', 'chinese_calendar', 'textual', 'sqlmodel', 'sqlalchemy'}; "
            "print(sorted(heavy & set(sys.modules)))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


@pytest.mark.parametrize("year", [1900, 1933, 1954, 1978, 2023, 2025, 2026, 2033, 2057, 2099, 2100])
def test_the_shipped_table_is_lunar_pythons(year: int) -> None:
    """data/lunar.json (tools/make_lunar_table.py) holds what lunar-python computes, so a start
    reads a file instead of computing years; the years named by the dev guide's warnings included."""
    shipped = lunar._year(year)
    computed = lunar._computed_year(year)
    assert shipped.months == computed.months and shipped.terms == computed.terms
    assert lunar._shipped()[str(year)]  # really from the file


def test_years_outside_the_table_are_computed() -> None:
    assert "2101" not in lunar._shipped()
    assert lunar.lunar_to_solar(2101, 1, 1) == lunar._computed_year(2101).months[0].first
