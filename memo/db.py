"""Opening a book: the SQLite file, its pragmas, its permissions and its schema version.

Nothing here runs at import time; `open_book` is the one factory the CLI, the app and the tests
call. Reads and writes go through `Book.read()` / `Book.write()`: one write is one transaction,
begun IMMEDIATE so two writers queue on the busy timeout instead of failing half-way.
"""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import Engine, create_engine, event, text
from sqlmodel import Session, SQLModel

from memo import models  # noqa: F401  (registers the tables on SQLModel.metadata)

SCHEMA_VERSION = 2  # PRAGMA user_version; bump with each alembic revision
ALEMBIC_HEAD = "0002"
BUSY_TIMEOUT_MS = 5000
APP_NAME = "lobby-memo"


class BookError(Exception):
    """A book that cannot be opened. .code is a catalog key, .value names the file."""

    def __init__(self, code: str, value: str):
        super().__init__(f"{code}: {value}")
        self.code = code
        self.value = value


def data_dir() -> Path:
    from platformdirs import user_data_path

    return user_data_path(APP_NAME, appauthor=False)


def default_book_path() -> Path:
    env = os.environ.get("MEMO_DB")
    return Path(env).expanduser() if env else data_dir() / "book.db"


def _touch_private(path: Path) -> None:
    """Create the file owner-only before SQLite does; SQLite gives -wal/-shm the same mode."""
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    fd = os.open(path, os.O_CREAT | os.O_RDWR, 0o600)
    os.close(fd)
    os.chmod(path, 0o600)


def _make_engine(path: Path) -> Engine:
    engine = create_engine(
        f"sqlite:///{path}",
        connect_args={"check_same_thread": False, "isolation_level": None},
    )

    @event.listens_for(engine, "connect")
    def _pragmas(dbapi_conn, _record) -> None:  # noqa: ANN001
        cur = dbapi_conn.cursor()
        cur.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        cur.execute("PRAGMA journal_mode = WAL")
        cur.execute("PRAGMA synchronous = FULL")  # a saved line survives a power cut
        cur.execute("PRAGMA foreign_keys = ON")
        cur.execute("PRAGMA cache_size = -65536")  # 64 MB: the search indexes stay in memory
        cur.execute("PRAGMA mmap_size = 268435456")
        cur.close()

    # pysqlite's own transaction handling is off (isolation_level=None): we say BEGIN ourselves,
    # IMMEDIATE for writers so the write lock is taken up front.
    @event.listens_for(engine, "begin")
    def _begin(conn) -> None:  # noqa: ANN001
        immediate = conn.get_execution_options().get("memo_write", False)
        conn.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")

    return engine


@dataclass
class Book:
    path: Path
    engine: Engine

    @contextmanager
    def read(self) -> Iterator[Session]:
        with Session(self.engine, expire_on_commit=False) as session:
            yield session

    @contextmanager
    def write(self) -> Iterator[Session]:
        """One transaction: committed when the block ends, rolled back whole if it raises."""
        bind = self.engine.execution_options(memo_write=True)
        with Session(bind, expire_on_commit=False) as session:
            with session.begin():
                yield session

    @contextmanager
    def raw(self) -> Iterator[sqlite3.Connection]:
        """The driver's sqlite3 connection inside one read transaction (one snapshot), for hot
        paths where SQLAlchemy's per-statement cost would show."""
        with self.read() as session:
            yield session.connection().connection.driver_connection

    def close(self) -> None:
        self.engine.dispose()


def open_book(path: Path | str | None = None) -> Book:
    """Open (creating if need be) the book at `path`, or the default one, at the current schema."""
    path = Path(path).expanduser() if path is not None else default_book_path()
    if path.is_dir():
        raise BookError("book.is_dir", str(path))
    _refuse_foreign(path)
    try:
        _touch_private(path)
    except OSError as exc:
        raise BookError("book.cannot_open", f"{path}: {exc.strerror}") from exc
    engine = _make_engine(path)
    book = Book(path=path, engine=engine)
    try:
        _ensure_schema(book)
    except BookError:
        engine.dispose()
        raise
    except Exception as exc:  # a file that is not SQLite, a locked or read-only one
        engine.dispose()
        # The driver's own words ("file is not a database"), not SQLAlchemy's wrapper, which
        # adds the SQL and a second line with a help link: the CLI promises one clear line.
        reason = getattr(exc, "orig", None) or exc
        raise BookError("book.cannot_open", f"{path}: {reason}") from exc
    return book


def _refuse_foreign(path: Path) -> None:
    """Refuse an existing file that is not a book before anything touches it.

    `--db` pointed at the wrong file must not get its mode changed, its journal switched to WAL
    or (for another program's SQLite database: tables, but no alembic_version) our tables
    written into it by a "migration". A plain sqlite3 connection reads without writing.
    """
    if not path.is_file() or path.stat().st_size == 0:
        return  # nothing yet: a new book
    try:
        conn = sqlite3.connect(path)
        try:
            tables = {row[0] for row in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
        finally:
            conn.close()
    except sqlite3.Error as exc:
        raise BookError("book.cannot_open", f"{path}: {exc}") from exc
    if tables and "alembic_version" not in tables:
        raise BookError("book.foreign", str(path))


def _ensure_schema(book: Book) -> None:
    with book.engine.connect() as conn:
        version = conn.exec_driver_sql("PRAGMA user_version").scalar_one()
        has_tables = conn.exec_driver_sql(
            "SELECT count(*) FROM sqlite_master WHERE type = 'table'"
        ).scalar_one()
    if version == SCHEMA_VERSION:
        return
    if version > SCHEMA_VERSION:
        raise BookError("book.too_new", str(book.path))
    if version == 0 and not has_tables:
        _create_fresh(book)
        return
    # An older book: alembic is imported only now, when a migration is due, and always after a
    # backup (a failed backup raises BookError and nothing is migrated).
    from memo.backup import backup_before_migration
    from memo.migrate import upgrade

    backup_before_migration(book, version)
    upgrade(book)


def _create_fresh(book: Book) -> None:
    with book.engine.begin() as conn:
        SQLModel.metadata.create_all(conn)
        conn.exec_driver_sql("CREATE TABLE alembic_version (version_num VARCHAR(32) NOT NULL PRIMARY KEY)")
        conn.execute(text("INSERT INTO alembic_version VALUES (:v)"), {"v": ALEMBIC_HEAD})
        conn.exec_driver_sql(f"PRAGMA user_version = {SCHEMA_VERSION}")
