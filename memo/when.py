"""Parse the free-text "by when" field of a memo into a date.

Headless and fast to import (standard library + dateutil only) so the CLI,
the TUI and tests can all use it without pulling in textual.

Accepted forms (case-insensitive, full-width characters allowed):
  full dates      2026-12-05  2026/12/5  2026.12.5  20261205  2026年12月5日
  month/day       12/5  12-5  12.5  12月5日  12月5号  12月5   (next on/after today)
  day of month    5号  5日                                     (next on/after today)
  Chinese words   今天 明天 后天 大后天 周五 下周一 3天后 两周后 1个月后 月底 ...
  English words   today tomorrow tmr fri next monday in 3 days 3d +3 end of month

Every failure is a WhenError whose .code is a message-catalog key:
  when.unknown   text not understood (or absurdly long)
  when.bad_date  well-formed but impossible date (2026-02-30, 13/45, 32号)
  when.too_far   more than 20 years away from today
"""

from __future__ import annotations

import datetime
import re
import unicodedata

from dateutil.relativedelta import relativedelta

__all__ = ["EXAMPLES", "MAX_INPUT_LEN", "MAX_YEARS", "WhenError", "parse_when"]

# Shown as placeholder/help text in the UI.
EXAMPLES: tuple[str, ...] = (
    "2026-12-05",
    "12/5",
    "12月5日",
    "明天",
    "下周一",
    "3天后",
    "tomorrow",
    "next monday",
    "in 3 days",
)

# No real phrase is longer than this; rejecting early keeps pasted junk cheap.
MAX_INPUT_LEN = 64
# A due date further away than this is almost certainly a typo (2062 for 2026).
MAX_YEARS = 20


class WhenError(ValueError):
    """.code is a message-catalog key (str), .value the offending text (str)."""

    def __init__(self, code: str, value: str):
        self.code = code
        self.value = value
        super().__init__(f"{code}: {value!r}")


# --------------------------------------------------------------------------
# normalisation

# Dashes NFKC leaves alone but people type between date parts anyway.
_DASHES = str.maketrans({c: "-" for c in "‐‑‒–—―−"})
# Spaces next to symbols/CJK are noise ("12 月 5 日", "2026 - 12 - 5");
# spaces between ASCII words carry meaning ("in 3 days") and are kept.
_SPACE_AROUND_SYMBOL = re.compile(r" ?([^0-9a-z ]) ?")

_CN_DIGIT = {
    "零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4,
    "五": 5, "六": 6, "七": 7, "八": 8, "九": 9,
}
# Runs of Chinese numerals not glued to Arabic digits ("1十" stays garbage).
_CN_RUN = re.compile(r"(?<![0-9])[零〇一二两三四五六七八九十]+(?![0-9])")
_CN_TENS = re.compile(r"([二三四五六七八九])?十([一二三四五六七八九])?")


def _cn_number(match: re.Match[str]) -> str:
    """Rewrite a Chinese numeral 0..99 as Arabic; leave anything else as is."""
    run = match.group()
    if len(run) == 1 and run in _CN_DIGIT:
        return str(_CN_DIGIT[run])
    m = _CN_TENS.fullmatch(run)
    if m is None:
        return run  # e.g. 二〇二六 or 十十: not supported, falls through to unknown
    tens = _CN_DIGIT[m.group(1)] if m.group(1) else 1
    units = _CN_DIGIT[m.group(2)] if m.group(2) else 0
    return str(tens * 10 + units)


def _normalize(text: str) -> str:
    # NFKC folds full-width digits/punctuation (１２／５, －, ．, ideographic space).
    s = unicodedata.normalize("NFKC", text).lower().translate(_DASHES)
    s = " ".join(s.split())
    s = _SPACE_AROUND_SYMBOL.sub(r"\1", s)
    # After this, weekday digits are Arabic too: 下周一 -> 下周1, 两周后 -> 2周后.
    return _CN_RUN.sub(_cn_number, s)


# --------------------------------------------------------------------------
# date helpers


def _shift_years(d: datetime.date, years: int) -> datetime.date:
    """d +/- years, saturating at date.min/max instead of raising."""
    try:
        return d + relativedelta(years=years)
    except (ValueError, OverflowError):
        return datetime.date.max if years > 0 else datetime.date.min


def _month_end(year: int, month: int) -> datetime.date:
    return datetime.date(year, month, 1) + relativedelta(day=31)


def _day_exists(month: int, day: int) -> bool:
    """Whether month/day exists in at least one year (Feb 29 counts)."""
    try:
        datetime.date(2000, month, day)  # 2000 is a leap year
    except ValueError:
        return False
    return True


# --------------------------------------------------------------------------
# grammar (all patterns are matched against the whole normalised text)

_FIXED_OFFSETS = {
    "今天": 0, "今日": 0, "today": 0,
    "明天": 1, "明日": 1, "tomorrow": 1, "tmr": 1, "tmrw": 1,
    "后天": 2, "day after tomorrow": 2, "the day after tomorrow": 2,
    "大后天": 3,
}
_THIS_MONTH_END = {"月底", "本月底", "这个月底", "月末", "本月末",
                   "end of month", "end of the month", "eom"}
_NEXT_MONTH_END = {"下月底", "下个月底", "下月末", "下个月末"}

_FULL_SEP = re.compile(r"([0-9]{4})([-/.])([0-9]{1,2})\2([0-9]{1,2})")
_FULL_COMPACT = re.compile(r"([0-9]{4})([0-9]{2})([0-9]{2})")
_FULL_CN = re.compile(r"([0-9]{4})年([0-9]{1,2})月([0-9]{1,2})[日号]?")
_MONTH_DAY = re.compile(r"([0-9]{1,2})(?:[-/.]|月)([0-9]{1,2})")
_MONTH_DAY_CN = re.compile(r"([0-9]{1,2})月([0-9]{1,2})[日号]")
_DAY_ONLY = re.compile(r"([0-9]{1,2})[日号]")

# N天后 / N日后 / N周后 / N个星期后 / N个礼拜后 / N个月后; "内" (within N days) too.
_CN_REL = re.compile(
    r"([0-9]+)(天|日|个?周|个?星期|个?礼拜|个月)(?:后|以后|之后|内|以内|之内)"
)
# 周五 / 星期天 / 下周一 / 下个星期三 / 下下周日 (numerals already Arabic).
_CN_WEEKDAY = re.compile(r"(?:(下下|下)个?)?(?:周|星期|礼拜)([1-6日天])")

_EN_WEEKDAYS = {
    "mon": 0, "monday": 0,
    "tue": 1, "tues": 1, "tuesday": 1,
    "wed": 2, "weds": 2, "wednesday": 2,
    "thu": 3, "thur": 3, "thurs": 3, "thursday": 3,
    "fri": 4, "friday": 4,
    "sat": 5, "saturday": 5,
    "sun": 6, "sunday": 6,
}
_EN_WEEKDAY = re.compile(r"(next )?([a-z]+)")
_EN_UNITS = {
    "d": "days", "day": "days", "days": "days",
    "w": "weeks", "wk": "weeks", "wks": "weeks", "week": "weeks", "weeks": "weeks",
    "mo": "months", "mos": "months", "month": "months", "months": "months",
}
_EN_REL = re.compile(
    r"(?:in )?(?:(a|an) |\+?([0-9]+) ?)([a-z]+)(?: later| from now)?"
)
_EN_PLUS = re.compile(r"\+([0-9]+)")  # bare +N means N days


class _Parser:
    """One parse: holds today/original text so helpers can raise WhenError."""

    def __init__(self, text: str, today: datetime.date):
        self.text = text
        self.today = today

    def fail(self, code: str) -> WhenError:
        return WhenError(code, self.text)

    # -- checks ------------------------------------------------------------

    def in_range(self, d: datetime.date) -> datetime.date:
        if not (_shift_years(self.today, -MAX_YEARS) <= d
                <= _shift_years(self.today, MAX_YEARS)):
            raise self.fail("when.too_far")
        return d

    # -- builders ------------------------------------------------------------

    def full_date(self, y: str, m: str, d: str) -> datetime.date:
        try:
            result = datetime.date(int(y), int(m), int(d))
        except ValueError:
            # Year 0000 is "too far" rather than a bad month/day.
            raise self.fail("when.bad_date" if int(y) >= 1 else "when.too_far") from None
        return self.in_range(result)

    def month_day(self, m: str, d: str) -> datetime.date:
        month, day = int(m), int(d)
        if not _day_exists(month, day):
            raise self.fail("when.bad_date")
        # At most 8 years to the next Feb 29 (e.g. 2097 -> 2104).
        for year in range(self.today.year, self.today.year + 9):
            if year > datetime.MAXYEAR:
                break
            try:
                candidate = datetime.date(year, month, day)
            except ValueError:
                continue  # Feb 29 in a common year
            if candidate >= self.today:
                return self.in_range(candidate)
        raise self.fail("when.too_far")

    def day_of_month(self, d: str) -> datetime.date:
        day = int(d)
        if not 1 <= day <= 31:
            raise self.fail("when.bad_date")
        year, month = self.today.year, self.today.month
        # Any day 1..31 occurs within 3 consecutive months.
        for _ in range(3):
            if year > datetime.MAXYEAR:
                break
            try:
                candidate = datetime.date(year, month, day)
            except ValueError:
                candidate = None  # month lacks this day (31号 in April)
            if candidate is not None and candidate >= self.today:
                return self.in_range(candidate)
            year, month = (year + 1, 1) if month == 12 else (year, month + 1)
        raise self.fail("when.too_far")

    def offset(self, n: int, unit: str) -> datetime.date:
        # Cheap guard so "+99999999999" never reaches date arithmetic.
        limit = {"days": 366, "weeks": 53, "months": 12}[unit] * (MAX_YEARS + 1)
        if n > limit:
            raise self.fail("when.too_far")
        try:
            if unit == "months":
                result = self.today + relativedelta(months=n)
            else:
                days = n * 7 if unit == "weeks" else n
                result = self.today + datetime.timedelta(days=days)
        except (OverflowError, ValueError):
            raise self.fail("when.too_far") from None
        return self.in_range(result)

    def weekday(self, target: int, weeks_ahead: int) -> datetime.date:
        """weeks_ahead=0: next `target` on/after today (today counts).
        weeks_ahead>=1: `target` in the calendar week (Mon-Sun) that many
        weeks after this one -- how 下周X / "next X" is meant in practice."""
        if weeks_ahead == 0:
            days = (target - self.today.weekday()) % 7
        else:
            days = 7 * weeks_ahead - self.today.weekday() + target
        return self.offset(days, "days")

    def month_end(self, months_ahead: int) -> datetime.date:
        try:
            first = self.today.replace(day=1) + relativedelta(months=months_ahead)
        except (OverflowError, ValueError):
            raise self.fail("when.too_far") from None
        return self.in_range(_month_end(first.year, first.month))

    # -- dispatch ----------------------------------------------------------

    def parse(self, s: str) -> datetime.date:
        if s in _FIXED_OFFSETS:
            return self.offset(_FIXED_OFFSETS[s], "days")
        if s in _THIS_MONTH_END:
            return self.month_end(0)
        if s in _NEXT_MONTH_END:
            return self.month_end(1)

        for pattern in (_FULL_SEP, _FULL_CN):
            m = pattern.fullmatch(s)
            if m:
                g = m.groups()
                return self.full_date(g[0], g[-2], g[-1])
        m = _FULL_COMPACT.fullmatch(s)
        if m:
            return self.full_date(*m.groups())

        m = _MONTH_DAY.fullmatch(s) or _MONTH_DAY_CN.fullmatch(s)
        if m:
            return self.month_day(*m.groups())
        m = _DAY_ONLY.fullmatch(s)
        if m:
            return self.day_of_month(m.group(1))

        m = _CN_REL.fullmatch(s)
        if m:
            unit = m.group(2)
            kind = ("days" if unit in ("天", "日")
                    else "months" if unit == "个月" else "weeks")
            return self.offset(int(m.group(1)), kind)
        m = _CN_WEEKDAY.fullmatch(s)
        if m:
            ahead = {None: 0, "下": 1, "下下": 2}[m.group(1)]
            day = m.group(2)
            return self.weekday(6 if day in "日天" else int(day) - 1, ahead)

        m = _EN_WEEKDAY.fullmatch(s)
        if m and m.group(2) in _EN_WEEKDAYS:
            return self.weekday(_EN_WEEKDAYS[m.group(2)], 1 if m.group(1) else 0)
        m = _EN_REL.fullmatch(s)
        if m and m.group(3) in _EN_UNITS:
            n = 1 if m.group(1) else int(m.group(2))
            return self.offset(n, _EN_UNITS[m.group(3)])
        m = _EN_PLUS.fullmatch(s)
        if m:
            return self.offset(int(m.group(1)), "days")

        raise self.fail("when.unknown")


def parse_when(text: str, today: datetime.date) -> datetime.date | None:
    """Parse a "by when" phrase relative to `today`.

    Returns None for empty/blank text, otherwise a date; raises only WhenError.
    """
    if isinstance(today, datetime.datetime):
        today = today.date()  # datetime vs date comparisons would TypeError
    elif not isinstance(today, datetime.date):
        raise TypeError(f"today must be a datetime.date, not {type(today).__name__}")

    if text is None:
        return None
    if not isinstance(text, str):
        raise WhenError("when.unknown", type(text).__name__)
    stripped = text.strip()
    if not stripped:
        return None
    if len(stripped) > MAX_INPUT_LEN:
        # Keep .value display-sized; the UI shows it back to the user.
        raise WhenError("when.unknown", stripped[:MAX_INPUT_LEN] + "…")

    parser = _Parser(stripped, today)
    s = _normalize(stripped)
    if s.startswith("by "):
        s = s[3:]  # "by friday" reads naturally in a "by when" field
    try:
        return parser.parse(s)
    except WhenError:
        raise
    except Exception as exc:  # pragma: no cover - safety net
        # A parser bug must not crash the UI; surface it as "not understood".
        raise parser.fail("when.unknown") from exc
