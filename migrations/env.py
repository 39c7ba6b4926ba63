"""Alembic environment: migrates the database the application is configured for."""

from __future__ import annotations

from alembic import context
from sqlalchemy import Connection, create_engine, pool

from app.db import resolve_database_url
from app.models import Base
from app.settings import Settings

target_metadata = Base.metadata


def _run(connection: Connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        compare_type=True,
        # The job queue owns its own tables; they are not part of our models.
        include_name=lambda name, type_, parent: (
            not (type_ == "table" and name is not None and name.startswith("procrastinate"))
        ),
    )
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online() -> None:
    connection = context.config.attributes.get("connection")
    if connection is not None:
        _run(connection)
        return
    url = context.config.attributes.get("url") or resolve_database_url(Settings())
    engine = create_engine(url, poolclass=pool.NullPool)
    with engine.connect() as conn:
        _run(conn)
    engine.dispose()


if context.is_offline_mode():
    raise SystemExit("Offline migrations are not supported; run against a database.")
run_migrations_online()
