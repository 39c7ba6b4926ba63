"""Table page timings: 0, 1 and 3 filters, sorted by date, first page and page 50 (keyset).

Server time: the whole request inside the process (routing, queries, counting, rendering),
through the ASGI app with its real engine and pool, no network. Baseline, in the same run: the
page's main SELECT alone, sent with psycopg. Facet, timeline and map pages are timed too when
the app has them (found by path); otherwise a note says they were skipped.

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
from app.movements.filters import MovementFilters
from app.movements.queries import filtered_movements
from app.settings import Settings
from bench.common import database_url, percentile, summary, timed, verdict

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


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeat", type=int, default=40)
    args = parser.parse_args()
    url = database_url()
    settings = Settings(environment="production", secret_key="bench-" + "x" * 20, database_url=url)
    app = create_app(settings)
    print(f"database: {urlsplit(url).path.lstrip('/')}   repeat: {args.repeat}\n")
    worst = 0.0
    with TestClient(app) as client:
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
        print()
        aggregate_routes = sorted(
            {
                route.path  # type: ignore[attr-defined]
                for route in app.routes
                if any(word in getattr(route, "path", "") for word in ("facet", "timeline", "map"))
                and "{" not in getattr(route, "path", "")
            }
        )
        if not aggregate_routes:
            print("facets, timeline, map: skipped (no such pages in this version of the app)")
        for path in aggregate_routes:
            target = TARGET_FACETS_MS if "facet" in path else TARGET_AGGREGATE_MS
            for name in ("0 filters", "3 filters"):
                full = f"{path}?{CASES[name]}" if CASES[name] else path
                samples = timed(
                    lambda full=full: client.get(full).raise_for_status(), repeat=args.repeat
                )
                p95 = percentile(samples, 95)
                print(
                    f"{path + ', ' + name:40} {summary(samples)}  target < {target:.0f} ms: "
                    f"{verdict(p95, target)}"
                )
    print(json.dumps({"worst_table_p95_ms": round(worst, 1)}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
