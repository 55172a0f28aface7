"""The today list: for a day, every client with a reason to be called, all of its reasons, and an
explainable score (issue 4). Headless: plain values out, no Textual.

How it stays fast on a large book: each reason kind is one or a few indexed lookups straight on
sqlite3 (maturities by date, rolling deposits by their chain keys, birthdays and key dates by the
(month, day) anchors that fall in the window, open memos by due date, untold holdings by a
partial index, cadence by (tier, last contact)) whose rows go into a scratch table of the
connection, never into Python. There they are summed per client (one upsert pass), counted and
ordered; only the page's rows and reasons come out, and names and phones are read for them.
When a second connection in the same snapshot can be had (Book.raw_pair), half of the kinds are
made on it by another thread, beside the first half: SQLite works without the GIL.

"Handled": a reason is off the list once the client was reached (any call outcome but no answer,
kept in client.last_contact_on) on or after the day the reason first came up, or once it was
dismissed; a request or callback once its memo is closed. Until then it carries over, day after
day, marked overdue (date reasons for `carry_days`, memos until they are closed). A client
reached today stays on today's list, shown done.
"""

from __future__ import annotations

import datetime as dt
import gc
import json
import threading
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from memo.db import Book
from memo.codes import REASON_KINDS, TIERS

__all__ = ["DEFAULT_RULES", "Agenda", "Reason", "Row", "compute", "rules"]

RULES_KEY = "today_rules"
PAGE = 100  # rows the today screen asks for at a time
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
    "campaign_invite_days": 14,  # invitation calls for an event from this many days before it
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
    """Points in tenths: the weight of a kind, amount and urgency points; the last two as SQL
    snippets for the queries and as numbers for what Python works out (the same integer sums)."""

    def __init__(self, rules_: dict[str, Any]):
        self.w = {k: round(float(v) * 10) for k, v in rules_["weights"].items()}
        self.unit_fen = max(1, int(rules_["amount_unit_yuan"]) * 100)
        self.amount_cap = round(float(rules_["amount_cap"]) * 10)
        self.per_day = round(float(rules_["urgency_per_day"]) * 10)
        self.urgency_cap = round(float(rules_["urgency_cap"]) * 10)

    def weight(self, key: str) -> int:
        return int(self.w.get(key, 0))

    def amount(self, fen: str) -> str:
        return f"min(coalesce({fen}, 0) * 10 / {self.unit_fen}, {self.amount_cap})"

    def urgency(self, days: str) -> str:
        return f"max(0, min(({days}) * {self.per_day}, {self.urgency_cap}))"

    def amount_points(self, fen: int | None) -> int:
        return min((fen or 0) * 10 // self.unit_fen, self.amount_cap)

    def urgency_points(self, days: int) -> int:
        return max(0, min(days * self.per_day, self.urgency_cap))


_ALIVE = "c.deleted_at IS NULL"
# The last reach before today: last_contact_on, unless that is today's call (then the one before)
_LAST = ("(CASE WHEN c.last_contact_on = :d THEN (SELECT b.before FROM temp.ag_rb b WHERE b.client_id = c.id) "
         "ELSE c.last_contact_on END)")


def _not_handled(since: str) -> str:
    """Not reached on or after `since` (an SQL date expression), before today."""
    return f"coalesce({_LAST}, '') < {since}"


def _off(date: str) -> str:
    """An SQL date (text) minus the day, in days: one julianday() a row (:jd is the day's)."""
    return f"CAST(julianday({date}) - :jd AS INTEGER)"


# Each kind's query selects these columns, one row per reason, into the scratch table ag_r:
#   key    the client, or for a memo that names none, its id - _MEMO_KEYS (below every client)
#   obj    the deposit, key date, memo, holding or campaign it is about (a festival's index)
#   off    its date minus the day, in days (the date itself is made for the page only)
#   over   days overdue; NULL: max(0, -off)
#   s      its points: weight + amount + urgency + round age (the page splits them again)
#   bit    the kind as a bit (_KIND_BITS): a row's kinds are OR-ed
# Words (memo text, labels, ages) are read for the page's rows only. At 100,000 clients every
# operation on every row counts: what depends only on a date of the window is worked out in
# Python once (ag_w, ag_k), and the queries carry constants.
_COLUMNS = "key, kind, sub, obj, off, over, amount, s, bit, tier, dnc"

_TEMP = {  # the scratch tables, by name
    # what the tables below were made for (day, rules, the book's data_version) and what came of
    # them: another page of the same list reads them again
    "ag_made": "CREATE TEMP TABLE IF NOT EXISTS ag_made (stamp TEXT, state TEXT)",
    "ag_rb": "CREATE TEMP TABLE IF NOT EXISTS ag_rb (client_id INTEGER PRIMARY KEY, before TEXT)",
    "ag_tc": "CREATE TEMP TABLE IF NOT EXISTS ag_tc (client_id INTEGER PRIMARY KEY, status TEXT)",
    "ag_hide": "CREATE TEMP TABLE IF NOT EXISTS ag_hide (client_id INTEGER PRIMARY KEY)",
    # per maturity date of the window: when its call came up, working days left, the confirm day,
    # date - day, days since it came up, days since the confirm day, and their urgency points
    "ag_w": "CREATE TEMP TABLE IF NOT EXISTS ag_w (m TEXT PRIMARY KEY, came_up TEXT, left INTEGER, confirm TEXT, "
            "off INTEGER, up_late INTEGER, confirm_late INTEGER, u INTEGER, confirm_u INTEGER)",
    # yearly anchors with an occurrence near the day: the date, the year ages count in, date - day,
    # urgency points when late
    "ag_k": "CREATE TEMP TABLE IF NOT EXISTS ag_k (kind TEXT, month INTEGER, day INTEGER, leap INTEGER, x TEXT, "
            "year INTEGER, off INTEGER, u INTEGER)",
    "ag_roll": "CREATE TEMP TABLE IF NOT EXISTS ag_roll (term INTEGER, phase INTEGER, day INTEGER, m TEXT)",
    "ag_r": f"CREATE TEMP TABLE IF NOT EXISTS ag_r ({_COLUMNS})",
    # one row per key: what the ranking needs
    "ag_row": "CREATE TEMP TABLE IF NOT EXISTS ag_row (key INTEGER PRIMARY KEY, score INTEGER, first INTEGER, "
              "kinds INTEGER, tier TEXT, dnc INTEGER, status TEXT, grp INTEGER DEFAULT 0)",
}
_TEMP_TABLES = tuple(table for table in _TEMP if table != "ag_made")  # emptied for each list made
_KIND_BITS = {kind: 1 << i for i, kind in enumerate(REASON_KINDS)}


def _bit(kind: str) -> str:
    return str(_KIND_BITS[kind])


# Row groups, in list order: to do, tried without answer, done today, do-not-call; then snoozed
# (counted, not listed)
_TODO, _TRIED, _DONE, _DNC, _SNOOZED = range(5)
_MEMO_KEYS = 1 << 40


class _Ctx:
    """One computation: the day, the rules, the scorer and the SQL parameters every query shares."""

    def __init__(self, db, book: Book | None, day: dt.date, rules_: dict[str, Any]):  # noqa: ANN001
        self.db = db
        self.book = book
        self.day = day
        self.rules = rules_
        self.score = _Scorer(rules_)
        self.p = {"d": day.isoformat(), "jd": day.toordinal() + _JULIAN_OF_ORDINAL_0}
        self.left: dict[str, int] = {}  # working days left to each maturity date of the window
        self.call_by: dict[str, str] = {}  # a maturity date of the window on a non-working day: the day before it
        self.kinds: set[str] = set()  # the kinds that have reasons today
        self.tier_points = {k: round(float(v) * 10) for k, v in rules_["tier_points"].items() if k in TIERS}
        self.out = "temp.ag_r"  # where the reasons go: the second half's to the scratch table twin.ag_r
        self.sources = ["temp.ag_r"]  # where the list's reasons are, once made

    def run(self, sql: str, **params: Any) -> None:
        self.db.execute(sql, {**self.p, **params})

    def reasons(self, sql: str, *kinds: str, **params: Any) -> None:
        """Reasons of `kinds` (the _COLUMNS, in order) into the scratch table: they stay in SQLite."""
        if self.db.execute(f"INSERT INTO {self.out} ({_COLUMNS}) {sql}", {**self.p, **params}).rowcount:
            self.kinds.update(kinds)


_JULIAN_OF_ORDINAL_0 = 1721424.5  # julianday('0001-01-01') - 1: date.toordinal() + this = julianday


def compute(book: Book, day: dt.date, *, kinds: set[str] | None = None, tiers: set[str] | None = None,
            clients: set[int] | None = None, limit: int | None = None, offset: int = 0,
            rules_: dict[str, Any] | None = None, fresh: bool = False) -> Agenda:
    """The today list of `day`: rows in order, the page [offset, offset + limit) filled with
    names, phones and reasons, counts over the whole list. `kinds`, `tiers` and `clients` filter
    the rows listed (not the counts).

    The list stays made in the connection's scratch tables: another page or filter of the same
    day and rules, with nothing written to the book since (PRAGMA data_version), only reads the
    page again. `fresh` makes it all again regardless (what the benchmark times).

    Every reason is made in SQL into a scratch table (TEMP, or with a second connection
    (Book.raw_pair), half of them into its scratch database in memory: nothing of the book is
    written), summed per client, counted and ordered there; only the page's rows and their
    reasons come into Python, and become Reason objects with their words.
    """
    from memo import workdays

    r = rules_ or rules(book)
    workday = workdays.is_workday(day, book)
    wait_since = None if workday else workdays.last_workday_before(day, book)
    # a page of small objects, none of them cyclic: the collector would only walk them
    collecting = gc.isenabled()
    gc.disable()
    try:
        return _compute(book, day, r, wait_since, kinds, tiers, clients, limit, offset, fresh)
    finally:
        if collecting:
            gc.enable()


def _compute(book: Book, day: dt.date, r: dict[str, Any], wait_since: dt.date | None, kinds: set[str] | None,
             tiers: set[str] | None, clients: set[int] | None, limit: int | None, offset: int,
             fresh: bool) -> Agenda:
    with book.raw_pair() as (db, second):
        # read before the first table: a write landing after it makes the next call start again
        version = db.execute("PRAGMA data_version").fetchone()[0]
        for sql in _TEMP.values():
            db.execute(sql)
        ctx = _Ctx(db, book, day, r)
        stamp = json.dumps([day.isoformat(), r, wait_since and wait_since.isoformat(), version], sort_keys=True)
        made = None if fresh else db.execute("SELECT state FROM temp.ag_made WHERE stamp = ?", (stamp,)).fetchone()
        if made is not None:
            counts, sizes, ctx.left, ctx.call_by, ctx.sources = json.loads(made[0])
        else:
            counts, sizes = _make(ctx, wait_since, second)
            db.execute("INSERT INTO temp.ag_made VALUES (?, ?)",
                       (stamp, json.dumps([counts, sizes, ctx.left, ctx.call_by, ctx.sources])))
        where, params = _shown(kinds, tiers, clients)
        listed = sum(sizes[:_SNOOZED])
        if kinds or tiers or clients is not None:
            listed = db.execute(f"SELECT count(*) FROM temp.ag_row WHERE {where}", params).fetchone()[0]
        picked = db.execute(f"SELECT key, tier, dnc, status FROM temp.ag_row WHERE {where} "
                            f"ORDER BY {_order(ctx)} LIMIT :limit OFFSET :offset",
                            {**params, "limit": -1 if limit is None else limit, "offset": offset}).fetchall()
        page = _page(ctx, picked)
    return Agenda(
        day=day, rows=page, total=listed, counts=counts, todo=sizes[_TODO] + sizes[_TRIED], done=sizes[_DONE],
        snoozed=sizes[_SNOOZED], do_not_call=sizes[_DNC], all_total=sum(sizes[:_SNOOZED]),
    )


def _make(ctx: _Ctx, wait_since: dt.date | None, second) -> tuple[dict[str, int], list[int]]:  # noqa: ANN001
    """Every reason into ag_r, every row into ag_row; the counts per kind and the groups' sizes.
    With a `second` connection, the second half of the kinds is made there by another thread."""
    db = ctx.db
    db.execute("DELETE FROM temp.ag_made")  # half-made tables are never taken for made ones
    for table in _TEMP_TABLES:
        db.execute(f"DELETE FROM temp.{table}")
    _today_calls(ctx)
    other = None
    if second is not None:
        other = _SecondHalf(ctx, second)
        other.start()
    try:
        for kind in _FIRST_HALF if other is not None else _FIRST_HALF + _SECOND_HALF:
            kind(ctx)
        ctx.run('INSERT OR IGNORE INTO temp.ag_hide SELECT client_id FROM snooze WHERE "on" <= :d AND until > :d')
        if wait_since is not None:
            # no answer on the last working day: the next try is on the next working day
            ctx.run("INSERT OR IGNORE INTO temp.ag_hide SELECT client_id FROM contact "
                    "WHERE at >= :since AND at < :d AND outcome = 'no_answer'", since=wait_since.isoformat())
        _dismissed(ctx)
        _sum(ctx, ctx.out)  # while the other half may still be in the making
    except BaseException:
        if other is not None:
            second.interrupt()  # its work is lost anyway: stop it rather than wait for it
            other.join()
        raise
    if other is not None:
        other.join()
        ctx.kinds |= other.result()
        ctx.sources.append(other.ctx.out)  # read where it is: no copy
        _sum(ctx, other.ctx.out)
    return _rank(ctx)


class _SecondHalf(threading.Thread):
    """The second half of the reason kinds, made on the second connection by another thread
    (SQLite lets go of the GIL while it works): into twin.ag_r, in the first connection's own
    scratch database (Book.raw_pair), the dismissed ones dropped, then committed for the first
    connection to read; they stay there with the list, as its other reasons stay in temp.ag_r."""

    def __init__(self, ctx: _Ctx, db):  # noqa: ANN001
        super().__init__(name="memo-today-second", daemon=True)
        # no book: a kind of this half that reads the book on its own (book.setting(), workdays)
        # would do it outside the snapshot, on a connection of this short-lived thread
        self.ctx = _Ctx(db, None, ctx.day, ctx.rules)
        self.ctx.out = "twin.ag_r"
        self.error: BaseException | None = None

    def run(self) -> None:
        ctx, db = self.ctx, self.ctx.db
        try:
            # today's calls again, into this connection's own temp tables (the kinds read them)
            for table in ("ag_tc", "ag_rb"):
                db.execute(_TEMP[table])
                db.execute(f"DELETE FROM temp.{table}")
            db.execute(f"CREATE TABLE IF NOT EXISTS {ctx.out} ({_COLUMNS})")
            db.execute(f"DELETE FROM {ctx.out}")
            _today_calls(ctx)
            for kind in _SECOND_HALF:
                kind(ctx)
            _dismissed(ctx)
            db.execute("COMMIT")
        except BaseException as exc:  # noqa: BLE001  (raised again on the first connection's thread)
            self.error = exc

    def result(self) -> set[str]:
        if self.error is not None:
            raise self.error
        return self.ctx.kinds


def _today_calls(ctx: _Ctx) -> None:
    """Today's last call per client (a reach wins over a later no answer), and for the clients
    reached today, the day of their reach before today."""
    nxt = (ctx.day + dt.timedelta(days=1)).isoformat()
    ctx.run("INSERT INTO temp.ag_tc SELECT client_id, CASE WHEN max(outcome != 'no_answer') = 0 THEN 'no_answer' "
            "ELSE (SELECT x.outcome FROM contact x WHERE x.client_id = c.client_id AND x.at >= :d AND x.at < :nxt "
            "AND x.outcome != 'no_answer' ORDER BY x.at DESC, x.id DESC LIMIT 1) END "
            "FROM contact c WHERE at >= :d AND at < :nxt GROUP BY client_id", nxt=nxt)
    ctx.run("INSERT INTO temp.ag_rb SELECT t.client_id, (SELECT max(date(x.at)) FROM contact x "
            "WHERE x.client_id = t.client_id AND x.at < :d AND x.outcome != 'no_answer') "
            "FROM temp.ag_tc t WHERE t.status != 'no_answer'")


@lru_cache(maxsize=1)
def _ref_sql() -> str:
    """A reason's ref as SQL over the scratch row r (and :jd, the day): which reason and which
    occurrence, e.g. "deposit:12:2026-12-03". Dismissals name it; the page shows it."""
    from memo.workdays import FESTIVAL_KEYS

    date = "date(:jd + r.off)"
    festival = " ".join(f"WHEN {i} THEN '{key}'" for i, key in enumerate(FESTIVAL_KEYS))
    return (f"CASE r.kind WHEN 'maturity' THEN 'deposit:' || r.obj || ':' || {date} "
            "|| CASE WHEN r.sub IN ('confirm', 'demand') THEN ':' || r.sub ELSE '' END "
            f"WHEN 'birthday' THEN 'birthday:' || {date} || CASE WHEN r.sub = 'soon' THEN ':soon' ELSE '' END "
            f"WHEN 'lunar_birthday' THEN 'lunar_birthday:' || {date} || CASE WHEN r.sub = 'soon' THEN ':soon' ELSE '' END "
            f"WHEN 'key_date' THEN 'keydate:' || r.obj || ':' || {date} "
            f"WHEN 'festival' THEN 'festival:' || CASE r.obj {festival} END || ':' || {date} "
            "WHEN 'holding' THEN 'holding:' || r.obj || ':' || r.sub "
            f"WHEN 'cadence' THEN 'cadence:' || {date} "
            f"WHEN 'campaign' THEN 'campaign:' || r.obj || ':' || {date} || ':' || r.sub "
            "ELSE 'memo:' || r.obj END")


def _dismissed(ctx: _Ctx) -> None:
    """Drop the reasons set aside, in one statement (no row comes into Python: on the second
    half's thread that would be a fight for the GIL): each reason is probed for its client's
    dismissals, and its ref made only for the few that have some."""
    ctx.run(f"DELETE FROM {ctx.out} WHERE rowid IN (SELECT r.rowid FROM {ctx.out} r "
            f"CROSS JOIN dismissal x ON x.client_id = r.key WHERE +x.ref = {_ref_sql()})")


def _sum(ctx: _Ctx, source: str) -> None:
    """Add the reasons of `source` to their clients' rows of ag_row (score, first date, kinds as
    bits): one pass, no sorting, each reason adds to its row (its kind OR-ed in)."""
    ctx.run(f"INSERT INTO temp.ag_row (key, score, first, kinds, tier, dnc, grp) "
            f"SELECT r.key, r.s, r.off, r.bit, r.tier, r.dnc, r.dnc * {_DNC} "
            f"FROM {source} r WHERE true ON CONFLICT (key) DO UPDATE SET score = score + excluded.score, "
            "first = min(first, excluded.first), kinds = kinds | excluded.kinds")


def _rank(ctx: _Ctx) -> tuple[dict[str, int], list[int]]:
    """The groups of ag_row's rows (to do, tried, done, do-not-call, snoozed) once all reasons
    are summed; return the clients per reason kind and the rows per group."""
    # the few rows called today or put off
    ctx.run("UPDATE temp.ag_row SET status = (SELECT t.status FROM temp.ag_tc t WHERE t.client_id = key) "
            "WHERE key IN (SELECT client_id FROM temp.ag_tc)")
    ctx.run(f"UPDATE temp.ag_row SET grp = CASE WHEN status IS NULL THEN {_SNOOZED} "
            f"WHEN dnc THEN {_DNC} WHEN status IN ('reached', 'callback', 'declined') THEN {_DONE} "
            f"ELSE {_TRIED} END WHERE key IN (SELECT client_id FROM temp.ag_tc UNION ALL SELECT client_id FROM temp.ag_hide)")
    # clients per kind and do-not-call rows: one pass of sums over the kinds found; the few rows
    # called today or put off are read by key, and the snoozed taken back out
    found = [(kind, bit) for kind, bit in _KIND_BITS.items() if kind in ctx.kinds]
    sums = "".join(f", sum(kinds & {bit})" for _kind, bit in found)
    rows, dnc, *per_kind = ctx.db.execute(f"SELECT count(*), coalesce(sum(dnc), 0){sums} FROM temp.ag_row").fetchone()
    sizes = [0] * 5
    counts = dict.fromkeys(_KIND_BITS, 0)
    for (kind, bit), total in zip(found, per_kind):
        counts[kind] = (total or 0) // bit
    for grp, kinds, is_dnc in ctx.db.execute(
            "SELECT r.grp, r.kinds, r.dnc FROM (SELECT client_id FROM temp.ag_tc UNION SELECT client_id "
            "FROM temp.ag_hide) few CROSS JOIN temp.ag_row r ON r.key = few.client_id"):
        if grp == _SNOOZED:
            sizes[_SNOOZED] += 1
            dnc -= is_dnc
            for kind, bit in found:
                counts[kind] -= bool(kinds & bit)
        elif grp in (_DONE, _TRIED):
            sizes[grp] += 1
    sizes[_DNC] = dnc
    sizes[_TODO] = rows - sum(sizes)
    return counts, sizes


def _order(ctx: _Ctx) -> str:
    """The list's order: group, score (the tier's points added), first date; ties: memos naming no
    client first, by id, then clients by id (keys are unique)."""
    points = " ".join(f"WHEN '{tier}' THEN {p}" for tier, p in ctx.tier_points.items() if p)
    score = f"score + CASE WHEN key > 0 THEN CASE tier {points} ELSE 0 END ELSE 0 END" if points else "score"
    return f"grp, {score} DESC, first, key"


def _shown(kinds: set[str] | None, tiers: set[str] | None, clients: set[int] | None) -> tuple[str, dict[str, Any]]:
    """The WHERE of the rows listed, after the filters."""
    where, params = [f"grp != {_SNOOZED}"], {}
    if kinds:
        where.append(f"(kinds & {sum(_KIND_BITS.get(k, 0) for k in kinds)}) != 0")
    if tiers:
        where.append("tier IN (SELECT value FROM json_each(:tiers))")
        params["tiers"] = json.dumps(sorted(tiers))
    if clients is not None:
        where.append("key IN (SELECT value FROM json_each(:clients))")
        params["clients"] = json.dumps(sorted(clients))
    return " AND ".join(where), params


_WKEY = {("maturity", "rollover"): "maturity_rollover", ("maturity", "confirm"): "maturity_confirm",
         ("maturity", "demand"): "maturity_demand", ("birthday", "soon"): "birthday_soon",
         ("lunar_birthday", "soon"): "birthday_soon"}


def _page(ctx: _Ctx, picked: list[tuple]) -> list[Row]:
    """The page's rows with their reasons in words, names and phones."""
    from memo.lunar import age_on, is_round_age
    from memo.workdays import FESTIVAL_KEYS

    rows: dict[int, Row] = {}
    for key, tier, dnc, status in picked:
        cid, mid = (key, None) if key > 0 else (None, key + _MEMO_KEYS)
        rows[key] = Row(client_id=cid, tier=tier, do_not_call=bool(dnc), reasons=[], status=status or "",
                        tier_points=ctx.tier_points.get(tier, 0) if cid is not None else 0, memo_id=mid)
    if not rows:
        return []
    found = ctx.db.execute(" UNION ALL ".join(
        "SELECT r.key, r.kind, r.sub, r.obj, r.off, coalesce(r.over, max(0, -r.off)), r.amount, r.s, "
        f"{_ref_sql()} FROM {source} r WHERE r.key IN (SELECT value FROM json_each(:keys))" for source in ctx.sources),
        {"jd": ctx.p["jd"], "keys": json.dumps(list(rows))}).fetchall()
    facts = _facts(ctx.db, found)
    every = ctx.rules["cadence_days"]
    day = ctx.day
    sc = ctx.score
    for key, kind, sub, obj, off, overdue, amount, points, ref in found:
        row = rows[key]
        cid = row.client_id
        x = day + dt.timedelta(days=off)
        date = x.isoformat()
        text, ra = "", 0
        if kind == "maturity":
            extra: tuple = () if sub == "demand" else (ctx.left.get(date, 0), ctx.call_by.get(date))
        elif kind in ("birthday", "lunar_birthday"):
            year, month, d, leap = facts["birth"][cid]
            extra = (age_on(year, "solar" if kind == "birthday" else "lunar", x), month, d, bool(leap))
            if off <= 0 and is_round_age(extra[0]):
                ra = sc.weight("round_age")
        elif kind == "key_date":
            kd_kind, month, d, leap, year, text = facts["keydate"][obj]
            extra = (age_on(year, kd_kind, x) if year else None, kd_kind, month, d, bool(leap))
        elif kind == "festival":
            extra = (FESTIVAL_KEYS[obj],)
        elif kind == "holding":
            text, extra = facts["holding"][obj], (sub,)
        elif kind == "cadence":
            extra = (overdue + int(every.get(row.tier, 0)), int(every.get(row.tier, 0)), row.tier)
        elif kind == "campaign":
            text, extra = facts["campaign"].get(obj, ""), (obj,)
        else:  # a request or a callback
            text, created = facts["memo"][obj]
            extra = ((day - dt.date.fromisoformat(created[:10])).days,)
        w = sc.weight(_WKEY.get((kind, sub), kind))
        a = sc.amount_points(amount) if kind == "holding" or (kind == "maturity" and sub != "confirm") else 0
        u = points - w - a - ra  # the rest of the reason's points: urgency
        parts = [(f"w:{_WKEY.get((kind, sub), kind)}", w)]
        if a:
            parts.append(("amount", a))
        if u:
            parts.append(("urgency", u))
        if ra:
            parts.append(("w:round_age", ra))
        row.reasons.append(Reason(kind, sub, ref, x, off, overdue, amount, text, extra,
                                  tuple(parts)))
    for row in rows.values():
        row.reasons.sort(key=lambda r: (-r.score, r.date, r.ref))
    page = list(rows.values())
    _hydrate(ctx.db, page)
    return page


def _facts(db, reasons: list[tuple]) -> dict[str, dict]:  # noqa: ANN001
    """What the page's reasons say in words: birthdays, key dates, memos, products, campaigns.
    `reasons`: (key, kind, sub, obj, ...) as _page reads them."""
    def ids(*kinds: str, client: bool = False) -> str:
        return json.dumps(sorted({r[0] if client else r[3] for r in reasons if r[1] in kinds}))

    out: dict[str, dict] = {}
    out["birth"] = {cid: (y, m, d, leap) for cid, y, m, d, leap in db.execute(
        "SELECT c.id, c.birth_year, c.birth_month, c.birth_day, c.birth_leap FROM json_each(?) k "
        "JOIN client c ON c.id = k.value", (ids("birthday", "lunar_birthday", client=True),))}
    out["keydate"] = {i: (kind, m, d, leap, y, label) for i, kind, m, d, leap, y, label in db.execute(
        "SELECT kd.id, kd.kind, kd.month, kd.day, kd.leap, kd.year, kd.label FROM json_each(?) k "
        "JOIN keydate kd ON kd.id = k.value", (ids("key_date"),))}
    out["memo"] = {i: (text, created) for i, text, created in db.execute(
        "SELECT m.id, m.text, m.created_at FROM json_each(?) k JOIN memo m ON m.id = k.value",
        (ids("request", "callback"),))}
    out["holding"] = dict(db.execute("SELECT h.id, h.product FROM json_each(?) k JOIN holding h ON h.id = k.value",
                                     (ids("holding"),)))
    out["campaign"] = dict(db.execute("SELECT x.id, x.name FROM json_each(?) k JOIN campaign x ON x.id = k.value",
                                      (ids("campaign"),)))
    return out


# --- maturities ------------------------------------------------------------------------------------


def _maturities(ctx: _Ctx) -> None:
    """Active deposits maturing from the day to `maturity_workdays` working days on (rolling ones
    at every period, found by their chain keys), the confirm call on the last working day before a
    maturity not rolled over, and the week after it ("the money went to the demand account")."""
    from memo import workdays

    day, book, sc = ctx.day, ctx.book, ctx.score
    span = int(ctx.rules["maturity_workdays"])
    hi = workdays.add_workdays(day, span, book)
    lo = day - dt.timedelta(days=int(ctx.rules["demand_days"]))
    window = []
    x = day
    while x <= hi:
        came_up = workdays.add_workdays(x, -span, book)
        confirm = workdays.last_workday_before(x, book)
        left = workdays.workdays_between(day, x, book)
        window.append((x.isoformat(), came_up.isoformat(), left, confirm.isoformat(), (x - day).days,
                       max(0, (day - came_up).days), (day - confirm).days, sc.urgency_points(span - left),
                       sc.urgency_points((day - confirm).days)))
        x += dt.timedelta(days=1)
    ctx.db.executemany("INSERT INTO temp.ag_w VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)", window)
    ctx.left = {iso: left for iso, _came_up, left, *_ in window}
    ctx.call_by = {iso: confirm for iso, _came_up, _left, confirm, *_ in window
                   if not workdays.is_workday(dt.date.fromisoformat(iso), book)}
    # deposits maturing on a date of the window; rolling ones past their first period by their
    # chain keys (exact: the chain date in the window is the key's)
    sources = [("temp.ag_w w CROSS JOIN deposit d INDEXED BY ix_deposit_active_maturity "
                "ON d.status IN ('active', 'matured') AND d.maturity = w.m", "d.rollover")]
    keys = []
    for term in _roll_terms(ctx.db):
        for iso, *_ in window:
            x = dt.date.fromisoformat(iso)
            last_day = (x + dt.timedelta(days=1)).month != x.month
            for anchor_day in range(x.day, 32 if last_day else x.day + 1):
                keys.append((term, (x.year * 12 + x.month - 1) % term, anchor_day, iso))
    if keys:
        ctx.db.executemany("INSERT INTO temp.ag_roll VALUES (?, ?, ?, ?)", keys)
        sources.append(("temp.ag_roll k CROSS JOIN deposit d INDEXED BY ix_deposit_roll ON d.roll_term = k.term "
                        "AND d.roll_phase = k.phase AND d.roll_day = k.day AND d.status = 'active' "
                        "AND d.rollover = 1 AND d.roll_term IS NOT NULL AND d.maturity < :d "
                        "CROSS JOIN temp.ag_w w ON w.m = k.m", "1"))
    for source, rollover in sources:
        ctx.reasons(f"SELECT d.client_id, 'maturity', CASE WHEN {rollover} THEN 'rollover' ELSE '' END, d.id, w.off, "
                    f"w.up_late, d.amount_fen, {sc.amount('d.amount_fen')} + w.u + CASE WHEN {rollover} "
                    f"THEN {sc.weight('maturity_rollover')} ELSE {sc.weight('maturity')} END, {_bit('maturity')}, "
                    f"c.tier, c.do_not_call FROM {source} CROSS JOIN client c ON c.id = d.client_id "
                    f"WHERE {_ALIVE} AND {_not_handled('w.came_up')}", "maturity")
    # the confirm call: for money that may leave (a rolling deposit's call is the one above)
    ctx.reasons("SELECT d.client_id, 'maturity', 'confirm', d.id, w.off, w.confirm_late, d.amount_fen, "
                f"{sc.weight('maturity_confirm')} + w.confirm_u, {_bit('maturity')}, c.tier, c.do_not_call "
                f"FROM {sources[0][0]} AND d.rollover = 0 CROSS JOIN client c ON c.id = d.client_id "
                f"WHERE w.confirm <= :d AND :d < w.m AND {_ALIVE} AND {_not_handled('w.confirm')}", "maturity")
    # not rolled over and nobody reached since: the money is waiting in the demand account
    late = f"-{_off('d.maturity')}"
    ctx.reasons(f"SELECT d.client_id, 'maturity', 'demand', d.id, -({late}), NULL, d.amount_fen, "
                f"{sc.weight('maturity_demand')} + {sc.amount('d.amount_fen')} + {sc.urgency(late)}, {_bit('maturity')}, "
                "c.tier, c.do_not_call "
                "FROM deposit d CROSS JOIN client c ON c.id = d.client_id WHERE d.status IN ('active', 'matured') "
                f"AND d.rollover = 0 AND d.maturity >= :lo AND d.maturity < :d AND {_ALIVE} "
                f"AND {_not_handled('d.maturity')}", "maturity", lo=lo.isoformat())


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
def _anchors_between(lo: dt.date, hi: dt.date) -> tuple[tuple[str, int, int, int, dt.date, int], ...]:
    """Every yearly anchor (kind, month, day, leap) with an occurrence in [lo, hi], that date, and
    the year ages count in there (the solar year, or the lunar year of the date)."""
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
                    out.append(("solar", month, d, 0, x, x.year))
    lunar_years = {lunar.solar_to_lunar(lo)[0], lunar.solar_to_lunar(hi)[0]}
    for ly in sorted(lunar_years):
        for month in range(1, 13):
            for d in range(1, 31):
                for leap in (0, 1):
                    x = lunar.yearly_lunar(month, d, bool(leap), ly)
                    if lo <= x <= hi:
                        out.append(("lunar", month, d, leap, x, lunar.solar_to_lunar(x)[0]))
    return tuple(out)


def _birthdays(ctx: _Ctx) -> None:
    """On the day (and carried over), "coming up" `birthday_ahead` days before; a round age weighs
    more. Also fills the anchors _key_dates reads."""
    from memo.lunar import ROUND_AGE_FROM

    day, sc = ctx.day, ctx.score
    lo = day - dt.timedelta(days=int(ctx.rules["carry_days"]))
    hi = day + dt.timedelta(days=int(ctx.rules["birthday_ahead"]))
    ctx.db.executemany("INSERT INTO temp.ag_k VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                       [(k, m, d, leap, x.isoformat(), year, (x - day).days, sc.urgency_points((day - x).days))
                        for k, m, d, leap, x, year in _anchors_between(lo, hi)])
    for kind, reason in (("solar", "birthday"), ("lunar", "lunar_birthday")):
        leap_test = "AND c.birth_leap = k.leap " if kind == "lunar" else ""
        age = "(k.year - c.birth_year)"
        ctx.reasons(
            f"SELECT c.id, '{reason}', CASE WHEN k.off > 0 THEN 'soon' ELSE '' END, NULL, k.off, NULL, NULL, "
            f"CASE WHEN k.off > 0 THEN {sc.weight('birthday_soon')} ELSE {sc.weight(reason)} + k.u + "
            f"CASE WHEN {age} >= {ROUND_AGE_FROM} AND {age} % 10 = 0 THEN {sc.weight('round_age')} ELSE 0 END END, "
            f"{_bit(reason)}, c.tier, c.do_not_call "
            # CROSS JOIN keeps the anchors outside: else sqlite walks every client of the kind
            "FROM temp.ag_k k CROSS JOIN client c INDEXED BY ix_client_birth ON c.birth_kind = k.kind "
            f"AND c.birth_month = k.month AND c.birth_day = k.day {leap_test}"
            f"WHERE k.kind = :kind AND {_ALIVE} AND (k.off > 0 OR {_not_handled('k.x')})", reason, kind=kind)


def _key_dates(ctx: _Ctx) -> None:
    """Business openings, weddings...: on the day, carried over; none before the date's own year.
    The anchors are the birthdays' (from `carry_days` back), up to today."""
    day, sc = ctx.day, ctx.score
    lo = day - dt.timedelta(days=int(ctx.rules["carry_days"]))
    ctx.reasons(
        f"SELECT kd.client_id, 'key_date', '', kd.id, k.off, NULL, NULL, {sc.weight('key_date')} + k.u, "
        f"{_bit('key_date')}, c.tier, c.do_not_call "
        "FROM temp.ag_k k CROSS JOIN keydate kd INDEXED BY ix_keydate_md ON kd.kind = k.kind "
        "AND kd.month = k.month AND kd.day = k.day AND (kd.kind = 'solar' OR kd.leap = k.leap) "
        f"CROSS JOIN client c ON c.id = kd.client_id WHERE k.x >= :lo AND k.x <= :d AND {_ALIVE} "
        f"AND (kd.year IS NULL OR k.year >= kd.year) AND {_not_handled('k.x')}", "key_date", lo=lo.isoformat())


def _festivals(ctx: _Ctx) -> None:
    """From the working day before a greeting festival to the festival itself, the top tiers."""
    from memo import workdays

    day, sc = ctx.day, ctx.score
    tiers = [t for t in ctx.rules["festival_tiers"] if t in TIERS]
    if not tiers:
        return
    for year in (day.year, day.year + 1):
        for fest in workdays.festivals(year):
            if fest.key not in ctx.rules["festivals"]:
                continue
            call_day = workdays.last_workday_before(fest.date, ctx.book)
            if not call_day <= day <= fest.date:
                continue
            ctx.reasons(
                f"SELECT c.id, 'festival', '', :key, :off, :late, NULL, :points, "
                f"{_bit('festival')}, c.tier, c.do_not_call FROM client c "
                f"WHERE c.tier IN (SELECT value FROM json_each(:tiers)) AND {_ALIVE} AND {_not_handled(':call')}",
                "festival", off=(fest.date - day).days, late=(day - call_day).days, key=workdays.FESTIVAL_KEYS.index(fest.key),
                points=sc.weight("festival") + sc.urgency_points((day - call_day).days),
                tiers=json.dumps(tiers), call=call_day.isoformat())


# --- memos, holdings, cadence ----------------------------------------------------------------------


def _memos(ctx: _Ctx) -> None:
    """Open requests and callbacks due by today; requests with no due date once `request_age_days`
    old. A memo that names no client is a row of its own."""
    day, sc = ctx.day, ctx.score
    age = int(ctx.rules["request_age_days"])
    # created before the day after (day - age): created_at is a timestamp, compared as text
    cut = (day - dt.timedelta(days=age - 1)).isoformat()
    # the due date, or (no due date) the creation day, and for a request `age` days on
    off = (_off("coalesce(m.due, substr(m.created_at, 1, 10))")
           + f" + CASE WHEN m.due IS NULL AND m.kind = 'request' THEN {age} ELSE 0 END")
    select = (f"SELECT coalesce(m.client_id, m.id - {_MEMO_KEYS}), m.kind, "
              f"CASE WHEN m.due IS NULL THEN 'no_due' ELSE '' END, m.id, {off}, NULL, NULL, "
              f"CASE m.kind WHEN 'request' THEN {sc.weight('request')} ELSE {sc.weight('callback')} END "
              f"+ {sc.urgency(f'-({off})')}, "
              f"CASE m.kind WHEN 'request' THEN {_bit('request')} ELSE {_bit('callback')} END, "
              "coalesce(c.tier, 'regular'), coalesce(c.do_not_call, 0) ")
    base = (select + "FROM memo m INDEXED BY ix_memo_open_due LEFT JOIN client c ON c.id = m.client_id "
            "WHERE m.status = 'open' AND m.kind IN ('request', 'callback') AND m.deleted_at IS NULL "
            "AND (m.client_id IS NULL OR c.deleted_at IS NULL) ")
    ctx.reasons(base + "AND m.due <= :d", "request", "callback")
    ctx.reasons(base + "AND m.due IS NULL AND (m.kind = 'callback' OR m.created_at < :cut)", "request", "callback",
                cut=cut)
    # the callbacks today's call kept: still on today's row, shown done
    nxt = (day + dt.timedelta(days=1)).isoformat()
    ctx.reasons(select + "FROM temp.ag_rb b CROSS JOIN memo m INDEXED BY ix_memo_client ON m.client_id = b.client_id "
                "CROSS JOIN client c ON c.id = m.client_id WHERE m.kind = 'callback' AND m.status = 'done' "
                "AND m.deleted_at IS NULL AND m.resolved_at >= :d AND m.resolved_at < :nxt "
                f"AND (m.due IS NULL OR m.due <= :d) AND {_ALIVE}", "callback", nxt=nxt)


def _holdings(ctx: _Ctx) -> None:
    """A take-profit or stop-loss line crossed and not yet told (or told by today's call)."""
    sc = ctx.score
    off = f"coalesce({_off('h.latest_price_date')}, 0)"
    select = (f"SELECT h.client_id, 'holding', h.crossed, h.id, {off}, NULL, h.amount_fen, "
              f"{sc.weight('holding')} + {sc.amount('h.amount_fen')} + {sc.urgency(f'-({off})')}, {_bit('holding')}, "
              "c.tier, c.do_not_call ")
    ctx.reasons(select + "FROM holding h INDEXED BY ix_holding_untold CROSS JOIN client c ON c.id = h.client_id "
                f"WHERE h.status = 'held' AND h.crossed IS NOT NULL AND h.alert_told_on IS NULL AND {_ALIVE}", "holding")
    # the lines today's call told: still on today's row, shown done
    ctx.reasons(select + "FROM temp.ag_rb b CROSS JOIN holding h INDEXED BY ix_holding_client "
                "ON h.client_id = b.client_id CROSS JOIN client c ON c.id = h.client_id WHERE h.status = 'held' "
                f"AND h.crossed IS NOT NULL AND h.alert_told_on = :d AND {_ALIVE}", "holding")


def _cadence(ctx: _Ctx) -> None:
    """Days since the last reach (or since the client came into the book) past the tier's cadence."""
    sc = ctx.score
    for tier, every in ctx.rules["cadence_days"].items():
        if tier not in TIERS or not every:
            continue
        every = int(every)
        cut = (ctx.day - dt.timedelta(days=every)).isoformat()
        # each branch knows its last reach: the stored day; none; or, reached today, the one before
        for last, source, where in (
                ("c.last_contact_on", "client c INDEXED BY ix_client_cadence", "c.last_contact_on < :cut"),
                ("NULL", "client c INDEXED BY ix_client_cadence", "c.last_contact_on IS NULL AND c.created_at < :cut"),
                ("b.before", "temp.ag_rb b CROSS JOIN client c ON c.id = b.client_id",
                 "c.last_contact_on = :d AND coalesce(b.before, date(c.created_at)) < :cut")):
            # due `every` days after the last reach: the date is past, its days overdue are -off
            off = _off(f"coalesce({last}, date(c.created_at))") + f" + {every}"
            ctx.reasons(f"SELECT c.id, 'cadence', CASE WHEN {last} IS NULL THEN 'never' ELSE '' END, NULL, "
                        f"{off}, NULL, NULL, {sc.weight('cadence')} + {sc.urgency(f'-({off})')}, {_bit('cadence')}, "
                        "c.tier, c.do_not_call "
                        f"FROM {source} WHERE c.tier = :tier AND {_ALIVE} AND {where}", "cadence", tier=tier,
                        cut=cut)


def _campaigns(ctx: _Ctx) -> None:
    """Campaign invitations due and event reminders (memo.campaigns). Handled like the others: a
    reach since the invitation call came up (`campaign_invite_days` before the event) or since the
    reminder day."""
    from memo import workdays
    from memo.campaigns import today_reasons

    rows = today_reasons(ctx.db, ctx.day, ctx.rules, ctx.book)
    if not rows:
        return
    alive = {cid: (tier, dnc, before if last == ctx.p["d"] else last)
             for cid, tier, dnc, last, before in ctx.db.execute(
                 "SELECT c.id, c.tier, c.do_not_call, c.last_contact_on, b.before FROM json_each(?) k "
                 "CROSS JOIN client c ON c.id = k.value LEFT JOIN temp.ag_rb b ON b.client_id = c.id "
                 "WHERE c.deleted_at IS NULL", (json.dumps(sorted({r[0] for r in rows})),))}
    ahead = dt.timedelta(days=int(ctx.rules.get("campaign_invite_days", 14)))
    w = ctx.score.weight("campaign")
    found = []
    for cid, sub, _ref, on, _name, campaign_id in rows:
        if cid not in alive:
            continue
        tier, dnc, last = alive[cid]
        since = workdays.last_workday_before(on, ctx.book) if sub == "remind" else on - ahead
        if last is not None and last >= since.isoformat():
            continue
        found.append((cid, "campaign", sub, campaign_id, (on - ctx.day).days, 0, None, w, _KIND_BITS["campaign"],
                      tier, dnc))
    ctx.db.executemany(f"INSERT INTO {ctx.out} ({_COLUMNS}) VALUES ({', '.join('?' * 11)})", found)
    if found:
        ctx.kinds.add("campaign")


# The reason kinds in two halves of about equal work on an ordinary day: with a second connection
# (Book.raw_pair) the second half is made on another thread, in the same snapshot. No kind of the
# first half may read twin.*: its read lock would make the second half's commit fail. The second
# half's have no book (ctx.book is None): what they need comes in through the snapshot.
_FIRST_HALF = (_maturities, _birthdays, _key_dates, _festivals, _campaigns)
_SECOND_HALF = (_memos, _holdings, _cadence)


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
        left, call_by = reason.extra if reason.extra else (0, None)
        when = (t("why.matures_today") if reason.days == 0 else t("why.workdays_left", n=left) if left > 0
                else t("why.days_left", n=reason.days))
        if call_by and reason.days > 0:  # the bank is shut that day: the call comes before
            when += t("why.call_by", date=call_by)
        key = "why.maturity_rollover" if sub == "rollover" else "why.maturity"
        return t(key, amount=amount, date=date, left=when)  # the days left say how urgent: no "overdue"
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
    if k == "campaign":
        from memo.campaigns import reason_text

        return reason_text(sub, reason.text, reason.date, reason.date - dt.timedelta(days=reason.days))
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
    """(what, how many points) lines explaining a row's score, the total last; in privacy mode
    an amount's points (one per 10万) are hidden, as the amount is."""
    from memo.i18n import label, t

    out = []
    for reason in row.reasons:
        # the detail names its kind, but for a request, which is the client's own words
        kind = f"{label('reason', reason.kind)}: " if reason.kind == "request" else ""
        out.append((kind + detail(reason, privacy), points(reason.score)))
        for part, tenths in reason.parts:
            name = part.split(":", 1)[0]
            what = t("score.round_age") if part == "w:round_age" else t(f"score.{'weight' if name == 'w' else name}")
            out.append((f"    {what}", "***" if privacy and name == "amount" else points(tenths)))
    if row.tier_points:
        out.append((f"{t('score.tier')}: {label('tier', row.tier)}", points(row.tier_points)))
    out.append((t("score.total", score=points(row.score)), ""))
    return out
