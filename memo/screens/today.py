"""Today: the open requests and callbacks due today or overdue, oldest first."""

from __future__ import annotations

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.content import Content
from textual.screen import Screen
from textual.widgets import DataTable, Footer, Static

from memo import ops
from memo.i18n import label, t
from memo.text import visible
from memo.widgets.render import mask_numbers, phone, translate_bindings, weekday

PAGE = 100


class TodayScreen(Screen):
    BINDINGS = [
        Binding("slash", "app.lookup", "app.lookup", show=False),
        Binding("j", "app.jot", "app.jot", show=False),
        Binding("question_mark", "app.help", "app.help", show=False),
        Binding("d", "close_memo('done')", "card.resolve", id="today.resolve"),
        Binding("x", "close_memo('dropped')", "card.drop", id="today.drop"),
    ]

    def __init__(self) -> None:
        super().__init__()
        translate_bindings(self)
        self._memos: list[ops.MemoView] = []
        self._more = False
        self._loading = False

    def compose(self) -> ComposeResult:
        with Vertical(id="today-head", classes="screen-head"):
            yield Static(id="today-title", classes="title")
            yield Static(id="today-summary", classes="summary")
        yield DataTable(id="due", cursor_type="row", zebra_stripes=True)
        yield Static(t("today.empty"), id="today-empty", classes="empty")
        yield Footer()

    def on_mount(self) -> None:
        table = self.query_one("#due", DataTable)
        table.add_column(t("today.col_due"), key="due", width=16)
        table.add_column(t("today.col_client"), key="client", width=14)
        table.add_column(t("today.col_phone"), key="phone", width=15)
        table.add_column(t("today.col_text"), key="text")
        day = self.app.today()
        self.query_one("#today-title", Static).update(
            Content(t("app.title") + " · " + t("today.title", date=day.isoformat(), weekday=weekday(day)))
        )
        self.reload()

    def reload(self) -> None:
        self.load(0)

    @work(thread=True, exclusive=True, group="today", exit_on_error=False)
    def load(self, offset: int) -> None:
        page = ops.today(self.app.book, self.app.today(), limit=PAGE, offset=offset)
        self.app.call_from_thread(self._show, page, offset)

    def _show(self, page: ops.TodayPage, offset: int) -> None:
        table = self.query_one("#due", DataTable)
        if offset == 0:
            keep = table.cursor_row
            table.clear()
            self._memos = []
        else:
            keep = None
        privacy = self.app.privacy
        for memo in page.due:
            self._memos.append(memo)
            late = (page.day - memo.due).days
            due = Text(memo.due.strftime("%m-%d") + " ")
            due.append(t("today.overdue", days=late) if late else t("today.due_today"),
                       style="bold red" if late else "bold")
            who = Text(visible(memo.client_name, one_line=True, limit=20)) if memo.client_name else Text(
                t("card.stub") if memo.client_id else "-", style="italic")
            number = Text(phone(memo.phones[0], privacy) if memo.phones else "")
            text = Text(visible(mask_numbers(memo.text, privacy), one_line=True, limit=300))
            if memo.kind == "callback":
                text = Text.assemble((f"{label('kind', memo.kind)} ", "bold"), text)
            table.add_row(due, who, number, text, key=str(memo.id))
        self._more = len(self._memos) < page.due_count
        self._loading = False
        self.query_one("#today-summary", Static).update(
            Content(t("today.summary", due=page.due_count, open=page.open_count))
        )
        self.query_one("#today-empty").display = not self._memos
        table.display = bool(self._memos)
        if keep is not None and self._memos:
            table.move_cursor(row=min(keep, len(self._memos) - 1))

    @on(DataTable.RowHighlighted, "#due")
    def _maybe_more(self, event: DataTable.RowHighlighted) -> None:
        if self._more and not self._loading and event.cursor_row >= len(self._memos) - 5:
            self._loading = True
            self.load(len(self._memos))

    @on(DataTable.RowSelected, "#due")
    def _open(self, event: DataTable.RowSelected) -> None:
        memo = self._current()
        if memo is not None and memo.client_id is not None:
            self.app.open_client(memo.client_id)

    def _current(self) -> ops.MemoView | None:
        table = self.query_one("#due", DataTable)
        if not self._memos or table.cursor_row >= len(self._memos):
            return None
        return self._memos[table.cursor_row]

    def action_close_memo(self, status: str) -> None:
        from memo.screens.close_memo import close_memo

        memo = self._current()
        if memo is not None:
            close_memo(self, memo, status)
