"""Aggregates kept between requests: served while the data is unchanged, never stale after.

These tests commit for real (the cache only keeps what no open transaction can still change),
on a database of their own: a changed row, a writer still in flight and a rolled-back writer
are each seen by the next request.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine, create_engine, select, text, update
from sqlalchemy.orm import Session, sessionmaker

from app.main import create_app
from app.migrate import upgrade
from app.movements.cache import AggregateCache, aggregate_cache, data_version
from app.movements.facets import build_facets
from app.movements.filters import MovementFilters
from app.movements.models import Movement
from app.settings import Settings
from app.users.security import SESSION_COOKIE
from tests.database import database_name, recreate_database
from tests.factories import make_article, make_movement, make_place, make_user, start_test_session

pytestmark = pytest.mark.functional

KURSK = MovementFilters.from_query({"destination_is": "Kursk"})


@pytest.fixture(scope="module")
def committed_url() -> str:
    url = recreate_database(database_name("_cache"))
    upgrade(url)
    return url


@pytest.fixture
def engine(committed_url: str) -> Iterator[Engine]:
    engine = create_engine(committed_url)
    with engine.begin() as conn:
        conn.execute(
            text("TRUNCATE movement, article, place, unit, source, kept_aggregate CASCADE")
        )
    aggregate_cache.clear()
    yield engine
    engine.dispose()


@pytest.fixture
def factory(engine: Engine) -> sessionmaker[Session]:
    return sessionmaker(bind=engine, expire_on_commit=False)


def add_movements(factory: sessionmaker[Session], n: int, destination: str = "Kursk") -> None:
    with factory() as session:
        article = make_article(session)
        for i in range(n):
            make_movement(
                session, article, unit_text=f"{i}th brigade", destination_text=destination
            )
        session.commit()


def kursk_total(session: Session) -> int:
    """The movements the destination facet counts for KURSK."""
    destination = next(f for f in build_facets(session, KURSK).facets if f.name == "destination")
    return sum(link.count for link in destination.links)


def kursk_count(factory: sessionmaker[Session]) -> int:
    with factory() as session:
        return kursk_total(session)


def test_kept_while_unchanged_and_recounted_after_a_change(
    factory: sessionmaker[Session],
) -> None:
    add_movements(factory, 3)
    before = aggregate_cache.stats()
    assert kursk_count(factory) == 3
    assert kursk_count(factory) == 3
    after = aggregate_cache.stats()
    assert (after.misses - before.misses, after.hits - before.hits) == (1, 1)
    # An analyst moves one record elsewhere: the very next request counts again.
    with factory() as session:
        moved = session.scalars(select(Movement.id).limit(1)).one()
        session.execute(
            update(Movement).where(Movement.id == moved).values(destination_text="Belgorod")
        )
        session.commit()
    assert kursk_count(factory) == 2
    assert aggregate_cache.stats().misses == after.misses + 1


@pytest.mark.parametrize("table", ["movement", "article", "place", "unit", "source"])
def test_every_change_to_a_counted_table_advances_the_version(
    factory: sessionmaker[Session], table: str
) -> None:
    with factory() as session:
        place = make_place(session, "Sumy")
        make_movement(session, destination_place_id=place.id)
        session.commit()
        session.execute(text("INSERT INTO unit (name) VALUES ('1st Tank Army')"))
        session.execute(text("INSERT INTO source (name, kind) VALUES ('ISW', 'organisation')"))
        session.commit()
        version = data_version(session)
        session.commit()
        session.execute(text(f"UPDATE {table} SET id = id"))
        session.commit()
        assert data_version(session) != version
        # Other tables (accounts, sessions, the job queue) leave the version alone.
        version = data_version(session)
        make_user(session)
        session.commit()
        assert data_version(session) == version


def test_not_kept_while_a_writer_is_in_flight(factory: sessionmaker[Session]) -> None:
    add_movements(factory, 2)
    with factory() as writer:
        make_movement(writer, make_article(writer), destination_text="Kursk")
        writer.flush()  # written, not committed: the readers cannot see it yet
        before = aggregate_cache.stats()
        assert kursk_count(factory) == 2
        assert aggregate_cache.stats().unkept == before.unkept + 1
        writer.commit()
    assert kursk_count(factory) == 3


def test_a_rolled_back_change_is_never_served(factory: sessionmaker[Session]) -> None:
    add_movements(factory, 2)
    with factory() as session:
        make_movement(session, make_article(session), destination_text="Kursk")
        session.flush()
        # The writer sees its own row; that figure must not outlive its transaction.
        assert kursk_total(session) == 3
        session.rollback()
    assert kursk_count(factory) == 2
    assert kursk_count(factory) == 2


def test_pages_show_a_change_on_the_next_request(
    committed_url: str, factory: sessionmaker[Session]
) -> None:
    add_movements(factory, 4)
    with factory() as session:
        token, _ = start_test_session(session, make_user(session, role="viewer"))
        session.commit()
    settings = Settings(environment="test", database_url=committed_url, warm_extractor=False)
    hx = {"HX-Request": "true"}
    with TestClient(create_app(settings), cookies={SESSION_COOKIE: token}) as client:
        for url in ("/movements?destination_is=Kursk", "/timeline?destination_is=Kursk", "/map"):
            assert client.get(url).status_code == 200
        assert "4 movements" in client.get("/movements?destination_is=Kursk").text
        before = aggregate_cache.stats()
        # The table's rows as htmx asks for them, and the JSON API: rendered once, then kept.
        for _ in range(2):
            assert "4 movements" in client.get("/movements?destination_is=Kursk", headers=hx).text
            assert client.get("/api/v1/movements?destination_is=Kursk").json()["total"] == 4
        assert aggregate_cache.stats().hits >= before.hits + 2
        add_movements(factory, 1)
        assert "5 movements" in client.get("/movements?destination_is=Kursk").text
        assert "5 movements" in client.get("/movements?destination_is=Kursk", headers=hx).text
        assert client.get("/api/v1/movements?destination_is=Kursk").json()["total"] == 5
        assert "5 movements" in client.get("/timeline?destination_is=Kursk").text
        stats = aggregate_cache.stats()
        assert stats.hits > 0 and stats.entries > 0


def test_concurrent_misses_compute_once(factory: sessionmaker[Session]) -> None:
    add_movements(factory, 1)
    cache = AggregateCache()
    calls: list[int] = []
    started = threading.Barrier(4)

    def compute() -> int:
        calls.append(1)
        threading.Event().wait(0.2)  # long enough for the others to arrive and wait
        return 42

    results: list[Any] = []

    def ask() -> None:
        with factory() as session:
            started.wait()
            results.append(cache.get(session, ("slow",), compute))

    threads = [threading.Thread(target=ask) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert results == [42] * 4
    assert len(calls) == 1


def test_bounded_by_weight_oldest_first(factory: sessionmaker[Session]) -> None:
    cache = AggregateCache(max_weight=10, shared=False)
    with factory() as session:
        for key in ("a", "b", "c"):
            cache.get(session, key, lambda key=key: key, weight=lambda _v: 4)
        assert cache.stats().entries == 2 and cache.stats().weight == 8
        # "a" went first; "b" and "c" are still served.
        assert cache.get(session, "c", lambda: "recomputed") == "c"
        assert cache.get(session, "a", lambda: "recomputed") == "recomputed"
        # A value heavier than the whole cache is returned, never kept.
        cache.get(session, "huge", lambda: "huge", weight=lambda _v: 11)
        assert cache.get(session, "huge", lambda: "again") == "again"


def test_switched_off_computes_every_time(factory: sessionmaker[Session]) -> None:
    cache = AggregateCache(enabled=False)
    calls: list[int] = []
    with factory() as session:
        for _ in range(3):
            cache.get(session, "k", lambda: calls.append(1))
    assert len(calls) == 3


def test_another_process_reads_what_one_computed(factory: sessionmaker[Session]) -> None:
    # Two caches stand for two uvicorn workers: the second finds the first one's result in the
    # database, for the same data version only.
    add_movements(factory, 2)
    first, second = AggregateCache(), AggregateCache()
    calls: list[str] = []

    def compute(who: str) -> dict[str, int]:
        calls.append(who)
        return {"rows": 2}

    with factory() as session:
        assert first.get(session, ("shared", 1), lambda: compute("first")) == {"rows": 2}
    with factory() as session:
        assert second.get(session, ("shared", 1), lambda: compute("second")) == {"rows": 2}
    assert calls == ["first"]
    assert second.stats().shared_hits == 1
    add_movements(factory, 1)
    with factory() as session:
        second.get(session, ("shared", 1), lambda: compute("second"))
    assert calls == ["first", "second"]


def test_nothing_is_shared_while_a_writer_is_in_flight(factory: sessionmaker[Session]) -> None:
    add_movements(factory, 1)
    first, second = AggregateCache(), AggregateCache()
    with factory() as writer:
        make_movement(writer, make_article(writer))
        writer.flush()
        with factory() as session:
            first.get(session, ("in flight",), lambda: "without the writer's row")
        with factory() as session:
            assert second.get(session, ("in flight",), lambda: "computed again") == (
                "computed again"
            )
        writer.rollback()
    with factory() as session:
        count = session.scalar(text("SELECT count(*) FROM kept_aggregate"))
    assert count == 0
