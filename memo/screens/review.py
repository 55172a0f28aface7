"""Review: what the calls of a period achieved, beside the period before (seed, 二(三)).

The measures of the seed's two families (relationship: reach rate, new information; products and
services: opportunities, those still to follow up, sales) with the period before and the change
(▲/▼), by reason kind and by campaign, and a chart of the calls made and reached per day. The
period is this week (the default), this month, one before or after (`[` `]`), or any range (`r`).
The figures are memo.review.figures, the same as `memo review`, read in a thread worker.
"""

from __future__ import annotations

import datetime as dt
import math
from typing import Any

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.screen import Screen
from textual.widget import Widget
from textual.widgets import DataTable, Footer, Static

from memo import review
from memo.review import (FAMILIES, campaign_name, change_text, invitations_text, percent, reason_label, reason_rows,
                         value_text)
from memo.i18n import t
from memo.screens.form import Field, FormDialog
from memo.widgets.render import translate_bindings
from memo.widgets.errors import TellsWorkerErrors

EIGHTHS = " ▁▂▃▄▅▆▇█"
CAMPAIGN_WIDTH = 20  # cells
MADE_STYLE = "$primary"
REACHED_STYLE = "$success"


def chart_lines(days: list[tuple[dt.date, int, int]], width: int, height: int) -> list[list[tuple[str, str]]]:
    """Calls made (the whole bar) and reached (its lower part, in another colour) per day, drawn in
    eighth blocks to fit `width` x `height` cells: a legend line, the bars with the top value on
    the axis, and the dates under them. Days are summed into buckets when there are more days
    than columns. Each line is a list of (text, style) parts."""
    if width < 8 or height < 4 or not days:
        return []
    top = max(made for _, made, _ in days)
    axis = len(str(max(top, 1)))
    cols = width - axis - 1
    per = max(1, math.ceil(len(days) / cols))  # days per bar
    buckets = [days[i:i + per] for i in range(0, len(days), per)]
    bucket_top = max(sum(d[1] for d in b) for b in buckets)
    cell = max(1, cols // len(buckets))  # cells per bar, a gap between bars when there is room
    bar = cell - 1 if cell >= 3 else cell
    rows = height - 2
    levels = rows * 8

    def level(value: int) -> int:
        if value <= 0 or bucket_top <= 0:
            return 0
        return max(1, round(value * levels / bucket_top))

    heights = [(level(sum(d[1] for d in b)), level(sum(d[2] for d in b))) for b in buckets]
    lines: list[list[tuple[str, str]]] = [[
        (" " * (axis + 1), ""), ("█", MADE_STYLE), (" " + t("review.legend_made") + "  ", ""),
        ("█", REACHED_STYLE), (" " + t("review.legend_reached"), ""),
        ("  " + t("review.per_bar", n=per), "dim") if per > 1 else ("", ""),
    ]]
    for y in range(rows):
        low = (rows - 1 - y) * 8
        mark = str(bucket_top) if y == 0 and bucket_top else "0" if y == rows - 1 else ""
        parts: list[tuple[str, str]] = [(mark.rjust(axis) + ("┤" if mark else "│"), "dim")]
        for made, reached in heights:
            if reached >= low + 8:
                glyph, style = "█", REACHED_STYLE
            elif reached > low:
                glyph = EIGHTHS[reached - low]
                style = f"{REACHED_STYLE} on {MADE_STYLE}" if made >= low + 8 else REACHED_STYLE
            elif made >= low + 8:
                glyph, style = "█", MADE_STYLE
            elif made > low:
                glyph, style = EIGHTHS[made - low], MADE_STYLE
            else:
                glyph, style = " ", ""
            parts.append((glyph * bar, style))
            parts.append((" " * (cell - bar), ""))
        lines.append(parts)
    lines.append([(" " * (axis + 1), ""), (_date_axis([b[0][0] for b in buckets], cell, cols), "dim")])
    return lines


def _date_axis(starts: list[dt.date], cell: int, cols: int) -> str:
    """Under the bars: each day of the month when there is room, else the first and last dates."""
    if cell >= 3:
        return "".join(f"{d.day:<{cell}}" for d in starts).rstrip()
    first, last = f"{starts[0]:%m-%d}", f"{starts[-1]:%m-%d}"
    used = min(cols, len(starts) * cell)
    if used < len(first) + len(last) + 1:
        return first
    return first + " " * (used - len(first) - len(last)) + last


class DayChart(Widget):
    """The per-day bars, drawn for the size the widget has."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.days: list[tuple[dt.date, int, int]] = []

    def show(self, per_day: list[dict[str, Any]]) -> None:
        self.days = [(dt.date.fromisoformat(d["date"]), d["attempted"], d["reached"]) for d in per_day]
        self.refresh()

    def render(self) -> Content:
        size = self.content_size
        lines = chart_lines(self.days, size.width, size.height)
        parts: list[tuple[str, str] | str] = []
        for i, line in enumerate(lines):
            if i:
                parts.append("\n")
            parts += [part for part in line if part[0]]
        return Content.assemble(*parts)


def _change_style(key: str, change: str) -> str:
    """Up green, down red; more opportunities pending is neither good nor bad: dim either way."""
    if change[:1] not in ("▲", "▼") or key == "pending_opportunities":
        return "dim"
    return "green" if change.startswith("▲") else "red"


def range_dialog(start: dt.date, end: dt.date, today: dt.date) -> FormDialog:
    """Ask for a range of days; returns (start, end)."""
    def save(values: dict) -> tuple[dt.date, dt.date]:
        first = review.parse_day(values["from"], today, "from")
        last = review.parse_day(values["to"], today, "to")
        review.check_period(first, last)
        return first, last

    fields = [Field("from", t("review.from"), start.isoformat(), placeholder=t("review.day_hint")),
              Field("to", t("review.to"), end.isoformat(), placeholder=t("review.day_hint"))]
    return FormDialog(t("review.range_title"), fields, save)


class ReviewScreen(TellsWorkerErrors, Screen):
    BINDINGS = [
        Binding("escape", "back", "app.back", id="review.back"),
        Binding("w", "this_week", "review.this_week", id="review.this_week"),
        Binding("m", "this_month", "review.this_month", id="review.this_month"),
        Binding("left_square_bracket", "step(-1)", "review.prev", id="review.prev", key_display="[ ←"),
        Binding("right_square_bracket", "step(1)", "review.next", id="review.next", key_display="] →"),
        Binding("left", "step(-1)", "", id="review.prev_arrow", show=False, priority=True),
        Binding("right", "step(1)", "", id="review.next_arrow", show=False, priority=True),
        Binding("r", "pick", "review.pick", id="review.pick"),
    ]

    def __init__(self) -> None:
        super().__init__()
        translate_bindings(self)
        self.start: dt.date | None = None
        self.end: dt.date | None = None
        self.fig: dict[str, Any] | None = None  # the figures on screen
        self.loaded = False

    def compose(self) -> ComposeResult:
        with Vertical(id="review-head", classes="screen-head"):
            yield Static(id="review-title", classes="title")
            yield Static(t("review.loading"), id="review-compare", classes="summary")
        with Horizontal(id="review-top"):
            yield DataTable(id="review-figures", cursor_type="none", show_cursor=False)
            yield DayChart(id="review-chart")
        yield DataTable(id="review-reasons", cursor_type="row", zebra_stripes=True)
        yield DataTable(id="review-campaigns", cursor_type="row", zebra_stripes=True)
        yield Footer()

    def on_mount(self) -> None:
        figures = self.query_one("#review-figures", DataTable)
        figures.border_title = t("review.figures")
        figures.can_focus = False
        figures.add_column(t("review.col.measure"), key="measure")
        for key in ("this", "previous", "change"):
            figures.add_column(Text(t(f"review.col.{key}"), justify="right"), key=key)
        self.query_one("#review-chart").border_title = t("review.per_day")
        reasons = self.query_one("#review-reasons", DataTable)
        reasons.border_title = t("review.by_reason")
        reasons.add_column(t("review.col.reason"), key="reason")
        for key in ("attempted", "reached", "rate", "rate_before", "new_info", "opportunities", "pending", "sales"):
            reasons.add_column(Text(t(f"review.col.{key}"), justify="right"), key=key)
        campaigns = self.query_one("#review-campaigns", DataTable)
        campaigns.border_title = t("review.by_campaign")
        # the campaign's name cut to its column; new information and pending opportunities per
        # campaign are left to `memo review` (the row would not fit 120 columns in English)
        campaigns.add_column(t("review.col.campaign"), key="campaign", width=CAMPAIGN_WIDTH)
        campaigns.add_column(t("review.col.date"), key="date")
        for key in ("attempted", "reached", "rate", "opportunities", "sales"):
            campaigns.add_column(Text(t(f"review.col.{key}"), justify="right"), key=key)
        campaigns.add_column(t("review.col.invitations"), key="invitations")
        self.start, self.end = review.week_of(self.app.today())
        self.reload()

    # --- the period --------------------------------------------------------------------------------

    def set_period(self, start: dt.date, end: dt.date) -> None:
        self.start, self.end = start, end
        self.query_one("#review-compare", Static).update(Content(t("review.loading")))
        self.reload()

    def action_this_week(self) -> None:
        self.set_period(*review.week_of(self.app.today()))

    def action_this_month(self) -> None:
        self.set_period(*review.month_of(self.app.today()))

    def action_step(self, steps: int) -> None:
        if self.start is None:
            return
        try:
            start, end = review.shift(self.start, self.end, steps)
            review.check_period(start, end)
        except (OverflowError, ValueError):
            return  # the first or last representable days: nowhere to go
        self.set_period(start, end)

    def action_pick(self) -> None:
        if self.start is not None:
            self.app.push_screen(range_dialog(self.start, self.end, self.app.today()), self._picked)

    def _picked(self, period: tuple[dt.date, dt.date] | None) -> None:
        if period is not None:
            self.set_period(*period)

    def action_back(self) -> None:
        self.app.pop_screen()

    # --- loading -----------------------------------------------------------------------------------

    def reload(self) -> None:
        if self.start is not None:
            self._title()
            self.load(self.start, self.end)

    @work(thread=True, exclusive=True, group="review", exit_on_error=False)
    def load(self, start: dt.date, end: dt.date) -> None:
        fig = review.figures(self.app.book, start, end)
        self.app.call_from_thread(self._show, fig)

    def _title(self) -> None:
        what = t(f"review.period.{review.period_kind(self.start, self.end)}")
        days = t("review.days", n=(self.end - self.start).days + 1)
        self.query_one("#review-title", Static).update(Content(
            t("app.title") + " · " + t("review.title", start=self.start.isoformat(), end=self.end.isoformat(),
                                       what=what, days=days)))

    def _show(self, fig: dict[str, Any]) -> None:
        if (fig["from"], fig["to"]) != (self.start.isoformat(), self.end.isoformat()):
            return  # a period since left
        self.fig = fig
        privacy = self.app.privacy
        before = fig["previous"]
        compare = t("review.compare", start=before["from"], end=before["to"])
        if not fig["attempted"]:
            compare += "  ·  " + t("review.empty")
        self.query_one("#review-compare", Static).update(Content(compare))
        self._figures(fig, privacy)
        self.query_one("#review-chart", DayChart).show(fig["per_day"])
        self._reasons(fig, privacy)
        self._campaigns(fig, privacy)
        self.loaded = True

    def _figures(self, fig: dict[str, Any], privacy: bool) -> None:
        table = self.query_one("#review-figures", DataTable)
        table.clear()
        before = fig["previous"]
        for family, keys in FAMILIES:
            table.add_row(Text(t(family), style="bold"), "", "", "", key=family)
            for key in keys:
                change = change_text(fig, before, key, privacy, arrows=True)
                style = _change_style(key, change)
                table.add_row(Text("  " + t(f"review.m.{key}")),
                              Text(value_text(fig, key, privacy), justify="right", style="bold"),
                              Text(value_text(before, key, privacy), justify="right"),
                              Text(change, justify="right", style=style), key=key)

    def _reasons(self, fig: dict[str, Any], privacy: bool) -> None:
        table = self.query_one("#review-reasons", DataTable)
        table.clear()
        before = fig["previous"]["by_reason"]
        for kind in reason_rows(fig):
            f, b = fig["by_reason"][kind], before[kind]
            cells = [str(f["attempted"]), str(f["reached"]), percent(f["reach_rate"]), percent(b["reach_rate"]),
                     str(f["new_info"]), str(f["opportunities"]), str(f["pending_opportunities"]),
                     value_text(f, "sales_amount", privacy)]
            table.add_row(Text(reason_label(kind)), *(Text(c, justify="right") for c in cells), key=kind)

    def _campaigns(self, fig: dict[str, Any], privacy: bool) -> None:
        table = self.query_one("#review-campaigns", DataTable)
        table.clear()
        for c in fig["by_campaign"]:
            cells = [str(c["attempted"]), str(c["reached"]), percent(c["reach_rate"]), str(c["opportunities"]),
                     value_text(c, "sales_amount", privacy)]
            table.add_row(Text(campaign_name(c, limit=40), no_wrap=True, overflow="ellipsis"), Text(c["on"] or ""),
                          *(Text(v, justify="right") for v in cells), Text(invitations_text(c["invitations"])),
                          key=str(c["campaign_id"]))
        if not fig["by_campaign"]:
            table.add_row(Text(t("review.no_campaigns"), style="dim"), *[""] * 7, key="none")
