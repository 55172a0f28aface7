"""The today list's first page, computed in a thread of its own from the moment the app is asked
for: `memo` starts it before it imports Textual, so the two overlap (sqlite works without the
GIL). Light: no Textual, no ORM."""

from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Callable
from typing import Any

from memo.db import Book


class Prefetch:
    """A value computed in a thread of its own, from the moment it is made."""

    def __init__(self, compute: Callable[[], Any]) -> None:
        self._done = threading.Event()
        self._value = self._error = None
        threading.Thread(target=self._run, args=(compute,), daemon=True, name="memo-prefetch").start()

    def _run(self, compute: Callable[[], Any]) -> None:
        try:
            self._value = compute()
        except BaseException as exc:  # noqa: BLE001  (handed to whoever takes the value)
            self._error = exc
        finally:
            self._done.set()

    def get(self) -> Any:
        self._done.wait()
        if self._error is not None:
            raise self._error
        return self._value


def first_page_of(book: Book, day: dt.date) -> Prefetch:
    """The today screen's first page of `day`, being computed."""
    from memo import agenda

    return Prefetch(lambda: agenda.compute(book, day, limit=agenda.PAGE))
