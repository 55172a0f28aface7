"""Snapshots of every screen, in both languages, on a fixed book and a fixed day.

Regenerate after a deliberate change of look: `pytest tests/test_snapshots.py --snapshot-update`,
then read the report before committing.
"""

from __future__ import annotations

import pytest
from textual.pilot import Pilot

from memo.app import MemoApp
from memo.db import open_book

from .conftest import TODAY, fill_sample, settle

SIZE = (120, 35)
LANGS = ["zh", "en"]


@pytest.fixture
def sample_app(tmp_path, request):  # noqa: ANN001
    book = open_book(tmp_path / "book.db")
    ids = fill_sample(book)
    yield lambda lang: MemoApp(book, today=TODAY, lang=lang), ids
    book.close()


@pytest.mark.parametrize("lang", LANGS)
def test_today(snap_compare, sample_app, lang: str) -> None:
    make, _ = sample_app
    assert snap_compare(make(lang), terminal_size=SIZE, run_before=settle)


@pytest.mark.parametrize("lang", LANGS)
def test_today_empty(snap_compare, tmp_path, lang: str) -> None:
    book = open_book(tmp_path / "empty.db")
    assert snap_compare(MemoApp(book, today=TODAY, lang=lang), terminal_size=SIZE, run_before=settle)


@pytest.mark.parametrize("lang", LANGS)
def test_lookup(snap_compare, sample_app, lang: str) -> None:
    make, _ = sample_app

    async def type_digits(pilot: Pilot) -> None:
        await settle(pilot)
        await pilot.press("f3", *"8000")
        await settle(pilot)

    assert snap_compare(make(lang), terminal_size=SIZE, run_before=type_digits)


@pytest.mark.parametrize("lang", LANGS)
def test_card(snap_compare, sample_app, lang: str) -> None:
    make, ids = sample_app

    async def open_card(pilot: Pilot) -> None:
        await settle(pilot)
        pilot.app.open_client(ids["zhang"])
        await settle(pilot)

    assert snap_compare(make(lang), terminal_size=SIZE, run_before=open_card)


@pytest.mark.parametrize("lang", LANGS)
def test_card_editing(snap_compare, sample_app, lang: str) -> None:
    make, ids = sample_app

    async def edit(pilot: Pilot) -> None:
        await settle(pilot)
        pilot.app.open_client(ids["wang"])
        await settle(pilot)
        await pilot.press("e")
        await settle(pilot)

    assert snap_compare(make(lang), terminal_size=SIZE, run_before=edit)


@pytest.mark.parametrize("lang", LANGS)
def test_jot(snap_compare, sample_app, lang: str) -> None:
    make, _ = sample_app

    async def jot(pilot: Pilot) -> None:
        await settle(pilot)
        await pilot.press("f2", *"zs")
        await settle(pilot)

    assert snap_compare(make(lang), terminal_size=SIZE, run_before=jot)


@pytest.mark.parametrize("lang", LANGS)
def test_jot_filled(snap_compare, sample_app, lang: str) -> None:
    make, _ = sample_app

    async def jot(pilot: Pilot) -> None:
        await settle(pilot)
        await pilot.press("f2", *"13700001111", "enter", *"USD 20,000 cash", "tab", *"12/5")
        await settle(pilot)

    assert snap_compare(make(lang), terminal_size=SIZE, run_before=jot)


@pytest.mark.parametrize("lang", LANGS)
def test_resolve_dialog(snap_compare, sample_app, lang: str) -> None:
    make, _ = sample_app

    async def resolve(pilot: Pilot) -> None:
        await settle(pilot)
        await pilot.press("d", *"called back")

    assert snap_compare(make(lang), terminal_size=SIZE, run_before=resolve)


@pytest.mark.parametrize("lang", LANGS)
def test_help(snap_compare, sample_app, lang: str) -> None:
    make, _ = sample_app

    async def help_(pilot: Pilot) -> None:
        await settle(pilot)
        await pilot.press("f1")
        await settle(pilot)

    assert snap_compare(make(lang), terminal_size=SIZE, run_before=help_)


@pytest.mark.parametrize("lang", LANGS)
def test_calendar(snap_compare, sample_app, lang: str) -> None:
    make, _ = sample_app

    async def calendar(pilot: Pilot) -> None:
        await settle(pilot)
        await pilot.press("f8")
        await settle(pilot)

    assert snap_compare(make(lang), terminal_size=SIZE, run_before=calendar)
