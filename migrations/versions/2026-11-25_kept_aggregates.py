"""Kept aggregates shared by the app's processes: an unlogged table keyed by a hash.

Revision ID: 0108
Revises: 0107
Create Date: 2026-11-25 16:00:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0108"
down_revision: str | None = "0107"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "kept_aggregate",
        sa.Column("key_hash", sa.String(length=64), nullable=False),
        sa.Column("version", sa.String(length=60), nullable=False),
        sa.Column("value", sa.LargeBinary(), nullable=False),
        sa.Column(
            "stored_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False
        ),
        sa.PrimaryKeyConstraint("key_hash", name=op.f("pk_kept_aggregate")),
        prefixes=["UNLOGGED"],
    )


def downgrade() -> None:
    op.drop_table("kept_aggregate")
