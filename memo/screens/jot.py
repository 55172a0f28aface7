"""Quick jot: who, what, by when. Enter saves. A half-typed draft survives the app being killed."""

from __future__ import annotations

import datetime as dt
import threading

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.screen import ModalScreen
from textual.timer import Timer
from textual.widgets import Button, Input, Label, OptionList, Select, Static
from textual.widgets.option_list import Option

from memo import ops
from memo.i18n import label, t
from memo.drafts import save_draft
from memo.models import MEMO_KINDS
from memo.phones import PhoneError, normalize_phone
from memo.text import visible
from memo.when import WhenError, parse_when
from memo.widgets.hits import hit_prompt
from memo.widgets.render import error_text, translate_bindings, weekday
from memo.widgets.errors import TellsWorkerErrors

DRAFT_DELAY = 0.4  # seconds of quiet before the draft is written
SUGGESTIONS = 6


class JotDialog(TellsWorkerErrors, ModalScreen[ops.JotResult | None]):
    BINDINGS = [
        Binding("escape", "cancel", "jot.cancel", id="jot.cancel"),
        Binding("ctrl+s", "save", "jot.save", id="jot.save", priority=True),
        Binding("down", "suggest(1)", show=False),
        Binding("up", "suggest(-1)", show=False),
    ]

    def __init__(self, client_id: int | None = None, draft: dict | None = None) -> None:
        super().__init__()
        translate_bindings(self)
        draft = draft or {}
        self.client_id: int | None = client_id or draft.get("client_id")
        self._draft = draft
        self._hits: list[ops.search.Hit] = []
        self._draft_timer: Timer | None = None
        self._draft_lock = threading.Lock()
        self._finished = False  # (not `_closed`: MessagePump owns that name)
        self._settling = True  # programmatic value changes while mounting are not edits

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog", id="jot-dialog"):
            yield Static(t("jot.title"), classes="dialog-title")
            yield Label(t("jot.who"))
            yield Input(self._draft.get("who", ""), placeholder=t("jot.who_placeholder"), id="who")
            yield OptionList(id="who-hits")
            yield Static(id="who-status", classes="hint")
            yield Label(t("jot.what"))
            yield Input(self._draft.get("what", ""), placeholder=t("jot.what_placeholder"), id="what")
            with Horizontal(id="jot-when-row"):
                with Vertical(id="jot-when-col"):
                    yield Label(t("jot.when"))
                    yield Input(self._draft.get("when", ""), placeholder=t("jot.when_placeholder"), id="when")
                with Vertical(id="jot-kind-col"):
                    yield Label(t("jot.kind"))
                    yield Select([(label("kind", k), k) for k in MEMO_KINDS], id="kind",
                                 value=self._draft.get("kind", "request"), allow_blank=False)
            yield Static(id="when-preview", classes="hint")
            yield Static(id="jot-error", classes="error")
            with Horizontal(classes="buttons"):
                yield Button(t("jot.save"), variant="primary", id="jot-save")
                yield Button(t("jot.cancel"), id="jot-cancel")

    def on_mount(self) -> None:
        self.query_one("#who-hits").display = False
        self._preview_quietly(self.query_one("#when", Input).value)
        if self.client_id is not None and not self._draft.get("who"):
            self._fill_client(self.client_id)
            self.query_one("#what", Input).focus()
        elif self._draft:
            self.query_one("#what", Input).focus()
        else:
            self.query_one("#who", Input).focus()
        self.call_after_refresh(self._settled)

    def _settled(self) -> None:
        self._settling = False

    @work(thread=True, exit_on_error=False, group="jot-client")
    def _fill_client(self, client_id: int) -> None:
        card = ops.show(self.app.book, client_id, timeline_limit=0)
        self.app.call_from_thread(self._show_client, card)

    def _show_client(self, card: ops.ClientCard) -> None:
        self._settling = True
        who = self.query_one("#who", Input)
        who.value = card.name or (card.phones[0].number if card.phones else f"#{card.id}")
        self.client_id = card.id
        self._status(Content("✓ ") + Content(visible(card.name or t("card.stub"), one_line=True)))
        self.call_after_refresh(self._settled)

    # --- who: completed from the book as you type --------------------------------------------

    @on(Input.Changed, "#who")
    def _who_changed(self, event: Input.Changed) -> None:
        if self._settling:
            return
        self.client_id = None
        self._schedule_draft()
        self.suggest(event.value)

    @work(thread=True, exclusive=True, group="jot-suggest", exit_on_error=False)
    def suggest(self, query: str) -> None:
        hits = ops.find(self.app.book, query, limit=SUGGESTIONS) if query.strip() else []
        self.app.call_from_thread(self._show_hits, query, hits)

    def _show_hits(self, query: str, hits: list) -> None:
        if query != self.query_one("#who", Input).value:
            return
        self._hits = hits
        box = self.query_one("#who-hits", OptionList)
        box.clear_options()
        box.add_options(Option(hit_prompt(h, self.app.privacy), id=str(h.id)) for h in hits)
        box.display = bool(hits)
        if hits:
            box.highlighted = 0
            self._status(Content(t("jot.choose")))
        elif query.strip():
            try:
                normalize_phone(query)
                self._status(Content(t("jot.will_create")))
            except PhoneError as exc:
                self._status(error_text(exc) if query.strip().isdigit() and len(query) >= 7 else Content(""))
        else:
            self._status(Content(""))

    def action_suggest(self, step: int) -> None:
        box = self.query_one("#who-hits", OptionList)
        if self.focused is self.query_one("#who") and box.display and self._hits:
            current = box.highlighted or 0
            box.highlighted = max(0, min(len(self._hits) - 1, current + step))
        else:
            self.focus_next() if step > 0 else self.focus_previous()

    def _choose(self, index: int) -> None:
        hit = self._hits[index]
        self._settling = True
        self.query_one("#who", Input).value = hit.name or (hit.phones[0] if hit.phones else f"#{hit.id}")
        self.client_id = hit.id
        self.query_one("#who-hits").display = False
        self._status(Content("✓ ") + hit_prompt(hit, self.app.privacy))
        self.call_after_refresh(self._settled)
        self._schedule_draft()
        self.query_one("#what", Input).focus()

    @on(Input.Submitted, "#who")
    def _who_submitted(self) -> None:
        box = self.query_one("#who-hits", OptionList)
        if box.display and self._hits and box.highlighted is not None:
            self._choose(box.highlighted)
        else:
            self.query_one("#what", Input).focus()

    @on(OptionList.OptionSelected, "#who-hits")
    def _picked(self, event: OptionList.OptionSelected) -> None:
        self._choose(event.option_index)

    def _status(self, content: Content) -> None:
        self.query_one("#who-status", Static).update(content)

    # --- when: read as you type -----------------------------------------------------------------

    @on(Input.Changed, "#when")
    def _when_changed(self, event: Input.Changed) -> None:
        self._preview_quietly(event.value)
        if not self._settling:
            self._schedule_draft()

    def _preview_when(self, text: str) -> dt.date | None:
        preview = self.query_one("#when-preview", Static)
        try:
            due = parse_when(text, self.app.today())
        except WhenError as exc:
            preview.update(error_text(exc).stylize("$text-error"))
            raise
        preview.update(Content(t("jot.when_is", date=due.isoformat(), weekday=weekday(due))) if due else Content(""))
        return due

    def _preview_quietly(self, text: str) -> None:
        try:
            self._preview_when(text)
        except WhenError:
            pass

    @on(Input.Changed, "#what")
    @on(Select.Changed, "#kind")
    def _edited(self) -> None:
        if not self._settling:
            self._schedule_draft()

    # --- the draft --------------------------------------------------------------------------------

    def _values(self) -> dict:
        return {
            "who": self.query_one("#who", Input).value,
            "what": self.query_one("#what", Input).value,
            "when": self.query_one("#when", Input).value,
            "kind": self.query_one("#kind", Select).value,
            "client_id": self.client_id,
        }

    def _schedule_draft(self) -> None:
        if self._draft_timer is not None:
            self._draft_timer.stop()
        self._draft_timer = self.set_timer(DRAFT_DELAY, self._write_draft)

    def _write_draft(self) -> None:
        values = self._values()
        empty = not any(values[k].strip() for k in ("who", "what", "when"))
        self._store_draft(None if empty else values)

    @work(thread=True, group="jot-draft", exit_on_error=False)
    def _store_draft(self, values: dict | None) -> None:
        with self._draft_lock:
            if not self._finished:
                save_draft(self.app.book, values)

    def _forget_draft(self) -> None:
        """Called in a worker thread once the dialog is done with, saved or cancelled."""
        with self._draft_lock:
            self._finished = True
            save_draft(self.app.book, None)

    # --- save and cancel --------------------------------------------------------------------------

    @on(Input.Submitted, "#what")
    @on(Input.Submitted, "#when")
    @on(Button.Pressed, "#jot-save")
    def action_save(self) -> None:
        values = self._values()
        error = self.query_one("#jot-error", Static)
        if not values["what"].strip():
            error.update(Content(t("jot.need_text")))
            self.query_one("#what", Input).focus()
            return
        try:
            due = self._preview_when(values["when"])
        except WhenError as exc:
            error.update(error_text(exc))
            self.query_one("#when", Input).focus()
            return
        error.update("")
        if self._draft_timer is not None:
            self._draft_timer.stop()
        who = self.client_id if self.client_id is not None else values["who"]
        self._save(values["what"], who, due, values["kind"])

    @work(thread=True, exclusive=True, group="jot-save", exit_on_error=False)
    def _save(self, what: str, who: int | str, due: dt.date | None, kind: str) -> None:
        try:
            result = ops.jot(self.app.book, what, who, due=due, kind=kind, now=self.app.now())
        except ops.AmbiguousClient as exc:
            self.app.call_from_thread(self._ambiguous, exc)
            return
        except ops.DomainError as exc:
            self.app.call_from_thread(self._failed, exc)
            return
        self._forget_draft()
        self.app.call_from_thread(self._close, result)

    def _close(self, result: ops.JotResult) -> None:
        # Not `call_from_thread(self.dismiss)`: that would await the pop, which waits for this
        # very worker to finish.
        self.dismiss(result)

    def _failed(self, exc: ops.DomainError) -> None:
        self.query_one("#jot-error", Static).update(error_text(exc))
        if exc.field == "who":
            self.query_one("#who", Input).focus()

    def _ambiguous(self, exc: ops.AmbiguousClient) -> None:
        self._failed(exc)
        self._show_hits(self.query_one("#who", Input).value, exc.candidates)

    @on(Button.Pressed, "#jot-cancel")
    def action_cancel(self) -> None:
        if self._draft_timer is not None:
            self._draft_timer.stop()
        self.app.run_worker(self._forget_draft, thread=True, exit_on_error=False)
        self.dismiss(None)
