"""Schema migrations with alembic, run from code; imported only when a book needs one."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config

from memo.db import SCHEMA_VERSION, Book

MIGRATIONS = Path(__file__).parent / "migrations"


def alembic_config(book: Book) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.set_main_option("sqlalchemy.url", f"sqlite:///{book.path}")
    return config


def upgrade(book: Book, revision: str = "head") -> None:
    """Bring the book to `revision` in one transaction, then record the schema version."""
    config = alembic_config(book)
    with book.engine.begin() as conn:
        config.attributes["connection"] = conn
        command.upgrade(config, revision)
        if revision == "head":
            conn.exec_driver_sql(f"PRAGMA user_version = {SCHEMA_VERSION}")
