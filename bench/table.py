"""Table page timings: 0, 1 and 3 filters, sorted by date, first page and page 50 (keyset).

Server time: the whole request inside the process (routing, queries, counting, rendering),
through the ASGI app with its real engine and pool, no network, signed in as a viewer.
Baseline, in the same run: the page's main SELECT alone, sent with psycopg. Then the facets,
the timeline and the map: the aggregation functions alone (a fresh session each call), and the
whole pages (/movements/facets, the sidebar a broad table page loads after its rows; /timeline;
/map; the overview at /).

    BENCH_DATABASE_URL=postgresql://... .venv/bin/python bench/table.py [--repeat 40]
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from urllib.parse import parse_qsl, urlsplit

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import psycopg
from fastapi.testclient import TestClient
from sqlalchemy import create_engine

from app.db import libpq_url, sqlalchemy_url
from app.main import create_app
from app.movements.aggregates import map_data, timeline
from app.movements.cache import aggregate_cache
from app.movements.facets import build_facets
from app.movements.filters import MovementFilters
from app.movements.queries import filtered_movements
from app.settings import Settings
from app.timeline.views import MAX_ITEMS as TIMELINE_MAX_ITEMS
from app.users.security import SESSION_COOKIE
from bench.common import (
    bench_session_token,
    database_url,
    forget_kept_aggregates,
    percentile,
    summary,
    timed,
    verdict,
)

CASES = {
    "0 filters": "",
    "1 filter": "destination=Pokrovsk",
    "3 filters": "unit=brigade&status=planned&date_from=2025-01-01",
}
TARGET_PAGE_MS = 50.0
TARGET_FACETS_MS = 200.0
TARGET_AGGREGATE_MS = 150.0


def page_50_query(client: TestClient, query: str) -> str:
    """Follow ``next`` from page 1 to page 50 through the JSON API; return page 50's query."""
    url = f"/api/v1/movements?{query}" if query else "/api/v1/movements"
    for _ in range(49):
        body = client.get(url).json()
        url = body["next"]
        assert url, "fewer than 50 pages"
    return urlsplit(url).query


def sql_baseline(url: str, query: str, repeat: int) -> list[float]:
    filters = MovementFilters.from_query(dict(parse_qsl(query)))
    engine = create_engine(sqlalchemy_url(url))
    compiled = filtered_movements(filters).limit(filters.limit + 1).compile(dialect=engine.dialect)
    engine.dispose()
    with psycopg.connect(libpq_url(sqlalchemy_url(url))) as conn:
        return timed(
            lambda: conn.execute(str(compiled), dict(compiled.params)).fetchall(), repeat=repeat
        )


def aggregations(url: str, repeat: int) -> None:
    """Facets, timeline and map: the functions alone, each in a fresh session."""
    from sqlalchemy.orm import Session

    engine = create_engine(sqlalchemy_url(url), pool_size=2)
    actions = {
        "facets": (TARGET_FACETS_MS, lambda s, f: build_facets(s, f)),
        "timeline (by unit)": (
            TARGET_AGGREGATE_MS,
            lambda s, f: timeline(s, f, "unit", max_items=TIMELINE_MAX_ITEMS),
        ),
        "map": (TARGET_AGGREGATE_MS, lambda s, f: map_data(s, f)),
    }
    for what, (target, action) in actions.items():
        for name, query in CASES.items():
            filters = MovementFilters.from_query(dict(parse_qsl(query)))

            def call(action=action, filters=filters) -> None:  # type: ignore[no-untyped-def]
                with Session(engine) as session:
                    action(session, filters)

            samples = timed(call, repeat=repeat)
            p95 = percentile(samples, 95)
            print(
                f"{what + ', ' + name:34} {summary(samples)}  target < {target:.0f} ms: "
                f"{verdict(p95, target)}"
            )
    engine.dispose()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeat", type=int, default=40)
    args = parser.parse_args()
    url = database_url()
    # No extractor warm-up thread: it would compete with the first cases for the CPU.
    settings = Settings(
        environment="production",
        secret_key="bench-" + "x" * 20,
        database_url=url,
        warm_extractor=False,
        # Time the computation every call: kept aggregates would answer repeats from memory.
        aggregate_cache=False,
    )
    app = create_app(settings)
    print(f"database: {urlsplit(url).path.lstrip('/')}   repeat: {args.repeat}\n")
    worst = 0.0
    token = bench_session_token(url, settings)
    with TestClient(app, follow_redirects=False) as client:
        client.cookies.set(SESSION_COOKIE, token)
        total = client.get("/api/v1/movements?limit=1").json()
        print(f"rows: {total['description']}\n")
        print(f"{'case':28} {'server time':42} {'SELECT alone':18} ratio  target p95 < 50 ms")
        for name, query in CASES.items():
            for page in ("page 1", "page 50"):
                q = query if page == "page 1" else page_50_query(client, query)
                path = f"/movements?{q}" if q else "/movements"
                samples = timed(
                    lambda path=path: client.get(path).raise_for_status(), repeat=args.repeat
                )
                base = sql_baseline(url, q, args.repeat)
                p95 = percentile(samples, 95)
                worst = max(worst, p95)
                ratio = percentile(samples, 50) / max(percentile(base, 50), 0.001)
                print(
                    f"{name + ', ' + page:28} {summary(samples):42} "
                    f"p50 {percentile(base, 50):6.1f} ms  {ratio:5.1f}x  "
                    f"{verdict(p95, TARGET_PAGE_MS)}"
                )
        print("\naggregations alone (server time of the function):")
        aggregations(url, args.repeat)
        print("\nwhole pages (server time of the request):")
        for path in ("/movements/facets", "/timeline", "/map", "/"):
            for name, query in CASES.items():
                if path == "/" and query:
                    continue
                full = f"{path}?{query}" if query else path
                samples = timed(
                    lambda full=full: client.get(full).raise_for_status(), repeat=args.repeat
                )
                print(f"{path + ', ' + name:34} {summary(samples)}")
        # As served: the first request computes and keeps, the next ones read what was kept
        # until the data changes (app/movements/cache.py).
        aggregate_cache.enabled = True
        forget_kept_aggregates(url)
        print("\nwhole pages with kept aggregates (requests after the first, data unchanged):")
        for path in ("/movements", "/movements/facets", "/timeline", "/map"):
            for name, query in CASES.items():
                full = f"{path}?{query}" if query else path
                samples = timed(
                    lambda full=full: client.get(full).raise_for_status(), repeat=args.repeat
                )
                print(f"{path + ', ' + name:34} {summary(samples)}")
    print(json.dumps({"worst_table_p95_ms": round(worst, 1)}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
