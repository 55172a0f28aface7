"""kill -9 at random moments: nothing acknowledged is lost, nothing is half-written."""

from __future__ import annotations

import os
import random
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from memo.db import open_book

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="SIGKILL")

# Each memo's text is a function of the writer's run and sequence number, long enough to span
# several pages, so a torn write could not pass for a whole one.
#
# One helper process imports the app once (about a second), then forks a fresh writer per run, so
# fifteen kills take a few seconds, not fifteen cold starts. Each writer opens the book itself
# (nothing is shared across the fork) and appends "id run seq" to its acks file, flushed, only
# after jot() has returned, i.e. after the commit.
ZYGOTE = r"""
import os, sys
from memo.db import open_book
from memo import ops

def body(run, seq):
    return f"run{run}-seq{seq}:" + ("备忘" * 40 + str(seq)) * 30

print("ready", flush=True)
for line in sys.stdin:
    db, run, acks = line.rstrip("\n").split("\t")
    pid = os.fork()
    if pid == 0:
        try:
            out = open(acks, "w")
            book = open_book(db)
            seq = 0
            while True:
                memo = ops.jot(book, body(int(run), seq)).memo
                out.write(f"{memo.id} {run} {seq}\n")
                out.flush()
                seq += 1
        finally:
            os._exit(3)
    print(pid, flush=True)
    _, status = os.waitpid(pid, 0)
    print(os.WTERMSIG(status) if os.WIFSIGNALED(status) else -os.WEXITSTATUS(status), flush=True)
"""


def body(run: int, seq: int) -> str:
    return f"run{run}-seq{seq}:" + ("备忘" * 40 + str(seq)) * 30


def _kill_once(zygote: subprocess.Popen, path: Path, run: int, delay: float) -> dict[int, str]:
    acks = path.with_name(f"acks-{run}.txt")
    zygote.stdin.write(f"{path}\t{run}\t{acks}\n")
    zygote.stdin.flush()
    pid = int(zygote.stdout.readline())
    time.sleep(delay)
    os.kill(pid, signal.SIGKILL)
    assert int(zygote.stdout.readline()) == signal.SIGKILL, "the writer died before the kill"
    acked: dict[int, str] = {}
    for line in acks.read_text().splitlines() if acks.exists() else []:
        parts = line.split()
        if len(parts) != 3:
            continue  # a line cut by the kill: not acknowledged
        memo_id, r, seq = (int(p) for p in parts)
        acked[memo_id] = body(r, seq)
    return acked


def _check(path: Path, acked: dict[int, str]) -> None:
    conn = sqlite3.connect(path)
    try:
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        rows = dict(conn.execute("SELECT id, text FROM memo"))
    finally:
        conn.close()
    for memo_id, text in acked.items():
        assert rows.get(memo_id) == text, f"acknowledged memo {memo_id} lost or changed"
    for memo_id, text in rows.items():
        head, _, _ = text.partition(":")
        run, seq = (int(x) for x in head.removeprefix("run").split("-seq"))
        assert text == body(run, seq), f"memo {memo_id} is half-written"


def test_kill_9_loses_no_acknowledged_write(tmp_path: Path) -> None:
    path = tmp_path / "book.db"
    open_book(path).close()  # schema first: the kills are about memo writes
    rng = random.Random(20261129)
    acked: dict[int, str] = {}
    zygote = subprocess.Popen([sys.executable, "-c", ZYGOTE], stdin=subprocess.PIPE,
                              stdout=subprocess.PIPE, text=True)
    try:
        assert zygote.stdout.readline().strip() == "ready"
        started = time.monotonic()
        for run in range(15):
            got = _kill_once(zygote, path, run, rng.uniform(0.02, 0.3))
            assert not set(got) & set(acked), "an id was reused for a different memo"
            acked.update(got)
            _check(path, acked)
            if time.monotonic() - started > 15:
                break
    finally:
        zygote.stdin.close()
        zygote.wait(timeout=10)
    assert len(acked) > 15, "the writer never got going; the test proved nothing"
    # And the book still opens through the app's own path, WAL replayed, all rows there.
    book = open_book(path)
    try:
        with book.read() as session:
            n = session.connection().exec_driver_sql("SELECT count(*) FROM memo").scalar_one()
        assert n >= len(acked)
    finally:
        book.close()
