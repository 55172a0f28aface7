"""Birthdays as people write them: solar with or without a year, or lunar (month, day, leap)."""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from dataclasses import dataclass

_CN_DIGITS = {"〇": 0, "零": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5,
              "六": 6, "七": 7, "八": 8, "九": 9}
_LUNAR_MONTHS = {"正": 1, "冬": 11, "腊": 12}


class BirthdayError(ValueError):
    def __init__(self, value: str):
        super().__init__(value)
        self.code = "birthday.bad"
        self.value = value


@dataclass(frozen=True)
class Birthday:
    kind: str  # solar | lunar
    month: int
    day: int
    year: int | None = None
    leap: bool = False

    def label(self) -> tuple[str, dict]:
        """(catalog key, values) for showing it: 农历八月十五 / 8月15日."""
        if self.kind == "lunar":
            key = "birthday.lunar_leap" if self.leap else "birthday.lunar"
        else:
            key = "birthday.solar"
        return key, {"month": self.month, "day": self.day}

    def iso(self) -> str:
        """The form the CLI and exports use: [L|L*]YYYY-MM-DD or [L|L*]MM-DD."""
        prefix = ("L*" if self.leap else "L") if self.kind == "lunar" else ""
        year = f"{self.year:04d}-" if self.year else ""
        return f"{prefix}{year}{self.month:02d}-{self.day:02d}"


def _cn_number(text: str) -> int | None:
    """初一..三十, 十五, 廿三, 卅 and plain Chinese numerals up to 31."""
    text = text.removeprefix("初")
    if text.isdigit():
        return int(text)
    text = text.replace("廿", "二十").replace("卅", "三十")
    if text == "十":
        return 10
    if "十" in text:
        tens, _, ones = text.partition("十")
        tens_value = _CN_DIGITS.get(tens, None) if tens else 1
        ones_value = _CN_DIGITS.get(ones, None) if ones else 0
        if tens_value is None or ones_value is None:
            return None
        return tens_value * 10 + ones_value
    if len(text) == 1 and text in _CN_DIGITS:
        return _CN_DIGITS[text]
    return None


_SOLAR = re.compile(r"^(?:(\d{4})[-/.年])?(\d{1,2})[-/.月](\d{1,2})[日号]?$")
# The leap mark may come before the year as well as after it: iso() writes "L*1975-06-01",
# which must read back (as "lunar闰1975-06-01", see below).
_LUNAR = re.compile(r"^(?:农历|阴历|lunar|l)\s*(闰|leap\s*|\*)?\s*(?:(\d{4})[-/.年]?)?\s*(闰|leap\s*|\*)?"
                    r"([\d一二三四五六七八九十正冬腊]{1,3})[-/.月]\s*([\d初一二三四五六七八九十廿卅]{1,3})[日号]?$")


def parse_birthday(raw: str, today: dt.date | None = None) -> Birthday | None:
    """Parse 1975-08-15, 08-15, 8/15, 8月15日, 农历八月十五, 农历闰六月初一, lunar 8/15, L*06-01."""
    value = unicodedata.normalize("NFKC", raw or "").strip().lower().replace(" ", "")
    if not value:
        return None
    if value.startswith("l*"):
        value = "lunar闰" + value[2:]
    lunar = _LUNAR.match(value)
    if lunar:
        leap_before, year_s, leap_after, month_s, day_s = lunar.groups()
        leap = leap_before or leap_after
        month = _LUNAR_MONTHS.get(month_s) or _cn_number(month_s)
        day = _cn_number(day_s)
        if month is None or day is None or not 1 <= month <= 12 or not 1 <= day <= 30:
            raise BirthdayError(raw)
        year = int(year_s) if year_s else None
        # the same bounds as a solar year: a birth year in the future is a typo
        if year is not None and not 1900 <= year <= (today or dt.date.today()).year:
            raise BirthdayError(raw)
        return Birthday("lunar", month, day, year, bool(leap))
    solar = _SOLAR.match(value)
    if not solar:
        raise BirthdayError(raw)
    year_s, month_s, day_s = solar.groups()
    year, month, day = (int(year_s) if year_s else None), int(month_s), int(day_s)
    try:
        dt.date(year or 2000, month, day)  # 2000 is a leap year: 02-29 is a real birthday
    except ValueError:
        raise BirthdayError(raw) from None
    this_year = (today or dt.date.today()).year
    if year is not None and not 1900 <= year <= this_year:
        raise BirthdayError(raw)
    return Birthday("solar", month, day, year)
