"""Saved feeds can be paused and removed (softly): paused_at and removed_at on feed.

Revision ID: 0109
Revises: 0108
Create Date: 2026-11-25 16:40:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0109"
down_revision: str | None = "0108"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column("feed", sa.Column("paused_at", sa.DateTime(timezone=True), nullable=True))
    op.add_column("feed", sa.Column("removed_at", sa.DateTime(timezone=True), nullable=True))


def downgrade() -> None:
    op.drop_column("feed", "removed_at")
    op.drop_column("feed", "paused_at")
