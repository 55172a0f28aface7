"""The demo book: deterministic, safe to regenerate, and carrying the seed article's stories."""

from __future__ import annotations

import datetime as dt
import os
import sqlite3
import time

import pytest
from sqlmodel import select

from memo import ops
from memo.db import open_book
from memo.demo import load_source, make_demo_book
from memo.models import Client, ClientTag, Contact, Deposit, KeyDate, Memo, Phone
from memo.names import name_keys
from memo.phones import normalize_phone

DAY = dt.date(2025, 3, 14)


def _snapshot(path):
    conn = sqlite3.connect(path)
    try:
        clients = conn.execute("SELECT id, name, tier, birth_kind, birth_month, birth_day FROM client ORDER BY id").fetchall()
        phones = conn.execute("SELECT client_id, number, label FROM phone ORDER BY client_id, number").fetchall()
        memos = conn.execute("SELECT client_id, text, kind, status, due FROM memo ORDER BY id").fetchall()
    finally:
        conn.close()
    return clients, phones, memos


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    path = make_demo_book(tmp_path_factory.mktemp("demo") / "demo.db", DAY)
    book = open_book(path)
    yield book
    book.close()


def test_source_is_small_and_has_the_tricky_surnames():
    src = load_source()
    surnames = {s for s, _ in src["surnames"]}
    assert set("单曾解区翟覃查仇朴") <= surnames
    assert {"欧阳", "司马", "诸葛", "上官", "尉迟"} <= surnames
    assert {"本人", "配偶", "子女", "单位"} <= set(src["phone_labels"].values())
    from memo.demo import _source_path

    assert _source_path().stat().st_size < 30_000


def test_same_seed_and_date_give_the_same_book(tmp_path):
    a = make_demo_book(tmp_path / "a.db", DAY, clients=120)
    b = make_demo_book(tmp_path / "b.db", DAY, clients=120)
    assert _snapshot(a) == _snapshot(b)
    c = make_demo_book(tmp_path / "c.db", DAY, clients=120, seed=8)
    assert _snapshot(c)[0] != _snapshot(a)[0]


def test_returns_the_path_and_closes_the_book(tmp_path):
    path = make_demo_book(str(tmp_path / "d.db"), DAY, clients=50)
    assert path == tmp_path / "d.db"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["d.db"]  # no -wal/-shm, no leftovers
    assert os.stat(path).st_mode & 0o077 == 0  # owner-only, like every book


def test_default_path_is_the_data_dir(tmp_path, monkeypatch):
    monkeypatch.setattr("memo.demo.data_dir", lambda: tmp_path / "data")
    path = make_demo_book(None, DAY, clients=20)
    assert path == tmp_path / "data" / "demo.db"
    assert path.is_file()


def test_refuses_to_overwrite_a_real_book(tmp_path):
    path = tmp_path / "book.db"
    book = open_book(path)
    ops.add_client(book, "张三", ["13800138000"])
    book.close()
    before = path.read_bytes()
    with pytest.raises(ops.DomainError) as err:
        make_demo_book(path, DAY, clients=20)
    assert err.value.code == "demo.not_demo"
    assert path.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["book.db"]


@pytest.mark.parametrize("content", [b"", b"not a database at all\n" * 50, b"SQLite format 3\x00garbage"])
def test_refuses_to_overwrite_a_file_that_is_not_a_book(tmp_path, content):
    path = tmp_path / "notes.db"
    path.write_bytes(content)
    os.chmod(path, 0o644)
    with pytest.raises(ops.DomainError) as err:
        make_demo_book(path, DAY, clients=20)
    assert err.value.code == "demo.not_demo"
    assert path.read_bytes() == content
    assert os.stat(path).st_mode & 0o777 == 0o644


def test_refuses_a_foreign_sqlite_database_untouched(tmp_path):
    path = tmp_path / "other.sqlite"
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE setting (key TEXT, value TEXT)")
    conn.execute("INSERT INTO setting VALUES ('demo', 'false')")
    conn.commit()
    conn.close()
    before = path.read_bytes()
    with pytest.raises(ops.DomainError):
        make_demo_book(path, DAY, clients=20)
    assert path.read_bytes() == before


def test_refuses_a_directory(tmp_path):
    with pytest.raises(ops.DomainError):
        make_demo_book(tmp_path, DAY, clients=20)


def test_regenerates_a_demo_book(tmp_path):
    path = make_demo_book(tmp_path / "demo.db", DAY, clients=40)
    book = open_book(path)
    ops.jot(book, "演示里随手记的一条", None)
    book.close()
    path = make_demo_book(path, DAY + dt.timedelta(days=1), clients=40)
    book = open_book(path)
    try:
        assert ops.get_setting(book, "demo") is True
        with book.read() as session:
            texts = session.exec(select(Memo.text)).all()
            assert "演示里随手记的一条" not in texts
            assert session.exec(select(Client)).all().__len__() == 40
    finally:
        book.close()


def test_the_three_seed_stories(demo):
    page = ops.today(demo, DAY)
    assert page.due_count > 0
    with demo.read() as session:
        # a non-rollover deposit matures in a few days, and the client has money at another bank
        soon = session.exec(select(Deposit).where(
            Deposit.status == "active", Deposit.rollover == False,  # noqa: E712
            Deposit.maturity > DAY, Deposit.maturity <= DAY + dt.timedelta(days=7))).all()
        assert soon
        facts = {m.client_id: m.text for m in session.exec(select(Memo).where(Memo.kind == "fact"))}
        assert any("他行" in facts.get(d.client_id, "") for d in soon)
        # a birthday today
        born_today = session.exec(select(Client).where(
            Client.birth_kind == "solar", Client.birth_month == DAY.month, Client.birth_day == DAY.day)).all()
        assert born_today
        # a restaurant opening soon, with the flowers to send
        opening = session.exec(select(KeyDate).where(KeyDate.label == "饭店开业")).one()
        when = dt.date(DAY.year, opening.month, opening.day)
        assert DAY < when <= DAY + dt.timedelta(days=14)
        memos = session.exec(select(Memo.text).where(Memo.client_id == opening.client_id)).all()
        assert any("花篮" in t for t in memos)


def test_the_day_has_work_in_every_shape(demo):
    with demo.read() as session:
        open_requests = session.exec(select(Memo).where(Memo.status == "open", Memo.kind == "request")).all()
        dues = [m.due for m in open_requests]
        assert None in dues
        assert any(d == DAY for d in dues if d)
        assert any(d < DAY for d in dues if d)
        assert any(d > DAY for d in dues if d)
        assert session.exec(select(Memo).where(Memo.kind == "callback")).first()
        closed = session.exec(select(Memo).where(Memo.status.in_(["done", "dropped"]))).all()
        assert closed and all(m.resolution and m.resolved_at for m in closed)
        assert {m.status for m in closed} == {"done", "dropped"}
        deposits = session.exec(select(Deposit)).all()
        assert {d.kind for d in deposits} >= {"time", "cd"}
        assert {d.rollover for d in deposits} == {True, False}
        for d in deposits:
            assert isinstance(d.amount_fen, int) and d.amount_fen > 0
            assert d.maturity > d.start
        assert any(DAY < d.maturity <= DAY + dt.timedelta(days=14) for d in deposits if d.status == "active")
        tiers = [c.tier for c in session.exec(select(Client))]
        assert tiers.count("regular") > tiers.count("gold") > tiers.count("diamond") >= 1
        assert 1 <= tiers.count("private") <= 15
        assert session.exec(select(ClientTag)).first()
        contacts = session.exec(select(Contact)).all()
        assert {c.channel for c in contacts} >= {"phone", "visit", "wechat"}
        assert all(DAY - dt.timedelta(days=200) <= c.at.date() < DAY for c in contacts)
        lunar = session.exec(select(Client).where(Client.birth_kind == "lunar")).all()
        assert any(c.birth_leap for c in lunar) and any(c.birth_day == 30 for c in lunar)


def test_shared_numbers_find_the_whole_family(demo):
    with demo.read() as session:
        rows = session.exec(select(Phone.number, Phone.client_id)).all()
    owners: dict[str, set[int]] = {}
    for number, client_id in rows:
        owners.setdefault(number, set()).add(client_id)
    shared = [n for n, ids in owners.items() if len(ids) > 1]
    assert 3 <= len(shared) <= 30
    for number in shared:
        assert normalize_phone(number) == number
        hits = ops.find(demo, number)
        assert {h.id for h in hits} >= owners[number]
        assert len({h.id for h in hits if h.matched == "phone_exact"}) >= 2
    assert any(n.startswith("0") for n in owners)  # some landlines


def test_every_client_has_name_keys_and_clean_phones(demo):
    with demo.read() as session:
        clients = session.exec(select(Client)).all()
        phones = session.exec(select(Phone)).all()
    named = [c for c in clients if c.name]
    assert len(named) >= len(clients) - 2  # two stubs: numbers jotted before the client was
    for c in named:
        assert (c.name_initials, c.name_pinyin) == name_keys(c.name)
        assert c.name_initials and c.name_pinyin
    for p in phones:
        assert p.rev == p.number[::-1]
        assert normalize_phone(p.number) == p.number
    assert {c.id for c in clients} == {p.client_id for p in phones}


def test_it_is_fast(tmp_path):
    name_keys("张三")  # pypinyin's import is not the demo's cost
    start = time.perf_counter()
    make_demo_book(tmp_path / "fast.db", DAY, clients=300)
    assert time.perf_counter() - start < 2.0


def test_demo_does_not_import_textual():
    import subprocess
    import sys

    code = "import sys, memo.demo; print(any(m == 'textual' or m.startswith('textual.') for m in sys.modules))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"
