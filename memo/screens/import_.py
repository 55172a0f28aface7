"""Import: a dry run first (what each row would do, and why a row is refused), then the real one."""

from __future__ import annotations

from pathlib import Path

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.content import Content
from textual.screen import Screen
from textual.widgets import DataTable, Footer, Static

from memo import importer
from memo.i18n import t
from memo.text import visible
from memo.widgets.render import translate_bindings
from memo.widgets.errors import TellsWorkerErrors

SHOWN = 500  # rows in the table; the counts cover the whole file


class ImportScreen(TellsWorkerErrors, Screen):
    BINDINGS = [
        Binding("i", "run_import", "import.go", id="import.go"),
        Binding("escape", "app.pop_screen", "app.back", id="import.back"),
    ]

    def __init__(self, path: Path | str) -> None:
        super().__init__()
        translate_bindings(self)
        self.path = Path(path)
        self.report: importer.ImportReport | None = None
        self.busy = True  # reading the file (the preview), or importing it

    def compose(self) -> ComposeResult:
        yield Static(Content(t("import.title", path=visible(self.path.name, one_line=True))),
                     classes="screen-head title")
        yield Static(t("import.reading"), id="import-summary", classes="summary")
        yield DataTable(id="import-rows", cursor_type="row", zebra_stripes=True)
        yield Footer()

    def on_mount(self) -> None:
        table = self.query_one("#import-rows", DataTable)
        for key, width in (("import.col_row", 6), ("import.action.error", 8), ("card.title", 14),
                           ("import.col_field", 12), ("import.col_value", 22), ("import.col_reason", None)):
            table.add_column(t(key) if key != "import.action.error" else "", width=width)
        table.loading = True
        self.plan()

    @work(thread=True, exclusive=True, group="import", exit_on_error=False)
    def plan(self) -> None:
        report = self._guarded(lambda: importer.plan_import(self.app.book, self.path, today=self.app.today()))
        if report is not None:
            self.app.call_from_thread(self._show, report)

    def _guarded(self, call):  # noqa: ANN001, ANN202
        from memo.db import BookError
        from memo.ops import DomainError

        try:
            return call()
        except (DomainError, BookError) as exc:
            message = visible(t(exc.code, value=exc.value), one_line=True)
            self.app.call_from_thread(self._failed, Content(message))
            return None

    def _failed(self, message: Content) -> None:
        self.query_one("#import-summary", Static).update(message)
        self._busy(False)

    def _busy(self, busy: bool) -> None:
        self.busy = busy
        self.query_one("#import-rows", DataTable).loading = busy

    def _show(self, report: importer.ImportReport) -> None:
        self.report = report
        self._busy(False)
        summary = t("import.summary", created=report.created, updated=report.updated,
                    unchanged=report.unchanged, errors=report.refused)
        head = t("import.preview") if report.dry_run else t("import.applied", path=self.path.name)
        self.query_one("#import-summary", Static).update(Content(f"{head} · {summary}"))
        table = self.query_one("#import-rows", DataTable)
        table.clear()
        # Refused rows first: they are what the manager has to look at.
        rows = sorted(report.rows, key=lambda r: (r.action != "error", r.row))[:SHOWN]
        for outcome in rows:
            action = Text(t(f"import.action.{outcome.action}"),
                          style="bold red" if outcome.action == "error" else "")
            name = Text(visible(outcome.name, one_line=True, limit=20))
            if outcome.errors:
                for error in outcome.errors:
                    table.add_row(str(outcome.row), action, name, Text(visible(error.column, one_line=True)),
                                  Text(visible(error.value, one_line=True, limit=40)),
                                  Text(visible(error.reason, one_line=True)))
            else:
                table.add_row(str(outcome.row), action, name, Text(""), Text(""), Text(""))

    def action_run_import(self) -> None:
        if self.report is not None and self.report.dry_run and not self.busy:
            self._busy(True)
            self.query_one("#import-summary", Static).update(t("import.running"))
            self.run_it()

    @work(thread=True, exclusive=True, group="import", exit_on_error=False)
    def run_it(self) -> None:
        report = self._guarded(lambda: importer.run_import(self.app.book, self.path, today=self.app.today()))
        if report is not None:
            self.app.call_from_thread(self._done, report)

    def _done(self, report: importer.ImportReport) -> None:
        self._show(report)
        self.app.notify(t("import.done", created=report.created, updated=report.updated))
        self.app.book_changed()
