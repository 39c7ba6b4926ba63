"""Covering index on article for the aggregations' join (id with outlet and deleted_at).

Revision ID: 0106
Revises: 0105
Create Date: 2026-11-25 14:25:00
"""

from __future__ import annotations

from collections.abc import Sequence

from alembic import op

revision: str = "0106"
down_revision: str | None = "0105"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_index(
        "ix_article_id_outlet_live",
        "article",
        ["id"],
        unique=False,
        postgresql_include=["outlet", "deleted_at"],
    )


def downgrade() -> None:
    op.drop_index("ix_article_id_outlet_live", table_name="article")
