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


def fill_today(book, ids: dict[str, int]) -> None:  # noqa: ANN001
    """More reasons for the today list: maturities, a key date, a crossed line, do-not-call."""
    from memo import money, ops

    money.add_deposit(book, ids["wang"], "80万", "2025-12-03", term="1y", today=TODAY)
    money.add_deposit(book, ids["li"], "300万", "2026-06-01", term="6m", rollover=True, today=TODAY)
    money.add_keydate(book, ids["ouyang"], "饭店开业", "2019-11-29")
    h = money.add_holding(book, ids["li"], "稳健理财A", "50万", "1.0000", "2026-05-01", take_profit="5")
    money.price_holding(book, h.id, "1.0620", on="2026-11-27")
    zhao = ops.add_client(book, "赵敏", ["13600001111"], tier="钻石", birthday="1980-12-01")
    ops.edit_client(book, zhao.id, do_not_call=True)


@pytest.mark.parametrize("lang", LANGS)
def test_today_with_every_kind_of_reason(snap_compare, sample_app, lang: str) -> None:
    make, ids = sample_app

    async def more(pilot: Pilot) -> None:
        await settle(pilot)
        fill_today(pilot.app.book, ids)
        pilot.app.book_changed()
        await settle(pilot)

    assert snap_compare(make(lang), terminal_size=SIZE, run_before=more)


@pytest.mark.parametrize("lang", LANGS)
def test_today_progress_and_call_dialog(snap_compare, sample_app, lang: str) -> None:
    make, ids = sample_app

    async def morning(pilot: Pilot) -> None:
        await settle(pilot)
        await pilot.press("c", "enter")  # reached
        await settle(pilot)
        await pilot.press("n")  # the next one: no answer
        await settle(pilot)
        await pilot.press("c")  # the dialog, over the list with its progress
        await settle(pilot)

    assert snap_compare(make(lang), terminal_size=SIZE, run_before=morning)


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
    make, ids = sample_app

    async def resolve(pilot: Pilot) -> None:
        await settle(pilot)
        pilot.app.open_client(ids["zhang"])
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
