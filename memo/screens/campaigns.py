"""Campaigns and events (F9): the action plan and its invitations (seed 二(二)).

On top, every campaign: name, date (the next one for a weekly or monthly campaign), method,
frequency and how many clients are at each invitation status. Below, the highlighted campaign:
its plan on the left, its invitations on the right (client, phone, channel, status, note), paged.
`a` plans a new campaign, `e` edits it, `i` invites clients (found as you type, or a saved target
list), `s` records the highlighted client's status with a note (one Contact each), Enter opens
the client's card. Database work runs in thread workers; user text is shown as plain text.
"""

from __future__ import annotations

import json

from rich.cells import cell_len
from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.content import Content
from textual.screen import ModalScreen, Screen
from textual.widgets import Button, DataTable, Footer, Input, Label, OptionList, Select, Static
from textual.widgets.option_list import Option

from memo import campaigns
from memo.codes import CAMPAIGN_METHODS, CHANNELS, FREQUENCIES, INVITATION_STATUSES, DomainError
from memo.i18n import label, t
from memo.screens.form import Field, FormDialog
from memo.terms import format_amount
from memo.text import visible
from memo.widgets.render import error_text, mask_numbers, phone, translate_bindings
from memo.widgets.errors import TellsWorkerErrors

PAGE = 200  # invitations per page
SUGGESTIONS = 6
# The status the dialog offers first: the natural next step.
NEXT_STATUS = {"to_invite": "invited", "invited": "accepted", "accepted": "attended", "attended": "attended",
               "declined": "declined"}
STATUS_STYLE = {"to_invite": "", "invited": "cyan", "accepted": "bold green", "attended": "bold blue",
                "declined": "dim"}


def _user(value: str, limit: int | None = None, privacy: bool = False) -> str:
    return visible(mask_numbers(value, privacy), one_line=True, limit=limit)


def _date_cell(view: campaigns.CampaignView) -> Text:
    if view.on is None:
        return Text(t("campaign.no_date"), style="dim")
    if view.next_on is None:
        return Text(view.on.isoformat(), style="dim")
    return Text(view.next_on.isoformat())


class CampaignsScreen(TellsWorkerErrors, Screen):
    BINDINGS = [
        Binding("escape", "back", "app.back", id="campaigns.back"),
        Binding("a", "add", "campaign.key_add", id="campaign.add"),
        Binding("e", "edit", "campaign.key_edit", id="campaign.edit"),
        Binding("i", "invite", "campaign.key_invite", id="campaign.invite"),
        Binding("s", "set_status", "campaign.key_status", id="campaign.status"),
    ]

    def __init__(self) -> None:
        super().__init__()
        translate_bindings(self)
        self._campaigns: list[campaigns.CampaignView] = []
        self._invitations: list[campaigns.InvitationView] = []
        self._detail: campaigns.CampaignDetail | None = None
        self._selected: int | None = None  # the campaign shown below
        self._keep_client: int | None = None  # the invitation to stay on after a reload
        self._more = False
        self._loading = False
        self.loaded = False

    def compose(self) -> ComposeResult:
        with Vertical(id="campaigns-head", classes="screen-head"):
            yield Static(Content(t("app.title") + " · " + t("campaign.title")), id="campaigns-title", classes="title")
            yield Static(id="campaigns-summary", classes="summary")
        yield DataTable(id="campaign-list", cursor_type="row", zebra_stripes=True)
        with Horizontal(id="campaign-detail"):
            with VerticalScroll(id="campaign-plan"):
                yield Static(id="campaign-name", classes="title")
                yield Static(id="campaign-info")
            with Vertical(id="campaign-invitations"):
                yield DataTable(id="invitations", cursor_type="row", zebra_stripes=True)
                yield Static(t("campaign.no_invitations"), id="invitations-empty", classes="hint")
        yield Static(t("campaign.empty"), id="campaigns-empty", classes="empty")
        yield Footer()

    def on_mount(self) -> None:
        table = self.query_one("#campaign-list", DataTable)
        table.add_column(t("campaign.col_name"), key="name", width=22)
        table.add_column(t("campaign.col_date"), key="date", width=10)
        table.add_column(t("campaign.col_method"), key="method", width=8)
        table.add_column(t("campaign.field_frequency"), key="frequency", width=9)
        for status in INVITATION_STATUSES:
            table.add_column(label("campaign.status", status), key=status)
        inv = self.query_one("#invitations", DataTable)
        inv.add_column(t("campaign.col_client"), key="client", width=10)
        inv.add_column(t("campaign.col_phone"), key="phone", width=13)
        inv.add_column(t("campaign.col_channel"), key="channel", width=6)
        inv.add_column(t("campaign.col_status"), key="status", width=9)
        inv.add_column(t("campaign.col_note"), key="note")
        self.query_one("#campaign-detail").display = False
        self.query_one("#campaigns-empty").display = False
        table.focus()
        self.reload()

    # --- loading ---------------------------------------------------------------------------------

    def reload(self) -> None:
        self.load_list()

    @work(thread=True, exclusive=True, group="campaigns", exit_on_error=False)
    def load_list(self) -> None:
        views = campaigns.list_campaigns(self.app.book, self.app.today())
        self.app.call_from_thread(self._show_list, views)

    def _show_list(self, views: list[campaigns.CampaignView]) -> None:
        table = self.query_one("#campaign-list", DataTable)
        keep_row = table.cursor_row
        table.clear()
        self._campaigns = views
        for view in views:
            table.add_row(*self._cells(view), key=str(view.id))
        coming = sum(1 for v in views if v.next_on is not None)
        self.query_one("#campaigns-summary", Static).update(Content(t("campaign.summary", n=len(views), coming=coming)))
        self.query_one("#campaigns-empty").display = not views
        table.display = bool(views)
        self.query_one("#campaign-detail").display = bool(views)
        if views:
            ids = [v.id for v in views]
            row = ids.index(self._selected) if self._selected in ids else min(keep_row, len(views) - 1)
            table.move_cursor(row=row, animate=False)
            self._select(views[row].id, force=True)
        else:
            self._selected = None
        if not self.loaded:
            self.loaded = True

    def _cells(self, view: campaigns.CampaignView) -> list[Text]:
        past = view.on is not None and view.next_on is None
        style = "dim" if past else ""
        cells = [Text(_user(view.name, 40), style=style or "bold"), _date_cell(view),
                 Text(label("campaign.method", view.method), style=style),
                 Text(label("campaign.frequency", view.frequency), style=style)]
        for status in INVITATION_STATUSES:
            n = view.counts.get(status, 0)
            cells.append(Text(str(n), justify="right", style="dim" if not n else STATUS_STYLE[status]))
        return cells

    @on(DataTable.RowHighlighted, "#campaign-list")
    def _campaign_highlighted(self, event: DataTable.RowHighlighted) -> None:
        if 0 <= event.cursor_row < len(self._campaigns):
            self._select(self._campaigns[event.cursor_row].id)

    def _select(self, campaign_id: int, force: bool = False) -> None:
        if campaign_id == self._selected and not force:
            return
        switched = campaign_id != self._selected
        if switched:
            self._keep_client = None
        self._selected = campaign_id
        self.load_detail(campaign_id, 0, switched)

    @work(thread=True, exclusive=True, group="campaign-detail", exit_on_error=False)
    def load_detail(self, campaign_id: int, offset: int, switched: bool = False) -> None:
        # a reload keeps what was scrolled in; another campaign starts at its first page
        want = max(PAGE, len(self._invitations)) if offset == 0 and not switched else PAGE
        detail = campaigns.get_campaign(self.app.book, campaign_id, self.app.today(), limit=want, offset=offset)
        self.app.call_from_thread(self._show_detail, detail, offset, switched)

    def _show_detail(self, detail: campaigns.CampaignDetail, offset: int, switched: bool = False) -> None:
        if detail.campaign.id != self._selected:
            return  # moved on to another campaign meanwhile
        self._detail = detail
        self._show_plan(detail.campaign)
        table = self.query_one("#invitations", DataTable)
        if offset == 0:
            current = None if switched else self._current_invitation()
            keep = current.client_id if current else self._keep_client
            keep_row = 0 if switched else table.cursor_row
            table.clear()
            self._invitations = []
        privacy = self.app.privacy
        for inv in detail.invitations:
            self._invitations.append(inv)
            table.add_row(*self._invitation_cells(inv, privacy), key=str(inv.id))
        self._more = detail.more
        self._loading = False
        empty = not self._invitations
        self.query_one("#invitations-empty").display = empty
        table.display = not empty
        if offset == 0 and self._invitations:
            ids = [i.client_id for i in self._invitations]
            table.move_cursor(row=ids.index(keep) if keep in ids else min(keep_row, len(ids) - 1), animate=False)

    def _show_plan(self, view: campaigns.CampaignView) -> None:
        privacy = self.app.privacy
        self.query_one("#campaign-name", Static).update(Content(_user(view.name)))
        lines = Text()
        lines.append(t("campaign.info_method", method=label("campaign.method", view.method),
                       frequency=label("campaign.frequency", view.frequency)) + "\n")
        if view.on is None:
            when = t("campaign.no_date")
        elif view.frequency != "once" and view.next_on is not None and view.next_on != view.on:
            when = f"{view.on.isoformat()} · {t('campaign.next', date=view.next_on.isoformat())}"
        else:
            when = view.on.isoformat() + ("" if view.next_on is not None else f" · {t('campaign.past')}")
        lines.append(t("campaign.info_date", date=when) + "\n")
        if view.theme:
            lines.append(t("campaign.info_theme", theme=_user(view.theme, privacy=privacy)) + "\n")
        if view.cost_fen is not None:
            lines.append(t("campaign.info_cost", amount=format_amount(view.cost_fen, privacy, symbol=True)) + "\n")
        if view.target_list:
            lines.append(t("campaign.info_list", name=_user(view.target_list)) + "\n")
        elif view.target:
            lines.append(t("campaign.info_filter", filter=_user(json.dumps(view.target, ensure_ascii=False))) + "\n")
        lines.append("\n")
        lines.append(t("campaign.info_total", n=view.total) + "\n", style="bold")
        width = max(cell_len(label("campaign.status", x)) for x in INVITATION_STATUSES)
        for status, n in view.counts.items():
            word = label("campaign.status", status)
            lines.append(f"  {word}{' ' * (width - cell_len(word))}  ")
            lines.append(f"{n}\n", style=STATUS_STYLE[status] if n else "dim")
        if view.results:
            lines.append("\n" + t("campaign.info_results", results=_user(view.results, privacy=privacy)) + "\n")
        self.query_one("#campaign-info", Static).update(lines)

    def _invitation_cells(self, inv: campaigns.InvitationView, privacy: bool) -> list[Text]:
        style = "dim" if inv.status == "declined" else ""
        who = Text(_user(inv.name, 12) if inv.name else t("card.stub"), style=style)
        if inv.do_not_call:
            who.append(" ⊘", style="red")
        return [who, Text(phone(inv.phones[0], privacy) if inv.phones else "", style=style),
                Text(label("channel", inv.channel), style=style),
                Text(label("campaign.status", inv.status), style=STATUS_STYLE[inv.status]),
                Text(_user(inv.note, 80, privacy), style="dim" if style else "")]

    @on(DataTable.RowHighlighted, "#invitations")
    def _invitation_highlighted(self, event: DataTable.RowHighlighted) -> None:
        if self._more and not self._loading and event.cursor_row >= len(self._invitations) - 5:
            self._loading = True
            self.load_detail(self._selected, len(self._invitations))

    # --- where the cursor is ---------------------------------------------------------------------

    def _current_campaign(self) -> campaigns.CampaignView | None:
        if self._detail is not None and self._detail.campaign.id == self._selected:
            return self._detail.campaign
        return None

    def _current_invitation(self) -> campaigns.InvitationView | None:
        table = self.query_one("#invitations", DataTable)
        if not self._invitations or not 0 <= table.cursor_row < len(self._invitations):
            return None
        return self._invitations[table.cursor_row]

    @on(DataTable.RowSelected, "#campaign-list")
    def _to_invitations(self) -> None:
        if self._invitations:
            self.query_one("#invitations", DataTable).focus()

    @on(DataTable.RowSelected, "#invitations")
    def _open(self) -> None:
        inv = self._current_invitation()
        if inv is not None:
            self.app.open_client(inv.client_id)

    # --- acting ----------------------------------------------------------------------------------

    def action_back(self) -> None:
        if self.query_one("#invitations", DataTable).has_focus:
            self.query_one("#campaign-list", DataTable).focus()
        else:
            self.dismiss()

    def action_add(self) -> None:
        book, today = self.app.book, self.app.today()

        def save(v: dict) -> campaigns.CampaignView:
            return campaigns.add_campaign(book, v["name"], theme=v["theme"], method=v["method"], on=v["date"] or None,
                                          cost=v["cost"], frequency=v["frequency"], list_name=v["list"] or None,
                                          today=today, now=self.app.now())

        self.app.push_screen(FormDialog(t("campaign.add_title"), _plan_fields(None), save, compact=True), self._added)

    def _added(self, view: campaigns.CampaignView | None) -> None:
        if view is None:
            return
        self.notify(t("campaign.added", name=_user(view.name, 40)), markup=False)
        self._selected = view.id
        self.app.book_changed()

    def action_edit(self) -> None:
        view = self._current_campaign()
        if view is None:
            return
        book, today = self.app.book, self.app.today()

        def save(v: dict) -> campaigns.CampaignView:
            return campaigns.edit_campaign(book, view.id, name=v["name"], theme=v["theme"], method=v["method"],
                                           on=v["date"], cost=v["cost"], frequency=v["frequency"],
                                           list_name=v["list"], results=v["results"], today=today)

        title = t("campaign.edit_title", name=view.name)
        self.app.push_screen(FormDialog(title, _plan_fields(view), save, compact=True), self._edited)

    def _edited(self, view: campaigns.CampaignView | None) -> None:
        if view is not None:
            self.notify(t("campaign.saved", name=_user(view.name, 40)), markup=False)
            self.app.book_changed()

    def action_invite(self) -> None:
        view = self._current_campaign()
        if view is not None:
            self.app.push_screen(InviteDialog(view), self._invited)

    def _invited(self, added: int | None) -> None:
        if added:
            self.notify(t("campaign.invited_total", n=added))
        self.app.book_changed()

    def action_set_status(self) -> None:
        view = self._current_campaign()
        inv = self._current_invitation()
        if view is None or inv is None:
            return
        book, today = self.app.book, self.app.today()

        def save(v: dict) -> campaigns.StatusResult:
            return campaigns.set_status(book, view.id, inv.client_id, v["status"], channel=v["channel"],
                                        note=v["note"], on=today, now=self.app.now())

        fields = [
            Field("note", t("campaign.field_note"), placeholder=t("campaign.note_hint")),
            Field("status", t("campaign.field_status"), NEXT_STATUS[inv.status],
                  options=[(label("campaign.status", s), s) for s in INVITATION_STATUSES]),
            Field("channel", t("campaign.field_channel"), inv.channel,
                  options=[(label("channel", c), c) for c in CHANNELS]),
        ]
        title = t("campaign.status_title", name=inv.name or t("card.stub"), campaign=view.name)
        self._keep_client = inv.client_id
        self.app.push_screen(FormDialog(title, fields, save, compact=True), self._status_set)

    def _status_set(self, result: campaigns.StatusResult | None) -> None:
        if result is None:
            return
        inv = result.invitation
        self.notify(t("campaign.status_saved", name=_user(inv.name or t("card.stub"), 20),
                      status=label("campaign.status", inv.status)), markup=False)
        self.app.book_changed()


def _plan_fields(view: campaigns.CampaignView | None) -> list[Field]:
    fields = [
        Field("name", t("campaign.field_name"), view.name if view else ""),
        Field("theme", t("campaign.field_theme"), view.theme if view else ""),
        Field("date", t("campaign.field_date"), view.on.isoformat() if view and view.on else "",
              placeholder=t("campaign.date_hint")),
        Field("cost", t("campaign.field_cost"),
              format_amount(view.cost_fen, short=True).replace(",", "") if view and view.cost_fen else "",
              placeholder=t("campaign.cost_hint")),
        Field("list", t("campaign.field_list"), view.target_list or "" if view else ""),
        Field("method", t("campaign.field_method"), view.method if view else "salon",
              options=[(label("campaign.method", m), m) for m in CAMPAIGN_METHODS]),
        Field("frequency", t("campaign.field_frequency"), view.frequency if view else "once",
              options=[(label("campaign.frequency", f), f) for f in FREQUENCIES]),
    ]
    if view is not None:
        fields.insert(5, Field("results", t("campaign.field_results"), view.results))
    return fields


class InviteDialog(TellsWorkerErrors, ModalScreen[int]):
    """Put clients on a campaign's list: find each as you type (Enter adds the highlighted one and
    the box is ready for the next), or a saved target list whole. Returns how many were added."""

    BINDINGS = [
        Binding("escape", "done", "campaign.invite_done", id="campaign.invite_done"),
        Binding("down", "move(1)", show=False),
        Binding("up", "move(-1)", show=False),
    ]

    def __init__(self, campaign: campaigns.CampaignView) -> None:
        super().__init__()
        translate_bindings(self)
        self.campaign = campaign
        self.added = 0
        self._hits: list = []

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog", id="invite-dialog"):
            yield Static(Content(t("campaign.invite_title", name=_user(self.campaign.name, 60))), classes="dialog-title")
            yield Label(t("campaign.invite_channel"))
            yield Select([(label("channel", c), c) for c in campaigns.INVITE_CHANNELS], value="phone",
                         allow_blank=False, id="invite-channel")
            yield Label(t("campaign.invite_who"))
            yield Input(id="invite-who")
            yield OptionList(id="invite-hits")
            yield Static(id="invite-status", classes="hint")
            yield Label(t("campaign.invite_list"))
            yield Input(self.campaign.target_list or "", id="invite-list")
            yield Static(id="invite-error", classes="error")
            with Horizontal(classes="buttons"):
                yield Button(t("campaign.invite_list_add"), id="invite-list-add")
                yield Button(t("campaign.invite_done"), variant="primary", id="invite-done")

    def on_mount(self) -> None:
        self.query_one("#invite-hits").display = False
        self.query_one("#invite-who", Input).focus()

    # --- one client at a time --------------------------------------------------------------------

    @on(Input.Changed, "#invite-who")
    def _typed(self, event: Input.Changed) -> None:
        self.suggest(event.value)

    @work(thread=True, exclusive=True, group="invite-suggest", exit_on_error=False)
    def suggest(self, query: str) -> None:
        from memo import ops

        hits = ops.find(self.app.book, query, limit=SUGGESTIONS) if query.strip() else []
        self.app.call_from_thread(self._show_hits, query, hits)

    def _show_hits(self, query: str, hits: list) -> None:
        if query != self.query_one("#invite-who", Input).value:
            return  # typed on since
        from memo.widgets.hits import hit_prompt

        self._hits = hits
        box = self.query_one("#invite-hits", OptionList)
        box.clear_options()
        box.add_options(Option(hit_prompt(h, self.app.privacy), id=str(h.id)) for h in hits)
        box.display = bool(hits)
        if hits:
            box.highlighted = 0

    def action_move(self, step: int) -> None:
        box = self.query_one("#invite-hits", OptionList)
        if self.focused is self.query_one("#invite-who") and box.display and self._hits:
            box.highlighted = max(0, min(len(self._hits) - 1, (box.highlighted or 0) + step))
        else:
            self.focus_next() if step > 0 else self.focus_previous()

    @on(Input.Submitted, "#invite-who")
    def _submitted(self) -> None:
        box = self.query_one("#invite-hits", OptionList)
        if self._hits and box.highlighted is not None:
            self._add_hit(box.highlighted)

    @on(OptionList.OptionSelected, "#invite-hits")
    def _picked(self, event: OptionList.OptionSelected) -> None:
        self._add_hit(event.option_index)

    def _add_hit(self, index: int) -> None:
        hit = self._hits[index]
        self.add_clients([hit.id], None, hit.name or t("card.stub"), self._channel())

    def _channel(self) -> str:
        return str(self.query_one("#invite-channel", Select).value)

    # --- a saved list ----------------------------------------------------------------------------

    @on(Input.Submitted, "#invite-list")
    @on(Button.Pressed, "#invite-list-add")
    def _add_list(self) -> None:
        name = self.query_one("#invite-list", Input).value
        if not name.strip() and self.campaign.target:  # no name: the campaign's own target list
            self.add_clients([], None, "", self._channel(), from_target=True)
        else:
            self.add_clients([], name, "", self._channel())

    @work(thread=True, exclusive=True, group="invite-write", exit_on_error=False)
    def add_clients(self, client_ids: list[int], list_name: str | None, name: str, channel: str,
                    from_target: bool = False) -> None:
        try:
            result = campaigns.invite(self.app.book, self.campaign.id, client_ids, list_name=list_name,
                                      from_target=from_target, channel=channel, today=self.app.today(),
                                      now=self.app.now())
        except DomainError as exc:
            self.app.call_from_thread(self._failed, exc)
            return
        self.app.call_from_thread(self._added, result, name)

    def _failed(self, exc: DomainError) -> None:
        self.query_one("#invite-error", Static).update(error_text(exc))

    def _added(self, result: campaigns.InviteResult, name: str) -> None:
        self.added += len(result.added)
        self.query_one("#invite-error", Static).update("")
        shown = _user(name, 20)
        if result.list_name is not None or not name:
            text = t("campaign.invite_list_added", n=len(result.added), already=len(result.already))
        elif result.added:
            text = "✓ " + t("campaign.invite_added", name=shown)
        else:
            text = t("campaign.invite_already", name=shown)
        self.query_one("#invite-status", Static).update(Content(text))
        who = self.query_one("#invite-who", Input)
        who.value = ""
        who.focus()

    @on(Button.Pressed, "#invite-done")
    def action_done(self) -> None:
        self.dismiss(self.added)
