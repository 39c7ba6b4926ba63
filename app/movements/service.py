"""Turning extractor records into stored, audited movements."""

from __future__ import annotations

import secrets
from collections.abc import Mapping, Sequence
from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session, joinedload

from app.articles.models import Article
from app.audit import service as audit
from app.audit.models import Revision
from app.audit.service import Change
from app.entities.models import Place, Source, Unit
from app.entities.service import place_id_for, source_id_for, unit_id_for
from app.extraction import EXTRACTOR_VERSION
from app.extraction.records import MovementRecord
from app.movements.models import DatePrecision, Movement, Provenance, ReviewStatus, Status


def _clip(value: str | None, limit: int) -> str | None:
    return value[:limit] if value else None


def movement_from_record(session: Session, article: Article, record: MovementRecord) -> Movement:
    event_date, precision = record.event_date, record.date_precision
    if event_date is None and article.published_at is not None:
        # No date in the text: the report's date is the best an analyst can sort by.
        event_date, precision = article.published_at, DatePrecision.REPORTED.value
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


# -- analyst changes: edit, review, delete, restore, merge, manual records ----------------------


class MovementError(ValueError):
    """A change that cannot be made; ``field`` names the form field at fault, if any."""

    def __init__(self, message: str, *, field: str | None = None, status_code: int = 422):
        super().__init__(message)
        self.field = field
        self.status_code = status_code


class StaleVersion(Exception):
    """The record changed since the client read it; nothing was written."""

    def __init__(self, movement_id: int, expected: int, current: int) -> None:
        super().__init__(
            f"Movement #{movement_id} was changed by someone else "
            f"(you had version {expected}, it is now at version {current})."
        )
        self.movement_id = movement_id
        self.expected = expected
        self.current = current


TEXT_LIMITS = {
    "unit_text": 300,
    "side": 80,
    "origin_text": 300,
    "destination_text": 300,
    "source_text": 300,
    "outlet": 200,
    "quantity": 200,
}
ENTITY_FIELDS = {
    "unit_id": ("unit_text", Unit),
    "origin_place_id": ("origin_text", Place),
    "destination_place_id": ("destination_text", Place),
    "source_id": ("source_text", Source),
}
PLACE_KINDS = (
    "settlement",
    "city",
    "village",
    "region",
    "country",
    "front direction",
    "military district",
    "sea",
    "base",
    "other",
)
FORM_FIELDS = (*TEXT_LIMITS, *ENTITY_FIELDS, "status", "event_date", "date_precision")


def get_movement_or_raise(
    session: Session, movement_id: int, *, include_deleted: bool = False
) -> Movement:
    stmt = (
        select(Movement)
        .where(Movement.id == movement_id)
        .options(
            joinedload(Movement.article),
            joinedload(Movement.origin_place),
            joinedload(Movement.destination_place),
            joinedload(Movement.unit),
            joinedload(Movement.source),
        )
    )
    if not include_deleted:
        stmt = stmt.where(Movement.deleted_at.is_(None))
    movement = session.scalars(stmt).first()
    if movement is None:
        raise MovementError(f"There is no movement #{movement_id}.", status_code=404)
    return movement


def check_version(movement: Movement, expected_version: int) -> None:
    if movement.version != expected_version:
        raise StaleVersion(movement.id, expected_version, movement.version)


def _new_place(session: Session, name: str, kind: str, country: str) -> int:
    if kind not in PLACE_KINDS:
        raise MovementError(f"A new place's kind must be one of {', '.join(PLACE_KINDS)}.")
    country = country.strip().upper()
    if country and (len(country) > 8 or not country.isalpha()):
        raise MovementError("A country code is letters only, like UA or RU.")
    place = Place(
        key=f"manual:{secrets.token_hex(8)}",
        name=name[:200],
        kind=kind,
        country_code=country or None,
        geo_precision=_PLACE_PRECISION.get(kind, 3),
    )
    session.add(place)
    session.flush()
    return place.id


_PLACE_PRECISION = {"settlement": 2, "city": 2, "village": 1, "base": 1}


def _entity_id(
    session: Session, form: Mapping[str, str], name: str, text: str | None, side: str | None
) -> int | None:
    raw = (form.get(name) or "").strip()
    _, model = ENTITY_FIELDS[name]
    if not raw or text is None:
        return None
    if raw == "new":
        prefix = name.removesuffix("_place_id")
        if model is Place:
            return _new_place(
                session,
                text,
                (form.get(f"{prefix}_new_kind") or "settlement").strip(),
                form.get(f"{prefix}_new_country") or "",
            )
        if model is Unit:
            return unit_id_for(session, text, echelon=None, side=side)
        return source_id_for(session, text, role=None)
    if not raw.isdigit() or len(raw) > 12:
        raise MovementError(f"{name} must be a number or 'new', not {raw!r}.", field=name)
    if session.get(model, int(raw)) is None:
        raise MovementError(f"There is no {model.__tablename__} #{raw}.", field=name)
    return int(raw)


def parse_movement_form(session: Session, form: Mapping[str, str]) -> dict[str, Any]:
    """Validated values for every editable field from a submitted form (new entities created)."""
    values: dict[str, Any] = {}
    for name, limit in TEXT_LIMITS.items():
        text = (form.get(name) or "").strip()
        if len(text) > limit:
            raise MovementError(f"{name} has more than {limit} characters.", field=name)
        values[name] = text or None
    for name, (text_field, _) in ENTITY_FIELDS.items():
        values[name] = _entity_id(session, form, name, values[text_field], values["side"])
    status_raw = (form.get("status") or Status.REPORTED.value).strip()
    if status_raw not in {s.value for s in Status}:
        allowed = ", ".join(s.value for s in Status)
        raise MovementError(f"status must be one of {allowed}, not {status_raw!r}.", field="status")
    values["status"] = status_raw
    date_raw = (form.get("event_date") or "").strip()
    try:
        values["event_date"] = date.fromisoformat(date_raw) if date_raw else None
    except ValueError:
        raise MovementError(
            f"The date must be written YYYY-MM-DD, not {date_raw!r}.", field="event_date"
        ) from None
    precision = (form.get("date_precision") or "").strip()
    if precision and precision not in {p.value for p in DatePrecision}:
        allowed = ", ".join(p.value for p in DatePrecision)
        raise MovementError(
            f"date_precision must be one of {allowed}, not {precision!r}.", field="date_precision"
        )
    values["date_precision"] = precision or None
    return values


def _apply(
    session: Session,
    movement: Movement,
    values: Mapping[str, Any],
    *,
    action: str,
    user_id: int | None,
) -> list[Change]:
    changes = [
        Change(name, getattr(movement, name), value)
        for name, value in values.items()
        if getattr(movement, name) != value
    ]
    if not changes:
        return []
    for change in changes:
        setattr(movement, change.field, change.new)
    session.flush()  # bumps the version, or fails with StaleDataError on a concurrent write
    audit.record(session, movement, action=action, user_id=user_id, changes=changes)
    return changes


def update_movement(
    session: Session,
    *,
    movement_id: int,
    form: Mapping[str, str],
    expected_version: int,
    user_id: int,
) -> list[Change]:
    movement = get_movement_or_raise(session, movement_id)
    check_version(movement, expected_version)
    values = parse_movement_form(session, form)
    return _apply(session, movement, values, action="edit", user_id=user_id)


def set_review_status(
    session: Session,
    *,
    movement_id: int,
    review_status: ReviewStatus,
    expected_version: int,
    user_id: int,
) -> Movement:
    movement = get_movement_or_raise(session, movement_id)
    check_version(movement, expected_version)
    action = {ReviewStatus.CONFIRMED: "confirm", ReviewStatus.REJECTED: "reject"}.get(
        review_status, "edit"
    )
    _apply(
        session,
        movement,
        {"review_status": review_status.value},
        action=action,
        user_id=user_id,
    )
    return movement


def bulk_confirm(
    session: Session, *, selection: Sequence[tuple[int, int]], user_id: int
) -> tuple[int, int]:
    """Confirm each (id, version) still pending at that version; return (confirmed, skipped)."""
    confirmed = skipped = 0
    for movement_id, version in selection:
        try:
            movement = get_movement_or_raise(session, movement_id)
            check_version(movement, version)
        except (MovementError, StaleVersion):
            skipped += 1
            continue
        if movement.review_status != ReviewStatus.PENDING.value:
            skipped += 1
            continue
        _apply(
            session,
            movement,
            {"review_status": ReviewStatus.CONFIRMED.value},
            action="confirm",
            user_id=user_id,
        )
        confirmed += 1
    return confirmed, skipped


def restore_version(
    session: Session, *, movement_id: int, version: int, expected_version: int, user_id: int
) -> list[Change]:
    """Put every tracked field back as it was at ``version``; recorded as a new revision."""
    movement = get_movement_or_raise(session, movement_id)
    check_version(movement, expected_version)
    if not 1 <= version <= movement.version:
        raise MovementError(f"Movement #{movement_id} has no version {version}.")
    values = audit.values_at_version(session, movement, version)
    # An entity deleted since then cannot be pointed to again; keep its text only.
    for name, (_, model) in ENTITY_FIELDS.items():
        if values[name] is not None and session.get(model, values[name]) is None:
            values[name] = None
    return _apply(session, movement, values, action="restore", user_id=user_id)


def soft_delete(
    session: Session, *, movement_id: int, expected_version: int, user_id: int
) -> Movement:
    movement = get_movement_or_raise(session, movement_id)
    check_version(movement, expected_version)
    movement.deleted_at = datetime.now(UTC)
    session.flush()
    audit.record(session, movement, action="delete", user_id=user_id)
    return movement


def undelete(session: Session, *, movement_id: int, user_id: int) -> Movement:
    """Bring back a deleted record; a merged report becomes a record of its own again."""
    movement = get_movement_or_raise(session, movement_id, include_deleted=True)
    if movement.deleted_at is None:
        raise MovementError(f"Movement #{movement_id} is not deleted.", status_code=409)
    parent_id = movement.merged_into_id
    movement.deleted_at = None
    movement.merged_into_id = None
    session.flush()
    audit.record(session, movement, action="restore", user_id=user_id)
    if parent_id is not None:
        parent = session.get(Movement, parent_id)
        if parent is not None:
            _refresh_corroboration(session, parent, user_id=user_id)
    return movement


def _refresh_corroboration(session: Session, movement: Movement, *, user_id: int) -> None:
    count = session.execute(
        select(func.count(func.distinct(Movement.article_id))).where(
            or_(Movement.id == movement.id, Movement.merged_into_id == movement.id)
        )
    ).scalar_one()
    if movement.corroboration != count:
        old = movement.corroboration
        movement.corroboration = int(count)
        session.flush()
        audit.record(
            session,
            movement,
            action="merge",
            user_id=user_id,
            changes=[Change("corroboration", old, int(count))],
        )


def merge_movements(
    session: Session, *, target_id: int, other_id: int, expected_version: int, user_id: int
) -> Movement:
    """Fold ``other`` into ``target``: one movement, reported by both records' articles."""
    if target_id == other_id:
        raise MovementError("A record cannot be merged into itself.", field="other_id")
    target = get_movement_or_raise(session, target_id)
    check_version(target, expected_version)
    try:
        other = get_movement_or_raise(session, other_id)
    except MovementError:
        raise MovementError(
            f"There is no movement #{other_id} to merge.", field="other_id"
        ) from None
    # Reports already merged into ``other`` follow it.
    for child in session.scalars(select(Movement).where(Movement.merged_into_id == other.id)):
        child.merged_into_id = target.id
    other.merged_into_id = target.id
    other.deleted_at = datetime.now(UTC)
    session.flush()
    audit.record(
        session,
        other,
        action="merge",
        user_id=user_id,
        changes=[Change("merged_into_id", None, target.id)],
    )
    _refresh_corroboration(session, target, user_id=user_id)
    return target


def merged_reports(session: Session, movement_id: int) -> list[Movement]:
    """The records merged into a movement, each with its article."""
    return list(
        session.scalars(
            select(Movement)
            .where(Movement.merged_into_id == movement_id)
            .options(joinedload(Movement.article))
            .order_by(Movement.id)
        )
    )


def merge_candidates(session: Session, movement: Movement, *, limit: int = 10) -> list[Movement]:
    """Other live records that may describe the same movement: same destination or unit."""
    same: list[Any] = []
    if movement.destination_place_id is not None:
        same.append(Movement.destination_place_id == movement.destination_place_id)
    if movement.destination_text:
        same.append(func.lower(Movement.destination_text) == movement.destination_text.lower())
    if movement.unit_id is not None:
        same.append(Movement.unit_id == movement.unit_id)
    if not same:
        return []
    return list(
        session.scalars(
            select(Movement)
            .where(
                Movement.id != movement.id,
                Movement.deleted_at.is_(None),
                or_(*same),
            )
            .options(joinedload(Movement.article))
            .order_by(Movement.id.desc())
            .limit(limit)
        )
    )


def create_manual_movement(
    session: Session,
    *,
    article: Article,
    form: Mapping[str, str],
    evidence_start: int,
    evidence_end: int,
    user_id: int,
) -> Movement:
    """A movement an analyst wrote from evidence they selected in the article."""
    if not 0 <= evidence_start < evidence_end <= len(article.text):
        raise MovementError(
            "Select the evidence in the article text first "
            f"(offsets must satisfy 0 <= start < end <= {len(article.text)}).",
            field="evidence",
        )
    evidence = article.text[evidence_start:evidence_end]
    if not evidence.strip():
        raise MovementError("The selected evidence is blank.", field="evidence")
    values = parse_movement_form(session, form)
    movement = Movement(
        article_id=article.id,
        evidence=evidence,
        evidence_start=evidence_start,
        evidence_end=evidence_end,
        confidence=1.0,
        # Written by an analyst from the evidence: nothing left to review.
        review_status=ReviewStatus.CONFIRMED.value,
        provenance=Provenance.MANUAL.value,
        **values,
    )
    session.add(movement)
    session.flush()
    audit.record(session, movement, action="create", user_id=user_id)
    return movement
