"""The profile form that takes the place of the profile on the card while editing."""

from __future__ import annotations

from dataclasses import dataclass

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.message import Message
from textual.widgets import Checkbox, Input, Label, Select, Static

from memo import ops
from memo.i18n import label, t
from memo.models import RISKS, TIERS
from memo.widgets.render import box_text, error_text, translate_bindings, typed_text

_TEXT_FIELDS = ("name", "honorific", "birthday", "client_since", "tags", "call_hours", "profile")


class ProfileEditor(Vertical):
    BINDINGS = [Binding("ctrl+s", "save", "jot.save", id="profile.save")]

    @dataclass
    class Saved(Message):
        card: ops.ClientCard

    class Cancelled(Message):
        pass

    def __init__(self, id: str | None = None) -> None:
        super().__init__(id=id)
        translate_bindings(self)
        self.client_id: int | None = None
        self._stored: dict[str, str] = {}  # the text fields as load() had them

    def compose(self) -> ComposeResult:
        for name in _TEXT_FIELDS[:3]:
            yield Label(t(f"card.field.{name}"))
            yield Input(id=f"edit-{name}")
        yield Label(t("card.field.tier"))
        yield Select([(label("tier", c), c) for c in TIERS], id="edit-tier", allow_blank=False)
        yield Label(t("card.field.risk"))
        yield Select([(r, r) for r in RISKS], id="edit-risk", prompt="-")
        for name in _TEXT_FIELDS[3:]:
            yield Label(t(f"card.field.{name}"))
            yield Input(id=f"edit-{name}")
        yield Checkbox(t("card.field.do_not_call"), id="edit-do_not_call")
        yield Static(id="edit-error", classes="error")

    def load(self, card: ops.ClientCard) -> None:
        self.client_id = card.id
        values = {
            "name": card.name,
            "honorific": label("honorific", card.honorific),
            "birthday": card.birthday.iso() if card.birthday else "",
            "client_since": card.client_since.isoformat() if card.client_since else "",
            "tags": " ".join(card.tags),
            "call_hours": card.call_hours,
            "profile": card.profile,
        }
        self._stored = values
        for name, value in values.items():
            self.query_one(f"#edit-{name}", Input).value = box_text(value)
        self.query_one("#edit-tier", Select).value = card.tier
        self.query_one("#edit-risk", Select).value = card.risk if card.risk else Select.NULL
        self.query_one("#edit-do_not_call", Checkbox).value = card.do_not_call
        self.query_one("#edit-error", Static).update("")

    def focus_first(self) -> None:
        self.query_one("#edit-name", Input).focus()

    @on(Input.Submitted)
    def action_save(self) -> None:
        raw: dict[str, object] = {n: typed_text(self.query_one(f"#edit-{n}", Input).value, self._stored.get(n, ""))
                                  for n in _TEXT_FIELDS}
        risk = self.query_one("#edit-risk", Select).value
        raw["risk"] = "" if risk is Select.NULL else str(risk)
        raw["tier"] = str(self.query_one("#edit-tier", Select).value)
        raw["do_not_call"] = self.query_one("#edit-do_not_call", Checkbox).value
        self.save(raw)

    @work(thread=True, exclusive=True, group="profile", exit_on_error=False)
    def save(self, raw: dict[str, object]) -> None:
        try:
            card = ops.edit_client(self.app.book, self.client_id, **raw)
        except ops.DomainError as exc:
            self.app.call_from_thread(self._error, exc)
            return
        self.app.call_from_thread(self.post_message, self.Saved(card))

    def _error(self, exc: ops.DomainError) -> None:
        field = f" ({t('card.field.' + exc.field)})" if exc.field and f"card.field.{exc.field}" in _FIELD_KEYS else ""
        self.query_one("#edit-error", Static).update(error_text(exc, field))
        if exc.field in _TEXT_FIELDS:
            self.query_one(f"#edit-{exc.field}", Input).focus()


_FIELD_KEYS = {f"card.field.{n}" for n in (*_TEXT_FIELDS, "tier", "risk", "do_not_call")}
