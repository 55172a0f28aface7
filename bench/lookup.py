"""How fast is the search box, keystroke by keystroke, on a big book?

    python bench/lookup.py [BOOK.db] [--clients 100000] [--queries 300] [--seed 1]

Without BOOK (or if it does not exist) a synthetic book is built with make_book into
bench/out/. Queries are drawn from real rows of the book, one family at a time; each is typed
one keystroke at a time, and every prefix is one `memo.search.find(conn, q, limit=50)` call,
as in the UI, timed with perf_counter_ns on one open connection. The same keystrokes go to a
naive baseline: one plain `LIKE '%q%'` over the whole table, LIMIT 50. Results are printed and
written to bench/out/lookup.json.
"""

from __future__ import annotations

import argparse
import json
import math
import random
import statistics
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

HERE = Path(__file__).resolve().parent
for entry in (HERE, HERE.parent):
    if str(entry) not in sys.path:
        sys.path.insert(0, str(entry))

from sqlalchemy import text  # noqa: E402

from make_book import make_book  # noqa: E402
from machine import machine  # noqa: E402  (bench/ is on sys.path)
from memo import search  # noqa: E402
from memo.db import open_book  # noqa: E402

OUT = HERE / "out"
TARGET_MS = 2.0
TARGETED = ("suffix", "prefix", "initials")  # p95 <= 2 ms at 100k clients

FAMILIES: dict[str, str] = {
    "suffix": "last 4 digits",
    "prefix": "phone prefix, 3-7 digits",
    "middle": "middle digits, 4-6",
    "name": "Chinese name substring, 1-2 chars",
    "initials": "pinyin initials, 2-3 letters",
    "pinyin": "full pinyin prefix",
}

_NAIVE_PHONE = "SELECT client_id, number FROM phone WHERE number LIKE :like LIMIT 50"
_NAIVE_NAME = ("SELECT id, name FROM client WHERE name LIKE :like OR name_initials LIKE :pre "
               "OR name_pinyin LIKE :pre LIMIT 50")


# --- the queries ---------------------------------------------------------------------------------


def _sample_rows(conn, table: str, columns: str, n: int, rng: random.Random) -> list[tuple]:  # noqa: ANN001
    top = conn.execute(text(f"SELECT max(id) FROM {table}")).scalar_one() or 0
    if not top:
        return []
    ids = sorted({rng.randint(1, top) for _ in range(n * 2)})
    marks = ", ".join(map(str, ids))
    rows = list(conn.execute(text(f"SELECT {columns} FROM {table} WHERE id IN ({marks}) ORDER BY id")))
    rng.shuffle(rows)
    return [tuple(r) for r in rows[:n]]


def sample_queries(conn, n: int, seed: int = 1) -> dict[str, list[str]]:  # noqa: ANN001
    """`n` whole queries per family, each taken from a real row of the book."""
    rng = random.Random(seed)
    numbers = [r[0] for r in _sample_rows(conn, "phone", "number", n * 3, rng)]
    names = [r for r in _sample_rows(conn, "client", "name, name_initials, name_pinyin", n * 3, rng) if r[0]]
    out: dict[str, list[str]] = {f: [] for f in FAMILIES}
    for number in numbers:
        if len(out["suffix"]) < n:
            out["suffix"].append(number[-4:])
        if len(out["prefix"]) < n:
            out["prefix"].append(number[:rng.randint(3, 7)])
        if len(out["middle"]) < n:
            size = rng.randint(4, 6)
            start = rng.randint(2, len(number) - size - 1)  # touches neither end
            out["middle"].append(number[start:start + size])
    for name, initials, pinyin in names:
        if len(out["name"]) < n:
            size = min(len(name), rng.randint(1, 2))
            start = rng.randint(0, len(name) - size)
            out["name"].append(name[start:start + size])
        if len(out["initials"]) < n and len(initials) >= 2:
            out["initials"].append(initials[:rng.randint(2, min(3, len(initials)))])
        if len(out["pinyin"]) < n and len(pinyin) >= 3:
            out["pinyin"].append(pinyin[:rng.randint(3, len(pinyin))])
    return out


def keystrokes(query: str) -> list[str]:
    """What the search box holds after each key: every prefix of the query."""
    return [query[:i] for i in range(1, len(query) + 1)]


# --- timing -----------------------------------------------------------------------------------------


def _ms(ns: int) -> float:
    return ns / 1e6


def _stats(samples_ns: list[int]) -> dict[str, float | int]:
    if not samples_ns:
        return {"calls": 0, "median_ms": None, "p95_ms": None, "max_ms": None}
    ordered = sorted(samples_ns)
    p95 = ordered[max(0, math.ceil(0.95 * len(ordered)) - 1)]
    return {"calls": len(ordered), "median_ms": round(_ms(statistics.median(ordered)), 4),
            "p95_ms": round(_ms(p95), 4), "max_ms": round(_ms(ordered[-1]), 4)}


def _time_calls(calls: list[str], run: Callable[[str], object]) -> tuple[list[int], dict[int, list[int]]]:
    samples, by_len = [], {}
    for q in calls:
        start = time.perf_counter_ns()
        run(q)
        took = time.perf_counter_ns() - start
        samples.append(took)
        by_len.setdefault(len(q), []).append(took)
    return samples, by_len


@contextmanager
def _without_hydration() -> Iterator[None]:
    """search.find with its page hydration swapped out: the cost of its index branches alone."""
    hydrate = search._hydrate
    search._hydrate = lambda _conn, page: page
    try:
        yield
    finally:
        search._hydrate = hydrate


_OPEN_COUNT_PLAN = ("EXPLAIN QUERY PLAN SELECT count(*) FROM memo m WHERE m.client_id = 1 "
                    "AND m.status = 'open' AND m.kind != 'fact' AND m.deleted_at IS NULL")


def open_count_index(conn) -> str:  # noqa: ANN001
    """The index SQLite picks for the per-hit open-request count of search's hydration."""
    detail = " ".join(row[3] for row in conn.exec_driver_sql(_OPEN_COUNT_PLAN))
    for name in ("ix_memo_open_client", "ix_memo_client", "ix_memo_open_due"):
        if name in detail:
            return name
    return detail


def _naive(conn, family: str) -> Callable[[str], object]:  # noqa: ANN001
    if family in ("suffix", "prefix", "middle"):
        sql = text(_NAIVE_PHONE)
        return lambda q: conn.execute(sql, {"like": f"%{q}%"}).all()
    sql = text(_NAIVE_NAME)
    return lambda q: conn.execute(sql, {"like": f"%{q}%", "pre": f"{q}%"}).all()


def book_size(conn) -> dict[str, int]:  # noqa: ANN001
    return {table + "s": conn.execute(text(f"SELECT count(*) FROM {table}")).scalar_one()
            for table in ("client", "phone", "memo")}


def measure(path: Path | str, queries: int = 300, seed: int = 1, naive: bool = True,
            families: tuple[str, ...] = tuple(FAMILIES)) -> dict[str, object]:
    """Time every keystroke of `queries` sampled queries per family, ours and naive."""
    book = open_book(path)
    try:
        with book.engine.connect() as conn:
            size = book_size(conn)
            plan_index = open_count_index(conn)
            sampled = sample_queries(conn, queries, seed)
            warm = sample_queries(conn, 20, seed + 1)
            for family in families:  # warm the page cache and the statement caches
                for q in warm[family]:
                    for key in keystrokes(q):
                        search.find(conn, key, limit=50)
                        if naive:
                            _naive(conn, family)(key)
            results: dict[str, object] = {}
            for family in families:
                calls = [key for q in sampled[family] for key in keystrokes(q)]
                ours, ours_by_len = _time_calls(calls, lambda q: search.find(conn, q, limit=50))
                with _without_hydration():
                    branches, _ = _time_calls(calls, lambda q: search.find(conn, q, limit=50))
                entry: dict[str, object] = {
                    "what": FAMILIES[family], "queries": len(sampled[family]),
                    "ours": _stats(ours),
                    "ours_by_length": {n: _stats(v) for n, v in sorted(ours_by_len.items())},
                    "branches_only": _stats(branches),
                    "slowest": sorted(((round(_ms(ns), 3), q) for ns, q in zip(ours, calls)), reverse=True)[:5],
                }
                if naive:
                    base, _ = _time_calls(calls, _naive(conn, family))
                    entry["naive"] = _stats(base)
                if family in TARGETED:
                    entry["target_p95_ms"] = TARGET_MS
                    entry["meets_target"] = entry["ours"]["p95_ms"] is not None and entry["ours"]["p95_ms"] <= TARGET_MS
                results[family] = entry
    finally:
        book.close()
    return {"book": str(path), "size": size, "machine": machine(), "open_count_index": plan_index,
            "families": results}


# --- reporting ------------------------------------------------------------------------------------------


def _fmt(value: float | None) -> str:
    return "-" if value is None else f"{value:.3f}"


def report(result: dict) -> str:
    m, size = result["machine"], result["size"]
    lines = [
        f"machine: {m['platform']} | {m['cpu']} | {m['cores']} cores | Python {m['python']} | SQLite {m['sqlite']}",
        f"book:    {result['book']}: {size['clients']:,} clients, {size['phones']:,} phones, {size['memos']:,} memos",
        f"plan:    the open-request count of each hit uses {result['open_count_index']}"
        + ("" if result["open_count_index"] in ("ix_memo_open_client", "ix_memo_client")
           else "  <-- scans every open memo per hit"),
        "",
        f"{'family':<10} {'calls':>6}  {'ours med':>9} {'ours p95':>9}  {'branch p95':>10}  "
        f"{'naive med':>9} {'naive p95':>9}  target",
    ]
    for family, entry in result["families"].items():
        ours, naive = entry["ours"], entry.get("naive", {})
        target = ""
        if "meets_target" in entry:
            target = f"p95<={entry['target_p95_ms']:g} ms {'ok' if entry['meets_target'] else 'MISSED'}"
        lines.append(
            f"{family:<10} {ours['calls']:>6}  {_fmt(ours['median_ms']):>9} {_fmt(ours['p95_ms']):>9}  "
            f"{_fmt(entry['branches_only']['p95_ms']):>10}  "
            f"{_fmt(naive.get('median_ms')):>9} {_fmt(naive.get('p95_ms')):>9}  {target}")
    lines.append("ms per keystroke. ours = memo.search.find(conn, q, limit=50), hydration of the page included;")
    lines.append("branch = the same find with its page hydration swapped out; naive = one LIKE '%q%' LIMIT 50, no hydration.")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("book", nargs="?", type=Path, help="a book to measure (default: bench/out/book-N.db)")
    parser.add_argument("--clients", type=int, default=100_000, help="size of the book to build if needed")
    parser.add_argument("--queries", type=int, default=300, help="sampled queries per family")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--no-naive", action="store_true", help="skip the naive baseline")
    parser.add_argument("--json", type=Path, default=OUT / "lookup.json", help="where to write the figures")
    args = parser.parse_args(argv)
    path = args.book or OUT / f"book-{args.clients}.db"
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        make_book(path, args.clients, args.seed, quiet=False)
    result = measure(path, args.queries, args.seed, naive=not args.no_naive)
    print(report(result))
    args.json.parent.mkdir(parents=True, exist_ok=True)
    args.json.write_text(json.dumps(result, ensure_ascii=False, indent=2), encoding="utf-8")
    print(f"\nwritten: {args.json}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
