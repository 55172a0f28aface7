"""Working days and festivals of one year, and the book's own entries (a newly published 放假安排).

The year's special days come from workdays.calendar_year: each with its source (official data,
computed from the holiday rules, or the user's override). A computed year is marked as such:
its days may differ from the schedule the State Council will publish, and `a` enters that
schedule day by day as overrides; `delete` removes one.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from rich.cells import cell_len
from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.content import Content
from textual.screen import Screen
from textual.widgets import DataTable, Footer, Static

from memo import workdays
from memo.db import Book
from memo.i18n import get_lang, t
from memo.ops import DomainError
from memo.screens.form import Field, FormDialog
from memo.text import visible
from memo.widgets.render import translate_bindings, weekday
from memo.widgets.errors import TellsWorkerErrors

MIN_YEAR, MAX_YEAR = 1901, 2099
NAME_WIDTH = 24
_DATE = re.compile(r"\s*(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?\s*")
_EN_NAMES = {zh: en for zh, en in workdays.HOLIDAY_NAMES.values()}


@dataclass(frozen=True)
class YearView:
    year: int
    official: bool
    festivals: list[workdays.Festival]
    days: list[workdays.DayInfo]


def load_year(book: Book, year: int) -> YearView:
    return YearView(year, workdays.is_official_year(year), workdays.festivals(year),
                    workdays.calendar_year(year, book, named=True))


def parse_day(value: str) -> dt.date:
    """2027-02-06, 2027/2/6, 2027.2.6 or 2027年2月6日; a DomainError naming the text otherwise."""
    match = _DATE.fullmatch(value or "")
    try:
        if match is None:
            raise ValueError(value)
        return dt.date(*(int(part) for part in match.groups()))
    except ValueError:
        raise DomainError("calendar.bad_date", value.strip(), field="date") from None


def add_override(book: Book, values: dict) -> dt.date:
    day = parse_day(values["date"])
    workdays.set_override(book, day, values["kind"] == "work", values["name"] or None)
    return day


def holiday_name(info: workdays.DayInfo) -> str:
    """The name in the current language: the book's own names as typed, known holidays translated."""
    if not info.name:
        return ""
    if get_lang() == "zh" or info.source == "override":
        return info.name
    return ", ".join(_EN_NAMES.get(part, part) for part in info.name.split("、"))


class CalendarScreen(TellsWorkerErrors, Screen):
    BINDINGS = [
        Binding("escape", "back", "app.back", id="calendar.back"),
        Binding("left_square_bracket", "year(-1)", "calendar.prev", id="calendar.prev", key_display="[ ←"),
        Binding("right_square_bracket", "year(1)", "calendar.next", id="calendar.next", key_display="] →"),
        Binding("left", "year(-1)", "", id="calendar.prev_arrow", show=False, priority=True),
        Binding("right", "year(1)", "", id="calendar.next_arrow", show=False, priority=True),
        Binding("a", "add", "calendar.add", id="calendar.add"),
        Binding("delete", "remove", "calendar.remove", id="calendar.remove"),
    ]

    def __init__(self, year: int) -> None:
        super().__init__()
        translate_bindings(self)
        self.year = year
        self.year_view: YearView | None = None
        self._goto: dt.date | None = None

    def compose(self) -> ComposeResult:
        yield Static(id="calendar-head", classes="screen-head title")
        yield Static(id="calendar-note", classes="summary")
        with Horizontal(id="calendar-body"):
            with VerticalScroll(id="calendar-left"):
                yield Static(t("calendar.festivals"), classes="section")
                yield Static(id="calendar-festivals")
            with Vertical(id="calendar-right"):
                yield Static(t("calendar.days"), classes="section")
                yield DataTable(id="calendar-days", cursor_type="row", zebra_stripes=True)
        yield Footer()

    def on_mount(self) -> None:
        table = self.query_one("#calendar-days", DataTable)
        # Fixed widths, measured in cells (a Chinese character takes two).
        def widest(*texts: str) -> int:
            return max(cell_len(text) for text in texts)

        table.add_column(t("calendar.col_date"), key="date", width=10)
        table.add_column(t("calendar.col_weekday"), key="weekday",
                         width=widest(t("calendar.col_weekday"), *(t(f"weekday.{d}") for d in range(7))))
        table.add_column(t("calendar.col_status"), key="status",
                         width=widest(*(t(k) for k in ("calendar.col_status", "calendar.workday",
                                                       "calendar.makeup", "calendar.holiday"))))
        table.add_column(t("calendar.col_name"), key="name", width=NAME_WIDTH)
        table.add_column(t("calendar.col_source"), key="source",
                         width=widest(*(t(f"calendar.source.{s}") for s in ("official", "computed", "override"))))
        table.focus()
        self.reload()

    def reload(self) -> None:
        self.load(self.year)

    @work(thread=True, exclusive=True, group="calendar-load", exit_on_error=False)
    def load(self, year: int) -> None:
        view = load_year(self.app.book, year)
        self.app.call_from_thread(self._show, view)

    def _show(self, view: YearView) -> None:
        if view.year != self.year:  # the year moved on while this one loaded
            return
        if self.year_view is None or self.year_view.year != view.year:
            self.query_one("#calendar-days", DataTable).move_cursor(row=0, animate=False)
        self.year_view = view
        self.query_one("#calendar-head", Static).update(Content(t("calendar.title", year=view.year)))
        note = (Content(t("calendar.official_year")) if view.official
                else Content(t("calendar.computed_year", year=view.year)).stylize("bold $text-warning"))
        self.query_one("#calendar-note", Static).update(note)
        self._fill_festivals(view)
        self._fill_days(view)

    def _fill_festivals(self, view: YearView) -> None:
        zh = get_lang() == "zh"
        lines = [Content.assemble((f.date.strftime("%m-%d"), "bold"), f"  {weekday(f.date)}  ",
                                  f.name_zh if zh else f.name_en)
                 for f in view.festivals]
        self.query_one("#calendar-festivals", Static).update(Content("\n").join(lines))

    def _fill_days(self, view: YearView) -> None:
        table = self.query_one("#calendar-days", DataTable)
        row = table.cursor_row or 0
        table.clear()
        for info in view.days:
            if info.makeup:
                status = Text(t("calendar.makeup"), style="bold")
            elif info.workday:
                status = Text(t("calendar.workday"))
            else:
                status = Text(t("calendar.holiday"), style="green")
            source = Text(t(f"calendar.source.{info.source}"))
            if info.source == "computed":
                source.stylize("yellow")
            elif info.source == "override":
                source.stylize("bold cyan")
            table.add_row(Text(info.date.isoformat()), Text(weekday(info.date)), status,
                          Text(visible(holiday_name(info), one_line=True, limit=40)), source,
                          key=info.date.isoformat())
        if not view.days:
            table.add_row(Text(""), Text(""), Text(t("calendar.no_days"), style="dim"), Text(""), Text(""))
        if self._goto is not None and self._goto.year == view.year:
            # after an entry or a removal: stay on that day, or where it was
            dates = [d.date for d in view.days]
            row = dates.index(self._goto) if self._goto in dates else sum(d < self._goto for d in dates)
            self._goto = None
        table.move_cursor(row=min(row, max(table.row_count - 1, 0)), animate=False)

    # --- actions ------------------------------------------------------------------------------

    def action_back(self) -> None:
        self.dismiss()

    def action_year(self, step: int) -> None:
        year = min(MAX_YEAR, max(MIN_YEAR, self.year + step))
        if year != self.year:
            self.year = year
            self.reload()

    def _highlighted(self) -> workdays.DayInfo | None:
        table = self.query_one("#calendar-days", DataTable)
        if self.year_view is None or not self.year_view.days or table.cursor_row is None:
            return None
        if 0 <= table.cursor_row < len(self.year_view.days):
            return self.year_view.days[table.cursor_row]
        return None

    def action_add(self) -> None:
        book = self.app.book
        fields = [
            Field("date", t("calendar.field_date"), "", placeholder=f"{self.year}-02-06"),
            Field("kind", t("calendar.field_kind"), "off",
                  options=[(t("calendar.kind_off"), "off"), (t("calendar.kind_work"), "work")]),
            Field("name", t("calendar.field_name"), ""),
        ]
        dialog = FormDialog(t("calendar.add_title"), fields, lambda values: add_override(book, values))
        self.app.push_screen(dialog, self._added)

    def _added(self, day: dt.date | None) -> None:
        if day is None:
            return
        self.app.notify(t("calendar.added", date=day.isoformat()))
        self.year = day.year
        self._goto = day
        self.app.book_changed()

    def action_remove(self) -> None:
        info = self._highlighted()
        if info is None:
            return
        if info.source != "override":
            self.app.notify(t("calendar.not_override"), severity="warning")
            return
        self.remove_day(info.date)

    @work(thread=True, exclusive=True, group="calendar-write", exit_on_error=False)
    def remove_day(self, day: dt.date) -> None:
        if workdays.remove_override(self.app.book, day):
            self.app.call_from_thread(self._removed, day)

    def _removed(self, day: dt.date) -> None:
        self.app.notify(t("calendar.removed", date=day.isoformat()))
        self._goto = day
        self.app.book_changed()
