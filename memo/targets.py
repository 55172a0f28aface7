"""Target lists (issue 6, seed 二(一)): choose the clients for a product or an event by tier, risk
profile, tags, a maturity window and amount, holdings of a product, birthday month, days since
the last contact and words in open requests; count them, add up the money at stake, page them.
Headless: plain values out, no Textual, no ORM on the read path (straight on sqlite3, like
memo.agenda and memo.search).

What a filter means (every part given must hold; a part left out does not filter):

- `tiers`, `risks`, `tags`: the client has one of the listed values (tags: at least one of them).
- The deposit parts, `maturing_days`, `min_amount_fen`, `no_rollover`: the client has at least one
  active deposit that matches all of them: its coming maturity within [day, day + N days]
  (a rolling deposit past its first period by its chain, as memo.terms.next_maturity_of computes
  it), at least that amount (per deposit), not rolling over.
- `product`: the client holds (status held) a product whose name contains every word.
- `birthday_month`: the client's birthday falls in that month, the next one from the day on (this
  month or a later one this year, else next year): solar birthdays by their month, lunar ones by
  the solar date they fall on that year.
- `since_contact_days`: the client was last reached (client.last_contact_on) at least N days
  before the day, or never.
- `request`: the client has an open request (memo kind request, status open) containing every word.

Words are split on spaces and commas and compared case-insensitively for ASCII letters (SQLite's
lower()); other characters compare exactly.

The amount at stake of a client: the active deposits that match the deposit parts (all its active
deposits when none is given) plus, when a product is given, its held holdings of that product.
Money is integer fen throughout. Rows come biggest amount first, then by client number.

Saved lists live in the book's setting "target_lists": JSON {name: filter dict}.

Speed (bench/targets.py, 100,000 clients): one statement gives the count, the total and a page
(window functions over the matches, materialized once). Each part is an indexed lookup: deposits in
a window by (status, maturity) and, for rolling ones past their first period, by their chain keys
(ix_deposit_roll: term, month phase, anchor day: exact, nothing checked in Python); tags, birthdays,
open requests, products by their indexes; the client's own columns on the client row. What costs is
the amount of every match when no deposit part is given: one lookup per client (ix_deposit_client,
or a covering ix_deposit_client_active when the book has one), so a filter matching most of the
book (not reached for 90 days: 63% of it) takes a few hundred ms.
"""

from __future__ import annotations

import calendar
import datetime as dt
import json
import re
from dataclasses import dataclass, field, fields
from typing import Any

from memo.agenda import _roll_terms  # the same skip-scan of the rolling deposits
from memo.codes import RISKS, TIERS, DomainError
from memo.db import Book

__all__ = [
    "LISTS_KEY", "TargetFilter", "TargetPage", "TargetRow", "build_filter", "client_ids", "delete_list", "describe",
    "fold", "get_list", "lists", "page", "save_list", "search", "summary", "words",
]

LISTS_KEY = "target_lists"
MAX_DAYS = 36_600  # a hundred years: any longer is a typo
MAX_NAME = 60
ASCII_UPPER = str.maketrans("ABCDEFGHIJKLMNOPQRSTUVWXYZ", "abcdefghijklmnopqrstuvwxyz")
_SPLIT = re.compile(r"[\s,，、;；]+")


def fold(text: str) -> str:
    """Lower case for ASCII letters only, as SQLite's lower() does."""
    return text.translate(ASCII_UPPER)


def words(text: str) -> tuple[str, ...]:
    """The words of a search text: split on spaces and commas, duplicates dropped, order kept."""
    return tuple(dict.fromkeys(w for w in _SPLIT.split(text or "") if w))


# --- the filter ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class TargetFilter:
    tiers: tuple[str, ...] = ()
    risks: tuple[str, ...] = ()
    tags: tuple[str, ...] = ()
    maturing_days: int | None = None  # coming maturity within [day, day + N days]
    min_amount_fen: int | None = None  # per deposit
    no_rollover: bool = False
    product: str = ""  # words in the product name
    birthday_month: int | None = None  # 1..12
    since_contact_days: int | None = None  # last reached N days ago or more, or never
    request: str = ""  # words in an open request

    @property
    def on_deposits(self) -> bool:
        """Some part filters deposits (and so a client needs a matching one)."""
        return self.maturing_days is not None or self.min_amount_fen is not None or self.no_rollover

    @property
    def empty(self) -> bool:
        return self == TargetFilter()

    def to_dict(self) -> dict[str, Any]:
        """The filter as JSON-ready values: only the parts given, lists sorted."""
        out: dict[str, Any] = {}
        for f in fields(self):
            value = getattr(self, f.name)
            if value in ((), None, "", False):
                continue
            out[f.name] = list(value) if isinstance(value, tuple) else value
        return out

    @classmethod
    def from_dict(cls, data: Any) -> TargetFilter:
        """A filter from its dict (a saved list, a campaign's target_filter); checked like typed input.
        A key this version does not know is refused rather than ignored: ignoring it would widen
        the list without a word."""
        if not isinstance(data, dict):
            raise DomainError("targets.bad_filter", json.dumps(data, ensure_ascii=False)[:80])
        known = {f.name for f in fields(cls)}
        unknown = sorted(set(data) - known)
        if unknown:
            raise DomainError("targets.bad_filter", unknown[0])

        def listed(key: str, allowed: tuple[str, ...] | None) -> tuple[str, ...]:
            value = data.get(key, [])
            if not isinstance(value, list) or not all(isinstance(v, str) and v for v in value):
                raise DomainError("targets.bad_filter", key)
            if allowed is not None and any(v not in allowed for v in value):
                raise DomainError("targets.bad_filter", key)
            return tuple(sorted(set(value)))

        def number(key: str, lo: int, hi: int) -> int | None:
            value = data.get(key)
            if value is None:
                return None
            if isinstance(value, bool) or not isinstance(value, int) or not lo <= value <= hi:
                raise DomainError("targets.bad_filter", key)
            return value

        def text(key: str) -> str:
            value = data.get(key, "")
            if not isinstance(value, str):
                raise DomainError("targets.bad_filter", key)
            return " ".join(words(value))

        no_rollover = data.get("no_rollover", False)
        if not isinstance(no_rollover, bool):
            raise DomainError("targets.bad_filter", "no_rollover")
        return cls(
            tiers=listed("tiers", TIERS), risks=listed("risks", RISKS), tags=listed("tags", None),
            maturing_days=number("maturing_days", 0, MAX_DAYS),
            min_amount_fen=number("min_amount_fen", 1, 10**17), no_rollover=no_rollover,
            product=text("product"), birthday_month=number("birthday_month", 1, 12),
            since_contact_days=number("since_contact_days", 0, MAX_DAYS), request=text("request"),
        )


def _days(raw: str | int | None, field_name: str) -> int | None:
    if raw is None or (isinstance(raw, str) and not raw.strip()):
        return None
    text = str(raw).strip().removesuffix("天").removesuffix("days").removesuffix("d").strip()
    if not text.isascii() or not text.isdigit() or int(text) > MAX_DAYS:
        raise DomainError("targets.bad_days", str(raw).strip(), field_name)
    return int(text)


def _month(raw: str | int | None) -> int | None:
    if raw is None or (isinstance(raw, str) and not raw.strip()):
        return None
    text = str(raw).strip().removesuffix("月").strip()
    if not text.isascii() or not text.isdigit() or not 1 <= int(text) <= 12:
        raise DomainError("targets.bad_month", str(raw).strip(), "birthday_month")
    return int(text)


def build_filter(*, tiers: list[str] | tuple[str, ...] = (), risks: list[str] | tuple[str, ...] = (),
                 tags: list[str] | tuple[str, ...] | str = (), maturing: str | int | None = None,
                 min_amount: str | int | None = None, no_rollover: bool = False, product: str = "",
                 birthday_month: str | int | None = None, since_contact: str | int | None = None,
                 request: str = "") -> TargetFilter:
    """A filter from what someone typed (the CLI's options, the screen's boxes). Tier words
    (金卡, 私行, gold), risk profiles (c3), amounts (50万), days (30, 30天), months (8, 8月).
    A DomainError names the field at fault."""
    from memo.values import parse_amount, parse_risk, parse_tier

    tier_codes = {parse_tier(w) for raw in tiers for w in words(raw)}
    risk_codes = {parse_risk(w) for raw in risks for w in words(raw)}
    tag_words = words(tags) if isinstance(tags, str) else tuple(w for raw in tags for w in words(raw))
    fen = None
    if min_amount is not None and str(min_amount).strip():
        fen = parse_amount(str(min_amount).strip(), "min_amount")
    return TargetFilter(
        tiers=tuple(sorted(tier_codes)), risks=tuple(sorted(r for r in risk_codes if r)),
        tags=tuple(sorted(set(tag_words))), maturing_days=_days(maturing, "maturing"), min_amount_fen=fen,
        no_rollover=bool(no_rollover), product=" ".join(words(product)),
        birthday_month=_month(birthday_month), since_contact_days=_days(since_contact, "since_contact"),
        request=" ".join(words(request)),
    )


# --- rows -----------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class TargetRow:
    client_id: int
    name: str
    phones: tuple[str, ...]
    tier: str
    amount_fen: int  # at stake: the matching deposits (+ the product's holdings)
    next_maturity: dt.date | None  # the first coming maturity of a matching deposit within the window
    last_contact: dt.date | None  # the day the client was last reached (None: never)
    do_not_call: bool = False
    birthday: dt.date | None = None  # with a birthday month: its date in that month


@dataclass(frozen=True, slots=True)
class TargetPage:
    count: int  # clients matching
    total_fen: int  # at stake, over all of them
    rows: list[TargetRow] = field(default_factory=list)  # the page asked for, in order
    offset: int = 0


# --- the query ------------------------------------------------------------------------------------

# The active deposits of a client with their amounts, from the index alone (memo.models)
_COVERING = "ix_deposit_client_active"


def _chain_keys(terms: list[int], lo: dt.date, hi: dt.date) -> list[list[int]]:
    """(term, phase, first roll_day, last roll_day, year, month, days in month) for each month of
    the window and each rolling term: the index ranges of ix_deposit_roll holding exactly the
    rolling deposits whose chain matures in that month within the window. A chain matures on its
    anchor's day (roll_day), or on the month's last day when the month is shorter: so in lo's month
    the anchor days from lo's day on, in hi's month those up to hi's day (all of them when hi is the
    month's last day)."""
    keys = []
    y, m = lo.year, lo.month
    while (y, m) <= (hi.year, hi.month):
        dim = calendar.monthrange(y, m)[1]
        first = lo.day if (y, m) == (lo.year, lo.month) else 1
        last = hi.day if (y, m) == (hi.year, hi.month) and hi.day < dim else 31
        index = y * 12 + m - 1
        for term in terms:
            keys.append([term, index % term, first, last, y, m, dim])
        y, m = (y + 1, 1) if m == 12 else (y, m + 1)
    return keys


# A chain's maturity in the key's month: the anchor's day, or the month's last day when shorter.
_CHAIN_DATE = "printf('%04d-%02d-%02d', k.value ->> 4, k.value ->> 5, min(d.roll_day, k.value ->> 6))"


def _lunar_anchors(year: int, month: int) -> list[tuple[int, int, int, str]]:
    """Every lunar (month, day, leap) whose yearly date falls in the solar month, with that date
    (the today list's anchors, memo.agenda, for the month)."""
    from memo.agenda import _anchors_between

    first = dt.date(year, month, 1)
    last = dt.date(year, month, calendar.monthrange(year, month)[1])
    return [(m, d, leap, x.isoformat()) for kind, m, d, leap, x, _year in _anchors_between(first, last)
            if kind == "lunar"]


def birthday_year(month: int, day: dt.date) -> int:
    """The year of the coming birthday month: this year from the day's month on, else next year."""
    return day.year if month >= day.month else day.year + 1


def _word_tests(column: str, text: str, params: list) -> str:
    tests = []
    for w in words(text):
        tests.append(f"instr(lower({column}), ?) > 0")
        params.append(fold(w))
    return " AND ".join(tests) or "1"


def _matches_sql(db, f: TargetFilter, day: dt.date) -> tuple[str, list]:  # noqa: ANN001
    """A WITH clause whose last table, `mt`, holds (id, fen, nxt) for every matching client: its
    number, the amount at stake and the first maturity in the window. Each part is one indexed
    lookup (or one scan of a small index)."""
    ctes: list[str] = []
    params: list[Any] = []
    joins: list[str] = []
    # Live clients only. Written so (unary +) that it does not pick the partial ix_client_cadence
    # (live clients) by itself: walking that index and reading each row costs more than reading the
    # table straight; with tiers the index is sought by tier, which is what it is good at.
    where = ["c.deleted_at IS NULL" if f.tiers else "+c.deleted_at IS NULL"]
    wparams: list[Any] = []

    # deposits
    if f.on_deposits:
        amount = ""
        if f.min_amount_fen is not None:
            amount = " AND d.amount_fen >= ?"
        roll = " AND d.rollover = 0" if f.no_rollover else ""
        if f.maturing_days is not None:
            lo, hi = day, day + dt.timedelta(days=f.maturing_days)
            parts = [
                "SELECT d.client_id, d.amount_fen, d.maturity AS nxt FROM deposit d INDEXED BY ix_deposit_active_maturity "
                f"WHERE d.status = 'active' AND d.maturity BETWEEN ? AND ?{roll}{amount}"
            ]
            params += [lo.isoformat(), hi.isoformat()] + ([f.min_amount_fen] if amount else [])
            terms = [] if f.no_rollover else _roll_terms(db)
            if terms:
                # rolling deposits past their first period, by their chain keys (exact: no date to
                # check); a deposit whose chain matures twice in the window counts once, first date
                parts.append(
                    f"SELECT d.client_id, d.amount_fen, min({_CHAIN_DATE}) FROM json_each(?) k "
                    "CROSS JOIN deposit d INDEXED BY ix_deposit_roll "
                    "ON d.roll_term = k.value ->> 0 AND d.roll_phase = k.value ->> 1 "
                    "AND d.roll_day BETWEEN k.value ->> 2 AND k.value ->> 3 "
                    "WHERE d.status = 'active' AND d.rollover = 1 AND d.roll_term IS NOT NULL AND d.maturity < ?"
                    f"{amount} GROUP BY d.id")
                params += [json.dumps(_chain_keys(terms, lo, hi)), lo.isoformat()]
                params += [f.min_amount_fen] if amount else []
            ctes.append("dm(client_id, amount_fen, nxt) AS (" + " UNION ALL ".join(parts) + ")")
        else:
            # every active deposit: the covering index walked whole, not the status index and a
            # random read for each of them
            ctes.append(
                f"dm(client_id, amount_fen, nxt) AS (SELECT d.client_id, d.amount_fen, NULL FROM deposit d "
                f"INDEXED BY {_COVERING} "
                f"WHERE d.status = 'active'{roll}{amount})")
            params += [f.min_amount_fen] if amount else []
        ctes.append("dc AS MATERIALIZED (SELECT client_id, sum(amount_fen) AS fen, min(nxt) AS nxt FROM dm GROUP BY client_id)")
        joins.append("JOIN dc ON dc.client_id = c.id")
        dep_fen, nxt = "dc.fen", "dc.nxt"
    else:
        dep_fen = (f"coalesce((SELECT sum(d.amount_fen) FROM deposit d INDEXED BY {_COVERING} "
                   "WHERE d.client_id = c.id AND d.status = 'active'), 0)")
        nxt = "NULL"

    # holdings of a product
    hold_fen = ""
    if f.product:
        hp: list[Any] = []
        tests = _word_tests("p.product", f.product, hp)
        ctes.append(
            "hc AS MATERIALIZED (SELECT h.client_id, sum(h.amount_fen) AS fen FROM holding h INDEXED BY ix_holding_product "
            "WHERE h.product IN (SELECT DISTINCT p.product FROM holding p INDEXED BY ix_holding_product "
            f"WHERE {tests}) AND h.status = 'held' GROUP BY h.client_id)")
        params += hp
        joins.append("JOIN hc ON hc.client_id = c.id")
        hold_fen = " + hc.fen"

    # the client's own columns
    if f.tiers:
        where.append(f"c.tier IN ({','.join('?' * len(f.tiers))})")
        wparams += list(f.tiers)
    if f.risks:
        where.append(f"c.risk IN ({','.join('?' * len(f.risks))})")
        wparams += list(f.risks)
    if f.since_contact_days is not None:
        where.append("(c.last_contact_on IS NULL OR c.last_contact_on <= ?)")
        wparams.append((day - dt.timedelta(days=f.since_contact_days)).isoformat())
    if f.tags:
        where.append(f"c.id IN (SELECT t.client_id FROM clienttag t WHERE t.tag IN ({','.join('?' * len(f.tags))}))")
        wparams += list(f.tags)
    if f.birthday_month is not None:
        year = birthday_year(f.birthday_month, day)
        lunar = [[m, d, leap] for m, d, leap, _x in _lunar_anchors(year, f.birthday_month)]
        where.append(
            "c.id IN (SELECT b.id FROM client b INDEXED BY ix_client_birth WHERE b.birth_kind = 'solar' AND b.birth_month = ? "
            "UNION ALL SELECT b.id FROM json_each(?) k CROSS JOIN client b INDEXED BY ix_client_birth "
            "ON b.birth_kind = 'lunar' AND b.birth_month = k.value ->> 0 AND b.birth_day = k.value ->> 1 "
            "AND b.birth_leap = k.value ->> 2)")
        wparams += [f.birthday_month, json.dumps(lunar)]
    if f.request:
        req: list[Any] = []
        tests = _word_tests("m.text", f.request, req)
        where.append(
            "c.id IN (SELECT m.client_id FROM memo m INDEXED BY ix_memo_open_due WHERE m.status = 'open' "
            f"AND m.kind = 'request' AND m.deleted_at IS NULL AND m.client_id IS NOT NULL AND {tests})")
        wparams += req

    # materialized: the amount is worked out once per client, however often the outer query uses it
    ctes.append(f"mt AS MATERIALIZED (SELECT c.id AS id, {dep_fen}{hold_fen} AS fen, {nxt} AS nxt FROM client c "
                f"{' '.join(joins)} WHERE {' AND '.join(where)})")
    return "WITH " + ", ".join(ctes), params + wparams


def summary(book: Book, f: TargetFilter, day: dt.date) -> tuple[int, int]:
    """(clients matching, total at stake in fen)."""
    with book.raw() as db:
        sql, params = _matches_sql(db, f, day)
        count, total = db.execute(f"{sql} SELECT count(*), coalesce(sum(fen), 0) FROM mt", params).fetchone()
    return count, total


def page(book: Book, f: TargetFilter, day: dt.date, limit: int = 100, offset: int = 0) -> list[TargetRow]:
    """The rows [offset, offset + limit), biggest amount first, then by client number."""
    return search(book, f, day, limit, offset).rows


def search(book: Book, f: TargetFilter, day: dt.date, limit: int = 100, offset: int = 0) -> TargetPage:
    """The count, the total and one page, in one pass over the matches (one read snapshot)."""
    with book.raw() as db:
        sql, params = _matches_sql(db, f, day)
        found = db.execute(
            f"{sql} SELECT id, fen, nxt, count(*) OVER (), sum(fen) OVER () FROM mt "
            "ORDER BY fen DESC, id LIMIT ? OFFSET ?", [*params, limit, offset]).fetchall()
        if found:
            count, total = found[0][3], found[0][4]
        else:  # past the end (or nothing): the figures still hold
            count, total = db.execute(f"{sql} SELECT count(*), coalesce(sum(fen), 0) FROM mt", params).fetchone()
        rows = _hydrate(db, [(cid, fen, nxt) for cid, fen, nxt, _n, _t in found], f, day)
    return TargetPage(count=count, total_fen=total or 0, rows=rows, offset=offset)


def _d(value: str | None) -> dt.date | None:
    return dt.date.fromisoformat(value[:10]) if value else None


def _hydrate(db, found: list[tuple[int, int, str | None]], f: TargetFilter, day: dt.date) -> list[TargetRow]:  # noqa: ANN001
    if not found:
        return []
    keys = json.dumps([cid for cid, _fen, _nxt in found])
    info = {row[0]: row[1:] for row in db.execute(
        "SELECT c.id, c.name, c.tier, c.last_contact_on, c.do_not_call, c.birth_kind, c.birth_month, c.birth_day, "
        "c.birth_leap FROM json_each(?) k JOIN client c ON c.id = k.value", (keys,))}
    phones: dict[int, list[str]] = {}
    for cid, number in db.execute(
            "SELECT p.client_id, p.number FROM json_each(?) k JOIN phone p ON p.client_id = k.value ORDER BY p.id",
            (keys,)):
        phones.setdefault(cid, []).append(number)
    from memo.lunar import yearly_solar

    lunar_dates = {}
    year = None
    if f.birthday_month is not None:
        year = birthday_year(f.birthday_month, day)
        lunar_dates = {(m, d, leap): x for m, d, leap, x in _lunar_anchors(year, f.birthday_month)}
    rows = []
    for cid, fen, nxt in found:
        name, tier, last, dnc, kind, month, bday, leap = info[cid]
        birthday = None
        if year is not None and kind == "solar":
            birthday = yearly_solar(month, bday, year)
        elif year is not None and kind == "lunar":
            birthday = _d(lunar_dates.get((month, bday, int(leap))))
        rows.append(TargetRow(client_id=cid, name=name, phones=tuple(phones.get(cid, [])), tier=tier,
                              amount_fen=fen or 0, next_maturity=_d(nxt), last_contact=_d(last),
                              do_not_call=bool(dnc), birthday=birthday))
    return rows


# --- saved lists ----------------------------------------------------------------------------------


def _name(name: str) -> str:
    clean = " ".join((name or "").split())
    if not clean:
        raise DomainError("targets.name_empty", name, "name")
    if len(clean) > MAX_NAME:
        raise DomainError("targets.name_long", clean[:MAX_NAME] + "…", "name")
    return clean


def _stored(book: Book) -> dict[str, Any]:
    raw = book.setting(LISTS_KEY, {})
    return raw if isinstance(raw, dict) else {}


def save_list(book: Book, name: str, f: TargetFilter) -> str:
    """Save (or replace) the named list; returns the name as kept (spaces tidied)."""
    from memo.ops import put_setting

    clean = _name(name)
    stored = _stored(book)
    stored[clean] = f.to_dict()
    put_setting(book, LISTS_KEY, dict(sorted(stored.items())))
    return clean


def lists(book: Book) -> list[tuple[str, TargetFilter]]:
    """Every saved list, by name. A list this version can't read is left out (and left alone)."""
    out = []
    for name, data in sorted(_stored(book).items()):
        try:
            out.append((name, TargetFilter.from_dict(data)))
        except DomainError:
            continue
    return out


def get_list(book: Book, name: str) -> TargetFilter:
    stored = _stored(book)
    clean = " ".join((name or "").split())
    if clean not in stored:
        raise DomainError("targets.no_list", clean or name, "name")
    return TargetFilter.from_dict(stored[clean])


def delete_list(book: Book, name: str) -> None:
    from memo.ops import put_setting

    stored = _stored(book)
    clean = " ".join((name or "").split())
    if clean not in stored:
        raise DomainError("targets.no_list", clean or name, "name")
    del stored[clean]
    put_setting(book, LISTS_KEY, stored)


def client_ids(book: Book, f: TargetFilter, day: dt.date) -> list[int]:
    """Every matching client's number, in the list's order (biggest amount first)."""
    with book.raw() as db:
        sql, params = _matches_sql(db, f, day)
        return [cid for (cid,) in db.execute(f"{sql} SELECT id FROM mt ORDER BY fen DESC, id", params)]


# --- words ----------------------------------------------------------------------------------------


def describe(f: TargetFilter) -> str:
    """The filter in words, in the current language: "私行 钻石 · 30天内到期 · 单笔≥¥200,000"."""
    from memo.i18n import label, t
    from memo.terms import format_amount

    parts = []
    if f.tiers:
        parts.append(" ".join(label("tier", x) for x in TIERS if x in f.tiers))
    if f.risks:
        parts.append(t("targets.d_risks", risks=" ".join(f.risks)))
    if f.tags:
        parts.append(t("targets.d_tags", tags=" ".join(f.tags)))
    if f.maturing_days is not None:
        parts.append(t("targets.d_maturing", days=f.maturing_days))
    if f.min_amount_fen is not None:
        parts.append(t("targets.d_min", amount=format_amount(f.min_amount_fen, symbol=True, short=True)))
    if f.no_rollover:
        parts.append(t("targets.d_no_rollover"))
    if f.product:
        parts.append(t("targets.d_product", words=f.product))
    if f.birthday_month is not None:
        parts.append(t("targets.d_birthday", month=f.birthday_month))
    if f.since_contact_days is not None:
        parts.append(t("targets.d_since", days=f.since_contact_days))
    if f.request:
        parts.append(t("targets.d_request", words=f.request))
    return " · ".join(parts) if parts else t("targets.d_all")
