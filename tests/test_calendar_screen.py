"""Pilot stories: the working-days screen, and a newly published holiday schedule typed in."""

from __future__ import annotations

import datetime as dt

from rich.text import Text
from textual.pilot import Pilot
from textual.widgets import DataTable, Input, Static

from memo import workdays
from memo.app import MemoApp
from memo.db import open_book
from memo.screens.calendar import CalendarScreen
from memo.screens.form import FormDialog
from memo.screens.help import HelpScreen

from .conftest import settle

SIZE = (120, 35)
TODAY = dt.date(2026, 11, 29)


def make_app(book, lang: str = "en") -> MemoApp:  # noqa: ANN001
    return MemoApp(book, today=TODAY, lang=lang)


def rows(pilot: Pilot) -> dict[str, list[str]]:
    table = pilot.app.screen.query_one("#calendar-days", DataTable)
    out = {}
    for row in table.ordered_rows:
        cells = table.get_row(row.key)
        assert all(isinstance(cell, Text) for cell in cells)
        out[row.key.value] = [str(cell) for cell in cells]
    return out


def text_of(pilot: Pilot, selector: str) -> str:
    return str(pilot.app.screen.query_one(selector, Static).render())


async def open_calendar(pilot: Pilot) -> None:
    await settle(pilot)
    await pilot.press("f8")
    await settle(pilot)
    assert isinstance(pilot.app.screen, CalendarScreen)


async def add_day(pilot: Pilot, date: str, name: str) -> None:
    await pilot.press("a")
    await settle(pilot)
    assert isinstance(pilot.app.screen, FormDialog)
    await pilot.press(*date, "tab", "tab", *name, "enter")
    await settle(pilot)


async def test_2026_shows_official_makeup_days_and_festivals(tmp_path) -> None:
    book = open_book(tmp_path / "book.db")
    async with make_app(book).run_test(size=SIZE) as pilot:
        await open_calendar(pilot)
        assert "2026" in text_of(pilot, "#calendar-head")
        assert "official" in text_of(pilot, "#calendar-note")
        days = rows(pilot)
        saturday = days["2026-02-14"]
        assert saturday[1] == "Saturday" and saturday[2] == "make-up workday"
        assert saturday[4] == "official schedule" and saturday[3] == "Spring Festival"
        national = days["2026-10-01"]
        assert national[2] == "day off" and national[3] == "National Day" and national[4] == "official schedule"
        festivals = text_of(pilot, "#calendar-festivals")
        assert "Mid-Autumn Festival" in festivals and "02-17" in festivals  # 春节 2026 is Feb 17
        await pilot.press("escape")
        await settle(pilot)
        assert not isinstance(pilot.app.screen, CalendarScreen)
    book.close()


async def test_next_year_is_computed_and_marked_so(tmp_path) -> None:
    book = open_book(tmp_path / "book.db")
    async with make_app(book).run_test(size=SIZE) as pilot:
        await open_calendar(pilot)
        await pilot.press("]")
        await settle(pilot)
        assert "2027" in text_of(pilot, "#calendar-head")
        note = text_of(pilot, "#calendar-note")
        assert "computed" in note and "may differ from the official schedule" in note
        days = rows(pilot)
        assert days and {cells[4] for cells in days.values()} == {"computed"}
        assert days["2027-10-01"][2] == "day off"
        await pilot.press("left")  # the arrows move the year too
        await settle(pilot)
        assert "2026" in text_of(pilot, "#calendar-head")
        await pilot.press("right", "right")
        await settle(pilot)
        assert "2028" in text_of(pilot, "#calendar-head")
        await pilot.press("[")
        await settle(pilot)
        assert "2027" in text_of(pilot, "#calendar-head")
    book.close()


async def test_enter_a_published_day_off_then_remove_it(tmp_path) -> None:
    book = open_book(tmp_path / "book.db")
    day = dt.date(2027, 2, 6)  # a Saturday
    async with make_app(book).run_test(size=SIZE) as pilot:
        await open_calendar(pilot)
        await pilot.press("]")
        await settle(pilot)
        assert rows(pilot)["2027-02-06"][4] == "computed"  # 正月初一 by the rules, until published
        await pilot.press("[")
        await settle(pilot)
        await add_day(pilot, "2027-02-06", "春节")
        assert isinstance(pilot.app.screen, CalendarScreen)
        assert "2027" in text_of(pilot, "#calendar-head")  # the screen follows the new entry
        cells = rows(pilot)["2027-02-06"]
        assert cells[2] == "day off" and cells[3] == "春节" and cells[4] == "override"
        assert workdays.is_workday(day, book) is False
        assert workdays.list_overrides(book)[day].name == "春节"
        table = pilot.app.screen.query_one("#calendar-days", DataTable)
        assert table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value == "2027-02-06"

        await pilot.press("delete")
        await settle(pilot)
        assert rows(pilot)["2027-02-06"][4] == "computed"  # back to the computed day
        assert workdays.list_overrides(book) == {}
    book.close()


async def test_a_makeup_workday_can_be_entered(tmp_path) -> None:
    book = open_book(tmp_path / "book.db")
    async with make_app(book).run_test(size=SIZE) as pilot:
        await open_calendar(pilot)
        await pilot.press("a")
        await settle(pilot)
        await pilot.press(*"2027/2/20")
        dialog = pilot.app.screen
        dialog.query_one("#f-kind").value = "work"
        await pilot.press("enter")
        await settle(pilot)
        cells = rows(pilot)["2027-02-20"]
        assert cells[2] == "make-up workday" and cells[4] == "override"
        assert workdays.is_workday(dt.date(2027, 2, 20), book) is True
    book.close()


async def test_a_bad_date_is_named_and_changes_nothing(tmp_path) -> None:
    book = open_book(tmp_path / "book.db")
    async with make_app(book).run_test(size=SIZE) as pilot:
        await open_calendar(pilot)
        await add_day(pilot, "2027-02-30", "[bold]x")
        dialog = pilot.app.screen
        assert isinstance(dialog, FormDialog)
        error = str(dialog.query_one("#form-error", Static).render())
        assert "2027-02-30" in error
        assert dialog.focused is dialog.query_one("#f-date", Input)
        assert workdays.list_overrides(book) == {}
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(pilot.app.screen, CalendarScreen)
        assert {cells[4] for cells in rows(pilot).values()} == {"official schedule"}
    book.close()


async def test_only_overrides_can_be_removed(tmp_path) -> None:
    book = open_book(tmp_path / "book.db")
    async with make_app(book).run_test(size=SIZE) as pilot:
        await open_calendar(pilot)
        before = rows(pilot)
        await pilot.press("delete")
        await settle(pilot)
        assert rows(pilot) == before
        assert workdays.list_overrides(book) == {}
    book.close()


async def test_user_names_stay_literal_and_help_lists_the_keys(tmp_path) -> None:
    book = open_book(tmp_path / "book.db")
    workdays.set_override(book, "2026-12-31", False, "[bold]年终[/bold]")
    async with make_app(book).run_test(size=SIZE) as pilot:
        await open_calendar(pilot)
        assert rows(pilot)["2026-12-31"][3] == "[bold]年终[/bold]"
        await pilot.press("f1")
        await settle(pilot)
        assert isinstance(pilot.app.screen, HelpScreen)
        keys = str(pilot.app.screen.query_one("#help-keys", Static).render())
        assert "Working days and festivals" in keys and "Holidays" in keys and "Add day" in keys
    book.close()


async def test_command_palette_offers_the_screen(tmp_path) -> None:
    book = open_book(tmp_path / "book.db")
    async with make_app(book).run_test(size=SIZE) as pilot:
        await settle(pilot)
        titles = [c.title for c in pilot.app.get_system_commands(pilot.app.screen)]
        assert "Holidays" in titles
    book.close()
