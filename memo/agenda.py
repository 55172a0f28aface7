"""The today list: for a day, every client with a reason to be called, all of its reasons, and an
explainable score (issue 4). Headless: plain values out, no Textual.

How it stays fast on a large book: each reason kind is one or a few indexed lookups straight on
sqlite3 (maturities by date, rolling deposits by their chain keys, birthdays and key dates by the
(month, day) anchors that fall in the window, open memos by due date, untold holdings by a
partial index, cadence by (tier, last contact)); only the rows found come into Python, and names
and phones are read for the page shown.

"Handled": a reason is off the list once the client was reached (any call outcome but no answer,
kept in client.last_contact_on) on or after the day the reason first came up, or once it was
dismissed; a request or callback once its memo is closed. Until then it carries over, day after
day, marked overdue (date reasons for `carry_days`, memos until they are closed). A client
reached today stays on today's list, shown done.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from memo.db import Book
from memo.codes import REASON_KINDS, TIERS

__all__ = ["DEFAULT_RULES", "Agenda", "Reason", "Row", "compute", "rules"]

RULES_KEY = "today_rules"
DEFAULT_RULES: dict[str, Any] = {
    # points of each reason kind (and its variants); the score adds amount and urgency points
    "weights": {
        "maturity": 10, "maturity_rollover": 5, "maturity_confirm": 8, "maturity_demand": 9,
        "birthday": 6, "lunar_birthday": 6, "birthday_soon": 2, "round_age": 3, "key_date": 5,
        "festival": 3, "request": 7, "callback": 8, "holding": 7, "cadence": 2, "campaign": 5,
    },
    "amount_unit_yuan": 100_000,  # one point per 10万 at stake...
    "amount_cap": 10,  # ...at most this many
    "urgency_per_day": 0.5,  # points per day overdue, or per working day closer to a maturity
    "urgency_cap": 5,
    "tier_points": {"private": 3, "diamond": 2, "platinum": 1, "gold": 0, "regular": 0},
    "cadence_days": {"private": 30, "diamond": 30, "platinum": 90, "gold": 180},
    "festival_tiers": ["private", "diamond", "platinum"],
    "festivals": ["new_year", "spring", "dragon_boat", "mid_autumn", "national"],
    "maturity_workdays": 7,  # a maturity comes up this many working days ahead
    "demand_days": 7,  # days after a maturity not rolled over: "the money is in the demand account"
    "birthday_ahead": 3,  # "coming up" this many days ahead
    "request_age_days": 7,  # an open request without a due date comes up at this age
    "carry_days": 7,  # a missed date reason (birthday, key date...) carries over this many days
}


def rules(book: Book | None) -> dict[str, Any]:
    """The defaults with the book's "today_rules" setting laid over them (one level deep)."""
    merged = json.loads(json.dumps(DEFAULT_RULES))
    if book is None:
        return merged
    raw = _setting(book, RULES_KEY)
    if isinstance(raw, dict):
        for key, value in raw.items():
            if key in merged and isinstance(merged[key], dict) and isinstance(value, dict):
                merged[key].update(value)
            elif key in merged:
                merged[key] = value
    return merged


def _setting(book: Book, key: str) -> Any:
    return book.setting(key)


@dataclass(frozen=True, slots=True)
class Reason:
    kind: str  # one of REASON_KINDS
    sub: str  # "" or a variant: rollover, confirm, demand (maturity); soon (birthdays)
    ref: str  # this reason and its occurrence, e.g. "deposit:12:2026-12-03": dismissals name it
    date: dt.date  # the date it is about: the maturity, the birthday, the due date...
    days: int  # date - the day asked for: negative when past
    overdue: int  # days since it first came up, when carried over (0: new today)
    amount_fen: int | None = None
    text: str = ""  # user text it is about: the memo, the product, the key date's label
    extra: tuple = ()  # kind-specific facts for the detail line (age, festival key, line, tier...)
    parts: tuple[tuple[str, int], ...] = ()  # the score's breakdown, in tenths of a point

    @property
    def score(self) -> int:
        return sum(p for _, p in self.parts)


@dataclass(slots=True)
class Row:
    client_id: int | None  # None: an open memo that names no client
    tier: str
    do_not_call: bool
    reasons: list[Reason]
    status: str = ""  # today's last call: "" (none), reached, callback, declined, no_answer
    tier_points: int = 0
    name: str = ""
    phones: list[str] = field(default_factory=list)
    call_hours: str = ""
    memo_id: int | None = None  # for a row without a client

    @property
    def score(self) -> int:
        return self.tier_points + sum(r.score for r in self.reasons)

    @property
    def done(self) -> bool:
        return self.status in ("reached", "callback", "declined")

    @property
    def kinds(self) -> list[str]:
        return list(dict.fromkeys(r.kind for r in self.reasons))

    def sort_key(self) -> tuple:
        group = 3 if self.do_not_call else 2 if self.done else 1 if self.status == "no_answer" else 0
        first = min(r.date for r in self.reasons)
        return (group, -self.score, first, self.client_id or 0, self.memo_id or 0)


@dataclass
class Agenda:
    day: dt.date
    rows: list[Row]  # the page asked for, in order
    total: int  # rows after the filters
    counts: dict[str, int]  # clients per reason kind (before the kind filter)
    todo: int  # rows not yet done today (do-not-call apart)
    done: int
    snoozed: int  # put off to a later day, or waiting for the next working day after no answer
    do_not_call: int
    all_total: int  # rows before the filters


# --- reading ---------------------------------------------------------------------------------------


def _d(value: str | None) -> dt.date | None:
    return dt.date.fromisoformat(value[:10]) if value else None


class _Scorer:
    def __init__(self, rules_: dict[str, Any]):
        self.w = {k: round(float(v) * 10) for k, v in rules_["weights"].items()}
        self.unit_fen = int(rules_["amount_unit_yuan"]) * 100
        self.amount_cap = round(float(rules_["amount_cap"]) * 10)
        self.per_day = round(float(rules_["urgency_per_day"]) * 10)
        self.urgency_cap = round(float(rules_["urgency_cap"]) * 10)

    def parts(self, weight: str, amount_fen: int | None = None, urgent_days: int = 0) -> tuple:
        out = [(f"w:{weight}", self.w.get(weight, 0))]
        if amount_fen:
            out.append(("amount", min(amount_fen * 10 // self.unit_fen, self.amount_cap)))
        if urgent_days > 0:
            out.append(("urgency", min(urgent_days * self.per_day, self.urgency_cap)))
        return tuple(out)


class _Collector:
    """Reasons per client, with what each client row needs to be ranked."""

    def __init__(self, day: dt.date, rules_: dict[str, Any], dismissed: set[tuple[int, str]],
                 reach_before: dict[int, str | None]):
        self.day = day
        self.iso = day.isoformat()
        self.rules = rules_
        self.score = _Scorer(rules_)
        self.dismissed = dismissed
        self.rows: dict[Any, Row] = {}
        # clients reached today: their reach before today. Their reasons are judged as of before
        # today's call, so the row stays on today's list, shown done.
        self.reach_before = reach_before

    def add(self, client_id: int, tier: str, dnc: int, reason: Reason) -> None:
        if (client_id, reason.ref) in self.dismissed:
            return
        row = self.rows.get(client_id)
        if row is None:
            row = self.rows[client_id] = Row(client_id=client_id, tier=tier, do_not_call=bool(dnc), reasons=[])
        row.reasons.append(reason)

    def last_reach(self, client_id: int, last: str | None) -> str | None:
        """The last reach before today (last_contact_on, unless that is today's call)."""
        if last == self.iso:
            return self.reach_before.get(client_id)
        return last

    def handled(self, client_id: int, last: str | None, since: dt.date) -> bool:
        """Reached on or after `since`, before today."""
        last = self.last_reach(client_id, last)
        return last is not None and last >= since.isoformat()


def compute(book: Book, day: dt.date, *, kinds: set[str] | None = None, tiers: set[str] | None = None,
            limit: int | None = None, offset: int = 0, rules_: dict[str, Any] | None = None) -> Agenda:
    """The today list of `day`: rows in order, the page [offset, offset + limit) filled with
    names and phones, counts over the whole list."""
    from memo import workdays

    r = rules_ or rules(book)
    workday = workdays.is_workday(day, book)
    since = None if workday else workdays.last_workday_before(day, book)
    with book.raw() as db:
        dismissed = {(cid, ref) for cid, ref in db.execute("SELECT client_id, ref FROM dismissal")}
        today_calls = _today_calls(db, day)
        col = _Collector(day, r, dismissed, _reach_before(db, day, today_calls))
        _maturities(db, book, col)
        _birthdays(db, col)
        _key_dates(db, col)
        _festivals(db, book, col)
        _memos(db, col)
        _holdings(db, col)
        _cadence(db, col)
        hidden = _snoozed(db, day)
        if since is not None:
            # no answer on the last working day: the next try is on the next working day
            hidden |= {cid for (cid,) in db.execute(
                "SELECT DISTINCT client_id FROM contact WHERE at >= ? AND at < ? AND outcome = 'no_answer'",
                (since.isoformat(), day.isoformat()))}
        rows, snoozed = _rank(col, today_calls, hidden)
        counts = {k: 0 for k in REASON_KINDS}
        for row in rows:
            for k in row.kinds:
                counts[k] += 1
        shown = [row for row in rows
                 if (not kinds or any(k in kinds for k in row.kinds)) and (not tiers or row.tier in tiers)]
        page = shown[offset:offset + limit] if limit is not None else shown[offset:]
        _hydrate(db, page)
    return Agenda(
        day=day, rows=page, total=len(shown), counts=counts,
        todo=sum(1 for x in rows if not x.done and not x.do_not_call),
        done=sum(1 for x in rows if x.done and not x.do_not_call), snoozed=snoozed,
        do_not_call=sum(1 for x in rows if x.do_not_call), all_total=len(rows),
    )


def _rank(col: _Collector, today_calls: dict[int, str], hidden: set[int]) -> tuple[list[Row], int]:
    tier_points = {k: round(float(v) * 10) for k, v in col.rules["tier_points"].items()}

    rows = []
    snoozed = 0
    for row in col.rows.values():
        status = today_calls.get(row.client_id, "") if row.client_id is not None else ""
        if row.client_id in hidden and not status:
            snoozed += 1
            continue
        row.status = status
        row.tier_points = tier_points.get(row.tier, 0)
        row.reasons.sort(key=lambda x: (-x.score, x.date, x.ref))
        rows.append(row)
    rows.sort(key=Row.sort_key)
    return rows, snoozed


_ALIVE = "c.deleted_at IS NULL"


def _today_calls(db, day: dt.date) -> dict[int, str]:  # noqa: ANN001
    """The last outcome of today's calls per client; a reach wins over a later no answer."""
    out: dict[int, str] = {}
    nxt = day + dt.timedelta(days=1)
    for cid, outcome in db.execute("SELECT client_id, outcome FROM contact WHERE at >= ? AND at < ? ORDER BY at, id",
                                   (day.isoformat(), nxt.isoformat())):
        if out.get(cid) in ("reached", "callback", "declined") and outcome == "no_answer":
            continue
        out[cid] = outcome
    return out


def _reach_before(db, day: dt.date, today_calls: dict[int, str]) -> dict[int, str | None]:  # noqa: ANN001
    """For clients reached today, the day of their reach before today (None: never)."""
    reached = [cid for cid, outcome in today_calls.items() if outcome != "no_answer"]
    if not reached:
        return {}
    return dict(db.execute(
        "SELECT k.value, (SELECT max(date(x.at)) FROM contact x WHERE x.client_id = k.value AND x.at < ? "
        "AND x.outcome != 'no_answer') FROM json_each(?) k", (day.isoformat(), json.dumps(reached))))


def _snoozed(db, day: dt.date) -> set[int]:  # noqa: ANN001
    return {cid for (cid,) in db.execute('SELECT client_id FROM snooze WHERE "on" <= ? AND until > ?',
                                         (day.isoformat(), day.isoformat()))}


# --- maturities ------------------------------------------------------------------------------------

_DEP_COLS = ("d.id, d.client_id, d.amount_fen, d.start, d.term_months, d.maturity, d.rollover, d.status, "
             "c.tier, c.do_not_call, c.last_contact_on")


def _maturities(db, book: Book, col: _Collector) -> None:  # noqa: ANN001
    from memo import workdays
    from memo.terms import next_maturity_of

    day, r = col.day, col.rules
    span = int(r["maturity_workdays"])
    hi = workdays.add_workdays(day, span, book)
    lo = day - dt.timedelta(days=int(r["demand_days"]))
    seen: set[int] = set()
    rows = db.execute(
        f"SELECT {_DEP_COLS} FROM deposit d JOIN client c ON c.id = d.client_id "
        f"WHERE d.status IN ('active', 'matured') AND d.maturity BETWEEN ? AND ? AND {_ALIVE}",
        (lo.isoformat(), hi.isoformat())).fetchall()
    # rolling deposits past their first period: by the chain keys of each date in the window
    keys = []
    for term in _roll_terms(db):
        x = day
        while x <= hi:
            keys.append((term, (x.year * 12 + x.month - 1) % term, min(x.day, 28)))
            x += dt.timedelta(days=1)
    if keys:
        rows += db.execute(
            f"SELECT {_DEP_COLS} FROM json_each(?) k "
            "JOIN deposit d INDEXED BY ix_deposit_roll ON d.roll_term = k.value ->> 0 "
            "AND d.roll_phase = k.value ->> 1 AND d.roll_day = k.value ->> 2 "
            f"JOIN client c ON c.id = d.client_id WHERE d.status = 'active' AND d.rollover = 1 "
            f"AND d.roll_term IS NOT NULL AND {_ALIVE}",
            (json.dumps(sorted(set(keys))),)).fetchall()
    for dep_id, cid, fen, start, term, maturity, rollover, status, tier, dnc, last in rows:
        if dep_id in seen:
            continue
        seen.add(dep_id)
        first = dt.date.fromisoformat(maturity)
        if status == "active" and rollover:
            m, _k = next_maturity_of(dt.date.fromisoformat(start), term, first, True, day)
        else:
            m = first
        if day <= m <= hi:
            _maturity_reasons(col, book, dep_id, cid, tier, dnc, last, fen, m, bool(rollover), span)
        elif lo <= m < day and not rollover and not col.handled(cid, last, m):
            # not rolled over and nobody talked to the client since: the money is waiting
            ref = f"deposit:{dep_id}:{m.isoformat()}:demand"
            col.add(cid, tier, dnc, Reason(
                "maturity", "demand", ref, m, (m - day).days, (day - m).days, fen,
                parts=col.score.parts("maturity_demand", fen, (day - m).days)))


def _maturity_reasons(col: _Collector, book: Book, dep_id: int, cid: int, tier: str, dnc: int,  # noqa: PLR0913
                      last: str | None, fen: int, m: dt.date, rollover: bool, span: int) -> None:
    from memo import workdays

    day = col.day
    came_up = workdays.add_workdays(m, -span, book)
    left = workdays.workdays_between(day, m, book)
    if not col.handled(cid, last, came_up):
        sub = "rollover" if rollover else ""
        col.add(cid, tier, dnc, Reason(
            "maturity", sub, f"deposit:{dep_id}:{m.isoformat()}", m, (m - day).days,
            max(0, (day - came_up).days), fen, extra=(left,),
            parts=col.score.parts("maturity_rollover" if rollover else "maturity", fen, span - left)))
    confirm = workdays.last_workday_before(m, book)
    if confirm <= day < m and not col.handled(cid, last, confirm):
        col.add(cid, tier, dnc, Reason(
            "maturity", "confirm", f"deposit:{dep_id}:{m.isoformat()}:confirm", m, (m - day).days,
            (day - confirm).days, fen, extra=(left,),
            parts=col.score.parts("maturity_confirm", fen, (day - confirm).days)))


def _roll_terms(db) -> list[int]:  # noqa: ANN001
    """The distinct terms of active rolling deposits: a skip-scan of the partial index."""
    return [t for (t,) in db.execute(
        "WITH RECURSIVE t(x) AS ("
        " SELECT min(roll_term) FROM deposit INDEXED BY ix_deposit_roll"
        "  WHERE status = 'active' AND rollover = 1 AND roll_term IS NOT NULL"
        " UNION ALL SELECT (SELECT min(roll_term) FROM deposit INDEXED BY ix_deposit_roll"
        "  WHERE status = 'active' AND rollover = 1 AND roll_term IS NOT NULL AND roll_term > x)"
        " FROM t WHERE x IS NOT NULL) SELECT x FROM t WHERE x IS NOT NULL")]


# --- birthdays and key dates -----------------------------------------------------------------------


@lru_cache(maxsize=64)
def _anchors_between(lo: dt.date, hi: dt.date) -> tuple[tuple[str, int, int, int, dt.date], ...]:
    """Every yearly anchor (kind, month, day, leap) with an occurrence in [lo, hi], and that date."""
    from memo import lunar

    out = []
    for year in range(lo.year, hi.year + 1):
        for month in range(1, 13):
            for d in range(1, 32):
                try:
                    x = lunar.yearly_solar(month, d, year)
                except ValueError:
                    continue
                if lo <= x <= hi:
                    out.append(("solar", month, d, 0, x))
    lunar_years = {lunar.solar_to_lunar(lo)[0], lunar.solar_to_lunar(hi)[0]}
    for ly in sorted(lunar_years):
        for month in range(1, 13):
            for d in range(1, 31):
                for leap in (0, 1):
                    x = lunar.yearly_lunar(month, d, bool(leap), ly)
                    if lo <= x <= hi:
                        out.append(("lunar", month, d, leap, x))
    return tuple(out)


def _anchor_json(anchors, kind: str) -> tuple[str, dict]:  # noqa: ANN001
    picked = [(m, d, leap) for k, m, d, leap, _x in anchors if k == kind]
    when = {(m, d, leap): x for k, m, d, leap, x in anchors if k == kind}
    return json.dumps(picked), when


def _birthdays(db, col: _Collector) -> None:  # noqa: ANN001
    from memo.lunar import age_on, is_round_age

    day, r = col.day, col.rules
    ahead = int(r["birthday_ahead"])
    lo, hi = day - dt.timedelta(days=int(r["carry_days"])), day + dt.timedelta(days=ahead)
    anchors = _anchors_between(lo, hi)
    for kind, reason_kind in (("solar", "birthday"), ("lunar", "lunar_birthday")):
        keys, when = _anchor_json(anchors, kind)
        leap_test = "AND c.birth_leap = k.value ->> 2" if kind == "lunar" else ""
        rows = db.execute(
            "SELECT c.id, c.tier, c.do_not_call, c.last_contact_on, c.birth_month, c.birth_day, c.birth_leap, "
            # CROSS JOIN keeps the anchors outside: else sqlite walks every client of the kind
            "c.birth_year FROM json_each(?) k CROSS JOIN client c INDEXED BY ix_client_birth "
            "ON c.birth_kind = ? AND c.birth_month = k.value ->> 0 AND c.birth_day = k.value ->> 1 "
            f"{leap_test} WHERE {_ALIVE}", (keys, kind)).fetchall()
        for cid, tier, dnc, last, month, d, leap, year in rows:
            x = when.get((month, d, int(leap) if kind == "lunar" else 0))
            if x is None:
                continue
            age = age_on(year, kind, x)
            round_age = is_round_age(age)
            if x > day:
                parts = col.score.parts("birthday_soon")
                col.add(cid, tier, dnc, Reason(
                    reason_kind, "soon", f"{reason_kind}:{x.isoformat()}:soon", x, (x - day).days, 0,
                    extra=(age, month, d, bool(leap)), parts=parts))
            elif not col.handled(cid, last, x):
                parts = col.score.parts(reason_kind, None, (day - x).days)
                if round_age:
                    parts += (("w:round_age", col.score.w.get("round_age", 0)),)
                col.add(cid, tier, dnc, Reason(
                    reason_kind, "", f"{reason_kind}:{x.isoformat()}", x, (x - day).days, (day - x).days,
                    extra=(age, month, d, bool(leap)), parts=parts))


def _key_dates(db, col: _Collector) -> None:  # noqa: ANN001
    from memo.lunar import age_on

    day, r = col.day, col.rules
    lo = day - dt.timedelta(days=int(r["carry_days"]))
    anchors = _anchors_between(lo, day)
    picked = [(k, m, d, leap) for k, m, d, leap, _x in anchors]
    when = {(k, m, d, leap): x for k, m, d, leap, x in anchors}
    rows = db.execute(
        "SELECT kd.id, kd.client_id, c.tier, c.do_not_call, c.last_contact_on, kd.kind, kd.month, kd.day, "
        "kd.leap, kd.year, kd.label FROM json_each(?) k JOIN keydate kd INDEXED BY ix_keydate_md "
        "ON kd.kind = k.value ->> 0 AND kd.month = k.value ->> 1 AND kd.day = k.value ->> 2 "
        "AND (kd.kind = 'solar' OR kd.leap = k.value ->> 3) "
        f"JOIN client c ON c.id = kd.client_id WHERE {_ALIVE}", (json.dumps(picked),)).fetchall()
    for kd_id, cid, tier, dnc, last, kind, month, d, leap, year, label in rows:
        x = when.get((kind, month, d, int(leap) if kind == "lunar" else 0))
        if x is None or col.handled(cid, last, x):
            continue
        years = age_on(year, kind, x) if year else None
        if year and years is None:
            continue  # planned ahead: no anniversary before the date itself
        col.add(cid, tier, dnc, Reason(
            "key_date", "", f"keydate:{kd_id}:{x.isoformat()}", x, (x - day).days, (day - x).days,
            text=label, extra=(years, kind, month, d, bool(leap)),
            parts=col.score.parts("key_date", None, (day - x).days)))


def _festivals(db, book: Book, col: _Collector) -> None:  # noqa: ANN001
    """On the working day before a greeting festival (and until the festival), the top tiers."""
    from memo import workdays

    day, r = col.day, col.rules
    tiers = [t for t in r["festival_tiers"] if t in TIERS]
    if not tiers:
        return
    for year in (day.year, day.year + 1):
        for fest in workdays.festivals(year):
            if fest.key not in r["festivals"]:
                continue
            call_day = workdays.last_workday_before(fest.date, book)
            if not call_day <= day <= fest.date:
                continue
            marks = ",".join("?" * len(tiers))
            for cid, tier, dnc, last in db.execute(
                    f"SELECT c.id, c.tier, c.do_not_call, c.last_contact_on FROM client c "
                    f"WHERE c.tier IN ({marks}) AND {_ALIVE}", tiers):
                if col.handled(cid, last, call_day):
                    continue
                col.add(cid, tier, dnc, Reason(
                    "festival", "", f"festival:{fest.key}:{fest.date.isoformat()}", fest.date,
                    (fest.date - day).days, (day - call_day).days, extra=(fest.key,),
                    parts=col.score.parts("festival", None, (day - call_day).days)))


# --- memos, holdings, cadence ----------------------------------------------------------------------


def _memos(db, col: _Collector) -> None:  # noqa: ANN001
    """Open requests and callbacks due by today; requests with no due date once `request_age_days`
    old. A memo that names no client is a row of its own."""
    day = col.day
    age = int(col.rules["request_age_days"])
    # created before the day after (day - age): created_at is a timestamp, compared as text
    cut = (day - dt.timedelta(days=age - 1)).isoformat()
    base = ("SELECT m.id, m.client_id, m.kind, m.text, m.due, m.created_at, c.tier, c.do_not_call, "
            "c.last_contact_on FROM memo m INDEXED BY ix_memo_open_due LEFT JOIN client c ON c.id = m.client_id "
            "WHERE m.status = 'open' AND m.deleted_at IS NULL AND m.kind IN ('request', 'callback') "
            "AND (m.client_id IS NULL OR c.deleted_at IS NULL) ")
    rows = db.execute(base + "AND m.due <= ?", (day.isoformat(),)).fetchall()
    rows += db.execute(base + "AND m.due IS NULL AND (m.kind = 'callback' OR m.created_at < ?)", (cut,)).fetchall()
    if col.reach_before:
        # the callbacks today's call kept: still on today's row, shown done
        nxt = (day + dt.timedelta(days=1)).isoformat()
        rows += db.execute(
            "SELECT m.id, m.client_id, m.kind, m.text, m.due, m.created_at, c.tier, c.do_not_call, "
            "c.last_contact_on FROM json_each(?) k JOIN memo m INDEXED BY ix_memo_client ON m.client_id = k.value "
            "JOIN client c ON c.id = m.client_id WHERE m.kind = 'callback' AND m.status = 'done' "
            "AND m.deleted_at IS NULL AND m.resolved_at >= ? AND m.resolved_at < ? "
            f"AND (m.due IS NULL OR m.due <= ?) AND {_ALIVE}",
            (json.dumps(list(col.reach_before)), day.isoformat(), nxt, day.isoformat())).fetchall()
    for memo_id, cid, kind, text, due, created, tier, dnc, last in rows:
        if due is not None:
            x = dt.date.fromisoformat(due)
            late = (day - x).days
        else:
            x = _d(created) + (dt.timedelta(days=age) if kind == "request" else dt.timedelta())
            late = max(0, (day - x).days)
        waited = (day - _d(created)).days
        reason = Reason(kind, "" if due else "no_due", f"memo:{memo_id}", x, (x - day).days, late, text=text,
                        extra=(waited,), parts=col.score.parts(kind, None, late))
        if cid is None:
            col.rows[("memo", memo_id)] = Row(client_id=None, tier="regular", do_not_call=False,
                                              reasons=[reason], memo_id=memo_id)
        else:
            col.add(cid, tier, dnc, reason)


def _holdings(db, col: _Collector) -> None:  # noqa: ANN001
    day = col.day
    cols = ("SELECT h.id, h.client_id, h.product, h.amount_fen, h.crossed, h.latest_price_date, c.tier, "
            "c.do_not_call, c.last_contact_on ")
    rows = db.execute(
        cols + "FROM holding h INDEXED BY ix_holding_untold "
        "JOIN client c ON c.id = h.client_id WHERE h.status = 'held' AND h.crossed IS NOT NULL "
        f"AND h.alert_told_on IS NULL AND {_ALIVE}").fetchall()
    if col.reach_before:
        # the lines today's call told: still on today's row, shown done
        rows += db.execute(
            cols + "FROM json_each(?) k JOIN holding h INDEXED BY ix_holding_client ON h.client_id = k.value "
            "JOIN client c ON c.id = h.client_id WHERE h.status = 'held' AND h.crossed IS NOT NULL "
            f"AND h.alert_told_on = ? AND {_ALIVE}",
            (json.dumps(list(col.reach_before)), day.isoformat())).fetchall()
    for h_id, cid, product, fen, line, price_on, tier, dnc, last in rows:
        x = _d(price_on) or day
        late = max(0, (day - x).days)
        col.add(cid, tier, dnc, Reason(
            "holding", line, f"holding:{h_id}:{line}:{x.isoformat()}", x, (x - day).days, late, fen,
            text=product, extra=(line,), parts=col.score.parts("holding", fen, late)))


def _cadence(db, col: _Collector) -> None:  # noqa: ANN001
    """Days since the last reach (or since the client came into the book) past the tier's cadence."""
    day = col.day
    for tier, every in col.rules["cadence_days"].items():
        if tier not in TIERS or not every:
            continue
        every = int(every)
        cut = (day - dt.timedelta(days=every)).isoformat()
        sql = ("SELECT c.id, c.do_not_call, c.last_contact_on, c.created_at FROM client c "
               f"INDEXED BY ix_client_cadence WHERE c.tier = ? AND {_ALIVE} AND ")
        rows = db.execute(sql + "c.last_contact_on < ?", (tier, cut)).fetchall()
        rows += db.execute(sql + "c.last_contact_on IS NULL AND c.created_at < ?", (tier, cut)).fetchall()
        # reached today: judged as of before the call (the row shows done)
        rows += db.execute(sql + "c.last_contact_on = ?", (tier, col.iso)).fetchall()
        for cid, dnc, last, created in rows:
            last = col.last_reach(cid, last)
            since = _d(last) or _d(created)
            due = since + dt.timedelta(days=every)
            if due >= day:
                continue
            late = (day - due).days
            col.add(cid, tier, dnc, Reason(
                "cadence", "" if last else "never", f"cadence:{due.isoformat()}", due, (due - day).days, late,
                extra=((day - since).days, every, tier), parts=col.score.parts("cadence", None, late)))


# --- the page's names and phones --------------------------------------------------------------------


def _hydrate(db, rows: list[Row]) -> None:  # noqa: ANN001
    ids = [row.client_id for row in rows if row.client_id is not None]
    if not ids:
        return
    keys = json.dumps(ids)
    info = {cid: (name, hours) for cid, name, hours in db.execute(
        "SELECT c.id, c.name, c.call_hours FROM json_each(?) k JOIN client c ON c.id = k.value", (keys,))}
    phones: dict[int, list[str]] = {}
    for cid, number in db.execute(
            "SELECT p.client_id, p.number FROM json_each(?) k JOIN phone p ON p.client_id = k.value ORDER BY p.id",
            (keys,)):
        phones.setdefault(cid, []).append(number)
    for row in rows:
        if row.client_id is not None:
            row.name, row.call_hours = info.get(row.client_id, ("", ""))
            row.phones = phones.get(row.client_id, [])


# --- words ---------------------------------------------------------------------------------------


def detail(reason: Reason, privacy: bool = False) -> str:
    """The reason as one line in the current language. User text (a memo, a label, a product) is
    put in as it is: the caller shows the result as plain text."""
    from memo.i18n import label, t
    from memo.terms import format_amount

    k, sub, date = reason.kind, reason.sub, reason.date.isoformat()
    amount = format_amount(reason.amount_fen, privacy, symbol=True, short=True)
    late = t("why.overdue", days=reason.overdue) if reason.overdue > 0 else ""
    if k == "maturity":
        if sub in ("confirm", "demand"):
            return t(f"why.maturity_{sub}", amount=amount, date=date) + late
        left = reason.extra[0] if reason.extra else 0
        when = (t("why.matures_today") if reason.days == 0 else t("why.workdays_left", n=left) if left > 0
                else t("why.days_left", n=reason.days))
        key = "why.maturity_rollover" if sub == "rollover" else "why.maturity"
        return t(key, amount=amount, date=date, left=when) + late
    if k in ("birthday", "lunar_birthday"):
        from memo.lunar import format_lunar, is_round_age

        age_, month, day, leap = reason.extra
        age = t("why.age", age=age_) if age_ else ""
        if is_round_age(age_):
            age += t("why.round_age")
        if k == "birthday":
            text = t("why.birthday", date=date, age=age)
        else:
            text = t("why.lunar_birthday", lunar=format_lunar(month, day, leap), date=date, age=age)
        if sub == "soon":
            return text + t("why.soon", days=reason.days)
        return text + (late or t("why.today"))
    if k == "key_date":
        years = reason.extra[0]
        return t("why.key_date", label=reason.text, date=date, years=t("why.years", n=years) if years else "") + (
            late or t("why.today"))
    if k == "festival":
        from memo import workdays

        fest = workdays.festival(reason.date.year, reason.extra[0])
        name = fest.name_zh if _zh() else fest.name_en
        return t("why.festival", festival=name, date=date)
    if k == "request":
        if sub == "no_due":
            return t("why.request_waiting", text=reason.text, days=reason.extra[0])
        return t("why.request_due", text=reason.text, date=date) + late
    if k == "callback":
        return t("why.callback", text=reason.text) + late
    if k == "holding":
        return t(f"why.{reason.extra[0]}", product=reason.text)
    if k == "cadence":
        days, every, tier = reason.extra
        key = "why.cadence_never" if sub == "never" else "why.cadence"
        return t(key, days=days, every=every, tier=label("tier", tier))
    return label("reason", k)


def _zh() -> bool:
    from memo.i18n import get_lang

    return get_lang() == "zh"


def points(tenths: int) -> str:
    """A score in points, one decimal: 125 -> "12.5"."""
    return f"{tenths // 10}.{tenths % 10}" if tenths >= 0 else "-" + points(-tenths)


def breakdown(row: Row, privacy: bool = False) -> list[tuple[str, str]]:
    """(what, how many points) lines explaining a row's score, the total last."""
    from memo.i18n import label, t

    out = []
    for reason in row.reasons:
        # the detail names its kind, but for a request, which is the client's own words
        kind = f"{label('reason', reason.kind)}: " if reason.kind == "request" else ""
        out.append((kind + detail(reason, privacy), points(reason.score)))
        for part, tenths in reason.parts:
            name = part.split(":", 1)[0]
            what = t("score.round_age") if part == "w:round_age" else t(f"score.{'weight' if name == 'w' else name}")
            out.append((f"    {what}", points(tenths)))
    if row.tier_points:
        out.append((f"{t('score.tier')}: {label('tier', row.tier)}", points(row.tier_points)))
    out.append((t("score.total", score=points(row.score)), ""))
    return out
