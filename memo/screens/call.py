"""The today list's dialogs: log a call, snooze a row, set one reason aside, filter the list.
Each is a FormDialog over the headless core (memo.calls), saved in a thread."""

from __future__ import annotations

import datetime as dt

from memo import agenda, calls, ops
from memo.db import Book
from memo.i18n import label, t
from memo.models import OUTCOMES, REASON_KINDS, TIERS
from memo.screens.form import Field, FormDialog

ALL = "*"


def _when(raw: str, today: dt.date, field: str, *, required: bool) -> dt.date | None:
    from memo.when import WhenError, parse_when

    text = (raw or "").strip()
    if not text:
        if required:
            raise ops.DomainError("call.need_next" if field == "next" else "snooze.need_until", "", field)
        return None
    try:
        return parse_when(text, today)
    except WhenError as exc:
        raise ops.DomainError(exc.code, exc.value, field) from None


def _title(row: agenda.Row) -> str:
    return row.name or t("card.stub")


def call_dialog(book: Book, row: agenda.Row, today: dt.date, now: dt.datetime) -> FormDialog:
    def save(v: dict) -> calls.CallResult:
        from memo.money import parse_amount

        outcome = v["outcome"]
        next_on = _when(v["next"], today, "next", required=outcome == "callback")
        sold = parse_amount(v["sold"], "sold") if v["sold"].strip() else None
        return calls.log_call(book, row.client_id, outcome, note=v["note"], next_on=next_on, new_info=v["new_info"],
                              opportunity=v["opportunity"], sold_fen=sold, reasons=" ".join(row.kinds), on=today,
                              now=now)

    fields = [
        Field("outcome", t("call.outcome"), "reached", options=[(label("outcome", o), o) for o in OUTCOMES]),
        Field("note", t("call.note"), placeholder=t("call.note_hint")),
        Field("next", t("call.next"), placeholder=t("call.next_hint")),
        Field("new_info", t("call.new_info"), placeholder=t("call.new_info_hint")),
        Field("opportunity", t("call.opportunity"), placeholder=t("call.opportunity_hint")),
        Field("sold", t("call.sold"), placeholder="50000"),
    ]
    return FormDialog(t("call.title", name=_title(row)), fields, save, compact=True)


def snooze_dialog(book: Book, row: agenda.Row, today: dt.date) -> FormDialog:
    def save(v: dict) -> dt.date:
        until = _when(v["until"], today, "until", required=True)
        calls.snooze(book, row.client_id, until, v["note"], on=today)
        return until

    fields = [Field("until", t("snooze.until"), placeholder=t("snooze.until_hint")),
              Field("note", t("call.note"))]
    return FormDialog(t("snooze.title", name=_title(row)), fields, save)


def dismiss_dialog(book: Book, row: agenda.Row, today: dt.date, privacy: bool) -> FormDialog:
    reasons = {r.ref: r for r in row.reasons}

    def save(v: dict) -> str:
        reason = reasons[v["ref"]]
        calls.dismiss(book, row.client_id, reason.kind, reason.ref, v["note"], on=today)
        return reason.ref

    options = [(_short(f"{label('reason', r.kind)}: {agenda.detail(r, privacy)}"), r.ref) for r in row.reasons]
    fields = [Field("note", t("call.note"), placeholder=t("dismiss.note_hint")),
              Field("ref", t("dismiss.which"), row.reasons[0].ref, options=options)]
    return FormDialog(t("dismiss.title", name=_title(row)), fields, save)


def _short(text: str, limit: int = 70) -> str:
    from memo.text import visible

    return visible(text, one_line=True, limit=limit)


def filter_dialog(kinds: set[str], tiers: set[str]) -> FormDialog:
    def save(v: dict) -> tuple[set[str], set[str]]:
        return ({v["kind"]} if v["kind"] != ALL else set()), ({v["tier"]} if v["tier"] != ALL else set())

    fields = [
        Field("kind", t("today.filter_kind"), next(iter(kinds)) if kinds else ALL,
              options=[(t("today.filter_all"), ALL)] + [(label("reason", k), k) for k in REASON_KINDS]),
        Field("tier", t("today.filter_tier"), next(iter(tiers)) if tiers else ALL,
              options=[(t("today.filter_all"), ALL)] + [(label("tier", k), k) for k in reversed(TIERS)]),
    ]
    return FormDialog(t("today.filter"), fields, save)
