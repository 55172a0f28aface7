"""Phone-number cleaning for a China-only address book.

Headless and dependency-free on purpose: it runs on every save and on every
search keystroke, and must not pull in textual (or the `phonenumbers` data).

Everything works on the *national* number as a digits-only string:
mobiles are 11 digits (1[3-9]...), landlines are "0" + area code + local
number (010/02X + 8 digits, or 0XXX + 7/8 digits).
"""

from __future__ import annotations

import re

__all__ = [
    "MOBILE_RE",
    "LANDLINE_RE",
    "PhoneError",
    "digits_of",
    "normalize_phone",
    "looks_like_phone_query",
    "mask_phone",
    "format_phone",
]

# [0-9] rather than \d: \d also matches Arabic-Indic etc. digits.
MOBILE_RE = re.compile(r"1[3-9][0-9]{9}")
# Local numbers never start with 0 (trunk prefix) or 1 (service numbers).
LANDLINE_RE = re.compile(r"0(?:10|2[0-9])[2-9][0-9]{7}|0[3-9][0-9]{2}[2-9][0-9]{6,7}")

# Full-width digits ０-９ (U+FF10..U+FF19) -> ASCII.
_FULLWIDTH_DIGITS = {0xFF10 + i: ord("0") + i for i in range(10)}

_PLUS = frozenset("+＋")
# Formatting noise people (and phones' "copy number") put inside numbers.
_NOISE = frozenset(
    # dashes: ASCII, en/em dash, hyphen, non-breaking hyphen, figure dash,
    # horizontal bar, minus sign, small and full-width hyphen-minus
    "-–—‐‑‒―−﹣－"
    # dots, incl. full-width and the ideographic full stop a Chinese IME types
    ".．。｡"
    "()（）"
    # invisible marks: iOS/WeChat wrap copied numbers in bidi embeddings,
    # and zero-width spaces / BOMs sneak in from web pages
    "\u200b\u200c\u200d\u200e\u200f\u202a\u202b\u202c\u202d\u202e"
    "\u2060\u2066\u2067\u2068\u2069\ufeff"
)


class PhoneError(ValueError):
    """Raised with .code (a message-catalog key, str) and .value (the offending input, str)."""

    def __init__(self, code: str, value: str):
        # Pass both to ValueError so args survive pickling / copying.
        super().__init__(code, value)
        self.code = code
        self.value = value

    def __str__(self) -> str:
        return f"{self.code}: {self.value!r}"


def digits_of(text: str) -> str:
    """ASCII digits of `text` (full-width digits converted), everything else dropped."""
    return "".join(ch for ch in text.translate(_FULLWIDTH_DIGITS) if "0" <= ch <= "9")


def _is_noise(ch: str) -> bool:
    return ch in _NOISE or ch.isspace()  # isspace covers U+3000 and NBSP


def _scan(text: str) -> tuple[str, bool]:
    """Return (digits, had_plus) or raise for characters/plus placement."""
    digits: list[str] = []
    # Check the character set first so a stray letter is reported as such,
    # whatever else is wrong with the number.
    for ch in text:
        if not ("0" <= ch <= "9" or "０" <= ch <= "９" or ch in _PLUS or _is_noise(ch)):
            raise PhoneError("phone.bad_chars", text)
    plus = False
    for ch in text:
        if ch in _PLUS:
            # Only one "+", and only before the first digit ("(+86) ..." is fine).
            if plus or digits:
                raise PhoneError("phone.invalid", text)
            plus = True
        elif "0" <= ch <= "9":
            digits.append(ch)
        elif "０" <= ch <= "９":
            digits.append(chr(ord(ch) - 0xFEE0))
    return "".join(digits), plus


def _after_86(rest: str) -> str:
    """National number following an explicit +86/0086.

    International format drops the trunk "0" of landlines ("+86 10 ...");
    put it back. Some people keep it anyway ("+86 (0)371 ...") - keep once.
    """
    if not rest or rest[0] == "0":
        return rest
    if rest[0] == "1" and len(rest) > 1 and rest[1] in "3456789":
        return rest  # a mobile (maybe of wrong length; validation says so)
    return "0" + rest  # includes "10..." -> Beijing 010


def _national(digits: str, plus: bool, text: str) -> str:
    if plus:
        if digits.startswith("0"):
            raise PhoneError("phone.invalid", text)  # "+0..." is no country code
        if not digits.startswith("86"):
            # No other country code starts with 86 (HK 852, TW 886 differ).
            raise PhoneError("phone.foreign", text)
        return _after_86(digits[2:])
    if digits.startswith("00"):
        # "00" is the international prefix; no Chinese area code starts 00.
        if digits.startswith("0086"):
            return _after_86(digits[4:])
        raise PhoneError("phone.foreign", text)
    if len(digits) == 13 and digits.startswith("86") and MOBILE_RE.fullmatch(digits, 2):
        # Bare "86" only before a full mobile: "86..." could be anything else.
        return digits[2:]
    return digits


def _validate(n: str, text: str) -> str:
    if not n:
        raise PhoneError("phone.bad_length", text)  # e.g. "+86" alone
    first = n[0]
    if first == "1":
        if len(n) != 11:
            raise PhoneError("phone.bad_length", text)
        if not MOBILE_RE.fullmatch(n):
            raise PhoneError("phone.invalid", text)  # 10x/11x/12x are not mobiles
        return n
    if first != "0":
        raise PhoneError("phone.invalid", text)  # e.g. local number without area code
    # Old long-distance habit: dialling "0" before an out-of-town mobile.
    # Unambiguous, since 01[1-9] is no area code.
    if len(n) == 12 and MOBILE_RE.fullmatch(n, 1):
        return n[1:]
    if len(n) < 3:
        raise PhoneError("phone.bad_length", text)
    second = n[1]
    if second == "0" or (second == "1" and n[2] != "0"):
        raise PhoneError("phone.invalid", text)  # only 010 among 00x/01x
    area_len = 3 if second in "12" else 4
    local = n[area_len:]
    if len(local) not in ((8,) if area_len == 3 else (7, 8)):
        raise PhoneError("phone.bad_length", text)
    if local[0] in "01":
        raise PhoneError("phone.invalid", text)
    return n


def normalize_phone(text: str) -> str:
    """Digits-only national form of a Chinese mobile or landline, or PhoneError."""
    if not text or text.isspace():
        raise PhoneError("phone.empty", text)
    digits, plus = _scan(text)
    if not digits:
        raise PhoneError("phone.empty", text)  # only punctuation, e.g. "()" or "+"
    return _validate(_national(digits, plus, text), text)


_QUERY_STRIP = _NOISE | _PLUS


def looks_like_phone_query(text: str) -> bool:
    """True if `text` is digits (ASCII or full-width) plus phone punctuation only."""
    seen_digit = False
    for ch in text:
        if "0" <= ch <= "9" or "０" <= ch <= "９":
            seen_digit = True
        elif not (ch in _QUERY_STRIP or ch.isspace()):
            return False
    return seen_digit


def _landline_area_len(number: str) -> int:
    return 3 if number[1:2] in ("1", "2") else 4


def mask_phone(number: str) -> str:
    """Hide the middle of a normalized number: "13800138000" -> "138****8000"."""
    n = len(number)
    if n < 7:
        return "*" * max(n - 2, 0) + number[max(n - 2, 0):]
    if number.startswith("1"):
        head = 3
    elif number.startswith("0"):
        head = _landline_area_len(number)
    else:
        head = 0
    head = min(head, n - 4 - 1)  # always mask at least one digit
    return number[:head] + "*" * (n - head - 4) + number[-4:]


def format_phone(number: str) -> str:
    """Display grouping: "138 0013 8000", "0371-6512 3456", "010-6552 9988"."""
    if MOBILE_RE.fullmatch(number):
        return f"{number[:3]} {number[3:7]} {number[7:]}"
    if LANDLINE_RE.fullmatch(number):
        area_len = _landline_area_len(number)
        area, local = number[:area_len], number[area_len:]
        split = 4 if len(local) == 8 else 3  # 8 -> 4+4, 7 -> 3+4
        return f"{area}-{local[:split]} {local[split:]}"
    return number
