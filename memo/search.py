"""The one search box: phone digits (prefix, suffix, middle), names and pinyin.

Every branch is an indexed range walked in index order with a LIMIT, so a keystroke costs
O(page), not O(book): prefix `number >= q AND number < q_next`, suffix the same over the
reversed digits (`rev`), initials and pinyin over their key columns. Only substring searches
(middle digits, a name's middle characters) scan, and they stop as soon as a page is full.
SQLAlchemy's `startswith()` would compile to `LIKE ? || '%'`, which scans: we write ranges.
"""

from __future__ import annotations

import json
import re
import sqlite3
from dataclasses import dataclass, field

from sqlalchemy.engine import Connection

from memo.phones import PhoneError, digits_of, looks_like_phone_query, normalize_phone

_CJK = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")
_ASCII_WORD = re.compile(r"^[a-z\s'·.-]+$")


@dataclass(frozen=True)
class Hit:
    id: int
    name: str
    honorific: str | None
    tier: str
    phones: list[str]
    matched: str  # phone_exact, phone_suffix, phone_prefix, phone_middle, name, initials, pinyin
    matched_phone: str | None = None
    do_not_call: bool = False
    open_requests: int = 0
    labels: list[str] = field(default_factory=list)


def next_key(key: str) -> str:
    """The smallest string greater than every string starting with `key`."""
    # U+10FFFF has no successor (chr() would raise on a pasted one): carry into the character
    # before it. A key made only of U+10FFFF gets a bound no real name reaches.
    head = key.rstrip("\U0010ffff")
    if not head:
        return key + "\U0010ffff" * 8
    return head[:-1] + chr(ord(head[-1]) + 1)


def escape_like(value: str) -> str:
    return value.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


_ALIVE = "JOIN client c ON c.id = p.client_id AND c.deleted_at IS NULL"

_PHONE_BRANCHES = {
    "phone_exact": f"SELECT p.client_id, p.number FROM phone p {_ALIVE} WHERE p.number = :q ORDER BY c.name, c.id LIMIT :n",
    "phone_suffix": f"SELECT p.client_id, p.number FROM phone p {_ALIVE} WHERE p.rev >= :rq AND p.rev < :rq_next ORDER BY p.rev, p.client_id LIMIT :n",
    "phone_prefix": f"SELECT p.client_id, p.number FROM phone p {_ALIVE} WHERE p.number >= :q AND p.number < :q_next ORDER BY p.number, p.client_id LIMIT :n",
    "phone_middle": f"SELECT p.client_id, p.number FROM phone p INDEXED BY ix_phone_number {_ALIVE} WHERE p.number LIKE :like ESCAPE '\\' ORDER BY p.number, p.client_id LIMIT :n",
}

_NAME_ALIVE = "FROM client c WHERE c.deleted_at IS NULL AND"
_NAME_BRANCHES = {
    "name": f"SELECT c.id, NULL {_NAME_ALIVE} c.name >= :q AND c.name < :q_next ORDER BY c.name, c.id LIMIT :n",
    "name_middle": f"SELECT c.id, NULL {_NAME_ALIVE} c.name LIKE :like ESCAPE '\\' ORDER BY c.name, c.id LIMIT :n",
    "initials": f"SELECT c.id, NULL {_NAME_ALIVE} c.name_initials >= :q AND c.name_initials < :q_next ORDER BY c.name_initials, c.name, c.id LIMIT :n",
    "pinyin": f"SELECT c.id, NULL {_NAME_ALIVE} c.name_pinyin >= :q AND c.name_pinyin < :q_next ORDER BY c.name_pinyin, c.id LIMIT :n",
}


def plan(query: str) -> list[tuple[str, str, dict]]:
    """The branches a query may run, best matches first: (matched, sql, params)."""
    return [(matched, sql, params) for matched, sql, params, _ in _branches(query)]


def _branches(query: str) -> list[tuple[str, str, dict, bool]]:
    """The branches with a flag each: (matched, sql, params, fallback).

    A fallback branch (a substring scan) runs only when the indexed branches found nothing:
    "8000" wants the numbers ending 8000, not every number with 8000 somewhere inside.
    """
    q = query.strip()
    if not q:
        return []
    if looks_like_phone_query(q):
        try:
            # A whole number however written (+86 138..., 0086 138..., +86 371 6512 3456 whose
            # landline keeps its 0): its stored form. Stripping "0086" by hand emptied the query
            # "0086", which is also somebody's last four digits, and then matched every number.
            digits = normalize_phone(q)
        except PhoneError:
            digits = digits_of(q)  # part of a number: the digits as typed
        rq = digits[::-1]
        params = {"q": digits, "q_next": next_key(digits), "rq": rq, "rq_next": next_key(rq),
                  "like": f"%{digits}%"}
        branches = [(n, _PHONE_BRANCHES[n], params, False)
                    for n in ("phone_exact", "phone_suffix", "phone_prefix")]
        if len(digits) >= 3:
            branches.append(("phone_middle", _PHONE_BRANCHES["phone_middle"], params, True))
        return branches
    lowered = q.lower()
    name_params = {"q": q, "q_next": next_key(q), "like": f"%{escape_like(q)}%"}
    branches: list[tuple[str, str, dict, bool]] = []
    if _ASCII_WORD.match(lowered):
        key = re.sub(r"[^a-z]", "", lowered)
        if key:
            kp = {"q": key, "q_next": next_key(key)}
            branches += [("initials", _NAME_BRANCHES["initials"], kp, False),
                         ("pinyin", _NAME_BRANCHES["pinyin"], kp, False)]
    branches.append(("name", _NAME_BRANCHES["name"], name_params, False))
    branches.append(("name", _NAME_BRANCHES["name_middle"], name_params, True))
    return branches


def find(conn: Connection, query: str, limit: int = 50, offset: int = 0) -> list[Hit]:
    """A page of clients matching `query`, best first; ask for offset+limit to page on."""
    want = offset + limit
    order: list[tuple[int, str, str | None]] = []
    seen: set[int] = set()
    # Straight to sqlite3: SQLAlchemy's per-statement overhead is most of a keystroke's cost.
    db = conn.connection.driver_connection
    for matched, sql, params, fallback in _branches(query):
        if fallback and order:
            break
        n = want + 1
        while True:
            rows = db.execute(sql, {**params, "n": n}).fetchall()
            for client_id, number in rows:
                if client_id not in seen:
                    seen.add(client_id)
                    order.append((client_id, matched, number))
            # A family's client with several matching numbers takes several rows: if the LIMIT
            # cut this branch before the page filled, read further into it, or a lower-ranked
            # branch would jump ahead of its remaining clients (and pages would overlap).
            if len(order) > want or len(rows) < n:
                break
            n *= 2
        if len(order) > want:
            break  # later branches rank lower: no need to run them for this page
    page = order[offset:want]
    return _hydrate(db, page)


# Fixed statements (ids as one JSON parameter) so SQLite reuses the prepared plan every
# keystroke; the open-request count reads only the small partial index of open memos.
# Two statements a page: every statement costs a keystroke ~0.15 ms before it reads a row.
_HYDRATE_CLIENTS = (
    "SELECT c.id, c.name, c.honorific, c.tier, c.do_not_call, "
    "(SELECT count(*) FROM memo m INDEXED BY ix_memo_open_client WHERE m.client_id = c.id "
    " AND m.status = 'open' AND m.deleted_at IS NULL AND m.kind != 'fact') "
    "FROM client c WHERE c.id IN (SELECT value FROM json_each(:ids))"
)
_HYDRATE_PHONES = (
    "SELECT client_id, number, label FROM phone INDEXED BY ix_phone_client "
    "WHERE client_id IN (SELECT value FROM json_each(:ids)) ORDER BY id"
)


def _hydrate(db: sqlite3.Connection, page: list[tuple[int, str, str | None]]) -> list[Hit]:
    if not page:
        return []
    ids = json.dumps([client_id for client_id, _, _ in page])
    clients = {row[0]: row for row in db.execute(_HYDRATE_CLIENTS, {"ids": ids})}
    phones: dict[int, list[tuple[str, str]]] = {}
    for client_id, number, label in db.execute(_HYDRATE_PHONES, {"ids": ids}):
        phones.setdefault(client_id, []).append((number, label))
    hits = []
    for client_id, matched, number in page:
        _, name, honorific, tier, do_not_call, open_requests = clients[client_id]
        numbers = phones.get(client_id, [])
        hits.append(Hit(
            id=client_id, name=name, honorific=honorific, tier=tier,
            phones=[n for n, _ in numbers], labels=[lb for _, lb in numbers],
            matched=matched, matched_phone=number, do_not_call=bool(do_not_call),
            open_requests=open_requests,
        ))
    return hits
