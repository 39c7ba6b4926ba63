"""No N+1: a page costs the same few queries whether it shows 2 rows or 50."""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Connection, event
from sqlalchemy.orm import Session

from app.entities.models import Source, Unit
from tests.factories import make_article, make_movement, make_place

pytestmark = pytest.mark.functional

_names = itertools.count(1)


class QueryLog:
    def __init__(self) -> None:
        self.statements: list[str] = []

    def __call__(self, conn: Any, cursor: Any, statement: str, *args: Any) -> None:
        # Savepoints that the test harness wraps around each session are not the page's work.
        if not statement.lstrip().upper().startswith(("SAVEPOINT", "RELEASE", "ROLLBACK TO")):
            self.statements.append(statement)

    def count_during(self, action: Any) -> int:
        self.statements.clear()
        action()
        return len(self.statements)


@pytest.fixture
def queries(connection: Connection) -> Iterator[QueryLog]:
    log = QueryLog()
    event.listen(connection, "before_cursor_execute", log)
    yield log
    event.remove(connection, "before_cursor_execute", log)


def _add_movements(session: Session, count: int) -> None:
    """Movements with every relation filled: article, both places, unit and source."""
    kursk = make_place(session, "Kursk Oblast")
    belgorod = make_place(session, "Belgorod Oblast")
    for _ in range(count):
        n = next(_names)
        unit = Unit(name=f"{n}th Test Brigade", echelon="brigade")
        source = Source(name=f"Spokesman {n}", role="spokesman")
        session.add_all([unit, source])
        session.flush()
        make_movement(
            session,
            article=make_article(session),  # one article each: lazy loads would show up
            unit_id=unit.id,
            source_id=source.id,
            origin_place_id=belgorod.id,
            destination_place_id=kursk.id,
        )
    session.commit()


@pytest.mark.parametrize(
    "url",
    [
        "/movements",
        "/movements?destination=kursk&sort=origin",
        "/api/v1/movements",
        "/api/v1/movements?unit=brigade&sort=-unit",
    ],
)
def test_query_count_per_page_does_not_grow_with_rows(
    client: TestClient, session: Session, queries: QueryLog, url: str
) -> None:
    _add_movements(session, 2)
    signed_in = _sign_in_cost(client, queries)
    small = queries.count_during(lambda: client.get(url).raise_for_status())
    _add_movements(session, 58)
    large = queries.count_during(lambda: client.get(url).raise_for_status())
    assert large == small
    # The rows (article and places joined in), their units and their sources (one IN query
    # each), the count (the planner's estimate, then a count capped at EXACT_COUNT_LIMIT) and,
    # on the page, the facets: the planner's estimate (to choose exact or sampled counts), all
    # dimensions in one query, and the movements per day for the histogram. The count, the
    # facets and a JSON page each go through the aggregate cache: its data version, and on a
    # miss whether a writer is in flight (here always: the test's own transaction), two each.
    page_queries = small - signed_in
    assert page_queries <= (12 if url.startswith("/movements") else 9), queries.statements


def _sign_in_cost(client: TestClient, queries: QueryLog) -> int:
    """Queries every signed-in request makes (session lookup), measured on a page with no data."""
    return queries.count_during(lambda: client.get("/articles/new").raise_for_status())


def test_csv_export_is_one_streamed_query(
    client: TestClient, session: Session, queries: QueryLog
) -> None:
    _add_movements(session, 30)
    signed_in = _sign_in_cost(client, queries)
    export = queries.count_during(lambda: client.get("/movements.csv").raise_for_status())
    assert export - signed_in == 1, queries.statements
