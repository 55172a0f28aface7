"""The Textual app: screens over one open book."""

from __future__ import annotations

import datetime as dt
import sqlite3
import threading
import time
from collections.abc import Iterable
from typing import TYPE_CHECKING

from textual import work
from textual.app import App, SystemCommand
from textual.binding import Binding
from textual.reactive import reactive
from textual.screen import Screen

from memo.codes import PRIVACY_DEFAULT_KEY, DomainError
from memo.db import Book, BookError
from memo.prefetch import Prefetch, first_page_of
from memo.i18n import get_lang, set_lang, t
from memo.widgets.errors import TellsWorkerErrors
from memo.widgets.render import phone, translate_bindings

if TYPE_CHECKING:
    from memo.ops import JotResult

WATCH_INTERVAL = 1.0  # seconds between looks at PRAGMA data_version
# Textual's own palette commands, by their help text (Textual 8.2.8's words): their catalog keys
_TEXTUAL_COMMANDS = {
    "Change the current theme": "cmd.theme",
    "Quit the application as soon as possible": "cmd.quit",
    "Hide the keys and widget help panel": "cmd.keys_hide",
    "Show help for the focused widget and a summary of available keys": "cmd.keys",
    "Minimize the widget and restore to normal size": "cmd.minimize",
    "Maximize the focused widget": "cmd.maximize",
    "Save an SVG 'screenshot' of the current screen": "cmd.screenshot",
}


class MemoApp(TellsWorkerErrors, App[None]):  # workers run with exit_on_error=False: told, never a dead app
    CSS_PATH = "app.tcss"
    ENABLE_COMMAND_PALETTE = True
    BINDINGS = [
        Binding("f1", "help", "app.help", id="help"),
        Binding("f2", "jot", "app.jot", id="jot", priority=True),
        Binding("f3", "lookup", "app.lookup", id="lookup"),
        Binding("f4", "today", "app.today", id="today"),
        Binding("f6", "privacy", "app.privacy", id="privacy"),
        Binding("f7", "import_file", "app.import", id="import", show=False),
        Binding("f8", "calendar", "app.calendar", id="calendar", show=False),
        Binding("f5", "targets", "app.targets", id="targets", show=False),
        Binding("f9", "campaigns", "app.campaigns", id="campaigns", show=False),
        Binding("f10", "review", "app.review", id="review", show=False),
        Binding("ctrl+q", "quit", "app.quit", id="quit", priority=True),
        # Textual's own, with a description from the catalog (Textual adds it in English otherwise)
        Binding("ctrl+p", "command_palette", "app.palette", show=False, priority=True),
    ]

    privacy: reactive[bool] = reactive(False, init=False)

    def __init__(self, book: Book, *, today: dt.date | None = None, lang: str | None = None,
                 first_page: Prefetch | None = None) -> None:
        if lang:
            set_lang(lang)
        super().__init__()
        translate_bindings(self)
        self.book = book
        self._today = today
        self.title = t("app.title")
        # The manager's chosen default, set quietly: no toast, and nothing is on screen to reload.
        self.set_reactive(MemoApp.privacy, bool(book.setting(PRIVACY_DEFAULT_KEY, False)))
        self._watch_lock = threading.Lock()
        self._watch_conn = None  # one DBAPI connection, used only to poll data_version
        self._seen_version: int | None = None
        self._last_own_write = float("-inf")
        # the today list's first page: started by the command before Textual was imported, or now
        self._first_page = first_page or first_page_of(book, self.today())

    def take_first_page(self):  # noqa: ANN201
        """The page computed at start (once; None after), or raises what computing it raised."""
        prefetch, self._first_page = self._first_page, None
        return prefetch.get() if prefetch is not None else None

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
        self._start_watching()

    def first_page_shown(self) -> None:
        """The today list is on screen: now the work that can wait (the daily backup, and loading
        the ORM and the other screens so the first key pressed is answered at once)."""
        self.run_worker(self._daily_backup, thread=True, exit_on_error=False, group="backup")
        self.run_worker(self._warm_up, thread=True, exit_on_error=False, group="warm-up")

    def _warm_up(self) -> None:
        import memo.ops  # noqa: F401
        import memo.screens.call  # noqa: F401
        import memo.screens.card  # noqa: F401
        import memo.screens.jot  # noqa: F401
        import memo.screens.lookup  # noqa: F401

        self.book.engine  # noqa: B018  (made now, not on the first save)

    def _daily_backup(self) -> None:
        """The first start of each day copies the book into backups/ (kept 30 days)."""
        from memo.backup import daily_backup

        daily_backup(self.book, dt.date.today())

    # --- commands ------------------------------------------------------------------------------

    def get_system_commands(self, screen: Screen) -> Iterable[SystemCommand]:
        yield SystemCommand(t("app.jot"), t("cmd.jot"), self.action_jot)
        yield SystemCommand(t("app.lookup"), t("cmd.lookup"), self.action_lookup)
        yield SystemCommand(t("app.today"), t("cmd.today"), self.action_today)
        yield SystemCommand(t("app.privacy"), t("cmd.privacy"), self.action_privacy)
        yield SystemCommand(t("app.help"), t("cmd.help"), self.action_help)
        yield SystemCommand(t("app.calendar"), t("cmd.calendar"), self.action_calendar)
        yield SystemCommand(t("app.import"), t("cmd.import"), self.action_import_file)
        yield SystemCommand(t("app.targets"), t("cmd.targets"), self.action_targets)
        yield SystemCommand(t("app.campaigns"), t("cmd.campaigns"), self.action_campaigns)
        yield SystemCommand(t("app.review"), t("cmd.review"), self.action_review)
        for command in super().get_system_commands(screen):  # Textual's own, in the app's language
            key = _TEXTUAL_COMMANDS.get(command.help)
            yield command if key is None else SystemCommand(t(key), t(f"{key}_help"), command.callback,
                                                            command.discover)

    def action_command_palette(self) -> None:
        from textual.command import CommandPalette

        if self.use_command_palette and not CommandPalette.is_open(self):
            self.push_screen(CommandPalette(id="--command-palette", placeholder=t("cmd.search")))

    def action_jot(self, client_id: int | None = None) -> None:
        from memo.screens.jot import JotDialog

        if isinstance(self.screen, JotDialog):
            return
        if client_id is None:
            client_id = getattr(self.screen, "client_id", None)  # F2 on a card jots for that client
        self.push_screen(JotDialog(client_id=client_id), self._jotted)

    def restore_draft(self) -> None:
        from memo.drafts import load_draft

        draft = load_draft(self.book)
        if draft:
            from memo.screens.jot import JotDialog

            self.notify(t("app.draft_restored"))
            self.push_screen(JotDialog(draft=draft), self._jotted)

    def _jotted(self, result: JotResult | None) -> None:
        if result is None:
            return
        memo = result.memo
        if result.created_client:
            number = memo.phones[0] if memo.phones else ""
            self.notify(t("jot.new_client", phone=phone(number, self.privacy) if number else number))
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

    def action_import_file(self) -> None:
        """Ask for the file, then show the dry run before anything is written."""
        from pathlib import Path

        from memo.screens.form import Field, FormDialog
        from memo.screens.import_ import ImportScreen

        def check(values: dict) -> Path:
            path = Path(values["path"].strip()).expanduser()
            if not path.is_file():
                raise DomainError("import.cannot_read", str(path), "path")
            return path

        dialog = FormDialog(t("app.import"), [Field("path", t("import.ask_path"), placeholder="~/客户清单.xlsx")], check)
        self.push_screen(dialog, lambda path: path is not None and self.push_screen(ImportScreen(path)))

    def action_calendar(self) -> None:
        from memo.screens.calendar import CalendarScreen

        if not isinstance(self.screen, CalendarScreen):
            self.push_screen(CalendarScreen(self.today().year))

    def action_targets(self) -> None:
        from memo.screens.targets import TargetsScreen

        if not isinstance(self.screen, TargetsScreen):
            self.push_screen(TargetsScreen())

    def action_campaigns(self) -> None:
        from memo.screens.campaigns import CampaignsScreen

        if not isinstance(self.screen, CampaignsScreen):
            self.push_screen(CampaignsScreen())

    def action_review(self) -> None:
        from memo.screens.review import ReviewScreen

        if not isinstance(self.screen, ReviewScreen):
            self.push_screen(ReviewScreen())

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

    # --- changes made by another process (the CLI, a second app) --------------------------------

    def _start_watching(self) -> None:
        # PRAGMA data_version is per connection and moves only for commits made on OTHER
        # connections, so one dedicated connection (kept out of the pool) does the polling; the
        # app's own pooled connections count as "others" too, hence the own-commit hook below.
        self.book.commit_hooks.append(self._own_commit)
        with self._watch_lock:
            self._watch_conn = sqlite3.connect(self.book.path, isolation_level=None, check_same_thread=False)
            self._seen_version = self._data_version()
        self.set_interval(WATCH_INTERVAL, self._check_book, name="book-watch")

    def _own_commit(self) -> None:  # any thread, just before the commit
        self._last_own_write = time.monotonic()

    def _data_version(self) -> int:
        # isolation_level=None: a bare PRAGMA opens no transaction that would pin a WAL snapshot.
        return self._watch_conn.cursor().execute("PRAGMA data_version").fetchone()[0]

    @work(thread=True, exclusive=True, group="book-watch", exit_on_error=False)
    def _check_book(self) -> None:
        with self._watch_lock:
            if self._watch_conn is None:
                return
            try:
                self.book.same_file()
            except BookError:  # another program put a new file at the book's path
                self._watch_conn.close()
                self._watch_conn = None  # told once, as this worker's failure
                raise
            version = self._data_version()
            if version == self._seen_version:
                return
            self._seen_version = version
        # Reload on every change, ours included (a burst may mix ours and theirs); tell the
        # manager only when the app itself wrote nothing lately.
        elsewhere = time.monotonic() - self._last_own_write > 2 * WATCH_INTERVAL
        self.call_from_thread(self._changed_elsewhere, elsewhere)

    def _changed_elsewhere(self, notify: bool) -> None:
        self.book_changed()
        if notify:
            self.notify(t("app.changed_elsewhere"))

    def on_unmount(self) -> None:
        if self._own_commit in self.book.commit_hooks:
            self.book.commit_hooks.remove(self._own_commit)
        with self._watch_lock:
            if self._watch_conn is not None:
                self._watch_conn.close()
                self._watch_conn = None

    @property
    def lang(self) -> str:
        return get_lang()
