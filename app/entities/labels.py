"""Names for the entity filters, so a sentence says "unit is 76th Division (#3)", not "#3"."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.entities.models import Place, Unit
from app.movements.filters import MovementFilters


def filter_labels(session: Session, filters: MovementFilters) -> dict[str, str]:
    labels: dict[str, str] = {}
    if filters.unit_id is not None:
        name = session.scalar(select(Unit.name).where(Unit.id == filters.unit_id))
        if name:
            labels["unit_id"] = name
    for field, place_id in (
        ("origin_id", filters.origin_id),
        ("destination_id", filters.destination_id),
    ):
        if place_id is not None:
            name = session.scalar(select(Place.name).where(Place.id == place_id))
            if name:
                labels[field] = name
    return labels
