"""Plain values into Content. User text goes in as plain text, never as markup."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace

from textual.content import Content
from textual.dom import DOMNode

from memo.i18n import CATALOG, t
from memo.phones import format_phone, mask_phone
from memo.text import mask_private, visible


def user_text(value: str, *, limit: int | None = None, one_line: bool = True, privacy: bool = False) -> Content:
    """Text someone typed, shown literally: `[bold]` stays `[bold]`, ESC shows as ␛; in privacy
    mode the phone numbers written inside it are masked too."""
    return Content(visible(mask_numbers(value, privacy), one_line=one_line, limit=limit))


def box_text(stored: str) -> str:
    """What a text box shows for stored text: its controls as pictures (an escape sequence in an
    imported name is shown, never sent to the terminal)."""
    return visible(stored)


def typed_text(typed: str, stored: str) -> str:
    """What a text box's content means: the stored text, exactly, while it still reads as shown;
    else what was typed."""
    return stored if typed == box_text(stored) else typed


def error_text(exc: Exception, suffix: str = "", limit: int | None = None) -> Content:
    """A DomainError's message (the value it names is user text: shown literally, on one line)."""
    return user_text(t(exc.code, value=exc.value) + suffix, limit=limit)  # type: ignore[attr-defined]


def client_name(name: str) -> Content:
    return user_text(name) if name else Content(t("card.stub")).stylize("italic $text-warning")


def phone(number: str, privacy: bool = False) -> str:
    return mask_phone(number) if privacy else format_phone(number)


def mask_numbers(value: str, privacy: bool) -> str:
    """Free text as the screens show it: in privacy mode phone numbers masked and amounts hidden
    ("回电13800138000" -> "回电138****8000", "他行还有30万" -> "他行还有***"); see
    memo.text.mask_private, the one rule the screens, the CLI and the exports share."""
    return mask_private(value) if privacy else value


def weekday(day: dt.date) -> str:
    return t(f"weekday.{day.weekday()}")


def translate_bindings(node: DOMNode) -> None:
    """Bindings are declared with catalog keys as descriptions; show them in the current language.

    Class-level BINDINGS are built once at import, before the language is known, so each
    instance swaps its own copies.
    """
    for key, bindings in node._bindings.key_to_bindings.items():
        node._bindings.key_to_bindings[key] = [
            replace(b, description=t(b.description)) if b.description in CATALOG else b
            for b in bindings
        ]

