"""Aggregations over the filtered movements: value counts, date buckets, timeline lanes, routes.

Every function starts from ``queries.select_filtered`` with the caller's ``MovementFilters``, so
a number shown in a facet, a lane, an arrow or on the dashboard counts the rows the table shows.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from sqlalchemy import (
    ARRAY,
    ColumnElement,
    Date,
    Integer,
    Select,
    and_,
    case,
    cast,
    func,
    literal,
    literal_column,
    not_,
    select,
    tablesample,
    union_all,
)
from sqlalchemy.orm import Session
from sqlalchemy.sql.util import ClauseAdapter

from app.articles.models import Article
from app.entities.models import Place, Source
from app.movements.cache import aggregate_cache
from app.movements.filters import MovementFilters
from app.movements.models import EARLIEST_DATE_SQL, Movement
from app.movements.queries import (
    SHOWN_VALUES,
    DestinationPlace,
    OriginPlace,
    estimate_movements,
    select_filtered,
    sort_expression,
)

# Dimensions a facet or a timeline lane can group by, with the expression each shows.
DIMENSIONS: dict[str, Any] = {
    **SHOWN_VALUES,
    "status": Movement.status,
    "review": Movement.review_status,
}

# One independent source of a report: the named source, else the outlet that carried it.
SOURCE_KEY = func.lower(
    func.coalesce(Source.name, Movement.source_text, Movement.outlet, Article.outlet)
)


# -- sampling ---------------------------------------------------------------------------------

# Aggregating every match of a broad filter over a million rows takes seconds. Past this many
# matches (the planner's estimate), facets, lanes and routes are counted in a sample instead and
# shown as "about"; below it (and on any small database) they are exact. Grouping the matches
# by every facet at once costs about 15 microseconds a row at a million rows (fetching rows
# scattered over the table, joining their names): 5,000 rows are about 75 ms, a budget a page
# can afford even when fifty analysts ask at once; 20,000 rows were 250-300 ms.
SAMPLE_ABOVE = 5_000
# How many matching rows a sample aims to hold.
SAMPLE_ROWS = 3_000
# Samples of at least this share of the table read no less than the exact query would.
SAMPLE_MAX_SHARE = 0.5
# Up to this share, a sample reads pages (TABLESAMPLE); above it, every n-th matching id.
SAMPLE_PAGES_UP_TO = 0.1


@dataclass(frozen=True)
class Sample:
    """A deterministic sample of the movement table: ``share`` of its rows.

    Broad filters read whole pages (``TABLESAMPLE SYSTEM``: no index could help them); narrow
    ones keep every ``step``-th id of the rows their indexes find, so the indexes still serve.
    """

    share: float
    pages: bool

    @property
    def step(self) -> int:
        return max(1, round(1 / self.share))

    def scale(self, count: int) -> int:
        """A count seen in the sample, scaled up to the whole table."""
        factor = 1 / self.share if self.pages else self.step
        return round(count * factor)

    def apply(self, stmt: Select[Any]) -> Select[Any]:
        if self.pages:
            percent: ColumnElement[float] = literal_column(f"{100 * self.share:.4f}")
            sampled = tablesample(
                Movement.__table__, func.system(percent), name="movement", seed=literal_column("0")
            )
            adapted: Select[Any] = ClauseAdapter(sampled).traverse(stmt)
            return adapted
        return stmt.where(Movement.id % self.step == 0)


def choose_sample(session: Session, filters: MovementFilters) -> Sample | None:
    """A sample for ``filters`` when counting every match would be slow, else None (exact)."""
    return sample_for(estimate_movements(session, filters))


def sample_for(matches: int) -> Sample | None:
    """The sample for about ``matches`` matching movements, or None to count them all."""
    if matches <= SAMPLE_ABOVE:
        return None
    share = SAMPLE_ROWS / matches
    if share >= SAMPLE_MAX_SHARE:
        return None
    # Reading a small share of the pages beats fetching every match through an index; past
    # that, keep the index and thin out the rows it finds.
    return Sample(share=share, pages=share <= SAMPLE_PAGES_UP_TO)


def _scaled(sample: Sample | None, count: int) -> int:
    return count if sample is None else sample.scale(count)


def _sampled(sample: Sample | None, stmt: Select[Any]) -> Select[Any]:
    return stmt if sample is None else sample.apply(stmt)


@dataclass(frozen=True)
class ValueCount:
    value: str
    count: int


@dataclass(frozen=True)
class ValueCounts:
    """The most frequent values of one dimension; ``more`` when others were left off."""

    dimension: str
    values: list[ValueCount]
    more: bool
    missing: int
    # Counted in a sample and scaled up: each count is "about".
    estimated: bool = False


def value_counts(
    session: Session,
    filters: MovementFilters,
    dimension: str,
    *,
    limit: int = 10,
    sample: Sample | None = None,
) -> ValueCounts:
    """Top ``limit`` values of ``dimension`` among the filtered rows, most frequent first.

    Values are grouped ignoring case (as the exact filters match), shown in one stored spelling.
    With ``sample``, the counts are estimated from it.
    """
    shown = DIMENSIONS[dimension]
    key = func.lower(shown)
    # One query: the group of rows without a value (if any) first, then the largest groups.
    stmt = (
        select_filtered(filters, func.min(shown).label("value"), func.count().label("n"))
        .group_by(key)
        .order_by(key.is_(None).desc(), func.count().desc(), key)
        .limit(limit + 2)
    )
    missing = 0
    values: list[ValueCount] = []
    for row in session.execute(_sampled(sample, stmt)):
        if row.value is None:
            missing = _scaled(sample, int(row.n))
        else:
            values.append(ValueCount(value=row.value, count=_scaled(sample, int(row.n))))
    return ValueCounts(
        dimension=dimension,
        values=values[:limit],
        more=len(values) > limit,
        missing=missing,
        estimated=sample is not None,
    )


def value_counts_many(
    session: Session,
    filters: MovementFilters,
    dimensions: Sequence[str],
    *,
    limit: int = 10,
    sample: Sample | None = None,
) -> dict[str, ValueCounts]:
    """``value_counts`` for several dimensions in one scan of the filtered (or sampled) rows.

    GROUPING SETS groups the rows once per dimension; a window keeps each set's missing group
    and its ``limit + 1`` largest groups.
    """
    keys = [func.lower(DIMENSIONS[d]) for d in dimensions]
    grouped = _sampled(
        sample,
        select_filtered(
            filters,
            *(func.min(DIMENSIONS[d]).label(f"v{i}") for i, d in enumerate(dimensions)),
            *(func.grouping(key).label(f"g{i}") for i, key in enumerate(keys)),
            func.count().label("n"),
        ).group_by(func.grouping_sets(*keys)),
    ).subquery()
    # In the rows of set i, only column g{i} is 0 (grouped by it).
    which = case(*((grouped.c[f"g{i}"] == 0, i) for i in range(len(dimensions))))
    value = case(*((grouped.c[f"g{i}"] == 0, grouped.c[f"v{i}"]) for i in range(len(dimensions))))
    ranked = select(
        which.label("dimension"),
        value.label("value"),
        grouped.c.n,
        func.row_number()
        .over(
            partition_by=which,
            order_by=(value.is_(None).desc(), grouped.c.n.desc(), func.lower(value)),
        )
        .label("rank"),
    ).subquery()
    stmt = (
        select(ranked.c.dimension, ranked.c.value, ranked.c.n)
        .where(ranked.c.rank <= limit + 2)
        .order_by(ranked.c.dimension, ranked.c.rank)
    )
    found: dict[str, tuple[list[ValueCount], int]] = {d: ([], 0) for d in dimensions}
    for row in session.execute(stmt):
        name = dimensions[row.dimension]
        values = found[name][0]
        if row.value is None:
            found[name] = (values, _scaled(sample, int(row.n)))
        else:
            values.append(ValueCount(value=row.value, count=_scaled(sample, int(row.n))))
    return {
        name: ValueCounts(
            dimension=name,
            values=values[:limit],
            more=len(values) > limit,
            missing=missing,
            estimated=sample is not None,
        )
        for name, (values, missing) in found.items()
    }


# -- dates ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class DateBucket:
    start: date
    end: date
    count: int


@dataclass(frozen=True)
class DateHistogram:
    """Counts per day, week, month or year (chosen from the span), ordered by date."""

    unit: str
    buckets: list[DateBucket]
    undated: int
    estimated: bool = False

    @property
    def peak(self) -> int:
        return max((b.count for b in self.buckets), default=0)


def _bucket_unit(first: date, last: date) -> str:
    span = (last - first).days
    if span <= 45:
        return "day"
    if span <= 400:
        return "week"
    if span <= 365 * 8:
        return "month"
    return "year"


def _bucket_end(start: date, unit: str) -> date:
    if unit == "day":
        return start
    if unit == "week":
        return start + timedelta(days=6)
    if unit == "month":
        following = date(start.year + start.month // 12, start.month % 12 + 1, 1)
        return following - timedelta(days=1)
    return date(start.year, 12, 31)


def _bucket_start(day: date, unit: str) -> date:
    """The first day of ``day``'s bucket (weeks start on Monday, as date_trunc does)."""
    if unit == "week":
        return day - timedelta(days=day.weekday())
    if unit == "month":
        return day.replace(day=1)
    if unit == "year":
        return day.replace(month=1, day=1)
    return day


def date_histogram(
    session: Session, filters: MovementFilters, *, sample: Sample | None = None
) -> DateHistogram:
    """Movements per date bucket; each bucket's range is clipped to the filter's own dates.

    One scan counts the rows per day (a few thousand days at most); the days are then summed
    into the buckets the span calls for.
    """
    per_day = _sampled(
        sample,
        select_filtered(
            filters, Movement.event_date.label("day"), func.count().label("n")
        ).group_by(Movement.event_date),
    )
    days: dict[date, int] = {}
    undated = 0
    for row in session.execute(per_day):
        if row.day is None:
            undated = int(row.n)
        else:
            days[row.day] = int(row.n)
    undated = _scaled(sample, undated)
    estimated = sample is not None
    if not days:
        return DateHistogram(unit="day", buckets=[], undated=undated, estimated=estimated)
    unit = _bucket_unit(min(days), max(days))
    summed: dict[date, int] = {}
    for day, n in days.items():
        key = _bucket_start(day, unit)
        summed[key] = summed.get(key, 0) + n
    counted = {key: _scaled(sample, n) for key, n in summed.items()}
    # Every bucket from the first to the last, empty ones too, so the bars read as a time axis.
    buckets = []
    start_of = min(counted)
    while start_of <= max(counted):
        low = max(start_of, filters.date_from) if filters.date_from else start_of
        high = _bucket_end(start_of, unit)
        if filters.date_to:
            high = min(high, filters.date_to)
        buckets.append(DateBucket(start=low, end=high, count=counted.get(start_of, 0)))
        start_of = _bucket_end(start_of, unit) + timedelta(days=1)
    return DateHistogram(unit=unit, buckets=buckets, undated=undated, estimated=estimated)


# -- timeline ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class TimelineItem:
    id: int
    article_id: int
    day: date
    precision: str | None
    status: str
    unit: str | None
    origin: str | None
    destination: str | None
    source: str | None


@dataclass
class Lane:
    label: str | None
    count: int
    items: list[TimelineItem] = field(default_factory=list)


@dataclass(frozen=True)
class Timeline:
    group: str
    lanes: list[Lane]
    total: int
    shown: int
    undated: int
    first: date | None
    last: date | None
    # Lane counts, total and undated estimated from a sample ("about"); items are always real.
    estimated: bool = False

    @property
    def truncated(self) -> bool:
        return self.shown < self.total - self.undated


def _date_key_bounds(filters: MovementFilters) -> list[ColumnElement[bool]]:
    """The filter's date range (and "has a date") restated on the date sort key.

    The same rows as the conditions on ``event_date``, but the index on the sort key can start
    and stop its range there instead of reading past every row outside it.
    """
    key = sort_expression("date")
    bounds = [key > literal_column(EARLIEST_DATE_SQL, Date)]
    if filters.date_from is not None:
        bounds.append(key >= filters.date_from)
    if filters.date_to is not None:
        bounds.append(key <= filters.date_to)
    return bounds


def timeline(
    session: Session, filters: MovementFilters, group: str, *, max_items: int = 5000
) -> Timeline:
    """Dated movements in lanes by ``group`` (largest lane first), at most ``max_items`` drawn.

    For a broad filter the lane counts and totals come from a sample (``estimated``). Kept
    between requests until the data changes (``cache.aggregate_cache``): treat it as read-only.
    """
    return aggregate_cache.get(
        session,
        ("timeline", *filters.filter_items(), group, max_items),
        lambda: _timeline(session, filters, group, max_items),
        weight=lambda built: 500 * (len(built.lanes) + built.shown),
    )


def _timeline(session: Session, filters: MovementFilters, group: str, max_items: int) -> Timeline:
    lane_key = DIMENSIONS[group]
    lane_expr = func.lower(lane_key)
    dated = Movement.event_date.is_not(None)
    sample = choose_sample(session, filters)
    # One scan for the lanes and the totals: undated rows count in the total only.
    lane_rows = session.execute(
        _sampled(
            sample,
            select_filtered(
                filters,
                func.min(lane_key).label("label"),
                func.count().filter(dated).label("n"),
                func.count().filter(not_(dated)).label("undated"),
            )
            .group_by(lane_expr)
            .order_by(func.count().filter(dated).desc(), lane_expr.nulls_last()),
        )
    ).all()
    lanes = [Lane(label=r.label, count=_scaled(sample, int(r.n))) for r in lane_rows if r.n]
    by_key = {lane.label.lower() if lane.label is not None else None: lane for lane in lanes}
    undated = sum(int(r.undated) for r in lane_rows)
    total = sum(int(r.n) for r in lane_rows) + undated
    if sample is not None and sample.pages:
        # Broad: walk the index on the table's date sort key (same order for dated rows).
        order = (sort_expression("date"), Movement.id)
        bounds = _date_key_bounds(filters)
    else:
        # Narrow: sort the few matches; walking the date index would pass over many others.
        order = (Movement.event_date + literal_column("0"), Movement.id)
        bounds = []
    stmt = (
        select_filtered(
            filters,
            Movement.id,
            Movement.article_id,
            Movement.event_date,
            Movement.date_precision,
            Movement.status,
            lane_key.label("lane"),
            SHOWN_VALUES["unit"].label("unit"),
            SHOWN_VALUES["origin"].label("origin"),
            SHOWN_VALUES["destination"].label("destination"),
            SHOWN_VALUES["source"].label("source"),
        )
        .where(dated, *bounds)
        .order_by(*order)
        .limit(max_items)
    )
    shown = 0
    first = last = None
    for row in session.execute(stmt):
        key = row.lane.lower() if row.lane is not None else None
        lane = by_key.get(key)
        if lane is None:
            # A small lane the sample missed: it has at least the items drawn in it.
            lane = by_key[key] = Lane(label=row.lane, count=0)
            lanes.append(lane)
        if sample is not None:
            lane.count = max(lane.count, len(lane.items) + 1)
        lane.items.append(
            TimelineItem(
                id=row.id,
                article_id=row.article_id,
                day=row.event_date,
                precision=row.date_precision,
                status=row.status,
                unit=row.unit,
                origin=row.origin,
                destination=row.destination,
                source=row.source,
            )
        )
        shown += 1
        first = first or row.event_date
        last = row.event_date
    return Timeline(
        group=group,
        lanes=lanes,
        total=max(_scaled(sample, int(total)), shown),
        shown=shown,
        undated=_scaled(sample, int(undated)),
        first=first,
        last=last,
        estimated=sample is not None,
    )


# -- map --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Route:
    origin_id: int
    origin: str
    origin_lat: float
    origin_lon: float
    destination_id: int
    destination: str
    destination_lat: float
    destination_lon: float
    movements: int
    sources: int


@dataclass
class MapPlace:
    id: int
    name: str
    kind: str
    lat: float
    lon: float
    inflow: int = 0
    outflow: int = 0


@dataclass(frozen=True)
class MapData:
    routes: list[Route]
    places: list[MapPlace]
    total: int
    # Movements that cannot be drawn as an arrow: an end unresolved or without coordinates.
    unmapped: int
    # Routes beyond the drawing cap (the smallest ones), and the movements on them.
    hidden_routes: int = 0
    hidden_movements: int = 0
    # Counted in a sample and scaled up ("about"); source counts are then those the sample saw.
    estimated: bool = False


def _located(alias: Any) -> ColumnElement[bool]:
    return and_(alias.id.is_not(None), alias.lat.is_not(None), alias.lon.is_not(None))


def map_data(session: Session, filters: MovementFilters, *, max_routes: int = 400) -> MapData:
    """Routes origin -> destination between located places, with movement and source counts.

    The ``max_routes`` largest routes are returned; the rest are counted in ``hidden_*``. One
    scan groups the rows by their (located) ends; the ranking, the cap, the place totals and
    the unmapped count are all computed in SQL from those groups. For a broad filter the
    counts come from a sample (``estimated``). Kept between requests until the data changes
    (``cache.aggregate_cache``): treat it as read-only.
    """
    return aggregate_cache.get(
        session,
        ("map", *filters.filter_items(), max_routes),
        lambda: _map_data(session, filters, max_routes),
        weight=lambda built: 400 * (len(built.routes) + len(built.places)),
    )


def _map_data(session: Session, filters: MovementFilters, max_routes: int) -> MapData:
    sample = choose_sample(session, filters)
    oid = case((_located(OriginPlace), OriginPlace.id))
    did = case((_located(DestinationPlace), DestinationPlace.id))
    pairs = (
        _sampled(
            sample,
            select_filtered(
                filters,
                oid.label("oid"),
                did.label("did"),
                func.count().label("n"),
                func.count(SOURCE_KEY.distinct()).label("sources"),
            ).group_by(oid, did),
        )
        .cte("pairs")
        .prefix_with("MATERIALIZED")
    )
    both = and_(pairs.c.oid.is_not(None), pairs.c.did.is_not(None))
    ranked = (
        select(
            pairs.c.oid,
            pairs.c.did,
            pairs.c.n,
            pairs.c.sources,
            func.row_number()
            .over(order_by=(pairs.c.n.desc(), pairs.c.oid, pairs.c.did))
            .label("rank"),
            func.count().over().label("all_routes"),
            func.sum(pairs.c.n).over().label("all_movements"),
        )
        .where(both)
        .subquery()
    )
    # Typed NULLs, so that the parts of the union agree on each column's type.
    no_id: ColumnElement[int] = literal_column("NULL::bigint")
    no_n: ColumnElement[int] = literal_column("NULL::numeric")
    parts = [
        select(literal("route").label("kind"), ranked.c.oid, ranked.c.did, ranked.c.n,
               ranked.c.sources, ranked.c.all_routes, ranked.c.all_movements, ranked.c.rank)
        .where(ranked.c.rank <= max_routes),
        select(literal("out"), pairs.c.oid, no_id, func.sum(pairs.c.n), no_n, no_id, no_n, no_id)
        .where(pairs.c.oid.is_not(None)).group_by(pairs.c.oid),
        select(literal("in"), no_id, pairs.c.did, func.sum(pairs.c.n), no_n, no_id, no_n, no_id)
        .where(pairs.c.did.is_not(None)).group_by(pairs.c.did),
        select(literal("total"), no_id, no_id, func.sum(pairs.c.n),
               func.sum(pairs.c.n).filter(not_(both)), no_id, no_n, no_id),
    ]  # fmt: skip
    rows = session.execute(union_all(*parts)).all()
    ids = {r.oid for r in rows if r.oid is not None} | {r.did for r in rows if r.did is not None}
    # The few columns drawn, for up to a thousand places or more: plain rows, one array
    # parameter (an IN list of a thousand parameters costs more to send than to answer).
    located = (
        {
            p.id: p
            for p in session.execute(
                select(Place.id, Place.name, Place.kind, Place.lat, Place.lon).where(
                    Place.id == func.any(cast(list(ids), ARRAY(Integer)))
                )
            )
        }
        if ids
        else {}
    )
    routes: list[tuple[int, Route]] = []
    places: dict[int, MapPlace] = {}
    all_routes = all_movements = total = unmapped = 0
    for r in rows:
        if r.kind == "route":
            origin, destination = located[r.oid], located[r.did]
            all_routes, all_movements = int(r.all_routes), _scaled(sample, int(r.all_movements))
            route = Route(
                origin_id=origin.id,
                origin=origin.name,
                origin_lat=float(origin.lat or 0),
                origin_lon=float(origin.lon or 0),
                destination_id=destination.id,
                destination=destination.name,
                destination_lat=float(destination.lat or 0),
                destination_lon=float(destination.lon or 0),
                movements=_scaled(sample, int(r.n)),
                sources=int(r.sources),
            )
            routes.append((int(r.rank), route))
        elif r.kind == "total":
            total = _scaled(sample, int(r.n or 0))
            unmapped = _scaled(sample, int(r.sources or 0))
        else:
            pid = r.oid if r.kind == "out" else r.did
            p = located[pid]
            place = places.setdefault(
                pid, MapPlace(p.id, p.name, p.kind, float(p.lat or 0), float(p.lon or 0))
            )
            setattr(place, "outflow" if r.kind == "out" else "inflow", _scaled(sample, int(r.n)))
    drawn = [route for _, route in sorted(routes, key=lambda item: item[0])]
    return MapData(
        routes=drawn,
        places=sorted(places.values(), key=lambda p: -(p.inflow + p.outflow)),
        total=total,
        unmapped=unmapped,
        hidden_routes=all_routes - len(drawn),
        hidden_movements=max(0, all_movements - sum(r.movements for r in drawn)),
        estimated=sample is not None,
    )


# -- place pages ------------------------------------------------------------------------------


@dataclass(frozen=True)
class FlowMonth:
    month: date
    inflow: int
    outflow: int


def place_flows(session: Session, place_id: int) -> tuple[list[FlowMonth], int]:
    """Movements into and out of a place per month, and how many of them carry no date."""
    month = cast(func.date_trunc("month", Movement.event_date), Date).label("month")
    inflow = Movement.destination_place_id == place_id
    outflow = Movement.origin_place_id == place_id
    stmt = (
        select_filtered(
            MovementFilters(),
            month,
            func.count().filter(inflow).label("inflow"),
            func.count().filter(outflow).label("outflow"),
        )
        .where(inflow | outflow)
        .group_by(month)
        .order_by(month.nulls_last())
    )
    counted: dict[date, FlowMonth] = {}
    undated = 0
    for row in session.execute(stmt):
        if row.month is None:
            undated = int(row.inflow) + int(row.outflow)
        else:
            counted[row.month] = FlowMonth(row.month, int(row.inflow), int(row.outflow))
    # Every month from the first to the last, quiet ones as zero, so the axis is continuous.
    months: list[FlowMonth] = []
    if counted:
        current, last = min(counted), max(counted)
        while current <= last:
            months.append(counted.get(current, FlowMonth(current, 0, 0)))
            current = _bucket_end(current, "month") + timedelta(days=1)
    return months, undated


def top_values_for_place(
    session: Session, place_id: int, dimension: str, *, limit: int = 8
) -> list[tuple[str, int, int | None]]:
    """The most frequent ``dimension`` values among movements into or out of a place.

    Each is (value, movements, unit id when the dimension is a resolved unit).
    """
    shown = DIMENSIONS[dimension]
    touches = (Movement.destination_place_id == place_id) | (Movement.origin_place_id == place_id)
    entity = func.min(Movement.unit_id) if dimension == "unit" else literal(None)
    stmt = (
        select_filtered(MovementFilters(), func.min(shown), func.count(), entity)
        .where(touches, shown.is_not(None))
        .group_by(func.lower(shown))
        .order_by(func.count().desc(), func.lower(shown))
        .limit(limit)
    )
    return [(value, int(n), ref) for value, n, ref in session.execute(stmt)]
