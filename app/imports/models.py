"""Import batches, their items, and saved feeds."""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import (
    CheckConstraint,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    String,
    Text,
    UniqueConstraint,
    func,
)
from sqlalchemy.orm import Mapped, mapped_column

from app.db import Base


class BatchKind(enum.StrEnum):
    UPLOAD = "upload"
    URL = "url"
    FEED = "feed"
    CLI = "cli"
    REEXTRACT = "reextract"


class ItemKind(enum.StrEnum):
    FILE = "file"
    URL = "url"
    FEED = "feed"
    ARTICLE = "article"


class ItemStatus(enum.StrEnum):
    QUEUED = "queued"
    RUNNING = "running"
    DONE = "done"
    FAILED = "failed"
    DUPLICATE = "duplicate"


FINISHED_STATUSES = (ItemStatus.DONE, ItemStatus.FAILED, ItemStatus.DUPLICATE)


class ImportBatch(Base):
    """One request to import: an upload, a list of URLs, a feed poll or a re-extraction."""

    __tablename__ = "import_batch"
    __table_args__ = (
        CheckConstraint("kind IN ('upload', 'url', 'feed', 'cli', 'reextract')", name="kind"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(16))
    label: Mapped[str] = mapped_column(String(300))
    feed_id: Mapped[int | None] = mapped_column(ForeignKey("feed.id", ondelete="SET NULL"))
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())


class ImportItem(Base):
    """One file, URL, feed or article of a batch; processed by one idempotent job."""

    __tablename__ = "import_item"
    __table_args__ = (
        CheckConstraint("kind IN ('file', 'url', 'feed', 'article')", name="kind"),
        CheckConstraint(
            "status IN ('queued', 'running', 'done', 'failed', 'duplicate')", name="status"
        ),
        # A feed re-read by a retried job adds each entry once.
        UniqueConstraint("batch_id", "kind", "source", name="uq_import_item_batch_id_kind_source"),
        Index("ix_import_item_batch_id_status", "batch_id", "status"),
        Index("ix_import_item_article_id", "article_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    batch_id: Mapped[int] = mapped_column(ForeignKey("import_batch.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(16))
    # File name (with its path inside a zip), URL, or article id as text.
    source: Mapped[str] = mapped_column(String(2000))
    content_type: Mapped[str | None] = mapped_column(String(200))
    # The uploaded bytes until the item is processed; the article keeps its own copy.
    payload: Mapped[bytes | None] = mapped_column(LargeBinary, deferred=True)
    status: Mapped[str] = mapped_column(String(16), default=ItemStatus.QUEUED.value)
    reason: Mapped[str | None] = mapped_column(Text)
    article_id: Mapped[int | None] = mapped_column(ForeignKey("article.id", ondelete="SET NULL"))
    attempts: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    updated_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), server_default=func.now(), onupdate=func.now()
    )


class Feed(Base):
    """An RSS or Atom feed polled on a schedule; each poll is an import batch."""

    __tablename__ = "feed"

    id: Mapped[int] = mapped_column(primary_key=True)
    url: Mapped[str] = mapped_column(String(2000), unique=True)
    title: Mapped[str | None] = mapped_column(String(300))
    poll_minutes: Mapped[int] = mapped_column(Integer, default=60, server_default="60")
    last_polled_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    last_error: Mapped[str | None] = mapped_column(Text)
    # Set while polling is paused; the periodic job skips the feed, "poll now" still works.
    paused_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    # Soft removal: the row (and so its URL) stays so that removing can be undone and saving
    # the URL again restores it; its past batches keep their articles either way.
    removed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
