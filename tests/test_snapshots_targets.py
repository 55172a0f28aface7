"""Snapshots of the Targets screen, in both languages, on the hand-built book of test_targets and a
fixed day: a typed filter with its list, a box that reads wrong over an empty list, the save
dialog. Regenerate after a deliberate change of look:
`pytest tests/test_snapshots_targets.py --snapshot-update`, then read the report."""

from __future__ import annotations

import pytest
from textual.pilot import Pilot

from memo.app import MemoApp
from memo.db import open_book

from .conftest import settle
from .test_app_targets import open_targets
from .test_app_targets import shown as caught_up
from .test_targets import DAY, fill

SIZE = (120, 35)
LANGS = ["zh", "en"]


@pytest.fixture
def targets_app(tmp_path):  # noqa: ANN001, ANN201
    book = open_book(tmp_path / "book.db")
    fill(book)
    yield lambda lang: MemoApp(book, today=DAY, lang=lang)
    book.close()


async def open_with(pilot: Pilot, *keys: str) -> None:
    await open_targets(pilot)
    await pilot.press(*keys)
    await caught_up(pilot)


@pytest.mark.parametrize("lang", LANGS)
def test_targets_maturing_within_30_days(snap_compare, targets_app, lang: str) -> None:
    async def typed(pilot: Pilot) -> None:
        await open_with(pilot, "3", "2")
        pilot.app.screen.query_one("#targets-table").focus()
        await settle(pilot)

    assert snap_compare(targets_app(lang), terminal_size=SIZE, run_before=typed)


@pytest.mark.parametrize("lang", LANGS)
def test_targets_a_box_that_reads_wrong_and_nobody_matching(snap_compare, targets_app, lang: str) -> None:
    async def typed(pilot: Pilot) -> None:
        await open_with(pilot, "3", "0")
        pilot.app.screen.query_one("#t-tier-regular").value = True
        await caught_up(pilot)
        box = pilot.app.screen.query_one("#t-birthday_month")
        box.focus()
        box.value = "13"  # at once: "1" then "3" would show month 1's list if the typing paused
        await caught_up(pilot)

    assert snap_compare(targets_app(lang), terminal_size=SIZE, run_before=typed)


@pytest.mark.parametrize("lang", LANGS)
def test_targets_save_dialog(snap_compare, targets_app, lang: str) -> None:
    async def save(pilot: Pilot) -> None:
        await open_with(pilot, "3", "0")
        pilot.app.screen.query_one("#t-no_rollover").value = True
        await caught_up(pilot)
        await pilot.press("ctrl+s")
        await settle(pilot)
        await pilot.press(*"due soon")
        await settle(pilot)

    assert snap_compare(targets_app(lang), terminal_size=SIZE, run_before=save)
