"""Shared helpers for the benchmark scripts: the database, percentiles, memory."""

from __future__ import annotations

import os
import statistics
import time
from collections.abc import Callable
from typing import Any

DEFAULT_URL = "postgresql://postgres@127.0.0.1:5432/troopwatch_bench"


def database_url() -> str:
    """BENCH_DATABASE_URL, else DATABASE_URL, else a local troopwatch_bench database."""
    return os.environ.get("BENCH_DATABASE_URL") or os.environ.get("DATABASE_URL") or DEFAULT_URL


def percentile(values: list[float], pct: float) -> float:
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(pct / 100 * (len(ordered) - 1))))
    return ordered[index]


def timed(action: Callable[[], Any], *, repeat: int, warmup: int = 3) -> list[float]:
    """Milliseconds of ``repeat`` calls of ``action`` after ``warmup`` untimed calls."""
    for _ in range(warmup):
        action()
    samples = []
    for _ in range(repeat):
        started = time.perf_counter()
        action()
        samples.append((time.perf_counter() - started) * 1000)
    return samples


def summary(samples: list[float]) -> str:
    return (
        f"p50 {statistics.median(samples):7.1f} ms  p95 {percentile(samples, 95):7.1f} ms"
        f"  (n={len(samples)})"
    )


def verdict(value: float, target: float, *, lower_is_better: bool = True) -> str:
    ok = value < target if lower_is_better else value > target
    return "meets" if ok else "MISSES"


class Server:
    """``troopwatch`` under uvicorn in a child process, on a free local port."""

    def __init__(self, url: str, *, workers: int = 1, extra_env: dict[str, str] | None = None):
        import socket
        import subprocess
        import sys

        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            self.port = probe.getsockname()[1]
        env = {
            **os.environ,
            "DATABASE_URL": url,
            "TROOPWATCH_ENVIRONMENT": "production",
            "TROOPWATCH_SECRET_KEY": "bench-only-" + "k" * 24,
            # Browsing is measured, not extraction: no model loading competes with the load.
            "TROOPWATCH_WARM_EXTRACTOR": "false",
            **(extra_env or {}),
        }
        self.process = subprocess.Popen(
            [
                sys.executable, "-m", "uvicorn", "--factory", "app.main:create_app",
                "--host", "127.0.0.1", "--port", str(self.port), "--workers", str(workers),
                "--log-level", "warning", "--no-access-log",
            ],
            env=env,
            stdout=subprocess.DEVNULL,
        )  # fmt: skip
        self.base = f"http://127.0.0.1:{self.port}"
        import httpx

        for _ in range(200):
            try:
                if httpx.get(self.base + "/readyz", timeout=1).status_code == 200:
                    return
            except httpx.HTTPError:
                pass
            time.sleep(0.1)
        self.stop()
        raise RuntimeError("the server did not become ready")

    def processes(self) -> list[Any]:
        import psutil

        parent = psutil.Process(self.process.pid)
        return [parent, *parent.children(recursive=True)]

    def stop(self) -> None:
        self.process.terminate()
        self.process.wait(timeout=30)

    def __enter__(self) -> Server:
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()


class PeakRss:
    """Samples the resident memory of some processes in a thread; keeps the peak (MB)."""

    def __init__(self, processes: Callable[[], list[Any]]) -> None:
        import threading

        self._processes = processes
        self.peak_mb = 0.0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        while not self._stop.is_set():
            try:
                for process in self._processes():
                    self.peak_mb = max(self.peak_mb, process.memory_info().rss / 2**20)
            except Exception:  # noqa: S110  (a process ending between listing and reading)
                pass
            self._stop.wait(0.05)

    def __enter__(self) -> PeakRss:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()


def forget_kept_aggregates(url: str) -> None:
    """Empty the aggregates the app's processes share, so that a run starts cold."""
    import psycopg

    from app.db import libpq_url, sqlalchemy_url

    with psycopg.connect(libpq_url(sqlalchemy_url(url)), autocommit=True) as conn:
        conn.execute("TRUNCATE kept_aggregate")


def bench_session_token(url: str, settings: Any = None) -> str:
    """A signed-in session (viewer "bench", created if missing) for requests to the app."""
    from sqlalchemy import create_engine
    from sqlalchemy.orm import Session

    from app.db import sqlalchemy_url
    from app.settings import Settings
    from app.users.service import create_user, get_user_by_username, start_session

    # The session's lifetime is all the settings matter for here.
    settings = settings or Settings(environment="production", secret_key="b" * 32)
    engine = create_engine(sqlalchemy_url(url))
    with Session(engine) as session:
        user = get_user_by_username(session, "bench") or create_user(
            session, username="bench", password="bench-only-" + "p" * 16, role="viewer"
        )
        token = start_session(session, user, settings=settings)
        session.commit()
    engine.dispose()
    return token
