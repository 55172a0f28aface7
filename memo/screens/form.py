"""A small form dialog: labelled fields, one save that runs in a thread, errors shown in place.

The caller gives the fields and a `save(values) -> result` function from the headless core;
a DomainError names its field, which gets the focus and the message. The dialog returns the
result, or None when cancelled.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Button, Checkbox, Input, Label, Select, Static

from memo.i18n import t
from memo.text import visible
from memo.widgets.render import box_text, error_text, translate_bindings, typed_text
from memo.widgets.errors import TellsWorkerErrors


@dataclass
class Field:
    name: str
    label: str
    value: Any = ""
    placeholder: str = ""
    options: list[tuple[str, str]] | None = None  # a Select of (label, value)
    checkbox: bool = False
    hint: str = ""
    extra: dict = field(default_factory=dict)


class FormDialog(TellsWorkerErrors, ModalScreen[Any]):
    BINDINGS = [
        Binding("escape", "cancel", "dialog.cancel"),
        Binding("ctrl+s", "save", "jot.save", priority=True),
    ]

    def __init__(self, title: str, fields: list[Field], save: Callable[[dict], Any], *,
                 subtitle: Content | None = None, compact: bool = False) -> None:
        super().__init__(classes="compact" if compact else None)
        translate_bindings(self)
        self.form_title = title
        self.subtitle = subtitle
        self.fields = fields
        self._save_fn = save

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog form-dialog"):
            yield Static(Content(visible(self.form_title, one_line=True)), classes="dialog-title")  # may hold a product name
            if self.subtitle is not None:
                yield Static(self.subtitle, classes="hint")
            for f in self.fields:
                if f.checkbox:
                    yield Checkbox(f.label, bool(f.value), id=f"f-{f.name}")
                    continue
                yield Label(f.label)
                if f.options is not None:
                    # a Select reads str prompts as markup: options may hold user text (a memo, a list name)
                    options = [(o if isinstance(o, Content) else Content(visible(o, one_line=True)), v)
                               for o, v in f.options]
                    yield Select(options, value=f.value, id=f"f-{f.name}", allow_blank=False)
                else:
                    yield Input(box_text(str(f.value or "")), placeholder=f.placeholder, id=f"f-{f.name}")
                if f.hint:
                    yield Static(f.hint, classes="hint", markup=False)
            yield Static(id="form-error", classes="error")
            with Horizontal(classes="buttons"):
                yield Button(t("dialog.ok"), variant="primary", id="form-ok")
                yield Button(t("dialog.cancel"), id="form-cancel")

    def on_mount(self) -> None:
        # Start in the first text box, where Enter saves (Enter on a Select opens it instead).
        boxes = self.query(Input)
        if boxes:
            boxes.first().focus()

    def values(self) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for f in self.fields:
            widget = self.query_one(f"#f-{f.name}")
            out[f.name] = typed_text(widget.value, str(f.value or "")) if isinstance(widget, Input) else widget.value
        return out

    @on(Input.Submitted)
    @on(Button.Pressed, "#form-ok")
    def action_save(self) -> None:
        self._run(self.values())

    @work(thread=True, exclusive=True, group="form", exit_on_error=False)
    def _run(self, values: dict) -> None:
        from memo.ops import DomainError

        try:
            result = self._save_fn(values)
        except DomainError as exc:
            self.app.call_from_thread(self._failed, exc)
            return
        self.app.call_from_thread(self._close, result)

    def _close(self, result: Any) -> None:
        self.dismiss(result)  # not awaited: the pop would wait for the worker calling us

    def _failed(self, exc) -> None:  # noqa: ANN001
        self.query_one("#form-error", Static).update(error_text(exc))
        if exc.field and self.query(f"#f-{exc.field}"):
            self.query_one(f"#f-{exc.field}").focus()

    @on(Button.Pressed, "#form-cancel")
    def action_cancel(self) -> None:
        self.dismiss(None)
