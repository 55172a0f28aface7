"""User text made safe to show: control characters become visible symbols.

Names, memos and imported cells are stored exactly as typed; only their display changes. An
ESC or CSI byte shown raw would let a memo recolour, move or retitle the terminal, so every C0
and C1 control (and DEL) is drawn as its Unicode "control picture" (ESC -> ␛) or as \\x9b.
Markup is a separate matter: the screens render this text as plain Content, never as markup.
"""

from __future__ import annotations

import re

_CONTROLS = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")
_NEWLINES = re.compile(r"\r\n|\r|\n")


def _picture(match: re.Match[str]) -> str:
    code = ord(match.group())
    if code < 0x20:
        return chr(0x2400 + code)  # ␀ .. ␟
    if code == 0x7F:
        return "\u2421"  # ␡
    return f"\\x{code:02x}"


def visible(value: str, *, one_line: bool = False, limit: int | None = None) -> str:
    """`value` with controls made visible; `one_line` folds line breaks and tabs to spaces."""
    if limit is not None and len(value) > limit:
        value = value[:limit] + "…"
    if one_line:
        value = _NEWLINES.sub(" ⏎ ", value).replace("\t", " ")
    else:
        value = _NEWLINES.sub("\n", value)
    return _CONTROLS.sub(_picture, value)


# --- privacy: numbers written inside free text ------------------------------------------------------

HIDDEN = "***"  # what privacy mode shows for an amount (memo.money.format_amount does the same)

_NUM = r"(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?"  # 500000, 12,000.50, 3.5
_CN_NUM = r"[零〇一二两三四五六七八九十百千]"
_CN_LEAD = r"[一二两三四五六七八九十]"  # "千万别忘" (be sure not to forget) is no amount
_SIGN = r"(?:[¥￥$€£]|(?i:RMB|CNY|USD|HKD|EUR|GBP|JPY|US\$|HK\$))"
_UNIT = r"(?:百万|千万|万|亿|[kKwW](?![A-Za-z]))"  # part of the amount: hidden with it
_CURRENCY = r"(?:元|块|圆|美元|美金|欧元|港币|港元|日元|英镑)"  # says "amount", stays visible
_PRIVATE = re.compile(
    # kept as written: a date (2026-12-01, 2026/12/1, 2026.12.01) or a span of years (2025-2026)
    r"(?P<keep>(?<!\d)\d{4}(?P<sep>[-/.])\d{1,2}(?P=sep)\d{1,2}(?!\d)"
    r"|(?<!\d)(?:19|20)\d{2} ?[-–~至到] ?(?:19|20)\d{2}(?!\d))"
    # an amount: after a currency sign, before a unit (万, 亿, k, w) or a currency word (元, 美元)
    rf"|(?P<sign>{_SIGN} ?){_NUM} ?{_UNIT}?"
    rf"|(?<![\d.,]){_NUM} ?(?:[-–~至到] ?{_NUM} ?)?{_UNIT}"
    rf"|(?<![\d.,]){_NUM}(?= ?{_CURRENCY})"
    rf"|{_CN_LEAD}{_CN_NUM}*(?:万|亿)(?!火急)|{_CN_NUM}{{2,}}(?=元|块|圆)"
    # a phone (or card) number: 7 digits or more, single spaces or dashes allowed inside
    r"|(?<!\d)(?P<phone>\d(?:[ -]?\d){6,})(?!\d)"
    # a bare amount: thousands separators, 5 or 6 digits, or two decimals after 3+ digits
    r"|(?<![\d.,])(?:\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d{5,6}(?:\.\d+)?|\d{3,}\.\d{2})(?![\d.,%])"
)


def _private(match: re.Match[str]) -> str:
    if match.group("keep") is not None:
        return match.group()
    if (number := match.group("phone")) is not None:
        from memo.phones import mask_phone

        return mask_phone(re.sub(r"[ -]", "", number))
    if (sign := match.group("sign")) is not None:
        return sign + HIDDEN
    return HIDDEN


def mask_private(value: str) -> str:
    """Free text as privacy mode shows it: phone numbers masked, amounts hidden.

    - A run of 7 or more digits (single spaces or dashes allowed inside: a mobile, a landline,
      a card number) is masked like a phone: "回电13800138000" -> "回电138****8000",
      "139-1234-5678" -> "139****5678". An 8-digit compact date (20261201) can't be told from
      a local number and is masked too: privacy wins.
    - An amount becomes "***", its magnitude with it (万, 亿, 千万, k, w), while a currency sign
      or word stays: "他行还有30万" -> "他行还有***", "存了500000元" -> "存了***元",
      "¥12,000.50" -> "¥***", "3.5万" -> "***", "3-5万" -> "***", "五十万" -> "***". A number
      is an amount with a currency sign before it, a unit or currency word after it, thousands
      separators (12,000), 5 or 6 digits (500000) or two decimals after 3 digits or more
      (1234.56); Chinese numerals with 万 or 亿 (but not "千万别忘", "十万火急").
    - Left as written: dates (2026-12-01, 2026/12/1, 12/5, 12月5日), spans of years
      (2025-2026), times (10:30), rates (3.5%, 1.45), and short numbers: counts and terms
      ("3天", "2个", "5年", "第3期") and 4-digit numbers ("2026年", "尾号8000"). A bare
      "取5000现金" stays too: 4 digits are as often a year or a phone's last four as an amount.
    - Everything else in the text is unchanged, character for character.

    Headless (the screens, the CLI and the exports all call it); never imports Textual.
    """
    return _PRIVATE.sub(_private, value)
