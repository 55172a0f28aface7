"""The benchmark scripts still run: a small synthetic book, a few queries, every family measured."""

from __future__ import annotations

import datetime as dt
import sqlite3
import sys
from pathlib import Path

import pytest

BENCH = Path(__file__).resolve().parent.parent / "bench"
sys.path.insert(0, str(BENCH))

import lookup  # noqa: E402
from make_book import make_book  # noqa: E402

from memo.db import open_book  # noqa: E402
from memo.phones import normalize_phone  # noqa: E402


@pytest.fixture(scope="module")
def small_book(tmp_path_factory):
    return make_book(tmp_path_factory.mktemp("bench") / "small.db", clients=500, seed=3,
                     today=dt.date(2025, 3, 14))


def test_make_book_writes_a_plausible_book(small_book):
    conn = sqlite3.connect(small_book)
    try:
        clients, phones, memos = (conn.execute(f"SELECT count(*) FROM {t}").fetchone()[0]
                                  for t in ("client", "phone", "memo"))
        assert clients == 500
        assert 1.15 <= phones / clients <= 1.45
        assert 8 <= memos / clients <= 12
        open_share = conn.execute("SELECT avg(status = 'open') FROM memo").fetchone()[0]
        assert 0.1 <= open_share <= 0.2
        assert conn.execute("SELECT count(*) FROM (SELECT number FROM phone GROUP BY number "
                            "HAVING count(*) > 1)").fetchone()[0] > 0
        for number, rev in conn.execute("SELECT number, rev FROM phone"):
            assert normalize_phone(number) == number and rev == number[::-1]
        assert conn.execute("SELECT count(*) FROM client WHERE name_initials = '' "
                            "OR name_pinyin = ''").fetchone()[0] == 0
        assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        assert conn.execute("PRAGMA foreign_key_check").fetchall() == []
    finally:
        conn.close()
    open_book(small_book).close()  # the app opens it at the current schema


def test_make_book_refuses_an_existing_file(tmp_path):
    path = tmp_path / "x.db"
    path.write_bytes(b"precious")
    with pytest.raises(FileExistsError):
        make_book(path, clients=10)
    assert path.read_bytes() == b"precious"


def test_lookup_measures_every_family(small_book):
    result = lookup.measure(small_book, queries=3, seed=2)
    assert result["size"]["clients"] == 500
    assert result["open_count_index"]
    assert set(result["families"]) == set(lookup.FAMILIES)
    for family, entry in result["families"].items():
        for column in ("ours", "branches_only", "naive"):
            stats = entry[column]
            assert stats["calls"] >= 3, (family, column)
            assert stats["median_ms"] >= 0 and stats["p95_ms"] >= stats["median_ms"]
    for family in lookup.TARGETED:
        assert "meets_target" in result["families"][family]
    table = lookup.report(result)
    assert all(family in table for family in lookup.FAMILIES)
    assert "machine:" in table


def test_keystrokes_are_every_prefix():
    assert lookup.keystrokes("8000") == ["8", "80", "800", "8000"]
    assert lookup.keystrokes("张辉") == ["张", "张辉"]


def test_today_bench_times_a_day_with_its_breakdown(small_book):
    import today

    day = dt.date(2025, 3, 14)
    result = today.measure(small_book, [day], runs=2, warmup=0, limit=20, breakdown=True)
    entry = result["days"][day.isoformat()]
    assert entry["rows"] > 0 and 0 < entry["page"] <= 20
    assert entry["median_ms"] > 0 and entry["p95_ms"] >= entry["median_ms"]
    steps = entry["breakdown"]["steps_ms"]
    assert {"_maturities", "_cadence", "_rank"} <= set(steps)
    # the probes count what the statements wrote into the scratch table too
    assert any(q["rows"] > 0 and "INSERT INTO temp.ag_r" in q["sql"] for q in entry["breakdown"]["queries"])
    assert day.isoformat() in today.report(result)
