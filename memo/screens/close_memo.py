"""Resolve or drop an open request, with a line saying how or why."""

from __future__ import annotations

from functools import partial

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.screen import ModalScreen, Screen
from textual.widgets import Button, Input, Label, Static

from memo import ops
from memo.i18n import t
from memo.text import visible
from memo.widgets.render import phone, translate_bindings
from memo.widgets.errors import TellsWorkerErrors


class CloseMemoDialog(TellsWorkerErrors, ModalScreen[str | None]):
    """Asks for the resolution (or the reason to drop); returns it, or None if cancelled."""

    BINDINGS = [Binding("escape", "cancel", "dialog.cancel")]

    def __init__(self, memo: ops.MemoView, status: str) -> None:
        super().__init__()
        translate_bindings(self)
        self.memo = memo
        self.status = status

    def compose(self) -> ComposeResult:
        done = self.status == "done"
        title_key, prompt_key = ("resolve.title", "resolve.how") if done else ("drop.title", "drop.why")
        with Vertical(classes="dialog", id="close-dialog"):
            yield Static(Content(t(title_key, text=visible(self.memo.text, one_line=True, limit=60))),
                         classes="dialog-title")
            if self.memo.client_id is not None:
                who = visible(self.memo.client_name or t("card.stub"), one_line=True)
                numbers = " · ".join(phone(n, self.app.privacy) for n in self.memo.phones[:2])
                yield Static(Content(f"{who}  {numbers}"), classes="hint")
            yield Label(t(prompt_key))
            yield Input(id="close-note")
            with Horizontal(classes="buttons"):
                yield Button(t("dialog.ok"), variant="primary", id="close-ok")
                yield Button(t("dialog.cancel"), id="close-cancel")

    @on(Input.Submitted, "#close-note")
    @on(Button.Pressed, "#close-ok")
    def _ok(self) -> None:
        self.dismiss(self.query_one("#close-note", Input).value)

    @on(Button.Pressed, "#close-cancel")
    def action_cancel(self) -> None:
        self.dismiss(None)


def close_memo(screen: Screen, memo: ops.MemoView, status: str) -> None:
    """Ask, then write in a thread; every screen reloads after."""
    app = screen.app

    def save(note: str) -> None:
        closer = ops.resolve_memo if status == "done" else ops.drop_memo
        try:
            closer(app.book, memo.id, note)
        except ops.DomainError as exc:
            app.call_from_thread(app.notify, t(exc.code, value=exc.value), severity="error", markup=False)
        app.call_from_thread(app.book_changed)

    def done(note: str | None) -> None:
        if note is not None:
            app.run_worker(partial(save, note), thread=True, exit_on_error=False, group="write")

    app.push_screen(CloseMemoDialog(memo, status), done)
