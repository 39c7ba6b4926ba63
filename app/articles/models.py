"""Articles: the texts records are extracted from."""

from __future__ import annotations

import enum
from datetime import date, datetime

from sqlalchemy import (
    CheckConstraint,
    Date,
    DateTime,
    ForeignKey,
    Index,
    LargeBinary,
    String,
    Text,
    func,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column

from app.db import Base


class ExtractionStatus(enum.StrEnum):
    PENDING = "pending"
    DONE = "done"
    FAILED = "failed"


class Article(Base):
    __tablename__ = "article"
    __table_args__ = (
        CheckConstraint(
            "extraction_status IN ('pending', 'done', 'failed')", name="extraction_status"
        ),
        Index("ix_article_published_at_id", "published_at", "id"),
        # Movement queries exclude the (few) deleted articles by looking them up here.
        Index("ix_article_deleted", "id", postgresql_where=text("deleted_at IS NOT NULL")),
        # Aggregations join every movement to its article for deleted_at and outlet: an
        # index-only scan of this instead of the table with its texts.
        Index("ix_article_id_outlet_live", "id", postgresql_include=["outlet", "deleted_at"]),
        # "Contains" filters on the outlet and free text on the title use trigram indexes.
        Index(
            "ix_article_outlet_trgm",
            "outlet",
            postgresql_using="gin",
            postgresql_ops={"outlet": "gin_trgm_ops"},
        ),
        Index(
            "ix_article_title_trgm",
            "title",
            postgresql_using="gin",
            postgresql_ops={"title": "gin_trgm_ops"},
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(300))
    text: Mapped[str] = mapped_column(Text)
    # The original upload or page, kept so that nothing an analyst gave us is lost.
    raw: Mapped[bytes | None] = mapped_column(LargeBinary, deferred=True)
    raw_content_type: Mapped[str | None] = mapped_column(String(120))
    url: Mapped[str | None] = mapped_column(String(2000))
    outlet: Mapped[str | None] = mapped_column(String(200))
    published_at: Mapped[date | None] = mapped_column(Date)
    language: Mapped[str | None] = mapped_column(String(8))
    # sha256 of the normalised text: an exact duplicate is linked, never stored twice.
    content_sha256: Mapped[str] = mapped_column(String(64), unique=True)
    near_duplicate_of_id: Mapped[int | None] = mapped_column(
        ForeignKey("article.id", ondelete="SET NULL")
    )
    ingested_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), server_default=func.now()
    )
    ingested_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    extraction_status: Mapped[str] = mapped_column(
        String(16), default=ExtractionStatus.PENDING.value
    )
    extraction_error: Mapped[str | None] = mapped_column(Text)
    extractor_version: Mapped[str | None] = mapped_column(String(40))
    deleted_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
