"""How fast do 100,000 birthdays resolve to their next date?

    python bench/dates.py [--n 100000] [--runs 5] [--date 2026-11-29] [--seed 1]

Draws N yearly anchors the way a book holds them: ~60% solar (Feb 29 included), ~40% lunar
(days 1..30, so day 30 clamps in 29-day months; ~5% flagged leap, whether or not the year has
that leap month). Times `memo.lunar.next_occurrence` row by row and the `next_occurrences` batch
helper over the whole set, each `--runs` times: cold (every cache and month table dropped first,
so lunar-python builds the tables again) and warm. The very first cold run also pays the import
of lunar-python. For scale, lunar-python's own per-date path is timed on a small sample and
extrapolated. Prints median/p95 per mode and writes bench/out/dates.json. Target: <= 200 ms.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import random
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

HERE = Path(__file__).resolve().parent
if str(HERE.parent) not in sys.path:
    sys.path.insert(0, str(HERE.parent))
OUT = HERE / "out"

from machine import machine, pct  # noqa: E402  (bench/ is on sys.path)
from memo import lunar  # noqa: E402

TARGET_MS = 200.0


def anchors(n: int, seed: int = 1) -> list[tuple[str, int, int, bool]]:
    rng = random.Random(seed)
    rows = []
    for _ in range(n):
        if rng.random() < 0.6:
            month = rng.randint(1, 12)
            last = 29 if month == 2 else (30 if month in (4, 6, 9, 11) else 31)
            rows.append(("solar", month, rng.randint(1, last), False))
        else:
            rows.append(("lunar", rng.randint(1, 12), rng.randint(1, 30), rng.random() < 0.05))
    return rows


def drop_caches() -> None:
    lunar._year.cache_clear()
    lunar._next.cache_clear()
    lunar._solar_to_lunar.cache_clear()


def one_by_one(rows: list, start: dt.date) -> list[dt.date]:
    nxt = lunar.next_occurrence
    return [nxt(kind, month, day, leap, start) for kind, month, day, leap in rows]


def batch(rows: list, start: dt.date) -> list[dt.date]:
    return lunar.next_occurrences(rows, start)


def timed(fn: Callable[[], object]) -> float:
    t0 = time.perf_counter_ns()
    fn()
    return (time.perf_counter_ns() - t0) / 1e6


def naive_ms_per_row(rows: list, start: dt.date, sample: int) -> float:
    """lunar-python's per-date path (Solar -> Lunar, then Lunar -> Solar), per lunar row."""
    from lunar_python import Lunar, Solar

    lunar_rows = [r for r in rows if r[0] == "lunar"][:sample]
    t0 = time.perf_counter_ns()
    for _, month, day, _leap in lunar_rows:
        year = Solar.fromYmd(start.year, start.month, start.day).getLunar().getYear()
        try:
            Lunar.fromYmd(year, month, min(day, 29)).getSolar()
        except Exception:  # noqa: BLE001  (a bad day: it still cost the time)
            pass
    return (time.perf_counter_ns() - t0) / 1e6 / max(1, len(lunar_rows))


def measure(n: int = 100_000, runs: int = 5, start: dt.date | None = None, seed: int = 1,
            naive_sample: int = 100) -> dict[str, object]:
    start = start or dt.date.today()
    rows = anchors(n, seed)
    drop_caches()
    first_cold = timed(lambda: one_by_one(rows, start))  # imports lunar-python too
    assert one_by_one(rows, start) == batch(rows, start)
    distinct = len(set(rows))
    result: dict[str, object] = {"n": n, "runs": runs, "date": start.isoformat(), "seed": seed,
                                 "distinct_anchors": distinct, "machine": machine(),
                                 "first_cold_ms": round(first_cold, 2), "modes": {}}
    for name, fn in (("next_occurrence", one_by_one), ("next_occurrences", batch)):
        for temperature in ("cold", "warm"):
            times = []
            for _ in range(runs):
                if temperature == "cold":
                    drop_caches()
                else:
                    fn(rows, start)
                times.append(timed(lambda fn=fn: fn(rows, start)))
            result["modes"][f"{name} {temperature}"] = {
                "median_ms": round(statistics.median(times), 2), "p95_ms": round(pct(times, 0.95), 2),
                "runs_ms": [round(t, 2) for t in times]}
    drop_caches()
    tables_ms = timed(lambda: [lunar.month_table(y) for y in (start.year - 1, start.year,
                                                              start.year + 1)])
    result["month_table_ms_per_year"] = round(tables_ms / 3, 2)
    if naive_sample:
        per_row = naive_ms_per_row(rows, start, naive_sample)
        lunar_share = sum(r[0] == "lunar" for r in rows)
        result["naive_lunar_python_ms_per_lunar_row"] = round(per_row, 3)
        result["naive_lunar_python_extrapolated_s"] = round(per_row * lunar_share / 1000, 1)
    return result


def report(result: dict) -> str:
    m = result["machine"]
    lines = [
        f"machine: {m['platform']} | {m['cpu']} | {m['cores']} cores | Python {m['python']}",
        f"rows:    {result['n']:,} anchors ({result['distinct_anchors']} distinct), next on or after "
        f"{result['date']}, {result['runs']} runs each",
        f"first cold run (imports lunar-python, builds the tables): {result['first_cold_ms']:.1f} ms",
        f"one lunar-year month table: {result['month_table_ms_per_year']:.1f} ms to build",
        "",
        f"{'mode':<24} {'median':>9} {'p95':>9}  target",
    ]
    for mode, figures in result["modes"].items():
        ok = "ok" if figures["p95_ms"] <= TARGET_MS else "OVER"
        lines.append(f"{mode:<24} {figures['median_ms']:>7.1f}ms {figures['p95_ms']:>7.1f}ms  "
                     f"<= {TARGET_MS:.0f} ms {ok}")
    if "naive_lunar_python_ms_per_lunar_row" in result:
        lines += ["", f"for scale, lunar-python per date: {result['naive_lunar_python_ms_per_lunar_row']:.2f} "
                  f"ms per lunar row, ~{result['naive_lunar_python_extrapolated_s']:.0f} s for this set"]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--n", type=int, default=100_000, help="how many birthdays")
    parser.add_argument("--runs", type=int, default=5, help="timed runs per mode")
    parser.add_argument("--date", type=dt.date.fromisoformat, default=None,
                        help="the day to resolve from (default: today)")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--naive-sample", type=int, default=100,
                        help="lunar rows timed through lunar-python's per-date path (0: skip)")
    parser.add_argument("--json", type=Path, default=OUT / "dates.json", help="where to write the figures")
    args = parser.parse_args(argv)
    result = measure(args.n, args.runs, args.date, args.seed, args.naive_sample)
    print(report(result))
    args.json.parent.mkdir(parents=True, exist_ok=True)
    args.json.write_text(json.dumps(result, ensure_ascii=False, indent=2), encoding="utf-8")
    worst = max(f["p95_ms"] for f in result["modes"].values())
    return 0 if worst <= TARGET_MS else 1


if __name__ == "__main__":
    sys.exit(main())
