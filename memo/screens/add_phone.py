"""Add a phone number (and who it belongs to) to a client."""

from __future__ import annotations

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Label, Static

from memo import ops
from memo.i18n import t
from memo.text import visible
from memo.widgets.render import translate_bindings


class AddPhoneDialog(ModalScreen[bool]):
    BINDINGS = [Binding("escape", "cancel", "dialog.cancel")]

    def __init__(self, client_id: int) -> None:
        super().__init__()
        translate_bindings(self)
        self.client_id = client_id

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog", id="phone-dialog"):
            yield Static(t("phone.add_title"), classes="dialog-title")
            yield Label(t("phone.number"))
            yield Input(id="phone-number", placeholder="13800138000")
            yield Label(t("phone.label"))
            yield Input(id="phone-label")
            yield Static(id="phone-error", classes="error")
            with Horizontal(classes="buttons"):
                yield Button(t("dialog.ok"), variant="primary", id="phone-ok")
                yield Button(t("dialog.cancel"), id="phone-cancel")

    @on(Input.Submitted)
    @on(Button.Pressed, "#phone-ok")
    def _ok(self) -> None:
        self.save(self.query_one("#phone-number", Input).value, self.query_one("#phone-label", Input).value)

    @work(thread=True, exclusive=True, exit_on_error=False)
    def save(self, number: str, phone_label: str) -> None:
        try:
            ops.add_phone(self.app.book, self.client_id, number, phone_label)
        except ops.DomainError as exc:
            message = Content(visible(t(exc.code, value=exc.value), one_line=True))
            self.app.call_from_thread(self.query_one("#phone-error", Static).update, message)
            return
        self.app.call_from_thread(self._close)

    def _close(self) -> None:
        self.dismiss(True)  # not awaited: the pop would wait for the worker calling us

    @on(Button.Pressed, "#phone-cancel")
    def action_cancel(self) -> None:
        self.dismiss(False)
