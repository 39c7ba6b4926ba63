"""SQL for movements: one filtered query that every view and export is built from."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Date,
    Select,
    cast,
    func,
    literal,
    or_,
    select,
    tuple_,
)
from sqlalchemy.orm import Session, aliased, contains_eager

from app.articles.models import Article
from app.entities.models import Place, Source, Unit
from app.movements.filters import Cursor, MovementFilters
from app.movements.models import Movement

OriginPlace = aliased(Place, name="origin_place")
DestinationPlace = aliased(Place, name="destination_place")

_EARLIEST = cast(literal("0001-01-01"), Date)


def _contains(value: str) -> str:
    escaped = value.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def _text_match(value: str, *columns: Any) -> ColumnElement[bool]:
    pattern = _contains(value)
    return or_(*(col.ilike(pattern, escape="\\") for col in columns))


def sort_expression(key: str) -> ColumnElement[Any]:
    expressions: dict[str, Any] = {
        "date": func.coalesce(Movement.event_date, _EARLIEST),
        "unit": func.lower(func.coalesce(Movement.unit_text, "")),
        "side": func.lower(func.coalesce(Movement.side, "")),
        "origin": func.lower(func.coalesce(OriginPlace.name, Movement.origin_text, "")),
        "destination": func.lower(
            func.coalesce(DestinationPlace.name, Movement.destination_text, "")
        ),
        "source": func.lower(func.coalesce(Movement.source_text, "")),
        "status": Movement.status,
        "article": Movement.article_id,
        "confidence": Movement.confidence,
        "created": Movement.created_at,
    }
    expression: ColumnElement[Any] = expressions[key]
    return expression


# The value a record shows for each dimension: the resolved name, else the surface text. Facets,
# timeline lanes and the exact ``<name>_is`` filters all group and match on these.
SHOWN_VALUES: dict[str, Any] = {
    "unit": func.coalesce(Unit.name, Movement.unit_text),
    "side": Movement.side,
    "origin": func.coalesce(OriginPlace.name, Movement.origin_text),
    "destination": func.coalesce(DestinationPlace.name, Movement.destination_text),
    "source": func.coalesce(Source.name, Movement.source_text),
    "outlet": func.coalesce(Movement.outlet, Article.outlet),
}


def filter_conditions(filters: MovementFilters) -> list[ColumnElement[bool]]:
    """WHERE conditions for ``filters``; the query must be built on ``select_filtered``'s joins."""
    conditions: list[ColumnElement[bool]] = [
        Movement.deleted_at.is_(None),
        Article.deleted_at.is_(None),
    ]
    if filters.unit:
        conditions.append(_text_match(filters.unit, Movement.unit_text))
    if filters.side:
        conditions.append(_text_match(filters.side, Movement.side))
    if filters.origin:
        conditions.append(_text_match(filters.origin, Movement.origin_text, OriginPlace.name))
    if filters.destination:
        conditions.append(
            _text_match(filters.destination, Movement.destination_text, DestinationPlace.name)
        )
    if filters.source:
        conditions.append(_text_match(filters.source, Movement.source_text))
    if filters.outlet:
        conditions.append(_text_match(filters.outlet, Movement.outlet, Article.outlet))
    if filters.status is not None:
        conditions.append(Movement.status == filters.status.value)
    if filters.review is not None:
        conditions.append(Movement.review_status == filters.review.value)
    if filters.article is not None:
        conditions.append(Movement.article_id == filters.article)
    if filters.date_from is not None:
        conditions.append(Movement.event_date >= filters.date_from)
    if filters.date_to is not None:
        conditions.append(Movement.event_date <= filters.date_to)
    for name, shown in SHOWN_VALUES.items():
        exact = getattr(filters, f"{name}_is")
        if exact is not None:
            conditions.append(func.lower(shown) == exact.lower())
    if filters.unit_id is not None:
        conditions.append(Movement.unit_id == filters.unit_id)
    if filters.origin_id is not None:
        conditions.append(Movement.origin_place_id == filters.origin_id)
    if filters.destination_id is not None:
        conditions.append(Movement.destination_place_id == filters.destination_id)
    if filters.added_after is not None:
        conditions.append(Movement.created_at > filters.added_after)
    if filters.q:
        conditions.append(
            _text_match(
                filters.q,
                Movement.evidence,
                Movement.unit_text,
                Movement.origin_text,
                Movement.destination_text,
                Movement.source_text,
                Article.title,
            )
        )
    return conditions


def _joined(stmt: Select[Any]) -> Select[Any]:
    # Every join is many-to-one, so joining never multiplies rows.
    return (
        stmt.join(Article, Movement.article_id == Article.id)
        .outerjoin(OriginPlace, Movement.origin_place_id == OriginPlace.id)
        .outerjoin(DestinationPlace, Movement.destination_place_id == DestinationPlace.id)
        .outerjoin(Unit, Movement.unit_id == Unit.id)
        .outerjoin(Source, Movement.source_id == Source.id)
    )


def select_filtered(filters: MovementFilters, *columns: Any) -> Select[Any]:
    """``SELECT columns`` over the movements ``filters`` matches, every related table joined.

    Counts, facets, timeline and map aggregate over this, so they see the table's rows.
    """
    return _joined(select(*columns).select_from(Movement)).where(*filter_conditions(filters))


def filtered_movements(filters: MovementFilters) -> Select[Any]:
    """Movements matching ``filters`` with article and places loaded, in the filter's order."""
    stmt = (
        _joined(select(Movement))
        .options(
            contains_eager(Movement.article),
            contains_eager(Movement.origin_place.of_type(OriginPlace)),
            contains_eager(Movement.destination_place.of_type(DestinationPlace)),
            contains_eager(Movement.unit),
            contains_eager(Movement.source),
        )
        .where(*filter_conditions(filters))
    )
    key = sort_expression(filters.sort)
    if filters.after is not None:
        boundary = tuple_(key, Movement.id)
        cursor = tuple_(literal(filters.after.value), literal(filters.after.id))
        stmt = stmt.where(boundary < cursor if filters.desc else boundary > cursor)
    if filters.desc:
        return stmt.order_by(key.desc(), Movement.id.desc())
    return stmt.order_by(key.asc(), Movement.id.asc())


def count_movements(session: Session, filters: MovementFilters) -> int:
    stmt = _joined(select(func.count(Movement.id))).where(*filter_conditions(filters))
    return int(session.execute(stmt).scalar_one())


@dataclass(frozen=True)
class MovementPage:
    rows: list[Movement]
    next_cursor: Cursor | None
    total: int


def cursor_for(movement: Movement, sort: str) -> Cursor:
    values: dict[str, Any] = {
        "date": movement.event_date.isoformat() if movement.event_date else "0001-01-01",
        "unit": (movement.unit_text or "").lower(),
        "side": (movement.side or "").lower(),
        "origin": (
            (movement.origin_place.name if movement.origin_place else movement.origin_text) or ""
        ).lower(),
        "destination": (
            (
                movement.destination_place.name
                if movement.destination_place
                else movement.destination_text
            )
            or ""
        ).lower(),
        "source": (movement.source_text or "").lower(),
        "status": movement.status,
        "article": movement.article_id,
        "confidence": movement.confidence,
        "created": movement.created_at.isoformat(),
    }
    return Cursor.decode(Cursor(values[sort], movement.id).encode(), sort)


def page_of_movements(session: Session, filters: MovementFilters) -> MovementPage:
    """One keyset page: ``limit`` rows after the cursor, plus the cursor of the next page."""
    stmt = filtered_movements(filters).limit(filters.limit + 1)
    rows: list[Movement] = list(session.scalars(stmt))
    next_cursor = None
    if len(rows) > filters.limit:
        rows = rows[: filters.limit]
        next_cursor = cursor_for(rows[-1], filters.sort)
    return MovementPage(rows=rows, next_cursor=next_cursor, total=count_movements(session, filters))


def iter_movements(
    session: Session, filters: MovementFilters, *, batch_size: int = 1000
) -> Iterator[Movement]:
    """Every matching movement in order, fetched through a server-side cursor."""
    stmt = filtered_movements(filters).execution_options(yield_per=batch_size)
    yield from session.scalars(stmt)


# Flat columns of one exported movement, in export order (CSV header, JSON keys).
EXPORT_COLUMNS: dict[str, Any] = {
    "id": Movement.id,
    "unit": Movement.unit_text,
    "unit_canonical": Unit.name,
    "unit_echelon": Unit.echelon,
    "side": Movement.side,
    "origin": Movement.origin_text,
    "origin_place": OriginPlace.name,
    "origin_kind": OriginPlace.kind,
    "origin_country": OriginPlace.country_code,
    "origin_lat": OriginPlace.lat,
    "origin_lon": OriginPlace.lon,
    "destination": Movement.destination_text,
    "destination_place": DestinationPlace.name,
    "destination_kind": DestinationPlace.kind,
    "destination_country": DestinationPlace.country_code,
    "destination_lat": DestinationPlace.lat,
    "destination_lon": DestinationPlace.lon,
    "source": Movement.source_text,
    "source_role": Source.role,
    "outlet": func.coalesce(Movement.outlet, Article.outlet),
    "status": Movement.status,
    "quantity": Movement.quantity,
    "event_date": Movement.event_date,
    "date_precision": Movement.date_precision,
    "evidence": Movement.evidence,
    "evidence_start": Movement.evidence_start,
    "evidence_end": Movement.evidence_end,
    "confidence": Movement.confidence,
    "review_status": Movement.review_status,
    "provenance": Movement.provenance,
    "extractor_version": Movement.extractor_version,
    "version": Movement.version,
    # Distinct articles reporting the movement; stored on the row by the merge service.
    "corroboration": Movement.corroboration,
    "article_id": Movement.article_id,
    "article_title": Article.title,
    "article_url": Article.url,
    "article_published_at": Article.published_at,
    "created_at": Movement.created_at,
    "updated_at": Movement.updated_at,
}


def export_rows(filters: MovementFilters) -> Select[Any]:
    """The flat export query: every field of each matching movement, in the filter's order."""
    stmt = _joined(select(*(col.label(name) for name, col in EXPORT_COLUMNS.items()))).where(
        *filter_conditions(filters)
    )
    key = sort_expression(filters.sort)
    if filters.desc:
        return stmt.order_by(key.desc(), Movement.id.desc())
    return stmt.order_by(key.asc(), Movement.id.asc())
