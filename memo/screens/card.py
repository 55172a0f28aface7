"""The client card: profile (edited in place), phones, open requests, and the timeline."""

from __future__ import annotations

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.content import Content
from textual.screen import Screen
from textual.widgets import Footer, OptionList, Static
from textual.widgets.option_list import Option

from memo import ops
from memo.i18n import label, t
from memo.widgets.profile import ProfileEditor
from memo.widgets.render import client_name, phone, translate_bindings, user_text


class ClientCardScreen(Screen):
    BINDINGS = [
        Binding("escape", "back", "app.back", id="card.back"),
        Binding("e", "edit", "card.edit", id="card.edit"),
        Binding("p", "add_phone", "card.add_phone", id="card.add_phone"),
        Binding("d", "close_memo('done')", "card.resolve", id="card.resolve"),
        Binding("x", "close_memo('dropped')", "card.drop", id="card.drop"),
        Binding("j", "jot_here", "card.jot_here", id="card.jot"),
    ]

    def __init__(self, client_id: int) -> None:
        super().__init__()
        translate_bindings(self)
        self.client_id = client_id
        self.card: ops.ClientCard | None = None

    def compose(self) -> ComposeResult:
        yield Static(id="card-head", classes="screen-head title")
        with Horizontal(id="card-body"):
            with VerticalScroll(id="card-left"):
                yield Static(t("card.profile"), classes="section")
                yield Static(id="profile-view")
                yield ProfileEditor(id="profile-edit")
                yield Static(t("card.phones"), classes="section")
                yield Static(id="phones")
            with Vertical(id="card-right"):
                yield Static(t("card.open"), classes="section", id="open-title")
                yield OptionList(id="open")
                yield Static(t("card.timeline"), classes="section")
                yield OptionList(id="timeline")
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#profile-edit").display = False
        self.reload()

    def reload(self) -> None:
        self.load()

    @work(thread=True, exclusive=True, group="card", exit_on_error=False)
    def load(self) -> None:
        try:
            card = ops.show(self.app.book, self.client_id)
        except ops.DomainError:
            card = None
        self.app.call_from_thread(self._show, card)

    def _show(self, card: ops.ClientCard | None) -> None:
        if card is None:
            self.app.notify(t("card.not_found"), severity="warning")
            self.dismiss()
            return
        first = self.card is None
        self.card = card
        privacy = self.app.privacy
        head = [client_name(card.name).stylize("bold")]
        if card.honorific:
            head.append(Content(" " + label("honorific", card.honorific)))
        head.append(Content("  ·  " + label("tier", card.tier)))
        if card.risk:
            head.append(Content("  ·  " + card.risk))
        if card.do_not_call:
            head.append(Content("  ·  " + t("card.dnc")).stylize("bold $text-error"))
        self.query_one("#card-head", Static).update(Content("").join(head))
        self.query_one("#profile-view", Static).update(self._profile(card))
        phones = [Content.assemble((phone(p.number, privacy), "bold"), "  ", user_text(p.label))
                  for p in card.phones]
        self.query_one("#phones", Static).update(Content("\n").join(phones) if phones else Content("-"))
        self._fill_open(card)
        self._fill_timeline(card)
        if first:
            target = "#open" if card.open_memos else "#timeline"
            self.query_one(target, OptionList).focus()
            if card.is_stub:
                self.app.notify(t("card.stub_hint"))

    def _profile(self, card: ops.ClientCard) -> Content:
        rows: list[tuple[str, Content]] = []
        if card.birthday:
            key, values = card.birthday.label()
            text = t(key, **values) + (f"  ({card.birthday.year})" if card.birthday.year else "")
            rows.append(("card.field.birthday", Content(text)))
        if card.risk:
            rows.append(("card.field.risk", Content(card.risk)))
        if card.client_since:
            rows.append(("card.field.client_since", Content(card.client_since.isoformat())))
        if card.tags:
            rows.append(("card.field.tags", user_text(" ".join(card.tags))))
        if card.call_hours:
            rows.append(("card.field.call_hours", user_text(card.call_hours)))
        if card.profile:
            rows.append(("card.field.profile", user_text(card.profile, one_line=False)))
        if card.is_stub:
            rows.insert(0, ("card.field.name", Content(t("card.stub_hint")).stylize("$text-warning")))
        lines = [Content.assemble((t(key) + ": ", "$text-muted"), value) for key, value in rows]
        return Content("\n").join(lines) if lines else Content("-")

    def _fill_open(self, card: ops.ClientCard) -> None:
        widget = self.query_one("#open", OptionList)
        keep = widget.highlighted
        widget.clear_options()
        for memo in card.open_memos:
            parts = [user_text(memo.text, limit=300)]
            if memo.due:
                late = memo.due < self.app.today()
                parts.append(Content("  " + t("card.due", date=memo.due.isoformat()))
                             .stylize("bold $text-error" if late else "$text-warning"))
            parts.append(Content(f"  {label('kind', memo.kind)} · {memo.created_at:%Y-%m-%d}").stylize("$text-muted"))
            widget.add_option(Option(Content("").join(parts), id=str(memo.id)))
        if not card.open_memos:
            widget.add_option(Option(Content(t("card.no_open")).stylize("$text-muted"), disabled=True))
        else:
            widget.highlighted = min(keep or 0, len(card.open_memos) - 1)

    def _fill_timeline(self, card: ops.ClientCard) -> None:
        widget = self.query_one("#timeline", OptionList)
        widget.clear_options()
        for item in card.timeline:
            stamp = Content(f"{item.at:%Y-%m-%d %H:%M}  ").stylize("$text-muted")
            if item.memo:
                m = item.memo
                # A fact has no status worth showing; a request or callback has.
                tag = label("kind", m.kind) if m.kind == "fact" else f"{label('kind', m.kind)}/{label('status', m.status)}"
                tag = Content(tag + "  ")
                body = user_text(m.text, limit=300)
                if m.resolution:
                    key = "card.resolved_with" if m.status == "done" else "card.dropped_with"
                    body = body + Content("  " + t(key, text="")) + user_text(m.resolution, limit=200)
                if m.status != "open":
                    body = body.stylize("$text-muted")
                line = Content("").join([stamp, tag, body])
            else:
                c = item.contact
                line = Content("").join([
                    stamp,
                    Content(t("card.contact_line", channel=label("channel", c.channel),
                              outcome=label("outcome", c.outcome)) + "  "),
                    user_text(c.note, limit=300),
                ])
            widget.add_option(Option(line))
        if not card.timeline:
            widget.add_option(Option(Content(t("card.no_timeline")).stylize("$text-muted"), disabled=True))

    # --- actions ------------------------------------------------------------------------------

    def action_back(self) -> None:
        editor = self.query_one("#profile-edit", ProfileEditor)
        if editor.display:
            self._stop_editing()
        else:
            self.dismiss()

    def action_edit(self) -> None:
        if self.card is None:
            return
        editor = self.query_one("#profile-edit", ProfileEditor)
        editor.load(self.card)
        self.query_one("#profile-view").display = False
        editor.display = True
        editor.focus_first()

    def _stop_editing(self) -> None:
        self.query_one("#profile-edit").display = False
        self.query_one("#profile-view").display = True
        self.query_one("#open", OptionList).focus()

    @on(ProfileEditor.Saved)
    def _saved(self, event: ProfileEditor.Saved) -> None:
        self._stop_editing()
        self.app.notify(t("app.saved"))
        self.app.book_changed()

    @on(ProfileEditor.Cancelled)
    def _cancelled(self) -> None:
        self._stop_editing()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        editing = self.is_mounted and self.query_one("#profile-edit").display
        if editing and action in ("edit", "add_phone", "close_memo", "jot_here"):
            return False
        return True

    def action_add_phone(self) -> None:
        from memo.screens.add_phone import AddPhoneDialog

        self.app.push_screen(AddPhoneDialog(self.client_id), lambda ok: ok and self.app.book_changed())

    def action_close_memo(self, status: str) -> None:
        from memo.screens.close_memo import close_memo

        widget = self.query_one("#open", OptionList)
        if self.card is None or not self.card.open_memos or widget.highlighted is None:
            return
        close_memo(self, self.card.open_memos[widget.highlighted], status)

    def action_jot_here(self) -> None:
        self.app.action_jot(client_id=self.client_id)
