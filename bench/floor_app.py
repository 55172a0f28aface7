"""The floor of bench/launch.py: a bare Textual app that shows one label.

    MEMO_READY_FILE=/tmp/ready python bench/floor_app.py

When the label is mounted it asks for the time after the next refresh (the label is on screen
then) and writes time.time() to $MEMO_READY_FILE, the same contract as the today screen's hook
(memo/screens/today.py). Nothing else: no book, no memo import. ctrl+q quits (Textual's own).
"""

from __future__ import annotations

import os
import time

from textual.app import App, ComposeResult
from textual.widgets import Label

READY_FILE = "MEMO_READY_FILE"


def _mark_ready(path: str) -> None:
    with open(path, "w", encoding="utf-8") as out:
        out.write(repr(time.time()))


class ReadyLabel(Label):
    def on_mount(self) -> None:
        ready = os.environ.get(READY_FILE)
        if ready:
            self.call_after_refresh(_mark_ready, ready)


class FloorApp(App[None]):
    def compose(self) -> ComposeResult:
        yield ReadyLabel("大堂备忘 floor: one label")


if __name__ == "__main__":
    FloorApp().run()
