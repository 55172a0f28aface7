"""Acting on the today list: log a call, snooze a row, dismiss one reason. Each is one transaction."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlmodel import select

from memo.db import Book
from memo.i18n import t
from memo.models import REASON_KINDS, Contact, Dismissal, Holding, Memo, Snooze
from memo.ops import DomainError, _live_client

__all__ = ["CallResult", "dismiss", "log_call", "parse_outcome", "snooze", "unsnooze"]

_OUTCOME_WORDS = {
    "reached": "reached", "接通": "reached", "已联系": "reached", "r": "reached",
    "no_answer": "no_answer", "no-answer": "no_answer", "noanswer": "no_answer", "未接": "no_answer",
    "未接通": "no_answer", "n": "no_answer",
    "callback": "callback", "call_back": "callback", "回电": "callback", "再联系": "callback", "c": "callback",
    "declined": "declined", "拒绝": "declined", "婉拒": "declined", "d": "declined",
}
TALKED = ("reached", "callback", "declined")  # we spoke to the client: the reasons are handled


@dataclass(frozen=True)
class CallResult:
    contact_id: int
    client_id: int
    outcome: str
    at: dt.datetime
    callback_memo_id: int | None  # the callback memo made by "call back at ..."
    closed_callbacks: list[int]  # promised callbacks this call kept
    told_holdings: list[int]  # crossed lines this call told
    retry_on: dt.date | None  # no answer: the next working day


def parse_outcome(raw: str) -> str:
    outcome = _OUTCOME_WORDS.get((raw or "").strip().lower())
    if outcome is None:
        raise DomainError("call.bad_outcome", raw, "outcome")
    return outcome


def _at(on: dt.date | None, now: dt.datetime | None) -> dt.datetime:
    now = (now or dt.datetime.now()).replace(microsecond=0)
    if on is None or on == now.date():
        return now
    return dt.datetime.combine(on, now.time())


def log_call(book: Book, client_id: int, outcome: str, *, note: str = "", next_on: dt.date | None = None,
             new_info: str = "", opportunity: str = "", sold_fen: int | None = None, reasons: str = "",
             on: dt.date | None = None, now: dt.datetime | None = None) -> CallResult:
    """Record one call as a Contact. A call that reached the client restarts the cadence clock,
    keeps the promised callbacks due by then and tells the crossed holding lines; "call back"
    needs `next_on` and makes a callback memo due then; no answer changes nothing else."""
    from memo import workdays

    outcome = parse_outcome(outcome)
    at = _at(on, now)
    day = at.date()
    if outcome == "callback":
        if next_on is None:
            raise DomainError("call.need_next", "", "next")
        if next_on < day:
            raise DomainError("call.next_past", next_on.isoformat(), "next")
    if sold_fen is not None and sold_fen < 0:
        raise DomainError("money.bad_amount", sold_fen, "sold")
    bad = [k for k in reasons.split() if k not in REASON_KINDS]
    if bad:
        raise DomainError("call.bad_reason", bad[0], "reasons")
    note, new_info, opportunity = note.strip(), new_info.strip(), opportunity.strip()
    callback_id = None
    closed: list[int] = []
    told: list[int] = []
    with book.write() as session:
        client = _live_client(session, client_id)
        contact = Contact(client_id=client_id, at=at, channel="phone", reasons=reasons, outcome=outcome, note=note,
                          new_info=new_info, opportunity=opportunity, sold_fen=sold_fen, next_follow_up=next_on,
                          created_at=at)
        session.add(contact)
        if outcome in TALKED:
            if client.last_contact_on is None or client.last_contact_on < day:
                client.last_contact_on = day
                session.add(client)
            for memo in session.exec(select(Memo).where(
                    Memo.client_id == client_id, Memo.kind == "callback", Memo.status == "open",
                    Memo.deleted_at.is_(None))):
                if memo.due is None or memo.due <= day:
                    memo.status, memo.resolved_at = "done", at
                    memo.resolution = note or t("call.kept_callback")
                    memo.updated_at = at
                    session.add(memo)
                    closed.append(memo.id)
            for holding in session.exec(select(Holding).where(
                    Holding.client_id == client_id, Holding.status == "held", Holding.crossed.is_not(None),
                    Holding.alert_told_on.is_(None))):
                holding.alert_told_on = day
                session.add(holding)
                told.append(holding.id)
        if outcome == "callback":
            memo = Memo(client_id=client_id, kind="callback", due=next_on,
                        text=note or t("call.callback_text"), created_at=at, updated_at=at)
            session.add(memo)
            session.flush()
            callback_id = memo.id
        session.flush()
        contact_id = contact.id
    retry = workdays.next_workday_after(day, book) if outcome == "no_answer" else None
    return CallResult(contact_id=contact_id, client_id=client_id, outcome=outcome, at=at,
                      callback_memo_id=callback_id, closed_callbacks=closed, told_holdings=told, retry_on=retry)


def snooze(book: Book, client_id: int, until: dt.date, note: str = "", on: dt.date | None = None) -> int:
    """Put a client's today row off until `until` (a later day): its reasons come back then."""
    day = on or dt.date.today()
    if until <= day:
        raise DomainError("snooze.not_later", until.isoformat(), "until")
    with book.write() as session:
        _live_client(session, client_id)
        row = Snooze(client_id=client_id, on=day, until=until, note=note.strip())
        session.add(row)
        session.flush()
        return row.id


def unsnooze(book: Book, client_id: int, on: dt.date | None = None) -> int:
    """Bring a snoozed row back today; returns how many snoozes ended."""
    day = on or dt.date.today()
    with book.write() as session:
        rows = session.exec(select(Snooze).where(Snooze.client_id == client_id, Snooze.until > day)).all()
        for row in rows:
            session.delete(row)
        return len(rows)


def dismiss(book: Book, client_id: int, kind: str, ref: str, note: str = "", on: dt.date | None = None) -> int:
    """Set one reason aside with a note; `ref` is the reason's (memo.agenda.Reason.ref)."""
    if kind not in REASON_KINDS:
        raise DomainError("call.bad_reason", kind, "kind")
    if not ref:
        raise DomainError("dismiss.no_ref", ref, "ref")
    with book.write() as session:
        _live_client(session, client_id)
        old = session.exec(select(Dismissal).where(Dismissal.client_id == client_id, Dismissal.ref == ref)).first()
        if old is not None:
            old.note = note.strip() or old.note
            session.add(old)
            return old.id
        row = Dismissal(client_id=client_id, kind=kind, ref=ref, on=on or dt.date.today(), note=note.strip())
        session.add(row)
        session.flush()
        return row.id


