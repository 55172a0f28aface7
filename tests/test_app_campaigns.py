"""The campaigns screen (F9) driven as the manager does it: plan an event, invite clients found
as you type, record each status with a note; the counts move and each status is one Contact."""

from __future__ import annotations

from sqlmodel import select
from textual.widgets import DataTable, Input, OptionList, Select, Static

from memo import campaigns
from memo.app import MemoApp
from memo.models import Contact
from memo.screens.campaigns import CampaignsScreen, InviteDialog
from memo.screens.card import ClientCardScreen
from memo.screens.form import FormDialog

from .conftest import TODAY, settle
from .test_app import SIZE, plain, wait_until

STATUSES = ("to_invite", "invited", "accepted", "attended", "declined")


def make_app(book, lang: str = "en") -> MemoApp:  # noqa: ANN001
    return MemoApp(book, today=TODAY, lang=lang)


def counts(table: DataTable, row: int = 0) -> dict[str, int]:
    cells = table.get_row_at(row)
    return {s: int(str(c)) for s, c in zip(STATUSES, cells[4:])}


def cells(table: DataTable) -> list[list[str]]:
    return [[str(c) for c in table.get_row_at(i)] for i in range(table.row_count)]


def campaign_contacts(book) -> list[Contact]:  # noqa: ANN001
    with book.read() as session:
        return list(session.exec(select(Contact).where(Contact.campaign_id.is_not(None)).order_by(Contact.id)))


async def open_campaigns(pilot) -> CampaignsScreen:  # noqa: ANN001
    await settle(pilot)
    await pilot.press("f9")
    await settle(pilot)
    screen = pilot.app.screen
    assert isinstance(screen, CampaignsScreen)
    return screen


async def test_plan_invite_and_record_statuses(sample) -> None:
    book, ids = sample
    async with make_app(book).run_test(size=SIZE) as pilot:
        screen = await open_campaigns(pilot)
        assert screen.query_one("#campaigns-empty").display
        assert "No campaigns yet" in plain(screen.query_one("#campaigns-empty", Static))
        # plan one
        await pilot.press("a")
        dialog = pilot.app.screen
        assert isinstance(dialog, FormDialog)
        await pilot.press(*"Gold fair")
        dialog.query_one("#f-theme", Input).value = "gold prices are up"
        dialog.query_one("#f-date", Input).value = "next saturday"
        dialog.query_one("#f-cost", Input).value = "5000"
        dialog.query_one("#f-method", Select).value = "launch"
        await pilot.press("enter")
        await settle(pilot)
        assert pilot.app.screen is screen
        table = screen.query_one("#campaign-list", DataTable)
        await wait_until(pilot, lambda: table.row_count == 1, "the campaign is listed")
        assert cells(table)[0][:4] == ["Gold fair", "2026-12-05", "launch", "one-off"]
        assert counts(table) == dict.fromkeys(STATUSES, 0)
        info = plain(screen.query_one("#campaign-info", Static))
        assert "Theme: gold prices are up" in info and "Cost estimate: ¥5,000.00" in info
        assert "Nobody on the list yet" in plain(screen.query_one("#invitations-empty", Static))

        # invite: found as you type, Enter adds, the box is ready for the next
        await pilot.press("i")
        invite = pilot.app.screen
        assert isinstance(invite, InviteDialog)
        await pilot.press(*"13800138000")
        await settle(pilot)
        hits = invite.query_one("#invite-hits", OptionList)
        await wait_until(pilot, lambda: hits.option_count > 0, "hits for the number")
        await pilot.press("enter")
        await settle(pilot)
        await wait_until(pilot, lambda: "Added: 张三" in plain(invite.query_one("#invite-status", Static)), "added")
        assert invite.query_one("#invite-who", Input).value == ""
        await pilot.press(*"李四")
        await settle(pilot)
        await wait_until(pilot, lambda: hits.option_count > 0, "hits for 李四")
        await pilot.press("enter")
        await settle(pilot)
        await wait_until(pilot, lambda: "Added: 李四" in plain(invite.query_one("#invite-status", Static)), "added")
        await pilot.press(*"zs")
        await settle(pilot)
        await wait_until(pilot, lambda: hits.option_count > 0, "hits for zs")
        await pilot.press("enter")  # twice: already on the list
        await settle(pilot)
        await wait_until(pilot, lambda: "already" in plain(invite.query_one("#invite-status", Static)), "already")
        await pilot.press("escape")
        await settle(pilot)
        assert pilot.app.screen is screen
        await wait_until(pilot, lambda: counts(table)["to_invite"] == 2, "two to invite")
        invitations = screen.query_one("#invitations", DataTable)
        assert [row[0] for row in cells(invitations)] == ["张三", "李四"]
        assert cells(invitations)[0][1:4] == ["138 0013 8000", "phone", "to invite"]

        # record statuses: the dialog offers the next step; Enter in the note saves it
        invitations.focus()
        invitations.move_cursor(row=0)
        await pilot.press("s")
        dialog = pilot.app.screen
        assert isinstance(dialog, FormDialog)
        assert dialog.query_one("#f-status", Select).value == "invited"
        await pilot.press(*"will think about it", "enter")
        await settle(pilot)
        await wait_until(pilot, lambda: counts(table)["invited"] == 1, "one invited")
        await pilot.press("s", "enter")  # accepted
        await settle(pilot)
        await wait_until(pilot, lambda: counts(table)["accepted"] == 1, "one accepted")
        invitations.move_cursor(row=1)
        await pilot.press("s")
        pilot.app.screen.query_one("#f-status", Select).value = "declined"
        pilot.app.screen.query_one("#f-note", Input).value = "travelling"
        await pilot.press("enter")
        await settle(pilot)
        await wait_until(pilot, lambda: counts(table)["declined"] == 1, "one declined")
        assert counts(table) == {"to_invite": 0, "invited": 0, "accepted": 1, "attended": 0, "declined": 1}
        assert [row[3:] for row in cells(invitations)] == [["accepted", "will think about it"],
                                                           ["declined", "travelling"]]
        assert invitations.cursor_row == 1  # stays on the row just recorded
        info = plain(screen.query_one("#campaign-info", Static))
        assert "2 on the list" in info

        # Enter opens the client's card; Esc comes back
        invitations.move_cursor(row=0)
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(pilot.app.screen, ClientCardScreen) and pilot.app.screen.client_id == ids["zhang"]
        await pilot.press("escape")
        await settle(pilot)
        assert pilot.app.screen is screen
        await pilot.press("escape")  # from the invitations back to the campaigns
        assert screen.query_one("#campaign-list", DataTable).has_focus
        await pilot.press("escape")
        await settle(pilot)
        assert not isinstance(pilot.app.screen, CampaignsScreen)

    got = campaign_contacts(book)
    assert [(c.client_id, c.outcome, c.note) for c in got] == [
        (ids["zhang"], "reached", "will think about it"), (ids["zhang"], "reached", ""),
        (ids["li"], "declined", "travelling")]
    assert all(c.at.date() == TODAY and c.reasons == "campaign" for c in got)


async def test_a_bad_plan_is_refused_in_place(sample) -> None:
    book, _ = sample
    async with make_app(book).run_test(size=SIZE) as pilot:
        screen = await open_campaigns(pilot)
        await pilot.press("a", *"Salon")
        dialog = pilot.app.screen
        dialog.query_one("#f-cost", Input).value = "lots"
        await pilot.press("enter")
        await settle(pilot)
        assert pilot.app.screen is dialog
        assert "Can't read the amount" in plain(dialog.query_one("#form-error", Static))
        dialog.query_one("#f-cost", Input).value = ""
        dialog.query_one("#f-frequency", Select).value = "weekly"
        await pilot.press("enter")
        await settle(pilot)
        assert "needs the date" in plain(dialog.query_one("#form-error", Static))
        await pilot.press("escape")
        await settle(pilot)
        assert pilot.app.screen is screen
    assert campaigns.list_campaigns(book, TODAY) == []


async def test_edit_then_invite_the_saved_target_list(sample) -> None:
    from memo import targets

    book, ids = sample
    targets.save_list(book, "top tiers", targets.build_filter(tiers=["私行", "白金"]))
    view = campaigns.add_campaign(book, "Gold fair", on="2026-12-05", today=TODAY)
    async with make_app(book).run_test(size=SIZE) as pilot:
        screen = await open_campaigns(pilot)
        await pilot.press("e")
        dialog = pilot.app.screen
        assert dialog.query_one("#f-name", Input).value == "Gold fair"
        dialog.query_one("#f-results", Input).value = "sold 300k of gold"
        dialog.query_one("#f-list", Input).value = "nope"
        await pilot.press("enter")
        await settle(pilot)
        assert "No saved target list named “nope”" in plain(dialog.query_one("#form-error", Static))
        dialog.query_one("#f-list", Input).value = "top tiers"
        await pilot.press("enter")
        await settle(pilot)
        await wait_until(pilot, lambda: "Results: sold 300k" in plain(screen.query_one("#campaign-info", Static)),
                         "results shown")
        assert "Target list: top tiers" in plain(screen.query_one("#campaign-info", Static))
        # the list is offered in the invite dialog; its members come in at once
        await pilot.press("i")
        invite = pilot.app.screen
        assert invite.query_one("#invite-list", Input).value == "top tiers"
        await pilot.click("#invite-list-add")
        await settle(pilot)
        await wait_until(pilot, lambda: "Added 2" in plain(invite.query_one("#invite-status", Static)), "added")
        invite.query_one("#invite-list", Input).value = "nope"
        await pilot.click("#invite-list-add")
        await settle(pilot)
        assert "No saved target list named “nope”" in plain(invite.query_one("#invite-error", Static))
        await pilot.press("escape")
        await settle(pilot)
        invitations = screen.query_one("#invitations", DataTable)
        await wait_until(pilot, lambda: invitations.row_count == 2, "two invited")
        assert sorted(r[0] for r in cells(invitations)) == sorted(["李四", "王芳"])
    assert campaigns.get_campaign(book, view.id, TODAY).campaign.counts["to_invite"] == 2
    assert ids


async def test_hostile_names_show_literally_and_privacy_masks(sample) -> None:
    book, ids = sample
    view = campaigns.add_campaign(book, "[bold]x[/oops] \x1b[31m红", theme="call 13800138000", today=TODAY)
    campaigns.set_status(book, view.id, ids["zhang"], "accepted", note="wife: 13912345678", on=TODAY)
    async with make_app(book).run_test(size=SIZE) as pilot:
        screen = await open_campaigns(pilot)
        table = screen.query_one("#campaign-list", DataTable)
        assert cells(table)[0][0] == "[bold]x[/oops] ␛[31m红"
        assert plain(screen.query_one("#campaign-name", Static)) == "[bold]x[/oops] ␛[31m红"
        await pilot.press("f6")
        await settle(pilot)
        invitations = screen.query_one("#invitations", DataTable)
        await wait_until(pilot, lambda: cells(invitations)[0][1] == "138****8000", "phone masked")
        assert cells(invitations)[0][4] == "wife: 139****5678"
        assert "call 138****8000" in plain(screen.query_one("#campaign-info", Static))


async def test_campaign_counts_follow_changes_made_elsewhere(sample) -> None:
    book, ids = sample
    view = campaigns.add_campaign(book, "Gold fair", on="2026-12-05", today=TODAY)
    async with make_app(book).run_test(size=SIZE) as pilot:
        screen = await open_campaigns(pilot)
        table = screen.query_one("#campaign-list", DataTable)
        campaigns.invite(book, view.id, [ids["wang"], ids["ouyang"]])
        campaigns.set_status(book, view.id, ids["wang"], "attended", on=TODAY)
        pilot.app.book_changed()
        await settle(pilot)
        await wait_until(pilot, lambda: counts(table)["attended"] == 1, "counts follow")
        assert counts(table)["to_invite"] == 1
        assert screen.query_one("#invitations", DataTable).row_count == 2


async def test_moving_between_campaigns_shows_each_ones_invitations(sample) -> None:
    book, ids = sample
    fair = campaigns.add_campaign(book, "Gold fair", on="2026-12-05", today=TODAY)
    talk = campaigns.add_campaign(book, "Pension talk", on="2026-12-10", today=TODAY)
    campaigns.invite(book, fair.id, [ids["zhang"], ids["li"], ids["wang"]])
    campaigns.invite(book, talk.id, [ids["ouyang"]])
    async with make_app(book).run_test(size=SIZE) as pilot:
        screen = await open_campaigns(pilot)
        table = screen.query_one("#campaign-list", DataTable)
        invitations = screen.query_one("#invitations", DataTable)
        assert [row[0] for row in cells(table)] == ["Gold fair", "Pension talk"]
        invitations.move_cursor(row=2)
        await pilot.press("down")
        await settle(pilot)
        await wait_until(pilot, lambda: [r[0] for r in cells(invitations)] == ["欧阳娜娜"], "the talk's list")
        assert plain(screen.query_one("#campaign-name", Static)) == "Pension talk"
        await pilot.press("up")
        await settle(pilot)
        await wait_until(pilot, lambda: invitations.row_count == 3, "the fair's list")
        assert invitations.cursor_row == 0
