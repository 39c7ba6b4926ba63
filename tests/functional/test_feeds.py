"""Managing saved feeds on /imports: interval, pause and resume, poll now, remove and restore."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from app.articles.models import Article
from app.imports.models import BatchKind, Feed, ImportBatch, ImportItem
from app.imports.service import create_batch, poll_due_feeds, process_item, save_feed
from app.settings import Settings
from tests.factories import make_article

pytestmark = pytest.mark.functional

ACTIONS = ("interval", "pause", "resume", "poll", "remove", "restore")


@pytest.fixture
def feed(session_factory: sessionmaker[Session]) -> Feed:
    with session_factory() as session:
        feed = save_feed(session, "https://example.org/managed-feed.xml", poll_minutes=60)
        session.commit()
    return feed


def _fresh(session: Session, feed: Feed) -> Feed:
    session.expire_all()
    found = session.get(Feed, feed.id)
    assert found is not None
    return found


def _due_ids(session_factory: sessionmaker[Session], *, later: timedelta) -> set[int | None]:
    """The feeds ``poll_due_feeds`` starts a batch for, as if ``later`` had passed."""
    with session_factory() as session:
        batches = poll_due_feeds(session, now=datetime.now(UTC) + later)
        session.rollback()  # only which feeds were chosen matters here
        return {b.feed_id for b in batches}


def test_the_interval_changes(client: TestClient, session: Session, feed: Feed) -> None:
    response = client.post(
        f"/imports/feeds/{feed.id}/interval", data={"poll_minutes": "120"}, follow_redirects=False
    )
    assert response.status_code == 303
    assert response.headers["location"] == f"/imports#feed-{feed.id}"
    assert _fresh(session, feed).poll_minutes == 120
    assert "every 120 min" in client.get("/imports").text


@pytest.mark.parametrize("value", ["4", "10081", "-5", "soon", "", "1.5"])
def test_an_interval_out_of_range_is_a_400(
    client: TestClient, session: Session, feed: Feed, value: str
) -> None:
    response = client.post(f"/imports/feeds/{feed.id}/interval", data={"poll_minutes": value})
    assert response.status_code == 400
    assert "whole number of minutes from 5 to 10,080" in response.text
    assert _fresh(session, feed).poll_minutes == 60


@pytest.mark.parametrize("action", ACTIONS)
def test_an_unknown_feed_is_a_404(client: TestClient, action: str) -> None:
    response = client.post(f"/imports/feeds/999999/{action}", data={"poll_minutes": "30"})
    assert response.status_code == 404
    assert "no saved feed #999999" in response.text


def test_a_paused_feed_is_not_polled_until_resumed(
    analyst_client: TestClient,
    session: Session,
    session_factory: sessionmaker[Session],
    feed: Feed,
) -> None:
    assert feed.id in _due_ids(session_factory, later=timedelta(0))
    assert analyst_client.post(f"/imports/feeds/{feed.id}/pause").status_code == 200
    assert _fresh(session, feed).paused_at is not None
    assert feed.id not in _due_ids(session_factory, later=timedelta(days=30))
    page = analyst_client.get("/imports").text
    assert "paused" in page and f'action="/imports/feeds/{feed.id}/resume"' in page

    assert analyst_client.post(f"/imports/feeds/{feed.id}/resume").status_code == 200
    assert _fresh(session, feed).paused_at is None
    assert feed.id in _due_ids(session_factory, later=timedelta(0))


def test_poll_now_starts_a_batch_and_links_to_it(
    analyst_client: TestClient, session: Session, feed: Feed
) -> None:
    response = analyst_client.post(f"/imports/feeds/{feed.id}/poll", follow_redirects=False)
    assert response.status_code == 303
    batch_id = int(response.headers["location"].rsplit("/", 1)[1])
    batch = session.get(ImportBatch, batch_id)
    assert batch is not None
    assert (batch.kind, batch.feed_id, batch.created_by_id) == (
        "feed",
        feed.id,
        analyst_client.user_id,  # type: ignore[attr-defined]
    )
    items = list(session.scalars(select(ImportItem).where(ImportItem.batch_id == batch_id)))
    assert [(i.kind, i.source, i.status) for i in items] == [("feed", feed.url, "queued")]
    assert _fresh(session, feed).last_polled_at is not None
    assert analyst_client.get(response.headers["location"]).status_code == 200


def test_a_failed_poll_shows_its_error(
    client: TestClient,
    session: Session,
    session_factory: sessionmaker[Session],
    settings: Settings,
) -> None:
    with session_factory() as other:
        local = save_feed(other, "http://127.0.0.1:9/feed.xml")
        other.commit()
    response = client.post(f"/imports/feeds/{local.id}/poll", follow_redirects=False)
    batch_id = int(response.headers["location"].rsplit("/", 1)[1])
    item_id = session.scalars(select(ImportItem.id).where(ImportItem.batch_id == batch_id)).one()
    # Private addresses are refused by default: the poll fails without touching the network.
    process_item(session_factory, item_id, settings, last_attempt=True)
    assert "private" in (_fresh(session, local).last_error or "")
    assert "Last poll failed:" in client.get("/imports").text


def test_removing_keeps_past_batches_and_saving_again_restores(
    client: TestClient,
    session: Session,
    session_factory: sessionmaker[Session],
    feed: Feed,
) -> None:
    with session_factory() as other:
        batch = create_batch(other, kind=BatchKind.FEED, label=feed.url, feed_id=feed.id)
        article = make_article(other)
        other.add(
            ImportItem(
                batch_id=batch.id, kind="article", source="x", status="done", article_id=article.id
            )
        )
        other.commit()

    assert client.post(f"/imports/feeds/{feed.id}/remove").status_code == 200
    assert _fresh(session, feed).removed_at is not None
    assert feed.id not in _due_ids(session_factory, later=timedelta(days=30))
    page = client.get("/imports").text
    assert "Removed feeds" in page and f'action="/imports/feeds/{feed.id}/restore"' in page
    assert f'action="/imports/feeds/{feed.id}/pause"' not in page
    # Past imports and their articles stay, still linked to the feed.
    kept = session.get(ImportBatch, batch.id)
    assert kept is not None and kept.feed_id == feed.id
    assert session.get(Article, article.id) is not None
    item = session.scalars(select(ImportItem).where(ImportItem.batch_id == batch.id)).one()
    assert item.article_id == article.id
    # A removed feed is not polled on request either, nor changed.
    response = client.post(f"/imports/feeds/{feed.id}/poll")
    assert response.status_code == 400 and "removed" in response.text
    assert client.post(f"/imports/feeds/{feed.id}/pause").status_code == 400

    # Saving the URL again brings it back with the interval asked for.
    client.post(
        "/imports/urls",
        data={"urls": feed.url, "feed": "true", "save": "true", "poll_minutes": "45"},
        follow_redirects=False,
    )
    restored = _fresh(session, feed)
    assert restored.removed_at is None and restored.poll_minutes == 45
    assert len(list(session.scalars(select(Feed).where(Feed.url == feed.url)))) == 1


def test_a_removed_feed_can_be_restored(
    analyst_client: TestClient,
    session: Session,
    session_factory: sessionmaker[Session],
    feed: Feed,
) -> None:
    analyst_client.post(f"/imports/feeds/{feed.id}/remove")
    assert _fresh(session, feed).removed_at is not None
    analyst_client.post(f"/imports/feeds/{feed.id}/restore")
    assert _fresh(session, feed).removed_at is None
    assert feed.id in _due_ids(session_factory, later=timedelta(0))


@pytest.mark.parametrize("action", ACTIONS)
def test_a_viewer_cannot_change_feeds(
    viewer_client: TestClient, session: Session, feed: Feed, action: str
) -> None:
    response = viewer_client.post(f"/imports/feeds/{feed.id}/{action}", data={"poll_minutes": "30"})
    assert response.status_code == 403
    unchanged = _fresh(session, feed)
    assert (unchanged.poll_minutes, unchanged.paused_at, unchanged.removed_at) == (60, None, None)
    assert unchanged.last_polled_at is None


def test_a_viewer_sees_feeds_without_forms(viewer_client: TestClient, feed: Feed) -> None:
    page = viewer_client.get("/imports").text
    assert feed.url in page
    assert f"/imports/feeds/{feed.id}/" not in page
