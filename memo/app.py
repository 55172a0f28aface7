"""The Textual app: screens over one open book."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from textual.app import App, SystemCommand
from textual.binding import Binding
from textual.reactive import reactive
from textual.screen import Screen
from textual.worker import Worker, WorkerState

from memo import ops
from memo.db import Book
from memo.i18n import get_lang, set_lang, t
from memo.widgets.render import translate_bindings


class MemoApp(App[None]):
    CSS_PATH = "app.tcss"
    ENABLE_COMMAND_PALETTE = True
    BINDINGS = [
        Binding("f1", "help", "app.help", id="help"),
        Binding("f2", "jot", "app.jot", id="jot", priority=True),
        Binding("f3", "lookup", "app.lookup", id="lookup"),
        Binding("f4", "today", "app.today", id="today"),
        Binding("f6", "privacy", "app.privacy", id="privacy"),
        Binding("ctrl+q", "quit", "app.quit", id="quit", priority=True),
    ]

    privacy: reactive[bool] = reactive(False, init=False)

    def __init__(self, book: Book, *, today: dt.date | None = None, lang: str | None = None) -> None:
        if lang:
            set_lang(lang)
        super().__init__()
        translate_bindings(self)
        self.book = book
        self._today = today
        self.title = t("app.title")

    def today(self) -> dt.date:
        """The day the app acts as today (fixed by --date and in tests)."""
        return self._today or dt.date.today()

    def now(self) -> dt.datetime:
        """Now, on the day the app acts as today."""
        now = dt.datetime.now().replace(microsecond=0)
        return dt.datetime.combine(self._today, now.time()) if self._today else now

    def on_mount(self) -> None:
        from memo.screens.today import TodayScreen

        self.push_screen(TodayScreen())
        self.restore_draft()

    # --- commands ------------------------------------------------------------------------------

    def get_system_commands(self, screen: Screen) -> Iterable[SystemCommand]:
        yield SystemCommand(t("app.jot"), t("cmd.jot"), self.action_jot)
        yield SystemCommand(t("app.lookup"), t("cmd.lookup"), self.action_lookup)
        yield SystemCommand(t("app.today"), t("cmd.today"), self.action_today)
        yield SystemCommand(t("app.privacy"), t("cmd.privacy"), self.action_privacy)
        yield SystemCommand(t("app.help"), t("cmd.help"), self.action_help)
        yield from super().get_system_commands(screen)

    def action_jot(self, client_id: int | None = None) -> None:
        from memo.screens.jot import JotDialog

        if isinstance(self.screen, JotDialog):
            return
        self.push_screen(JotDialog(client_id=client_id), self._jotted)

    def restore_draft(self) -> None:
        from memo.screens.jot import DRAFT_KEY, JotDialog

        draft = ops.get_setting(self.book, DRAFT_KEY)
        if draft:
            self.notify(t("app.draft_restored"))
            self.push_screen(JotDialog(draft=draft), self._jotted)

    def _jotted(self, result: ops.JotResult | None) -> None:
        if result is None:
            return
        memo = result.memo
        if result.created_client:
            self.notify(t("jot.new_client", phone=memo.phones[0] if memo.phones else ""))
        elif memo.client_id is not None:
            self.notify(t("jot.saved", who=memo.client_name or t("card.stub")), markup=False)
        else:
            self.notify(t("jot.saved_nobody"))
        self.book_changed()

    def action_lookup(self) -> None:
        from memo.screens.lookup import LookupScreen

        if isinstance(self.screen, LookupScreen):
            self.screen.focus_search()
        else:
            self.push_screen(LookupScreen())

    def action_today(self) -> None:
        while len(self.screen_stack) > 2:
            self.pop_screen()
        self.book_changed()

    def action_help(self) -> None:
        from memo.screens.help import HelpScreen

        if not isinstance(self.screen, HelpScreen):
            self.push_screen(HelpScreen())

    def action_privacy(self) -> None:
        self.privacy = not self.privacy
        self.notify(t("app.privacy_on") if self.privacy else t("app.privacy_off"))

    def watch_privacy(self) -> None:
        self.book_changed()

    def open_client(self, client_id: int) -> None:
        from memo.screens.card import ClientCardScreen

        self.push_screen(ClientCardScreen(client_id))

    def book_changed(self) -> None:
        """Something was written: every screen that shows the book reloads its view."""
        for screen in self.screen_stack:
            reload = getattr(screen, "reload", None)
            if reload is not None:
                reload()

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        # Workers run with exit_on_error=False: a failure is shown, never a dead app.
        if event.state == WorkerState.ERROR and not isinstance(event.worker.error, ops.DomainError):
            self.notify(t("app.error", error=str(event.worker.error)), severity="error", markup=False)

    @property
    def lang(self) -> str:
        return get_lang()
