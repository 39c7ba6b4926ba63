"""Movement records: unit U moved from X to Y, per source Z."""

from __future__ import annotations

import enum
from datetime import date, datetime

from sqlalchemy import (
    CheckConstraint,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    func,
    literal_column,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.articles.models import Article
from app.db import Base, Timestamped
from app.entities.models import Place, Source, Unit

# Undated rows sort as the earliest date; the index and the query share this expression.
EARLIEST_DATE_SQL = "'0001-01-01'::date"
TRIGRAM_COLUMNS = (
    "unit_text",
    "side",
    "origin_text",
    "destination_text",
    "source_text",
    "outlet",
    "evidence",
)


class Status(enum.StrEnum):
    REPORTED = "reported"
    PLANNED = "planned"
    DENIED = "denied"


class ReviewStatus(enum.StrEnum):
    PENDING = "pending"
    CONFIRMED = "confirmed"
    REJECTED = "rejected"


class Provenance(enum.StrEnum):
    EXTRACTED = "extracted"
    MANUAL = "manual"


class DatePrecision(enum.StrEnum):
    DAY = "day"
    WEEK = "week"
    MONTH = "month"
    YEAR = "year"
    # No date in the text: the article's publication date stands in for it.
    REPORTED = "reported"


class Movement(Timestamped, Base):
    __tablename__ = "movement"
    __table_args__ = (
        CheckConstraint("status IN ('reported', 'planned', 'denied')", name="status"),
        CheckConstraint(
            "review_status IN ('pending', 'confirmed', 'rejected')", name="review_status"
        ),
        CheckConstraint("provenance IN ('extracted', 'manual')", name="provenance"),
        CheckConstraint(
            "date_precision IN ('day', 'week', 'month', 'year', 'reported')",
            name="date_precision",
        ),
        CheckConstraint("evidence_start <= evidence_end", name="evidence_offsets"),
        Index("ix_movement_article_id", "article_id"),
        Index("ix_movement_event_date_id", "event_date", "id"),
        Index("ix_movement_destination_place_id", "destination_place_id"),
        Index("ix_movement_origin_place_id", "origin_place_id"),
        Index("ix_movement_unit_id", "unit_id"),
        Index(
            "ix_movement_review_queue",
            "created_at",
            "id",
            postgresql_where=text("review_status = 'pending' AND deleted_at IS NULL"),
        ),
        Index(
            "ix_movement_review_queue_confidence",
            "confidence",
            "id",
            postgresql_where=text("review_status = 'pending' AND deleted_at IS NULL"),
        ),
        Index("ix_movement_merged_into_id", "merged_into_id"),
        # Keyset pages walk these in order; expressions match queries.sort_expression exactly.
        Index(
            "ix_movement_sort_date",
            func.coalesce(literal_column("event_date"), literal_column(EARLIEST_DATE_SQL)),
            "id",
            postgresql_where=text("deleted_at IS NULL"),
        ),
        Index(
            "ix_movement_sort_unit",
            func.lower(func.coalesce(literal_column("unit_text"), literal_column("''"))),
            "id",
            postgresql_where=text("deleted_at IS NULL"),
        ),
        Index(
            "ix_movement_sort_source",
            func.lower(func.coalesce(literal_column("source_text"), literal_column("''"))),
            "id",
            postgresql_where=text("deleted_at IS NULL"),
        ),
        Index("ix_movement_sort_confidence", "confidence", "id"),
        Index("ix_movement_sort_status", "status", "id"),
        Index("ix_movement_source_id", "source_id"),
        # "Contains" filters (ILIKE '%x%') use trigram indexes.
        *(
            Index(
                f"ix_movement_{column}_trgm",
                column,
                postgresql_using="gin",
                postgresql_ops={column: "gin_trgm_ops"},
            )
            for column in TRIGRAM_COLUMNS
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    article_id: Mapped[int] = mapped_column(ForeignKey("article.id", ondelete="RESTRICT"))
    unit_text: Mapped[str | None] = mapped_column(String(300))
    unit_id: Mapped[int | None] = mapped_column(ForeignKey("unit.id", ondelete="SET NULL"))
    side: Mapped[str | None] = mapped_column(String(80))
    origin_text: Mapped[str | None] = mapped_column(String(300))
    origin_place_id: Mapped[int | None] = mapped_column(ForeignKey("place.id", ondelete="SET NULL"))
    destination_text: Mapped[str | None] = mapped_column(String(300))
    destination_place_id: Mapped[int | None] = mapped_column(
        ForeignKey("place.id", ondelete="SET NULL")
    )
    source_text: Mapped[str | None] = mapped_column(String(300))
    source_id: Mapped[int | None] = mapped_column(ForeignKey("source.id", ondelete="SET NULL"))
    outlet: Mapped[str | None] = mapped_column(String(200))
    status: Mapped[str] = mapped_column(String(16), default=Status.REPORTED.value)
    quantity: Mapped[str | None] = mapped_column(String(200))
    event_date: Mapped[date | None] = mapped_column(Date)
    date_precision: Mapped[str | None] = mapped_column(String(16))
    evidence: Mapped[str] = mapped_column(Text)
    evidence_start: Mapped[int] = mapped_column(Integer)
    evidence_end: Mapped[int] = mapped_column(Integer)
    confidence: Mapped[float] = mapped_column(Float, default=0.5)
    review_status: Mapped[str] = mapped_column(String(16), default=ReviewStatus.PENDING.value)
    provenance: Mapped[str] = mapped_column(String(16), default=Provenance.EXTRACTED.value)
    extractor_version: Mapped[str | None] = mapped_column(String(40))
    # Optimistic locking: an UPDATE carries the version it read; a stale one fails loudly.
    version: Mapped[int] = mapped_column(Integer, default=1, server_default="1")
    deleted_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    # Set when this report was merged into another record describing the same movement.
    merged_into_id: Mapped[int | None] = mapped_column(
        ForeignKey("movement.id", ondelete="SET NULL")
    )
    # Distinct articles reporting this movement (itself plus merged reports); kept by the
    # merge service so that tables and exports read it without a join.
    corroboration: Mapped[int] = mapped_column(Integer, default=1, server_default="1")

    article: Mapped[Article] = relationship(lazy="raise")
    unit: Mapped[Unit | None] = relationship(lazy="raise")
    origin_place: Mapped[Place | None] = relationship(foreign_keys=[origin_place_id], lazy="raise")
    destination_place: Mapped[Place | None] = relationship(
        foreign_keys=[destination_place_id], lazy="raise"
    )
    source: Mapped[Source | None] = relationship(lazy="raise")

    # SQLAlchemy reads this mapping once at class creation; it is never mutated.
    __mapper_args__ = {"version_id_col": version}  # noqa: RUF012
