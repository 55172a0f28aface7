"""User text made safe to show: control characters become visible symbols.

Names, memos and imported cells are stored exactly as typed; only their display changes. An
ESC or CSI byte shown raw would let a memo recolour, move or retitle the terminal, so every C0
and C1 control (and DEL) is drawn as its Unicode "control picture" (ESC -> ␛) or as \\x9b.
Markup is a separate matter: the screens render this text as plain Content, never as markup.
"""

from __future__ import annotations

import re

_CONTROLS = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")
_NEWLINES = re.compile(r"\r\n|\r|\n")


def _picture(match: re.Match[str]) -> str:
    code = ord(match.group())
    if code < 0x20:
        return chr(0x2400 + code)  # ␀ .. ␟
    if code == 0x7F:
        return "\u2421"  # ␡
    return f"\\x{code:02x}"


def visible(value: str, *, one_line: bool = False, limit: int | None = None) -> str:
    """`value` with controls made visible; `one_line` folds line breaks and tabs to spaces."""
    if limit is not None and len(value) > limit:
        value = value[:limit] + "…"
    if one_line:
        value = _NEWLINES.sub(" ⏎ ", value).replace("\t", " ")
    else:
        value = _NEWLINES.sub("\n", value)
    return _CONTROLS.sub(_picture, value)
