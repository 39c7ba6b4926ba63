"""Data version: a counter every change to the aggregated tables advances, for the caches.

Revision ID: 0107
Revises: 0106
Create Date: 2026-11-25 15:30:00

A statement-level trigger on movement, article, place, unit and source advances the
``data_version`` sequence and holds a shared advisory lock until its transaction ends. Readers
(``app/movements/cache.py``) key cached aggregates by the sequence's value, and store one only
when no writer holds that lock, so a cached figure never hides a committed change nor shows an
uncommitted one. Sequences are not transactional, so writers never wait on each other here.
"""

from __future__ import annotations

from collections.abc import Sequence

from alembic import op

revision: str = "0107"
down_revision: str | None = "0106"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TABLES = ("movement", "article", "place", "unit", "source")
# The advisory lock's two keys (also in app/movements/cache.py): "tw" and "dv" in ASCII.
LOCK_KEYS = "29815, 25718"


def upgrade() -> None:
    op.execute("CREATE SEQUENCE data_version")
    op.execute(
        f"""
        CREATE FUNCTION note_data_change() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            -- Lock first: a reader that sees the new value also sees this writer in flight.
            PERFORM pg_advisory_xact_lock_shared({LOCK_KEYS});
            PERFORM nextval('data_version');
            RETURN NULL;
        END
        $$
        """
    )
    for table in TABLES:
        op.execute(
            f"CREATE TRIGGER {table}_data_change "
            f"AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON {table} "
            "FOR EACH STATEMENT EXECUTE FUNCTION note_data_change()"
        )


def downgrade() -> None:
    for table in TABLES:
        op.execute(f"DROP TRIGGER {table}_data_change ON {table}")
    op.execute("DROP FUNCTION note_data_change()")
    op.execute("DROP SEQUENCE data_version")
