"""The same rows served by Datasette from SQLite, side by side with Troopwatch, over HTTP.

The flat export columns of every movement are copied into ``var/bench-movements.db`` (once;
``--rebuild`` to redo), Datasette (installed with pip into ``var/datasette-venv``) serves that
file, Troopwatch serves PostgreSQL, and both answer the same table, filter, page-50, facet and
full-CSV requests in the same run.

    python3 -m venv var/datasette-venv && var/datasette-venv/bin/pip install datasette
    BENCH_DATABASE_URL=postgresql://... .venv/bin/python bench/datasette_peer.py
"""

from __future__ import annotations

import argparse
import csv
import io
import socket
import sqlite3
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlsplit

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import httpx
import psycopg
from sqlalchemy import Float, Integer
from sqlalchemy.dialects import postgresql

from app.db import libpq_url, sqlalchemy_url
from app.movements.filters import MovementFilters
from app.movements.queries import EXPORT_COLUMNS, export_rows
from app.users.security import SESSION_COOKIE
from bench.common import Server, bench_session_token, database_url, summary, timed

ROOT = Path(__file__).resolve().parent.parent
SQLITE = ROOT / "var" / "bench-movements.db"
DATASETTE = ROOT / "var" / "datasette-venv" / "bin" / "datasette"

# name: (Troopwatch query, Datasette query)
CASES = {
    "0 filters": ("", "_sort_desc=event_date"),
    "1 filter": ("destination=Pokrovsk", "_sort_desc=event_date&destination__contains=Pokrovsk"),
    "3 filters": (
        "unit=brigade&status=planned&date_from=2025-01-01",
        "_sort_desc=event_date&unit__contains=brigade&status__exact=planned"
        "&event_date__gte=2025-01-01",
    ),
}


def build_sqlite(url: str) -> int:
    """Copy every movement's export columns from PostgreSQL into the SQLite file."""
    SQLITE.parent.mkdir(exist_ok=True)
    SQLITE.unlink(missing_ok=True)
    names = list(EXPORT_COLUMNS)
    db = sqlite3.connect(SQLITE)
    declared = ", ".join(
        f"{name} {_sqlite_type(column.type)}" for name, column in EXPORT_COLUMNS.items()
    )
    db.execute(f"CREATE TABLE movements ({declared}, PRIMARY KEY (id))")
    sql = export_rows(MovementFilters()).compile(
        dialect=postgresql.dialect(), compile_kwargs={"literal_binds": True}
    )
    insert = f"INSERT INTO movements VALUES ({', '.join('?' * len(names))})"
    rows = 0
    with (
        psycopg.connect(libpq_url(sqlalchemy_url(url))) as conn,
        conn.cursor() as cur,
        cur.copy(f"COPY ({sql}) TO STDOUT WITH (FORMAT csv)") as copy,
    ):
        pending: list[list[str | None]] = []
        for block in copy:
            pending.extend(
                [value or None for value in row]
                for row in csv.reader(io.StringIO(bytes(block).decode()))
            )
            if len(pending) >= 20_000:
                db.executemany(insert, pending)
                rows += len(pending)
                pending.clear()
        db.executemany(insert, pending)
        rows += len(pending)
    # Indexes a Datasette publisher would add: Datasette sorts "event_date desc, id".
    db.execute("CREATE INDEX ix_event_date ON movements (event_date DESC, id)")
    for column in ("status", "destination_place", "unit"):
        db.execute(f"CREATE INDEX ix_{column} ON movements ({column})")
    db.commit()
    db.execute("ANALYZE")
    db.close()
    return rows


def _sqlite_type(kind: object) -> str:
    """Column affinity, so that SQLite stores numbers as numbers."""
    if isinstance(kind, Integer):
        return "INTEGER"
    if isinstance(kind, Float):
        return "REAL"
    return "TEXT"


class Datasette:
    def __init__(self) -> None:
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            self.port = probe.getsockname()[1]
        self.process = subprocess.Popen(
            [
                str(DATASETTE), "serve", str(SQLITE), "--port", str(self.port),
                "--setting", "sql_time_limit_ms", "60000",
                "--setting", "facet_time_limit_ms", "60000",
                "--setting", "num_sql_threads", "3",
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )  # fmt: skip
        self.base = f"http://127.0.0.1:{self.port}"
        for _ in range(300):
            try:
                httpx.get(self.base + "/-/versions.json", timeout=1)
                return
            except httpx.HTTPError:
                time.sleep(0.1)
        raise RuntimeError("datasette did not start")

    def stop(self) -> None:
        self.process.terminate()
        self.process.wait(timeout=30)


def page_50(client: httpx.Client, first: str, key: str) -> str:
    url = first
    for _ in range(49):
        url = client.get(url).json()[key]
        assert url, "fewer than 50 pages"
    parts = urlsplit(url)
    return f"{parts.path}?{parts.query}"


def csv_rate(client: httpx.Client, url: str) -> tuple[int, float]:
    lines = 0
    started = time.perf_counter()
    with client.stream("GET", url, timeout=None) as response:
        response.raise_for_status()
        for chunk in response.iter_bytes():
            lines += chunk.count(b"\n")
    return lines - 1, time.perf_counter() - started


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeat", type=int, default=15)
    parser.add_argument("--rebuild", action="store_true")
    parser.add_argument("--skip-csv", action="store_true")
    args = parser.parse_args()
    url = database_url()
    if not DATASETTE.exists():
        print(f"Datasette is not installed at {DATASETTE}; see the docstring")
        return 1
    if args.rebuild or not SQLITE.exists():
        started = time.perf_counter()
        rows = build_sqlite(url)
        print(f"SQLite copy: {rows:,} rows in {time.perf_counter() - started:.0f} s")
    peer = Datasette()
    table = "/bench-movements/movements"
    # Troopwatch is behind sign-in (a viewer's session), and computes every answer as Datasette
    # does: its aggregate cache is off for this comparison.
    token = bench_session_token(url)
    try:
        with (
            Server(url, extra_env={"TROOPWATCH_AGGREGATE_CACHE": "false"}) as server,
            httpx.Client(timeout=120, cookies={SESSION_COOKIE: token}) as tw,
            httpx.Client(timeout=120) as ds,
        ):
            tw.base_url, ds.base_url = server.base, peer.base
            print(f"{'request':24} {'Troopwatch (JSON API)':42} {'Datasette (JSON)':42}")
            for name, (ours, theirs) in CASES.items():
                ours_1 = f"/api/v1/movements?{ours}"
                theirs_1 = f"{table}.json?{theirs}&_size=50"
                for page, (a, b) in {
                    "page 1": (ours_1, theirs_1),
                    "page 50": (page_50(tw, ours_1, "next"), page_50(ds, theirs_1, "next_url")),
                }.items():
                    t_ours = timed(lambda a=a: tw.get(a).raise_for_status(), repeat=args.repeat)
                    t_theirs = timed(lambda b=b: ds.get(b).raise_for_status(), repeat=args.repeat)
                    print(f"{name + ', ' + page:24} {summary(t_ours):42} {summary(t_theirs):42}")
            for name, (ours, theirs) in CASES.items():
                if name == "1 filter":
                    continue
                # Ours: the whole sidebar (eight facets and the date histogram), as HTML.
                mine = f"/movements/facets?{ours}"
                facet = f"{table}.json?{theirs}&_size=0&_facet=status&_facet=destination_place"
                t_mine = timed(lambda f=mine: tw.get(f).raise_for_status(), repeat=args.repeat)
                t_facet = timed(lambda f=facet: ds.get(f).raise_for_status(), repeat=args.repeat)
                print(f"{'facets, ' + name:24} {summary(t_mine):42} {summary(t_facet):42}")
            if not args.skip_csv:
                rows, seconds = csv_rate(tw, "/movements.csv")
                print(f"{'CSV, all rows':24} {rows:,} rows {rows / seconds:,.0f} rows/s", end="   ")
                rows, seconds = csv_rate(ds, f"{table}.csv?_stream=on&_size=max")
                print(f"Datasette {rows:,} rows {rows / seconds:,.0f} rows/s")
    finally:
        peer.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
