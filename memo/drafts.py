"""The quick-jot draft: a small file beside the book, written as it is typed.

Not a row in the book: a draft is saved every time typing pauses, and a commit for each would
fsync the book and make every open screen reload for nothing. The file is owner-only and
replaced atomically, so a kill at any moment leaves the previous draft or the new one.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

from memo.db import Book


def draft_path(book: Book) -> Path:
    return book.path.with_name(book.path.name + ".draft.json")


def load_draft(book: Book) -> dict | None:
    try:
        value = json.loads(draft_path(book).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None  # none, or a torn one from another program: nothing to offer
    return value if isinstance(value, dict) else None


def save_draft(book: Book, values: dict | None) -> None:
    """Write the draft, or forget it with None."""
    path = draft_path(book)
    if values is None:
        path.unlink(missing_ok=True)
        return
    tmp = path.with_name(f".{path.name}.{os.getpid()}")
    fd = os.open(tmp, os.O_CREAT | os.O_WRONLY | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as out:
        json.dump(values, out, ensure_ascii=False)
        out.flush()
        os.fsync(out.fileno())
    os.replace(tmp, path)
