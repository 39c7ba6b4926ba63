"""Facets beside the table: top values with counts, each a link that adds the value as a filter.

Text dimensions link to the exact ``<name>_is`` filter, so following a value shows exactly the
rows its count counted (a substring filter would also catch "Kursk" inside "Kursk Oblast").
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.orm import Session

from app.movements.aggregates import (
    DateHistogram,
    ValueCounts,
    choose_sample,
    date_histogram,
    value_counts_many,
)
from app.movements.cache import aggregate_cache
from app.movements.filters import MovementFilters

# (dimension, heading, query parameter a value sets)
FACETS = (
    ("destination", "Destination", "destination_is"),
    ("origin", "Origin", "origin_is"),
    ("unit", "Unit", "unit_is"),
    ("side", "Side", "side_is"),
    ("source", "Source", "source_is"),
    ("outlet", "Outlet", "outlet_is"),
    ("status", "Status", "status"),
    ("review", "Review", "review"),
)


@dataclass(frozen=True)
class FacetLink:
    value: str
    count: int
    query: str
    selected: bool


@dataclass(frozen=True)
class Facet:
    name: str
    heading: str
    param: str
    links: list[FacetLink]
    more: bool
    missing: int


@dataclass(frozen=True)
class DateLink:
    start: str
    end: str
    label: str
    count: int
    query: str


@dataclass(frozen=True)
class Facets:
    facets: list[Facet]
    histogram: DateHistogram
    dates: list[DateLink]
    # Counted in a sample of this share of the rows and scaled up: every count is "about".
    sample_share: float | None = None

    @property
    def estimated(self) -> bool:
        return self.sample_share is not None


def _current(filters: MovementFilters, param: str) -> str | None:
    value = getattr(filters, param)
    return None if value is None else str(value)


def _link(filters: MovementFilters, param: str, counts: ValueCounts) -> list[FacetLink]:
    current = _current(filters, param)
    links = []
    for item in counts.values:
        selected = current is not None and current.lower() == item.value.lower()
        query = filters.query_string(after=None, **{param: item.value})
        links.append(FacetLink(item.value, item.count, query, selected))
    return links


def _date_label(start: str, end: str, unit: str) -> str:
    if unit == "month":
        return start[:7]
    if unit == "year":
        return start[:4]
    return start if start == end else f"{start} – {end}"


@dataclass(frozen=True)
class _Counted:
    """What a facet sidebar counts, without its links (which depend on sort and paging too)."""

    counts: dict[str, ValueCounts]
    histogram: DateHistogram
    sample_share: float | None


def _count(session: Session, filters: MovementFilters, limit: int) -> _Counted:
    sample = choose_sample(session, filters)
    every = value_counts_many(
        session, filters, [name for name, _, _ in FACETS], limit=limit, sample=sample
    )
    histogram = date_histogram(session, filters, sample=sample)
    return _Counted(every, histogram, None if sample is None else sample.share)


def build_facets(session: Session, filters: MovementFilters, *, limit: int = 8) -> Facets:
    """Every facet for ``filters``; counts honour the whole filter, including the facet's own.

    Past ``aggregates.SAMPLE_ABOVE`` matches the counts are estimated from a sample. The
    counts are kept between requests until the data changes (``cache.aggregate_cache``), for
    every sort order of the same filter; the links are made for this request.
    """
    counted = aggregate_cache.get(
        session,
        ("facets", *filters.filter_items(), limit),
        lambda: _count(session, filters, limit),
        weight=lambda c: (
            2_000 + 200 * (len(c.histogram.buckets) + sum(len(v.values) for v in c.counts.values()))
        ),
    )
    facets = []
    for name, heading, param in FACETS:
        counts = counted.counts[name]
        facets.append(
            Facet(
                name=name,
                heading=heading,
                param=param,
                links=_link(filters, param, counts),
                more=counts.more,
                missing=counts.missing,
            )
        )
    histogram = counted.histogram
    dates = []
    for bucket in histogram.buckets:
        start, end = bucket.start.isoformat(), bucket.end.isoformat()
        query = filters.query_string(after=None, date_from=bucket.start, date_to=bucket.end)
        dates.append(
            DateLink(start, end, _date_label(start, end, histogram.unit), bucket.count, query)
        )
    return Facets(
        facets=facets, histogram=histogram, dates=dates, sample_share=counted.sample_share
    )
