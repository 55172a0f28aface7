"""How long from launching the app to a usable today screen, in a real terminal?

    python bench/launch.py [--runs 10] [--book bench/out/book-100000.db] [--date YYYY-MM-DD]
                           [--only floor,empty,100k] [--importtime]

Each launch runs in a pseudo-terminal (pty.fork: the child gets the pty as its controlling
terminal and stdin/stdout/stderr, a 120x35 window set before exec, TERM=xterm-256color), so
Textual runs its real Linux driver, not headless. The parent keeps reading the terminal's output
(as a terminal emulator would) and waits for the readiness file:

- floor: `python bench/floor_app.py`, a bare Textual app with one label, which writes time.time()
  to $MEMO_READY_FILE after the refresh that follows the label's mount;
- empty / 100k: the `memo` entry point of this venv (`memo --db BOOK --lang zh`), on an empty book
  and on the 100k book; the today screen writes time.time() to $MEMO_READY_FILE once its first
  page of rows is on screen (memo/screens/today.py, READY_FILE).

Time = the float in the file minus time.time() just before the fork: process start, imports,
opening the book, the first compute, the first paint. Then ctrl+q goes through the terminal; a
child still alive 5 s later gets SIGTERM, then SIGKILL (only the child this script started).

Each target gets one untimed launch first (file cache, bytecode, the day's first-start backup),
then --runs rounds launching each target once in turn (interleaved: a busy spell of a shared
machine hits every target alike); median, p95, min, max in ms. A launch that gives no readiness
signal is noted (with its last output, in launch.json) and tried again, up to three times.
Books are copied into a temporary folder first, so the app's daily backup and its side files
never land beside the real ones. Bytecode goes to bench/out/pycache (PYTHONPYCACHEPREFIX;
PYTHONDONTWRITEBYTECODE is dropped for the child) so every timed launch reads compiled modules,
as an installed app would. --importtime adds `python -X importtime` (warm bytecode, best of 3)
of `import memo.app`, of the `memo` command up to where it starts the app (without a terminal it
stops there: main()'s imports, argparse) and of the today screen's modules: the modules with
the largest cumulative import time. Target: the 100k book usable within 1.5 s. Results:
printed, and bench/out/launch.json.
"""

from __future__ import annotations

import argparse
import fcntl
import json
import os
import pty
import re
import select
import shutil
import signal
import statistics
import struct
import subprocess
import sys
import tempfile
import termios
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
for entry in (HERE, HERE.parent):
    if str(entry) not in sys.path:
        sys.path.insert(0, str(entry))

from machine import machine, pct  # noqa: E402  (bench/ is on sys.path)

OUT = HERE / "out"
PYCACHE = OUT / "pycache"
DEFAULT_BOOK = OUT / "book-100000.db"
COLS, ROWS = 120, 35
TARGET_MS = 1500.0
READY_FILE = "MEMO_READY_FILE"
TIMEOUT = 60.0
CTRL_Q = b"\x11"


def child_env(ready: Path | None) -> dict[str, str]:
    env = dict(os.environ)
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    for key in list(env):  # no dev tools, no headless or driver overrides from the caller
        if key.startswith("TEXTUAL"):
            env.pop(key)
    env.update(TERM="xterm-256color", PYTHONPYCACHEPREFIX=str(PYCACHE), COLUMNS=str(COLS), LINES=str(ROWS))
    env.setdefault("LANG", "C.UTF-8")
    if ready is not None:
        env[READY_FILE] = str(ready)
    return env


def launch(cmd: list[str], ready: Path, timeout: float = TIMEOUT) -> dict:
    """Run cmd in a pty until it writes its readiness time to `ready`, then end it."""
    ready.unlink(missing_ok=True)
    env = child_env(ready)
    start = time.time()
    pid, master = pty.fork()
    if pid == 0:  # the child: the pty is its controlling terminal and stdin/stdout/stderr
        try:
            fcntl.ioctl(0, termios.TIOCSWINSZ, struct.pack("HHHH", ROWS, COLS, 0, 0))
            os.execve(cmd[0], cmd, env)
        finally:
            os._exit(127)
    out = bytearray()
    ready_at = None
    exit_status = None
    deadline = time.monotonic() + timeout
    try:
        while time.monotonic() < deadline:
            readable, _, _ = select.select([master], [], [], 0.002)
            if readable:
                try:
                    chunk = os.read(master, 65536)
                except OSError:  # EIO: the child closed the terminal
                    chunk = b""
                if not chunk:
                    break
                out += chunk
            if ready.exists():
                text = ready.read_text(encoding="utf-8").strip()
                if text:
                    ready_at = float(text)
                    break
            done, status = os.waitpid(pid, os.WNOHANG)
            if done:
                exit_status = status
                break
        quit_start = time.monotonic()
        if exit_status is None:
            os.write(master, CTRL_Q)
            while time.monotonic() - quit_start < 5.0:
                readable, _, _ = select.select([master], [], [], 0.01)
                if readable:
                    try:
                        out += os.read(master, 65536)
                    except OSError:
                        pass
                done, status = os.waitpid(pid, os.WNOHANG)
                if done:
                    exit_status = status
                    break
        ended_by = "ctrl+q" if exit_status is not None else None
        if exit_status is None:
            for sig in (signal.SIGTERM, signal.SIGKILL):
                os.kill(pid, sig)
                for _ in range(200):
                    done, status = os.waitpid(pid, os.WNOHANG)
                    if done:
                        exit_status = status
                        break
                    time.sleep(0.01)
                if exit_status is not None:
                    ended_by = sig.name
                    break
    finally:
        os.close(master)
        ready.unlink(missing_ok=True)
    return {"ready_ms": None if ready_at is None else (ready_at - start) * 1000, "ended_by": ended_by,
            "exit_status": exit_status, "quit_ms": (time.monotonic() - quit_start) * 1000, "output": bytes(out)}


def _memo_command(book: Path, date: str | None) -> list[str]:
    entry = Path(sys.executable).with_name("memo")
    cmd = [str(entry)] if entry.exists() else [sys.executable, "-m", "memo"]
    cmd += ["--db", str(book), "--lang", "zh"]
    if date:
        cmd += ["--date", date]
    return cmd


def measure(targets: dict[str, list[str]], runs: int, work: Path, expect: dict[str, str]) -> dict:
    """One untimed launch of each target, then `runs` rounds that launch each target once in turn
    (interleaved, so a busy spell of a shared machine hits every target alike)."""
    warm: dict[str, float] = {}
    times: dict[str, list[float]] = {name: [] for name in targets}
    ended: dict[str, dict[str, int]] = {name: {} for name in targets}
    shown = dict.fromkeys(targets, True)
    failures: dict[str, list[str]] = {name: [] for name in targets}

    def run(name: str, cmd: list[str]) -> dict:
        """A launch that gave no readiness signal is noted (with its last output) and tried again,
        up to three times."""
        for _ in range(3):
            r = launch(cmd, work / f"ready-{name}")
            if r["ready_ms"] is not None:
                return r
            tail = re.sub(rb"\x1b\[[0-9;?<>=$]*[A-Za-z]", b" ", r["output"][-4000:]).decode("utf-8", "replace")
            failures[name].append(f"exit status {r['exit_status']}, ended by {r['ended_by']}: "
                                  + " ".join(tail.split())[-600:])
            print(f"  {name}: no readiness signal ({failures[name][-1][:200]}...)", file=sys.stderr, flush=True)
        raise RuntimeError(f"{name}: no readiness signal in three launches:\n" + "\n".join(failures[name]))

    for name, cmd in targets.items():
        warm[name] = run(name, cmd)["ready_ms"]
    for _ in range(runs):
        for name, cmd in targets.items():
            r = run(name, cmd)
            times[name].append(r["ready_ms"])
            ended[name][r["ended_by"]] = ended[name].get(r["ended_by"], 0) + 1
            shown[name] = shown[name] and expect[name].encode() in r["output"]
    results = {}
    for name, cmd in targets.items():
        t = times[name]
        results[name] = {
            "command": " ".join(cmd), "runs": runs, "warmup_ms": round(warm[name], 1),
            "median_ms": round(statistics.median(t), 1), "p95_ms": round(pct(t, 0.95), 1),
            "min_ms": round(min(t), 1), "max_ms": round(max(t), 1), "ended_by": ended[name],
            "text_seen": shown[name], "times_ms": [round(x, 1) for x in t], "failed_launches": failures[name],
        }
    return results


_IMPORT_LINE = re.compile(r"import time:\s+(\d+)\s+\|\s+(\d+)\s+\|(\s*)(\S+)")


IMPORTS = {
    "memo.app": ["-c", "import memo.app"],
    # the `memo` command up to the point where it starts the app: with no terminal it stops
    # right there (cli.needs_terminal), after the imports of main(), argparse and _run_app's checks
    "memo command, before the app": ["-m", "memo", "--db", "{empty}", "--lang", "zh"],
    # what the first page needs on top: the today screen, its engine, calendars
    "today screen and engine": ["-c", "import memo.app, memo.screens.today, memo.agenda, memo.workdays, memo.lunar"],
}


def importtime(args: list[str], top: int = 25) -> dict:
    """python -X importtime ARGS, warm bytecode, best of 3 per module: the largest cumulative
    times (any depth: nested modules count inside their parents too) and the direct imports."""
    cmd = [sys.executable, "-X", "importtime", *args]
    env = child_env(None)
    subprocess.run(cmd, env=env, capture_output=True, cwd=HERE.parent, stdin=subprocess.DEVNULL)  # bytecode warm
    best: dict[str, tuple[int, int, int]] = {}
    for _ in range(3):
        err = subprocess.run(cmd, env=env, capture_output=True, text=True, cwd=HERE.parent,
                             stdin=subprocess.DEVNULL).stderr
        for line in err.splitlines():
            m = _IMPORT_LINE.match(line)
            if m:
                self_us, cum_us, depth, name = int(m[1]), int(m[2]), len(m[3]) // 2, m[4]
                if name not in best or cum_us < best[name][1]:
                    best[name] = (self_us, cum_us, depth)
    rows = sorted(best.items(), key=lambda kv: -kv[1][1])
    return {
        "command": " ".join(["python", "-X", "importtime", *args]),
        "total_ms": round(sum(c for _n, (_s, c, d) in best.items() if d == 0) / 1000, 1),
        "top": [{"module": n, "cumulative_ms": round(c / 1000, 1), "self_ms": round(s / 1000, 1), "depth": d}
                for n, (s, c, d) in rows[:top]],
        "direct": [{"module": n, "cumulative_ms": round(c / 1000, 1)} for n, (s, c, d) in rows if d <= 1][:top],
    }


def report(result: dict) -> str:
    m = result["machine"]
    lines = [
        f"machine: {m['platform']} · {m['cpu']} · {m['cores']} cores · Python {m['python']} · SQLite {m['sqlite']}",
        f"pty {COLS}x{ROWS}, TERM=xterm-256color; spawn -> ready (the readiness file's time.time()); "
        f"1 warm-up + {result['runs']} timed launches each; load average {result['load_before']} -> "
        f"{result['load_after']}",
        "",
        f"{'target':<7} {'median':>8} {'p95':>8} {'min':>8} {'max':>8} {'warm-up':>8}  ended    over floor  target",
    ]
    floor = result["targets"].get("floor", {}).get("median_ms")
    for name, r in result["targets"].items():
        over = f"{r['median_ms'] - floor:+8.0f}" if floor is not None and name != "floor" else " " * 8
        target = "" if name == "floor" else ("ok" if r["p95_ms"] <= TARGET_MS else "MISSED")
        ended = ",".join(f"{k}x{v}" for k, v in r["ended_by"].items())
        lines.append(f"{name:<7} {r['median_ms']:>8.0f} {r['p95_ms']:>8.0f} {r['min_ms']:>8.0f} {r['max_ms']:>8.0f} "
                     f"{r['warmup_ms']:>8.0f}  {ended:<8} {over}    {target}")
    for name, r in result["targets"].items():
        lines.append(f"  {name}: {r['command']}" + ("" if r["text_seen"] else "  (expected text NOT seen)")
                     + (f"  ({len(r['failed_launches'])} launch(es) without a readiness signal, retried: "
                        "see launch.json)" if r["failed_launches"] else ""))
    if result.get("books"):
        lines.append("books: " + "; ".join(f"{k}: {v}" for k, v in result["books"].items()))
    for label, imp in (result.get("importtime") or {}).items():
        lines += ["", f"{label}: {imp['command']} (warm bytecode, best of 3): "
                      f"{imp['total_ms']:.0f} ms in all", "  largest cumulative (nested ones count in their parents):"]
        for row in imp["top"]:
            lines.append(f"    {row['cumulative_ms']:>7.1f} ms  {'  ' * row['depth']}{row['module']}")
        lines.append("  direct imports: " + ", ".join(f"{p['module']} {p['cumulative_ms']:.0f}"
                                                   for p in imp["direct"][:15]))
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=10)
    parser.add_argument("--book", type=Path, default=DEFAULT_BOOK, help="the big book (built if missing)")
    parser.add_argument("--date", default=None, help="--date for the app (default: the real today)")
    parser.add_argument("--only", default="floor,empty,100k", help="which targets, comma-separated")
    parser.add_argument("--importtime", action="store_true", help="also python -X importtime of memo.app and the launch path")
    args = parser.parse_args(argv)
    wanted = [x.strip() for x in args.only.split(",") if x.strip()]
    OUT.mkdir(exist_ok=True)
    PYCACHE.mkdir(exist_ok=True)
    result: dict = {"machine": machine(), "runs": args.runs, "target_ms": TARGET_MS, "window": [COLS, ROWS],
                    "load_before": [round(x, 2) for x in os.getloadavg()], "books": {}}
    with tempfile.TemporaryDirectory(prefix="memo-launch-") as tmp:
        work = Path(tmp)
        targets: dict[str, list[str]] = {}
        if "floor" in wanted:
            targets["floor"] = [sys.executable, str(HERE / "floor_app.py")]
        if "empty" in wanted:
            from memo.db import open_book

            empty = work / "empty" / "book.db"
            empty.parent.mkdir()
            open_book(empty).close()
            targets["empty"] = _memo_command(empty, args.date)
            result["books"]["empty"] = "a new book (schema only)"
        if "100k" in wanted:
            if not args.book.exists():
                from make_book import make_book

                print(f"building {args.book}...", file=sys.stderr, flush=True)
                make_book(args.book, 100_000, 1, None, quiet=False)
            big = work / "big" / "book.db"
            big.parent.mkdir()
            shutil.copyfile(args.book, big)
            os.chmod(big, 0o600)
            targets["100k"] = _memo_command(big, args.date)
            result["books"]["100k"] = f"{args.book} ({args.book.stat().st_size / 2**20:.0f} MB), copied"
        expect = {"floor": "floor", "empty": "大堂备忘", "100k": "大堂备忘"}
        result["targets"] = measure(targets, args.runs, work, expect)
    if args.importtime:
        with tempfile.TemporaryDirectory(prefix="memo-import-") as tmp:
            from memo.db import open_book

            empty = Path(tmp) / "book.db"
            open_book(empty).close()
            result["importtime"] = {label: importtime([a.replace("{empty}", str(empty)) for a in args_])
                                    for label, args_ in IMPORTS.items()}
    result["load_after"] = [round(x, 2) for x in os.getloadavg()]
    print(report(result))
    (OUT / "launch.json").write_text(json.dumps(result, ensure_ascii=False, indent=1), encoding="utf-8")
    big = result["targets"].get("100k")
    return 0 if big is None or big["p95_ms"] <= TARGET_MS else 1


if __name__ == "__main__":
    sys.exit(main())
