"""The one search box: phone digits (prefix, suffix, middle), names and pinyin.

Every branch is an indexed range walked in index order with a LIMIT, so a keystroke costs
O(page), not O(book): prefix `number >= q AND number < q_next`, suffix the same over the
reversed digits (`rev`), initials and pinyin over their key columns. Only substring searches
(middle digits, a name's middle characters) scan, and they stop as soon as a page is full.
SQLAlchemy's `startswith()` would compile to `LIKE ? || '%'`, which scans: we write ranges.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from sqlalchemy import text
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
    """The branches a query runs, best matches first: (matched, sql, params)."""
    q = query.strip()
    if not q:
        return []
    if looks_like_phone_query(q):
        try:
            # A whole number however written (+86 138..., 0086 138..., +86 371 6512 3456 whose
            # landline keeps its 0): its stored form. Stripping "0086" by hand emptied the query
            # "0086", which is also somebody's last four digits.
            digits = normalize_phone(q)
        except PhoneError:
            digits = digits_of(q)  # part of a number: the digits as typed
        rq = digits[::-1]
        params = {"q": digits, "q_next": next_key(digits), "rq": rq, "rq_next": next_key(rq),
                  "like": f"%{digits}%"}
        names = ["phone_exact", "phone_suffix", "phone_prefix"]
        if len(digits) >= 3:
            names.append("phone_middle")
        return [(n, _PHONE_BRANCHES[n], params) for n in names]
    lowered = q.lower()
    branches: list[tuple[str, str, dict]] = []
    if _ASCII_WORD.match(lowered):
        key = re.sub(r"[^a-z]", "", lowered)
        if key:
            kp = {"q": key, "q_next": next_key(key)}
            branches += [("initials", _NAME_BRANCHES["initials"], kp),
                         ("pinyin", _NAME_BRANCHES["pinyin"], kp)]
    np = {"q": q, "q_next": next_key(q), "like": f"%{escape_like(q)}%"}
    branches += [("name", _NAME_BRANCHES["name"], np)]
    if _CJK.search(q) or not branches or len(q) >= 2:
        branches += [("name", _NAME_BRANCHES["name_middle"], np)]
    return branches


def find(conn: Connection, query: str, limit: int = 50, offset: int = 0) -> list[Hit]:
    """A page of clients matching `query`, best first; ask for offset+limit to page on."""
    want = offset + limit
    order: list[tuple[int, str, str | None]] = []
    seen: set[int] = set()
    for matched, sql, params in plan(query):
        n = want + 1
        while True:
            rows = conn.execute(text(sql), {**params, "n": n}).all()
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
    return _hydrate(conn, page)


def _hydrate(conn: Connection, page: list[tuple[int, str, str | None]]) -> list[Hit]:
    if not page:
        return []
    ids = [client_id for client_id, _, _ in page]
    marks = ", ".join(str(int(i)) for i in ids)
    clients = {
        row.id: row
        for row in conn.execute(text(
            "SELECT c.id, c.name, c.honorific, c.tier, c.do_not_call, "
            "(SELECT count(*) FROM memo m WHERE m.client_id = c.id AND m.status = 'open' "
            " AND m.kind != 'fact' AND m.deleted_at IS NULL) AS open_requests "
            f"FROM client c WHERE c.id IN ({marks})"
        ))
    }
    phones: dict[int, list[tuple[str, str]]] = {i: [] for i in ids}
    for client_id, number, label in conn.execute(text(
        f"SELECT client_id, number, label FROM phone WHERE client_id IN ({marks}) ORDER BY id"
    )):
        phones[client_id].append((number, label))
    hits = []
    for client_id, matched, number in page:
        row = clients[client_id]
        hits.append(Hit(
            id=row.id, name=row.name, honorific=row.honorific, tier=row.tier,
            phones=[n for n, _ in phones[client_id]], labels=[lb for _, lb in phones[client_id]],
            matched=matched, matched_phone=number, do_not_call=bool(row.do_not_call),
            open_requests=row.open_requests,
        ))
    return hits
