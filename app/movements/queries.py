"""SQL for movements: one filtered query that every view and export is built from."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Date,
    Select,
    String,
    func,
    literal,
    literal_column,
    or_,
    select,
    tuple_,
)
from sqlalchemy.orm import Session, aliased, contains_eager, selectinload

from app.articles.models import Article
from app.entities.models import Place, Source, Unit
from app.movements.cache import aggregate_cache
from app.movements.filters import Cursor, MovementFilters
from app.movements.models import EARLIEST_DATE_SQL, Movement

OriginPlace = aliased(Place, name="origin_place")
DestinationPlace = aliased(Place, name="destination_place")
DeletedArticle = aliased(Article, name="deleted_article")

# Inline constants, not bound parameters, so that the planner matches the expression indexes
# of ``models.Movement`` even in generic plans of prepared statements.
_EARLIEST = literal_column(EARLIEST_DATE_SQL, Date)
_EMPTY = literal_column("''", String)
_NO_IDS: ColumnElement[Any] = literal_column("'{}'::integer[]")


def _contains(value: str) -> str:
    escaped = value.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def _text_match(value: str, *columns: Any) -> ColumnElement[bool]:
    pattern = _contains(value)
    return or_(*(col.ilike(pattern, escape="\\") for col in columns))


def _place_match(value: str, text_column: Any, place_id_column: Any) -> ColumnElement[bool]:
    """The surface text or the resolved place name contains ``value``.

    The place names are matched once, in an init-plan, into an array of ids, so that both arms
    of the OR can use an index (trigram on the text, btree on the id) and be OR-ed as bitmaps.
    """
    pattern = _contains(value)
    place_ids = (
        select(func.array_agg(Place.id))
        .where(Place.name.ilike(pattern, escape="\\"))
        .scalar_subquery()
    )
    return or_(
        text_column.ilike(pattern, escape="\\"),
        place_id_column == func.any(func.coalesce(place_ids, _NO_IDS)),
    )


def sort_expression(key: str) -> ColumnElement[Any]:
    expressions: dict[str, Any] = {
        "date": func.coalesce(Movement.event_date, _EARLIEST),
        "unit": func.lower(func.coalesce(Movement.unit_text, _EMPTY)),
        "side": func.lower(func.coalesce(Movement.side, _EMPTY)),
        "origin": func.lower(func.coalesce(OriginPlace.name, Movement.origin_text, _EMPTY)),
        "destination": func.lower(
            func.coalesce(DestinationPlace.name, Movement.destination_text, _EMPTY)
        ),
        "source": func.lower(func.coalesce(Movement.source_text, _EMPTY)),
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


def needs_joins(filters: MovementFilters) -> bool:
    """Whether the conditions compare shown values, which live in the joined tables."""
    return any(getattr(filters, f"{name}_is") is not None for name in SHOWN_VALUES)


def filter_conditions(
    filters: MovementFilters, *, article_joined: bool = True
) -> list[ColumnElement[bool]]:
    """WHERE conditions for ``filters``.

    The query must join Article when ``article_joined`` (always the case if ``needs_article``);
    otherwise deleted articles are excluded through an anti-join with the few deleted ones,
    which spares a count the join with every article.
    """
    live_article: ColumnElement[bool] = (
        Article.deleted_at.is_(None)
        if article_joined
        else ~select(DeletedArticle.id)
        .where(DeletedArticle.id == Movement.article_id, DeletedArticle.deleted_at.is_not(None))
        .exists()
    )
    conditions: list[ColumnElement[bool]] = [Movement.deleted_at.is_(None), live_article]
    if filters.unit:
        conditions.append(_text_match(filters.unit, Movement.unit_text))
    if filters.side:
        conditions.append(_text_match(filters.side, Movement.side))
    if filters.origin:
        conditions.append(
            _place_match(filters.origin, Movement.origin_text, Movement.origin_place_id)
        )
    if filters.destination:
        conditions.append(
            _place_match(
                filters.destination, Movement.destination_text, Movement.destination_place_id
            )
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


def _joined(stmt: Select[Any], *, entities: bool = True) -> Select[Any]:
    # Every join is many-to-one, so joining never multiplies rows.
    stmt = (
        stmt.join(Article, Movement.article_id == Article.id)
        .outerjoin(OriginPlace, Movement.origin_place_id == OriginPlace.id)
        .outerjoin(DestinationPlace, Movement.destination_place_id == DestinationPlace.id)
    )
    if entities:
        stmt = stmt.outerjoin(Unit, Movement.unit_id == Unit.id).outerjoin(
            Source, Movement.source_id == Source.id
        )
    return stmt


def select_filtered(filters: MovementFilters, *columns: Any) -> Select[Any]:
    """``SELECT columns`` over the movements ``filters`` matches, every related table joined.

    Counts, facets, timeline and map aggregate over this, so they see the table's rows.
    """
    return _joined(select(*columns).select_from(Movement)).where(*filter_conditions(filters))


def filtered_movements(filters: MovementFilters) -> Select[Any]:
    """Movements matching ``filters`` with article and places loaded, in the filter's order."""
    stmt = (
        # Units and sources are joined only when an exact filter compares their names.
        _joined(select(Movement), entities=needs_joins(filters))
        .options(
            # Rows show the article's title; its text (up to megabytes) stays in the database.
            contains_eager(Movement.article).load_only(
                Article.id, Article.title, Article.url, Article.outlet, Article.published_at
            ),
            contains_eager(Movement.origin_place.of_type(OriginPlace)),
            contains_eager(Movement.destination_place.of_type(DestinationPlace)),
            # Joining these two as well would multiply the planner's work (about 10 ms a
            # page at a million rows); one small IN query each costs far less.
            selectinload(Movement.unit),
            selectinload(Movement.source),
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


# Counting every match of a broad filter over a million rows takes longer than a page should:
# past this many matches, the table shows the planner's estimate, labelled "about".
EXACT_COUNT_LIMIT = 1_000
# Planner estimates are rough; only trust one without counting when it is far past the limit.
ESTIMATE_ONLY_FACTOR = 5


def needs_article(filters: MovementFilters) -> bool:
    """Whether ``filter_conditions(filters)`` refers to columns of the article."""
    return bool(filters.outlet or filters.q)


def _matching_ids(filters: MovementFilters) -> Select[Any]:
    """Ids of matching movements, joined only to what the conditions need (for counting)."""
    if needs_joins(filters):
        return select_filtered(filters, Movement.id)
    stmt = select(Movement.id)
    if not needs_article(filters):
        return stmt.where(*filter_conditions(filters, article_joined=False))
    stmt = stmt.join(Article, Movement.article_id == Article.id)
    return stmt.where(*filter_conditions(filters))


def total_column(filters: MovementFilters) -> ColumnElement[int]:
    """How many movements match, as a column of any query over them.

    Uncorrelated: PostgreSQL counts once, before the first row, in the same snapshot as the
    rows it accompanies (so it is exactly their number). Unlike ``count(*) OVER ()`` it does
    not hold every row back until the last one has been read.
    """
    return _count_matching(filters).scalar_subquery()


def _count_matching(filters: MovementFilters) -> Select[Any]:
    return select(func.count()).select_from(_matching_ids(filters).subquery())


def count_movements(session: Session, filters: MovementFilters) -> int:
    return int(session.execute(_count_matching(filters)).scalar_one())


def estimate_movements(session: Session, filters: MovementFilters) -> int:
    """The planner's estimate of how many movements match (no rows are read)."""
    stmt = _matching_ids(filters)
    compiled = stmt.compile(dialect=session.get_bind().dialect)
    plan = (
        session.connection()
        .exec_driver_sql(f"EXPLAIN (FORMAT JSON) {compiled}", dict(compiled.params))
        .scalar_one()
    )
    return int(plan[0]["Plan"]["Plan Rows"])


def count_or_estimate(
    session: Session, filters: MovementFilters, *, exact_limit: int = EXACT_COUNT_LIMIT
) -> tuple[int, bool]:
    """``(count, estimated)``: exact up to ``exact_limit`` matches, else the planner's estimate.

    When the planner expects far more than ``exact_limit`` matches, no row is read at all;
    otherwise the count reads at most ``exact_limit + 1`` rows, so a page costs about the same
    however broad the filter is.
    """
    estimate = estimate_movements(session, filters)
    if estimate > ESTIMATE_ONLY_FACTOR * exact_limit:
        return estimate, True
    bounded = _matching_ids(filters).limit(exact_limit + 1).subquery()
    seen = int(session.execute(select(func.count()).select_from(bounded)).scalar_one())
    if seen <= exact_limit:
        return seen, False
    return max(estimate, seen), True


@dataclass(frozen=True)
class MovementPage:
    rows: list[Movement]
    next_cursor: Cursor | None
    total: int
    # True when ``total`` is the planner's estimate of a count above ``EXACT_COUNT_LIMIT``.
    estimated: bool = False


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
    # Kept between requests until the data changes, as sort and paging do not change it.
    total, estimated = aggregate_cache.get(
        session,
        ("count", *filters.filter_items(), EXACT_COUNT_LIMIT),
        lambda: count_or_estimate(session, filters, exact_limit=EXACT_COUNT_LIMIT),
    )
    return MovementPage(rows=rows, next_cursor=next_cursor, total=total, estimated=estimated)


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


def export_rows(
    filters: MovementFilters, *, columns: Mapping[str, Any] | None = None
) -> Select[Any]:
    """The flat export query: every field of each matching movement, in the filter's order.

    ``columns`` replaces ``EXPORT_COLUMNS`` with expressions over them (same names, same order).
    """
    chosen = EXPORT_COLUMNS if columns is None else columns
    stmt = _joined(select(*(col.label(name) for name, col in chosen.items()))).where(
        *filter_conditions(filters)
    )
    key = sort_expression(filters.sort)
    if filters.desc:
        return stmt.order_by(key.desc(), Movement.id.desc())
    return stmt.order_by(key.asc(), Movement.id.asc())
