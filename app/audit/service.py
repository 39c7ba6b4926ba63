"""Recording every change of a movement, reading its history, and rebuilding earlier versions."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.audit.models import Revision
from app.entities.models import Place, Source, Unit
from app.movements.models import Movement
from app.users.models import User

# Fields an analyst can change; restoring a version puts these back. Each maps to how a stored
# text value is read back.
TRACKED_FIELDS: dict[str, type] = {
    "unit_text": str,
    "unit_id": int,
    "side": str,
    "origin_text": str,
    "origin_place_id": int,
    "destination_text": str,
    "destination_place_id": int,
    "source_text": str,
    "source_id": int,
    "outlet": str,
    "status": str,
    "quantity": str,
    "event_date": date,
    "date_precision": str,
    "review_status": str,
}


def to_text(value: Any) -> str | None:
    if value is None:
        return None
    if isinstance(value, date | datetime):
        return value.isoformat()
    return str(value)


def from_text(field: str, text: str | None) -> Any:
    if text is None:
        return None
    kind = TRACKED_FIELDS[field]
    if kind is int:
        return int(text)
    if kind is date:
        return date.fromisoformat(text)
    return text


@dataclass(frozen=True)
class Change:
    field: str
    old: Any
    new: Any


def record(
    session: Session,
    movement: Movement,
    *,
    action: str,
    user_id: int | None,
    changes: list[Change] | None = None,
) -> None:
    """Revision rows for ``changes`` (or one row for a change without fields) at the version
    ``movement`` has now; call after the flush that bumped the version."""
    if not changes:
        session.add(
            Revision(
                movement_id=movement.id, user_id=user_id, action=action, version=movement.version
            )
        )
        return
    session.add_all(
        Revision(
            movement_id=movement.id,
            user_id=user_id,
            action=action,
            field=change.field,
            old_value=to_text(change.old),
            new_value=to_text(change.new),
            version=movement.version,
        )
        for change in changes
    )


@dataclass(frozen=True)
class HistoryEntry:
    id: int
    action: str
    field: str | None
    old_value: str | None
    new_value: str | None
    version: int
    created_at: datetime
    username: str | None


_ENTITY_OF_FIELD: dict[str, type[Place] | type[Unit] | type[Source]] = {
    "unit_id": Unit,
    "origin_place_id": Place,
    "destination_place_id": Place,
    "source_id": Source,
}


def _entity_names(session: Session, revisions: list[Revision]) -> dict[tuple[str, str], str]:
    """Names of the places, units and sources that id revisions point to, in one query each."""
    wanted: dict[type[Place] | type[Unit] | type[Source], set[int]] = {}
    for rev in revisions:
        model = _ENTITY_OF_FIELD.get(rev.field or "")
        if model is not None:
            for value in (rev.old_value, rev.new_value):
                if value is not None and value.isdigit():
                    wanted.setdefault(model, set()).add(int(value))
    names: dict[tuple[str, str], str] = {}
    for model, ids in wanted.items():
        for entity_id, name in session.execute(
            select(model.id, model.name).where(model.id.in_(ids))
        ):
            names[(model.__tablename__, str(entity_id))] = f"{name} (#{entity_id})"
    return names


def history(session: Session, movement_id: int) -> list[HistoryEntry]:
    """Every revision of a movement, newest first, with who made it; entity ids as names."""
    rows = session.execute(
        select(Revision, User.username)
        .outerjoin(User, User.id == Revision.user_id)
        .where(Revision.movement_id == movement_id)
        .order_by(Revision.id.desc())
    ).all()
    names = _entity_names(session, [rev for rev, _ in rows])

    def label(field: str | None, value: str | None) -> str | None:
        model = _ENTITY_OF_FIELD.get(field or "")
        if model is None or value is None:
            return value
        return names.get((model.__tablename__, value), f"#{value}")

    return [
        HistoryEntry(
            id=rev.id,
            action=rev.action,
            field=rev.field,
            old_value=label(rev.field, rev.old_value),
            new_value=label(rev.field, rev.new_value),
            version=rev.version,
            created_at=rev.created_at,
            username=username,
        )
        for rev, username in rows
    ]


def changes_since(session: Session, movement_id: int, version: int) -> list[HistoryEntry]:
    """What others changed after ``version``: shown when a save arrives with a stale version."""
    return [entry for entry in history(session, movement_id) if entry.version > version]


def values_at_version(session: Session, movement: Movement, version: int) -> dict[str, Any]:
    """The tracked fields as they were at ``version``: undo later revisions, newest first."""
    values = {name: getattr(movement, name) for name in TRACKED_FIELDS}
    later = session.scalars(
        select(Revision)
        .where(
            Revision.movement_id == movement.id,
            Revision.version > version,
            Revision.field.in_(TRACKED_FIELDS),
        )
        .order_by(Revision.id.desc())
    )
    for revision in later:
        assert revision.field is not None
        values[revision.field] = from_text(revision.field, revision.old_value)
    return values
