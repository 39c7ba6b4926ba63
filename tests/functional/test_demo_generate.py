"""The synthetic data generator: realistic shape, consistent rows, loaded with COPY."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, timedelta

import pytest
from sqlalchemy import Connection, Engine, text

from app.demo.generate import generate

pytestmark = pytest.mark.functional

END = date(2026, 6, 30)


@pytest.fixture(scope="module")
def generated(engine: Engine) -> Iterator[Connection]:
    with engine.connect() as conn:
        transaction = conn.begin()
        driver = conn.connection.driver_connection
        assert driver is not None
        stats = generate(driver, articles=400, movements=2_000, seed=3, end=END)  # type: ignore[arg-type]
        assert (stats.articles, stats.movements) == (400, 2_000)
        yield conn
        transaction.rollback()


def test_counts_and_every_article_hash_is_unique(generated: Connection) -> None:
    row = generated.execute(
        text(
            "SELECT count(*), count(DISTINCT content_sha256) FROM article"
            " WHERE extractor_version = 'synthetic-1'"
        )
    ).one()
    assert row == (400, 400)
    assert generated.execute(text("SELECT count(*) FROM movement")).scalar() == 2_000


def test_evidence_offsets_point_into_the_article_text(generated: Connection) -> None:
    mismatches = generated.execute(
        text(
            "SELECT count(*) FROM movement m JOIN article a ON a.id = m.article_id"
            " WHERE substr(a.text, m.evidence_start + 1, m.evidence_end - m.evidence_start)"
            " <> m.evidence"
        )
    ).scalar()
    assert mismatches == 0


def test_places_are_real_gazetteer_entries_with_coordinates(generated: Connection) -> None:
    rows = generated.execute(
        text(
            "SELECT p.name, p.lat, p.lon FROM movement m"
            " JOIN place p ON p.id = m.destination_place_id LIMIT 200"
        )
    ).all()
    assert rows
    assert all(lat is not None and lon is not None for _, lat, lon in rows)
    names = {name for name, _, _ in rows}
    assert names & {"Kupiansk direction", "Kursk Oblast", "Lyman direction", "Kursk direction"}


def test_frequencies_are_skewed_like_zipf(generated: Connection) -> None:
    counts = (
        generated.execute(
            text("SELECT count(*) FROM movement GROUP BY destination_text ORDER BY 1 DESC")
        )
        .scalars()
        .all()
    )
    # The most reported destination is far ahead of the median one, and most appear rarely.
    assert counts[0] >= 10 * counts[len(counts) // 2]
    assert sum(1 for c in counts if c <= 2) > len(counts) / 2


def test_dates_span_three_years_and_grow_with_article_ids(generated: Connection) -> None:
    first, last = generated.execute(
        text("SELECT min(published_at), max(published_at) FROM article")
    ).one()
    assert END - timedelta(days=3 * 365) <= first < END - timedelta(days=2 * 365)
    assert END - timedelta(days=60) <= last <= END
    unordered = generated.execute(
        text(
            "SELECT count(*) FROM (SELECT published_at < lag(published_at) OVER (ORDER BY id)"
            " AS back FROM article) t WHERE back"
        )
    ).scalar()
    assert unordered == 0
