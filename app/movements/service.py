"""Turning extractor records into stored, audited movements."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.articles.models import Article
from app.audit.models import Revision
from app.entities.service import place_id_for, source_id_for, unit_id_for
from app.extraction.records import MovementRecord
from app.movements.models import DatePrecision, Movement, Provenance, ReviewStatus


def _clip(value: str | None, limit: int) -> str | None:
    return value[:limit] if value else None


def movement_from_record(session: Session, article: Article, record: MovementRecord) -> Movement:
    event_date, precision = record.event_date, record.date_precision
    if event_date is None and article.published_at is not None:
        # No date in the text: the report's date is the best an analyst can sort by.
        event_date, precision = article.published_at, DatePrecision.REPORTED.value
    from app.extraction import EXTRACTOR_VERSION

    return Movement(
        article_id=article.id,
        unit_text=_clip(record.unit, 300),
        unit_id=(
            unit_id_for(
                session, record.unit_normalized, echelon=record.unit_echelon, side=record.side
            )
            if record.unit_normalized
            else None
        ),
        side=_clip(record.side, 80),
        origin_text=_clip(record.origin, 300),
        origin_place_id=place_id_for(session, record.origin_place) if record.origin_place else None,
        destination_text=_clip(record.destination, 300),
        destination_place_id=(
            place_id_for(session, record.destination_place) if record.destination_place else None
        ),
        source_text=_clip(record.source, 300),
        source_id=(
            source_id_for(session, record.source, role=record.source_role)
            if record.source
            else None
        ),
        outlet=_clip(record.outlet, 200),
        status=record.status,
        quantity=_clip(record.quantity, 200),
        event_date=event_date,
        date_precision=precision,
        evidence=record.evidence,
        evidence_start=record.evidence_start,
        evidence_end=record.evidence_end,
        confidence=record.confidence,
        review_status=ReviewStatus.PENDING.value,
        provenance=Provenance.EXTRACTED.value,
        extractor_version=EXTRACTOR_VERSION,
    )


def store_records(session: Session, *, article: Article, records: Sequence[MovementRecord]) -> int:
    """Add one movement per record, each with its "create" revision; return how many."""
    movements = [movement_from_record(session, article, record) for record in records]
    session.add_all(movements)
    session.flush()
    session.add_all(
        Revision(movement_id=m.id, action="create", version=m.version) for m in movements
    )
    return len(movements)


def is_analyst_owned(movement: Movement) -> bool:
    """A record an analyst has touched: confirmed, rejected, written by hand or edited.

    Re-extraction never overwrites or deletes these; it only adds suggestions beside them.
    """
    return (
        movement.review_status in (ReviewStatus.CONFIRMED.value, ReviewStatus.REJECTED.value)
        or movement.provenance == Provenance.MANUAL.value
        or movement.version > 1
    )


def _signature(
    unit: str | None, origin: str | None, destination: str | None, start: int, end: int
) -> tuple[str, str, str, int, int]:
    return (
        (unit or "").casefold(),
        (origin or "").casefold(),
        (destination or "").casefold(),
        start,
        end,
    )


def replace_machine_records(
    session: Session, *, article: Article, records: Sequence[MovementRecord]
) -> tuple[int, int]:
    """Swap an article's untouched machine records for fresh ones; return (kept, added).

    Analyst-owned records stay as they are. A fresh record identical to one of them (same
    unit, origin, destination and evidence span) is not added again; any other is added as a
    pending suggestion beside them.
    """
    existing = list(
        session.scalars(
            select(Movement).where(Movement.article_id == article.id, Movement.deleted_at.is_(None))
        )
    )
    kept = [m for m in existing if is_analyst_owned(m)]
    for movement in existing:
        if not is_analyst_owned(movement):
            session.delete(movement)
    session.flush()
    taken = {
        _signature(m.unit_text, m.origin_text, m.destination_text, m.evidence_start, m.evidence_end)
        for m in kept
    }
    fresh = [
        r
        for r in records
        if _signature(r.unit, r.origin, r.destination, r.evidence_start, r.evidence_end)
        not in taken
    ]
    return len(kept), store_records(session, article=article, records=fresh)
