"""Tests for memo.phones: normalisation rules, error codes, masking, display."""

import pickle
import subprocess
import sys

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from memo.phones import (
    LANDLINE_RE,
    MOBILE_RE,
    PhoneError,
    digits_of,
    format_phone,
    looks_like_phone_query,
    mask_phone,
    normalize_phone,
)


# --- valid numbers in many written forms -----------------------------------

@pytest.mark.parametrize(
    "text, expected",
    [
        # mobiles
        ("13800138000", "13800138000"),
        ("138 0013 8000", "13800138000"),
        ("138-0013-8000", "13800138000"),
        ("138.0013.8000", "13800138000"),
        ("(138) 0013 8000", "13800138000"),
        ("  13800138000\n", "13800138000"),
        ("１３８００１３８０００", "13800138000"),  # full-width digits
        ("１３８　００１３　８０００", "13800138000"),  # full-width space
        ("138\u00a00013\u00a08000", "13800138000"),  # NBSP
        ("138–0013—8000", "13800138000"),  # en / em dash
        ("138‐0013－8000", "13800138000"),  # hyphen / full-width hyphen-minus
        ("（138）00138000", "13800138000"),  # full-width parens
        ("\u202a+86 138 0013 8000\u202c", "13800138000"),  # iOS copy-paste marks
        ("19912345678", "19912345678"),
        ("16612345678", "16612345678"),
        # mobiles with country code
        ("+86 138 0013 8000", "13800138000"),
        ("+8613800138000", "13800138000"),
        ("＋86 138 0013 8000", "13800138000"),
        ("(+86) 138-0013-8000", "13800138000"),
        ("+86-138-0013-8000", "13800138000"),
        ("008613800138000", "13800138000"),
        ("0086 138 0013 8000", "13800138000"),
        ("8613800138000", "13800138000"),
        ("86 138 0013 8000", "13800138000"),
        ("+86 (0)138 0013 8000", "13800138000"),
        # "0" before a mobile (old long-distance dialling habit)
        ("013800138000", "13800138000"),
        # landlines
        ("037165123456", "037165123456"),
        ("0371-65123456", "037165123456"),
        ("0371-6512 3456", "037165123456"),
        ("(0371) 6512-3456", "037165123456"),
        ("（０３７１）６５１２３４５６", "037165123456"),
        ("0371-6512345", "03716512345"),  # 7-digit local number
        ("010-6552 9988", "01065529988"),
        ("01065529988", "01065529988"),
        ("(010)65529988", "01065529988"),
        ("020-8888 6666", "02088886666"),
        ("021 6123 4567", "02161234567"),
        ("029-8765 4321", "02987654321"),
        ("0755-8888 9999", "075588889999"),
        ("0898-6666 777", "08986666777"),
        # landlines with country code: trunk 0 restored / kept once
        ("+86 371 6512 3456", "037165123456"),
        ("+86 10 6552 9988", "01065529988"),
        ("+86 21 6123 4567", "02161234567"),
        ("+86 (0)371 6512 3456", "037165123456"),
        ("+86 (0)10 6552 9988", "01065529988"),
        ("+86 0371 6512 3456", "037165123456"),
        ("0086 371 6512 3456", "037165123456"),
        ("0086 10 6552 9988", "01065529988"),
        ("0086 (0)10 6552 9988", "01065529988"),
    ],
)
def test_normalize_valid(text, expected):
    assert normalize_phone(text) == expected


# --- errors: code and value ------------------------------------------------

@pytest.mark.parametrize(
    "text, code",
    [
        ("", "phone.empty"),
        ("   ", "phone.empty"),
        ("\u3000", "phone.empty"),
        ("\u00a0\t", "phone.empty"),
        ("()", "phone.empty"),
        ("+", "phone.empty"),
        ("--", "phone.empty"),
        ("138abc00138000", "phone.bad_chars"),
        ("138 0013 8000 张", "phone.bad_chars"),
        ("电话13800138000", "phone.bad_chars"),
        ("0371-65123456#8001", "phone.bad_chars"),
        ("*13800138000", "phone.bad_chars"),
        ("13800138000/13900139000", "phone.bad_chars"),
        ("138_0013_8000", "phone.bad_chars"),
        ("١٣٨٠٠١٣٨٠٠٠", "phone.bad_chars"),  # Arabic-Indic digits are not ours
        ("1380013800", "phone.bad_length"),  # 10-digit mobile
        ("138001380001", "phone.bad_length"),  # 12-digit mobile
        ("138", "phone.bad_length"),
        ("+86 138 0013 800", "phone.bad_length"),
        ("+86", "phone.bad_length"),
        ("010-6552 998", "phone.bad_length"),  # 010 needs 8 local digits
        ("010-6552 99881", "phone.bad_length"),
        ("021-612 3456", "phone.bad_length"),
        ("0371-651234", "phone.bad_length"),  # 6 local digits
        ("0371-651234567", "phone.bad_length"),  # 9 local digits
        ("0", "phone.bad_length"),
        ("03", "phone.bad_length"),
        ("+1 212 555 1234", "phone.foreign"),
        ("+44 20 7946 0958", "phone.foreign"),
        ("+852 9123 4567", "phone.foreign"),  # Hong Kong is not +86
        ("+886 912 345 678", "phone.foreign"),
        ("001 212 555 1234", "phone.foreign"),
        ("00852 9123 4567", "phone.foreign"),
        ("12345678901", "phone.invalid"),  # 12x is not a mobile prefix
        ("10086100861", "phone.invalid"),
        ("011-6552 9988", "phone.invalid"),  # only 010 among 01x
        ("015-6552 9988", "phone.invalid"),
        ("0371-0512 3456", "phone.invalid"),  # local number cannot start 0
        ("0371-1512 3456", "phone.invalid"),  # ... or 1
        ("010-1552 9988", "phone.invalid"),
        ("65123456", "phone.invalid"),  # no area code
        ("86 371 6512 3456", "phone.invalid"),  # bare 86 not stripped for landlines
        ("861065529988", "phone.invalid"),
        ("+0086 138 0013 8000", "phone.invalid"),
        ("138+0013 8000", "phone.invalid"),  # '+' only at the start
        ("++86 138 0013 8000", "phone.invalid"),
        ("+86 00 138 0013 8000", "phone.invalid"),
    ],
)
def test_normalize_errors(text, code):
    with pytest.raises(PhoneError) as info:
        normalize_phone(text)
    assert info.value.code == code
    assert info.value.value == text  # the untouched input, for the message


def test_phone_error_is_value_error_and_pickles():
    err = PhoneError("phone.invalid", "x")
    assert isinstance(err, ValueError)
    assert "phone.invalid" in str(err)
    back = pickle.loads(pickle.dumps(err))
    assert (back.code, back.value) == ("phone.invalid", "x")


def test_bad_chars_reported_before_other_problems():
    # A letter in an also-too-short number: the letter is what the user must fix.
    with pytest.raises(PhoneError) as info:
        normalize_phone("13x")
    assert info.value.code == "phone.bad_chars"


def test_bare_86_only_stripped_before_mobile():
    # 86 + 11 digits that are not a mobile: leave it alone (it is not ours to guess)
    with pytest.raises(PhoneError):
        normalize_phone("8612345678901")


# --- digits_of / looks_like_phone_query -----------------------------------

@pytest.mark.parametrize(
    "text, expected",
    [
        ("138 0013-8000", "13800138000"),
        ("１３８ab０", "1380"),
        ("张三", ""),
        ("", ""),
        ("+86 (0)10", "86010"),
    ],
)
def test_digits_of(text, expected):
    assert digits_of(text) == expected


@pytest.mark.parametrize(
    "text, expected",
    [
        ("138", True),
        ("138 0013", True),
        ("+86-138", True),
        ("(010) 6552.9988", True),
        ("１３８", True),
        ("８０００　１２", True),
        ("", False),
        ("   ", False),
        ("+-()", False),
        ("张三", False),
        ("138a", False),
        ("zs", False),
    ],
)
def test_looks_like_phone_query(text, expected):
    assert looks_like_phone_query(text) is expected


# --- mask / format -------------------------------------------------------

@pytest.mark.parametrize(
    "number, expected",
    [
        ("13800138000", "138****8000"),
        ("01065529988", "010****9988"),
        ("02161234567", "021****4567"),
        ("037165123456", "0371****3456"),
        ("03716512345", "0371***2345"),
        ("123456", "****56"),
        ("12", "12"),
        ("", ""),
        ("1234567", "12*4567"),  # at least one digit is always hidden
    ],
)
def test_mask_phone(number, expected):
    assert mask_phone(number) == expected


@pytest.mark.parametrize(
    "number, expected",
    [
        ("13800138000", "138 0013 8000"),
        ("037165123456", "0371-6512 3456"),
        ("01065529988", "010-6552 9988"),
        ("02161234567", "021-6123 4567"),
        ("03716512345", "0371-651 2345"),
        ("12345", "12345"),
        ("138 0013 8000", "138 0013 8000"),
        ("", ""),
    ],
)
def test_format_phone(number, expected):
    assert format_phone(number) == expected


def test_format_then_normalize_round_trips():
    for number in ["13800138000", "037165123456", "01065529988", "03716512345"]:
        assert normalize_phone(format_phone(number)) == number


def test_import_is_light():
    # Must not drag in the TUI (or anything heavy) when imported headless.
    code = "import sys, memo.phones; print('textual' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


# --- properties ------------------------------------------------------------

def _matches_shape(number: str) -> bool:
    return bool(MOBILE_RE.fullmatch(number) or LANDLINE_RE.fullmatch(number))


_digit = st.sampled_from("0123456789")
mobiles = st.builds(
    lambda second, rest: "1" + second + "".join(rest),
    st.sampled_from("3456789"),
    st.lists(_digit, min_size=9, max_size=9),
)
landlines = st.one_of(
    st.builds(
        lambda area, first, rest: area + first + "".join(rest),
        st.sampled_from(["010"] + [f"02{d}" for d in range(10)]),
        st.sampled_from("23456789"),
        st.lists(_digit, min_size=7, max_size=7),
    ),
    st.builds(
        lambda a, b, first, rest: "0" + a + b + first + "".join(rest),
        st.sampled_from("3456789"),
        st.text("0123456789", min_size=2, max_size=2),
        st.sampled_from("23456789"),
        st.lists(_digit, min_size=6, max_size=7),
    ),
)
valid_numbers = st.one_of(mobiles, landlines)

# Characters that are pure formatting noise (never '+', which carries meaning).
_noise = st.text(
    st.sampled_from([" ", "\u3000", "\u00a0", "-", "–", "—", "‐", "－", ".", "．",
                     "(", ")", "（", "）", "\t", "\u200b"]),
    max_size=3,
)
_FULLWIDTH = {str(d): chr(0xFF10 + d) for d in range(10)}


@given(valid_numbers)
def test_generated_numbers_are_valid(number):
    assert normalize_phone(number) == number


@given(st.text())
@example("+86 10 6552 9988")
@example("0086")
@example("+8")
@example("0" * 12)
def test_normalize_total_and_idempotent(text):
    # Never anything but PhoneError; any success has a valid shape and is a
    # fixed point (saving an already-saved number must not change it).
    try:
        out = normalize_phone(text)
    except PhoneError as err:
        assert err.value == text
        assert err.code.startswith("phone.")
        return
    assert _matches_shape(out)
    assert normalize_phone(out) == out


@given(st.text(alphabet="0123456789+-() ０１２３４５６７８９", max_size=20))
def test_normalize_total_on_phoneish_text(text):
    # Denser coverage of the interesting alphabet than st.text() gives.
    try:
        out = normalize_phone(text)
    except PhoneError:
        return
    assert _matches_shape(out)
    assert normalize_phone(out) == out


@given(valid_numbers, st.data())
def test_noise_never_changes_result(number, data):
    pieces = []
    for ch in number:
        pieces.append(data.draw(_noise))
        full = data.draw(st.booleans())
        pieces.append(_FULLWIDTH[ch] if full else ch)
    pieces.append(data.draw(_noise))
    assert normalize_phone("".join(pieces)) == number


@given(valid_numbers, st.sampled_from(["+86 ", "+86", "0086 ", "＋８６ ", "(+86) "]))
def test_country_code_prefix_is_stripped(number, prefix):
    assert normalize_phone(prefix + number) == number
    # International style: the landline trunk 0 dropped after the country code
    if number.startswith("0"):
        assert normalize_phone(prefix + number[1:]) == number


@given(valid_numbers)
def test_mask_keeps_length_and_last_four(number):
    masked = mask_phone(number)
    assert len(masked) == len(number)
    assert masked[-4:] == number[-4:]
    assert "*" in masked


@given(st.text(alphabet="0123456789", max_size=16))
def test_mask_any_digits_keeps_length(number):
    masked = mask_phone(number)
    assert len(masked) == len(number)
    tail = 4 if len(number) >= 7 else 2
    assert masked[-tail:] == number[-tail:] if number else masked == ""


@given(valid_numbers)
def test_format_round_trips(number):
    assert normalize_phone(format_phone(number)) == number
