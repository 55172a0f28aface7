"""Storage: the book file, its pragmas and permissions, the schema and its migration path."""

from __future__ import annotations

import datetime as dt
import os
import re
import sqlite3
import stat
import subprocess
import sys
import threading
from pathlib import Path

import pytest
from sqlalchemy import Float, Numeric, text
from sqlalchemy.exc import IntegrityError
from sqlmodel import SQLModel

from memo import db, ops
from memo.db import ALEMBIC_HEAD, SCHEMA_VERSION, Book, BookError, open_book
from memo.models import Campaign, Client, Contact, Deposit, Holding, Memo


@pytest.fixture
def bk(tmp_path: Path):
    book = open_book(tmp_path / "book.db")
    yield book
    book.close()


def _mode(path: Path) -> int:
    return stat.S_IMODE(os.stat(path).st_mode)


def _pragmas(conn) -> dict[str, object]:  # noqa: ANN001  (a DBAPI or SQLAlchemy connection)
    run = conn.exec_driver_sql if hasattr(conn, "exec_driver_sql") else conn.execute
    return {name: run(f"PRAGMA {name}").fetchone()[0]
            for name in ("journal_mode", "foreign_keys", "synchronous", "busy_timeout")}


def _assert_pragmas(values: dict[str, object]) -> None:
    assert values["journal_mode"] == "wal"
    assert values["foreign_keys"] == 1
    assert values["synchronous"] == 2  # FULL: a saved line survives a power cut
    assert values["busy_timeout"] > 0


# --- the file -----------------------------------------------------------------------------------


def test_open_book_creates_parent_dirs_and_private_files(tmp_path: Path) -> None:
    path = tmp_path / "deep" / "er" / "book.db"
    old_umask = os.umask(0)  # a careless open() would now make a world-readable file
    try:
        book = open_book(path)
        try:
            ops.add_client(book, "张三", ["13800138000"])  # a write: -wal and -shm exist now
            with book.engine.connect() as conn:  # ...and a connection is open
                conn.exec_driver_sql("SELECT count(*) FROM client").scalar_one()
                for suffix in ("", "-wal", "-shm"):
                    side = Path(f"{path}{suffix}")
                    assert side.exists(), side
                    assert _mode(side) == 0o600, (side, oct(_mode(side)))
        finally:
            book.close()
    finally:
        os.umask(old_umask)
    assert path.parent.is_dir()
    assert _mode(path) == 0o600


def test_pragmas_on_pooled_connection_and_a_fresh_threads_connection(bk: Book) -> None:
    with bk.engine.connect() as conn:
        _assert_pragmas(_pragmas(conn))
        main_dbapi = conn.connection.dbapi_connection
        seen: dict[str, object] = {}

        def other_thread() -> None:
            # The main thread still holds its connection, so the pool must open a new one.
            with bk.engine.connect() as conn2:
                seen["dbapi"] = conn2.connection.dbapi_connection
                seen["pragmas"] = _pragmas(conn2)

        worker = threading.Thread(target=other_thread)
        worker.start()
        worker.join()
    assert seen["dbapi"] is not main_dbapi
    _assert_pragmas(seen["pragmas"])
    # and a session (what ops use) sees the same settings
    with bk.read() as session:
        _assert_pragmas(_pragmas(session.connection()))


def test_schema_version_and_alembic_head_are_recorded(bk: Book) -> None:
    with bk.engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA user_version").scalar_one() == SCHEMA_VERSION
        assert conn.exec_driver_sql("SELECT version_num FROM alembic_version").all() == [(ALEMBIC_HEAD,)]


def test_reopening_keeps_the_data(tmp_path: Path) -> None:
    book = open_book(tmp_path / "book.db")
    cid = ops.add_client(book, "张三", ["13800138000"]).id
    book.close()
    book = open_book(tmp_path / "book.db")
    try:
        assert ops.show(book, cid).name == "张三"
    finally:
        book.close()


# --- constraints --------------------------------------------------------------------------------


def _raw(book: Book, sql: str, **params: object) -> None:
    with book.engine.begin() as conn:
        conn.execute(text(sql), params)


def _client_row(book: Book) -> int:
    return ops.add_client(book, "客户", ["13800138000"]).id


@pytest.mark.parametrize("sql", [
    # a tier that is not one of ours
    "INSERT INTO client (created_at, updated_at, name, tier, birth_leap, profile, do_not_call, call_hours,"
    " name_initials, name_pinyin) VALUES (:now, :now, 'x', 'black', 0, '', 0, '', '', '')",
    # a partial birthday: a month with no day and no kind
    "INSERT INTO client (created_at, updated_at, name, tier, birth_leap, profile, do_not_call, call_hours,"
    " name_initials, name_pinyin, birth_month) VALUES (:now, :now, 'x', 'gold', 0, '', 0, '', '', '', 8)",
    # a kind without month and day
    "INSERT INTO client (created_at, updated_at, name, tier, birth_leap, profile, do_not_call, call_hours,"
    " name_initials, name_pinyin, birth_kind) VALUES (:now, :now, 'x', 'gold', 0, '', 0, '', '', '', 'lunar')",
    # month 13
    "INSERT INTO client (created_at, updated_at, name, tier, birth_leap, profile, do_not_call, call_hours,"
    " name_initials, name_pinyin, birth_kind, birth_month, birth_day)"
    " VALUES (:now, :now, 'x', 'gold', 0, '', 0, '', '', '', 'solar', 13, 1)",
    # a memo kind and a memo status that do not exist
    "INSERT INTO memo (created_at, updated_at, client_id, text, kind, status, resolution)"
    " VALUES (:now, :now, :cid, 'x', 'wish', 'open', '')",
    "INSERT INTO memo (created_at, updated_at, client_id, text, kind, status, resolution)"
    " VALUES (:now, :now, :cid, 'x', 'request', 'pending', '')",
    # an empty memo
    "INSERT INTO memo (created_at, updated_at, client_id, text, kind, status, resolution)"
    " VALUES (:now, :now, :cid, '', 'request', 'open', '')",
    # a negative and a zero deposit
    "INSERT INTO deposit (created_at, updated_at, client_id, amount_fen, currency, start, maturity,"
    " maturity_given, rollover, kind, status, note)"
    " VALUES (:now, :now, :cid, -100, 'CNY', '2026-01-01', '2027-01-01', 0, 0, 'time', 'active', '')",
    "INSERT INTO deposit (created_at, updated_at, client_id, amount_fen, currency, start, maturity,"
    " maturity_given, rollover, kind, status, note)"
    " VALUES (:now, :now, :cid, 0, 'CNY', '2026-01-01', '2027-01-01', 0, 0, 'time', 'active', '')",
    # a maturity before the start
    "INSERT INTO deposit (created_at, updated_at, client_id, amount_fen, currency, start, maturity,"
    " maturity_given, rollover, kind, status, note)"
    " VALUES (:now, :now, :cid, 100, 'CNY', '2026-01-01', '2025-01-01', 0, 0, 'time', 'active', '')",
    # a negative sale
    "INSERT INTO contact (client_id, at, channel, reasons, outcome, note, new_info, opportunity, sold_fen,"
    " created_at) VALUES (:cid, :now, 'phone', '', 'reached', '', '', '', -1, :now)",
    # a phone number too short to be one
    "INSERT INTO phone (client_id, number, rev, label, created_at) VALUES (:cid, '123', '321', '', :now)",
])
def test_check_constraints_reject_bad_rows(bk: Book, sql: str) -> None:
    cid = _client_row(bk)
    with pytest.raises(IntegrityError, match="CHECK constraint failed"):
        _raw(bk, sql, now=dt.datetime(2026, 1, 1), cid=cid)


def test_a_whole_birthday_and_a_positive_deposit_are_accepted(bk: Book) -> None:
    cid = _client_row(bk)
    _raw(bk, "UPDATE client SET birth_kind = 'lunar', birth_month = 8, birth_day = 15, birth_leap = 1"
             " WHERE id = :cid", cid=cid)
    _raw(bk, "INSERT INTO deposit (created_at, updated_at, client_id, amount_fen, currency, start, maturity,"
             " maturity_given, rollover, kind, status, note)"
             " VALUES (:now, :now, :cid, 30000000, 'CNY', '2026-01-01', '2027-01-01', 0, 0, 'time', 'active', '')",
         now=dt.datetime(2026, 1, 1), cid=cid)
    with bk.engine.connect() as conn:
        assert conn.exec_driver_sql("SELECT amount_fen, typeof(amount_fen) FROM deposit").one() == (30000000, "integer")


def test_foreign_keys_are_enforced(bk: Book) -> None:
    with pytest.raises(IntegrityError, match="FOREIGN KEY"):
        _raw(bk, "INSERT INTO phone (client_id, number, rev, label, created_at)"
                 " VALUES (999, '13800138000', '00083100831', '', :now)", now=dt.datetime(2026, 1, 1))
    cid = _client_row(bk)
    # ON DELETE CASCADE for phones, SET NULL for memos: the FK actions run, so FKs are on
    ops.jot(bk, "要美元", cid)
    _raw(bk, "DELETE FROM client WHERE id = :cid", cid=cid)
    with bk.engine.connect() as conn:
        assert conn.exec_driver_sql("SELECT count(*) FROM phone").scalar_one() == 0
        assert conn.exec_driver_sql("SELECT client_id FROM memo").all() == [(None,)]


# --- money is never a float -----------------------------------------------------------------------


@pytest.mark.parametrize("model, column", [
    (Deposit, "amount_fen"), (Holding, "amount_fen"), (Contact, "sold_fen"), (Campaign, "cost_fen"),
])
def test_money_columns_are_integer_in_the_created_schema(bk: Book, model: type, column: str) -> None:
    table = model.__tablename__
    with bk.engine.connect() as conn:
        types = {row[1]: row[2] for row in conn.exec_driver_sql(f"PRAGMA table_info({table})")}
    assert types[column] == "INTEGER"


def test_no_column_anywhere_is_a_float() -> None:
    for table in SQLModel.metadata.sorted_tables:
        for column in table.columns:
            assert not isinstance(column.type, (Float, Numeric)), f"{table.name}.{column.name}"
    for model in (Client, Memo, Deposit, Holding, Contact, Campaign):
        for name, info in model.model_fields.items():
            assert info.annotation is not float, f"{model.__name__}.{name}"
            assert "float" not in str(info.annotation), f"{model.__name__}.{name}"


def test_no_real_column_in_the_file(bk: Book) -> None:
    with bk.engine.connect() as conn:
        tables = [r[0] for r in conn.exec_driver_sql("SELECT name FROM sqlite_master WHERE type = 'table'")]
        for table in tables:
            for row in conn.exec_driver_sql(f'PRAGMA table_info("{table}")'):
                assert row[2].upper() not in ("REAL", "FLOAT", "DOUBLE", "NUMERIC"), (table, row[1], row[2])


# --- the alembic path builds the same schema as create_all --------------------------------------------


def _split_top_level(body: str) -> list[str]:
    items, depth, start = [], 0, 0
    for i, ch in enumerate(body):
        if ch == "(":
            depth += 1
        elif ch == ")":
            depth -= 1
        elif ch == "," and depth == 0:
            items.append(body[start:i])
            start = i + 1
    items.append(body[start:])
    return [re.sub(r"\s+", " ", item).strip() for item in items if item.strip()]


def _schema(path: Path) -> dict[str, object]:
    """Tables (columns in order, constraints as a set), indexes, FKs and CHECKs of a book file."""
    conn = sqlite3.connect(path)
    try:
        out: dict[str, object] = {}
        rows = conn.execute(
            "SELECT type, name, tbl_name, sql FROM sqlite_master WHERE name NOT LIKE 'sqlite_%' ORDER BY name"
        ).fetchall()
        for kind, name, table, sql in rows:
            if kind == "table":
                columns = conn.execute(f'PRAGMA table_xinfo("{name}")').fetchall()
                if name == "alembic_version":
                    out[name] = columns  # its PK constraint's name differs; its shape must not
                    continue
                body = sql[sql.index("(") + 1: sql.rindex(")")]
                items = _split_top_level(body)
                is_constraint = re.compile(r"^(CONSTRAINT|PRIMARY KEY|FOREIGN KEY|UNIQUE|CHECK)\b")
                out[name] = {
                    "columns": columns,
                    "column_sql": [i for i in items if not is_constraint.match(i)],
                    "constraints": sorted(i for i in items if is_constraint.match(i)),
                    "checks": sorted(i for i in items if " CHECK " in f" {i} "),
                    # (id, seq) follow the declaration order, which is free
                    "fks": sorted(fk[2:] for fk in conn.execute(f'PRAGMA foreign_key_list("{name}")')),
                    "indexes": sorted(
                        (idx[1], idx[2], idx[3], tuple(conn.execute(f'PRAGMA index_info("{idx[1]}")').fetchall()))
                        for idx in conn.execute(f'PRAGMA index_list("{name}")')
                    ),
                }
            elif kind == "index":
                out[f"index {name}"] = (table, re.sub(r"\s+", " ", sql or "").strip())
        return out
    finally:
        conn.close()


def test_alembic_upgrade_builds_the_same_schema_as_create_all(tmp_path: Path) -> None:
    from memo import migrate

    fresh = open_book(tmp_path / "fresh.db")  # metadata.create_all
    fresh.close()

    empty = tmp_path / "migrated.db"
    sqlite3.connect(empty).close()  # an empty SQLite file: user_version 0, no tables
    book = Book(path=empty, engine=db._make_engine(empty))
    try:
        with book.engine.connect() as conn:
            assert conn.exec_driver_sql("PRAGMA user_version").scalar_one() == 0
            assert conn.exec_driver_sql("SELECT count(*) FROM sqlite_master").scalar_one() == 0
        migrate.upgrade(book)
        with book.engine.connect() as conn:
            assert conn.exec_driver_sql("PRAGMA user_version").scalar_one() == SCHEMA_VERSION
            assert conn.exec_driver_sql("SELECT version_num FROM alembic_version").all() == [(ALEMBIC_HEAD,)]
    finally:
        book.close()

    expected, got = _schema(tmp_path / "fresh.db"), _schema(empty)
    assert sorted(got) == sorted(expected)
    for name in expected:
        assert got[name] == expected[name], name
    # the comparison is not vacuous
    assert "ix_phone_rev" in {i[0] for i in expected["phone"]["indexes"]}
    assert any("ck_birth_whole" in c for c in expected["client"]["checks"])
    assert len(expected) >= 12


def test_a_new_book_is_made_as_the_models_say(tmp_path: Path) -> None:
    """memo/schema.sql (a new book's tables, read without the ORM) is what create_all makes of
    the models: after a change to memo/models.py, run tools/make_schema.py."""
    from sqlalchemy import create_engine
    from sqlmodel import SQLModel

    from memo import models  # noqa: F401

    made = tmp_path / "create_all.db"
    engine = create_engine(f"sqlite:///{made}")
    with engine.begin() as conn:
        SQLModel.metadata.create_all(conn)
        conn.exec_driver_sql("CREATE TABLE alembic_version (version_num VARCHAR(32) NOT NULL PRIMARY KEY)")
    engine.dispose()
    open_book(tmp_path / "new.db").close()
    expected, got = _schema(made), _schema(tmp_path / "new.db")
    assert got == expected
    conn = sqlite3.connect(tmp_path / "new.db")
    try:
        assert conn.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
        assert conn.execute("SELECT version_num FROM alembic_version").fetchall() == [(ALEMBIC_HEAD,)]
        made_sql = sqlite3.connect(made).execute("SELECT name, sql FROM sqlite_master ORDER BY name").fetchall()
        assert conn.execute("SELECT name, sql FROM sqlite_master WHERE name != 'alembic_version' "
                            "AND name NOT LIKE 'sqlite_autoindex_alembic%' ORDER BY name").fetchall() == [
            row for row in made_sql if row[0] != "alembic_version" and not row[0].startswith("sqlite_autoindex_alembic")]
    finally:
        conn.close()


def test_a_new_book_does_not_load_the_orm(tmp_path: Path) -> None:
    import subprocess
    import sys

    code = ("import sys; from memo.db import open_book; open_book(sys.argv[1]).close(); "
            "print(sorted(m for m in ('sqlalchemy', 'sqlmodel', 'memo.models', 'alembic') if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code, str(tmp_path / "new.db")], capture_output=True, text=True,
                         check=True).stdout
    assert out.strip() == "[]"


def test_a_migrated_book_opens_and_works(tmp_path: Path) -> None:
    from memo import migrate

    path = tmp_path / "migrated.db"
    sqlite3.connect(path).close()
    book = Book(path=path, engine=db._make_engine(path))
    migrate.upgrade(book)
    book.close()
    os.chmod(path, 0o600)
    book = open_book(path)
    try:
        cid = ops.add_client(book, "单田芳", ["15011112222"]).id
        assert [h.id for h in ops.find(book, "stf")] == [cid]
    finally:
        book.close()


def test_an_older_book_is_upgraded_in_place(tmp_path: Path) -> None:
    path = tmp_path / "book.db"
    book = open_book(path)
    cid = ops.add_client(book, "张三", ["13800138000"]).id
    with book.engine.begin() as conn:
        conn.exec_driver_sql("PRAGMA user_version = 0")  # as if made before versions were kept
    book.close()
    book = open_book(path)
    try:
        with book.engine.connect() as conn:
            assert conn.exec_driver_sql("PRAGMA user_version").scalar_one() == SCHEMA_VERSION
        assert ops.show(book, cid).name == "张三"
    finally:
        book.close()


# --- books that cannot be opened ---------------------------------------------------------------------


def test_a_file_that_is_not_sqlite_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "notes.txt"
    path.write_bytes(b"this is not a database\n" * 200)
    before = path.read_bytes()
    with pytest.raises(BookError) as info:
        open_book(path)
    assert info.value.code == "book.cannot_open"
    assert "\n" not in info.value.value  # one clear line for the CLI
    assert path.read_bytes() == before


def test_a_directory_is_refused(tmp_path: Path) -> None:
    with pytest.raises(BookError) as info:
        open_book(tmp_path)
    assert info.value.code == "book.is_dir"


def test_a_newer_book_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "book.db"
    open_book(path).close()
    conn = sqlite3.connect(path)
    conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    conn.commit()
    conn.close()
    with pytest.raises(BookError) as info:
        open_book(path)
    assert info.value.code == "book.too_new"


def test_another_programs_sqlite_file_is_refused_and_left_untouched(tmp_path: Path) -> None:
    path = tmp_path / "other.sqlite"
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE notes (body TEXT)")
    conn.execute("INSERT INTO notes VALUES ('keep me')")
    conn.commit()
    conn.close()
    os.chmod(path, 0o644)
    before = path.read_bytes()
    with pytest.raises(BookError) as info:
        open_book(path)
    assert info.value.code == "book.foreign"
    assert path.read_bytes() == before  # no tables of ours, no WAL switch
    assert _mode(path) == 0o644
    conn = sqlite3.connect(path)
    try:
        assert [r[0] for r in conn.execute("SELECT name FROM sqlite_master")] == ["notes"]
    finally:
        conn.close()


def test_an_empty_file_becomes_a_book(tmp_path: Path) -> None:
    path = tmp_path / "book.db"
    path.touch()
    book = open_book(path)
    try:
        assert ops.count_clients(book) == 0
    finally:
        book.close()


# --- transactions ------------------------------------------------------------------------------------------


def test_write_is_one_transaction_rolled_back_whole(bk: Book) -> None:
    ops.add_client(bk, "已有", ["13900000000"])

    class Boom(Exception):
        pass

    with pytest.raises(Boom):
        with bk.write() as session:
            client = Client(name="半截", name_initials="bj", name_pinyin="banjie")
            session.add(client)
            session.flush()  # the row is written inside the transaction...
            session.add(Memo(client_id=client.id, text="也不该留下"))
            session.flush()
            session.execute(text("UPDATE client SET tier = 'private'"))
            raise Boom  # ...and all of it goes
    with bk.engine.connect() as conn:
        assert conn.exec_driver_sql("SELECT name, tier FROM client").all() == [("已有", "regular")]
        assert conn.exec_driver_sql("SELECT count(*) FROM memo").scalar_one() == 0


def test_write_commits_when_the_block_ends(bk: Book) -> None:
    with bk.write() as session:
        session.add(Client(name="新", name_initials="x", name_pinyin="xin"))
    other = open_book(bk.path)  # another connection sees it: committed, not just flushed
    try:
        assert ops.count_clients(other) == 1
    finally:
        other.close()


def test_writes_begin_immediate(bk: Book) -> None:
    statements: list[str] = []
    from sqlalchemy import event

    def spy(conn, cursor, statement, *_args) -> None:  # noqa: ANN001, ANN002
        statements.append(statement)

    event.listen(bk.engine, "before_cursor_execute", spy)
    try:
        with bk.write() as session:
            session.execute(text("SELECT 1"))
    finally:
        event.remove(bk.engine, "before_cursor_execute", spy)
    assert "BEGIN IMMEDIATE" in statements


# --- two connections, one snapshot (Book.raw_pair) -------------------------------------------------


def _clients(conn: sqlite3.Connection) -> int:
    return conn.execute("SELECT count(*) FROM client").fetchone()[0]


def test_a_new_connection_refuses_a_file_put_in_the_books_place(bk: Book, tmp_path: Path) -> None:
    """Connections are opened as needed, by path: none may open another file put there since."""
    ops.add_client(bk, "甲")
    open_book(tmp_path / "other.db").close()
    for suffix in ("-wal", "-shm"):
        Path(f"{bk.path}{suffix}").unlink(missing_ok=True)
    os.replace(tmp_path / "other.db", bk.path)
    errors = []

    def read_in_a_new_thread() -> None:
        try:
            with bk.raw():
                pass
        except BookError as exc:
            errors.append(exc.code)

    thread = threading.Thread(target=read_in_a_new_thread)
    thread.start()
    thread.join(10)
    assert errors == ["book.replaced"]
    with pytest.raises(BookError, match="book.replaced"):
        with bk.raw_write():
            pass
    with pytest.raises(BookError, match="book.replaced"):  # its pooled connection is on the old file
        ops.add_client(bk, "乙")
    fresh = Book(bk.path)  # a Book opened on the new file is at home there
    try:
        with fresh.raw() as conn:
            assert conn.execute("SELECT count(*) FROM client").fetchone()[0] == 0
    finally:
        fresh.close()


def test_raw_pair_reads_one_snapshot_on_two_connections(bk: Book) -> None:
    ops.add_client(bk, "甲")
    with bk.raw_pair() as (first, second):
        assert second is not None and second is not first
        assert _clients(first) == _clients(second) == 1
        ops.add_client(bk, "乙")  # committed by another connection after both began: seen by neither
        assert _clients(first) == _clients(second) == 1
        # the second writes into the first's scratch and commits; the first reads it after
        second.execute("CREATE TABLE twin.handed (x)")
        second.execute("INSERT INTO twin.handed VALUES ('from the twin')")
        second.execute("COMMIT")
        assert first.execute("SELECT x FROM twin.handed").fetchall() == [("from the twin",)]
        assert _clients(first) == 1
    with bk.raw_pair() as (first, second):
        assert _clients(first) == _clients(second) == 2


def test_raw_pair_begins_both_reads_while_no_writer_can_commit(bk: Book) -> None:
    """The second read begins while the write lock is held: a commit cannot fall between the two."""
    with bk.raw_pair() as (_first, second):  # the pair is opened
        assert second is not None
    refused = []

    def at_begin(sql: str) -> None:
        if sql == "BEGIN":
            writer = sqlite3.connect(bk.path, timeout=0, isolation_level=None)
            try:
                writer.execute("BEGIN IMMEDIATE")
                writer.execute("ROLLBACK")
                refused.append(False)
            except sqlite3.OperationalError as exc:
                refused.append("locked" in str(exc))
            finally:
                writer.close()

    bk._pair.reader.set_trace_callback(at_begin)  # noqa: SLF001
    try:
        with bk.raw_pair() as (_first, second):
            assert second is not None
    finally:
        bk._pair.reader.set_trace_callback(None)  # noqa: SLF001
    assert refused == [True]


def test_a_failure_as_the_pair_begins_leaves_neither_read_open(bk: Book) -> None:
    with bk.raw_pair() as (_first, second):
        assert second is not None
    second.set_progress_handler(lambda: 1, 1)  # its first read is interrupted
    try:
        with pytest.raises(sqlite3.OperationalError, match="interrupt"):
            with bk.raw_pair():
                pass
    finally:
        second.set_progress_handler(None, 1)
    ops.add_client(bk, "甲")
    with bk.raw() as conn:  # not a stale snapshot of before the failure
        assert _clients(conn) == 1
    with bk.raw_pair() as (first, second):
        assert second is not None and _clients(first) == _clients(second) == 1


def test_raw_pair_gives_no_twin_inside_a_read_while_another_thread_has_it_or_a_writer_works(bk: Book) -> None:
    with bk.raw() as outer, bk.raw_pair() as (first, second):  # inside a read: that read, alone
        assert first is outer and second is None
    holding, release = threading.Event(), threading.Event()
    held = []

    def hold() -> None:
        with bk.raw_pair() as (_first, second):
            held.append(second is not None)
            holding.set()
            release.wait(10)

    other = threading.Thread(target=hold)
    other.start()
    try:
        assert holding.wait(10)
        with bk.raw_pair() as (first, second):
            assert second is None and _clients(first) == 0
    finally:
        release.set()
        other.join(10)
    assert held == [True]
    writer = sqlite3.connect(bk.path, isolation_level=None)
    try:
        writer.execute("BEGIN IMMEDIATE")  # a writer at work: the two could not be made one snapshot
        with bk.raw_pair() as (first, second):
            assert second is None and _clients(first) == 0
    finally:
        writer.execute("ROLLBACK")
        writer.close()
    with bk.raw_pair() as (_first, second):
        assert second is not None


def test_each_threads_scratch_is_its_own(bk: Book) -> None:
    paired = []

    def hand(value: str) -> None:
        with bk.raw_pair() as (_first, second):
            paired.append(second is not None)
            second.execute("CREATE TABLE IF NOT EXISTS twin.handed (x)")
            second.execute("DELETE FROM twin.handed")
            second.execute("INSERT INTO twin.handed VALUES (?)", (value,))
            second.execute("COMMIT")

    hand("main")
    other = threading.Thread(target=hand, args=("other",))
    other.start()
    other.join(10)
    assert paired == [True, True]
    with bk.raw() as conn:  # the second wrote into the other thread's scratch since: this one's is kept
        assert conn.execute("SELECT x FROM twin.handed").fetchall() == [("main",)]


# --- no file at import; MEMO_DB -------------------------------------------------------------------------------


def test_importing_memo_db_opens_no_file(tmp_path: Path) -> None:
    target = tmp_path / "book.db"
    code = (
        "import memo.db, memo.ops, memo.search, memo.models\n"
        "p = memo.db.default_book_path()\n"
        f"assert str(p) == {str(target)!r}, p\n"
    )
    env = {**os.environ, "MEMO_DB": str(target), "HOME": str(tmp_path), "XDG_DATA_HOME": str(tmp_path / "xdg")}
    done = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    assert list(tmp_path.iterdir()) == []


def test_memo_db_overrides_the_default_path(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("MEMO_DB", raising=False)
    default = db.default_book_path()
    assert default.name == "book.db"
    assert default.parent == db.data_dir()
    target = tmp_path / "elsewhere" / "mine.db"
    monkeypatch.setenv("MEMO_DB", str(target))
    assert db.default_book_path() == target
    book = open_book()
    try:
        assert book.path == target
        assert target.is_file()
    finally:
        book.close()


# --- raw write transactions (the importer's) ---------------------------------------------------------


def test_raw_write_is_one_transaction_and_tells_the_hooks(tmp_path: Path) -> None:
    book = open_book(tmp_path / "book.db")
    told: list[int] = []
    book.commit_hooks.append(lambda: told.append(1))
    try:
        with book.raw_write() as conn:
            conn.execute("INSERT INTO setting (key, value) VALUES ('a', '1')")
        assert told == [1] and book.setting("a") == 1
        with pytest.raises(RuntimeError, match="half-way"), book.raw_write() as conn:
            conn.execute("INSERT INTO setting (key, value) VALUES ('b', '2')")
            raise RuntimeError("half-way")
        assert book.setting("b") is None and told == [1]  # rolled back whole, no commit told
    finally:
        book.close()


def test_raw_write_keeps_sqlites_own_error_when_sqlite_rolled_back(tmp_path: Path) -> None:
    """A full disk rolls the transaction back inside SQLite: the caller sees that, not a failed
    ROLLBACK of a transaction that is no longer there."""
    book = open_book(tmp_path / "book.db")
    try:
        with pytest.raises(sqlite3.OperationalError, match="full"), book.raw_write() as conn:
            pages = conn.execute("PRAGMA page_count").fetchone()[0]
            conn.execute(f"PRAGMA max_page_count = {pages + 1}")
            conn.executemany("INSERT INTO setting (key, value) VALUES (?, ?)",
                             ((f"k{i}", '"' + "x" * 500 + '"') for i in range(2000)))
        assert book.setting("k1") is None
    finally:
        book.close()


def test_a_book_made_meanwhile_by_another_process_is_left_as_it_is(tmp_path: Path) -> None:
    """Two processes opening the same new book: the second one waits for the first one's write
    lock, then finds the schema there and leaves it (no "table client already exists")."""
    book = open_book(tmp_path / "book.db")
    try:
        cid = ops.add_client(book, "张三", ["13800138000"]).id
        db._create_fresh(book)  # as the second process, once it has the lock
        assert ops.show(book, cid).name == "张三"
    finally:
        book.close()
