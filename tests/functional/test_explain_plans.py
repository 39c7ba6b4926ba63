"""The key movement queries use their indexes, on a table big enough for the planner to care.

30,000 synthetic movements (the demo generator) are loaded inside a transaction that is rolled
back, then ANALYZEd. At that size a sequential scan of the table costs far more than an index
walk for a first page or a selective filter, so the planner picks the indexes on its own: no
``enable_seqscan = off`` that would only prove an index *can* be used.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any
from urllib.parse import parse_qsl

import pytest
from sqlalchemy import Connection, Engine, Select, func, text
from sqlalchemy.orm import Session

from app.demo.generate import generate
from app.movements.aggregates import DIMENSIONS
from app.movements.filters import MovementFilters
from app.movements.queries import (
    count_or_estimate,
    cursor_for,
    export_rows,
    filtered_movements,
    select_filtered,
)

pytestmark = pytest.mark.functional


@pytest.fixture(scope="module")
def big(engine: Engine) -> Iterator[Connection]:
    with engine.connect() as conn:
        transaction = conn.begin()
        driver = conn.connection.driver_connection
        assert driver is not None
        generate(driver, articles=3_000, movements=30_000, seed=7)  # type: ignore[arg-type]
        yield conn
        transaction.rollback()


def _plan(conn: Connection, stmt: Select[Any]) -> dict[str, Any]:
    compiled = stmt.compile(dialect=conn.dialect)
    rows = conn.exec_driver_sql(f"EXPLAIN (FORMAT JSON) {compiled}", dict(compiled.params))
    plan: dict[str, Any] = rows.scalar_one()[0]["Plan"]
    return plan


def _nodes(plan: dict[str, Any]) -> Iterator[dict[str, Any]]:
    yield plan
    for child in plan.get("Plans", []):
        yield from _nodes(child)


def _movement_access(plan: dict[str, Any]) -> set[str]:
    """How the movement table is read: index names, or "Seq Scan"."""
    found: set[str] = set()
    for node in _nodes(plan):
        if node.get("Relation Name") == "movement" or "ix_movement" in node.get("Index Name", ""):
            if node["Node Type"] == "Seq Scan":
                found.add("Seq Scan")
            elif "Index Name" in node:
                found.add(node["Index Name"])
    return found


def _filters(query: str) -> MovementFilters:
    return MovementFilters.from_query(dict(parse_qsl(query)))


@pytest.mark.parametrize(
    ("query", "index"),
    [
        ("", "ix_movement_sort_date"),
        ("sort=date", "ix_movement_sort_date"),
        ("sort=unit", "ix_movement_sort_unit"),
        ("sort=-source", "ix_movement_sort_source"),
        ("status=denied&date_from=2025-01-01", "ix_movement_sort_date"),
    ],
)
def test_first_page_walks_the_sort_index_without_sorting(
    big: Connection, query: str, index: str
) -> None:
    plan = _plan(big, filtered_movements(_filters(query)).limit(51))
    assert _movement_access(plan) == {index}
    assert not any(node["Node Type"] == "Sort" for node in _nodes(plan))


def test_a_deep_keyset_page_starts_at_the_cursor_in_the_index(big: Connection) -> None:
    with Session(bind=big) as session:
        row = session.scalars(filtered_movements(_filters("")).offset(2_450).limit(1)).one()
        cursor = cursor_for(row, "date")
    plan = _plan(big, filtered_movements(MovementFilters(after=cursor)).limit(51))
    scans = [n for n in _nodes(plan) if n.get("Index Name") == "ix_movement_sort_date"]
    assert scans and "Index Cond" in scans[0]  # seeks to the cursor, does not skip rows


def _rare(conn: Connection, column: str) -> str:
    """A value of ``column`` that a few dozen of the 30,000 rows contain."""
    value = conn.execute(
        text(
            f"SELECT {column} FROM movement WHERE length({column}) >= 8 GROUP BY 1"
            " HAVING count(*) BETWEEN 5 AND 60 ORDER BY 1 LIMIT 1"
        )
    ).scalar_one()
    return str(value)


@pytest.mark.parametrize(
    ("name", "column", "indexes"),
    [
        # A place filter ORs the trigram index on the text with the btree on the place id.
        (
            "destination",
            "destination_text",
            {"ix_movement_destination_text_trgm", "ix_movement_destination_place_id"},
        ),
        ("origin", "origin_text", {"ix_movement_origin_text_trgm", "ix_movement_origin_place_id"}),
        ("unit", "unit_text", {"ix_movement_unit_text_trgm"}),
    ],
)
def test_selective_contains_filters_use_trigram_indexes(
    big: Connection, name: str, column: str, indexes: set[str]
) -> None:
    filters = MovementFilters(**{name: _rare(big, column)})
    stmt = filtered_movements(filters).with_only_columns(text("1")).order_by(None)
    assert _movement_access(_plan(big, stmt)) == indexes
    # With the table's order, the planner may instead walk the date index and stop early;
    # either way the table is never read from end to end.
    assert "Seq Scan" not in _movement_access(_plan(big, filtered_movements(filters).limit(51)))


def test_counting_a_broad_filter_reads_no_rows(big: Connection) -> None:
    with Session(bind=big) as session:
        total, estimated = count_or_estimate(session, _filters(""))
    assert estimated
    # The estimate comes from the statistics that ANALYZE gathered, so it is close.
    actual = big.execute(text("SELECT count(*) FROM movement WHERE deleted_at IS NULL")).scalar()
    assert actual is not None and abs(total - actual) < actual * 0.1


def test_export_of_everything_streams_in_index_order(big: Connection) -> None:
    # A streamed export sends its first rows at once only if no sort of the whole table
    # has to finish first.
    plan = _plan(big, export_rows(_filters("")))
    assert _movement_access(plan) == {"ix_movement_sort_date"}
    assert not any(node["Node Type"] == "Sort" for node in _nodes(plan))


def test_aggregations_reach_the_article_through_its_covering_index(big: Connection) -> None:
    # Facets, lanes and routes join each counted movement to its article only to drop deleted
    # articles and read the outlet: the covering index (migration 0106) answers both without
    # visiting the article table. Here, the outlet facet of a selective filter.
    filters = MovementFilters(unit=_rare(big, "unit_text"))
    outlet = func.lower(DIMENSIONS["outlet"])
    stmt = select_filtered(filters, outlet, func.count()).group_by(outlet)
    article_reads = [
        node
        for node in _nodes(_plan(big, stmt))
        if node.get("Relation Name") == "article" or "article" in node.get("Index Name", "")
    ]
    assert [(n["Node Type"], n.get("Index Name")) for n in article_reads] == [
        ("Index Only Scan", "ix_article_id_outlet_live")
    ]
