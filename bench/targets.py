"""How fast do target lists answer on a big book?

    python bench/targets.py [BOOK.db] [--runs 20] [--warmup 3] [--day 2026-11-29]

Times `memo.targets.search(book, filter, day, limit=100)`: the count, the total at stake and the
first page with names and phones, in one pass, what the Targets screen asks for after each pause in
the typing (and `memo targets --limit 100`). Also `summary()` then `page()` as two calls.

The book: a copy of the 100k bench book (bench/out/book-100000.db, made by make_book.py) at
bench/out/book-100000-targets.db, with what make_book leaves out and targets filter on: risk
profiles (C1..C5 for ~70% of the clients) and tags (~40% of them, one or two of ten). The copy is
made once (SQLite's backup API, then the additions, seeded); the source is only read. Without
the source it is built first with make_book (--date 2026-11-29). Each run first makes any index
of the copy that is missing or differs from memo/schema.sql's (the schema moves on).

Filters (the brief's typical ones, and a few more): maturing within 30 days, >= 20万, not rolling
over; tier 私行/钻石; not reached for 90 days; birthday in the coming month; words in open
requests (美元); maturing within 30 days (all); holding a product (债券); tagged 退休 + not
reached for 90 days. Each: --warmup untimed calls, then --runs timed ones: median, p95, max
wall ms, median process CPU ms (steadier on a shared machine), count and total.

Target: summary + first page well under 100 ms. Results: printed, and bench/out/targets.json.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import random
import re
import sqlite3
import statistics
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
for entry in (HERE, HERE.parent):
    if str(entry) not in sys.path:
        sys.path.insert(0, str(entry))

from machine import machine, pct  # noqa: E402  (bench/ is on sys.path)
from memo import targets  # noqa: E402
from memo.db import Book, open_book  # noqa: E402
from memo.targets import TargetFilter  # noqa: E402

OUT = HERE / "out"
SOURCE = OUT / "book-100000.db"
DEFAULT_BOOK = OUT / "book-100000-targets.db"
BOOK_DAY = dt.date(2026, 11, 29)
TARGET_MS = 100.0
TAGS = ("退休", "教师", "个体户", "公务员", "医生", "企业主", "外贸", "留学家长", "拆迁户", "代发工资")
RISKS = (("C1", 10), ("C2", 25), ("C3", 35), ("C4", 20), ("C5", 10))


def filters(day: dt.date) -> dict[str, TargetFilter]:
    month = day.month % 12 + 1  # the coming month
    return {
        "maturing 30d, >= 20万, not rolling": TargetFilter(maturing_days=30, min_amount_fen=200_000_00, no_rollover=True),
        "tier 私行/钻石": TargetFilter(tiers=("diamond", "private")),
        "not reached for 90 days": TargetFilter(since_contact_days=90),
        f"birthday in month {month}": TargetFilter(birthday_month=month),
        "open requests with 美元": TargetFilter(request="美元"),
        "maturing 30d (all)": TargetFilter(maturing_days=30),
        "holding 债券": TargetFilter(product="债券"),
        "tag 退休, not reached 90d": TargetFilter(tags=("退休",), since_contact_days=90),
    }


# --- the book -------------------------------------------------------------------------------------


def prepare(path: Path, source: Path = SOURCE, seed: int = 6) -> Path:
    """The bench copy with risk profiles and tags; made once."""
    if path.exists():
        return path
    if not source.exists():
        from make_book import make_book  # noqa: PLC0415  (bench/ is on sys.path)

        print(f"building {source} with make_book (a few minutes)...", flush=True)
        make_book(source, clients=100_000, seed=1, today=BOOK_DAY, quiet=False)
    print(f"copying {source} to {path} and adding risk profiles and tags...", flush=True)
    tmp = path.with_name(path.name + ".part")
    tmp.unlink(missing_ok=True)
    src = sqlite3.connect(f"file:{source}?mode=ro", uri=True)
    dst = sqlite3.connect(tmp)
    try:
        src.backup(dst)
        rng = random.Random(seed)
        ids = [cid for (cid,) in dst.execute("SELECT id FROM client ORDER BY id")]
        risks, weights = zip(*RISKS)
        dst.executemany("UPDATE client SET risk = ? WHERE id = ?",
                        [(rng.choices(risks, weights)[0], cid) for cid in ids if rng.random() < 0.7])
        tags = []
        for cid in ids:
            if rng.random() < 0.4:
                tags += [(cid, tag) for tag in rng.sample(TAGS, rng.choice((1, 1, 2)))]
        dst.executemany("INSERT OR IGNORE INTO clienttag (client_id, tag) VALUES (?, ?)", tags)
        dst.commit()
    finally:
        src.close()
        dst.close()
    tmp.rename(path)
    return path


def _norm_sql(sql: str | None) -> str:
    return re.sub(r"\s*\(\s*", "(", " ".join((sql or "").lower().split()))


def align_indexes(path: Path) -> list[str]:
    """Make each index of the copy that is missing or differs from memo/schema.sql's (the source
    book may have been made by an older schema). Returns the names made."""
    from memo.db import schema_statements

    conn = sqlite3.connect(path)
    done = []
    try:
        have = dict(conn.execute("SELECT name, sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL"))
        for sql in schema_statements():
            named = re.match(r"CREATE (?:UNIQUE )?INDEX (\w+)", sql)
            if named and _norm_sql(have.get(named.group(1))) != _norm_sql(sql):
                conn.execute(f"DROP INDEX IF EXISTS {named.group(1)}")
                conn.execute(sql)
                done.append(named.group(1))
        conn.commit()
    finally:
        conn.close()
    return done


def size(book: Book) -> dict[str, int]:
    with book.raw() as db:
        return {t: db.execute(f"SELECT count(*) FROM {t}").fetchone()[0]
                for t in ("client", "clienttag", "deposit", "holding", "memo")}


# --- timing ---------------------------------------------------------------------------------------


def time_one(book: Book, f: TargetFilter, day: dt.date, runs: int, warmup: int) -> dict:
    for _ in range(warmup):
        targets.search(book, f, day, limit=100)
    wall, cpu, two = [], [], []
    for _ in range(runs):
        t0, c0 = time.perf_counter(), time.process_time()
        found = targets.search(book, f, day, limit=100)
        wall.append((time.perf_counter() - t0) * 1000)
        cpu.append((time.process_time() - c0) * 1000)
    for _ in range(max(3, runs // 4)):
        t0 = time.perf_counter()
        targets.summary(book, f, day)
        targets.page(book, f, day, limit=100)
        two.append((time.perf_counter() - t0) * 1000)
    return {"median_ms": statistics.median(wall), "p95_ms": pct(wall, 0.95), "max_ms": max(wall),
            "cpu_median_ms": statistics.median(cpu), "two_calls_median_ms": statistics.median(two),
            "count": found.count, "total_yuan": found.total_fen // 100, "page": len(found.rows)}


def run_all(book: Book, day: dt.date, runs: int, warmup: int) -> dict[str, dict]:
    out = {}
    for name, f in filters(day).items():
        out[name] = time_one(book, f, day, runs, warmup)
        r = out[name]
        mark = "ok" if r["p95_ms"] < TARGET_MS else "MISSED"
        print(f"  {name:36} {r['median_ms']:7.1f} {r['p95_ms']:7.1f} {r['max_ms']:7.1f} {r['cpu_median_ms']:7.1f}"
              f" {r['two_calls_median_ms']:8.1f} {r['count']:7,} {r['total_yuan']:>17,}  {mark}", flush=True)
    return out


HEAD = (f"  {'filter':36} {'median':>7} {'p95':>7} {'max':>7} {'cpu':>7} {'2 calls':>8} {'clients':>7} "
        f"{'at stake (yuan)':>17}")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("book", nargs="?", type=Path, default=DEFAULT_BOOK)
    ap.add_argument("--runs", type=int, default=20)
    ap.add_argument("--warmup", type=int, default=3)
    ap.add_argument("--day", type=dt.date.fromisoformat, default=BOOK_DAY)
    args = ap.parse_args(argv)

    path = prepare(args.book) if args.book == DEFAULT_BOOK else args.book
    if args.book == DEFAULT_BOOK:
        remade = align_indexes(path)
        if remade:
            print(f"indexes made as memo/schema.sql has them now: {', '.join(remade)}")
    box = machine()
    print(f"machine: {box['platform']} · {box['cpu']} · {box['cores']} cores · Python {box['python']} · "
          f"SQLite {box['sqlite']}")
    book = open_book(path)
    result: dict = {"machine": box, "book": str(path), "day": args.day.isoformat(), "runs": args.runs,
                    "warmup": args.warmup, "target_ms": TARGET_MS}
    try:
        result["size"] = size(book)
        print("book: " + ", ".join(f"{k} {v:,}" for k, v in result["size"].items()) + f" · day {args.day}")
        t0 = time.perf_counter()
        targets.search(book, TargetFilter(maturing_days=30), args.day, limit=100)
        result["first_call_ms"] = (time.perf_counter() - t0) * 1000
        print(f"first call of the process: {result['first_call_ms']:.1f} ms (wall, ms below; "
              f"'2 calls' = summary() then page())")
        print("as the schema is:")
        print(HEAD)
        result["as_is"] = run_all(book, args.day, args.runs, args.warmup)
    finally:
        book.close()
    OUT.mkdir(exist_ok=True)
    (OUT / "targets.json").write_text(json.dumps(result, ensure_ascii=False, indent=2), encoding="utf-8")
    print(f"-> {OUT / 'targets.json'}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
