"""Domain operations on a book. Headless: plain values in, plain values out.

The CLI and the screens both call these. Each write is one `book.write()` transaction; a bad
value raises `DomainError` (a catalog key, the value and the field) before anything changes.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import unicodedata
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import func, text
from sqlmodel import select

from memo import search
from memo.birthdays import Birthday, BirthdayError, parse_birthday
from memo.codes import AmbiguousClient, DomainError  # noqa: F401  (re-exported)
from memo.db import Book
from memo.models import MEMO_KINDS, Client, ClientTag, Contact, Memo, Phone, Setting, Snooze
from memo.names import NAME_KEY_CHARS, name_keys
from memo.phones import PhoneError, normalize_phone
from memo.values import parse_honorific, parse_risk, parse_tier  # noqa: F401  (re-exported)







# --- plain values ---------------------------------------------------------------------------


@dataclass(frozen=True)
class PhoneView:
    number: str
    label: str = ""


@dataclass(frozen=True)
class MemoView:
    id: int
    client_id: int | None
    client_name: str | None
    text: str
    kind: str
    status: str
    due: dt.date | None
    created_at: dt.datetime
    resolution: str = ""
    resolved_at: dt.datetime | None = None
    phones: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class ContactView:
    id: int
    at: dt.datetime
    channel: str
    outcome: str
    note: str
    new_info: str
    opportunity: str
    sold_fen: int | None
    reasons: str


@dataclass(frozen=True)
class TimelineItem:
    at: dt.datetime
    memo: MemoView | None = None
    contact: ContactView | None = None


@dataclass(frozen=True)
class SnoozeView:
    until: dt.date  # the client's reasons come back to the today list that day
    note: str


@dataclass(frozen=True)
class ClientCard:
    id: int
    name: str
    honorific: str | None
    tier: str
    risk: str | None
    birthday: Birthday | None
    client_since: dt.date | None
    profile: str
    tags: list[str]
    do_not_call: bool
    call_hours: str
    phones: list[PhoneView]
    open_memos: list[MemoView]
    timeline: list[TimelineItem]
    timeline_more: bool
    created_at: dt.datetime
    snoozed: SnoozeView | None = None  # put off on the today list (show() with a `today`)

    @property
    def is_stub(self) -> bool:
        return not self.name


@dataclass(frozen=True)
class JotResult:
    memo: MemoView
    created_client: bool


@dataclass(frozen=True)
class TodayPage:
    day: dt.date
    due: list[MemoView]
    due_count: int
    open_count: int


# --- parsing user text into fields ------------------------------------------------------------


def parse_tags(raw: str) -> list[str]:
    return sorted({tag for tag in re.split(r"[\s,，、;；]+", raw) if tag})


def _phone(raw: str) -> str:
    try:
        return normalize_phone(raw)
    except PhoneError as exc:
        raise DomainError(exc.code, exc.value, "phone") from None


def _name(raw: str) -> str:
    name = raw.strip()
    if not name:
        raise DomainError("client.name_empty", raw, "name")
    return name


def _set_name(client: Client, name: str) -> None:
    client.name = name
    client.name_initials, client.name_pinyin = name_keys(name[:NAME_KEY_CHARS])


def _set_birthday(client: Client, birthday: Birthday | None) -> None:
    client.birth_kind = birthday.kind if birthday else None
    client.birth_year = birthday.year if birthday else None
    client.birth_month = birthday.month if birthday else None
    client.birth_day = birthday.day if birthday else None
    client.birth_leap = birthday.leap if birthday else False


def _birthday_of(client: Client) -> Birthday | None:
    if client.birth_kind is None:
        return None
    return Birthday(client.birth_kind, client.birth_month, client.birth_day, client.birth_year,
                    client.birth_leap)


def _add_phone_row(session, client_id: int, number: str, label: str = "") -> None:  # noqa: ANN001
    session.add(Phone(client_id=client_id, number=number, rev=number[::-1], label=label.strip()))


def _now(now: dt.datetime | None) -> dt.datetime:
    return (now or dt.datetime.now()).replace(microsecond=0)


# --- clients -------------------------------------------------------------------------------------


def add_client(
    book: Book,
    name: str,
    phones: list[str] = (),
    *,
    honorific: str = "",
    tier: str = "regular",
    birthday: str = "",
    now: dt.datetime | None = None,
) -> ClientCard:
    """A new client; every value is checked before anything is written."""
    name = _name(name)
    numbers = list(dict.fromkeys(_phone(p) for p in phones))
    fields = dict(honorific=parse_honorific(honorific), tier=parse_tier(tier))
    try:
        bday = parse_birthday(birthday, (now or dt.datetime.now()).date())
    except BirthdayError as exc:
        raise DomainError(exc.code, exc.value, "birthday") from None
    stamp = _now(now)
    with book.write() as session:
        client = Client(created_at=stamp, updated_at=stamp, **fields)
        _set_name(client, name)
        _set_birthday(client, bday)
        session.add(client)
        session.flush()
        for number in numbers:
            _add_phone_row(session, client.id, number)
        client_id = client.id
    return show(book, client_id)


_EDITABLE = ("name", "honorific", "tier", "risk", "birthday", "client_since", "tags", "profile",
             "call_hours", "do_not_call")


def edit_client(book: Book, client_id: int, now: dt.datetime | None = None, **raw: Any) -> ClientCard:
    """Change a client's profile from the words a person typed; unknown fields are an error."""
    unknown = set(raw) - set(_EDITABLE)
    if unknown:
        raise TypeError(f"not editable: {sorted(unknown)}")
    changes: dict[str, Any] = {}
    if "name" in raw:
        changes["name"] = _name(raw["name"])
    if "honorific" in raw:
        changes["honorific"] = parse_honorific(raw["honorific"] or "")
    if "tier" in raw:
        changes["tier"] = parse_tier(raw["tier"])
    if "risk" in raw:
        changes["risk"] = parse_risk(raw["risk"] or "")
    if "birthday" in raw:
        try:
            changes["birthday"] = parse_birthday(raw["birthday"] or "", (now or dt.datetime.now()).date())
        except BirthdayError as exc:
            raise DomainError(exc.code, exc.value, "birthday") from None
    if "client_since" in raw:
        value = (raw["client_since"] or "").strip()
        try:
            changes["client_since"] = dt.date.fromisoformat(value) if value else None
        except ValueError:
            raise DomainError("client.bad_since", value, "client_since") from None
    if "tags" in raw:
        changes["tags"] = parse_tags(raw["tags"] or "")
    for key in ("profile", "call_hours"):
        if key in raw:
            changes[key] = (raw[key] or "").strip()
    if "do_not_call" in raw:
        changes["do_not_call"] = bool(raw["do_not_call"])
    with book.write() as session:
        client = _live_client(session, client_id)
        for key, value in changes.items():
            if key == "name":
                _set_name(client, value)
            elif key == "birthday":
                _set_birthday(client, value)
            elif key == "tags":
                session.execute(text("DELETE FROM clienttag WHERE client_id = :c"), {"c": client_id})
                for tag in value:
                    session.add(ClientTag(client_id=client_id, tag=tag))
            else:
                setattr(client, key, value)
        client.updated_at = _now(now)
        session.add(client)
    return show(book, client_id)


def add_phone(book: Book, client_id: int, phone: str, label: str = "") -> ClientCard:
    number = _phone(phone)
    with book.write() as session:
        _live_client(session, client_id)
        exists = session.exec(
            select(Phone).where(Phone.client_id == client_id, Phone.number == number)
        ).first()
        if exists:
            raise DomainError("client.phone_taken", number, "phone")
        _add_phone_row(session, client_id, number, label)
    return show(book, client_id)


def remove_phone(book: Book, client_id: int, phone: str) -> ClientCard:
    number = _phone(phone)
    with book.write() as session:
        _live_client(session, client_id)
        row = session.exec(
            select(Phone).where(Phone.client_id == client_id, Phone.number == number)
        ).first()
        if row is None:
            raise DomainError("client.phone_missing", number, "phone")
        session.delete(row)
    return show(book, client_id)


def delete_client(book: Book, client_id: int, now: dt.datetime | None = None) -> None:
    """Soft delete: the client leaves every list, but nothing jotted is lost."""
    with book.write() as session:
        client = _live_client(session, client_id)
        client.deleted_at = _now(now)
        session.add(client)


def _live_client(session, client_id: int) -> Client:  # noqa: ANN001
    client = session.get(Client, client_id)
    if client is None or client.deleted_at is not None:
        raise DomainError("client.not_found", f"#{client_id}")
    return client


# --- finding ---------------------------------------------------------------------------------------


def find(book: Book, query: str, limit: int = 50, offset: int = 0) -> list[search.Hit]:
    with book.engine.connect() as conn:
        return search.find(conn, query, limit=limit, offset=offset)


def resolve_client(book: Book, ref: str | int) -> int:
    """A client id from what a person typed: #12 / id:12, a phone (or its last digits), a name.

    Raises DomainError("client.not_found") or AmbiguousClient with the candidates.
    """
    if isinstance(ref, int):
        with book.read() as session:
            return _live_client(session, ref).id
    raw = unicodedata.normalize("NFKC", ref).strip()
    explicit = re.fullmatch(r"(?:#|id:)\s*(\d+)", raw, re.IGNORECASE)
    if explicit:
        with book.read() as session:
            return _live_client(session, int(explicit.group(1))).id
    if not raw:
        raise DomainError("client.not_found", ref)
    hits = find(book, raw, limit=10)
    if hits:
        best = [h for h in hits if h.matched == hits[0].matched]
        if best[0].matched == "name":
            exact = [h for h in best if h.name == raw]
            best = exact or best
        if len(best) == 1:
            return best[0].id
        raise AmbiguousClient(ref, best)
    # Bare digits are never taken as an id: a mistyped "4321" must not land on client #4321.
    raise DomainError("client.not_found", ref)


def show(book: Book, client_id: int, timeline_limit: int = 50, today: dt.date | None = None) -> ClientCard:
    """The client's card; with `today`, whether the client is snoozed then (the latest snooze)."""
    with book.read() as session:
        client = _live_client(session, client_id)
        snooze = None if today is None else session.exec(
            select(Snooze).where(Snooze.client_id == client_id, Snooze.until > today)
            .order_by(Snooze.until.desc(), Snooze.id.desc())).first()
        phones = session.exec(select(Phone).where(Phone.client_id == client_id).order_by(Phone.id)).all()
        tags = session.exec(select(ClientTag.tag).where(ClientTag.client_id == client_id).order_by(ClientTag.tag)).all()
        numbers = [p.number for p in phones]
        open_rows = session.exec(
            select(Memo)
            .where(Memo.client_id == client_id, Memo.status == "open", Memo.deleted_at.is_(None),
                   Memo.kind != "fact")
            .order_by(Memo.due.is_(None), Memo.due, Memo.created_at.desc(), Memo.id.desc())
        ).all()
        memos = session.exec(
            select(Memo).where(Memo.client_id == client_id, Memo.deleted_at.is_(None))
            .order_by(Memo.created_at.desc(), Memo.id.desc()).limit(timeline_limit + 1)
        ).all()
        contacts = session.exec(
            select(Contact).where(Contact.client_id == client_id)
            .order_by(Contact.at.desc(), Contact.id.desc()).limit(timeline_limit + 1)
        ).all()
        items = [TimelineItem(m.created_at, memo=_memo_view(m, client.name, numbers)) for m in memos]
        items += [TimelineItem(c.at, contact=_contact_view(c)) for c in contacts]
        items.sort(key=lambda i: i.at, reverse=True)
        return ClientCard(
            id=client.id, name=client.name, honorific=client.honorific, tier=client.tier,
            risk=client.risk, birthday=_birthday_of(client), client_since=client.client_since,
            profile=client.profile, tags=list(tags), do_not_call=client.do_not_call,
            call_hours=client.call_hours,
            phones=[PhoneView(p.number, p.label) for p in phones],
            open_memos=[_memo_view(m, client.name, numbers) for m in open_rows],
            timeline=items[:timeline_limit], timeline_more=len(items) > timeline_limit,
            created_at=client.created_at,
            snoozed=None if snooze is None else SnoozeView(snooze.until, snooze.note),
        )


def _memo_view(memo: Memo, client_name: str | None, phones: list[str]) -> MemoView:
    return MemoView(
        id=memo.id, client_id=memo.client_id, client_name=client_name, text=memo.text,
        kind=memo.kind, status=memo.status, due=memo.due, created_at=memo.created_at,
        resolution=memo.resolution, resolved_at=memo.resolved_at, phones=phones,
    )


def _contact_view(c: Contact) -> ContactView:
    return ContactView(c.id, c.at, c.channel, c.outcome, c.note, c.new_info, c.opportunity,
                       c.sold_fen, c.reasons)


# --- memos ------------------------------------------------------------------------------------------


def jot(
    book: Book,
    text_: str,
    who: str | int | None = None,
    *,
    due: dt.date | None = None,
    kind: str = "request",
    now: dt.datetime | None = None,
) -> JotResult:
    """Note a line, against a client (id, phone or name) or nobody.

    A full phone number no client has makes a stub client to complete later.
    """
    # NUL is dropped: SQLite's length() stops at the first NUL, so "\x00..." would fail the
    # memo's CHECK (length(text) > 0) with an IntegrityError; no person types a NUL anyway.
    body = text_.replace("\x00", "").strip()
    if not body:
        raise DomainError("memo.text_empty", "", "text")
    if kind not in MEMO_KINDS:
        raise DomainError("memo.bad_kind", kind, "kind")
    client_id: int | None = None
    new_number: str | None = None
    if isinstance(who, int):
        client_id = resolve_client(book, who)
    elif who is not None and who.strip():
        try:
            client_id = resolve_client(book, who)
        except AmbiguousClient:
            raise
        except DomainError:
            try:
                new_number = normalize_phone(who)
            except PhoneError:
                raise DomainError("client.not_found", who, "who") from None
    stamp = _now(now)
    with book.write() as session:
        created = False
        if new_number is not None:
            stub = Client(created_at=stamp, updated_at=stamp)
            session.add(stub)
            session.flush()
            _add_phone_row(session, stub.id, new_number)
            client_id, created = stub.id, True
        memo = Memo(client_id=client_id, text=body, kind=kind, due=due, created_at=stamp,
                    updated_at=stamp)
        session.add(memo)
        session.flush()
        memo_id = memo.id
    return JotResult(memo=get_memo(book, memo_id), created_client=created)


def get_memo(book: Book, memo_id: int) -> MemoView:
    with book.read() as session:
        memo = session.get(Memo, memo_id)
        if memo is None or memo.deleted_at is not None:
            raise DomainError("memo.not_found", memo_id)
        name, numbers = None, []
        if memo.client_id is not None:
            client = session.get(Client, memo.client_id)
            name = client.name if client else None
            numbers = list(session.exec(select(Phone.number).where(Phone.client_id == memo.client_id)
                                        .order_by(Phone.id)).all())
        return _memo_view(memo, name, numbers)


def _close_memo(book: Book, memo_id: int, status: str, note: str, now: dt.datetime | None) -> MemoView:
    with book.write() as session:
        memo = session.get(Memo, memo_id)
        if memo is None or memo.deleted_at is not None:
            raise DomainError("memo.not_found", memo_id)
        if memo.status != "open":
            raise DomainError("memo.not_open", memo_id)
        stamp = _now(now)
        memo.status, memo.resolution, memo.resolved_at, memo.updated_at = status, note.strip(), stamp, stamp
        session.add(memo)
    return get_memo(book, memo_id)


def resolve_memo(book: Book, memo_id: int, resolution: str = "", now: dt.datetime | None = None) -> MemoView:
    return _close_memo(book, memo_id, "done", resolution, now)


def drop_memo(book: Book, memo_id: int, reason: str = "", now: dt.datetime | None = None) -> MemoView:
    return _close_memo(book, memo_id, "dropped", reason, now)


# --- today (the foundation's part: requests due) -------------------------------------------------

# A soft-deleted client leaves every list (see delete_client): its memos are kept, but not
# offered as calls to make, nor counted as open.
_CLIENT_ALIVE = "NOT EXISTS (SELECT 1 FROM client c WHERE c.id = m.client_id AND c.deleted_at IS NOT NULL)"
_DUE_WHERE = f"""m.status = 'open' AND m.deleted_at IS NULL AND m.kind IN ('request', 'callback')
  AND m.due IS NOT NULL AND m.due <= :day AND {_CLIENT_ALIVE}"""
_DUE_SQL = f"SELECT m.id FROM memo m WHERE {_DUE_WHERE} ORDER BY m.due, m.id LIMIT :n OFFSET :o"


def today(book: Book, day: dt.date, limit: int = 100, offset: int = 0) -> TodayPage:
    """Open requests and callbacks due on `day` or before, oldest due first, one page of them."""
    with book.read() as session:
        ids = [r[0] for r in session.execute(text(_DUE_SQL), {"day": day.isoformat(), "n": limit, "o": offset})]
        rows = session.exec(select(Memo).where(Memo.id.in_(ids))).all() if ids else []
        by_id = {m.id: m for m in rows}
        client_ids = {m.client_id for m in rows if m.client_id is not None}
        names = dict(session.exec(select(Client.id, Client.name).where(Client.id.in_(client_ids))).all()) if client_ids else {}
        phones: dict[int, list[str]] = {}
        if client_ids:
            for cid, number in session.exec(select(Phone.client_id, Phone.number).where(Phone.client_id.in_(client_ids)).order_by(Phone.id)):
                phones.setdefault(cid, []).append(number)
        due = [_memo_view(by_id[i], names.get(by_id[i].client_id), phones.get(by_id[i].client_id, [])) for i in ids]
        due_count = session.execute(text(
            f"SELECT count(*) FROM memo m WHERE {_DUE_WHERE}"
        ), {"day": day.isoformat()}).scalar_one()
        open_count = session.execute(text(
            "SELECT count(*) FROM memo m WHERE m.status = 'open' AND m.deleted_at IS NULL "
            f"AND m.kind != 'fact' AND {_CLIENT_ALIVE}"
        )).scalar_one()
    return TodayPage(day=day, due=due, due_count=due_count, open_count=open_count)


# --- settings (the quick-jot draft lives here) ----------------------------------------------------


def get_setting(book: Book, key: str, default: Any = None) -> Any:
    with book.read() as session:
        row = session.get(Setting, key)
        return json.loads(row.value) if row else default


def put_setting(book: Book, key: str, value: Any) -> None:
    with book.write() as session:
        row = session.get(Setting, key)
        if value is None:
            if row is not None:
                session.delete(row)
            return
        payload = json.dumps(value, ensure_ascii=False)
        if row is None:
            session.add(Setting(key=key, value=payload))
        else:
            row.value = payload
            session.add(row)


def count_clients(book: Book) -> int:
    with book.read() as session:
        return session.exec(select(func.count()).select_from(Client).where(Client.deleted_at.is_(None))).one()
