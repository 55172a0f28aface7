"""memo.text.visible: user text shown as text, never as terminal control sequences."""

from __future__ import annotations

import re

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from memo.text import visible

CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")


@pytest.mark.parametrize("raw, shown", [
    ("\x1b[31mred", "␛[31mred"),
    ("\x1b]0;title\x07", "␛]0;title␇"),
    ("\x00", "␀"),
    ("\x08", "␈"),
    ("\x0b\x0c", "␋␌"),
    ("\x1f", "␟"),
    ("\x7f", "␡"),
    ("\x9b2J", "\\x9b2J"),
    ("\x80\x85\x9f", "\\x80\\x85\\x9f"),
])
def test_controls_become_visible(raw: str, shown: str) -> None:
    assert visible(raw) == shown


@pytest.mark.parametrize("text", [
    "张三", "欧阳娜娜 13800138000", "😀👨‍👩‍👧", "\u202eRTL\u202c", "שלום", "مرحبا", "[bold]x[/oops]",
    "{value}", "é ß ǅ", "full　width　space", "", "¥100", "a\tb",
])
def test_ordinary_text_is_unchanged(text: str) -> None:
    assert visible(text) == text


def test_line_breaks_kept_or_folded() -> None:
    assert visible("a\nb\r\nc\rd") == "a\nb\nc\nd"
    assert visible("a\nb\r\nc\rd", one_line=True) == "a ⏎ b ⏎ c ⏎ d"
    assert visible("a\tb", one_line=True) == "a b"
    assert "\n" not in visible("x\n" * 10, one_line=True)


def test_limit_cuts_with_an_ellipsis() -> None:
    assert visible("一二三四五", limit=3) == "一二三…"
    assert visible("一二三", limit=3) == "一二三"
    assert visible("\x1b\x1b\x1b\x1b", limit=2) == "␛␛…"
    assert len(visible("x" * 10_000, limit=80, one_line=True)) == 81


@given(st.text(), st.booleans(), st.none() | st.integers(min_value=0, max_value=50))
@example("\x1b[2J\x1b]0;x\x07\x9b\x00\x7f", False, None)
@example("\r", True, None)
@example("\r", False, None)
def test_output_never_holds_a_control_character(text: str, one_line: bool, limit: int | None) -> None:
    shown = visible(text, one_line=one_line, limit=limit)
    assert not CONTROL.search(shown)
    if one_line:
        assert "\n" not in shown and "\t" not in shown


@given(st.text(alphabet=st.characters(blacklist_categories=("Cc",))))
def test_text_without_controls_is_untouched(text: str) -> None:
    assert visible(text) == text
