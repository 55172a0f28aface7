"""Writes memo/schema.sql: the tables and indexes of a new book, exactly as
SQLModel.metadata.create_all makes them from memo.models. A new book is made from this file
(memo.db), without loading SQLAlchemy or the models: `memo import --db NEW.db` and a first start
do not pay for the ORM. tests/test_db.py fails when the file and the models disagree; run

    .venv/bin/python tools/make_schema.py

after changing memo/models.py (and add the alembic revision, as always).
"""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def schema_sql() -> str:
    import sqlite3

    from sqlalchemy import create_engine
    from sqlmodel import SQLModel

    from memo import models  # noqa: F401  (registers the tables)

    engine = create_engine("sqlite://")
    with engine.begin() as conn:
        SQLModel.metadata.create_all(conn)
        raw = conn.connection.driver_connection
        statements = [sql for (sql,) in raw.execute(
            "SELECT sql FROM sqlite_master WHERE sql IS NOT NULL ORDER BY rowid")]
    assert all(sqlite3.complete_statement(s + ";") for s in statements)
    head = "-- A new book's tables and indexes (tools/make_schema.py, from memo/models.py). Do not edit.\n\n"
    return head + "".join(f"{s.strip()};\n\n" for s in statements)


if __name__ == "__main__":
    target = ROOT / "memo" / "schema.sql"
    target.write_text(schema_sql(), encoding="utf-8")
    print(f"written: {target}")
