"""The Targets screen driven as the manager does it: open it with F5, type the filters, watch the
count and the money at stake follow, open a client's card, save the filter as a named list and
open it again, scroll a long list, privacy mode."""

from __future__ import annotations

import datetime as dt

import pytest
from textual.widgets import DataTable, Input, Select, Static

from memo import targets
from memo.app import MemoApp
from memo.models import Client, Deposit
from memo.screens.card import ClientCardScreen
from memo.screens.form import FormDialog
from memo.screens.targets import PAGE, TargetsScreen
from memo.screens.today import TodayScreen
from memo.targets import TargetFilter

from .conftest import settle
from .test_app import SIZE, plain, wait_until
from .test_targets import DAY, fill


@pytest.fixture
def sample_targets(book):  # noqa: ANN001, ANN201
    return book, fill(book)


def make_app(book, lang: str = "en") -> MemoApp:  # noqa: ANN001
    return MemoApp(book, today=DAY, lang=lang)


async def shown(pilot) -> TargetsScreen:  # noqa: ANN001
    """Wait until what was typed is on screen (the debounce, then the worker)."""
    screen = pilot.app.screen
    assert isinstance(screen, TargetsScreen)
    await pilot.pause(0.05)
    await wait_until(pilot, lambda: not screen.pending and not screen._loading, "the list caught up", tries=400)
    await settle(pilot)
    return screen


def names(screen: TargetsScreen) -> list[str]:
    table = screen.query_one("#targets-table", DataTable)
    return [str(table.get_row_at(i)[1]) for i in range(table.row_count)]


def summary(screen: TargetsScreen) -> str:
    return plain(screen.query_one("#targets-summary", Static))


async def open_targets(pilot) -> TargetsScreen:  # noqa: ANN001
    await settle(pilot)
    await pilot.press("f5")
    return await shown(pilot)


async def type_into(pilot, box: str, text: str) -> None:  # noqa: ANN001
    pilot.app.screen.query_one(f"#t-{box}", Input).focus()
    await pilot.press(*text)


async def test_f5_opens_it_and_the_figures_follow_the_typing(sample_targets) -> None:
    book, ids = sample_targets
    async with make_app(book).run_test(size=SIZE) as pilot:
        screen = await open_targets(pilot)
        assert summary(screen).startswith("Clients: 5 · at stake: ¥5,160,000  ·  all clients")
        assert names(screen) == ["李四", "王芳", "张三", "欧阳娜娜", "(client to complete)"]
        assert pilot.app.focused.id == "t-maturing"  # typing starts in the first box
        await pilot.press("3", "0")
        screen = await shown(pilot)
        assert screen.shown == TargetFilter(maturing_days=30)
        assert summary(screen).startswith("Clients: 3 · at stake: ¥4,150,000  ·  maturing within 30 days")
        assert names(screen) == ["李四", "王芳", "张三"]
        table = screen.query_one("#targets-table", DataTable)
        assert [str(c) for c in table.get_row_at(0)[2:]] == ["139 1234 5678", "Private", "¥3,000,000", "2026-12-01",
                                                             "", "never"]
        await pilot.click("#t-no_rollover")
        screen = await shown(pilot)
        assert summary(screen).startswith("Clients: 2 · at stake: ¥1,100,000")
        await type_into(pilot, "min_amount", "50万")
        screen = await shown(pilot)
        assert names(screen) == ["王芳"] and summary(screen).startswith("Clients: 1 · at stake: ¥800,000")
        # a box that reads wrong: said under the boxes, the list stays as it was
        await type_into(pilot, "since_contact", "x")
        screen = await shown(pilot)
        error = screen.query_one("#targets-error", Static)
        assert error.display and plain(error) == "Days “x”: write a whole number, e.g. 30"
        assert names(screen) == ["王芳"]
        await pilot.press("backspace")
        screen = await shown(pilot)
        assert not error.display
        await pilot.click("#t-tier-gold")
        screen = await shown(pilot)
        assert names(screen) == [] and screen.query_one("#targets-empty").display
        assert plain(screen.query_one("#targets-empty", Static)) == "No client matches the filter"
        await pilot.click("#t-tier-platinum")
        screen = await shown(pilot)
        assert names(screen) == ["王芳"]
        assert screen.filter == TargetFilter(tiers=("gold", "platinum"), maturing_days=30, min_amount_fen=50_000_000,
                                             no_rollover=True)
        # Enter in a box goes to the list; Enter on the list opens the card
        await type_into(pilot, "maturing", "")
        await pilot.press("enter")
        assert pilot.app.focused.id == "targets-table"
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(pilot.app.screen, ClientCardScreen) and pilot.app.screen.client_id == ids["wang"]
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(pilot.app.screen, TargetsScreen)
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(pilot.app.screen, TodayScreen)


async def test_fast_typing_shows_the_last_filter_only(sample_targets) -> None:
    book, _ = sample_targets
    async with make_app(book).run_test(size=SIZE) as pilot:
        await open_targets(pilot)
        await pilot.press("3", "2", "backspace", "1")
        screen = await shown(pilot)
        assert screen.shown == TargetFilter(maturing_days=31)
        assert summary(screen).startswith("Clients: 3 · at stake: ¥4,150,000")
        await pilot.press("backspace", "backspace", *"400")
        screen = await shown(pilot)
        assert screen.shown == TargetFilter(maturing_days=400)


async def test_save_the_filter_as_a_list_and_open_it_again(sample_targets) -> None:
    book, _ = sample_targets
    async with make_app(book).run_test(size=SIZE) as pilot:
        screen = await open_targets(pilot)
        await pilot.press("ctrl+o")  # nothing saved yet: said so
        await settle(pilot)
        assert isinstance(pilot.app.screen, TargetsScreen)
        await pilot.press("3", "0")
        await pilot.click("#t-no_rollover")
        await shown(pilot)
        await pilot.press("ctrl+s")
        await settle(pilot)
        dialog = pilot.app.screen
        assert isinstance(dialog, FormDialog)
        await pilot.press("enter")  # no name: refused in place
        await settle(pilot)
        assert plain(dialog.query_one("#form-error", Static)) == "The list needs a name"
        await pilot.press(*"due soon", "enter")
        await wait_until(pilot, lambda: isinstance(pilot.app.screen, TargetsScreen), "dialog closed")
        assert targets.lists(book) == [("due soon", TargetFilter(maturing_days=30, no_rollover=True))]
        await pilot.press("ctrl+r")  # clear
        screen = await shown(pilot)
        assert screen.filter == TargetFilter() and summary(screen).startswith("Clients: 5")
        assert screen.query_one("#t-maturing", Input).value == ""
        await pilot.press("ctrl+o")
        await settle(pilot)
        dialog = pilot.app.screen
        assert isinstance(dialog, FormDialog)
        assert dialog.query_one("#f-name", Select).value == "due soon"
        await pilot.press("ctrl+s")
        await wait_until(pilot, lambda: isinstance(pilot.app.screen, TargetsScreen), "dialog closed")
        screen = await shown(pilot)
        assert screen.filter == TargetFilter(maturing_days=30, no_rollover=True)
        assert screen.query_one("#t-maturing", Input).value == "30"
        assert summary(screen).startswith("Clients: 2 · at stake: ¥1,100,000")


async def test_a_long_list_is_paged_as_the_cursor_goes_down(book) -> None:  # noqa: ANN001
    with book.write() as s:
        s.add_all(Client(id=i, name=f"客户{i:03d}", tier="gold") for i in range(1, 251))
        s.flush()
        s.add_all(Deposit(client_id=i, amount_fen=(1000 + i) * 100, start=dt.date(2026, 1, 1), term_months=12,
                          maturity=dt.date(2027, 1, 1)) for i in range(1, 251))
    async with make_app(book).run_test(size=SIZE) as pilot:
        screen = await open_targets(pilot)
        table = screen.query_one("#targets-table", DataTable)
        assert table.row_count == PAGE and summary(screen).startswith("Clients: 250")
        assert names(screen)[0] == "客户250"  # biggest first
        table.focus()
        table.move_cursor(row=PAGE - 1)
        await wait_until(pilot, lambda: table.row_count == 2 * PAGE, "the next page")
        table.move_cursor(row=2 * PAGE - 1)
        await wait_until(pilot, lambda: table.row_count == 250, "the last page")
        await settle(pilot)
        assert names(screen) == [f"客户{i:03d}" for i in range(250, 0, -1)]
        # a change in the book keeps what was scrolled in
        pilot.app.book_changed()
        await settle(pilot)
        assert table.row_count == 250


async def test_privacy_mode_masks_the_list(sample_targets) -> None:
    book, _ = sample_targets
    async with make_app(book).run_test(size=SIZE) as pilot:
        screen = await open_targets(pilot)
        await pilot.press("f6")
        screen = await shown(pilot)
        table = screen.query_one("#targets-table", DataTable)
        row = [str(c) for c in table.get_row_at(0)]
        assert row[2] == "139****5678" and row[4] == "***"
        assert "at stake: ***" in summary(screen) and "5,160,000" not in summary(screen)


async def test_the_command_palette_opens_it(sample_targets) -> None:
    book, _ = sample_targets
    async with make_app(book, lang="zh").run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("ctrl+p")
        await settle(pilot)
        await pilot.press(*"目标客户")
        await settle(pilot)
        await pilot.pause(0.3)
        await pilot.press("enter")
        await wait_until(pilot, lambda: isinstance(pilot.app.screen, TargetsScreen), "the palette opened it")
        screen = await shown(pilot)
        assert summary(screen).startswith("5 位客户 · 涉及金额 ¥5,160,000")
        pilot.app.action_targets()  # already open: stays one screen
        await settle(pilot)
        assert sum(isinstance(s, TargetsScreen) for s in pilot.app.screen_stack) == 1


async def test_hostile_names_and_words_show_as_text(sample_targets) -> None:
    book, _ = sample_targets
    hostile = TargetFilter(product="[red]债券", request="[/oops]")
    targets.save_list(book, "[bold]名单[/x]\x1b[31m", hostile)
    async with make_app(book).run_test(size=SIZE) as pilot:
        screen = await open_targets(pilot)
        await pilot.press("ctrl+o")
        await settle(pilot)
        dialog = pilot.app.screen
        assert isinstance(dialog, FormDialog)
        prompt = dialog.query_one("#f-name", Select)._options[0][0]
        assert str(prompt).startswith("[bold]名单[/x]␛[31m — holding “[red]债券”")
        await pilot.press("ctrl+s")
        await wait_until(pilot, lambda: isinstance(pilot.app.screen, TargetsScreen), "dialog closed")
        screen = await shown(pilot)
        assert screen.filter == hostile
        assert "holding “[red]债券” · requests with “[/oops]”" in summary(screen)


async def test_a_failed_load_is_told_and_the_screen_goes_on(sample_targets, monkeypatch) -> None:  # noqa: ANN001
    book, _ = sample_targets
    async with make_app(book).run_test(size=SIZE) as pilot:
        screen = await open_targets(pilot)
        real = targets.search

        def broken(*_args, **_kwargs):  # noqa: ANN002, ANN003, ANN202
            raise RuntimeError("disk on fire")

        monkeypatch.setattr(targets, "search", broken)
        await pilot.press("3")
        await wait_until(pilot, lambda: any("disk on fire" in str(n.message) for n in pilot.app._notifications),
                         "the error told")
        await wait_until(pilot, lambda: not screen._loading and not screen.pending, "the screen not waiting")
        monkeypatch.setattr(targets, "search", real)
        await pilot.press("0")
        screen = await shown(pilot)
        assert screen.shown == TargetFilter(maturing_days=30) and names(screen) == ["李四", "王芳", "张三"]
