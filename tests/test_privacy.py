"""Privacy mode on every screen, its default from a setting, and owner-only files."""

from __future__ import annotations

import io
import re
import stat
from pathlib import Path

import pytest
from rich.console import Console
from textual.widgets import DataTable, Input, OptionList, Static

from memo import money, ops
from memo.app import MemoApp
from memo.screens.card import ClientCardScreen
from memo.screens.jot import JotDialog
from memo.screens.lookup import LookupScreen
from memo.screens.today import TodayScreen

from .conftest import TODAY, fill_sample, settle
from .test_app import SIZE, options, wait_until

PHONES = ("13800138000", "13912345678", "037165123456", "15000008000")
AMOUNTS = ("876,543.21", "876543", "234,567", "234567")  # the sample deposit and holding
ELEVEN = re.compile(r"(?<!\d)\d{11}(?!\d)")


def screen_text(app: MemoApp) -> str:
    """What the terminal shows right now, as plain text (the same render as export_screenshot)."""
    width, height = app.size
    console = Console(width=width, height=height, file=io.StringIO(), force_terminal=True,
                      color_system="truecolor", record=True, legacy_windows=False, safe_box=False)
    console.print(app.screen._compositor.render_update(full=True, screen_stack=app._background_screens))
    return console.export_text()


def assert_private(text: str) -> None:
    assert not ELEVEN.search(text), ELEVEN.search(text).group()
    squeezed = re.sub(r"[ \-]", "", text)
    for number in PHONES:
        assert number not in squeezed, number
    for amount in AMOUNTS:
        assert amount not in text, amount


@pytest.fixture
def private_sample(book):  # noqa: ANN001, ANN201
    ids = fill_sample(book)
    money.add_deposit(book, ids["zhang"], "876543.21", "2026-06-01", term="1y", rate="1.5", today=TODAY)
    money.add_holding(book, ids["zhang"], "稳健理财A", "234567", "1.0000", "2026-03-01")
    return book, ids


def make_app(book, privacy_default: bool | None = None) -> MemoApp:  # noqa: ANN001
    if privacy_default is not None:
        ops.put_setting(book, "privacy_default", privacy_default)
    return MemoApp(book, today=TODAY, lang="en")


def notes(app: MemoApp) -> list[str]:
    return [str(n.message) for n in app._notifications]


# --- the default ---------------------------------------------------------------------------------

async def test_privacy_default_setting_starts_masked_quietly_and_today_is_masked(private_sample) -> None:
    book, _ = private_sample
    ops.jot(book, "回电13700001111 关于 139-1234-5678", due=TODAY)  # numbers inside a memo too
    async with make_app(book, privacy_default=True).run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert pilot.app.privacy is True
        table = pilot.app.screen.query_one("#due", DataTable)
        assert str(table.get_row_at(0)[3]) == "138****8000"
        assert notes(pilot.app) == []  # no "privacy on" toast at start
        texts = [str(table.get_row_at(i)[4]) for i in range(table.row_count)]
        assert any("回电137****1111 关于 139****5678" in text for text in texts), texts
        text = screen_text(pilot.app)
        assert_private(text)
        assert "13700001111" not in text
        await pilot.press("f6")
        await settle(pilot)
        assert str(table.get_row_at(0)[3]) == "138 0013 8000"


async def test_without_the_setting_privacy_starts_off(private_sample) -> None:
    book, _ = private_sample
    async with make_app(book).run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert pilot.app.privacy is False
        assert "138 0013 8000" in screen_text(pilot.app)  # the check below is not vacuous


# --- every screen --------------------------------------------------------------------------------

async def test_lookup_hits_are_masked(private_sample) -> None:
    book, _ = private_sample
    async with make_app(book, privacy_default=True).run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("slash", *"8000")
        await settle(pilot)
        hits = options(pilot.app.screen.query_one("#hits", OptionList))
        assert len(hits) == 2 and any("138****8000" in h for h in hits)
        assert any("150****8000" in h for h in hits)
        assert_private(screen_text(pilot.app))
        # A full number with no hit: the status line does not echo it (the box shows what was typed).
        pilot.app.screen.query_one("#search", Input).value = ""
        await pilot.press(*"13611112222")
        await settle(pilot)
        status = str(pilot.app.screen.query_one("#lookup-status", Static).render())
        assert "136****2222" in status and "13611112222" not in status


async def test_card_masks_phones_deposits_and_holdings(private_sample) -> None:
    book, ids = private_sample
    async with make_app(book, privacy_default=True).run_test(size=SIZE) as pilot:
        await settle(pilot)
        pilot.app.open_client(ids["zhang"])
        await settle(pilot)
        card = pilot.app.screen
        assert isinstance(card, ClientCardScreen)
        assert "138****8000" in str(card.query_one("#phones", Static).render())
        deposits = options(card.query_one("#deposits", OptionList))
        holdings = options(card.query_one("#holdings", OptionList))
        assert deposits[0].startswith("***") and "***" in holdings[0]
        assert_private("\n".join(deposits + holdings))
        assert_private(screen_text(pilot.app))
        pilot.app.open_client(ids["li"])  # two numbers, one a landline
        await settle(pilot)
        phones = str(pilot.app.screen.query_one("#phones", Static).render())
        assert "139****5678" in phones and "0371****3456" in phones
        assert_private(screen_text(pilot.app))


async def test_jot_suggestions_and_new_number_toast_are_masked(private_sample) -> None:
    book, _ = private_sample
    async with make_app(book, privacy_default=True).run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("f2", *"5678")
        await settle(pilot)
        assert isinstance(pilot.app.screen, JotDialog)
        hits = options(pilot.app.screen.query_one("#who-hits", OptionList))
        assert len(hits) == 2 and all("139****5678" in h for h in hits)
        text = screen_text(pilot.app)
        assert "139****5678" in text
        assert_private(text)
        # A new number: the "client made" toast masks it too.
        pilot.app.screen.query_one("#who", Input).value = ""
        await pilot.press(*"13700001111")
        await settle(pilot)
        await pilot.press("enter", *"new client", "enter")
        await wait_until(pilot, lambda: isinstance(pilot.app.screen, TodayScreen), "dialog closed")
        await settle(pilot)
        assert any("137****1111" in n for n in notes(pilot.app))
        assert not any("13700001111" in n or "137 0000 1111" in n for n in notes(pilot.app))
        assert "13700001111" not in screen_text(pilot.app)


async def test_f6_re_renders_every_open_screen(private_sample) -> None:
    book, ids = private_sample
    async with make_app(book).run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("slash", *"8000")
        await settle(pilot)
        pilot.app.open_client(ids["zhang"])
        await settle(pilot)
        assert "876,543.21" in screen_text(pilot.app)
        await pilot.press("f6")
        await settle(pilot)
        assert_private(screen_text(pilot.app))
        await pilot.press("escape")  # the card's list has focus: back to the lookup
        await settle(pilot)
        assert isinstance(pilot.app.screen, LookupScreen)
        assert_private(screen_text(pilot.app))
        assert any("138****8000" in h for h in options(pilot.app.screen.query_one("#hits", OptionList)))
        pilot.app.screen.query_one("#hits", OptionList).focus()
        await pilot.press("escape", "escape")
        await settle(pilot)
        assert isinstance(pilot.app.screen, TodayScreen)
        assert_private(screen_text(pilot.app))
        await pilot.press("f6")
        await settle(pilot)
        assert "138 0013 8000" in screen_text(pilot.app)


# --- files ---------------------------------------------------------------------------------------

def _modes(path: Path) -> dict[str, int]:
    files = [path, path.with_name(path.name + "-wal"), path.with_name(path.name + "-shm")]
    return {f.name: stat.S_IMODE(f.stat().st_mode) for f in files}


async def test_book_wal_and_shm_are_owner_only(private_sample) -> None:
    book, _ = private_sample
    async with make_app(book).run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert set(_modes(book.path).values()) == {0o600}, _modes(book.path)
        await pilot.press("c", "enter")  # a call logged
        await settle(pilot)
        await pilot.press("f2", "enter", *"file modes", "enter")
        await wait_until(pilot, lambda: isinstance(pilot.app.screen, TodayScreen), "dialog closed")
        await settle(pilot)
        assert set(_modes(book.path).values()) == {0o600}, _modes(book.path)
    assert ops.find(book, "张三")  # the writes went in
    assert set(_modes(book.path).values()) == {0o600}, _modes(book.path)


def test_a_new_book_is_owner_only_even_with_a_lax_umask(tmp_path: Path) -> None:
    import os

    from memo.db import open_book

    old = os.umask(0o000)
    try:
        book = open_book(tmp_path / "fresh" / "book.db")
        try:
            ops.jot(book, "x")
            assert set(_modes(book.path).values()) == {0o600}, _modes(book.path)
        finally:
            book.close()
    finally:
        os.umask(old)



async def test_card_texts_mask_numbers_written_inside_them(book) -> None:
    from memo import ops
    from memo.app import MemoApp

    from .conftest import TODAY, settle

    client = ops.add_client(book, "张三", ["13800138000"])
    ops.jot(book, "儿子的电话 13912345678，下午回电", client.id, due=TODAY)
    ops.edit_client(book, client.id, profile="单位电话 0371-65123456")
    app = MemoApp(book, today=TODAY, lang="zh")
    async with app.run_test(size=(120, 35)) as pilot:
        await settle(pilot)
        app.privacy = True
        app.open_client(client.id)
        await settle(pilot)
        screen = app.export_screenshot()
        assert "13912345678" not in screen and "139****5678" in screen
        assert "65123456" not in screen
