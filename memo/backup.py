"""Backups of the book, and putting one back.

Copies go through SQLite's online backup API (a consistent snapshot even while the app writes,
WAL included) into `backups/` beside the book (0700), each file 0600 and self-contained
(rollback journal, no -wal). `daily_backup` makes one at the first start of each day and prunes
those older than KEEP_DAYS; a migration makes one first (memo.db). `restore` checks a file
(integrity, a Lobby Memo book, a schema this version knows) before anything is replaced, keeps
the replaced book beside it, and writes the backup into the live path through the backup API,
so a process that has the book open sees the new contents rather than a deleted file.
"""

from __future__ import annotations

import datetime as dt
import os
import re
import sqlite3
from pathlib import Path

from memo.db import SCHEMA_VERSION, Book, BookError

__all__ = ["KEEP_DAYS", "backup_before_migration", "backup_to", "backups_dir", "check_book_file", "daily_backup",
           "make_backup", "prune", "restore"]

KEEP_DAYS = 30
BACKUP_DIR = "backups"


def _path(book: Book | Path | str) -> Path:
    return book.path if isinstance(book, Book) else Path(book).expanduser()


def backups_dir(book: Book | Path | str) -> Path:
    folder = _path(book).parent / BACKUP_DIR
    folder.mkdir(parents=True, exist_ok=True, mode=0o700)
    os.chmod(folder, 0o700)
    return folder


def _private_file(path: Path) -> None:
    fd = os.open(path, os.O_CREAT | os.O_WRONLY | os.O_TRUNC, 0o600)
    os.fchmod(fd, 0o600)
    os.close(fd)


def _connect(path: Path, readonly: bool = False) -> sqlite3.Connection:
    if readonly:
        conn = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
    else:
        conn = sqlite3.connect(path)
    conn.execute("PRAGMA busy_timeout = 5000")
    return conn


def _copy(src_path: Path, dest: Path, *, readonly_source: bool = False) -> None:
    """A snapshot of `src_path` written to `dest` (0600) via a temporary file and a rename."""
    tmp = dest.with_name(f".{dest.name}.tmp-{os.getpid()}")
    try:
        _private_file(tmp)
        src = _connect(src_path, readonly=readonly_source)
        try:
            dst = sqlite3.connect(tmp)
            try:
                src.backup(dst)
                dst.execute("PRAGMA journal_mode = DELETE")  # one self-contained file
            finally:
                dst.close()
        finally:
            src.close()
        os.replace(tmp, dest)
        os.chmod(dest, 0o600)
    finally:
        for leftover in (tmp, Path(f"{tmp}-journal"), Path(f"{tmp}-wal"), Path(f"{tmp}-shm")):
            leftover.unlink(missing_ok=True)


def backup_to(book: Book | Path | str, dest: Path | str) -> Path:
    """Copy the book to `dest` (a file, or a folder to put a dated file in); refuses to overwrite."""
    src = _path(book)
    dest = Path(dest).expanduser()
    if dest.is_dir():
        dest = dest / f"{src.stem}-{dt.datetime.now():%Y-%m-%d-%H%M%S}.db"
    if dest.exists():
        raise BookError("backup.exists", str(dest))
    try:
        dest.parent.mkdir(parents=True, exist_ok=True)
        _copy(src, dest)
    except (OSError, sqlite3.Error) as exc:
        raise BookError("backup.failed", f"{dest}: {exc}") from exc
    return dest


def make_backup(book: Book | Path | str, now: dt.datetime | None = None, tag: str = "") -> Path:
    """A backup into backups/: <stem>-YYYY-MM-DD-HHMMSS[-tag].db."""
    now = now or dt.datetime.now()
    src = _path(book)
    try:
        folder = backups_dir(src)
        name = f"{src.stem}-{now:%Y-%m-%d-%H%M%S}{'-' + tag if tag else ''}.db"
        dest = folder / name
        _copy(src, dest)
    except (OSError, sqlite3.Error) as exc:
        raise BookError("backup.failed", f"{src}: {exc}") from exc
    return dest


def backup_before_migration(book: Book | Path | str, from_version: int) -> Path:
    """The backup a migration waits for (memo.db calls this before alembic runs)."""
    return make_backup(book, tag=f"before-migration-v{from_version}")


def _dated(folder: Path, stem: str) -> list[tuple[dt.date, Path]]:
    pattern = re.compile(rf"{re.escape(stem)}-(\d{{4}}-\d{{2}}-\d{{2}})(?:-[A-Za-z0-9-]+)?\.db")
    found = []
    for path in folder.iterdir():
        match = pattern.fullmatch(path.name)
        if match and path.is_file():
            try:
                found.append((dt.date.fromisoformat(match.group(1)), path))
            except ValueError:
                continue
    return found


def prune(book: Book | Path | str, today: dt.date, keep_days: int = KEEP_DAYS) -> list[Path]:
    """Delete this book's backups in backups/ dated more than `keep_days` days before today."""
    src = _path(book)
    folder = src.parent / BACKUP_DIR
    if not folder.is_dir():
        return []
    gone = []
    for day, path in _dated(folder, src.stem):
        if (today - day).days > keep_days:
            try:
                path.unlink()
                gone.append(path)
            except OSError:
                pass
    return sorted(gone)


def daily_backup(book: Book | Path | str, today: dt.date | None = None) -> Path | None:
    """At the first start of a day: backups/<stem>-YYYY-MM-DD.db, then old ones pruned.

    None when today's backup is already there (a second start the same day).
    """
    today = today or dt.date.today()
    src = _path(book)
    folder = backups_dir(src)
    dest = folder / f"{src.stem}-{today.isoformat()}.db"
    made = None
    if not dest.exists():
        try:
            _copy(src, dest)
        except (OSError, sqlite3.Error) as exc:
            raise BookError("backup.failed", f"{dest}: {exc}") from exc
        made = dest
    prune(src, today)
    return made


# --- restore -------------------------------------------------------------------------------------


def check_book_file(path: Path) -> int:
    """The schema version of a Lobby Memo book file, or BookError naming it; reads only."""
    try:
        conn = _connect(path, readonly=True)
        try:
            result = conn.execute("PRAGMA integrity_check").fetchall()
            if result != [("ok",)]:
                raise BookError("backup.corrupt", str(path))
            tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
            if "alembic_version" not in tables or "client" not in tables:
                raise BookError("backup.not_memo", str(path))
            if conn.execute("SELECT count(*) FROM alembic_version").fetchone()[0] != 1:
                raise BookError("backup.not_memo", str(path))
            version = conn.execute("PRAGMA user_version").fetchone()[0]
        finally:
            conn.close()
    except sqlite3.Error as exc:
        raise BookError("backup.corrupt", f"{path}: {exc}") from exc
    if version > SCHEMA_VERSION:
        raise BookError("backup.too_new", str(path))
    return version


def restore(book: Book | Path | str, source: Path | str, now: dt.datetime | None = None) -> Path | None:
    """Put the backup `source` in place of the book; returns where the replaced book was kept.

    The file is copied aside and checked first: a bad one changes nothing. The replaced book is
    kept as <stem>.replaced-YYYYmmdd-HHMMSS.db (0600) beside it (None when there was no book).
    """
    target = _path(book)
    source = Path(source).expanduser()
    if not source.is_file():
        raise BookError("backup.not_found", str(source))
    now = now or dt.datetime.now()
    staged = target.with_name(f".{target.name}.restore-{os.getpid()}")
    try:
        try:
            # a snapshot, read-only (the file is not ours): the check and the restore see the same bytes
            _copy(source, staged, readonly_source=True)
        except sqlite3.Error as exc:
            raise BookError("backup.corrupt", f"{source}: {exc}") from exc
        except OSError as exc:
            raise BookError("backup.failed", f"{source}: {exc}") from exc
        try:
            check_book_file(staged)
        except BookError as exc:
            raise BookError(exc.code, str(source)) from exc
        kept = None
        try:
            if target.exists() and target.stat().st_size > 0:
                kept = target.with_name(f"{target.stem}.replaced-{now:%Y%m%d-%H%M%S}.db")
                try:
                    _copy(target, kept)
                except sqlite3.DatabaseError:
                    # The book itself is broken (the reason to restore): keep its bytes as they
                    # are, then put the checked copy in its place.
                    _set_aside(target, kept)
                    os.replace(staged, target)
                    os.chmod(target, 0o600)
                else:
                    _write_into(staged, target)
            else:
                os.replace(staged, target)
                os.chmod(target, 0o600)
        except (OSError, sqlite3.Error) as exc:
            raise BookError("backup.failed", f"{target}: {exc}") from exc
        return kept
    finally:
        for leftover in (staged, Path(f"{staged}-journal")):
            leftover.unlink(missing_ok=True)


def _set_aside(target: Path, kept: Path) -> None:
    os.replace(target, kept)
    os.chmod(kept, 0o600)
    for suffix in ("-wal", "-shm"):
        Path(f"{target}{suffix}").unlink(missing_ok=True)  # they belong to the broken file


def _write_into(staged: Path, target: Path) -> None:
    """The staged copy's pages written into the live book, under SQLite's own locks (WAL kept)."""
    src = sqlite3.connect(staged)
    try:
        dst = _connect(target)
        try:
            src.backup(dst)
        finally:
            dst.close()
    finally:
        src.close()
    os.chmod(target, 0o600)
