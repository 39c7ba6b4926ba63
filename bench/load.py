"""Concurrent load: simulated analysts browsing and filtering for a while, over HTTP.

Each analyst opens the table, filters it (by destination, unit, status or dates), pages on
with the keyset cursor, sorts, opens the timeline and the map, and fetches HTMX fragments (and
the facet sidebar a broad page defers), signed in as a viewer, pausing 0.5-2 s between clicks
like a person reading. The app runs under uvicorn in a child process. Reports p50/p95/max of the
response times seen by the clients and every error.

    BENCH_DATABASE_URL=postgresql://... .venv/bin/python bench/load.py [--users 50 --seconds 60]

A fresh server starts with its aggregate cache empty, so a plain run measures a cold start:
every facet sidebar, timeline and map is computed at least once. ``--warmup 60`` browses for a
minute first (not counted) to measure the steady state; ``--no-cache`` measures without it.
"""

from __future__ import annotations

import argparse
import asyncio
import html
import random
import re
import statistics
import sys
import time
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import httpx

from app.users.security import SESSION_COOKIE
from bench.common import (
    Server,
    bench_session_token,
    database_url,
    forget_kept_aggregates,
    percentile,
    verdict,
)

TARGET_P95_MS = 300.0
FACETS_LINK = re.compile(r'hx-get="(/movements/facets\?[^"]*)"')
DESTINATIONS = ["Pokrovsk", "Kupiansk", "Kursk", "Zaporizhzhia", "Belgorod", "Lyman", "Sumy"]
UNITS = ["brigade", "Marine", "Airborne", "47th", "Tank Army", "Motor Rifle"]
STATUSES = ["", "reported", "planned", "denied"]


async def analyst(
    client: httpx.AsyncClient,
    deadline: float,
    seed: int,
    times: dict[str, list[float]],
    errors: Counter[str],
    start_after: float = 0.0,
) -> None:
    rng = random.Random(seed)

    async def get(url: str, **headers: str) -> httpx.Response | None:
        kind = url.split("?")[0] + ("?" + url.split("?")[1].split("=")[0] if "?" in url else "")
        started = time.perf_counter()
        try:
            response = await client.get(url, headers=headers)
        except httpx.HTTPError as exc:
            errors[f"{type(exc).__name__} on {kind}"] += 1
            return None
        times.setdefault(kind, []).append((time.perf_counter() - started) * 1000)
        if response.status_code != 200:
            errors[f"HTTP {response.status_code}"] += 1
            return None
        return response

    async def table(url: str, **headers: str) -> None:
        response = await get(url, **headers)
        # A broad page sends its rows first; the browser then loads the facet sidebar.
        deferred = FACETS_LINK.search(response.text) if response is not None else None
        if deferred:
            await get(html.unescape(deferred.group(1)), **{"HX-Request": "true"})

    if start_after:
        # Arriving analysts: this one opens the app start_after seconds into the run.
        await asyncio.sleep(start_after)
    while time.monotonic() < deadline:
        action = rng.random()
        if action < 0.15:
            await table("/movements")
        elif action < 0.4:
            query = f"destination={rng.choice(DESTINATIONS)}&status={rng.choice(STATUSES)}"
            await table(f"/movements?{query}", **{"HX-Request": "true"})
        elif action < 0.55:
            query = (
                f"unit={rng.choice(UNITS)}&date_from=202{rng.randint(4, 6)}-0{rng.randint(1, 9)}-01"
            )
            await table(f"/movements?{query}", **{"HX-Request": "true"})
        elif action < 0.65:
            await get(f"/timeline?destination={rng.choice(DESTINATIONS)}")
        elif action < 0.75:
            await get(f"/map?destination={rng.choice(DESTINATIONS)}")
        elif action < 0.92:
            # Page on a few times through the JSON twin's cursor.
            url: str | None = f"/api/v1/movements?destination={rng.choice(DESTINATIONS)}"
            for _ in range(rng.randint(1, 5)):
                if url is None:
                    break
                response = await get(url)
                url = response.json()["next"] if response is not None else None
        else:
            sort = rng.choice(["unit", "-source", "date", "-confidence"])
            await table(f"/movements?sort={sort}", **{"HX-Request": "true"})
        await asyncio.sleep(rng.uniform(0.5, 2.0))


async def run(
    base: str, users: int, seconds: float, token: str, ramp_up: float = 0.0
) -> tuple[dict[str, list[float]], Counter[str]]:
    times: dict[str, list[float]] = {}
    errors: Counter[str] = Counter()
    # Idle connections expire before uvicorn's 5 s keep-alive does, as a browser's would;
    # otherwise a request can race the server closing the connection under it.
    limits = httpx.Limits(
        max_connections=users, max_keepalive_connections=users, keepalive_expiry=4
    )
    async with httpx.AsyncClient(
        base_url=base, timeout=30, limits=limits, cookies={SESSION_COOKIE: token}
    ) as client:
        deadline = time.monotonic() + seconds
        await asyncio.gather(
            *(
                analyst(client, deadline, seed, times, errors, ramp_up * seed / users)
                for seed in range(users)
            )
        )
    return times, errors


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--workers", type=int, default=2, help="uvicorn worker processes")
    parser.add_argument(
        "--warmup",
        type=float,
        default=0,
        help="seconds of the same browsing before the measured run, not counted (steady state)",
    )
    parser.add_argument(
        "--ramp-up",
        type=float,
        default=0,
        help="seconds over which the analysts arrive, evenly (0: all at once)",
    )
    parser.add_argument(
        "--no-cache",
        action="store_true",
        help="serve with the aggregate cache switched off (TROOPWATCH_AGGREGATE_CACHE=false)",
    )
    args = parser.parse_args()
    url = database_url()
    # Every page is behind sign-in: the analysts share one viewer session.
    token = bench_session_token(url)
    extra_env = {"TROOPWATCH_AGGREGATE_CACHE": "false"} if args.no_cache else None
    # Cold: nothing kept by an earlier run (the processes' own caches start empty anyway).
    forget_kept_aggregates(url)
    with Server(url, workers=args.workers, extra_env=extra_env) as server:
        if args.warmup:
            asyncio.run(run(server.base, args.users, args.warmup, token, args.ramp_up))
        by_kind, errors = asyncio.run(
            run(server.base, args.users, args.seconds, token, 0 if args.warmup else args.ramp_up)
        )
    times = [t for samples in by_kind.values() for t in samples]
    p95 = percentile(times, 95)
    print(
        f"{args.users} analysts for {args.seconds:.0f} s"
        f"{f' after {args.warmup:.0f} s of warm-up' if args.warmup else ''}"
        f"{f' arriving over {args.ramp_up:.0f} s' if args.ramp_up and not args.warmup else ''}, "
        f"{args.workers} uvicorn workers{', aggregate cache off' if args.no_cache else ''}: "
        f"{len(times):,} responses ({len(times) / args.seconds:.1f}/s)"
    )
    print(
        f"p50 {statistics.median(times):.0f} ms  p95 {p95:.0f} ms  max {max(times):.0f} ms  "
        f"errors {sum(errors.values())} {dict(errors) or ''}"
    )
    for kind, samples in sorted(by_kind.items()):
        print(
            f"  {kind:34} n={len(samples):5}  p50 {statistics.median(samples):6.0f} ms"
            f"  p95 {percentile(samples, 95):6.0f} ms"
        )
    print(
        f"target p95 < {TARGET_P95_MS:.0f} ms: {verdict(p95, TARGET_P95_MS)}; "
        f"target zero errors: {'meets' if not errors else 'MISSES'}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
