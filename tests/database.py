"""Test databases: created fresh on the configured server, migrated to head."""

from __future__ import annotations

import os
from pathlib import Path

import psycopg
from sqlalchemy.engine import make_url

from app.db import libpq_url, sqlalchemy_url, start_embedded_postgres

ROOT = Path(__file__).resolve().parent.parent


def server_url() -> str:
    """A libpq URL of the server tests run on: TEST_DATABASE_URL, else the embedded one."""
    explicit = os.environ.get("TEST_DATABASE_URL")
    if explicit:
        return libpq_url(sqlalchemy_url(explicit))
    return start_embedded_postgres(ROOT / "var")


def database_name(suffix: str = "") -> str:
    explicit = os.environ.get("TEST_DATABASE_URL")
    base = make_url(sqlalchemy_url(explicit)).database if explicit else "troopwatch_test"
    return f"{base}{suffix}"


def recreate_database(name: str) -> str:
    """Drop and create database ``name`` on the test server; return its SQLAlchemy URL."""
    url = make_url(sqlalchemy_url(server_url()))
    admin = libpq_url(url.set(database="postgres").render_as_string(hide_password=False))
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')
    return url.set(database=name).render_as_string(hide_password=False)
