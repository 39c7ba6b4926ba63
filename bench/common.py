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
