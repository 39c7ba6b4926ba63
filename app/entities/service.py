"""Finding or creating the canonical place, unit and source a record points to."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.orm import Session

from app.entities.models import Place, Source, Unit
from app.extraction.records import PlaceMatch

# ACLED-like geo precision by place kind: 1 exact, 2 town or district, 3 region or wider.
_PRECISION = {"city": 2, "town": 2, "village": 1, "settlement": 2}


def geo_precision(kind: str) -> int:
    return _PRECISION.get(kind, 3)


def place_id_for(session: Session, match: PlaceMatch) -> int:
    """The id of the gazetteer place ``match`` names, inserting it on first use."""
    stmt = (
        insert(Place)
        .values(
            key=match.key,
            name=match.name[:200],
            kind=match.kind[:40],
            country_code=match.country,
            lat=match.lat,
            lon=match.lon,
            geonames_id=match.geonames_id,
            geo_precision=geo_precision(match.kind),
        )
        .on_conflict_do_nothing(index_elements=[Place.key])
        .returning(Place.id)
    )
    inserted = session.execute(stmt).scalar_one_or_none()
    if inserted is not None:
        return inserted
    return session.execute(select(Place.id).where(Place.key == match.key)).scalar_one()


def unit_id_for(session: Session, name: str, *, echelon: str | None, side: str | None) -> int:
    stmt = (
        insert(Unit)
        .values(name=name[:200], echelon=echelon, side=side)
        .on_conflict_do_nothing(index_elements=[Unit.name])
        .returning(Unit.id)
    )
    inserted = session.execute(stmt).scalar_one_or_none()
    if inserted is not None:
        return inserted
    return session.execute(select(Unit.id).where(Unit.name == name[:200])).scalar_one()


def source_id_for(session: Session, name: str, *, role: str | None) -> int:
    stmt = (
        insert(Source)
        .values(name=name[:300], role=(role or None) and role[:300], kind="person")
        .on_conflict_do_nothing(index_elements=[Source.name])
        .returning(Source.id)
    )
    inserted = session.execute(stmt).scalar_one_or_none()
    if inserted is not None:
        return inserted
    return session.execute(select(Source.id).where(Source.name == name[:300])).scalar_one()
