"""A book made at the first schema version (alembic "0001") migrates on open with every row
intact, the schema equal to the models', and a backup taken before alembic runs."""

from __future__ import annotations

import re
import sqlite3
from pathlib import Path

import pytest

from memo import migrate
from memo.db import ALEMBIC_HEAD, SCHEMA_VERSION, Book, BookError, _make_engine, open_book
from memo.export import TABLES, read_tables

FIRST = "0001"

ROWS = {
    "client": ("INSERT INTO client (id, created_at, updated_at, name, honorific, tier, risk, birth_kind, "
               "birth_year, birth_month, birth_day, birth_leap, client_since, profile, do_not_call, call_hours, "
               "id_last4, name_initials, name_pinyin, deleted_at) VALUES "
               "(1, '2020-01-02 09:00:00.000000', '2020-01-02 09:00:00.000000', '张三', 'mr', 'gold', 'C3', "
               "'lunar', 1966, 8, 15, 0, '2012-05-01', '喜欢喝茶', 0, '9-11', '1234', 'zs', 'zhangsan', NULL), "
               "(2, '2020-01-03 09:00:00.000000', '2020-01-03 09:00:00.000000', '王芳', 'ms', 'private', NULL, "
               "NULL, NULL, NULL, NULL, 0, NULL, '', 1, '', NULL, 'wf', 'wangfang', NULL)"),
    "phone": ("INSERT INTO phone VALUES (1, 1, '13800138000', '00083100831', '本人', '2020-01-02 09:00:00.000000'), "
              "(2, 2, '13800138000', '00083100831', '配偶', '2020-01-03 09:00:00.000000')"),
    "clienttag": "INSERT INTO clienttag VALUES (1, '个体户'), (2, '退休')",
    "memo": ("INSERT INTO memo VALUES ('2020-02-01 10:00:00.000000', '2020-02-01 10:00:00.000000', 1, 1, "
             "'要2万美元现金', 'request', '2020-02-05', 'open', '', NULL, NULL), "
             "('2020-02-02 10:00:00.000000', '2020-02-03 10:00:00.000000', 2, NULL, '回电', 'callback', NULL, "
             "'done', '已回', '2020-02-03 10:00:00.000000', NULL)"),
    "deposit": ("INSERT INTO deposit VALUES ('2020-01-02 09:00:00.000000', '2020-01-02 09:00:00.000000', 1, 1, "
                "50000000, 'CNY', '2020-01-31', 1, '2020-02-29', 0, '1.45', 1, 'time', 'active', NULL, '')"),
    "holding": ("INSERT INTO holding VALUES ('2020-01-02 09:00:00.000000', '2020-01-02 09:00:00.000000', 1, 2, "
                "'稳健理财A', 'wealth', '2020-03-01', 30000000, '1.0000', '3.2', '5', '3', '1.0300', "
                "'2020-04-01', NULL, 'held')"),
    "holdingprice": "INSERT INTO holdingprice VALUES (1, 1, '2020-04-01', '1.0300')",
    "keydate": ("INSERT INTO keydate VALUES ('2020-01-02 09:00:00.000000', '2020-01-02 09:00:00.000000', 1, 1, "
                "'饭店开业', 'solar', 2019, 10, 8, 0)"),
    "campaign": ("INSERT INTO campaign VALUES ('2020-01-02 09:00:00.000000', '2020-01-02 09:00:00.000000', 1, "
                 "'理财沙龙', '', 'salon', '2020-05-05', 300000, 'once', '{}', '')"),
    "contact": ("INSERT INTO contact VALUES (1, 1, '2020-02-03 14:00:00.000000', 'phone', 'maturity', 'reached', "
                "'约下周', '', '大额存单', 5000000, '2020-02-10', 1, '2020-02-03 14:00:00.000000')"),
    "invitation": "INSERT INTO invitation VALUES (1, 1, 2, 'phone', 'accepted', '', '2020-04-30 09:00:00.000000')",
    "setting": "INSERT INTO setting VALUES ('privacy_default', 'true'), ('holiday_overrides', '{}')",
}


def _first_version_book(path: Path) -> None:
    """alembic upgrade to the first revision on an empty file, then rows in every table by SQL."""
    engine = _make_engine(path)
    try:
        migrate.upgrade(Book(path=path, engine=engine), FIRST)
    finally:
        engine.dispose()
    conn = sqlite3.connect(path)
    try:
        for sql in ROWS.values():
            conn.execute(sql)
        conn.execute("PRAGMA user_version = 0")  # older than SCHEMA_VERSION: forces the alembic path
        conn.commit()
        assert conn.execute("SELECT version_num FROM alembic_version").fetchall() == [(FIRST,)]
    finally:
        conn.close()


LATER = {"snooze", "dismissal"}  # tables added after the first version


def _all_rows(path: Path, like: Path | None = None) -> dict[str, list[tuple]]:
    """Every row of the first version's tables; with `like`, only the columns that book has."""
    conn = sqlite3.connect(path)
    try:
        out = {}
        for table in ROWS:
            cols = "*"
            if like is not None:
                old = sqlite3.connect(like)
                cols = ", ".join(f'"{r[1]}"' for r in old.execute(f'PRAGMA table_info("{table}")'))
                old.close()
            out[table] = conn.execute(f'SELECT {cols} FROM "{table}" ORDER BY rowid').fetchall()
        return out
    finally:
        conn.close()


def _schema(path: Path) -> dict:
    """Tables, columns, indexes, foreign keys and named checks, as SQLite describes them."""
    conn = sqlite3.connect(path)
    try:
        out = {}
        tables = [r[0] for r in conn.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name")]
        for table in tables:
            sql = conn.execute("SELECT sql FROM sqlite_master WHERE name = ?", (table,)).fetchone()[0]
            indexes = {}
            for _, name, unique, origin, partial in conn.execute(f'PRAGMA index_list("{table}")'):
                cols = tuple(r[2] for r in conn.execute(f'PRAGMA index_info("{name}")'))
                where = conn.execute("SELECT sql FROM sqlite_master WHERE name = ?", (name,)).fetchone()
                where = re.sub(r"\s+", " ", where[0].split(" WHERE ", 1)[1]) if where and where[0] and " WHERE " in where[0] else None
                key = name if not name.startswith("sqlite_autoindex") else f"auto{cols}"
                indexes[key] = (cols, unique, origin, partial, where)
            out[table] = {
                "columns": conn.execute(f'PRAGMA table_info("{table}")').fetchall(),
                "indexes": indexes,
                "fks": sorted(r[2:] for r in conn.execute(f'PRAGMA foreign_key_list("{table}")')),  # not the ids
                "checks": sorted(re.findall(r"CONSTRAINT (\w+) CHECK", sql)),
            }
        return out
    finally:
        conn.close()


def test_every_table_gets_a_row() -> None:
    assert {m.__table__.name for m in TABLES.values()} == set(ROWS) | LATER


def test_a_first_version_book_migrates_with_every_row_kept(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "book.db"
    _first_version_book(path)
    before = _all_rows(path)
    assert all(before.values())

    seen = []
    real_upgrade = migrate.upgrade

    def watched(book: Book, revision: str = "head") -> None:
        backups = sorted((path.parent / "backups").glob("book-*.db"))
        seen.append(backups)
        real_upgrade(book, revision)

    monkeypatch.setattr(migrate, "upgrade", watched)
    book = open_book(path)
    try:
        with book.engine.connect() as conn:
            assert conn.exec_driver_sql("PRAGMA user_version").scalar_one() == SCHEMA_VERSION
            assert conn.exec_driver_sql("SELECT version_num FROM alembic_version").scalar_one() == ALEMBIC_HEAD
        exported = read_tables(book)
    finally:
        book.close()
    assert len(seen) == 1 and len(seen[0]) == 1  # alembic ran once, after one backup existed
    made = seen[0][0]
    assert made.name.endswith("-before-migration-v0.db")
    assert oct(made.stat().st_mode & 0o777) == "0o600"
    assert _all_rows(made) == before  # the backup is the book as it was before the migration
    assert sqlite3.connect(made).execute("PRAGMA user_version").fetchone() == (0,)
    assert _all_rows(path, like=made) == before  # every row kept
    conn = sqlite3.connect(path)
    # the new keys are filled from the rows already there
    assert conn.execute("SELECT id, last_contact_on FROM client ORDER BY id").fetchall() == [(1, "2020-02-03"), (2, None)]
    assert conn.execute("SELECT roll_term, roll_phase, roll_day FROM deposit").fetchall() == [(1, 0, 31)]
    assert conn.execute("SELECT crossed FROM holding").fetchall() == [(None,)]
    conn.close()
    assert exported["settings"][1] == [("holiday_overrides", "{}"), ("privacy_default", "true")]  # read back

    fresh = tmp_path / "fresh.db"
    open_book(fresh).close()  # metadata.create_all
    assert _schema(path) == _schema(fresh)


def test_a_current_book_opens_without_a_backup(tmp_path: Path) -> None:
    path = tmp_path / "book.db"
    open_book(path).close()
    open_book(path).close()
    assert not (tmp_path / "backups").exists()


def test_no_migration_runs_when_the_backup_fails(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "book.db"
    _first_version_book(path)
    before = path.read_bytes()
    ran = []
    monkeypatch.setattr(migrate, "upgrade", lambda *a, **k: ran.append(a))
    (tmp_path / "backups").write_text("a file where the folder should be")
    with pytest.raises(BookError) as err:
        open_book(path)
    assert err.value.code == "backup.failed"
    assert ran == []
    conn = sqlite3.connect(path)
    try:
        assert conn.execute("PRAGMA user_version").fetchone() == (0,)
    finally:
        conn.close()
    assert path.read_bytes() == before  # not migrated, not touched
