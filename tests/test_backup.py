"""Backups through SQLite's backup API, the daily one and its pruning, and a checked restore."""

from __future__ import annotations

import datetime as dt
import json
import sqlite3
from pathlib import Path

import pytest

from memo import backup, cli, ops
from memo.db import SCHEMA_VERSION, Book, BookError, open_book

from .conftest import mode as _mode, fill_sample

DAY = dt.date(2026, 11, 29)


def _names(book: Book) -> list[str]:
    with book.engine.connect() as conn:
        return [r[0] for r in conn.exec_driver_sql("SELECT name FROM client ORDER BY id")]


def _rows(path: Path, sql: str = "SELECT name FROM client ORDER BY id") -> list:
    conn = sqlite3.connect(path)
    try:
        return conn.execute(sql).fetchall()
    finally:
        conn.close()


def test_daily_backup_once_a_day_private_and_consistent(sample) -> None:  # noqa: ANN001
    book, _ = sample
    made = backup.daily_backup(book, DAY)
    assert made == book.path.parent / "backups" / "book-2026-11-29.db"
    assert _mode(made.parent) == 0o700 and _mode(made) == 0o600
    assert not Path(f"{made}-wal").exists()  # a self-contained file
    assert _rows(made) == [(n,) for n in _names(book)]
    assert _rows(made, "PRAGMA integrity_check") == [("ok",)]
    ops.add_client(book, "后来的", [])
    assert backup.daily_backup(book, DAY) is None  # the second start of the day makes none
    assert "后来的" not in [r[0] for r in _rows(made)]
    nxt = backup.daily_backup(book, DAY + dt.timedelta(days=1))
    assert nxt is not None and ("后来的",) in _rows(nxt)


def test_daily_backup_prunes_those_older_than_30_days(book: Book) -> None:
    folder = book.path.parent / "backups"
    folder.mkdir()
    for days in (1, 29, 30, 31, 45):
        (folder / f"book-{DAY - dt.timedelta(days=days)}.db").write_bytes(b"x")
    other = folder / "notes.txt"
    other.write_text("kept")
    another_book = folder / f"other-{DAY - dt.timedelta(days=90)}.db"
    another_book.write_bytes(b"x")
    backup.daily_backup(book, DAY)
    left = sorted(p.name for p in folder.iterdir())
    assert left == sorted([f"book-{DAY - dt.timedelta(days=d)}.db" for d in (0, 1, 29, 30)]
                          + ["notes.txt", another_book.name])


def test_backup_to_a_file_refuses_to_overwrite(book: Book, tmp_path: Path) -> None:
    dest = backup.backup_to(book, tmp_path / "copy.db")
    assert _mode(dest) == 0o600
    with pytest.raises(BookError) as err:
        backup.backup_to(book, dest)
    assert err.value.code == "backup.exists"
    into_dir = backup.backup_to(book, tmp_path)
    assert into_dir.parent == tmp_path and into_dir.name.startswith("book-")


def test_restore_puts_the_backup_in_place_and_keeps_the_replaced_book(sample, tmp_path: Path) -> None:  # noqa: ANN001
    book, _ = sample
    saved = backup.backup_to(book, tmp_path / "saved.db")
    before = _names(book)
    ops.add_client(book, "误操作", [])
    kept = backup.restore(book, saved, now=dt.datetime(2026, 11, 29, 10, 15, 0))
    assert kept == book.path.parent / "book.replaced-20261129-101500.db"
    assert _mode(kept) == 0o600 and _mode(book.path) == 0o600
    assert "误操作" in [r[0] for r in _rows(kept)]
    assert _names(book) == before  # the open book sees the restored contents at once
    book.close()
    again = open_book(book.path)
    try:
        assert _names(again) == before
        assert ops.find(again, "8000")
    finally:
        again.close()


def _corrupt(tmp_path: Path, book: Book) -> Path:
    bad = backup.backup_to(book, tmp_path / "corrupt.db")
    data = bytearray(bad.read_bytes())
    for i in range(4096, len(data), 97):  # scribble over every page after the header
        data[i] = 0x5A
    bad.write_bytes(bytes(data))
    return bad


def _foreign(tmp_path: Path) -> Path:
    path = tmp_path / "foreign.db"
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE things (x)")
    conn.commit()
    conn.close()
    return path


def _too_new(tmp_path: Path, book: Book) -> Path:
    path = backup.backup_to(book, tmp_path / "newer.db")
    conn = sqlite3.connect(path)
    conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    conn.commit()
    conn.close()
    return path


def _text(tmp_path: Path, _book: Book) -> Path:
    path = tmp_path / "notes.db"
    path.write_text("not a database at all " * 100)
    return path


@pytest.mark.parametrize("make, code", [
    (lambda tmp, book: _corrupt(tmp, book), "backup.corrupt"),
    (lambda tmp, book: _foreign(tmp), "backup.not_memo"),
    (lambda tmp, book: _too_new(tmp, book), "backup.too_new"),
    (_text, "backup.corrupt"),
    (lambda tmp, book: tmp / "missing.db", "backup.not_found"),
])
def test_restore_refuses_a_bad_file_and_changes_nothing(sample, tmp_path: Path, make, code: str) -> None:  # noqa: ANN001
    book, _ = sample
    bad = make(tmp_path, book)
    book.close()  # every write is in the main file: its bytes are the book
    before = book.path.read_bytes()
    listing = sorted(p.name for p in book.path.parent.iterdir())
    with pytest.raises(BookError) as err:
        backup.restore(book.path, bad)
    assert err.value.code == code
    assert str(bad) in err.value.value
    assert book.path.read_bytes() == before
    assert sorted(p.name for p in book.path.parent.iterdir()) == listing  # nothing left behind


def test_a_restored_older_book_migrates_on_open(sample, tmp_path: Path) -> None:  # noqa: ANN001
    book, _ = sample
    old = backup.backup_to(book, tmp_path / "old.db")
    conn = sqlite3.connect(old)
    conn.execute("PRAGMA user_version = 0")
    conn.commit()
    conn.close()
    assert backup.check_book_file(old) == 0
    backup.restore(book, old)
    book.close()
    reopened = open_book(book.path)
    try:
        assert reopened.engine.connect().exec_driver_sql("PRAGMA user_version").scalar_one() == SCHEMA_VERSION
    finally:
        reopened.close()


# --- the command line -----------------------------------------------------------------------------


def _run(capsys: pytest.CaptureFixture, *argv: str) -> tuple[int, str, str]:
    capsys.readouterr()
    code = cli.main([*argv, "--lang", "en"])
    out, err = capsys.readouterr()
    return code, out, err


def test_cli_backup_and_restore(tmp_path: Path, capsys: pytest.CaptureFixture) -> None:
    db = tmp_path / "book.db"
    book = open_book(db)
    fill_sample(book)
    book.close()
    code, out, err = _run(capsys, "backup", "--db", str(db), "--json")
    assert code == 0, err
    made = Path(json.loads(out)["path"])
    assert made.parent == tmp_path / "backups" and _mode(made) == 0o600
    code, out, err = _run(capsys, "backup", "--out", str(tmp_path / "mine.db"), "--db", str(db))
    assert code == 0 and "Backed up to" in out and _mode(tmp_path / "mine.db") == 0o600
    code, out, err = _run(capsys, "client", "add", "--name", "多余", "--db", str(db))
    assert code == 0
    code, out, err = _run(capsys, "restore", str(tmp_path / "mine.db"), "--db", str(db), "--json")
    assert code == 0, err
    data = json.loads(out)
    assert Path(data["kept"]).name.startswith("book.replaced-")
    code, out, _ = _run(capsys, "find", "多余", "--db", str(db), "--json")
    assert json.loads(out) == []


def test_cli_restore_of_a_bad_file_is_one_line(tmp_path: Path, capsys: pytest.CaptureFixture) -> None:
    db = tmp_path / "book.db"
    open_book(db).close()
    bad = _foreign(tmp_path)
    before = db.read_bytes()
    code, out, err = _run(capsys, "restore", str(bad), "--db", str(db))
    assert code == 1 and out == ""
    assert len(err.strip().splitlines()) == 1 and str(bad) in err and "not a Lobby Memo book" in err
    assert db.read_bytes() == before


def test_restore_replaces_a_book_that_no_longer_opens(tmp_path, capsys) -> None:
    """A corrupt book is exactly when a restore is needed: the CLI must not try to open it first."""
    from memo import ops
    from memo.backup import make_backup
    from memo.cli import main
    from memo.db import open_book

    path = tmp_path / "book.db"
    book = open_book(path)
    ops.add_client(book, "张三", ["13800138000"])
    saved = make_backup(book)
    book.close()
    path.write_bytes(b"this is not a database any more" * 100)
    assert main(["restore", str(saved), "--db", str(path), "--lang", "en"]) == 0
    book = open_book(path)
    assert [h.name for h in ops.find(book, "8000")] == ["张三"]
    book.close()
