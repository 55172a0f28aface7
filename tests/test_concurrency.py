"""The app, the CLI and scripts on one book at once: writes queue, none fails, the app notices."""

from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys
import time
from pathlib import Path

from textual.widgets import DataTable

from memo import ops
from memo.app import MemoApp
from memo.db import open_book
from memo.i18n import t

from .conftest import TODAY, settle
from .test_app import SIZE


async def wait_until(pilot, condition, what: str, seconds: float = 3.0) -> None:  # noqa: ANN001
    for _ in range(int(seconds / 0.05)):
        if condition():
            return
        await pilot.pause(0.05)
    raise AssertionError(f"not within {seconds} s: {what}")

BURST = 100

# Imports first (a second or so), then wait for "go" so every writer starts its burst together.
WRITER = r"""
import sys
from memo.db import open_book
from memo import ops
book = open_book(sys.argv[1])
name = sys.argv[2]
print("ready", flush=True)
sys.stdin.readline()
for i in range(int(sys.argv[3])):
    ops.jot(book, f"{name}-{i}")
print("done", flush=True)
"""

READER = r"""
import datetime as dt, sys
from memo.db import open_book
from memo import ops
book = open_book(sys.argv[1])
print("ready", flush=True)
sys.stdin.readline()
reads = 0
while True:
    ops.today(book, dt.date.today())
    ops.find(book, "w1")
    with book.read() as session:
        session.connection().exec_driver_sql("SELECT count(*) FROM memo").scalar_one()
    reads += 1
    if reads >= 30 and book.path.with_suffix(".stop").exists():
        break
print("reads", reads, flush=True)
"""


def _spawn(script: str, *args: str) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-c", script, *args], stdin=subprocess.PIPE,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def test_burst_of_writers_and_a_reader_never_lock(tmp_path: Path) -> None:
    path = tmp_path / "book.db"
    open_book(path).close()
    writers = [_spawn(WRITER, str(path), f"w{k}", str(BURST)) for k in range(3)]
    reader = _spawn(READER, str(path))
    memo_cli = Path(sys.executable).with_name("memo")
    env = {**os.environ, "MEMO_LANG": "en"}
    for proc in [*writers, reader]:  # all started at once; each imports, opens, says ready
        assert proc.stdout.readline().strip() == "ready", proc.stderr.read()
    started = time.monotonic()
    for proc in [*writers, reader]:
        proc.stdin.write("go\n")
        proc.stdin.flush()
    # The CLI joins in while the burst runs (its start-up overlaps the scripts' writes).
    cli = [subprocess.Popen([str(memo_cli), "jot", f"cli-{k}", "--db", str(path)], env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
           for k in range(2)]
    results = []
    for proc in [*writers, *cli]:
        out, err = proc.communicate(timeout=60)
        results.append((proc.returncode, out, err))
    burst = time.monotonic() - started
    path.with_suffix(".stop").touch()
    r_out, r_err = reader.communicate(timeout=60)
    for code, out, err in [*results, (reader.returncode, r_out, r_err)]:
        assert "locked" not in err.lower() and "busy" not in err.lower(), err
        assert code == 0, err
    book = open_book(path)
    try:
        with book.read() as session:
            texts = [r[0] for r in session.connection().exec_driver_sql("SELECT text FROM memo")]
    finally:
        book.close()
    expected = {f"w{k}-{i}" for k in range(3) for i in range(BURST)} | {"cli-0", "cli-1"}
    assert sorted(texts) == sorted(expected)  # every write there, exactly once
    print(f"burst of {len(expected)} writes from 5 processes: {burst:.2f} s")


def _notes(app: MemoApp) -> list[str]:
    return [str(n.message) for n in app._notifications]


async def test_app_notices_another_process_and_refreshes(book) -> None:  # noqa: ANN001
    ops.jot(book, "already due", due=TODAY)
    async with MemoApp(book, today=TODAY, lang="en").run_test(size=SIZE) as pilot:
        await settle(pilot)
        table = pilot.app.screen.query_one("#due", DataTable)
        assert table.row_count == 1
        other = open_book(book.path)  # another connection, another engine: as the CLI would be
        try:
            memo = ops.jot(other, "from the CLI: call back", due=TODAY).memo
        finally:
            other.close()
        await wait_until(pilot, lambda: table.row_count == 2 and f"None:{memo.id}" in
                         [r.key.value for r in table.ordered_rows], "the other write shown")
        assert t("app.changed_elsewhere") in _notes(pilot.app)


async def test_a_book_file_replaced_under_the_app_is_told_once(book, tmp_path: Path) -> None:  # noqa: ANN001
    """Another `memo demo` (or a restore) puts a new file at the book's path: the app says so,
    once, instead of reading one file and writing another."""
    async with MemoApp(book, today=TODAY, lang="en").run_test(size=SIZE) as pilot:
        await settle(pilot)
        other = tmp_path / "other.db"
        open_book(other).close()
        for suffix in ("-wal", "-shm"):
            Path(f"{book.path}{suffix}").unlink(missing_ok=True)
        os.replace(other, book.path)
        told = t("app.error", error=t("book.replaced", value=str(book.path)))
        await wait_until(pilot, lambda: told in _notes(pilot.app), "the replaced file told")
        await pilot.pause(2.5)  # more polls go by: told once only
        assert _notes(pilot.app).count(told) == 1


async def test_own_writes_are_not_reported_as_from_elsewhere(book) -> None:  # noqa: ANN001
    ops.jot(book, "to resolve", due=TODAY)
    async with MemoApp(book, today=TODAY, lang="en").run_test(size=SIZE) as pilot:
        await settle(pilot)
        table = pilot.app.screen.query_one("#due", DataTable)
        await pilot.press("enter", *"done", "enter")  # a memo naming no client: Enter closes it
        await wait_until(pilot, lambda: table.row_count == 0, "resolved row gone")
        await pilot.pause(1.5)  # a poll or two go by
        await settle(pilot)
        assert t("app.changed_elsewhere") not in _notes(pilot.app)
    assert ops.today(book, TODAY).due_count == 0


async def test_app_refreshes_on_write_through_the_same_book_in_another_thread(book) -> None:  # noqa: ANN001
    async with MemoApp(book, today=TODAY, lang="en").run_test(size=SIZE) as pilot:
        await settle(pilot)
        table = pilot.app.screen.query_one("#due", DataTable)
        ops.jot(book, "written by a helper", due=TODAY - dt.timedelta(days=1))
        await wait_until(pilot, lambda: table.row_count == 1, "the write shown")
