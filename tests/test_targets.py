"""Target lists (memo.targets, `memo targets`): each part of a filter alone and combined on a book
built by hand with known answers; the SQL against a brute-force Python filter on random books;
saved lists; the typed input; the CLI's JSON contract, its lines, privacy and errors that change
nothing; headless."""

from __future__ import annotations

import datetime as dt
import json
import re
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from memo import lunar, money, ops, targets
from memo.codes import RISKS, TIERS, DomainError
from memo.db import Book, open_book
from memo.models import Client, ClientTag, Deposit, Holding, Memo
from memo.targets import TargetFilter, build_filter
from memo.terms import maturity_for, next_maturity_of

from .conftest import CliRun

DAY = dt.date(2026, 11, 29)  # Sunday
W = 10_000 * 100  # 1万 in fen


def _set_last_contact(book: Book, client_id: int, day: dt.date | None) -> None:
    with book.write() as s:
        c = s.get(Client, client_id)
        c.last_contact_on = day
        s.add(c)


def fill(book: Book) -> dict[str, int]:
    """The hand-built book. Amounts at stake (all active deposits): 张三 35万, 李四 400万, 王芳 80万,
    欧阳 1万, 空号 0; 赵敏 is deleted."""
    ids: dict[str, int] = {}
    a = ops.add_client(book, "张三", ["13800138000"], tier="金卡", birthday="1966-12-05").id
    ops.edit_client(book, a, risk="C3", tags="退休 个体户")
    money.add_deposit(book, a, "30万", "2025-12-10", term="12m")  # matures 2026-12-10, not rolling
    money.add_deposit(book, a, "5万", "2026-06-15", term="6m", rollover=True)  # 2026-12-15, rolling
    money.add_holding(book, a, "稳健债券A", "10万", "1.0000", "2026-03-01")
    ops.jot(book, "要2万美元现金", a)
    _set_last_contact(book, a, dt.date(2026, 11, 27))
    ids["zhang"] = a

    b = ops.add_client(book, "李四", ["13912345678"], tier="私行", birthday="农历十一月初一").id  # 2026-12-09
    ops.edit_client(book, b, risk="C4")
    money.add_deposit(book, b, "300万", "2026-06-01", term="6m", rollover=True)  # first maturity 2026-12-01
    # rolling 3m from 31 March: 06-30, 09-30, 12-31, ..., 2026-09-30, 2026-12-31 (past its first period)
    money.add_deposit(book, b, "100万", "2025-03-31", term="3m", rollover=True)
    ids["li"] = b  # never reached

    c = ops.add_client(book, "王芳", ["13700001111"], tier="白金", birthday="1980-08-15").id
    ops.edit_client(book, c, risk="C2", tags="教师")
    money.add_deposit(book, c, "80万", "2025-12-03", term="12m")  # 2026-12-03
    gone = money.add_deposit(book, c, "50万", "2025-01-01", term="24m")
    money.close_deposit(book, gone.id, "withdrawn", on="2026-01-05")
    sold = money.add_holding(book, c, "稳健债券A", "20万", "1.0000", "2026-01-01")
    money.sell_holding(book, sold.id, "1.01", on="2026-06-01")
    money.add_holding(book, c, "积存金", "5万", "500", "2026-01-01", kind="gold")
    done = ops.jot(book, "换美元", c).memo.id
    ops.resolve_memo(book, done, "已换")
    ops.jot(book, "孩子在美国读书，美元需求大", c, kind="fact")
    _set_last_contact(book, c, dt.date(2026, 6, 1))
    ids["wang"] = c

    d = ops.add_client(book, "欧阳娜娜", ["15000008000"], birthday="农历十月二十").id  # 2026-11-28
    ops.edit_client(book, d, tags="退休")
    money.add_deposit(book, d, "1万", "2026-01-15", term="12m")  # 2027-01-15
    ops.jot(book, "想买稳健债券，下期通知", d)
    _set_last_contact(book, d, dt.date(2026, 9, 1))  # 89 days before DAY
    ids["ouyang"] = d

    e = ops.add_client(book, "赵敏", ["13600002222"], tier="钻石", birthday="1980-12-01").id
    money.add_deposit(book, e, "500万", "2025-12-05", term="12m")
    ops.jot(book, "要美元", e)
    ops.delete_client(book, e)
    ids["zhao"] = e

    f = ops.jot(book, "问理财", "13300003333").memo.client_id  # a stub from a bare number
    ops.drop_memo(book, ops.show(book, f).open_memos[0].id, "不需要")
    ids["stub"] = f
    return ids


@pytest.fixture
def hand(book: Book) -> tuple[Book, dict[str, int]]:
    return book, fill(book)


def ids_of(book: Book, f: TargetFilter, day: dt.date = DAY) -> list[int]:
    return [r.client_id for r in targets.page(book, f, day, limit=1000)]


# --- each part alone, and combined, with known answers -----------------------------------------------

Y = 100  # fen per yuan


@pytest.mark.parametrize("what, f, who, total_yuan", [
    ("everyone alive", TargetFilter(), ["li", "wang", "zhang", "ouyang", "stub"], 5_160_000),
    ("tiers", TargetFilter(tiers=("gold", "private")), ["li", "zhang"], 4_350_000),
    ("tier regular: the stub too", TargetFilter(tiers=("regular",)), ["ouyang", "stub"], 10_000),
    ("risks", TargetFilter(risks=("C3", "C4")), ["li", "zhang"], 4_350_000),
    ("risk no one has", TargetFilter(risks=("C5",)), [], 0),
    ("one tag", TargetFilter(tags=("退休",)), ["zhang", "ouyang"], 360_000),
    ("any of two tags", TargetFilter(tags=("教师", "退休")), ["wang", "zhang", "ouyang"], 1_160_000),
    ("maturing 30 days", TargetFilter(maturing_days=30), ["li", "wang", "zhang"], 4_150_000),
    ("the day-31 chain in 32 days", TargetFilter(maturing_days=32), ["li", "wang", "zhang"], 5_150_000),
    ("maturing today only", TargetFilter(maturing_days=0), [], 0),
    ("maturing 30, >= 20万", TargetFilter(maturing_days=30, min_amount_fen=200_000 * Y), ["li", "wang", "zhang"],
     4_100_000),
    ("maturing 30, not rolling", TargetFilter(maturing_days=30, no_rollover=True), ["wang", "zhang"], 1_100_000),
    ("not rolling, any time", TargetFilter(no_rollover=True), ["wang", "zhang", "ouyang"], 1_110_000),
    (">= 50万 per deposit, any time", TargetFilter(min_amount_fen=500_000 * Y), ["li", "wang"], 4_800_000),
    ("product words", TargetFilter(product="债券"), ["zhang"], 450_000),
    ("product words, all of them", TargetFilter(product="稳健 A"), ["zhang"], 450_000),
    ("product held only", TargetFilter(product="积存金"), ["wang"], 850_000),
    ("product with a window", TargetFilter(product="债券", maturing_days=30), ["zhang"], 450_000),
    ("birthday month, solar and lunar", TargetFilter(birthday_month=12), ["li", "zhang"], 4_350_000),
    ("a lunar birthday by its solar month", TargetFilter(birthday_month=11), ["ouyang"], 10_000),
    ("birthday month next year", TargetFilter(birthday_month=8), ["wang"], 800_000),
    ("not reached for 90 days, or never", TargetFilter(since_contact_days=90), ["li", "wang", "stub"], 4_800_000),
    ("89 days: the September call counts", TargetFilter(since_contact_days=89), ["li", "wang", "ouyang", "stub"],
     4_810_000),
    ("words in open requests", TargetFilter(request="美元"), ["zhang"], 350_000),
    ("all the words", TargetFilter(request="美元 现金"), ["zhang"], 350_000),
    ("words in no one request", TargetFilter(request="美元 债券"), [], 0),
    ("another request", TargetFilter(request="债券"), ["ouyang"], 10_000),
    ("combined: top tiers, 30 days, 20万, not rolling",
     TargetFilter(tiers=("gold", "platinum", "private"), maturing_days=30, min_amount_fen=200_000 * Y, no_rollover=True),
     ["wang", "zhang"], 1_100_000),
    ("combined: retired, not reached 60 days", TargetFilter(tags=("退休",), since_contact_days=60), ["ouyang"], 10_000),
    ("combined: birthday and product", TargetFilter(birthday_month=12, product="债券"), ["zhang"], 450_000),
])
def test_each_filter_alone_and_combined(hand, what: str, f: TargetFilter, who: list[str], total_yuan: int) -> None:
    book, ids = hand
    count, total = targets.summary(book, f, DAY)
    assert (count, total) == (len(who), total_yuan * Y), what
    assert ids_of(book, f) == [ids[w] for w in who], what  # biggest amount first, then by number
    found = targets.search(book, f, DAY)
    assert (found.count, found.total_fen) == (count, total)
    assert sum(r.amount_fen for r in found.rows) == total


def test_rows_carry_what_the_list_shows(hand) -> None:
    book, ids = hand
    rows = {r.client_id: r for r in targets.page(book, TargetFilter(maturing_days=32), DAY)}
    li, zhang, wang = rows[ids["li"]], rows[ids["zhang"]], rows[ids["wang"]]
    assert (li.name, li.tier, li.phones, li.amount_fen) == ("李四", "private", ("13912345678",), 4_000_000 * Y)
    assert li.next_maturity == dt.date(2026, 12, 1) and li.last_contact is None
    assert zhang.next_maturity == dt.date(2026, 12, 10) and zhang.last_contact == dt.date(2026, 11, 27)
    assert wang.next_maturity == dt.date(2026, 12, 3)
    # the 100万 alone: its chain's next maturity, on the 31st
    only = targets.page(book, TargetFilter(maturing_days=29, min_amount_fen=1_000_000 * Y), dt.date(2026, 12, 2))
    assert [(r.client_id, r.amount_fen, r.next_maturity) for r in only] == [(ids["li"], 1_000_000 * Y,
                                                                              dt.date(2026, 12, 31))]
    # no window: no maturity shown
    assert all(r.next_maturity is None for r in targets.page(book, TargetFilter(), DAY))
    # a birthday month: the day it falls on
    born = {r.client_id: r.birthday for r in targets.page(book, TargetFilter(birthday_month=12), DAY)}
    assert born == {ids["zhang"]: dt.date(2026, 12, 5), ids["li"]: dt.date(2026, 12, 9)}


def test_the_rolling_chain_by_the_day_asked_for(hand) -> None:
    """The 31-March 3-month chain matures on the last day of short months: 2027-03-31, 2027-06-30."""
    book, ids = hand
    big = TargetFilter(min_amount_fen=1_000_000 * Y, maturing_days=0)
    assert ids_of(book, big, dt.date(2026, 12, 31)) == [ids["li"]]
    assert ids_of(book, big, dt.date(2026, 12, 30)) == []
    assert ids_of(book, big, dt.date(2027, 6, 30)) == [ids["li"]]
    assert ids_of(book, big, dt.date(2027, 3, 31)) == [ids["li"]]
    assert ids_of(book, TargetFilter(min_amount_fen=1_000_000 * Y, maturing_days=1), dt.date(2027, 6, 29)) == [ids["li"]]
    # and the first period of a chain is its first maturity
    first = TargetFilter(min_amount_fen=3_000_000 * Y, maturing_days=0)
    assert ids_of(book, first, dt.date(2026, 12, 1)) == [ids["li"]]
    assert ids_of(book, first, dt.date(2027, 6, 1)) == [ids["li"]]
    assert ids_of(book, first, dt.date(2027, 5, 31)) == []


def test_pages_follow_one_another_and_past_the_end_keeps_the_figures(hand) -> None:
    book, _ = hand
    everyone = ids_of(book, TargetFilter())
    pages = [targets.search(book, TargetFilter(), DAY, limit=2, offset=o) for o in (0, 2, 4, 6)]
    assert [r.client_id for p in pages for r in p.rows] == everyone
    assert pages[-1].rows == [] and (pages[-1].count, pages[-1].total_fen) == (5, 5_160_000 * Y)
    assert targets.client_ids(book, TargetFilter(), DAY) == everyone


def test_nothing_matches_on_an_empty_book(book: Book) -> None:
    assert targets.summary(book, TargetFilter(), DAY) == (0, 0)
    assert targets.search(book, TargetFilter(maturing_days=30, product="x", request="y"), DAY).rows == []


# --- brute force against the SQL, on random small books ----------------------------------------------

PRODUCTS = ("稳健债券A", "沪深300指数基金", "积存金", "Bond Fund B")
TEXTS = ("要美元现金", "想买债券 A", "USD cash", "存款证明", "美元 usd")
TAGS = ("退休", "教师", "vip")
WORDS = ("美元", "债券", "usd", "USD", "A", "现金 美元", "bond", "Fund", "积存", "")


@st.composite
def books(draw):  # noqa: ANN001, ANN201
    day = draw(st.sampled_from([dt.date(2026, 1, 30), dt.date(2026, 2, 27), dt.date(2026, 2, 28),
                                dt.date(2026, 3, 31), dt.date(2026, 11, 29), dt.date(2026, 12, 31)]))
    clients = []
    for i in range(draw(st.integers(1, 7))):
        birth = draw(st.one_of(
            st.none(),
            st.tuples(st.just("solar"), st.integers(1, 12), st.sampled_from([1, 15, 28, 29, 30, 31]), st.just(False)),
            st.tuples(st.just("lunar"), st.integers(1, 12), st.sampled_from([1, 10, 29, 30]), st.booleans()),
        ))
        if birth and birth[0] == "solar":
            month, d = birth[1], birth[2]
            d = min(d, 29 if month == 2 else 30 if month in (4, 6, 9, 11) else 31)
            birth = ("solar", month, d, False)
        deposits = []
        for _ in range(draw(st.integers(0, 3))):
            year = draw(st.integers(2023, 2026))
            month = draw(st.integers(1, 12))
            sday = min(draw(st.sampled_from([1, 14, 28, 29, 30, 31, 31])), 28 if month == 2 else 30 if month in (4, 6, 9, 11) else 31)
            start = dt.date(year, month, sday)
            term = draw(st.sampled_from([1, 1, 2, 3, 3, 6, 12, 24, None]))
            if term is None or draw(st.integers(0, 4)) == 0:
                maturity = start + dt.timedelta(days=draw(st.integers(20, 900)))
            else:
                maturity = maturity_for(start, term)
            deposits.append(dict(amount_fen=draw(st.sampled_from([5, 20, 50, 200])) * W, start=start, term_months=term,
                                 maturity=maturity, rollover=draw(st.sampled_from([True, True, False])),
                                 status=draw(st.sampled_from(["active", "active", "active", "withdrawn", "matured"]))))
        holdings = [dict(product=draw(st.sampled_from(PRODUCTS)), amount_fen=draw(st.sampled_from([1, 30])) * W,
                         status=draw(st.sampled_from(["held", "held", "sold"])))
                    for _ in range(draw(st.integers(0, 2)))]
        memos = [dict(text=draw(st.sampled_from(TEXTS)), kind=draw(st.sampled_from(["request", "request", "fact", "callback"])),
                      status=draw(st.sampled_from(["open", "open", "done"])), deleted=draw(st.integers(0, 5)) == 0)
                 for _ in range(draw(st.integers(0, 2)))]
        last = draw(st.one_of(st.none(), st.integers(-5, 200).map(lambda n: day - dt.timedelta(days=n))))
        clients.append(dict(
            id=i + 1, tier=draw(st.sampled_from(TIERS)), risk=draw(st.one_of(st.none(), st.sampled_from(RISKS))),
            tags=draw(st.sets(st.sampled_from(TAGS), max_size=2)), birth=birth, last=last,
            deleted=draw(st.integers(0, 6)) == 0, deposits=deposits, holdings=holdings, memos=memos))
    return day, clients


PARTS = {
    "tiers": st.sets(st.sampled_from(TIERS), min_size=1, max_size=3).map(lambda s: tuple(sorted(s))),
    "risks": st.sets(st.sampled_from(RISKS), min_size=1, max_size=3).map(lambda s: tuple(sorted(s))),
    "tags": st.sets(st.sampled_from(TAGS + ("无",)), min_size=1, max_size=2).map(lambda s: tuple(sorted(s))),
    "maturing_days": st.sampled_from([0, 1, 3, 30, 31, 45, 100, 400]),
    "min_amount_fen": st.sampled_from([20 * W, 50 * W]),
    "no_rollover": st.just(True),
    "product": st.sampled_from(WORDS),
    "birthday_month": st.integers(1, 12),
    "since_contact_days": st.sampled_from([0, 30, 90, 180]),
    "request": st.sampled_from(WORDS),
}


@st.composite
def filters(draw):  # noqa: ANN001, ANN201
    """A filter of a few parts (the deposit parts more often): most random filters of every part
    match nobody, which would test little."""
    names = draw(st.lists(st.sampled_from(sorted(PARTS) + ["maturing_days"] * 3), max_size=3, unique=False))
    return TargetFilter(**{name: draw(PARTS[name]) for name in set(names)})


def _store(book: Book, clients: list[dict]) -> None:
    with book.write() as s:
        for table in ("clienttag", "deposit", "holding", "memo", "phone", "client"):
            s.connection().exec_driver_sql(f"DELETE FROM {table}")
        for c in clients:
            kind, month, bday, leap = c["birth"] or (None, None, None, False)
            s.add(Client(id=c["id"], name=f"客户{c['id']}", tier=c["tier"], risk=c["risk"], birth_kind=kind,
                         birth_month=month, birth_day=bday, birth_leap=leap, last_contact_on=c["last"],
                         deleted_at=dt.datetime(2026, 1, 1) if c["deleted"] else None))
        s.flush()
        for c in clients:
            s.add_all(ClientTag(client_id=c["id"], tag=tag) for tag in c["tags"])
            s.add_all(Deposit(client_id=c["id"], **d) for d in c["deposits"])
            s.add_all(Holding(client_id=c["id"], product=h["product"], amount_fen=h["amount_fen"], status=h["status"],
                              purchase_date=dt.date(2025, 1, 1), purchase_price="1") for h in c["holdings"])
            s.add_all(Memo(client_id=c["id"], text=m["text"], kind=m["kind"], status=m["status"],
                           deleted_at=dt.datetime(2026, 1, 1) if m["deleted"] else None) for m in c["memos"])


def _has_words(text: str, query: str) -> bool:
    return all(targets.fold(w) in targets.fold(text) for w in targets.words(query))


def brute(clients: list[dict], f: TargetFilter, day: dt.date) -> list[tuple[int, int, dt.date | None, dt.date | None]]:
    """(id, amount at stake, next maturity, birthday) of each match, in the list's order, the slow way."""
    out = []
    hi = day + dt.timedelta(days=f.maturing_days) if f.maturing_days is not None else None
    for c in clients:
        if c["deleted"]:
            continue
        if f.tiers and c["tier"] not in f.tiers or f.risks and c["risk"] not in f.risks:
            continue
        if f.tags and not set(f.tags) & c["tags"]:
            continue
        if f.since_contact_days is not None and c["last"] is not None and (day - c["last"]).days < f.since_contact_days:
            continue
        birthday = None
        if f.birthday_month is not None:
            year = day.year if f.birthday_month >= day.month else day.year + 1
            if c["birth"] is None:
                continue
            kind, month, bday, leap = c["birth"]
            if kind == "solar":
                if month != f.birthday_month:
                    continue
                birthday = lunar.yearly_solar(month, bday, year)
            else:
                dates = [lunar.yearly_lunar(month, bday, leap, ly) for ly in (year - 1, year)]
                dates = [x for x in dates if (x.year, x.month) == (year, f.birthday_month)]
                if not dates:
                    continue
                birthday = dates[0]
        if f.request and not any(m["kind"] == "request" and m["status"] == "open" and not m["deleted"]
                                 and _has_words(m["text"], f.request) for m in c["memos"]):
            continue
        held = [h for h in c["holdings"] if h["status"] == "held" and _has_words(h["product"], f.product)]
        if f.product and not held:
            continue
        deps, dates = [], []
        for d in c["deposits"]:
            if d["status"] != "active":
                continue
            if f.min_amount_fen is not None and d["amount_fen"] < f.min_amount_fen or f.no_rollover and d["rollover"]:
                continue
            if hi is not None:
                m, _k = next_maturity_of(d["start"], d["term_months"], d["maturity"], d["rollover"], day)
                if not day <= m <= hi:
                    continue
                if m != d["maturity"]:
                    event("a rolling deposit matched by its chain")
                    if m.day != d["maturity"].day:
                        event("... on a short month's last day")
                dates.append(m)
            deps.append(d["amount_fen"])
        if f.on_deposits and not deps:
            continue
        fen = sum(deps) + (sum(h["amount_fen"] for h in held) if f.product else 0)
        out.append((c["id"], fen, min(dates) if dates else None, birthday))
    return sorted(out, key=lambda x: (-x[1], x[0]))


@pytest.fixture(scope="module")
def scratch(tmp_path_factory) -> Book:  # noqa: ANN001
    book = open_book(tmp_path_factory.mktemp("targets") / "scratch.db")
    yield book
    book.close()


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(books(), st.lists(filters(), min_size=1, max_size=4))
def test_sql_equals_brute_force(scratch: Book, drawn, fs: list[TargetFilter]) -> None:  # noqa: ANN001
    day, clients = drawn
    _store(scratch, clients)
    for f in fs:
        want = brute(clients, f, day)
        found = targets.search(scratch, f, day, limit=1000)
        got = [(r.client_id, r.amount_fen, r.next_maturity, r.birthday) for r in found.rows]
        assert got == want, f
        event("matches" if want else "no match")
        assert (found.count, found.total_fen) == (len(want), sum(x[1] for x in want))
        assert targets.summary(scratch, f, day) == (found.count, found.total_fen)


# --- the filter as data and as typed -----------------------------------------------------------------


@given(filters())
def test_a_filter_round_trips_through_its_dict_and_json(f: TargetFilter) -> None:
    f = TargetFilter.from_dict(f.to_dict())  # words tidied (an empty product stays empty)
    assert TargetFilter.from_dict(json.loads(json.dumps(f.to_dict()))) == f


def test_the_dict_has_only_the_parts_given() -> None:
    assert TargetFilter().to_dict() == {}
    f = TargetFilter(tiers=("diamond", "private"), maturing_days=30, min_amount_fen=20_000_000, no_rollover=True)
    assert f.to_dict() == {"tiers": ["diamond", "private"], "maturing_days": 30, "min_amount_fen": 20_000_000,
                           "no_rollover": True}


@pytest.mark.parametrize("data", [
    [], "x", {"tiers": ["gold", "copper"]}, {"tiers": "gold"}, {"maturing_days": -1}, {"maturing_days": "30"},
    {"maturing_days": True}, {"birthday_month": 13}, {"min_amount_fen": 0}, {"min_amount_fen": 1.5},
    {"no_rollover": "yes"}, {"product": 3}, {"risks": ["C9"]}, {"tags": [""]}, {"whatever": 1},
])
def test_a_bad_dict_is_refused(data) -> None:  # noqa: ANN001
    with pytest.raises(DomainError) as err:
        TargetFilter.from_dict(data)
    assert err.value.code == "targets.bad_filter"


def test_typed_input_reads_like_the_rest_of_the_app() -> None:
    f = build_filter(tiers=["私行", "钻石,gold"], risks=["c3 C4"], tags="退休，教师", maturing="30天", min_amount="20万",
                     no_rollover=True, product="  稳健   债券 ", birthday_month="8月", since_contact="90",
                     request="美元 现金")
    assert f == TargetFilter(tiers=("diamond", "gold", "private"), risks=("C3", "C4"), tags=("教师", "退休"),
                             maturing_days=30, min_amount_fen=20_000_000, no_rollover=True, product="稳健 债券",
                             birthday_month=8, since_contact_days=90, request="美元 现金")
    assert build_filter(maturing="", min_amount="  ", birthday_month="", since_contact=None) == TargetFilter()


@pytest.mark.parametrize("kwargs, code, field", [
    ({"tiers": ["铜卡"]}, "client.bad_tier", "tier"),
    ({"risks": ["C7"]}, "client.bad_risk", "risk"),
    ({"maturing": "-3"}, "targets.bad_days", "maturing"),
    ({"maturing": "三十"}, "targets.bad_days", "maturing"),
    ({"since_contact": "1e3"}, "targets.bad_days", "since_contact"),
    ({"min_amount": "很多"}, "money.bad_amount", "min_amount"),
    ({"min_amount": "0"}, "money.bad_amount", "min_amount"),
    ({"birthday_month": "13"}, "targets.bad_month", "birthday_month"),
    ({"birthday_month": "０"}, "targets.bad_month", "birthday_month"),
])
def test_typed_input_errors_name_their_field(kwargs: dict, code: str, field: str) -> None:
    with pytest.raises(DomainError) as err:
        build_filter(**kwargs)
    assert (err.value.code, err.value.field) == (code, field)


def test_describe_says_the_filter_in_words() -> None:
    from memo import i18n

    f = TargetFilter(tiers=("diamond", "private"), maturing_days=30, min_amount_fen=20_000_000, no_rollover=True)
    i18n.set_lang("zh")
    assert targets.describe(f) == "钻石 私行 · 30 天内到期 · 单笔≥¥200,000 · 不自动转存"
    assert targets.describe(TargetFilter()) == "全部客户"
    i18n.set_lang("en")
    assert targets.describe(TargetFilter(birthday_month=8, since_contact_days=90, request="USD")) == (
        "birthday in month 8 · not reached for 90+ days · requests with “USD”")


# --- saved lists ---------------------------------------------------------------------------------------


def test_saved_lists_round_trip(book: Book) -> None:
    big = TargetFilter(tiers=("private",), maturing_days=30, min_amount_fen=20_000_000, no_rollover=True)
    assert targets.lists(book) == []
    assert targets.save_list(book, "  到期  大额 ", big) == "到期 大额"
    targets.save_list(book, "birthdays", TargetFilter(birthday_month=12))
    assert targets.lists(book) == [("birthdays", TargetFilter(birthday_month=12)), ("到期 大额", big)]
    assert targets.get_list(book, "到期 大额") == big
    stored = book.setting(targets.LISTS_KEY)
    assert stored["到期 大额"] == big.to_dict()  # JSON {name: filter dict} in the setting
    # saving under a name again replaces that list
    targets.save_list(book, "birthdays", TargetFilter(birthday_month=1))
    assert targets.get_list(book, "birthdays") == TargetFilter(birthday_month=1)
    targets.delete_list(book, "birthdays")
    assert [name for name, _ in targets.lists(book)] == ["到期 大额"]
    for bad in ("", "   "):
        with pytest.raises(DomainError, match="targets.name_empty"):
            targets.save_list(book, bad, big)
    with pytest.raises(DomainError, match="targets.name_long"):
        targets.save_list(book, "x" * 61, big)
    for call in (targets.get_list, targets.delete_list):
        with pytest.raises(DomainError, match="targets.no_list"):
            call(book, "birthdays")
    assert [name for name, _ in targets.lists(book)] == ["到期 大额"]


def test_a_list_this_version_cannot_read_is_left_out_and_left_alone(book: Book) -> None:
    ops.put_setting(book, targets.LISTS_KEY, {"new": {"tiers": ["gold"], "future_part": 1}, "ok": {"tiers": ["gold"]}})
    assert targets.lists(book) == [("ok", TargetFilter(tiers=("gold",)))]
    with pytest.raises(DomainError, match="targets.bad_filter"):
        targets.get_list(book, "new")
    targets.save_list(book, "more", TargetFilter())
    assert set(book.setting(targets.LISTS_KEY)) == {"new", "ok", "more"}


def test_a_lists_members_for_the_campaigns(hand) -> None:
    book, ids = hand
    targets.save_list(book, "退休", TargetFilter(tags=("退休",)))
    assert targets.client_ids(book, targets.get_list(book, "退休"), DAY) == [ids["zhang"], ids["ouyang"]]


# --- the command line ----------------------------------------------------------------------------------

CONTRACT = {"client_id", "name", "phones", "tier", "amount", "next_maturity", "last_contact"}


class Run(CliRun):
    def fails(self, *argv: str) -> str:  # type: ignore[override]
        lines = super().fails(*argv)
        assert len(lines) == 1, lines
        return lines[0]


@pytest.fixture
def run(capsys, tmp_path: Path):  # noqa: ANN001, ANN201
    book = open_book(tmp_path / "cli.db")
    ids = fill(book)
    book.close()
    return Run(capsys, tmp_path / "cli.db"), ids


def test_cli_json_contract(run) -> None:  # noqa: ANN001
    r, ids = run
    data = r.json("targets", "--date", "2026-11-29", "--tier", "金卡,白金", "--tier", "私行", "--maturing", "30",
                  "--min-amount", "20万", "--no-rollover", "--lang", "en")
    assert {"count", "total_amount", "clients"} <= set(data)
    assert (data["count"], data["total_amount"]) == (2, "1100000.00")
    assert [c["client_id"] for c in data["clients"]] == [ids["wang"], ids["zhang"]]
    first = data["clients"][0]
    assert CONTRACT <= set(first)
    assert first == {**first, "name": "王芳", "phones": ["13700001111"], "tier": "platinum", "amount": "800000.00",
                     "next_maturity": "2026-12-03", "last_contact": "2026-06-01"}
    assert data["filter"] == {"tiers": ["gold", "platinum", "private"], "maturing_days": 30,
                              "min_amount_fen": 20_000_000, "no_rollover": True}
    never = r.json("targets", "--date", "2026-11-29", "--since-contact", "90")
    assert [c["last_contact"] for c in never["clients"]] == [None, "2026-06-01", None]
    assert never["clients"][0]["next_maturity"] is None
    assert r.json("targets", "--date", "2026-11-29", "--request", "没有这个")["clients"] == []
    limited = r.json("targets", "--date", "2026-11-29", "--limit", "2")
    assert (limited["count"], len(limited["clients"])) == (5, 2)


def test_cli_lines(run) -> None:  # noqa: ANN001
    r, ids = run
    out = r.ok("targets", "--date", "2026-11-29", "--maturing", "30", "--no-rollover", "--lang", "zh")
    lines = out.splitlines()
    assert lines[0] == "目标客户 2026-11-29：2 位，涉及金额 ¥1,100,000.00"
    assert lines[1] == "条件：30 天内到期 · 不自动转存"
    assert lines[3] == f"#{ids['wang']}  王芳  137 0000 1111  白金  ¥800,000.00  2026-12-03 到期  上次联系 2026-06-01"
    assert lines[4].startswith(f"#{ids['zhang']}  张三  138 0013 8000  金卡  ¥300,000.00")
    out = r.ok("targets", "--date", "2026-11-29", "--limit", "1", "--lang", "en")
    assert out.splitlines()[-1] == "4 more not listed (--limit)"
    assert "No client matches" in r.ok("targets", "--risk", "C5", "--lang", "en")


def test_cli_saves_opens_lays_options_over_and_deletes_lists(run) -> None:  # noqa: ANN001
    r, ids = run
    out = r.ok("targets", "--date", "2026-11-29", "--maturing", "30", "--min-amount", "20万", "--save", "到期大额",
               "--lang", "zh")
    assert out.splitlines()[0] == "已存为名单「到期大额」"
    data = r.json("targets", "--date", "2026-11-29", "--list", "到期大额")
    assert (data["count"], data["total_amount"]) == (3, "4100000.00")
    over = r.json("targets", "--date", "2026-11-29", "--list", "到期大额", "--no-rollover", "--min-amount", "50万")
    assert over["filter"] == {"maturing_days": 30, "min_amount_fen": 50_000_000, "no_rollover": True}
    assert [c["client_id"] for c in over["clients"]] == [ids["wang"]]
    saved = r.json("targets", "--list", "到期大额", "--tier", "私行", "--save", "私行到期")
    assert saved["saved"] == "私行到期"
    assert r.json("targets", "--lists", "--lang", "zh") == [
        {"name": "到期大额", "filter": {"maturing_days": 30, "min_amount_fen": 20_000_000},
         "what": "30 天内到期 · 单笔≥¥200,000"},
        {"name": "私行到期", "filter": {"tiers": ["private"], "maturing_days": 30, "min_amount_fen": 20_000_000},
         "what": "私行 · 30 天内到期 · 单笔≥¥200,000"}]
    assert r.ok("targets", "--lists", "--lang", "en").splitlines()[0] == "到期大额: maturing within 30 days · ≥ ¥200,000 per deposit"
    assert r.ok("targets", "--delete", "私行到期", "--lang", "en") == "Deleted the list “私行到期”\n"
    assert [x["name"] for x in r.json("targets", "--lists")] == ["到期大额"]


@pytest.mark.parametrize("argv, message", [
    (["--maturing", "abc"], "memo: --maturing: Days “abc”: write a whole number, e.g. 30"),
    (["--since-contact", "-1"], "memo: --since-contact: Days “-1”: write a whole number, e.g. 30"),
    (["--min-amount", "lots"], "memo: --min-amount: Can't read the amount “lots”: try 500000, 500,000.50, 50万"),
    (["--birthday-month", "13"], "memo: --birthday-month: Month “13”: write 1 to 12"),
    (["--tier", "铜卡"], "memo: --tier: No tier “铜卡” (choose: regular gold platinum diamond private)"),
    (["--risk", "C9"], "memo: --risk: No risk profile “C9” (C1 to C5)"),
    (["--list", "nope"], "memo: --list: No list named “nope”"),
    (["--delete", "nope"], "memo: --delete: No list named “nope”"),
    (["--save", "  "], "memo: --save: The list needs a name"),
    (["--limit", "0"], "memo: --limit: The limit “0” must be more than 0"),
])
def test_cli_errors_are_one_line_and_change_nothing(run, argv: list[str], message: str) -> None:  # noqa: ANN001
    r, _ = run
    r.ok("targets", "--tier", "gold", "--save", "keep")
    before = r.json("targets", "--lists")
    if "--save" not in argv:
        assert r.fails("targets", *argv, "--save", "new", "--lang", "en") == message
    assert r.fails("targets", *argv, "--lang", "en") == message
    assert r.json("targets", "--lists") == before  # nothing saved, nothing deleted


def test_cli_privacy_masks_phones_and_hides_amounts(run) -> None:  # noqa: ANN001
    r, ids = run
    masked = r.json("targets", "--date", "2026-11-29", "--tier", "私行", "--mask")
    assert masked["total_amount"] == "***" and masked["masked"] is True
    assert masked["clients"][0]["phones"] == ["139****5678"] and masked["clients"][0]["amount"] == "***"
    out = r.ok("targets", "--date", "2026-11-29", "--tier", "私行", "--mask", "--lang", "en")
    assert "139****5678" in out and "13912345678" not in out and "4,000,000" not in out and "***" in out
    r.ok("privacy", "on")
    assert r.json("targets", "--tier", "私行")["total_amount"] == "***"
    assert r.json("targets", "--tier", "私行", "--full")["total_amount"] == "4000000.00"


def test_cli_hostile_names_print_as_text(run) -> None:  # noqa: ANN001
    r, ids = run
    book = open_book(r.db)
    try:
        evil = ops.add_client(book, "\x1b[31m红\x1b[0m[bold]x", ["18600001234"], tier="钻石").id
    finally:
        book.close()
    out = r.ok("targets", "--tier", "钻石")
    assert "\x1b" not in out and "␛[31m红␛[0m[bold]x" in out
    data = json.loads(r.ok("targets", "--tier", "钻石", "--json"))
    assert data["clients"][0]["client_id"] == evil and data["clients"][0]["name"] == "\x1b[31m红\x1b[0m[bold]x"
    assert not re.search(r"[\x00-\x1f\x7f-\x9f]", r.ok("targets", "--tier", "钻石", "--json").replace("\n", ""))


def test_targets_and_its_command_never_import_textual_nor_the_orm(tmp_path: Path) -> None:
    """A read: straight on sqlite3 (the amount, tier and risk words parse in memo.values)."""
    code = (
        "import sys, json\n"
        "from memo.cli import main\n"
        f"db = {str(tmp_path / 'h.db')!r}\n"
        "assert main(['targets', '--db', db, '--maturing', '30', '--tier', '金卡', '--risk', 'c3',"
        " '--min-amount', '20万', '--json']) == 0\n"
        "import memo.targets, memo.cli_targets\n"
        "print(json.dumps({m: m in sys.modules for m in ('textual', 'sqlalchemy', 'memo.models')}))\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout.strip().splitlines()[-1]) == {"textual": False, "sqlalchemy": False,
                                                               "memo.models": False}


@pytest.mark.parametrize("f, wanted", [
    (TargetFilter(maturing_days=30), ["ix_deposit_active_maturity (status=? AND maturity>? AND maturity<?)",
                                      "ix_deposit_roll (roll_term=? AND roll_phase=? AND roll_day>? AND roll_day<?)"]),
    (TargetFilter(tiers=("private",)), ["ix_client_cadence (tier=?)", "ix_deposit_client_active (client_id=?)"]),
    (TargetFilter(birthday_month=12), ["ix_client_birth (birth_kind=? AND birth_month=?)",
                                       "ix_client_birth (birth_kind=? AND birth_month=? AND birth_day=?)"]),
    (TargetFilter(request="美元"), ["ix_memo_open_due (kind=?)"]),
    (TargetFilter(tags=("退休",)), ["ix_tag_tag (tag=?)"]),
    (TargetFilter(product="债券"), ["ix_holding_product (product=?)"]),
])
def test_query_plans_use_the_indexes(hand, f: TargetFilter, wanted: list[str]) -> None:
    """Each part is an indexed lookup; never the status index walked for every active deposit (a
    random read each: seconds at 100,000 clients), never the live-clients index walked whole."""
    book, _ = hand
    with book.raw() as db:
        sql, params = targets._matches_sql(db, f, DAY)
        plan = "\n".join(r[3] for r in db.execute(
            f"EXPLAIN QUERY PLAN {sql} SELECT id, fen, nxt, count(*) OVER (), sum(fen) OVER () FROM mt "
            "ORDER BY fen DESC, id LIMIT 100", params))
    for index in wanted:
        assert index in plan, plan
    assert "ix_deposit_active_maturity (status=?)\n" not in plan + "\n", plan
    assert not re.search(r"SCAN c USING INDEX ix_client_cadence", plan), plan
