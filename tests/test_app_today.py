"""The today screen driven as the manager does it: open, review, log calls, snooze, set aside,
filter; the list shrinks and the done rows stay, shown done."""

from __future__ import annotations

import datetime as dt

from sqlmodel import select
from textual.widgets import DataTable, Select, Static

from memo import agenda, money, ops
from memo.app import MemoApp
from memo.codes import REASON_KINDS
from memo.models import Contact, Memo
from memo.screens.card import ClientCardScreen
from memo.screens.form import FormDialog
from memo.screens.today import TodayScreen

from .conftest import TODAY, settle
from .test_app import SIZE, plain, wait_until


def make_app(book, today: dt.date = TODAY, lang: str = "en") -> MemoApp:  # noqa: ANN001
    return MemoApp(book, today=today, lang=lang)


def names(table: DataTable) -> list[str]:
    return [str(table.get_row_at(i)[2]) for i in range(table.row_count)]


def marks(table: DataTable) -> list[str]:
    return [str(table.get_row_at(i)[0]) for i in range(table.row_count)]


def contacts(book, client_id: int) -> list[Contact]:  # noqa: ANN001
    with book.read() as session:
        return list(session.exec(select(Contact).where(Contact.client_id == client_id).order_by(Contact.id)))


async def test_today_ranks_clients_with_all_their_reasons_and_explains_the_score(sample) -> None:
    book, ids = sample
    async with make_app(book).run_test(size=SIZE) as pilot:
        await settle(pilot)
        screen = pilot.app.screen
        assert isinstance(screen, TodayScreen)
        table = screen.query_one("#due", DataTable)
        # 张三: 60th birthday today + an overdue request; 李四 a callback; 王芳 a request due today
        assert names(table) == ["张三", "李四", "王芳"]
        first = str(table.get_row_at(0)[4])
        assert first.startswith("birthday 2026-11-29, turns 60, a round birthday (today)") and "+1 more" in first
        kinds = plain(screen.query_one("#today-kinds", Static))
        assert "birthday 1" in kinds and "request 2" in kinds and "callback 1" in kinds
        assert "3 to call · 0 done" in plain(screen.query_one("#today-summary", Static))
        pane = plain(screen.query_one("#why-reasons", Static))
        assert "要2万美元现金 (due 2026-11-26) (3d overdue)" in pane
        assert "Best hours: 9-11点" in pane
        score = str(table.get_row_at(0)[1])
        assert f"total {score}" in pane
        # the same rows and scores as the headless list (and so as `memo today`)
        expected = agenda.compute(book, TODAY)
        assert [agenda.points(r.score) for r in expected.rows] == [str(table.get_row_at(i)[1]) for i in range(3)]


async def test_morning_loop_log_calls_the_list_shrinks_and_done_rows_stay(sample) -> None:
    book, ids = sample
    async with make_app(book, today=TODAY + dt.timedelta(days=1)).run_test(size=SIZE) as pilot:  # Monday
        await settle(pilot)
        screen = pilot.app.screen
        table = screen.query_one("#due", DataTable)
        before = names(table)
        assert before[0] == "张三"
        # reached, with what was learned and a sale
        await pilot.press("c")
        assert isinstance(pilot.app.screen, FormDialog)
        await pilot.press(*"birthday wishes")
        dialog = pilot.app.screen
        dialog.query_one("#f-new_info").value = "son marries in May"
        dialog.query_one("#f-opportunity").value = "large-sum CD"
        dialog.query_one("#f-sold").value = "5万"
        await pilot.press("enter")
        await settle(pilot)
        await wait_until(pilot, lambda: "✓" in marks(table), "the reached row shows done")
        assert names(table)[-1] == "张三" and marks(table)[-1] == "✓"  # done rows go last, still there
        assert "2 to call · 1 done" in plain(screen.query_one("#today-summary", Static))
        (call,) = [c for c in contacts(book, ids["zhang"]) if c.note == "birthday wishes"]
        assert call.outcome == "reached" and call.new_info == "son marries in May"
        assert call.opportunity == "large-sum CD" and call.sold_fen == 5_000_000
        assert "birthday" in call.reasons.split()
        # no answer: one key, the row stays to do, marked tried
        table.move_cursor(row=0)
        tried = names(table)[0]
        await pilot.press("n")
        await settle(pilot)
        await wait_until(pilot, lambda: "…" in marks(table), "the no-answer row is marked")
        assert names(table)[marks(table).index("…")] == tried
        assert "2 to call · 1 done" in plain(screen.query_one("#today-summary", Static))
    # the next working day: 张三's birthday was handled, the request is still open
    nxt = agenda.compute(book, TODAY + dt.timedelta(days=2))
    zhang = next(r for r in nxt.rows if r.client_id == ids["zhang"])
    assert [r.kind for r in zhang.reasons] == ["request"] and zhang.status == ""
    assert any(r.client_id != ids["zhang"] and r.status == "" for r in nxt.rows)  # the tried one, again


async def test_call_back_makes_a_callback_memo_due_that_day(sample) -> None:
    book, ids = sample
    async with make_app(book).run_test(size=SIZE) as pilot:
        await settle(pilot)
        table = pilot.app.screen.query_one("#due", DataTable)
        await pilot.press("c")
        dialog = pilot.app.screen
        dialog.query_one("#f-outcome", Select).value = "callback"
        await pilot.press("enter")  # no day given: refused, nothing written
        await settle(pilot)
        assert isinstance(pilot.app.screen, FormDialog)
        assert "needs the day" in plain(dialog.query_one("#form-error", Static))
        assert len(contacts(book, ids["zhang"])) == 1
        dialog.query_one("#f-next").value = "2026-12-03"
        dialog.query_one("#f-note").value = "wants the new rate sheet"
        await pilot.press("enter")
        await settle(pilot)
        await wait_until(pilot, lambda: "↻" in marks(table), "the row shows the agreed callback")
    with book.read() as session:
        memo = session.exec(select(Memo).where(Memo.client_id == ids["zhang"], Memo.kind == "callback")).one()
    assert memo.due == dt.date(2026, 12, 3) and memo.text == "wants the new rate sheet" and memo.status == "open"
    on_the_day = agenda.compute(book, dt.date(2026, 12, 3))
    zhang = next(r for r in on_the_day.rows if r.client_id == ids["zhang"])
    assert "callback" in zhang.kinds


async def test_snooze_hides_the_row_until_the_day(sample) -> None:
    book, ids = sample
    async with make_app(book).run_test(size=SIZE) as pilot:
        await settle(pilot)
        table = pilot.app.screen.query_one("#due", DataTable)
        await pilot.press("z", *"2026-12-02", "enter")
        await settle(pilot)
        await wait_until(pilot, lambda: "张三" not in names(table), "snoozed row gone")
        assert "1 snoozed" in plain(pilot.app.screen.query_one("#today-summary", Static))
    back = agenda.compute(book, dt.date(2026, 12, 2))
    assert any(r.client_id == ids["zhang"] for r in back.rows)


async def test_set_one_reason_aside_keeps_the_others(sample) -> None:
    book, ids = sample
    async with make_app(book).run_test(size=SIZE) as pilot:
        await settle(pilot)
        table = pilot.app.screen.query_one("#due", DataTable)
        await pilot.press("x", *"greeted at the counter", "enter")  # the first reason: the birthday
        await settle(pilot)
        await wait_until(pilot, lambda: not str(table.get_row_at(names(table).index("张三"))[4]).startswith("birthday"),
                         "the birthday reason is set aside")
        row = str(table.get_row_at(names(table).index("张三"))[4])
        assert row.startswith("request 要2万美元现金")


async def test_filter_by_reason_kind_and_enter_opens_the_card(sample) -> None:
    book, ids = sample
    async with make_app(book).run_test(size=SIZE) as pilot:
        await settle(pilot)
        table = pilot.app.screen.query_one("#due", DataTable)
        await pilot.press("f")
        dialog = pilot.app.screen
        dialog.query_one("#f-kind", Select).value = "callback"
        await pilot.click("#form-ok")
        await settle(pilot)
        await wait_until(pilot, lambda: names(table) == ["李四"], "only the callback row")
        assert "filter: callback (1)" in plain(pilot.app.screen.query_one("#today-summary", Static))
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(pilot.app.screen, ClientCardScreen) and pilot.app.screen.client_id == ids["li"]


async def test_another_filter_reads_the_new_list_from_its_top(sample) -> None:
    book, _ids = sample
    rows = agenda.compute(book, TODAY).rows
    # a kind with two rows or more, the list's last row not the first of them
    kind = next(k for k in REASON_KINDS if sum(k in r.kinds for r in rows) >= 2
                and next(r for r in rows if k in r.kinds) is not rows[-1])
    async with make_app(book).run_test(size=SIZE) as pilot:
        await settle(pilot)
        table = pilot.app.screen.query_one("#due", DataTable)
        table.move_cursor(row=table.row_count - 1)
        await pilot.press("f")
        pilot.app.screen.query_one("#f-kind", Select).value = kind
        await pilot.click("#form-ok")
        await settle(pilot)
        await wait_until(pilot, lambda: 2 <= table.row_count < len(rows), "the filtered list")
        assert table.cursor_row == 0


async def test_do_not_call_clients_are_shown_apart_at_the_end(sample) -> None:
    book, ids = sample
    ops.edit_client(book, ids["zhang"], do_not_call=True)
    money.add_deposit(book, ids["wang"], "80万", "2025-12-03", term="1y", today=TODAY)
    async with make_app(book).run_test(size=SIZE) as pilot:
        await settle(pilot)
        screen = pilot.app.screen
        table = screen.query_one("#due", DataTable)
        assert names(table)[-1] == "张三" and marks(table)[-1] == "⊘"
        assert names(table)[0] == "王芳"  # the maturity now ranks her first
        assert "1 do not call" in plain(screen.query_one("#today-summary", Static))
        table.move_cursor(row=table.row_count - 1)
        await pilot.pause()
        assert "Do not call" in plain(screen.query_one("#why-reasons", Static))


async def test_setting_aside_a_reason_whose_text_is_markup_shows_it_literally(book) -> None:  # noqa: ANN001
    hostile = "[bold]要美元[/oops] \x1b[31m"
    client = ops.add_client(book, "[red]王[/red]", ["13500000009"])
    ops.jot(book, hostile, client.id, due=TODAY)
    async with make_app(book).run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("x")  # the dialog lists the reasons, user text among them
        await settle(pilot)
        dialog = pilot.app.screen
        assert isinstance(dialog, FormDialog)
        shown = str(dialog.query_one("#f-ref", Select).query_one("#label", Static).render())
        assert "[bold]要美元[/oops] ␛[31m" in shown
        await pilot.press(*"told at the desk", "enter")
        await settle(pilot)
    assert agenda.compute(book, TODAY).rows == []  # the one reason is set aside
