"""Tests for memo.when.parse_when (the "by when" field parser)."""

from __future__ import annotations

import datetime
import pathlib
import subprocess
import sys

import pytest
from dateutil.relativedelta import relativedelta
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from memo.when import EXAMPLES, WhenError, parse_when

D = datetime.date

# Fixed "today"s chosen for their edge cases.
SUN = D(2026, 11, 29)        # a Sunday, two days before month end
MON = D(2026, 11, 30)        # a Monday and the last day of November
NYE = D(2026, 12, 31)        # year rollover
FEB28 = D(2027, 2, 28)       # Feb 28 of a common year (also a Sunday)
LEAP_DAY = D(2028, 2, 29)    # leap day itself


def p(text: str, today: D = SUN):
    return parse_when(text, today)


def err(text: str, today: D = SUN) -> WhenError:
    with pytest.raises(WhenError) as info:
        parse_when(text, today)
    return info.value


def test_fixed_todays_are_what_the_comments_claim():
    # Guard against a typo silently weakening the week-semantics tests.
    assert SUN.weekday() == 6 and MON.weekday() == 0 and FEB28.weekday() == 6


# ---------------------------------------------------------------- empty


@pytest.mark.parametrize("text", ["", " ", "   ", "\t\n", "\u3000", " \u3000 "])
def test_blank_means_no_due_date(text):
    assert p(text) is None


# ---------------------------------------------------------------- full dates


@pytest.mark.parametrize(
    "text",
    [
        "2026-12-05", "2026-12-5", "2026/12/5", "2026/12/05", "2026.12.5",
        "20261205", "2026年12月5日", "2026年12月5号", "2026年12月5",
        " 2026-12-05 ", "2026 - 12 - 05", "2026 年 12 月 5 日",
        # full-width digits and punctuation
        "２０２６－１２－０５", "２０２６／１２／５", "２０２６．１２．５",
        "２０２６年１２月５日", "２０２６１２０５",
        # Chinese numerals for month/day
        "2026年十二月五日",
    ],
)
def test_full_dates(text):
    assert p(text) == D(2026, 12, 5)


def test_full_date_in_the_past_is_allowed():
    # Backdating a note is legitimate; only absurd distances are rejected.
    assert p("2026-01-02") == D(2026, 1, 2)


def test_full_date_leap_day():
    assert p("2028-02-29") == D(2028, 2, 29)


# ---------------------------------------------------------------- month/day


@pytest.mark.parametrize(
    "text", ["12/5", "12-5", "12.5", "12月5日", "12月5号", "12月5", "12/05",
             "１２／５", "１２月５日", "十二月五日", "十二月五号", "12 月 5 日"],
)
def test_month_day_this_year(text):
    assert p(text) == D(2026, 12, 5)


def test_month_day_today_counts():
    assert p("11/29") == SUN


def test_month_day_passed_rolls_to_next_year():
    assert p("11/28") == D(2027, 11, 28)
    assert p("1月1日", NYE) == D(2027, 1, 1)
    assert p("12/31", NYE) == NYE


def test_feb_29_without_year_goes_to_next_leap_year():
    assert p("2/29") == D(2028, 2, 29)
    assert p("2月29日", LEAP_DAY) == LEAP_DAY
    assert p("2/29", D(2028, 3, 1)) == D(2032, 2, 29)
    # 2100 is not a leap year: 2096 -> 2104.
    assert p("2/29", D(2096, 3, 1)) == D(2104, 2, 29)


# ---------------------------------------------------------------- day of month


def test_day_of_month():
    assert p("5号") == D(2026, 12, 5)       # the 5th has passed in November
    assert p("5日") == D(2026, 12, 5)
    assert p("29号") == SUN                  # today counts
    assert p("30号") == D(2026, 11, 30)
    assert p("三十号") == D(2026, 11, 30)
    assert p("５号") == D(2026, 12, 5)


def test_day_of_month_skips_months_lacking_it():
    assert p("31号") == D(2026, 12, 31)     # November has no 31st
    assert p("30号", D(2027, 1, 31)) == D(2027, 3, 30)   # skip February
    assert p("31号", D(2027, 4, 1)) == D(2027, 5, 31)


def test_day_of_month_year_rollover():
    assert p("1号", NYE) == D(2027, 1, 1)
    assert p("31号", NYE) == NYE


# ---------------------------------------------------------------- Chinese words


@pytest.mark.parametrize(
    "text, days",
    [("今天", 0), ("今日", 0), ("明天", 1), ("明日", 1), ("后天", 2), ("大后天", 3)],
)
def test_chinese_fixed_words(text, days):
    assert p(text) == SUN + datetime.timedelta(days=days)
    assert p(text, NYE) == NYE + datetime.timedelta(days=days)


@pytest.mark.parametrize(
    "text, expected",
    [
        ("3天后", D(2026, 12, 2)), ("3天以后", D(2026, 12, 2)),
        ("3日后", D(2026, 12, 2)), ("三天后", D(2026, 12, 2)),
        ("3天之后", D(2026, 12, 2)), ("3天内", D(2026, 12, 2)),
        ("０天后", SUN), ("零天后", SUN),
        ("十天后", D(2026, 12, 9)), ("十五天后", D(2026, 12, 14)),
        ("二十天后", D(2026, 12, 19)), ("三十天后", D(2026, 12, 29)),
        ("2周后", D(2026, 12, 13)), ("两周后", D(2026, 12, 13)),
        ("2个星期后", D(2026, 12, 13)), ("2星期后", D(2026, 12, 13)),
        ("一个礼拜后", D(2026, 12, 6)),
        ("1个月后", D(2026, 12, 29)), ("两个月后", D(2027, 1, 29)),
        ("十二个月后", D(2027, 11, 29)),
    ],
)
def test_chinese_relative_counts(text, expected):
    assert p(text) == expected


def test_months_later_clamps_to_month_end():
    # relativedelta semantics: Jan 31 + 1 month = Feb 28.
    assert p("1个月后", D(2027, 1, 31)) == D(2027, 2, 28)
    assert p("in 1 month", D(2027, 1, 31)) == D(2027, 2, 28)


def test_month_end():
    assert p("月底") == D(2026, 11, 30)
    assert p("月底", MON) == MON
    assert p("月底", FEB28) == FEB28
    assert p("月底", D(2028, 2, 1)) == LEAP_DAY
    assert p("下月底", NYE) == D(2027, 1, 31)
    assert p("end of month") == D(2026, 11, 30)
    assert p("End of the month", NYE) == NYE


# ---------------------------------------------------------------- weeks

WEEKDAY_NAMES_CN = ["一", "二", "三", "四", "五", "六", "日"]


def test_next_week_from_sunday_is_tomorrow():
    # Weeks start Monday, so from a Sunday "下周一" is the next day.
    assert p("下周一", SUN) == MON
    assert p("next monday", SUN) == MON
    assert p("下周日", SUN) == D(2026, 12, 6)


def test_next_week_from_monday_is_seven_days_later():
    assert p("下周一", MON) == D(2026, 12, 7)
    assert p("next monday", MON) == D(2026, 12, 7)
    assert p("下周五", MON) == D(2026, 12, 11)
    assert p("下周日", MON) == D(2026, 12, 13)


@pytest.mark.parametrize("i, name", list(enumerate(WEEKDAY_NAMES_CN)))
@pytest.mark.parametrize("prefix", ["下周", "下星期", "下礼拜", "下个周", "下个星期", "下个礼拜"])
def test_next_week_every_weekday_and_spelling(prefix, i, name):
    # Next week's Monday from Sunday 11-29 is 11-30.
    assert p(prefix + name) == MON + datetime.timedelta(days=i)


def test_sunday_spelled_tian():
    assert p("下周天") == p("下星期天") == p("下礼拜天") == D(2026, 12, 6)
    assert p("星期天", MON) == p("礼拜天", MON) == p("周天", MON) == D(2026, 12, 6)


def test_week_after_next():
    assert p("下下周一", SUN) == D(2026, 12, 7)
    assert p("下下周一", MON) == D(2026, 12, 14)


@pytest.mark.parametrize("i, name", list(enumerate(WEEKDAY_NAMES_CN)))
@pytest.mark.parametrize("prefix", ["周", "星期", "礼拜"])
def test_bare_weekday_is_next_on_or_after_today(prefix, i, name):
    result = p(prefix + name, MON)
    assert result.weekday() == i
    assert MON <= result < MON + datetime.timedelta(days=7)


def test_bare_weekday_same_day_means_today():
    assert p("周日", SUN) == SUN
    assert p("周一", MON) == MON
    assert p("monday", MON) == MON
    assert p("周六", SUN) == D(2026, 12, 5)


def test_weekday_across_year_end():
    # NYE 2026 is a Thursday.
    assert p("周五", NYE) == D(2027, 1, 1)
    assert p("下周一", NYE) == D(2027, 1, 4)
    assert p("周四", NYE) == NYE


# ---------------------------------------------------------------- English


@pytest.mark.parametrize(
    "text, days",
    [
        ("today", 0), ("Today", 0), ("TODAY", 0), ("tomorrow", 1), ("tmr", 1),
        ("tmrw", 1), ("day after tomorrow", 2), ("the day after tomorrow", 2),
        ("in 3 days", 3), ("in 1 day", 1), ("in 2 weeks", 14), ("in 1 week", 7),
        ("in a week", 7), ("3 days", 3), ("3d", 3), ("3 d", 3), ("+3", 3),
        ("+ 3", 3), ("+3d", 3), ("2w", 14), ("3 days later", 3),
        ("in 0 days", 0), ("ｔｏｍｏｒｒｏｗ", 1), ("  Tomorrow  ", 1),
        ("by tomorrow", 1),
    ],
)
def test_english_relative(text, days):
    assert p(text) == SUN + datetime.timedelta(days=days)


def test_english_months():
    assert p("in 1 month") == D(2026, 12, 29)
    assert p("in 2 months") == D(2027, 1, 29)
    assert p("in a month") == D(2026, 12, 29)


@pytest.mark.parametrize(
    "names, wd",
    [
        (("monday", "mon"), 0), (("tuesday", "tue", "tues"), 1),
        (("wednesday", "wed"), 2), (("thursday", "thu", "thurs"), 3),
        (("friday", "fri"), 4), (("saturday", "sat"), 5), (("sunday", "sun"), 6),
    ],
)
def test_english_weekdays(names, wd):
    for name in names:
        bare = p(name, MON)
        assert bare.weekday() == wd and MON <= bare < MON + datetime.timedelta(days=7)
        assert p(name.upper(), MON) == bare
        assert p("next " + name, MON) == D(2026, 12, 7) + datetime.timedelta(days=wd)


# ---------------------------------------------------------------- errors


@pytest.mark.parametrize(
    "text",
    ["2026-02-30", "2026-13-01", "2026/4/31", "20260230", "2026年2月30日",
     "13/45", "2/30", "0/5", "12/0", "13月1日", "32号", "0号", "2027-02-29"],
)
def test_bad_date(text):
    e = err(text)
    assert e.code == "when.bad_date"
    assert e.value == text


@pytest.mark.parametrize(
    "text",
    ["blah", "next week", "周八", "周七", "下周", "3", "3天", "-3", "in days",
     "yesterday", "26/12/5", "2026-12", "十十天后", "2026-12-05T10:00",
     "\x00", "明天\x00", "🙂", "tomorrow🙂", "1十天后", "3月后"],
)
def test_unknown(text):
    e = err(text)
    assert e.code == "when.unknown"
    assert e.value == text.strip()


@pytest.mark.parametrize(
    "text", ["2050-01-01", "2062/12/5", "1999-01-01", "0000-01-01", "10000天后",
             "+99999999999999999999", "in 300 months", "9999 weeks"],
)
def test_too_far(text):
    assert err(text).code == "when.too_far"


def test_exactly_twenty_years_is_allowed():
    assert p("2046-11-29") == D(2046, 11, 29)
    assert p("2006-11-29") == D(2006, 11, 29)
    assert err("2046-11-30").code == "when.too_far"


def test_long_input_rejected_early_with_short_value():
    e = err("明天" * 50_000)  # 100 K characters
    assert e.code == "when.unknown"
    assert len(e.value) <= 65


def test_when_error_is_a_value_error_with_code_and_value():
    e = WhenError("when.unknown", "x")
    assert isinstance(e, ValueError)
    assert (e.code, e.value) == ("when.unknown", "x")
    assert "when.unknown" in str(e)


def test_today_near_date_max_does_not_overflow():
    edge = D(9999, 12, 31)
    for text in ("明天", "1/1", "1号", "下周一", "下月底", "in 2 months", "2/29"):
        assert err(text, edge).code == "when.too_far"
    assert p("今天", edge) == edge


def test_datetime_today_is_accepted():
    assert p("明天", datetime.datetime(2026, 11, 29, 23, 59)) == MON


def test_examples_all_parse():
    assert "明天" in EXAMPLES and "next monday" in EXAMPLES
    for text in EXAMPLES:
        assert isinstance(p(text), D)


def test_module_imports_without_textual():
    # Load when.py by path so a package __init__ written elsewhere can't interfere.
    path = pathlib.Path(__file__).resolve().parents[1] / "memo" / "when.py"
    code = (
        "import importlib.util, sys\n"
        f"spec = importlib.util.spec_from_file_location('when_only', {str(path)!r})\n"
        "mod = importlib.util.module_from_spec(spec); spec.loader.exec_module(mod)\n"
        "bad = [m for m in sys.modules if m.split('.')[0] in "
        "('textual', 'rich', 'sqlmodel', 'sqlalchemy', 'pypinyin')]\n"
        "assert not bad, bad\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True)


# ---------------------------------------------------------------- properties

todays = st.dates(min_value=D(2000, 1, 1), max_value=D(2080, 12, 31))

# Characters the grammar cares about, so generated text reaches deep branches.
GRAMMAR_CHARS = (
    "0123456789０１２３/-.／－．+ 年月日号天后以之内个周星期礼拜下大今明"
    "零〇一二两三四五六七八九十底末"
    "abcdefhiklmnorstuwy"
)


def _outcome(text: str, today: D):
    try:
        result = parse_when(text, today)
    except WhenError as e:
        assert isinstance(e.code, str) and e.code.startswith("when.")
        assert isinstance(e.value, str)
        # A cause means the parser's catch-all safety net hid a real bug.
        assert e.__cause__ is None, repr(e.__cause__)
        return e
    assert result is None or type(result) is D
    return result


@settings(max_examples=300, suppress_health_check=[HealthCheck.too_slow])
@given(st.text(max_size=80), todays)
def test_any_text_returns_date_none_or_when_error(text, today):
    _outcome(text, today)


@settings(max_examples=500)
@given(st.text(alphabet=GRAMMAR_CHARS, max_size=16), todays)
def test_grammar_like_text_returns_date_none_or_when_error(text, today):
    _outcome(text, today)


@given(todays, st.data())
def test_isoformat_round_trips(today, data):
    # Any date within the allowed ±20 years comes back unchanged.
    d = data.draw(st.dates(min_value=today - relativedelta(years=20),
                           max_value=today + relativedelta(years=20)))
    assert parse_when(d.isoformat(), today) == d
    assert parse_when(d.strftime("%Y%m%d"), today) == d
    assert parse_when(f"{d.year}年{d.month}月{d.day}日", today) == d


def to_chinese(n: int, liang: bool = False) -> str:
    """0..99 as Chinese numerals (十五, 二十, 三十五); liang: 2 -> 两."""
    digits = "零一二三四五六七八九"
    if n < 10:
        return "两" if (liang and n == 2) else digits[n]
    tens, units = divmod(n, 10)
    return ("" if tens == 1 else digits[tens]) + "十" + (digits[units] if units else "")


def test_to_chinese_helper():
    assert [to_chinese(n) for n in (0, 2, 10, 15, 20, 35, 99)] == [
        "零", "二", "十", "十五", "二十", "三十五", "九十九"]


@given(todays, st.integers(min_value=0, max_value=99),
       st.sampled_from(["天后", "天以后", "日后", "天之后"]))
def test_n_days_later(today, n, suffix):
    expected = today + datetime.timedelta(days=n)
    for number in {str(n), to_chinese(n), to_chinese(n, liang=True),
                   str(n).translate(str.maketrans("0123456789", "０１２３４５６７８９"))}:
        assert parse_when(number + suffix, today) == expected


@given(todays, st.integers(min_value=0, max_value=99))
def test_n_weeks_and_months_later(today, n):
    assert parse_when(f"{to_chinese(n)}周后", today) == today + datetime.timedelta(weeks=n)
    assert parse_when(f"{n}个月后", today) == today + relativedelta(months=n)
    assert parse_when(f"in {n} days", today) == today + datetime.timedelta(days=n)


RELATIVE_PHRASES = (
    ["今天", "明天", "后天", "大后天", "月底", "下月底", "today", "tomorrow",
     "end of month", "day after tomorrow", "5号", "31号", "29号", "12/5", "2/29",
     "1月1日", "in 3 days", "+7", "3个月后", "一个月后"]
    + [f"{pre}{d}" for pre in ("周", "星期", "下周", "下下周", "下个礼拜")
       for d in WEEKDAY_NAMES_CN]
    + [f"{nxt}{d}" for nxt in ("", "next ")
       for d in ("mon", "tuesday", "wed", "thu", "friday", "sat", "sunday")]
)


@given(todays, st.sampled_from(RELATIVE_PHRASES))
def test_relative_phrases_never_before_today(today, text):
    result = parse_when(text, today)
    assert result >= today
    # ...and never absurdly far either (Feb 29 can be up to 8 years away).
    assert result <= today + relativedelta(years=9)


@given(todays, st.integers(min_value=0, max_value=6))
def test_next_week_lands_in_next_calendar_week(today, wd):
    result = parse_when("下周" + WEEKDAY_NAMES_CN[wd], today)
    this_monday = today - datetime.timedelta(days=today.weekday())
    assert result.weekday() == wd
    assert result - this_monday == datetime.timedelta(days=7 + wd)
