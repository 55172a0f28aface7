"""Lookup: one box, results as you type (phone digits, name, pinyin), Enter opens the card."""

from __future__ import annotations

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.content import Content
from textual.screen import Screen
from textual.widgets import Footer, Input, OptionList, Static
from textual.widgets.option_list import Option

from memo import ops
from memo.i18n import t
from memo.text import visible
from memo.widgets.render import mask_numbers, translate_bindings
from memo.widgets.hits import hit_prompt
from memo.widgets.errors import TellsWorkerErrors

PAGE = 50


class LookupScreen(TellsWorkerErrors, Screen):
    BINDINGS = [
        Binding("escape", "back", "app.back", id="lookup.back"),
        Binding("down", "to_results", show=False),
    ]

    def __init__(self, query: str = "") -> None:
        super().__init__()
        translate_bindings(self)
        self._initial = query
        self._query = ""
        self._hits: list[ops.search.Hit] = []
        self._more = False

    def compose(self) -> ComposeResult:
        yield Static(t("lookup.title"), classes="screen-head title")
        yield Input(self._initial, placeholder=t("lookup.placeholder"), id="search")
        yield Static(t("lookup.hint"), id="lookup-status", classes="summary")
        yield OptionList(id="hits")
        yield Footer()

    def on_mount(self) -> None:
        self.focus_search()
        if self._initial:
            self.search(self._initial, 0)

    def focus_search(self) -> None:
        box = self.query_one("#search", Input)
        box.focus()
        box.select_all()

    def reload(self) -> None:
        if self._query:
            self.search(self._query, 0)

    @on(Input.Changed, "#search")
    def _typed(self, event: Input.Changed) -> None:
        self.search(event.value, 0)

    @work(thread=True, exclusive=True, group="search", exit_on_error=False)
    def search(self, query: str, offset: int) -> None:
        hits = ops.find(self.app.book, query, limit=PAGE + 1, offset=offset) if query.strip() else []
        self.app.call_from_thread(self._show, query, offset, hits)

    def _show(self, query: str, offset: int, hits: list) -> None:
        if query != self.query_one("#search", Input).value:
            return  # typed on since: a newer search is on its way
        self._query = query
        results = self.query_one("#hits", OptionList)
        if offset == 0:
            results.clear_options()
            self._hits = []
        self._more = len(hits) > PAGE
        page = hits[:PAGE]
        self._hits += page
        privacy = self.app.privacy
        results.add_options(Option(hit_prompt(h, privacy), id=str(h.id)) for h in page)
        status = self.query_one("#lookup-status", Static)
        if not query.strip():
            status.update(t("lookup.hint"))
        elif not self._hits:
            shown = visible(mask_numbers(query, privacy), one_line=True, limit=40)
            status.update(Content(t("lookup.none", query=shown)))
        elif self._more:
            status.update(t("lookup.count_more", count=len(self._hits)))
        else:
            status.update(t("lookup.count", count=len(self._hits)))
        if offset == 0 and self._hits:
            results.highlighted = 0

    @on(OptionList.OptionHighlighted, "#hits")
    def _page_on(self, event: OptionList.OptionHighlighted) -> None:
        if self._more and event.option_index >= len(self._hits) - 3:
            self._more = False
            self.search(self._query, len(self._hits))

    @on(Input.Submitted, "#search")
    def _open_first(self) -> None:
        results = self.query_one("#hits", OptionList)
        if results.highlighted is not None and self._hits:
            self.app.open_client(self._hits[results.highlighted].id)

    @on(OptionList.OptionSelected, "#hits")
    def _open(self, event: OptionList.OptionSelected) -> None:
        self.app.open_client(int(event.option.id))

    def action_to_results(self) -> None:
        if self._hits:
            self.query_one("#hits", OptionList).focus()

    def action_back(self) -> None:
        if self.query_one("#hits", OptionList).has_focus:
            self.focus_search()
        else:
            self.dismiss()
