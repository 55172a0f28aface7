"""How a search hit reads in a list: name, title, tier, phones (the matched one first), flags."""

from __future__ import annotations

from textual.content import Content

from memo.i18n import label, t
from memo.search import Hit
from memo.widgets.render import client_name, phone


def hit_prompt(hit: Hit, privacy: bool = False) -> Content:
    parts: list[Content | str | tuple[str, str]] = [client_name(hit.name).stylize("bold")]
    if hit.honorific:
        parts.append(f" {label('honorific', hit.honorific)}")
    parts.append(("  " + label("tier", hit.tier), "$text-accent"))
    numbers = sorted(hit.phones, key=lambda n: n != hit.matched_phone)
    if numbers:
        shown = [phone(n, privacy) for n in numbers[:3]]
        parts.append(("   " + " · ".join(shown), "$text-muted" if hit.matched_phone is None else ""))
        if len(numbers) > 3:
            parts.append(f" +{len(numbers) - 3}")
    parts.append((f"   {t('match.' + hit.matched)}", "$text-muted italic"))
    if hit.open_requests:
        parts.append((f"   {t('card.open')} {hit.open_requests}", "$text-warning"))
    if hit.do_not_call:
        parts.append((f"   {t('card.dnc')}", "$text-error"))
    return Content.assemble(*parts)
