"""Pilot tests: the real app driven through whole stories of the lobby manager's day."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from textual.pilot import Pilot
from textual.widgets import DataTable, Input, OptionList, Static

from memo import ops
from memo.app import MemoApp
from memo.db import open_book
from memo.screens.card import ClientCardScreen
from memo.screens.help import HelpScreen
from memo.drafts import draft_path, load_draft
from memo.screens.jot import JotDialog
from memo.screens.lookup import LookupScreen
from memo.screens.today import TodayScreen

from .conftest import TODAY, fill_sample, settle

SIZE = (120, 35)


async def wait_until(pilot: Pilot, condition: Callable[[], bool], what: str, tries: int = 200) -> None:
    for _ in range(tries):
        if condition():
            return
        await pilot.pause(0.02)
    raise AssertionError(f"never happened: {what}")


def plain(widget: Static) -> str:
    return str(widget.render())


def options(widget: OptionList) -> list[str]:
    return [str(widget.get_option_at_index(i).prompt) for i in range(widget.option_count)]


def make_app(book, lang: str = "en") -> MemoApp:  # noqa: ANN001
    return MemoApp(book, today=TODAY, lang=lang)


async def open_card(pilot: Pilot, client_id: int, *keys: str) -> ClientCardScreen:
    """The client's card, loaded, after pressing `keys` on it."""
    pilot.app.open_client(client_id)
    await settle(pilot)
    await pilot.press(*keys)
    assert isinstance(pilot.app.screen, ClientCardScreen)
    return pilot.app.screen


async def test_jot_from_today_with_a_new_phone_makes_a_stub_client(sample) -> None:
    book, _ = sample
    async with make_app(book).run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("f2")
        assert isinstance(pilot.app.screen, JotDialog)
        await pilot.press(*"13700001111")
        await settle(pilot)
        assert "a client will be made" in plain(pilot.app.screen.query_one("#who-status", Static))
        await pilot.press("enter")  # no suggestion: on to "what"
        assert pilot.app.focused.id == "what"
        await pilot.press(*"wants USD cash", "tab", *"tomorrow")
        preview = plain(pilot.app.screen.query_one("#when-preview", Static))
        assert "2026-11-30" in preview
        await pilot.press("enter")
        await wait_until(pilot, lambda: isinstance(pilot.app.screen, TodayScreen), "dialog closed")
    hits = ops.find(book, "1111")
    assert [h.name for h in hits] == [""] and hits[0].phones == ["13700001111"]
    card = ops.show(book, hits[0].id)
    assert card.is_stub
    assert [(m.text, m.due.isoformat()) for m in card.open_memos] == [("wants USD cash", "2026-11-30")]
    assert load_draft(book) is None


async def test_find_by_last_four_open_card_and_resolve(sample) -> None:
    book, ids = sample
    async with make_app(book).run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("slash")
        assert isinstance(pilot.app.screen, LookupScreen)
        await pilot.press(*"8000")
        await settle(pilot)
        hits = pilot.app.screen.query_one("#hits", OptionList)
        names = options(hits)
        # Both numbers ending 8000 match: 张三's mobile and 欧阳娜娜's.
        assert sorted(n.split()[0] for n in names) == ["张三", "欧阳娜娜"]
        hits.highlighted = next(i for i, n in enumerate(names) if n.startswith("张三"))
        await pilot.press("enter")
        await settle(pilot)
        card = pilot.app.screen
        assert isinstance(card, ClientCardScreen) and card.client_id == ids["zhang"]
        opened = options(card.query_one("#open", OptionList))
        assert opened[0].startswith("要2万美元现金") and opened[1].startswith("开存款证明")
        assert "138 0013 8000" in plain(card.query_one("#phones", Static))
        await pilot.press("d")
        await pilot.press(*"gave notice", "enter")
        await settle(pilot)
        await wait_until(pilot, lambda: len(options(card.query_one("#open", OptionList))) == 1,
                         "the resolved request left the open list")
        assert isinstance(pilot.app.screen, ClientCardScreen)
    memo = ops.get_memo(book, ids["usd"])
    assert memo.status == "done" and memo.resolution == "gave notice"


async def test_shared_family_number_finds_everyone_on_it(sample) -> None:
    book, ids = sample
    async with make_app(book, "zh").run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("f3", *"13912345678")
        await settle(pilot)
        names = options(pilot.app.screen.query_one("#hits", OptionList))
        assert len(names) == 2 and {"李四", "王芳"} == {n.split()[0] for n in names}


async def test_enter_on_today_opens_the_card_and_escape_returns(sample) -> None:
    book, ids = sample
    async with make_app(book).run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(pilot.app.screen, ClientCardScreen)
        assert pilot.app.screen.client_id == ids["zhang"]
        await pilot.press("escape")
        assert isinstance(pilot.app.screen, TodayScreen)


async def test_jot_for_a_known_client_by_name_suggestion(sample) -> None:
    book, ids = sample
    async with make_app(book).run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("f2", *"oynn")
        await settle(pilot)
        suggestions = options(pilot.app.screen.query_one("#who-hits", OptionList))
        assert suggestions and suggestions[0].startswith("欧阳娜娜")
        await pilot.press("enter", *"birthday gift", "enter")
        await wait_until(pilot, lambda: isinstance(pilot.app.screen, TodayScreen), "saved")
    card = ops.show(book, ids["ouyang"])
    assert [m.text for m in card.open_memos] == ["birthday gift"]


async def test_jot_rejects_bad_input_and_changes_nothing(sample) -> None:
    book, ids = sample
    before = ops.today(book, TODAY).open_count
    async with make_app(book).run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("f2", "tab", *"something", "tab", *"the 45th of never", "enter")
        await settle(pilot)
        dialog = pilot.app.screen
        assert isinstance(dialog, JotDialog)
        assert "the 45th of never" in plain(dialog.query_one("#jot-error", Static))
        assert pilot.app.focused.id == "when"
        # An ambiguous who: the candidates are offered.
        dialog.query_one("#when", Input).value = ""
        dialog.query_one("#who", Input).value = "8000"
        await settle(pilot)
        dialog.query_one("#who-hits").display = False
        dialog.client_id = None
        await pilot.press("enter")  # Enter in "when" saves
        await settle(pilot)
        assert isinstance(pilot.app.screen, JotDialog)
        assert "several clients" in plain(dialog.query_one("#jot-error", Static))
        await pilot.press("escape")
    assert ops.today(book, TODAY).open_count == before


async def test_a_draft_survives_the_app_being_killed(tmp_path) -> None:
    path = tmp_path / "book.db"
    book = open_book(path)
    fill_sample(book)
    async with make_app(book).run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("f2", *"13800138000")
        await settle(pilot)
        await pilot.press("enter", *"wants a safe deposit box")
        await wait_until(pilot, lambda: (load_draft(book) or {}).get("what")
                         == "wants a safe deposit box", "draft written")
        # No save, no cancel: the process just goes away.
    book.close()
    book = open_book(path)
    async with make_app(book).run_test(size=SIZE) as pilot:
        await settle(pilot)
        dialog = pilot.app.screen
        assert isinstance(dialog, JotDialog)
        assert dialog.query_one("#what", Input).value == "wants a safe deposit box"
        await pilot.press("enter")
        await wait_until(pilot, lambda: not isinstance(pilot.app.screen, JotDialog), "saved")
    card = ops.show(book, ops.resolve_client(book, "张三"))
    assert "wants a safe deposit box" in [m.text for m in card.open_memos]
    assert load_draft(book) is None
    book.close()


async def test_cancel_forgets_the_draft(sample) -> None:
    book, _ = sample
    async with make_app(book).run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("f2", "tab", *"half a thought")
        await wait_until(pilot, lambda: load_draft(book) is not None, "draft written")
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(pilot.app.screen, TodayScreen)
    assert load_draft(book) is None


async def test_edit_profile_in_place(sample) -> None:
    book, ids = sample
    async with make_app(book).run_test(size=SIZE) as pilot:
        await settle(pilot)
        card = await open_card(pilot, ids["ouyang"], "e")
        assert card.query_one("#profile-edit").display and not card.query_one("#profile-view").display
        birthday = card.query_one("#edit-birthday", Input)
        birthday.value = "13/45"
        await pilot.press("enter")
        await settle(pilot)
        assert "13/45" in plain(card.query_one("#edit-error", Static))
        birthday.value = "农历闰六月初一"
        card.query_one("#edit-tags", Input).value = "教师"
        await pilot.press("enter")
        await settle(pilot)
        await wait_until(pilot, lambda: card.query_one("#profile-view").display, "back to the view")
        assert "教师" in plain(card.query_one("#profile-view", Static))
    saved = ops.show(book, ids["ouyang"])
    assert saved.birthday.kind == "lunar" and saved.birthday.leap and saved.tags == ["教师"]


async def test_edit_form_shows_controls_as_pictures_and_keeps_them_stored(sample) -> None:
    """An imported name or profile with an escape sequence: the edit boxes show ␛, never send it to
    the terminal; a field saved as shown keeps its stored text exactly, an edited one takes the edit."""
    book, ids = sample
    name, profile = "王\x1b[5m五", "likes \x1b[41mRED\x1b[0m tea"
    ops.edit_client(book, ids["ouyang"], name=name, profile=profile)
    async with make_app(book).run_test(size=SIZE) as pilot:
        await settle(pilot)
        card = await open_card(pilot, ids["ouyang"], "e")
        shown = [card.query_one(f"#edit-{f}", Input).value for f in ("name", "profile")]
        assert shown == ["王␛[5m五", "likes ␛[41mRED␛[0m tea"] and not any("\x1b" in v for v in shown)
        card.query_one("#edit-tags", Input).value = "教师"
        await pilot.press("enter")
        await settle(pilot)
        await wait_until(pilot, lambda: card.query_one("#profile-view").display, "back to the view")
    saved = ops.show(book, ids["ouyang"])
    assert (saved.name, saved.profile, saved.tags) == (name, profile, ["教师"])


async def test_a_form_shows_controls_as_pictures_and_saves_untouched_fields_exactly() -> None:
    """Every form dialog (campaigns, calendar...): the same rule as the card's edit form."""
    from textual.app import App

    from memo.screens.form import Field, FormDialog

    saved: list[dict] = []
    fields = [Field("name", "Name", "王\x1b[5m五"), Field("theme", "Theme", "a\x1b]0;x\x07b")]

    class Host(App):
        def on_mount(self) -> None:
            self.push_screen(FormDialog("form", fields, lambda values: saved.append(values) or True))

    async with Host().run_test(size=SIZE) as pilot:
        await pilot.pause()
        dialog = pilot.app.screen
        assert [box.value for box in dialog.query(Input)] == ["王␛[5m五", "a␛]0;x␇b"]
        dialog.query_one("#f-theme", Input).value = "new theme"
        await pilot.press("enter")
        await wait_until(pilot, lambda: bool(saved), "saved")
    assert saved == [{"name": "王\x1b[5m五", "theme": "new theme"}]


async def test_add_phone_from_the_card(sample) -> None:
    book, ids = sample
    async with make_app(book).run_test(size=SIZE) as pilot:
        await settle(pilot)
        pilot.app.open_client(ids["ouyang"])
        await settle(pilot)
        await pilot.press("p", *"12345", "enter")
        await settle(pilot)
        assert "not a phone number" in plain(pilot.app.screen.query_one("#form-error", Static))
        pilot.app.screen.query_one("#f-phone", Input).value = "0371-6512 3456"
        await pilot.press("tab", *"office", "enter")
        await settle(pilot)
        await wait_until(pilot, lambda: isinstance(pilot.app.screen, ClientCardScreen), "dialog closed")
        await settle(pilot)
        assert "0371-6512 3456" in plain(pilot.app.screen.query_one("#phones", Static))
    assert [p.number for p in ops.show(book, ids["ouyang"]).phones] == ["15000008000", "037165123456"]


@pytest.mark.parametrize("name", ["[/oops]", "[bold]x", "\x1b[31mred\x1b[0m", "[link=x]y[/link]", "a\u202eb"])
async def test_hostile_names_show_literally(book, name: str) -> None:
    client = ops.add_client(book, name, ["13500000001"])
    ops.jot(book, f"{name} wants [b]cash[/b]", client.id, due=TODAY)
    async with make_app(book).run_test(size=SIZE) as pilot:
        await settle(pilot)
        row = [str(c) for c in pilot.app.screen.query_one("#due", DataTable).get_row_at(0)]
        expected = name.replace("\x1b", "\u241b")
        assert row[2].startswith(expected[:9]) and row[4].startswith(f"request {expected} wants [b]cash[/b]")
        assert plain(pilot.app.screen.query_one("#why-who", Static)).startswith(expected)
        await pilot.press("enter")
        await settle(pilot)
        assert expected in plain(pilot.app.screen.query_one("#card-head", Static))
        await pilot.press("f3", *"0001")
        await settle(pilot)
        assert expected in options(pilot.app.screen.query_one("#hits", OptionList))[0]


async def test_privacy_mode_masks_numbers(sample) -> None:
    book, _ = sample
    async with make_app(book).run_test(size=SIZE) as pilot:
        await settle(pilot)
        table = pilot.app.screen.query_one("#due", DataTable)
        assert str(table.get_row_at(0)[3]) == "138 0013 8000"
        await pilot.press("f6")
        await settle(pilot)
        assert str(table.get_row_at(0)[3]) == "138****8000"


async def test_help_lists_the_keys(sample) -> None:
    book, _ = sample
    async with make_app(book).run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("f1")
        assert isinstance(pilot.app.screen, HelpScreen)
        keys = plain(pilot.app.screen.query_one("#help-keys", Static))
        for word in ("f2", "Jot", "Find", "Resolve", "Edit profile"):
            assert word in keys
        await pilot.press("escape")
        assert isinstance(pilot.app.screen, TodayScreen)


async def test_command_palette_offers_the_main_actions(sample) -> None:
    book, _ = sample
    async with make_app(book).run_test(size=SIZE) as pilot:
        await settle(pilot)
        titles = [c.title for c in pilot.app.get_system_commands(pilot.app.screen)]
        assert titles[:5] == ["Jot", "Find", "Today", "Privacy", "Help"]


async def test_lookup_pages_through_many_hits(book) -> None:
    for i in range(130):
        ops.add_client(book, f"客户{i:03d}", [f"1380000{i:04d}"])
    async with make_app(book).run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("f3", *"13800")
        await settle(pilot)
        hits = pilot.app.screen.query_one("#hits", OptionList)
        assert hits.option_count == 50
        hits.focus()
        await pilot.press("end")
        await settle(pilot)
        await wait_until(pilot, lambda: hits.option_count == 100, "second page loaded")
        await pilot.press("end")
        await settle(pilot)
        await wait_until(pilot, lambda: hits.option_count == 130, "last page loaded")


async def test_card_money_add_a_deposit_close_it_and_price_a_holding(sample) -> None:
    """The seed's first story: a deposit noted with its maturity, then dealt with on the card."""
    from memo import money

    book, ids = sample
    async with make_app(book).run_test(size=SIZE) as pilot:
        await settle(pilot)
        pilot.app.open_client(ids["zhang"])
        await settle(pilot)
        card = pilot.app.screen
        assert "No deposits" in options(card.query_one("#deposits", OptionList))[0]
        await pilot.press("m")
        await settle(pilot)
        form = pilot.app.screen
        form.query_one("#f-amount", Input).value = "30万"
        form.query_one("#f-start", Input).value = "2025-12-03"
        form.query_one("#f-term", Input).value = "1y"
        form.query_one("#f-rate", Input).value = "abc"
        await pilot.press("enter")
        await settle(pilot)
        assert pilot.app.screen is form and "abc" in plain(form.query_one("#form-error", Static))
        form.query_one("#f-rate", Input).value = "1.45"
        await pilot.press("enter")
        await wait_until(pilot, lambda: pilot.app.screen is card, "form closed")
        await settle(pilot)
        line = options(card.query_one("#deposits", OptionList))[0]
        assert "¥300,000.00" in line and "2026-12-03" in line and "in 4d" in line
        # Close it as withdrawn.
        card.query_one("#deposits", OptionList).focus()
        await pilot.press("c")
        await settle(pilot)
        await pilot.press("enter")
        await wait_until(pilot, lambda: pilot.app.screen is card, "close form closed")
        await settle(pilot)
        assert "closed (withdrawn)" in options(card.query_one("#deposits", OptionList))[0]
        # A holding whose price crosses its take-profit line.
        await pilot.press("h")
        await settle(pilot)
        form = pilot.app.screen
        form.query_one("#f-product", Input).value = "稳健理财A"
        form.query_one("#f-amount", Input).value = "200000"
        form.query_one("#f-price", Input).value = "1.0000"
        form.query_one("#f-take_profit", Input).value = "5"
        await pilot.press("enter")
        await wait_until(pilot, lambda: pilot.app.screen is card, "holding form closed")
        await settle(pilot)
        card.query_one("#holdings", OptionList).focus()
        await pilot.press("u")
        await settle(pilot)
        pilot.app.screen.query_one("#f-price", Input).value = "1.0600"
        await pilot.press("enter")
        await wait_until(pilot, lambda: pilot.app.screen is card, "price form closed")
        await settle(pilot)
        line = options(card.query_one("#holdings", OptionList))[0]
        assert "稳健理财A" in line and "+6.00%" in line and "take-profit reached" in line
    deposits = money.list_deposits(book, ids["zhang"], TODAY)
    assert [(d.amount_fen, d.status, d.rate) for d in deposits] == [(30_000_000, "withdrawn", "1.45")]


async def test_card_key_date_and_lunar_birthday(sample) -> None:
    """The seed's restaurant story: the opening day is remembered, and so is the birthday."""
    book, ids = sample
    async with make_app(book).run_test(size=SIZE) as pilot:
        await settle(pilot)
        pilot.app.open_client(ids["wang"])
        await settle(pilot)
        card = pilot.app.screen
        dates = options(card.query_one("#dates", OptionList))
        # 王芳: lunar 8/15; in 2027 Mid-Autumn falls on 2027-09-15.
        assert dates[0].startswith("Birthday") and "2027-09-15" in dates[0]
        await pilot.press("k")
        await settle(pilot)
        form = pilot.app.screen
        form.query_one("#f-label", Input).value = "饭店开业"
        form.query_one("#f-when", Input).value = "2024-12-05"
        await pilot.press("enter")
        await wait_until(pilot, lambda: pilot.app.screen is card, "form closed")
        await settle(pilot)
        dates = options(card.query_one("#dates", OptionList))
        assert dates[0].startswith("饭店开业") and "2026-12-05" in dates[0] and "in 6 days" in dates[0]


async def test_f2_on_a_card_jots_for_that_client(sample) -> None:
    book, ids = sample
    async with make_app(book).run_test(size=SIZE) as pilot:
        await settle(pilot)
        pilot.app.open_client(ids["li"])
        await settle(pilot)
        await pilot.press("f2")
        await settle(pilot)
        dialog = pilot.app.screen
        assert isinstance(dialog, JotDialog) and dialog.client_id == ids["li"]
        assert dialog.query_one("#who", Input).value == "李四"
        await pilot.press(*"safe box", "enter")
        await wait_until(pilot, lambda: isinstance(pilot.app.screen, ClientCardScreen), "saved")
    assert "safe box" in [m.text for m in ops.show(book, ids["li"]).open_memos]


async def test_typing_a_draft_writes_no_row_and_reloads_nothing(sample) -> None:
    """The draft lives in an owner-only file beside the book, not in the book."""
    book, _ = sample
    async with make_app(book).run_test(size=SIZE) as pilot:
        await settle(pilot)
        loads = []
        today = pilot.app.screen_stack[1]
        original = today.reload
        today.reload = lambda: (loads.append(1), original())
        await pilot.press("f2", "tab", *"half a thought")
        await wait_until(pilot, lambda: load_draft(book) is not None, "draft written")
        assert oct(draft_path(book).stat().st_mode & 0o777) == "0o600"
        assert ops.get_setting(book, "jot_draft") is None
        pilot.app._check_book()  # the watcher's look at the book: it sees no change to reload for
        await settle(pilot)
        assert loads == []
        await pilot.press("escape")
        await settle(pilot)
    assert not draft_path(book).exists()


async def test_the_command_palette_speaks_the_apps_language(sample) -> None:
    """Textual's own palette commands, its search box and its key's name, in Chinese too."""
    from textual.command import CommandPalette

    from memo.app import _TEXTUAL_COMMANDS
    from memo.i18n import t

    book, _ = sample
    async with MemoApp(book, today=TODAY, lang="zh").run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert pilot.app.screen.active_bindings["ctrl+p"].binding.description == "命令"  # F1 lists it
        commands = list(pilot.app.get_system_commands(pilot.app.screen))
        titles = {c.title for c in commands}
        assert {"配色", "退出", "截图"} <= titles and not titles & {"Theme", "Quit", "Keys", "Screenshot"}
        # every Textual command this Textual has is one the catalog knows (its words may change)
        from textual.app import App

        theirs = {c.help for c in App.get_system_commands(pilot.app, pilot.app.screen)}
        assert theirs <= set(_TEXTUAL_COMMANDS) and all(t(k) for k in _TEXTUAL_COMMANDS.values())
        await pilot.press("ctrl+p")
        await settle(pilot)
        assert isinstance(pilot.app.screen, CommandPalette)
        assert pilot.app.screen.query_one("CommandInput").placeholder == "搜索命令……"


async def test_the_card_says_a_client_is_snoozed_and_why(sample) -> None:
    import datetime as dt

    from memo import calls

    book, ids = sample
    calls.snooze(book, ids["li"], TODAY + dt.timedelta(days=3), note="[bold]出差，13912345678 下周再打", on=TODAY)
    calls.snooze(book, ids["wang"], TODAY + dt.timedelta(days=1), note="over", on=TODAY - dt.timedelta(days=5))
    async with make_app(book).run_test(size=SIZE) as pilot:
        await settle(pilot)
        card = await open_card(pilot, ids["li"])
        head = str(card.query_one("#card-head", Static).render())
        profile = str(card.query_one("#profile-view", Static).render())
        assert f"Snoozed until {TODAY + dt.timedelta(days=3)}" in head
        assert "Snoozed because: [bold]出差，13912345678 下周再打" in profile  # the note, as written
        await pilot.press("f6")  # privacy mode: the number inside the note is masked too
        await settle(pilot)
        assert "139****5678" in str(card.query_one("#profile-view", Static).render())
        await pilot.press("escape")
        never = await open_card(pilot, ids["zhang"])
        assert "Snoozed" not in str(never.query_one("#card-head", Static).render())
    assert ops.show(book, ids["wang"], today=TODAY + dt.timedelta(days=1)).snoozed is None  # back that day
    assert ops.show(book, ids["wang"], today=TODAY).snoozed.note == "over"
