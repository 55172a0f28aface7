"""Targets: choose the clients for a product or an event (seed 二(一)). Filters at the top; the
count and the money at stake follow as you type; the clients below, biggest amount first, paged by
SQL as the cursor goes down. Enter opens a client's card; ctrl+s saves the filter as a named list,
ctrl+o opens a saved one. The work is memo.targets', in a thread worker."""

from __future__ import annotations

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.screen import Screen
from textual.timer import Timer
from textual.widgets import Checkbox, DataTable, Footer, Input, Label, Static
from textual.worker import Worker, WorkerState

from memo import targets
from memo.codes import TIERS, DomainError
from memo.i18n import label, t
from memo.terms import format_amount
from memo.text import visible
from memo.widgets.errors import TellsWorkerErrors
from memo.widgets.render import error_text, phone, translate_bindings

PAGE = 100
DEBOUNCE = 0.25  # seconds of quiet typing before the list is worked out again

# the text boxes: id suffix, label key, placeholder key
BOXES = (
    ("maturing", "targets.f_maturing", "targets.p_maturing"),
    ("min_amount", "targets.f_min", "targets.p_min"),
    ("since_contact", "targets.f_since", "targets.p_since"),
    ("birthday_month", "targets.f_birthday", "targets.p_birthday"),
    ("product", "targets.f_product", "targets.p_product"),
    ("request", "targets.f_request", "targets.p_request"),
    ("risk", "targets.f_risk", "targets.p_risk"),
    ("tags", "targets.f_tags", "targets.p_tags"),
)


class TargetsScreen(TellsWorkerErrors, Screen):
    BINDINGS = [
        Binding("escape", "back", "app.back", id="targets.back"),
        Binding("ctrl+s", "save_list", "targets.save", id="targets.save"),
        Binding("ctrl+o", "open_list", "targets.open", id="targets.open"),
        Binding("ctrl+r", "clear", "targets.clear", id="targets.clear"),
    ]

    def __init__(self) -> None:
        super().__init__()
        translate_bindings(self)
        self.filter = targets.TargetFilter()  # the filter asked for (the boxes, once they read right)
        self.shown: targets.TargetFilter | None = None  # the filter whose list is on screen
        self.pending = True  # a change not yet on screen
        self._rows: list[targets.TargetRow] = []
        self._count = 0
        self._loading = False
        self._timer: Timer | None = None

    def compose(self) -> ComposeResult:
        yield Static(id="targets-title", classes="screen-head title")
        with Vertical(id="targets-filters"):
            with Horizontal(classes="targets-line"):
                yield Label(t("targets.f_tier"), classes="targets-label")
                for tier in reversed(TIERS):
                    yield Checkbox(label("tier", tier), id=f"t-tier-{tier}", classes="targets-tier")
                yield Checkbox(t("targets.f_no_rollover"), id="t-no_rollover")
            for line in (BOXES[:4], BOXES[4:]):
                with Horizontal(classes="targets-line"):
                    for name, key, hint in line:
                        yield Label(t(key), classes="targets-label")
                        yield Input(placeholder=t(hint), id=f"t-{name}", classes=f"targets-box targets-{name}")
        yield Static(id="targets-error", classes="error")
        yield Static(id="targets-summary", classes="summary")
        yield DataTable(id="targets-table", cursor_type="row", zebra_stripes=True)
        yield Static(t("targets.none"), id="targets-empty", classes="empty")
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#targets-title", Static).update(Content(t("targets.title", date=self.app.today().isoformat())))
        table = self.query_one("#targets-table", DataTable)
        table.add_column("", key="mark", width=1)
        table.add_column(t("targets.col_client"), key="client", width=12)
        table.add_column(t("targets.col_phone"), key="phone", width=13)
        table.add_column(t("targets.col_tier"), key="tier", width=8)
        table.add_column(t("targets.col_amount"), key="amount", width=16)
        table.add_column(t("targets.col_maturity"), key="maturity", width=10)
        table.add_column(t("targets.col_birthday"), key="birthday", width=10)
        table.add_column(t("targets.col_contact"), key="contact", width=12)
        self.query_one("#targets-empty").display = False
        self.query_one("#targets-error").display = False
        self.query_one("#t-maturing", Input).focus()
        self._loading = True
        self.load(self.filter, 0, PAGE)

    # --- the filter -----------------------------------------------------------------------------------

    def read_boxes(self) -> targets.TargetFilter:
        """The filter the boxes ask for (DomainError naming the box that reads wrong)."""
        def box(name: str) -> str:
            return self.query_one(f"#t-{name}", Input).value

        tiers = [tier for tier in TIERS if self.query_one(f"#t-tier-{tier}", Checkbox).value]
        return targets.build_filter(
            tiers=tiers, risks=[box("risk")], tags=box("tags"), maturing=box("maturing"),
            min_amount=box("min_amount"), no_rollover=self.query_one("#t-no_rollover", Checkbox).value,
            product=box("product"), birthday_month=box("birthday_month"), since_contact=box("since_contact"),
            request=box("request"))

    def set_boxes(self, f: targets.TargetFilter) -> None:
        """Show a filter in the boxes (a saved list opened); the list follows."""
        for tier in TIERS:
            self.query_one(f"#t-tier-{tier}", Checkbox).value = tier in f.tiers
        self.query_one("#t-no_rollover", Checkbox).value = f.no_rollover
        values = {
            "maturing": "" if f.maturing_days is None else str(f.maturing_days),
            "min_amount": "" if f.min_amount_fen is None else format_amount(f.min_amount_fen, short=True).replace(",", ""),
            "since_contact": "" if f.since_contact_days is None else str(f.since_contact_days),
            "birthday_month": "" if f.birthday_month is None else str(f.birthday_month),
            "product": f.product, "request": f.request, "risk": " ".join(f.risks), "tags": " ".join(f.tags),
        }
        for name, value in values.items():
            self.query_one(f"#t-{name}", Input).value = value
        self._changed()

    @on(Input.Changed, ".targets-box")
    @on(Checkbox.Changed)
    def _changed(self) -> None:
        self.pending = True
        if self._timer is not None:
            self._timer.stop()
        self._timer = self.set_timer(DEBOUNCE, self.apply, name="targets-debounce")

    @on(Input.Submitted, ".targets-box")
    def _submitted(self) -> None:
        self.apply()
        table = self.query_one("#targets-table", DataTable)
        if table.row_count:
            table.focus()

    def apply(self) -> None:
        """Read the boxes and work the list out again (at once: the debounce calls this)."""
        if self._timer is not None:
            self._timer.stop()
            self._timer = None
        error = self.query_one("#targets-error", Static)
        try:
            f = self.read_boxes()
        except DomainError as exc:
            error.update(error_text(exc, limit=120))
            error.display = True
            self.pending = False
            return
        error.update("")
        error.display = False
        if f == self.filter and (self._loading or self.shown == f):
            if not self._loading:  # already on screen (else on its way)
                self.pending = False
            return
        self.filter = f
        self._loading = True
        self.load(f, 0, PAGE)

    def reload(self) -> None:
        """The book changed (or privacy mode): the same filter again, keeping what was scrolled in."""
        if self.is_mounted:
            self._loading = True
            self.load(self.filter, 0, max(PAGE, len(self._rows)))

    @work(thread=True, exclusive=True, group="targets", exit_on_error=False)
    def load(self, f: targets.TargetFilter, offset: int, want: int) -> None:
        found = targets.search(self.app.book, f, self.app.today(), limit=want, offset=offset)
        self.app.call_from_thread(self._show, f, found)

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        # TellsWorkerErrors tells a failure (its handler runs too); here the screen stops waiting
        if event.state in (WorkerState.ERROR, WorkerState.CANCELLED):
            if not any(w.node is self and w.state in (WorkerState.PENDING, WorkerState.RUNNING)
                       for w in self.workers):
                self._loading = False
                self.pending = self._timer is not None

    # --- showing ------------------------------------------------------------------------------------

    def _show(self, f: targets.TargetFilter, found: targets.TargetPage) -> None:
        if f != self.filter:
            return  # the filter changed since: its own list is on its way
        table = self.query_one("#targets-table", DataTable)
        if found.offset == 0:
            keep = table.cursor_row
            table.clear()
            self._rows = []
        elif found.offset != len(self._rows):
            return  # a page that no longer fits
        else:
            keep = None
        privacy = self.app.privacy
        for row in found.rows:
            self._rows.append(row)
            table.add_row(*self._cells(row, privacy), key=str(row.client_id))
        self._count = found.count
        self.shown = f
        self._loading = False
        self.pending = self._timer is not None
        summary = t("targets.summary", count=found.count,
                    total=format_amount(found.total_fen, privacy, symbol=True, short=True))
        what = visible(targets.describe(f), one_line=True, limit=160)
        self.query_one("#targets-summary", Static).update(Content(summary + "  ·  " + what))
        self.query_one("#targets-empty").display = not self._rows
        table.display = bool(self._rows)
        if keep is not None and self._rows:
            table.move_cursor(row=min(keep, len(self._rows) - 1))

    def _cells(self, row: targets.TargetRow, privacy: bool) -> list[Text]:
        style = "dim" if row.do_not_call else ""
        name = visible(row.name, one_line=True, limit=12) if row.name else t("card.stub")
        return [
            Text("⊘" if row.do_not_call else ""),
            Text(name, style=style if row.name else "italic"),
            Text(phone(row.phones[0], privacy) if row.phones else "", style=style),
            Text(label("tier", row.tier), style=style),
            Text(format_amount(row.amount_fen, privacy, symbol=True, short=True), style=style or "bold", justify="right"),
            Text(row.next_maturity.isoformat() if row.next_maturity else "", style=style),
            Text(row.birthday.isoformat() if row.birthday else "", style=style),
            Text(row.last_contact.isoformat() if row.last_contact else t("targets.never"), style=style or
                 ("" if row.last_contact else "italic")),
        ]

    @on(DataTable.RowHighlighted, "#targets-table")
    def _page_on(self, event: DataTable.RowHighlighted) -> None:
        if len(self._rows) < self._count and not self._loading and event.cursor_row >= len(self._rows) - 5:
            self._loading = True
            self.load(self.filter, len(self._rows), PAGE)

    @on(DataTable.RowSelected, "#targets-table")
    def _open(self, event: DataTable.RowSelected) -> None:
        if 0 <= event.cursor_row < len(self._rows):
            self.app.open_client(self._rows[event.cursor_row].client_id)

    # --- saved lists --------------------------------------------------------------------------------

    def action_save_list(self) -> None:
        from memo.screens.form import Field, FormDialog

        try:
            f = self.read_boxes()
        except DomainError as exc:
            self.notify(t(exc.code, value=exc.value), severity="error", markup=False)
            return
        book = self.app.book

        def save(values: dict) -> str:
            return targets.save_list(book, values["name"], f)

        subtitle = Content(visible(targets.describe(f), one_line=True))
        dialog = FormDialog(t("targets.save_title"), [Field("name", t("targets.list_name"))], save, subtitle=subtitle)
        self.app.push_screen(dialog, self._saved)

    def _saved(self, name: str | None) -> None:
        if name is not None:
            self.notify(t("targets.saved", name=visible(name, one_line=True)), markup=False)

    def action_open_list(self) -> None:
        self._open_dialog(targets.lists(self.app.book))

    def _open_dialog(self, saved: list[tuple[str, targets.TargetFilter]]) -> None:
        from memo.screens.form import Field, FormDialog

        if not saved:
            self.notify(t("targets.no_lists"))
            return
        by_name = dict(saved)
        # names and words are the manager's text: Content, never markup
        options = [(Content(visible(f"{name} — {targets.describe(f)}", one_line=True, limit=70)), name)
                   for name, f in saved]

        def pick(values: dict) -> tuple[str, targets.TargetFilter]:
            return values["name"], by_name[values["name"]]

        fields = [Field("name", t("targets.pick"), saved[0][0], options=options)]
        self.app.push_screen(FormDialog(t("targets.open_title"), fields, pick), self._opened)

    def _opened(self, picked: tuple[str, targets.TargetFilter] | None) -> None:
        if picked is None:
            return
        name, f = picked
        self.set_boxes(f)
        self.notify(t("targets.opened", name=visible(name, one_line=True)), markup=False)

    def action_clear(self) -> None:
        self.set_boxes(targets.TargetFilter())

    def action_back(self) -> None:
        self.dismiss()
