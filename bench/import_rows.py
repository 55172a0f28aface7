"""How long does `memo import` take for a big bank export?

    python bench/import_rows.py [--rows 100000] [--runs 5] [--seed 1] [--no-cli]

Writes a GB18030 CSV with realistic Chinese headers (client + deposit on each row, ~8% of the
rows a second deposit of a client seen before) to bench/out/import-ROWS.csv, then imports it
`--runs` times, each into a fresh book, two ways:

- in-process: `memo.importer.run_import` end to end (reading, decoding, parsing, planning, one
  write transaction, its commit);
- the command: `memo import FILE --db NEW.db --json` as a subprocess, wall time from start to
  exit (Python's start, imports, opening the book, the import, the report, closing the book).

Prints median and p95 of each with the machine line and the load average (the machine may be
shared), and writes bench/out/import_rows.json.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import io
import json
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
if str(HERE.parent) not in sys.path:
    sys.path.insert(0, str(HERE.parent))

from machine import machine, pct  # noqa: E402  (bench/ is on sys.path)
from memo.db import open_book  # noqa: E402
from memo.importer import run_import  # noqa: E402

OUT = HERE / "out"
HEADERS = ["客户姓名", "手机号码", "证件号码", "出生日期", "客户等级", "产品名称", "存款金额", "币种",
           "起息日", "存期", "到期日", "年利率", "自动转存"]
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤"
GIVEN = "伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超秀兰霞平刚桂英华建国建华志强玉兰红梅海燕晓东丹丹"
TIERS = ["普通"] * 6 + ["金卡"] * 3 + ["白金", "钻石", "私行"]
PRODUCTS = ["整存整取", "大额存单", "定期存款", "大额存单2024年第3期", "整存整取（三年）"]
TERMS = ["3个月", "6个月", "1年", "2年", "3年", "5年"]
RATES = ["1.10", "1.30", "1.45", "1.75", "2.00", "2.35"]


def make_csv(path: Path, rows: int, seed: int = 1) -> Path:
    rng = random.Random(seed)
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\r\n")
    w.writerow(HEADERS)
    seen: list[list[str]] = []
    used_phones: set[str] = set()
    for _ in range(rows):
        if seen and rng.random() < 0.08:
            base = list(rng.choice(seen))
        else:
            name = rng.choice(SURNAMES) + "".join(rng.choice(GIVEN) for _ in range(rng.choice((1, 2))))
            while True:
                phone = rng.choice(("13", "15", "18", "17", "19")) + str(rng.randrange(3, 10)) + f"{rng.randrange(10**8):08d}"
                if phone not in used_phones:
                    used_phones.add(phone)
                    break
            born = dt.date(1950, 1, 1) + dt.timedelta(days=rng.randrange(20000))
            idn = f"{rng.randrange(110000, 660000)}{born:%Y%m%d}{rng.randrange(1000):03d}{rng.choice('0123456789X')}"
            bday = rng.choice((born.isoformat(), f"{born.year}/{born.month}/{born.day}", f"{born:%Y%m%d}",
                               f"{born.year}年{born.month}月{born.day}日"))
            base = [name, phone, idn, bday, rng.choice(TIERS)]
            seen.append(base)
        start = dt.date(2021, 1, 1) + dt.timedelta(days=rng.randrange(1800))
        amount = rng.choice((f"{rng.randrange(1, 500) * 1000}", f"{rng.randrange(1, 300)}万", f"{rng.randrange(10**4, 10**7)}.{rng.randrange(100):02d}"))
        term = rng.choice(TERMS)
        maturity = "" if rng.random() < 0.9 else (start + dt.timedelta(days=365)).isoformat()
        w.writerow(base + [rng.choice(PRODUCTS), amount, rng.choice(("人民币", "CNY", "")), start.isoformat(),
                           term, maturity, rng.choice(RATES), rng.choice(("是", "否"))])
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(buf.getvalue().encode("gb18030"))
    return path


def _stats(times: list[float]) -> dict:
    return {"median_s": round(statistics.median(times), 3), "p95_s": round(pct(times, 0.95), 3),
            "times_s": [round(x, 3) for x in times]}


def _command() -> list[str]:
    script = Path(sys.executable).with_name("memo")  # the installed `memo` command, if any
    return [str(script)] if script.is_file() else [sys.executable, "-m", "memo"]


def time_in_process(src: Path, runs: int) -> tuple[list[float], object]:
    times: list[float] = []
    report = None
    for _ in range(runs):
        with tempfile.TemporaryDirectory(dir=OUT) as tmp:
            book = open_book(Path(tmp) / "book.db")
            try:
                t0 = time.perf_counter()
                report = run_import(book, src)
                times.append(time.perf_counter() - t0)
            finally:
                book.close()
    return times, report


def time_command(src: Path, runs: int) -> tuple[list[float], dict]:
    times: list[float] = []
    data: dict = {}
    for _ in range(runs):
        with tempfile.TemporaryDirectory(dir=OUT) as tmp:
            cmd = [*_command(), "import", str(src), "--db", str(Path(tmp) / "book.db"), "--json"]
            t0 = time.perf_counter()
            done = subprocess.run(cmd, capture_output=True, text=True, cwd=tmp)
            times.append(time.perf_counter() - t0)
            if done.returncode != 0:
                raise SystemExit(f"memo import failed ({done.returncode}): {done.stderr.strip()}")
            data = json.loads(done.stdout)
    return times, data


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--rows", type=int, default=100_000)
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--no-cli", action="store_true", help="time run_import only")
    args = ap.parse_args(argv)
    src = make_csv(OUT / f"import-{args.rows}.csv", args.rows, args.seed)
    load_before = os.getloadavg()
    times, report = time_in_process(src, args.runs)
    result = {
        "rows": args.rows, "runs": args.runs, "file": str(src), "file_bytes": src.stat().st_size,
        "run_import": _stats(times),
        "created": report.created, "updated": report.updated, "unchanged": report.unchanged,
        "errors": len(report.errors),
    }
    if not args.no_cli:
        cli_times, data = time_command(src, args.runs)
        result["memo_import"] = {**_stats(cli_times), "command": " ".join(_command()) + " import FILE --db NEW --json"}
        assert (data["created"], data["errors"]) == (report.created, []), data
    result["load_average"] = [round(x, 2) for x in (*load_before, *os.getloadavg())]
    result["machine"] = machine()
    (OUT / "import_rows.json").write_text(json.dumps(result, ensure_ascii=False, indent=2))
    print(report_text(result))
    return 0


def report_text(result: dict) -> str:
    m = result["machine"]
    lines = [f"import {result['rows']:,} rows (GB18030 CSV, {result['file_bytes'] / 1e6:.1f} MB), "
             f"{result['runs']} runs each into a fresh book"]
    for key, label in (("run_import", "run_import (in-process)"), ("memo_import", "memo import (command, wall)")):
        if key in result:
            r = result[key]
            lines.append(f"  {label:<28} median {r['median_s']:6.2f} s   p95 {r['p95_s']:6.2f} s   runs {r['times_s']}")
    lines.append(f"  rows: {result['created']} created, {result['updated']} updated, {result['unchanged']} unchanged, "
                 f"{result['errors']} errors")
    load = result["load_average"]
    lines.append(f"  machine: {m['cpu']}, {m['cores']} cores, {m['platform']}, Python {m['python']}, "
                 f"SQLite {m['sqlite']}; load average {load[0]:.2f} before, {load[3]:.2f} after")
    return "\n".join(lines)


if __name__ == "__main__":
    raise SystemExit(main())
