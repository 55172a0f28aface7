"""Values as people type them into money and client fields -> what is stored: amounts (fen),
rates, prices and percents (decimal strings), currencies, terms (months), dates, deposit kinds,
tiers, risk profiles, honorifics. Pure: no database, nothing heavy to import (the importer parses
100,000 rows with these without loading the ORM). memo.money and memo.ops re-export them."""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from decimal import ROUND_HALF_EVEN, Decimal, InvalidOperation

from memo.birthdays import _cn_number
from memo.codes import DEPOSIT_KINDS, HOLDING_KINDS, HONORIFICS, RISKS, TIERS, DomainError
from memo.terms import MAX_TERM_MONTHS

MAX_FEN = 10**14  # one trillion yuan: anything above is a typo
MAX_TEXT = 64  # no amount, rate or term a person types is longer


# --- amounts -----------------------------------------------------------------------------------

_UNITS = {"万": 10_000, "w": 10_000, "亿": 100_000_000, "千": 1_000, "k": 1_000}
_AMOUNT = re.compile(r"^(\d+(?:\.\d+)?|\.\d+)$", re.ASCII)


def _norm(text: str) -> str:
    return unicodedata.normalize("NFKC", text).strip().lower().replace(" ", "")


def parse_amount(text: str | int, field: str = "amount") -> int:
    """A yuan amount as typed ("500000", "500,000.50", "50万", "1.2万", "¥3000元") -> fen.

    Zero, negative, sub-fen and absurd amounts are refused with DomainError("money.bad_amount").
    An int is taken as yuan.
    """
    raw = str(text) if not isinstance(text, str) else text
    try:
        if len(raw) > MAX_TEXT:
            raise ValueError
        value = _norm(raw).replace(",", "").replace("，", "")
        for prefix in ("¥", "rmb", "cny"):
            value = value.removeprefix(prefix)
        for suffix in ("元", "块", "yuan", "rmb", "cny"):
            value = value.removesuffix(suffix)
        unit = 1
        if value and value[-1] in _UNITS:
            unit, value = _UNITS[value[-1]], value[:-1]
        if not _AMOUNT.match(value):
            raise ValueError
        fen = Decimal(value) * unit * 100
        if fen != fen.to_integral_value() or not 0 < fen <= MAX_FEN:
            raise ValueError
        return int(fen)
    except (ValueError, InvalidOperation, ArithmeticError):
        raise DomainError("money.bad_amount", raw, field) from None


def _decimal(text: str | Decimal | int, code: str, field: str, *, allow_zero: bool, limit: Decimal,
             percent: bool = False) -> Decimal:
    raw = text if isinstance(text, str) else str(text)
    try:
        if len(raw) > MAX_TEXT:
            raise ValueError
        value = _norm(raw).replace(",", "")
        if percent:
            value = value.removesuffix("%")
        if not _AMOUNT.match(value):
            raise ValueError
        number = Decimal(value)
        if number > limit or number < 0 or (number == 0 and not allow_zero):
            raise ValueError
        return number
    except (ValueError, InvalidOperation, ArithmeticError):
        raise DomainError(code, raw, field) from None


def _plain(number: Decimal) -> str:
    """A Decimal as a plain string without exponent or trailing zeros: 1.450 -> "1.45"."""
    text = format(number.normalize(), "f")
    return text


def _text(number: Decimal) -> str:
    """A Decimal as stored: plain digits at the scale typed ("1.0000" stays "1.0000")."""
    return format(number, "f")


def parse_rate(text: str | Decimal, field: str = "rate") -> str:
    """An annual rate in percent ("1.45", "1.45%") as a decimal string; 0 to 100."""
    return _text(_decimal(text, "money.bad_rate", field, allow_zero=True, limit=Decimal(100), percent=True))


def parse_price(text: str | Decimal, field: str = "price") -> str:
    """A unit price or net value ("1.0234") as a decimal string; above zero."""
    return _text(_decimal(text, "money.bad_price", field, allow_zero=False, limit=Decimal(10) ** 12))


def parse_pct(text: str | Decimal, field: str) -> str:
    """A take-profit or stop-loss line in percent from the purchase price ("10", "5%")."""
    return _text(_decimal(text, "money.bad_pct", field, allow_zero=False, limit=Decimal(1000), percent=True))


def format_pct(value: Decimal | str | None, places: int = 2, signed: bool = True) -> str:
    """Decimal("3.14159") -> "+3.14%"."""
    if value is None:
        return ""
    number = Decimal(value).quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_EVEN)
    sign = "+" if signed and number > 0 else ""
    return f"{sign}{number}%"


_CURRENCY_WORDS = {"人民币": "CNY", "rmb": "CNY", "元": "CNY", "美元": "USD", "美金": "USD",
                   "欧元": "EUR", "港币": "HKD", "港元": "HKD", "日元": "JPY", "英镑": "GBP",
                   "澳元": "AUD", "加元": "CAD", "新加坡元": "SGD"}


def parse_currency(text: str | None) -> str:
    value = _norm(text or "")
    if not value:
        return "CNY"
    code = _CURRENCY_WORDS.get(value) or value.upper()
    if not re.fullmatch(r"[A-Z]{3}", code):
        raise DomainError("money.bad_currency", text, "currency")
    return code


# --- terms and dates ---------------------------------------------------------------------------

_TERM_MONTHS = re.compile(r"^(\d+)(m|mo|mon|month|months|个月|月)$", re.ASCII)
_TERM_YEARS = re.compile(r"^(\d+(?:\.\d+)?)(y|yr|yrs|year|years|年|年期)$", re.ASCII)
_CN_TERM = re.compile(r"^([一二两三四五六七八九十]+)(个月|年|年期)$")


def parse_term(text: str | int) -> int:
    """A term as people write it -> months: 3m, 6m, 1y, 18m, "18 months", 3个月, 1年, 三个月, 半年.

    An int is taken as months. DomainError("money.bad_term") for anything else, or outside
    1..600 months.
    """
    if isinstance(text, int) and not isinstance(text, bool):
        months: int | None = text
        raw = str(text)
    else:
        raw = str(text)
        months = None
        value = _norm(raw) if len(raw) <= MAX_TEXT else ""
        if value in ("半年", "halfyear", "half-year"):
            months = 6
        elif match := _TERM_MONTHS.match(value):
            months = int(match.group(1))
        elif match := _TERM_YEARS.match(value):
            number = Decimal(match.group(1)) * 12
            months = int(number) if number == number.to_integral_value() else None
        elif match := _CN_TERM.match(value):
            number = _cn_number(match.group(1))
            if number is not None:
                months = number * 12 if match.group(2).startswith("年") else number
    if months is None or not 1 <= months <= MAX_TERM_MONTHS:
        raise DomainError("money.bad_term", raw, "term")
    return months


_DATE = re.compile(r"^(\d{4})[-/.年](\d{1,2})[-/.月](\d{1,2})[日号]?$", re.ASCII)
_DATE_COMPACT = re.compile(r"^(\d{4})(\d{2})(\d{2})$", re.ASCII)


def parse_date(value: dt.date | str | None, field: str, default: dt.date | None = None) -> dt.date:
    """A full date: a `date`, or 2026-01-31 / 2026/1/31 / 2026年1月31日 / 20260131."""
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    raw = value or ""
    text = _norm(raw) if len(raw) <= MAX_TEXT else "?"
    if not text and default is not None:
        return default
    match = _DATE.match(text) or _DATE_COMPACT.match(text)
    try:
        if not match:
            raise ValueError
        year, month, day = (int(g) for g in match.groups())
        if not 1900 <= year <= 2200:
            raise ValueError
        return dt.date(year, month, day)
    except ValueError:
        raise DomainError("money.bad_date", raw, field) from None


# --- deposit and holding kinds ---------------------------------------------------------------------

_DEPOSIT_KIND_WORDS = {"定期": "time", "定期存款": "time", "整存整取": "time", "大额存单": "cd",
                       "存单": "cd", "大额": "cd", "其他": "other", "其它": "other"}
_HOLDING_KIND_WORDS = {"理财": "wealth", "理财产品": "wealth", "基金": "fund", "黄金": "gold",
                       "积存金": "gold", "其他": "other", "其它": "other"}


def parse_deposit_kind(text: str | None) -> str:
    return _kind(text, "time", DEPOSIT_KINDS, _DEPOSIT_KIND_WORDS, "deposit.bad_kind")


def parse_holding_kind(text: str | None) -> str:
    return _kind(text, "wealth", HOLDING_KINDS, _HOLDING_KIND_WORDS, "holding.bad_kind")


def _kind(text: str | None, default: str, kinds: tuple[str, ...], words: dict[str, str], code: str) -> str:
    value = _norm(text or "") or default
    kind = value if value in kinds else words.get(value)
    if kind is None:
        raise DomainError(code, text, "kind")
    return kind


# --- tiers and risk profiles ---------------------------------------------------------------------

_TIER_WORDS = {
    "普通": "regular", "普卡": "regular", "金卡": "gold", "白金": "platinum", "白金卡": "platinum",
    "钻石": "diamond", "钻石卡": "diamond", "私行": "private", "私人银行": "private",
}


def parse_tier(raw: str) -> str:
    value = raw.strip().lower()
    tier = value if value in TIERS else _TIER_WORDS.get(value)
    if tier is None:
        raise DomainError("client.bad_tier", raw, "tier")
    return tier


def parse_risk(raw: str) -> str | None:
    return _optional_code(raw, raw.strip().upper(), RISKS, {}, "client.bad_risk", "risk")


_HONORIFIC_WORDS = {"先生": "mr", "mr.": "mr", "女士": "ms", "ms.": "ms", "mrs": "ms", "mrs.": "ms", "miss": "ms",
                    "小姐": "ms"}


def parse_honorific(raw: str) -> str | None:
    return _optional_code(raw, raw.strip().lower(), HONORIFICS, _HONORIFIC_WORDS, "client.bad_honorific",
                          "honorific")


def _optional_code(raw: str, value: str, codes: tuple[str, ...], words: dict[str, str], code: str,
                   field: str) -> str | None:
    """A stored code from what was typed (`value`, folded): the code, or a word for it; None if blank."""
    if not value:
        return None
    found = value if value in codes else words.get(value)
    if found is None:
        raise DomainError(code, raw, field)
    return found
