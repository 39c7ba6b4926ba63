"""Broad filters: facets follow the page, and aggregations count a sample labelled "about"."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import text
from sqlalchemy.orm import Session

from app.movements import aggregates, queries
from app.movements.aggregates import (
    Sample,
    choose_sample,
    map_data,
    sample_for,
    timeline,
    value_counts_many,
)
from app.movements.filters import MovementFilters
from tests.factories import make_article, make_movement

pytestmark = pytest.mark.functional


@pytest.fixture
def forty(session: Session) -> None:
    article = make_article(session)
    for n in range(40):
        make_movement(
            session,
            article,
            unit_text=f"{n % 4}th brigade",
            status="planned",
            destination_text="Kursk",
        )
    session.commit()
    session.execute(text("ANALYZE movement"))


def test_small_data_is_counted_exactly(session: Session, forty: None) -> None:
    assert choose_sample(session, MovementFilters()) is None
    counts = value_counts_many(session, MovementFilters(), ["unit"])["unit"]
    assert not counts.estimated
    assert sorted(v.count for v in counts.values) == [10, 10, 10, 10]


def test_a_broad_filter_gets_a_sample() -> None:
    assert sample_for(aggregates.SAMPLE_ABOVE) is None
    # Very broad: a small share of the pages.
    assert sample_for(1_000_000) == Sample(share=aggregates.SAMPLE_ROWS / 1_000_000, pages=True)
    # Narrower: every n-th of the rows the indexes find.
    assert 8 * aggregates.SAMPLE_ROWS > aggregates.SAMPLE_ABOVE
    narrow = sample_for(8 * aggregates.SAMPLE_ROWS)
    assert narrow is not None and not narrow.pages and narrow.step == 8


def _sample_everything(monkeypatch: pytest.MonkeyPatch) -> None:
    """Sample a quarter of any match, however few (the test data is small)."""
    monkeypatch.setattr(aggregates, "SAMPLE_ABOVE", 0)
    monkeypatch.setattr(aggregates, "SAMPLE_ROWS", 0.25)


@pytest.mark.parametrize("sample", [Sample(0.25, pages=False), Sample(0.05, pages=True)])
def test_sampled_counts_are_scaled_and_flagged(
    session: Session, forty: None, sample: Sample
) -> None:
    counts = value_counts_many(session, MovementFilters(), ["unit", "status"], sample=sample)
    factor = sample.scale(1)
    for name in ("unit", "status"):
        assert counts[name].estimated
        assert all(v.count % factor == 0 for v in counts[name].values)
    seen = sum(v.count for v in counts["status"].values) // factor
    assert seen <= 40


def test_pages_say_about_when_sampled(
    client: TestClient, forty: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    _sample_everything(monkeypatch)
    assert 'id="facets-estimated"' in client.get("/movements/facets?status=planned").text
    assert 'id="timeline-estimated"' in client.get("/timeline?status=planned").text
    assert 'id="map-estimated"' in client.get("/map?status=planned").text
    monkeypatch.setattr(aggregates, "SAMPLE_ABOVE", 20_000)
    assert 'id="facets-estimated"' not in client.get("/movements/facets?status=planned").text


def test_sampled_timeline_still_draws_real_items(
    session: Session, forty: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    _sample_everything(monkeypatch)
    data = timeline(session, MovementFilters(), "unit")
    assert data.estimated
    # Every drawn item sits in a lane, lanes the sample missed included.
    assert sum(len(lane.items) for lane in data.lanes) == data.shown
    assert all(lane.count >= len(lane.items) for lane in data.lanes)
    assert map_data(session, MovementFilters()).estimated


def test_table_defers_its_facets_past_the_exact_count(
    client: TestClient, forty: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(queries, "EXACT_COUNT_LIMIT", 10)
    page = client.get("/movements?status=planned&destination_is=Kursk").text
    assert 'hx-get="/movements/facets?' in page
    assert 'id="facets-loading"' in page
    # The exact filters still ride along with the form while the sidebar loads.
    assert 'name="destination_is" value="Kursk"' in page
    facets = client.get("/movements/facets?status=planned&destination_is=Kursk").text
    assert facets.startswith('<aside id="facets"') or '<aside id="facets"' in facets
    assert "<html" not in facets
    assert 'data-facet="unit"' in facets
    assert "hx-get=" not in facets.split(">", 1)[0]
    monkeypatch.setattr(queries, "EXACT_COUNT_LIMIT", 1_000)
    page = client.get("/movements?status=planned").text
    assert 'data-facet="unit"' in page
