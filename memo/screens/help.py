"""Help: every key, by screen, from the bindings themselves so it never goes stale."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Static

from memo.i18n import t
from memo.widgets.render import translate_bindings


def _keys(bindings: list[Binding]) -> list[Content]:
    lines = []
    for b in bindings:
        if not b.description:
            continue
        key = b.key_display or b.key.replace("question_mark", "?").replace("slash", "/")
        lines.append(Content.assemble((f"  {key:<10}", "bold $text-accent"), t(b.description)))
    return lines


class HelpScreen(ModalScreen[None]):
    BINDINGS = [Binding("escape,f1,q", "dismiss", "app.back")]

    def __init__(self) -> None:
        super().__init__()
        translate_bindings(self)

    def compose(self) -> ComposeResult:
        from memo.app import MemoApp
        from memo.screens.calendar import CalendarScreen
        from memo.screens.campaigns import CampaignsScreen
        from memo.screens.card import ClientCardScreen
        from memo.screens.import_ import ImportScreen
        from memo.screens.lookup import LookupScreen
        from memo.screens.review import ReviewScreen
        from memo.screens.targets import TargetsScreen
        from memo.screens.today import TodayScreen

        sections = [
            ("help.global", MemoApp.BINDINGS),
            ("app.today", TodayScreen.BINDINGS),
            ("app.lookup", LookupScreen.BINDINGS),
            ("card.title", ClientCardScreen.BINDINGS),
            ("calendar.name", CalendarScreen.BINDINGS),
            ("app.import", ImportScreen.BINDINGS),
            ("app.targets", TargetsScreen.BINDINGS),
            ("app.campaigns", CampaignsScreen.BINDINGS),
            ("app.review", ReviewScreen.BINDINGS),
        ]
        lines: list[Content] = [Content(t("help.intro")), Content("")]
        for title, bindings in sections:
            lines.append(Content(t(title)).stylize("bold underline"))
            lines += _keys(bindings)
            lines.append(Content(""))
        with VerticalScroll(classes="dialog", id="help-dialog"):
            yield Static(t("help.title"), classes="dialog-title")
            yield Static(Content("\n").join(lines), id="help-keys")
