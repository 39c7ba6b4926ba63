"""CSV export of every movement: the app's streamed download against PostgreSQL's own COPY.

Both produce the same columns in the same order in the same run. The app is served by uvicorn
in a child process and downloaded over HTTP; its peak resident memory is sampled while it
streams. Baseline: ``COPY (<the export query>) TO STDOUT WITH CSV HEADER`` through psycopg.

    BENCH_DATABASE_URL=postgresql://... .venv/bin/python bench/export.py [--query 'status=denied']
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path
from urllib.parse import parse_qsl

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import httpx
import psycopg
from sqlalchemy.dialects import postgresql

from app.db import libpq_url, sqlalchemy_url
from app.movements.filters import MovementFilters
from app.movements.queries import export_rows
from app.users.security import SESSION_COOKIE
from bench.common import PeakRss, Server, bench_session_token, database_url, verdict

TARGET_RATIO = 2.0
TARGET_RSS_MB = 150.0


def copy_baseline(url: str, query: str) -> tuple[int, float, int]:
    """(rows, seconds, bytes) of COPY of the same export query to /dev/null."""
    filters = MovementFilters.from_query(dict(parse_qsl(query)))
    sql = export_rows(filters).compile(
        dialect=postgresql.dialect(), compile_kwargs={"literal_binds": True}
    )
    size = 0
    started = time.perf_counter()
    with psycopg.connect(libpq_url(sqlalchemy_url(url))) as conn, conn.cursor() as cur:
        with cur.copy(f"COPY ({sql}) TO STDOUT WITH (FORMAT csv, HEADER)") as copy:
            for block in copy:
                size += len(block)
        rows = cur.rowcount
    return rows, time.perf_counter() - started, size


def app_download(server: Server, query: str, token: str) -> tuple[int, float, int, float]:
    """(rows, seconds, bytes, peak server RSS in MB) of GET /movements.csv, signed in."""
    size = lines = 0
    with PeakRss(server.processes) as rss:
        started = time.perf_counter()
        with httpx.stream(
            "GET",
            f"{server.base}/movements.csv?{query}",
            cookies={SESSION_COOKIE: token},
            timeout=600,
        ) as response:
            response.raise_for_status()
            for chunk in response.iter_bytes():
                size += len(chunk)
                lines += chunk.count(b"\n")
        seconds = time.perf_counter() - started
    return lines - 1, seconds, size, rss.peak_mb


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--query", default="", help="filter of the export (default: everything)")
    args = parser.parse_args()
    url = database_url()
    # Every download is behind sign-in: a viewer's session.
    token = bench_session_token(url)
    with Server(url) as server:
        idle_mb = max(p.memory_info().rss for p in server.processes()) / 2**20
        rows, seconds, size, peak_mb = app_download(server, args.query, token)
    copy_rows, copy_seconds, copy_size = copy_baseline(url, args.query)
    app_rate, copy_rate = rows / seconds, copy_rows / copy_seconds
    ratio = copy_rate / app_rate
    print(f"export of {rows:,} rows ({args.query or 'no filter'})")
    print(
        f"app  /movements.csv : {seconds:6.1f} s  {app_rate:9,.0f} rows/s  {size / 2**20:6.0f} MB"
        f"  server RSS idle {idle_mb:.0f} MB, peak {peak_mb:.0f} MB"
    )
    print(
        f"COPY ... TO STDOUT  : {copy_seconds:6.1f} s  {copy_rate:9,.0f} rows/s"
        f"  {copy_size / 2**20:6.0f} MB"
    )
    print(
        f"COPY is {ratio:.2f}x faster (target within {TARGET_RATIO:.0f}x: "
        f"{verdict(ratio, TARGET_RATIO)}); peak RSS target < {TARGET_RSS_MB:.0f} MB: "
        f"{verdict(peak_mb, TARGET_RSS_MB)}"
    )
    if rows != copy_rows:
        print(f"WARNING: row counts differ (app {rows:,}, COPY {copy_rows:,})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
