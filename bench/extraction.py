"""Throughput of app.extraction over the dev set, repeated to at least 1,000 articles.

Usage: python bench/extraction.py [DEV_DIR] [--min-articles N]
Prints articles/second and words/second for one process (one core), after a warm-up that
loads the models and the gazetteer.
"""

from __future__ import annotations

import argparse
import datetime
import json
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from app.extraction import extract


def _load(dev_dir: Path) -> list[tuple[str, datetime.date | None]]:
    articles = []
    for path in sorted(dev_dir.glob("*.json")):
        data = json.loads(path.read_text("utf-8"))
        published = data.get("published")
        articles.append(
            (data["text"], datetime.date.fromisoformat(published) if published else None)
        )
    return articles


def main(argv: list[str]) -> int:
    default_dir = Path(__file__).resolve().parents[2] / "shared" / "eval" / "dev"
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("dev_dir", nargs="?", type=Path, default=default_dir)
    parser.add_argument("--min-articles", type=int, default=1000)
    parser.add_argument("--language", choices=("all", "en", "uk", "ru"), default="all")
    args = parser.parse_args(argv)
    articles = _load(args.dev_dir)
    if args.language != "all":
        from app.extraction import detect_language

        articles = [a for a in articles if detect_language(a[0]) == args.language]
    if not articles:
        print(f"no articles in {args.dev_dir}", file=sys.stderr)
        return 1
    t0 = time.perf_counter()
    for text, published in articles:  # warm-up: models, gazetteer, caches
        extract(text, published)
    warm = time.perf_counter() - t0
    reps = -(-args.min_articles // len(articles))
    workload = articles * reps
    words = sum(len(text.split()) for text, _ in workload)
    records = 0
    t1, c1 = time.perf_counter(), time.process_time()
    for text, published in workload:
        records += len(extract(text, published))
    elapsed, cpu = time.perf_counter() - t1, time.process_time() - c1
    print(f"warm-up (first pass, model and gazetteer load): {warm:.2f} s")
    print(f"articles={len(workload)} words={words} records={records}")
    print(f"wall_seconds={elapsed:.2f} cpu_seconds={cpu:.2f}")
    # CPU time is the per-core figure; wall time also counts other load on the machine
    print(f"articles_per_second={len(workload) / elapsed:.1f} (wall)")
    print(f"articles_per_cpu_second={len(workload) / cpu:.1f}")
    print(f"words_per_second={words / elapsed:.0f} (wall)")
    print(f"words_per_cpu_second={words / cpu:.0f}")
    print(f"mean_words_per_article={words / len(workload):.0f}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
