"""The review screen driven as the manager does it: F10, this week, this month, the period before
and after, a range of days; the figures follow, beside the period before."""

from __future__ import annotations

import datetime as dt

from textual.widgets import DataTable, Input, Static

from memo import calls, i18n, review
from memo.app import MemoApp
from memo.screens.form import FormDialog
from memo.screens.review import ReviewScreen, chart_lines
from memo.screens.today import TodayScreen

from .conftest import TODAY, settle
from .test_app import SIZE, plain, wait_until
from .test_review import CAMPAIGN_NAME, fill_review


def make_app(book, lang: str = "en") -> MemoApp:  # noqa: ANN001
    return MemoApp(book, today=TODAY, lang=lang)


def cells(table: DataTable, key: str) -> list[str]:
    return [str(c) for c in table.get_row(key)]


def column(table: DataTable, index: int) -> list[str]:
    return [str(table.get_row_at(i)[index]) for i in range(table.row_count)]


async def open_review(pilot) -> ReviewScreen:  # noqa: ANN001
    await settle(pilot)
    await pilot.press("f10")
    await settle(pilot)
    screen = pilot.app.screen
    assert isinstance(screen, ReviewScreen)
    await wait_until(pilot, lambda: screen.loaded, "the figures")
    return screen


async def test_f10_opens_this_week_beside_the_week_before(sample) -> None:  # noqa: ANN001
    book, ids = sample
    fill_review(book, ids)
    async with make_app(book).run_test(size=SIZE) as pilot:
        screen = await open_review(pilot)
        assert plain(screen.query_one("#review-title", Static)) == (
            "Lobby Memo · Review 2026-11-23 — 2026-11-29 (week, 7 days)")
        assert plain(screen.query_one("#review-compare", Static)) == (
            "against the period before, 2026-11-16 — 2026-11-22")
        figures = screen.query_one("#review-figures", DataTable)
        assert cells(figures, "attempted") == ["  Contacts attempted", "9", "3", "▲ 6"]
        assert cells(figures, "reached") == ["  Contacts reached", "6", "2", "▲ 4"]
        assert cells(figures, "reach_rate") == ["  Reach rate", "66.7%", "66.7%", "="]
        assert cells(figures, "pending_opportunities")[1:] == ["1", "1", "="]
        assert cells(figures, "sales_amount")[1:] == ["500,000.00", "0.00", "▲ 500,000.00"]
        reasons = screen.query_one("#review-reasons", DataTable)
        assert column(reasons, 0) == ["maturity", "birthday", "key date", "request", "callback", "cadence",
                                      "campaign", "no reason given"]
        assert cells(reasons, "request") == ["request", "3", "2", "66.7%", "0.0%", "0", "1", "0", "500,000.00"]
        assert cells(reasons, "cadence")[1:5] == ["0", "0", "0.0%", "50.0%"]  # only the week before
        campaigns = screen.query_one("#review-campaigns", DataTable)
        row = cells(campaigns, str(review.figures(book, *review.week_of(TODAY))["by_campaign"][0]["campaign_id"]))
        assert row[0] == CAMPAIGN_NAME  # shown as typed, markup and all
        assert row[1:4] == ["2026-11-28", "2", "1"] and row[-1] == "invited 1 accepted 1 attended 1"
        assert screen.fig == review.figures(book, *review.week_of(TODAY))  # the same as `memo review`
        await pilot.press("escape")
        assert isinstance(pilot.app.screen, TodayScreen)


async def test_switching_periods_changes_the_figures(sample) -> None:  # noqa: ANN001
    book, ids = sample
    fill_review(book, ids)
    async with make_app(book).run_test(size=SIZE) as pilot:
        screen = await open_review(pilot)
        figures = screen.query_one("#review-figures", DataTable)

        async def period(*keys: str) -> tuple[str, str]:
            await pilot.press(*keys)
            await settle(pilot)
            await wait_until(pilot, lambda: screen.fig and screen.fig["from"] == screen.start.isoformat(), "reload")
            return screen.fig["from"], screen.fig["to"]

        assert await period("m") == ("2026-11-01", "2026-11-30")
        assert "(month, 30 days)" in plain(screen.query_one("#review-title", Static))
        assert cells(figures, "attempted")[1:] == ["12", "0", "▲ 12"]
        assert cells(figures, "pending_opportunities")[1:] == ["2", "0", "▲ 2"]
        assert plain(screen.query_one("#review-compare", Static)) == (
            "against the period before, 2026-10-01 — 2026-10-31")
        assert await period("left_square_bracket") == ("2026-10-01", "2026-10-31")
        assert cells(figures, "attempted")[1:] == ["0", "0", "="]
        assert "No contacts logged in this period" in plain(screen.query_one("#review-compare", Static))
        assert screen.query_one("#review-reasons", DataTable).row_count == 0
        assert await period("right") == ("2026-11-01", "2026-11-30")
        assert await period("w") == ("2026-11-23", "2026-11-29")
        assert await period("left") == ("2026-11-16", "2026-11-22")
        assert cells(figures, "attempted")[1:] == ["3", "0", "▲ 3"]
        assert await period("right_square_bracket", "right_square_bracket") == ("2026-11-30", "2026-12-06")
        assert cells(figures, "attempted")[1:] == ["0", "9", "▼ 9"]
        assert cells(figures, "reach_rate")[1:] == ["0.0%", "66.7%", "▼ 66.7 pt"]


async def test_a_range_of_days_from_the_dialog(sample) -> None:  # noqa: ANN001
    book, ids = sample
    fill_review(book, ids)
    async with make_app(book).run_test(size=SIZE) as pilot:
        screen = await open_review(pilot)
        await pilot.press("r")
        await settle(pilot)
        dialog = pilot.app.screen
        assert isinstance(dialog, FormDialog)
        assert [i.value for i in dialog.query(Input)] == ["2026-11-23", "2026-11-29"]
        dialog.query_one("#f-from", Input).value = "11/25"
        dialog.query_one("#f-to", Input).value = "11/24"
        await pilot.press("enter")
        await settle(pilot)
        assert pilot.app.screen is dialog  # backwards: said, and the dialog stays
        assert "The start 2026-11-25 is after the end" in plain(dialog.query_one("#form-error", Static))
        dialog.query_one("#f-to", Input).value = "2026-11-27"
        await pilot.press("enter")
        await settle(pilot)
        assert pilot.app.screen is screen
        await wait_until(pilot, lambda: screen.fig["from"] == "2026-11-25", "the range")
        assert (screen.fig["to"], screen.fig["attempted"], screen.fig["previous"]["from"]) == (
            "2026-11-27", 4, "2026-11-22")
        assert "(custom range, 3 days)" in plain(screen.query_one("#review-title", Static))
        # the period before and after a range: its own length
        await pilot.press("left")
        await settle(pilot)
        await wait_until(pilot, lambda: screen.fig["from"] == "2026-11-22", "the range before")
        assert screen.fig["to"] == "2026-11-24"


async def test_privacy_hides_amounts_and_a_new_call_is_counted(sample) -> None:  # noqa: ANN001
    book, ids = sample
    fill_review(book, ids)
    async with make_app(book).run_test(size=SIZE) as pilot:
        screen = await open_review(pilot)
        figures = screen.query_one("#review-figures", DataTable)
        await pilot.press("f6")
        await settle(pilot)
        await wait_until(pilot, lambda: cells(figures, "sales_amount")[1] == "***", "amounts hidden")
        assert cells(figures, "sales_amount")[1:] == ["***", "***", "▲ ***"]
        assert cells(screen.query_one("#review-reasons", DataTable), "request")[-1] == "***"
        assert cells(figures, "attempted")[1] == "9"  # counts stay
        calls.log_call(book, ids["li"], "reached", reasons="callback", now=dt.datetime(2026, 11, 28, 10, 0))
        pilot.app.book_changed()
        await settle(pilot)
        await wait_until(pilot, lambda: cells(figures, "attempted")[1] == "10", "the new call")
        assert cells(figures, "reached")[1:] == ["7", "2", "▲ 5"]


def test_the_chart_draws_made_and_reached_bars() -> None:
    i18n.set_lang("en")
    days = [(TODAY - dt.timedelta(days=6 - i), made, reached)
            for i, (made, reached) in enumerate([(2, 1), (2, 2), (2, 1), (1, 1), (1, 1), (0, 0), (1, 0)])]
    lines = chart_lines(days, 40, 10)
    text = ["".join(part for part, _ in line) for line in lines]
    assert len(text) == 10
    assert "made" in text[0] and "reached" in text[0]
    assert text[1].startswith("2┤") and text[-2].startswith("0┤")
    assert text[-1].split() == ["23", "24", "25", "26", "27", "28", "29"]
    bottom = [part for part in lines[-2][1:] if part[0].strip()]
    assert len(bottom) == 6  # six days with calls, Saturday empty
    assert [style for _, style in bottom] == ["$success", "$success", "$success", "$success", "$success", "$primary"]
    # more days than columns: the days are summed into bars
    year = [(TODAY - dt.timedelta(days=i), 1, 1) for i in range(365)]
    long = ["".join(part for part, _ in line) for line in chart_lines(year, 60, 10)]
    assert "7 days a bar" in long[0] and long[1].startswith("7┤")
    assert chart_lines([], 60, 10) == [] and chart_lines(days, 5, 10) == []
