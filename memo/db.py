"""Opening a book: the SQLite file, its pragmas, its permissions and its schema version.

Nothing here runs at import time; `open_book` is the one factory the CLI, the app and the tests
call. Reads and writes go through `Book.read()` / `Book.write()`: one write is one transaction,
begun IMMEDIATE so two writers queue on the busy timeout instead of failing half-way.
"""

from __future__ import annotations

import itertools
import json
import os
import sqlite3
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from sqlalchemy import Engine
    from sqlmodel import Session

# SQLAlchemy, SQLModel and the models are imported on the first ORM use, not here: the app's
# first screen reads through `Book.raw()` and is on screen before they are loaded.

SCHEMA_VERSION = 2  # PRAGMA user_version; bump with each alembic revision
ALEMBIC_HEAD = "0002"
BUSY_TIMEOUT_MS = 5000
APP_NAME = "lobby-memo"


# A thread's raw connection: the connection, its lock, the Book's generation it was opened in, and
# the name of its scratch database (None: this SQLite has no memdb)
_Raw = tuple[sqlite3.Connection, threading.RLock, int, str | None]


class BookError(Exception):
    """A book that cannot be opened. .code is a catalog key, .value names the file."""

    def __init__(self, code: str, value: str):
        super().__init__(f"{code}: {value}")
        self.code = code
        self.value = value


def _file_id(path: Path) -> tuple[int, int] | None:
    try:
        st = os.stat(path)
    except OSError:
        return None
    return st.st_dev, st.st_ino


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


PRAGMAS = (
    f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}",
    "PRAGMA journal_mode = WAL",
    "PRAGMA synchronous = FULL",  # a saved line survives a power cut
    "PRAGMA foreign_keys = ON",
    "PRAGMA cache_size = -65536",  # 64 MB: the search indexes stay in memory
    "PRAGMA mmap_size = 268435456",
    "PRAGMA temp_store = MEMORY",  # the today list's scratch tables and sorts
)


def _set_pragmas(dbapi_conn) -> None:  # noqa: ANN001
    cur = dbapi_conn.cursor()
    for pragma in PRAGMAS:
        cur.execute(pragma)
    cur.close()


_SCRATCH = itertools.count()  # names the scratch databases of the process
# memdb databases shared between connections by a "/name": SQLite 3.36 and later
SHARED_MEMDB = sqlite3.sqlite_version_info >= (3, 36)


def _connect(path: Path, pragmas: bool = True) -> sqlite3.Connection:
    """A raw connection, opened by URI (never creating the file) so that ATTACH reads a URI too
    (a scratch database in memory); with the pragmas."""
    conn = sqlite3.connect(f"{Path(path).absolute().as_uri()}?mode=rw", uri=True, isolation_level=None,
                           check_same_thread=False)
    if pragmas:
        _set_pragmas(conn)
    return conn


def _attach_scratch(conn: sqlite3.Connection, uri: str | None = None) -> str | None:
    """Attach the scratch database `uri` (a new one if None) as `twin`: in memory, shared with the
    connections of this process that attach it by the same name. None where this SQLite cannot
    share one (the caller then reads alone)."""
    if not SHARED_MEMDB:
        return None
    uri = uri or f"file:/memo-scratch-{os.getpid()}-{next(_SCRATCH)}?vfs=memdb"
    try:
        conn.execute("ATTACH DATABASE ? AS twin", (uri,))
    except sqlite3.Error:  # no memdb in this build
        return None
    return uri


@dataclass
class _Pair:
    """raw_pair()'s second reader, the scratch it has attached now, and the third connection,
    which only ever takes the book's write lock for a moment and never waits for it."""

    reader: sqlite3.Connection
    locker: sqlite3.Connection
    attached: str | None = None

    def close(self) -> None:
        self.reader.close()
        self.locker.close()


def _make_engine(path: Path) -> Engine:
    from sqlalchemy import create_engine, event

    from memo import models  # noqa: F401  (registers the tables on SQLModel.metadata)

    engine = create_engine(
        f"sqlite:///{path}",
        connect_args={"check_same_thread": False, "isolation_level": None},
    )

    @event.listens_for(engine, "connect")
    def _pragmas(dbapi_conn, _record) -> None:  # noqa: ANN001
        _set_pragmas(dbapi_conn)

    # pysqlite's own transaction handling is off (isolation_level=None): we say BEGIN ourselves,
    # IMMEDIATE for writers so the write lock is taken up front.
    @event.listens_for(engine, "begin")
    def _begin(conn) -> None:  # noqa: ANN001
        immediate = conn.get_execution_options().get("memo_write", False)
        conn.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")

    return engine


class Book:
    """One open book: `read()` / `write()` sessions (SQLAlchemy, made on first use), `raw()` for
    hot read paths straight on sqlite3, `setting()` for one setting without the ORM."""

    def __init__(self, path: Path | str, engine: Engine | None = None):
        self.path = Path(path)
        self._engine = engine
        self._lock = threading.Lock()
        self._local = threading.local()
        self._raw_conns: list[_Raw] = []
        self._generation = 0  # bumped by close(): a thread's older connection is gone
        self.commit_hooks: list[Callable[[], None]] = []  # called on each commit (any thread)
        self._pair_lock = threading.Lock()  # held by the thread reading with the pair
        self._pair: _Pair | None = None  # opened on first use
        # Connections are opened as they are needed, by path: each checks the path still names the
        # file the book was opened on (another `memo demo` or a restore may have put a new file
        # there), or one book would read and write two files.
        self._file = _file_id(self.path)

    def same_file(self) -> None:
        """BookError("book.replaced") if the book's path now names another file."""
        now = _file_id(self.path)
        if self._file is None:
            self._file = now
        elif now != self._file:
            raise BookError("book.replaced", str(self.path))

    def __repr__(self) -> str:
        return f"Book(path={self.path!r})"

    @property
    def engine(self) -> Engine:
        if self._engine is None:
            with self._lock:
                if self._engine is None:
                    from sqlalchemy import event

                    engine = _make_engine(self.path)
                    event.listen(engine, "connect", lambda *_: self.same_file())
                    event.listen(engine, "commit", self._committed)
                    self._engine = engine
        return self._engine

    def _committed(self, _conn) -> None:  # noqa: ANN001
        for hook in list(self.commit_hooks):
            hook()

    @contextmanager
    def read(self) -> Iterator[Session]:
        from sqlmodel import Session

        with Session(self.engine, expire_on_commit=False) as session:
            yield session

    @contextmanager
    def write(self) -> Iterator[Session]:
        """One transaction: committed when the block ends, rolled back whole if it raises."""
        from sqlmodel import Session

        self.same_file()  # a pooled connection may hold a file since replaced: never write there

        bind = self.engine.execution_options(memo_write=True)
        with Session(bind, expire_on_commit=False) as session:
            with session.begin():
                yield session

    @contextmanager
    def raw_write(self) -> Iterator[sqlite3.Connection]:
        """One write transaction straight on sqlite3, for bulk writers that need no ORM (the
        importer): BEGIN IMMEDIATE on a connection of its own, committed when the block ends,
        rolled back whole if it raises; the commit hooks run just before the commit, as with
        write()."""
        self.same_file()
        with _immediate(self.path, before_commit=self._committed) as conn:
            yield conn

    @contextmanager
    def snapshot(self) -> Iterator[sqlite3.Connection]:
        """A connection of its own inside one read transaction that begins at its first read
        (never an older read this thread has open), closed after."""
        self.same_file()
        conn = _connect(self.path)
        try:
            conn.execute("BEGIN")
            yield conn
        finally:
            conn.close()

    def committing(self) -> None:
        """The commit hooks, for a commit of this process made on a connection the book does not
        hold (the importer's child process): called just before it and again just after."""
        self._committed(None)

    def _thread_raw(self) -> _Raw:
        mine = getattr(self._local, "raw", None)
        if mine is None or mine[2] != self._generation:  # none yet, or closed since
            self.same_file()
            conn = _connect(self.path)
            mine = self._local.raw = (conn, threading.RLock(), self._generation, _attach_scratch(conn))
            with self._lock:
                self._raw_conns.append(mine)
        return mine

    @contextmanager
    def raw(self) -> Iterator[sqlite3.Connection]:
        """This thread's own sqlite3 connection inside one read transaction (one snapshot), for
        hot read paths: no SQLAlchemy, not even imported. Held under the connection's lock, so
        close() from another thread waits for the read to end instead of pulling it away."""
        conn, lock, *_ = self._thread_raw()
        with lock:
            if conn.in_transaction:  # a read inside a read: the same snapshot
                yield conn
                return
            conn.execute("BEGIN")
            try:
                yield conn
            finally:
                conn.execute("COMMIT")  # read only: ends the snapshot

    @contextmanager
    def raw_pair(self) -> Iterator[tuple[sqlite3.Connection, sqlite3.Connection | None]]:
        """raw(), and beside it, when it can be had at once, a second connection reading the very
        same snapshot: another thread can then share one long read (the today list) over the
        machine's cores. Both have the first connection's own scratch database attached as
        `twin` (in memory; every raw() connection has one): the second connection's thread writes
        its rows there and commits, which ends its read, and the first reads them after that.
        The first must not read `twin` before: its read lock would make that commit wait, then
        fail ("database is locked").

        The second is None, and the caller does the whole read itself, inside a read already
        begun, while another thread has the pair (or alone() holds it), while a writer holds
        the book's write lock, and where this SQLite cannot share a memory database."""
        conn, lock, _, scratch = self._thread_raw()
        with lock:
            if conn.in_transaction or scratch is None or not self._pair_lock.acquire(blocking=False):
                with self.raw() as same:
                    yield same, None
                return
            try:
                twin = self._begin_pair(conn, scratch)
                try:
                    yield conn, twin
                finally:
                    try:
                        if twin is not None and twin.in_transaction:  # its thread failed half-way
                            twin.execute("ROLLBACK")
                    finally:
                        conn.execute("COMMIT")
            finally:
                self._pair_lock.release()

    @contextmanager
    def alone(self) -> Iterator[None]:
        """Meanwhile raw_pair() gives no second connection: every read is made on one (the
        benchmark's "one thread" and the tests compare the two ways)."""
        with self._pair_lock:
            yield

    def _begin_pair(self, conn: sqlite3.Connection, scratch: str) -> sqlite3.Connection | None:
        """BEGIN on `conn`, and on the second reader in the same snapshot (None if that cannot be
        had): both take their snapshot while the third connection holds the write lock, so no
        commit falls between them. Called with the pair's lock held and `conn` outside a
        transaction; whatever fails, neither reader is left in a transaction of its own."""
        try:
            if self._pair is None:
                self.same_file()
                self._pair = _Pair(_connect(self.path), _connect(self.path, pragmas=False))
                self._pair.locker.execute("PRAGMA busy_timeout = 0")
            pair = self._pair
            if pair.reader.in_transaction:  # a read of a failed call (it should not happen)
                pair.reader.execute("ROLLBACK")
            if pair.attached != scratch:  # it writes into the scratch of the connection it pairs with
                if pair.attached is not None:
                    pair.reader.execute("DETACH DATABASE twin")
                    pair.attached = None  # not attached to the old one, even if the next line fails
                pair.attached = _attach_scratch(pair.reader, scratch)
            if pair.attached is None:
                conn.execute("BEGIN")
                return None
            try:
                pair.locker.execute("BEGIN IMMEDIATE")
            except sqlite3.OperationalError:  # a writer is at work
                conn.execute("BEGIN")
                return None
            try:
                for reader in (conn, pair.reader):
                    reader.execute("BEGIN")
                    reader.execute("SELECT 1 FROM sqlite_master LIMIT 1")  # the snapshot is taken here
            finally:
                pair.locker.execute("ROLLBACK")
            return pair.reader
        except BaseException:
            for reader in (conn, *((self._pair.reader,) if self._pair else ())):
                if reader.in_transaction:
                    reader.execute("ROLLBACK")
            raise

    def setting(self, key: str, default: Any = None) -> Any:
        """One setting's JSON value, read without the ORM."""
        with self.raw() as conn:
            row = conn.execute("SELECT value FROM setting WHERE key = ?", (key,)).fetchone()
        return json.loads(row[0]) if row else default

    def close(self) -> None:
        if self._engine is not None:
            self._engine.dispose()
        with self._lock:
            conns, self._raw_conns = self._raw_conns, []
            self._generation += 1
        for conn, lock, *_ in conns:
            with lock:  # a read in flight on another thread ends first
                conn.close()
        with self._pair_lock:
            pair, self._pair = self._pair, None
            if pair is not None:
                pair.close()


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
    book = Book(path)
    try:
        _ensure_schema(book)
    except BookError:
        book.close()
        raise
    except Exception as exc:  # a file that is not SQLite, a locked or read-only one
        book.close()
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
    conn = sqlite3.connect(book.path)
    try:
        _set_pragmas(conn)  # WAL from the start, as every later connection has it
        version = conn.execute("PRAGMA user_version").fetchone()[0]
        has_tables = conn.execute("SELECT count(*) FROM sqlite_master WHERE type = 'table'").fetchone()[0]
    finally:
        conn.close()
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
    """The tables of memo/schema.sql (made from the models by tools/make_schema.py), stamped at
    the current revision, in one transaction: no SQLAlchemy to import for a new book."""
    with _immediate(book.path) as conn:
        if conn.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION:
            return  # another process made it while this one waited for the lock
        for statement in schema_statements():
            conn.execute(statement)
        conn.execute("CREATE TABLE alembic_version (version_num VARCHAR(32) NOT NULL PRIMARY KEY)")
        conn.execute("INSERT INTO alembic_version VALUES (?)", (ALEMBIC_HEAD,))
        conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")


@contextmanager
def _immediate(path: Path, before_commit: Callable[[object], None] | None = None) -> Iterator[sqlite3.Connection]:
    """A connection of its own in one write transaction (BEGIN IMMEDIATE): committed when the
    block ends (`before_commit` called just before), rolled back whole if it raises, then closed."""
    conn = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
    try:
        _set_pragmas(conn)
        conn.execute("BEGIN IMMEDIATE")
        try:
            yield conn
            if before_commit is not None:
                before_commit(conn)
        except BaseException:
            if conn.in_transaction:  # sqlite may have rolled back itself (disk full): keep its error
                conn.execute("ROLLBACK")
            raise
        conn.execute("COMMIT")
    finally:
        conn.close()


def schema_statements() -> list[str]:
    """The statements of memo/schema.sql, one by one."""
    text = (Path(__file__).resolve().parent / "schema.sql").read_text(encoding="utf-8")
    statements, pending = [], ""
    for line in text.splitlines(keepends=True):
        if not pending and (not line.strip() or line.startswith("--")):
            continue
        pending += line
        if sqlite3.complete_statement(pending):
            statements.append(pending.strip())
            pending = ""
    return statements
