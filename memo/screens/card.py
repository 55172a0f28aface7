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
from memo.screens import forms
from memo.screens.form import FormDialog
from memo.widgets.money import CardMoney, anchor_text, dated_line, deposit_line, fill, holding_line, load_money
from memo.widgets.profile import ProfileEditor
from memo.widgets.render import client_name, phone, translate_bindings, user_text
from memo.widgets.errors import TellsWorkerErrors


class ClientCardScreen(TellsWorkerErrors, Screen):
    BINDINGS = [
        Binding("escape", "back", "app.back", id="card.back"),
        Binding("e", "edit", "card.edit", id="card.edit"),
        Binding("p", "add_phone", "card.add_phone", id="card.add_phone"),
        Binding("d", "close_memo('done')", "card.resolve", id="card.resolve"),
        Binding("x", "close_memo('dropped')", "card.drop", id="card.drop"),
        Binding("j", "jot_here", "card.jot_here", id="card.jot"),
        Binding("m", "add_deposit", "card.add_deposit", id="card.add_deposit"),
        Binding("h", "add_holding", "card.add_holding", id="card.add_holding"),
        Binding("k", "add_keydate", "card.add_keydate", id="card.add_keydate"),
        Binding("c", "close_deposit", "card.close_deposit", id="card.close_deposit", show=False),
        Binding("u", "price_holding", "card.price", id="card.price", show=False),
    ]

    def __init__(self, client_id: int) -> None:
        super().__init__()
        translate_bindings(self)
        self.client_id = client_id
        self.card: ops.ClientCard | None = None
        self.money: CardMoney | None = None

    def compose(self) -> ComposeResult:
        yield Static(id="card-head", classes="screen-head title")
        with Horizontal(id="card-body"):
            with VerticalScroll(id="card-left"):
                yield Static(t("card.profile"), classes="section")
                yield Static(id="profile-view")
                yield ProfileEditor(id="profile-edit")
                yield Static(t("card.dates"), classes="section")
                yield OptionList(id="dates")
                yield Static(t("card.phones"), classes="section")
                yield Static(id="phones")
            with Vertical(id="card-right"):
                yield Static(t("card.open"), classes="section", id="open-title")
                yield OptionList(id="open")
                yield Static(t("card.deposits"), classes="section")
                yield OptionList(id="deposits")
                yield Static(t("card.holdings"), classes="section")
                yield OptionList(id="holdings")
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
            card = ops.show(self.app.book, self.client_id, today=self.app.today())
            money = load_money(self.app.book, self.client_id, self.app.today())
        except ops.DomainError:
            card, money = None, None
        self.app.call_from_thread(self._show, card, money)

    def _show(self, card: ops.ClientCard | None, money: CardMoney | None = None) -> None:
        if card is None:
            self.app.notify(t("card.not_found"), severity="warning")
            self.dismiss()
            return
        first = self.card is None
        self.card = card
        self.money = money
        privacy = self.app.privacy
        head = [client_name(card.name).stylize("bold")]
        if card.honorific:
            head.append(Content(" " + label("honorific", card.honorific)))
        head.append(Content("  ·  " + label("tier", card.tier)))
        if card.risk:
            head.append(Content("  ·  " + card.risk))
        if card.do_not_call:
            head.append(Content("  ·  " + t("card.dnc")).stylize("bold $text-error"))
        if card.snoozed:
            head.append(Content("  ·  " + t("today.snoozed", day=card.snoozed.until.isoformat())).stylize("$text-warning"))
        self.query_one("#card-head", Static).update(Content("").join(head))
        self.query_one("#profile-view", Static).update(self._profile(card))
        phones = [Content.assemble((phone(p.number, privacy), "bold"), "  ", user_text(p.label))
                  for p in card.phones]
        self.query_one("#phones", Static).update(Content("\n").join(phones) if phones else Content("-"))
        self._fill_open(card)
        if money is not None:
            self._fill_dates(money)
            self._fill_deposits(money)
            self._fill_holdings(money)
        self._fill_timeline(card)
        if first:
            target = "#open" if card.open_memos else "#timeline"
            self.query_one(target, OptionList).focus()
            if card.is_stub:
                self.app.notify(t("card.stub_hint"))

    def _profile(self, card: ops.ClientCard) -> Content:
        rows: list[tuple[str, Content]] = []
        if card.risk:
            rows.append(("card.field.risk", Content(card.risk)))
        if card.client_since:
            rows.append(("card.field.client_since", Content(card.client_since.isoformat())))
        if card.tags:
            rows.append(("card.field.tags", user_text(" ".join(card.tags))))
        if card.call_hours:
            rows.append(("card.field.call_hours", user_text(card.call_hours)))
        if card.snoozed and card.snoozed.note:
            rows.append(("card.field.snooze_note", user_text(card.snoozed.note, privacy=self.app.privacy)))
        if card.profile:
            rows.append(("card.field.profile", user_text(card.profile, one_line=False, privacy=self.app.privacy)))
        if card.is_stub:
            rows.insert(0, ("card.field.name", Content(t("card.stub_hint")).stylize("$text-warning")))
        lines = [Content.assemble((t(key) + ": ", "$text-muted"), value) for key, value in rows]
        return Content("\n").join(lines) if lines else Content("-")

    def _fill_open(self, card: ops.ClientCard) -> None:
        widget = self.query_one("#open", OptionList)
        keep = widget.highlighted
        widget.clear_options()
        for memo in card.open_memos:
            parts = [user_text(memo.text, limit=300, privacy=self.app.privacy)]
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

    def _fill_dates(self, money: CardMoney) -> None:
        today = self.app.today()
        dated: list[tuple] = []
        if money.birthday_next:
            dated.append((money.birthday_next, Option(dated_line(
                t("card.field.birthday"), money.birthday_text, money.birthday_next, today,
                money.birthday_age, money.birthday_round), id="birthday")))
        for kd, nxt in money.keydates:
            years = nxt.year - kd.year if kd.year else None
            dated.append((nxt, Option(dated_line(kd.label, anchor_text(kd.anchor), nxt, today, None,
                                                 False, years), id=f"kd-{kd.id}")))
        dated.sort(key=lambda pair: pair[0])  # soonest first
        fill(self.query_one("#dates", OptionList), [option for _, option in dated], "card.no_dates")

    def _fill_deposits(self, money: CardMoney) -> None:
        privacy = self.app.privacy
        rows = [Option(deposit_line(d, privacy), id=str(d.id)) for d in money.deposits]
        fill(self.query_one("#deposits", OptionList), rows, "card.no_deposits")

    def _fill_holdings(self, money: CardMoney) -> None:
        privacy = self.app.privacy
        rows = [Option(holding_line(h, privacy), id=str(h.id)) for h in money.holdings]
        fill(self.query_one("#holdings", OptionList), rows, "card.no_holdings")

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
                body = user_text(m.text, limit=300, privacy=self.app.privacy)
                if m.resolution:
                    key = "card.resolved_with" if m.status == "done" else "card.dropped_with"
                    body = body + Content("  " + t(key, text="")) + user_text(m.resolution, limit=200, privacy=self.app.privacy)
                if m.status != "open":
                    body = body.stylize("$text-muted")
                line = Content("").join([stamp, tag, body])
            else:
                c = item.contact
                line = Content("").join([
                    stamp,
                    Content(t("card.contact_line", channel=label("channel", c.channel),
                              outcome=label("outcome", c.outcome)) + "  "),
                    user_text(c.note, limit=300, privacy=self.app.privacy),
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
        if editing and action in ("edit", "add_phone", "close_memo", "jot_here", "add_deposit",
                                  "add_holding", "add_keydate", "close_deposit", "price_holding"):
            return False
        return True

    def action_add_phone(self) -> None:
        self._form(forms.add_phone(self.app.book, self.client_id))

    def action_close_memo(self, status: str) -> None:
        from memo.screens.close_memo import close_memo

        widget = self.query_one("#open", OptionList)
        if self.card is None or not self.card.open_memos or widget.highlighted is None:
            return
        close_memo(self, self.card.open_memos[widget.highlighted], status)

    def action_jot_here(self) -> None:
        self.app.action_jot(client_id=self.client_id)

    def _form(self, dialog: FormDialog) -> None:
        self.app.push_screen(dialog, lambda result: result is not None and self.app.book_changed())

    def action_add_deposit(self) -> None:
        self._form(forms.add_deposit(self.app.book, self.client_id, self.app.today()))

    def action_add_holding(self) -> None:
        self._form(forms.add_holding(self.app.book, self.client_id, self.app.today()))

    def action_add_keydate(self) -> None:
        self._form(forms.add_keydate(self.app.book, self.client_id, self.app.today()))

    def _selected(self, list_id: str, items: list):  # noqa: ANN202
        widget = self.query_one(list_id, OptionList)
        if not items or widget.highlighted is None or widget.highlighted >= len(items):
            return None
        return items[widget.highlighted]

    def action_close_deposit(self) -> None:
        deposit = self._selected("#deposits", self.money.deposits if self.money else [])
        if deposit is not None and deposit.status == "active":
            self._form(forms.close_deposit(self.app.book, deposit, self.app.today()))

    def action_price_holding(self) -> None:
        holding = self._selected("#holdings", self.money.holdings if self.money else [])
        if holding is not None and holding.status == "held":
            self._form(forms.price_holding(self.app.book, holding, self.app.today()))

    @on(OptionList.OptionSelected, "#deposits")
    def _edit_deposit(self, event: OptionList.OptionSelected) -> None:
        deposit = self._selected("#deposits", self.money.deposits if self.money else [])
        if deposit is not None:
            self._form(forms.edit_deposit(self.app.book, deposit, self.app.today()))

    @on(OptionList.OptionSelected, "#holdings")
    def _edit_holding(self, event: OptionList.OptionSelected) -> None:
        holding = self._selected("#holdings", self.money.holdings if self.money else [])
        if holding is not None and holding.status == "held":
            self._form(forms.price_holding(self.app.book, holding, self.app.today()))

    @on(OptionList.OptionSelected, "#dates")
    def _edit_date(self, event: OptionList.OptionSelected) -> None:
        if event.option.id == "birthday":
            self.action_edit()
            return
        keydate = next((kd for kd, _ in self.money.keydates if f"kd-{kd.id}" == event.option.id), None)
        if keydate is not None:
            self._form(forms.edit_keydate(self.app.book, keydate, self.app.today()))
