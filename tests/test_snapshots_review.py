"""Snapshots of the review screen, in both languages, on a fixed book and a fixed day (2026-11-29).

Regenerate after a deliberate change of look: `pytest tests/test_snapshots_review.py --snapshot-update`,
then read the report before committing.
"""

from __future__ import annotations

import pytest
from textual.pilot import Pilot

from memo.app import MemoApp
from memo.db import open_book

from .conftest import TODAY, fill_sample, settle
from .test_review import fill_review

SIZE = (120, 35)
LANGS = ["zh", "en"]


@pytest.fixture
def review_app(tmp_path):  # noqa: ANN001
    book = open_book(tmp_path / "book.db")
    ids = fill_sample(book)
    fill_review(book, ids)
    yield lambda lang: MemoApp(book, today=TODAY, lang=lang)
    book.close()


def opened(*keys: str, privacy: bool = False):  # noqa: ANN201
    async def run_before(pilot: Pilot) -> None:
        await settle(pilot)
        await pilot.press("f10")
        await settle(pilot)
        for key in keys:
            await pilot.press(key)
            await settle(pilot)
        if privacy:
            pilot.app.privacy = True  # as F6 does, without its toast over the tables
            await settle(pilot)

    return run_before


@pytest.mark.parametrize("lang", LANGS)
def test_review_this_week(snap_compare, review_app, lang: str) -> None:
    assert snap_compare(review_app(lang), terminal_size=SIZE, run_before=opened())


@pytest.mark.parametrize("lang", LANGS)
def test_review_this_month_in_privacy_mode(snap_compare, review_app, lang: str) -> None:
    assert snap_compare(review_app(lang), terminal_size=SIZE, run_before=opened("m", privacy=True))


@pytest.mark.parametrize("lang", LANGS)
def test_review_range_dialog(snap_compare, review_app, lang: str) -> None:
    assert snap_compare(review_app(lang), terminal_size=SIZE, run_before=opened("r"))
