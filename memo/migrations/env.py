"""Alembic environment: the caller hands us an open connection (see memo.migrate)."""

from alembic import context
from sqlmodel import SQLModel

from memo import models  # noqa: F401

connection = context.config.attributes["connection"]
context.configure(
    connection=connection,
    target_metadata=SQLModel.metadata,
    render_as_batch=True,  # SQLite alters tables by copying them
)
context.run_migrations()
