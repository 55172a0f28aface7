"""Today: who to call and why. One row per client with all of its reasons, ranked by an
explainable score (the pane on the right shows its breakdown); calls logged here mark the row
done and it stays, dimmed, so the day's progress shows. Do-not-call clients come last, apart."""

from __future__ import annotations

import os
import time

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.content import Content
from textual.screen import Screen
from textual.widgets import DataTable, Footer, Static

from memo import agenda
from memo.i18n import label, t
from memo.codes import REASON_KINDS
from memo.text import visible
from memo.widgets.render import mask_numbers, phone, translate_bindings, weekday
from memo.widgets.errors import TellsWorkerErrors

READY_FILE = "MEMO_READY_FILE"  # bench/launch.py: the time the first page was on screen goes here


class TodayScreen(TellsWorkerErrors, Screen):
    BINDINGS = [
        Binding("slash", "app.lookup", "app.lookup", show=False),
        Binding("j", "app.jot", "app.jot", show=False),
        Binding("question_mark", "app.help", "app.help", show=False),
        Binding("c", "call", "today.call", id="today.call"),
        Binding("n", "no_answer", "today.no_answer", id="today.no_answer"),
        Binding("z", "snooze", "today.snooze", id="today.snooze"),
        Binding("x", "dismiss", "today.dismiss", id="today.dismiss"),
        Binding("f", "filter", "today.filter", id="today.filter"),
    ]

    def __init__(self) -> None:
        super().__init__()
        translate_bindings(self)
        self._rows: list[agenda.Row] = []
        self._total = 0
        self._loading = False
        self.kinds: set[str] = set()
        self.tiers: set[str] = set()
        self.loaded = False  # the first page is on screen
        self._next_row = False  # after acting on a row: stay at its place, on the next client
        self._to_top = False  # another filter: another list, read from its top

    def compose(self) -> ComposeResult:
        with Vertical(id="today-head", classes="screen-head"):
            yield Static(id="today-title", classes="title")
            yield Static(id="today-summary", classes="summary")
            yield Static(id="today-kinds", classes="summary")
        with Horizontal(id="today-body"):
            yield DataTable(id="due", cursor_type="row", zebra_stripes=True)
            with VerticalScroll(id="today-why"):
                yield Static(id="why-who", classes="title")
                yield Static(id="why-reasons")
        yield Static(t("today.empty"), id="today-empty", classes="empty")
        yield Footer()

    def on_mount(self) -> None:
        table = self.query_one("#due", DataTable)
        table.add_column("", key="mark", width=2)
        table.add_column(t("today.col_score"), key="score", width=5)
        table.add_column(t("today.col_client"), key="client", width=10)
        table.add_column(t("today.col_phone"), key="phone", width=13)
        table.add_column(t("today.col_why"), key="why")
        day = self.app.today()
        self.query_one("#today-title", Static).update(
            Content(t("app.title") + " · " + t("today.title", date=day.isoformat(), weekday=weekday(day)))
        )
        self.reload()

    def reload(self) -> None:
        self.load(0)

    @work(thread=True, exclusive=True, group="today", exit_on_error=False)
    def load(self, offset: int) -> None:
        want = max(agenda.PAGE, len(self._rows)) if offset == 0 else agenda.PAGE  # a reload keeps what was scrolled in
        page = self.app.take_first_page() if not self.loaded else None
        if page is None or self.kinds or self.tiers:
            page = agenda.compute(self.app.book, self.app.today(), kinds=self.kinds, tiers=self.tiers,
                                  limit=want, offset=offset)
        self.app.call_from_thread(self._show, page, offset)

    # --- showing ----------------------------------------------------------------------------------

    def _show(self, page: agenda.Agenda, offset: int) -> None:
        table = self.query_one("#due", DataTable)
        keep = None
        if offset == 0:
            current = self._current()
            keep = (current.client_id, current.memo_id) if current else None
            keep_row = table.cursor_row
            table.clear()
            self._rows = []
        privacy = self.app.privacy
        for row in page.rows:
            self._rows.append(row)
            table.add_row(*self._cells(row, privacy), key=f"{row.client_id}:{row.memo_id}")
        self._total = page.total
        self._loading = False
        self._summary(page)
        self.query_one("#today-empty").display = not self._rows
        self.query_one("#today-body").display = bool(self._rows)
        if offset == 0 and self._rows:
            ids = [(r.client_id, r.memo_id) for r in self._rows]
            # a reload follows the highlighted client; after a call on it, the next one comes up
            follow = keep in ids and not self._next_row
            row = 0 if self._to_top else ids.index(keep) if follow else min(keep_row, len(self._rows) - 1)
            table.move_cursor(row=row)
            self._next_row = self._to_top = False
        self._explain()
        if not self.loaded:
            self.loaded = True
            ready = os.environ.get(READY_FILE)
            if ready:
                self.call_after_refresh(_mark_ready, ready)
            self.call_after_refresh(self.app.first_page_shown)

    def _cells(self, row: agenda.Row, privacy: bool) -> list[Text]:
        style = "dim strike" if row.done else "italic" if row.status == "no_answer" else ""
        if row.do_not_call:
            style = "dim"
        mark = {"reached": "✓", "callback": "↻", "declined": "✓", "no_answer": "…"}.get(row.status, "")
        if row.do_not_call:
            mark = "⊘"
        score = Text(agenda.points(row.score), justify="right", style="dim" if row.done else "bold")
        who = Text(visible(row.name, one_line=True, limit=12) if row.name else t("card.stub"), style=style)
        number = Text(phone(row.phones[0], privacy) if row.phones else "", style=style)
        first = row.reasons[0]
        # the detail names its kind, but for a request, which is the client's own words
        kind = label("reason", first.kind) + " " if first.kind == "request" else ""
        why = Text.assemble((kind, "bold" if not style else style),
                            (visible(mask_numbers(agenda.detail(first, privacy), privacy), one_line=True, limit=200),
                             style))
        if len(row.reasons) > 1:
            why.append(" " + t("today.more_reasons", n=len(row.reasons) - 1), style="dim")
        return [Text(mark), score, who, number, why]

    def _summary(self, page: agenda.Agenda) -> None:
        summary = t("today.counts", todo=page.todo, done=page.done, snoozed=page.snoozed, dnc=page.do_not_call)
        if self.kinds or self.tiers:
            what = " ".join([label("reason", k) for k in sorted(self.kinds)] + [label("tier", x) for x in sorted(self.tiers)])
            summary += "  " + t("today.filtered", what=what, n=page.total)
        self.query_one("#today-summary", Static).update(Content(summary))
        kinds = [f"{label('reason', k)} {page.counts[k]}" for k in REASON_KINDS if page.counts.get(k)]
        self.query_one("#today-kinds", Static).update(Content("  ·  ".join(kinds)))

    @on(DataTable.RowHighlighted, "#due")
    def _highlighted(self, event: DataTable.RowHighlighted) -> None:
        self._explain()
        if len(self._rows) < self._total and not self._loading and event.cursor_row >= len(self._rows) - 5:
            self._loading = True
            self.load(len(self._rows))

    def _explain(self) -> None:
        """The pane on the right: who, how to reach them, every reason and the score's breakdown."""
        row = self._current()
        who = self.query_one("#why-who", Static)
        body = self.query_one("#why-reasons", Static)
        if row is None:
            who.update("")
            body.update("")
            return
        privacy = self.app.privacy
        head = Text(visible(row.name, one_line=True) if row.name else t("card.stub"))
        head.append(f"  {label('tier', row.tier)}", style="dim")
        who.update(head)
        out = Text()
        if row.phones:
            out.append("  ".join(phone(p, privacy) for p in row.phones) + "\n")
        if row.call_hours:
            out.append(t("today.call_hours", hours=visible(row.call_hours, one_line=True)) + "\n")
        if row.do_not_call:
            out.append(t("today.do_not_call") + "\n", style="bold red")
        if row.status:
            out.append(t(f"today.status.{row.status}") + "\n", style="bold green" if row.done else "bold yellow")
        out.append("\n")
        for what, pts in agenda.breakdown(row, privacy):
            line = visible(mask_numbers(what, privacy), one_line=True)
            indent = what.startswith(" ")
            out.append(line, style="dim" if indent else "")
            if pts:
                out.append(f"  {pts}", style="dim" if indent else "bold")
            out.append("\n")
        body.update(out)

    # --- acting ----------------------------------------------------------------------------------

    def _current(self) -> agenda.Row | None:
        table = self.query_one("#due", DataTable)
        if not self._rows or not 0 <= table.cursor_row < len(self._rows):
            return None
        return self._rows[table.cursor_row]

    def _client_row(self) -> agenda.Row | None:
        row = self._current()
        return row if row is not None and row.client_id is not None else None

    @on(DataTable.RowSelected, "#due")
    def _open(self, _event: DataTable.RowSelected) -> None:
        row = self._current()
        if row is None:
            return
        if row.client_id is not None:
            self.app.open_client(row.client_id)
        elif row.memo_id is not None:
            self.action_close_memo(row.memo_id)

    def action_close_memo(self, memo_id: int) -> None:
        from memo import ops
        from memo.screens.close_memo import close_memo

        close_memo(self, ops.get_memo(self.app.book, memo_id), "done")

    def action_call(self) -> None:
        from memo.screens.call import call_dialog

        row = self._client_row()
        if row is not None:
            self.app.push_screen(call_dialog(self.app.book, row, self.app.today(), self.app.now()), self._called)

    def action_no_answer(self) -> None:
        row = self._client_row()
        if row is not None:
            self._log_no_answer(row)

    @work(thread=True, group="today-write", exit_on_error=False)
    def _log_no_answer(self, row: agenda.Row) -> None:
        from memo import calls

        result = calls.log_call(self.app.book, row.client_id, "no_answer", reasons=" ".join(row.kinds),
                                on=self.app.today(), now=self.app.now())
        self.app.call_from_thread(self._called, result)

    def _called(self, result) -> None:  # noqa: ANN001
        if result is None:
            return
        if result.outcome == "no_answer":
            self.notify(t("today.logged_no_answer", day=result.retry_on.isoformat()))
        elif result.outcome == "callback":
            self.notify(t("today.logged_callback"))
        else:
            self.notify(t("today.logged", outcome=label("outcome", result.outcome)))
        self._next_row = True
        self.app.book_changed()

    def action_snooze(self) -> None:
        from memo.screens.call import snooze_dialog

        row = self._client_row()
        if row is not None:
            self.app.push_screen(snooze_dialog(self.app.book, row, self.app.today()), self._snoozed)

    def _snoozed(self, until) -> None:  # noqa: ANN001
        if until is not None:
            self.notify(t("today.snoozed", day=until.isoformat()))
            self._next_row = True
            self.app.book_changed()

    def action_dismiss(self) -> None:
        from memo.screens.call import dismiss_dialog

        row = self._client_row()
        if row is not None:
            self.app.push_screen(dismiss_dialog(self.app.book, row, self.app.today(), self.app.privacy),
                                 self._dismissed)

    def _dismissed(self, ref) -> None:  # noqa: ANN001
        if ref is not None:
            self.notify(t("today.dismissed"))
            self.app.book_changed()

    def action_filter(self) -> None:
        from memo.screens.call import filter_dialog

        self.app.push_screen(filter_dialog(self.kinds, self.tiers), self._filtered)

    def _filtered(self, chosen) -> None:  # noqa: ANN001
        if chosen is not None:
            self.kinds, self.tiers = chosen
            self._to_top = True
            self.reload()


def _mark_ready(path: str) -> None:
    with open(path, "w", encoding="utf-8") as out:
        out.write(repr(time.time()))
