"""Counts past the exact limit are the planner's estimate, and say so."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import text
from sqlalchemy.orm import Session

from app.movements import queries
from app.movements.filters import MovementFilters
from tests.factories import make_article, make_movement

pytestmark = pytest.mark.functional


@pytest.fixture
def forty(session: Session) -> None:
    article = make_article(session)
    for n in range(40):
        make_movement(session, article, unit_text=f"{n}th brigade", status="planned")
    session.commit()
    session.execute(text("ANALYZE movement"))


def test_small_counts_are_exact(session: Session, forty: None) -> None:
    assert queries.count_or_estimate(session, MovementFilters(), exact_limit=100) == (40, False)


def test_counts_past_the_limit_are_labelled_estimates(session: Session, forty: None) -> None:
    total, estimated = queries.count_or_estimate(session, MovementFilters(), exact_limit=10)
    assert estimated
    assert total > 10  # never less than what was actually counted


def test_table_and_api_say_about_when_the_count_is_estimated(
    client: TestClient, forty: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(queries, "EXACT_COUNT_LIMIT", 10)
    html = client.get("/movements?status=planned").text
    assert 'id="description">about ' in html
    body = client.get("/api/v1/movements?status=planned").json()
    assert body["total_estimated"] is True
    assert body["description"].startswith("about ")
    monkeypatch.setattr(queries, "EXACT_COUNT_LIMIT", 1_000)
    body = client.get("/api/v1/movements?status=planned").json()
    assert (body["total"], body["total_estimated"]) == (40, False)
    assert body["description"] == "40 movements where status is planned"
