"""memo.text.mask_private: phone numbers and amounts typed into free text, hidden in privacy mode."""

from __future__ import annotations

import datetime as dt
import re
import subprocess
import sys

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from memo.phones import mask_phone
from memo.text import HIDDEN, mask_private


@pytest.mark.parametrize("raw, shown", [
    # amounts: the number and its magnitude hidden, a currency sign or word kept
    ("他行还有30万", "他行还有***"),
    ("存了500000元", "存了***元"),
    ("¥12,000.50", "¥***"),
    ("3.5万", "***"),
    ("30万元定期", "***元定期"),
    ("要2万美元现金", "要***美元现金"),
    ("预算3-5万", "预算***"),
    ("50万-100万都行", "***-***都行"),
    ("USD 1,000", "USD ***"),
    ("rmb5000", "rmb***"),
    ("月入50k", "月入***"),
    ("存了5w", "存了***"),
    ("他行还有五十万", "他行还有***"),
    ("一千万", "***"),
    ("三千块", "***块"),
    ("到账876543.21", "到账***"),
    ("12,000", "***"),
    ("1234.56", "***"),
    # phones and other long numbers: masked as before, last four kept
    ("回电13800138000", "回电138****8000"),
    ("139-1234-5678", "139****5678"),
    ("138 0013 8000", "138****8000"),
    ("单位电话 0371-65123456", "单位电话 0371****3456"),
    ("卡号6222 0212 3456 7890", "卡号************7890"),
    ("要2万美元现金，13912345678", "要***美元现金，139****5678"),
])
def test_amounts_and_phones_are_hidden(raw: str, shown: str) -> None:
    assert mask_private(raw) == shown


@pytest.mark.parametrize("text", [
    "2026-12-01到期", "2026/12/1", "2026.12.01", "12/5", "12月5日", "2026年12月1日", "10:30-11:30",
    "2025-2026年", "3天后", "2个", "存5年", "第3期", "利率3.5%", "净值1.0234", "年化1.45",
    "尾号8000", "2026年", "取5000现金", "9-11点", "千万别忘了", "十万火急", "我们一块去", "百万富翁",
    "张三", "", "[bold]x[/]", "\x1b[31m", "ISO 9001", "COVID-19", "v1.2.3",
])
def test_dates_counts_rates_and_words_are_left_alone(text: str) -> None:
    assert mask_private(text) == text


def test_a_memo_keeps_everything_but_the_private_numbers() -> None:
    memo = "客户说2026-12-01他行30万到期，3天后来办，回电139-1234-5678，利率要3.5%以上"
    assert mask_private(memo) == "客户说2026-12-01他行***到期，3天后来办，回电139****5678，利率要3.5%以上"


def test_compact_dates_read_as_local_numbers_and_are_masked() -> None:
    # 20261201 is also an 8-digit local number: privacy wins over the date's looks
    assert mask_private("20261201到期") == "****1201到期"


# --- properties ------------------------------------------------------------------------------------

# Filler: ordinary words, no digits, no numerals, no currency, unit, sign or separator characters,
# so each generated piece below is read on its own.
FILLER = st.text(alphabet="客户说下午来办理存款的事情请回电家里人abcxyz，。！？：（）", min_size=1, max_size=6)
CN_NUMERALS = "一二两三四五六七八九十"


@st.composite
def phones(draw) -> tuple[str, str]:  # noqa: ANN001
    digits = draw(st.from_regex(r"1[3-9][0-9]{9}|0[3-9][0-9]{2}[2-9][0-9]{7}", fullmatch=True))
    sep = draw(st.sampled_from(["", " ", "-"]))
    if digits.startswith("1"):
        written = sep.join((digits[:3], digits[3:7], digits[7:]))
    else:
        written = sep.join((digits[:4], digits[4:]))
    return written, mask_phone(digits)


@st.composite
def amounts(draw) -> tuple[str, str]:  # noqa: ANN001
    n = draw(st.integers(min_value=1, max_value=10**9))
    cents = draw(st.integers(min_value=0, max_value=99))
    form = draw(st.sampled_from(["yuan", "wan", "sign", "sep", "bare", "decimal_wan", "cn", "us"]))
    if form == "yuan":
        return f"{n}元", f"{HIDDEN}元"
    if form == "wan":
        return f"{n % 10_000 or 1}万", HIDDEN
    if form == "sign":
        return f"¥{n:,}.{cents:02d}", f"¥{HIDDEN}"
    if form == "sep":
        return f"{max(n, 1000):,}", HIDDEN
    if form == "bare":
        return str(10_000 + n % 990_000), HIDDEN
    if form == "decimal_wan":
        return f"{n % 1000}.{cents % 10 or 5}万", HIDDEN
    if form == "us":
        return f"USD {n}", f"USD {HIDDEN}"
    lead = draw(st.sampled_from(CN_NUMERALS))
    rest = draw(st.text(alphabet=CN_NUMERALS + "百千", max_size=3))
    return f"{lead}{rest}万", HIDDEN


@st.composite
def kept(draw) -> tuple[str, str]:  # noqa: ANN001
    day = draw(st.dates(min_value=dt.date(1950, 1, 1), max_value=dt.date(2099, 12, 31)))
    form = draw(st.sampled_from(["iso", "slash", "dot", "count", "rate", "md", "year"]))
    if form == "iso":
        text = day.isoformat()
    elif form == "slash":
        text = f"{day.year}/{day.month}/{day.day}"
    elif form == "dot":
        text = f"{day:%Y.%m.%d}"
    elif form == "count":
        text = f"{draw(st.integers(1, 99))}{draw(st.sampled_from('天个年期次月号人'))}"
    elif form == "rate":
        text = f"{draw(st.integers(0, 9))}.{draw(st.integers(0, 99)):02d}%"
    elif form == "md":
        text = f"{day.month}月{day.day}日"
    else:
        text = f"{day.year}年"
    return text, text


@given(st.lists(st.tuples(FILLER, st.one_of(phones(), amounts(), kept())), max_size=6), FILLER)
@example([("回电", ("13800138000", "138****8000")), ("他行还有", ("30万", "***"))], "。")
def test_each_piece_of_a_memo_is_shown_as_it_should(pieces, tail: str) -> None:  # noqa: ANN001
    """Words around phones, amounts, dates and counts: the words and the dates as written,
    the phones masked, the amounts hidden; nothing else moves."""
    raw = "".join(f + written for f, (written, _) in pieces) + tail
    shown = "".join(f + expected for f, (_, expected) in pieces) + tail
    assert mask_private(raw) == shown


@given(st.text(alphabet=st.characters(blacklist_categories=("Nd",), blacklist_characters="零〇一二两三四五六七八九十百千万亿")))
def test_text_without_numbers_is_unchanged(text: str) -> None:
    assert mask_private(text) == text


LONG_RUN = re.compile(r"\d(?:[ -]?\d){6,}")


@given(st.text(alphabet=st.sampled_from("0123456789 -元万¥.,%/年月日天号a客"), max_size=40))
def test_no_phone_length_number_survives_outside_a_date(text: str) -> None:
    """Whatever the text, a run of 7+ digits is left only where a whole date was kept."""
    shown = mask_private(text)
    for match in LONG_RUN.finditer(shown):
        assert re.search(r"\d{4}([-/.])\d{1,2}\1\d{1,2}|(?:19|20)\d{2} ?- ?(?:19|20)\d{2}", match.group()), (text, shown)


def test_memo_text_stays_headless() -> None:
    code = "import sys, memo.text; print(any(m.split('.')[0] == 'textual' for m in sys.modules))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "False"


def test_the_screens_use_the_same_rule() -> None:
    from memo.widgets.render import mask_numbers

    memo = "他行30万，回电13800138000，2026-12-01"
    assert mask_numbers(memo, True) == mask_private(memo) == "他行***，回电138****8000，2026-12-01"
    assert mask_numbers(memo, False) == memo
