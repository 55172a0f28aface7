"""How long does the today list take on a big book?

    python bench/today.py [BOOK.db] [--days 2026-11-29,2026-12-01,...] [--runs 20] [--warmup 3]
                          [--limit 100] [--no-breakdown] [--profile DAY]

Times `memo.agenda.compute(book, day, limit=100, fresh=True)`, what the today screen asks for
(the first page filled with names and phones, the counts over the whole list), made again on
each call, on one book opened with `memo.db.open_book` (the app's pragmas and cache). compute
makes half of the reasons on a second connection in another thread when it can have one
(`Book.raw_pair`); "one thread", timed interleaved with the main figures, is the same call
made all on one connection, as when the second is busy. Apart:
"next page", a later page of the list just made with nothing written since (compute reads its
scratch tables again, as the screen's paging and filters do). Without BOOK (or if it does not exist) the
100k book is built first with make_book into bench/out/book-100000.db (--date 2026-11-29).

Default days: 2026-11-29 (a Sunday), 2026-11-30 (Monday), 2026-12-01, 2026-09-24 (the working
day before 中秋 2026-09-25: festival reasons for the top tiers) and 2027-02-05 (the working day
before 春节 2027-02-06). Each day: --warmup untimed calls, then --runs timed ones (perf_counter);
median, p95 and max in ms (wall), the median process CPU time (steadier when the machine is shared),
the rows on the list, the page, and clients per reason kind. The very
first call of the process is reported apart ("first call": lunar tables, calendars, caches
cold; what the app's first screen pays).

The breakdown (on unless --no-breakdown) runs each day again, on one thread, with two probes, and reports the
median ms per step of compute (the module's own functions, wrapped for the run) and per SQL
statement (executed and fetched through a timing proxy of the sqlite3 connection), with the
rows each statement returns and its EXPLAIN QUERY PLAN. Probes cost a little, so the breakdown
sums to a bit more than the timed median (TOPQ=N in the environment lists the N slowest
statements; 6 by default). --profile DAY writes a cProfile of --runs calls to
bench/out/today.prof and prints the top functions by cumulative time.

Target: <= 150 ms at 100,000 clients. Results: printed, and bench/out/today.json.
"""

from __future__ import annotations

import argparse
import contextlib
import cProfile
import datetime as dt
import io
import json
import os
import pstats
import sqlite3
import statistics
import sys
import time
from collections import defaultdict
from pathlib import Path

HERE = Path(__file__).resolve().parent
for entry in (HERE, HERE.parent):
    if str(entry) not in sys.path:
        sys.path.insert(0, str(entry))

from machine import machine, pct  # noqa: E402  (bench/ is on sys.path)
from memo import agenda  # noqa: E402
from memo.db import Book, open_book  # noqa: E402

OUT = HERE / "out"
DEFAULT_BOOK = OUT / "book-100000.db"
BOOK_DAY = dt.date(2026, 11, 29)
TARGET_MS = 150.0
DAYS = {
    "2026-11-29": "Sunday",
    "2026-11-30": "Monday",
    "2026-12-01": "Tuesday",
    "2026-09-24": "working day before 中秋",
    "2027-02-05": "working day before 春节",
}
# compute's steps besides the reason kinds (memo.agenda's module functions; the kinds are wrapped
# where compute finds them, in its two halves)
STEPS = ("rules", "_today_calls", "_dismissed", "_sum", "_rank", "_page")  # not nested in each other
HALVES = ("_FIRST_HALF", "_SECOND_HALF")


def size(book: Book) -> dict[str, int]:
    with book.raw() as db:
        out = {t: db.execute(f"SELECT count(*) FROM {t}").fetchone()[0]
               for t in ("client", "phone", "memo", "deposit", "contact", "holding", "keydate", "dismissal", "snooze")}
        out["open_requests"] = db.execute("SELECT count(*) FROM memo WHERE status = 'open' "
                                          "AND kind IN ('request', 'callback')").fetchone()[0]
    return out


# --- probes ---------------------------------------------------------------------------------------


class _Rows(list):
    rowcount = -1

    def fetchall(self) -> list:
        return list(self)

    def fetchone(self):  # noqa: ANN201
        return self[0] if self else None


class _TimedConnection:
    """A sqlite3 connection whose execute runs the statement to the end and times it."""

    def __init__(self, conn, probe: _Probe):  # noqa: ANN001
        self._conn = conn
        self._probe = probe

    def execute(self, sql: str, params=()):  # noqa: ANN001, ANN201
        start = time.perf_counter()
        cursor = self._conn.execute(sql, params)
        rows = _Rows(cursor.fetchall())
        rows.rowcount = cursor.rowcount
        self._probe.query(sql, params, time.perf_counter() - start, len(rows) or max(0, cursor.rowcount))
        return rows

    def __getattr__(self, name: str):  # noqa: ANN204
        return getattr(self._conn, name)


class _Probe:
    """Times compute's steps and statements for one run; installed around the calls it measures."""

    def __init__(self) -> None:
        self.step = "compute"
        self.seen: dict[str, int] = defaultdict(int)  # statements per step, this run
        self.steps: dict[str, list[float]] = defaultdict(list)
        self.queries: dict[str, list[float]] = defaultdict(list)
        self.rows: dict[str, int] = {}
        self.sql: dict[str, tuple[str, object]] = {}
        self._run_steps: dict[str, float] = defaultdict(float)
        self._run_queries: dict[str, float] = defaultdict(float)

    def query(self, sql: str, params, seconds: float, rows: int) -> None:  # noqa: ANN001
        self.seen[self.step] += 1
        key = f"{self.step}#{self.seen[self.step]}"
        self._run_queries[key] += seconds
        self.rows[key] = rows
        self.sql.setdefault(key, (sql, params))

    def end_run(self, total: float) -> None:
        for key, seconds in self._run_steps.items():
            self.steps[key].append(seconds * 1000)
        self.steps["(all of compute)"].append(total * 1000)
        for key, seconds in self._run_queries.items():
            self.queries[key].append(seconds * 1000)
        self._run_steps.clear()
        self._run_queries.clear()
        self.seen.clear()

    @contextlib.contextmanager
    def installed(self):  # noqa: ANN201
        # the steps this version of the engine has (names change as it evolves)
        originals = {name: getattr(agenda, name) for name in STEPS if callable(getattr(agenda, name, None))}
        halves = {name: getattr(agenda, name) for name in HALVES if hasattr(agenda, name)}
        original_pair = Book.raw_pair
        probe = self

        def wrap(name: str, fn):  # noqa: ANN001, ANN202
            def timed(*args, **kwargs):  # noqa: ANN002, ANN003, ANN202
                outer, probe.step = probe.step, name
                start = time.perf_counter()
                try:
                    return fn(*args, **kwargs)
                finally:
                    probe._run_steps[name] += time.perf_counter() - start
                    probe.step = outer
            return timed

        # one connection, no twin: the steps and statements one after the other
        @contextlib.contextmanager
        def raw_pair(book):  # noqa: ANN001, ANN202
            with original_raw(book) as conn:
                yield _TimedConnection(conn, probe), None

        for name, fn in originals.items():
            setattr(agenda, name, wrap(name, fn))
        for name, kinds in halves.items():
            setattr(agenda, name, tuple(wrap(kind.__name__, kind) for kind in kinds))
        Book.raw_pair = raw_pair
        try:
            yield self
        finally:
            for name, fn in {**originals, **halves}.items():
                setattr(agenda, name, fn)
            Book.raw_pair = original_pair


def _plan(book: Book, sql: str, params) -> list[str]:  # noqa: ANN001
    if sql.lstrip().split(None, 1)[0].upper() not in ("SELECT", "WITH", "INSERT", "UPDATE", "DELETE", "REPLACE"):
        return []  # DDL and pragmas: no plan
    try:
        with original_raw(book) as db:
            return [row[3] for row in db.execute("EXPLAIN QUERY PLAN " + sql, params)]
    except sqlite3.Error as exc:
        return [f"(no plan: {exc})"]


original_raw = Book.raw


# --- measuring ------------------------------------------------------------------------------------


def _call(book: Book, day: dt.date, limit: int, cpu: list[float] | None = None, offset: int = 0,
          fresh: bool = True) -> tuple[float, agenda.Agenda]:
    start, start_cpu = time.perf_counter(), time.process_time()
    result = agenda.compute(book, day, limit=limit, offset=offset, fresh=fresh)
    if cpu is not None:
        cpu.append((time.process_time() - start_cpu) * 1000)
    return time.perf_counter() - start, result


@contextlib.contextmanager
def _one_thread(book: Book):  # noqa: ANN202
    """compute as it runs when the twin connection is busy (Book.raw_pair gives none): all on one."""
    with book.alone():
        yield


def measure(path: Path | str, days: list[dt.date], runs: int = 20, warmup: int = 3, limit: int = 100,
            breakdown: bool = True) -> dict:
    book = open_book(path)
    try:
        result: dict = {"machine": machine(), "book": str(path), "size": size(book), "runs": runs,
                        "warmup": warmup, "limit": limit, "target_ms": TARGET_MS, "days": {},
                        "load_before": [round(x, 2) for x in os.getloadavg()]}
        first, _ = _call(book, days[0], limit)
        result["first_call_ms"] = round(first * 1000, 1)
        for day in days:
            for _ in range(warmup):
                _call(book, day, limit)
            times: list[float] = []
            cpu: list[float] = []
            alone: list[float] = []  # interleaved: the same call on one connection, one thread
            for _ in range(runs):
                seconds, page = _call(book, day, limit, cpu)
                times.append(seconds * 1000)
                with _one_thread(book):
                    alone.append(_call(book, day, limit)[0] * 1000)
            entry = {
                "label": DAYS.get(day.isoformat(), day.strftime("%A")),
                "median_ms": round(statistics.median(times), 1), "p95_ms": round(pct(times, 0.95), 1),
                "max_ms": round(max(times), 1), "cpu_median_ms": round(statistics.median(cpu), 1),
                "rows": page.all_total, "page": len(page.rows),
                "reasons": sum(len(r.reasons) for r in page.rows), "todo": page.todo, "done": page.done,
                "snoozed": page.snoozed, "do_not_call": page.do_not_call,
                "counts": {k: v for k, v in page.counts.items() if v},
            }
            entry["meets_target"] = entry["p95_ms"] <= TARGET_MS
            entry["one_thread_median_ms"] = round(statistics.median(alone), 1)
            entry["one_thread_p95_ms"] = round(pct(alone, 0.95), 1)
            # the next page of the list just made, nothing written since: the tables are read again
            pages = [_call(book, day, limit, offset=limit * (i % 5 + 1), fresh=False)[0] * 1000 for i in range(runs)]
            entry["next_page_median_ms"] = round(statistics.median(pages), 1)
            entry["next_page_p95_ms"] = round(pct(pages, 0.95), 1)
            if breakdown:
                entry["breakdown"] = _breakdown(book, day, limit, max(3, runs // 2))
            result["days"][day.isoformat()] = entry
        result["load_after"] = [round(x, 2) for x in os.getloadavg()]
        return result
    finally:
        book.close()


def _breakdown(book: Book, day: dt.date, limit: int, runs: int) -> dict:
    probe = _Probe()
    with probe.installed():
        for _ in range(runs):
            seconds, _page = _call(book, day, limit)
            probe.end_run(seconds)
    steps = {k: round(statistics.median(v), 1) for k, v in probe.steps.items()}
    queries = []
    for key, values in probe.queries.items():
        sql, params = probe.sql[key]
        queries.append({"query": key, "median_ms": round(statistics.median(values), 2), "rows": probe.rows[key],
                        "sql": " ".join(sql.split())[:160], "plan": _plan(book, sql, params)})
    queries.sort(key=lambda q: -q["median_ms"])
    return {"runs": runs, "steps_ms": steps, "queries": queries}


def profile(path: Path | str, day: dt.date, runs: int, limit: int = 100, top: int = 30) -> str:
    book = open_book(path)
    try:
        _call(book, day, limit)
        prof = cProfile.Profile()
        prof.enable()
        for _ in range(runs):
            _call(book, day, limit)
        prof.disable()
    finally:
        book.close()
    OUT.mkdir(exist_ok=True)
    prof.dump_stats(OUT / "today.prof")
    text = io.StringIO()
    pstats.Stats(prof, stream=text).strip_dirs().sort_stats("cumulative").print_stats(top)
    return text.getvalue()


# --- report ---------------------------------------------------------------------------------------


def report(result: dict) -> str:
    m, s = result["machine"], result["size"]
    lines = [
        f"machine: {m['platform']} · {m['cpu']} · {m['cores']} cores · Python {m['python']} · SQLite {m['sqlite']}",
        f"book: {result['book']} · " + ", ".join(f"{v:,} {k}" for k, v in s.items()),
        f"agenda.compute(book, day, limit={result['limit']}): {result['warmup']} warm-up + {result['runs']} timed "
        f"calls per day; first call of the process {result['first_call_ms']:.0f} ms; target p95 <= "
        f"{result['target_ms']:.0f} ms",
        f"load average before/after: {result['load_before']} / {result.get('load_after')} (wall times on a shared "
        "machine stretch with the load; cpu = process CPU time, median)",
        "",
        f"{'day':<11} {'':<25} {'median':>8} {'p95':>8} {'max':>8} {'cpu':>8} {'rows':>7} {'page':>5} {'reasons':>8}  target"
        "  next page median/p95  one thread median/p95",
    ]
    for day, e in result["days"].items():
        lines.append(f"{day:<11} {e['label']:<25} {e['median_ms']:>8.1f} {e['p95_ms']:>8.1f} {e['max_ms']:>8.1f} "
                     f"{e['cpu_median_ms']:>8.1f} {e['rows']:>7,} {e['page']:>5} {e['reasons']:>8}  "
                     f"{'ok' if e['meets_target'] else 'MISSED':<6}  {e['next_page_median_ms']:.1f} / "
                     f"{e['next_page_p95_ms']:.1f}      {e['one_thread_median_ms']:.1f} / {e['one_thread_p95_ms']:.1f}")
    lines.append("")
    lines.append("clients per reason kind (whole list):")
    for day, e in result["days"].items():
        lines.append(f"  {day}: " + ", ".join(f"{k} {v:,}" for k, v in e["counts"].items())
                     + f"; to do {e['todo']:,}, snoozed {e['snoozed']:,}, do-not-call {e['do_not_call']:,}")
    for day, e in result["days"].items():
        b = e.get("breakdown")
        if not b:
            continue
        lines.append("")
        lines.append(f"{day}: median ms per step ({b['runs']} probed runs)")
        steps = b["steps_ms"]
        total = steps.get("(all of compute)", 0.0)
        inner = sum(v for k, v in steps.items() if k != "(all of compute)")
        for name, ms in steps.items():
            if name != "(all of compute)":
                lines.append(f"  {name:<16} {ms:>8.1f}")
        lines.append(f"  {'(rest)':<16} {total - inner:>8.1f}")
        lines.append(f"  {'(all)':<16} {total:>8.1f}")
        lines.append("  slowest statements (ms, rows, plan):")
        for q in b["queries"][:int(os.environ.get("TOPQ", 6))]:
            lines.append(f"    {q['query']:<18} {q['median_ms']:>8.2f} {q['rows']:>7,}  {q['sql'][:100]}")
            for step in q["plan"]:
                lines.append(f"        {step}")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("book", nargs="?", type=Path, default=DEFAULT_BOOK)
    parser.add_argument("--days", default=",".join(DAYS), help="comma-separated YYYY-MM-DD")
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--warmup", type=int, default=3)
    parser.add_argument("--limit", type=int, default=100)
    parser.add_argument("--no-breakdown", action="store_true")
    parser.add_argument("--profile", type=dt.date.fromisoformat, metavar="DAY",
                        help="cProfile --runs calls of this day instead of the timings")
    args = parser.parse_args(argv)
    if not args.book.exists():
        from make_book import make_book

        OUT.mkdir(exist_ok=True)
        print(f"building {args.book} (100,000 clients, today {BOOK_DAY})...", flush=True)
        make_book(args.book, 100_000, 1, BOOK_DAY, quiet=False)
    if args.profile:
        print(profile(args.book, args.profile, args.runs, args.limit))
        print(f"written: {OUT / 'today.prof'}")
        return 0
    days = [dt.date.fromisoformat(d.strip()) for d in args.days.split(",") if d.strip()]
    result = measure(args.book, days, args.runs, args.warmup, args.limit, breakdown=not args.no_breakdown)
    print(report(result))
    OUT.mkdir(exist_ok=True)
    (OUT / "today.json").write_text(json.dumps(result, ensure_ascii=False, indent=1), encoding="utf-8")
    return 0 if all(e["meets_target"] for e in result["days"].values()) else 1


if __name__ == "__main__":
    sys.exit(main())
