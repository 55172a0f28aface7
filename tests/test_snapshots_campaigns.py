"""Snapshots of the campaigns screen (F9) and its invite dialog, in both languages, on a fixed book
and a fixed day.

Regenerate after a deliberate change of look:
`pytest tests/test_snapshots_campaigns.py --snapshot-update`, then read the report.
"""

from __future__ import annotations

import datetime as dt

import pytest
from textual.pilot import Pilot

from memo import campaigns
from memo.app import MemoApp
from memo.db import open_book

from .conftest import TODAY, at, fill_sample, settle

SIZE = (120, 35)
LANGS = ["zh", "en"]


def fill_campaigns(book, ids: dict[str, int]) -> None:  # noqa: ANN001
    """An event with every invitation status, a monthly breakfast, a past one and an undated idea."""
    from memo import targets

    targets.save_list(book, "到期大户", targets.build_filter(maturing=30, min_amount="20万"))
    fair = campaigns.add_campaign(book, "贵金属展销会", theme="金价走高，介绍实物金条和纪念币", method="launch",
                                  on="2026-12-05", cost="8000", list_name="到期大户", today=TODAY, now=at(1))
    campaigns.add_campaign(book, "理财早餐会", theme="年末配置", method="salon", on="2026-10-31",
                           frequency="monthly", cost="1500", today=TODAY, now=at(1))
    campaigns.add_campaign(book, "国庆答谢短信", method="sms", on="2026-09-30", today=TODAY, now=at(1))
    campaigns.add_campaign(book, "[上门]拜访计划", method="visit", today=TODAY, now=at(1))
    invited = campaigns.invite(book, fair.id, [ids["zhang"], ids["li"], ids["wang"], ids["ouyang"]],
                               channel="phone", now=at(2))
    assert len(invited.added) == 4
    day = dt.date(2026, 11, 27)
    campaigns.set_status(book, fair.id, ids["li"], "accepted", note="带太太一起来", on=day, now=at(7))
    campaigns.set_status(book, fair.id, ids["wang"], "declined", note="那天出差", channel="sms", on=day, now=at(7))
    campaigns.set_status(book, fair.id, ids["ouyang"], "invited", channel="letter", on=day, now=at(7))


@pytest.fixture
def campaign_app(tmp_path):  # noqa: ANN001
    book = open_book(tmp_path / "book.db")
    ids = fill_sample(book)
    fill_campaigns(book, ids)
    yield lambda lang: MemoApp(book, today=TODAY, lang=lang)
    book.close()


async def _open(pilot: Pilot) -> None:
    await settle(pilot)
    await pilot.press("f9")
    await settle(pilot)
    await pilot.press("down")  # the event with every status
    await settle(pilot)


@pytest.mark.parametrize("lang", LANGS)
def test_campaigns(snap_compare, campaign_app, lang: str) -> None:
    assert snap_compare(campaign_app(lang), terminal_size=SIZE, run_before=_open)


@pytest.mark.parametrize("lang", LANGS)
def test_campaign_invite_dialog(snap_compare, campaign_app, lang: str) -> None:
    async def invite(pilot: Pilot) -> None:
        await _open(pilot)
        await pilot.press("i", *"zs")
        await settle(pilot)

    assert snap_compare(campaign_app(lang), terminal_size=SIZE, run_before=invite)
