"""End-to-end import speed: N generated article files -> batch -> workers -> stored + extracted.

    python bench/ingest.py [--articles 1000] [--workers 2]

Uses a scratch database ``troopwatch_bench`` on TEST_DATABASE_URL's server (or the embedded
one), dropped and re-created each run. Prints articles per second from the moment the files
are read until the last item of the batch is finished.
"""

from __future__ import annotations

import argparse
import os
import random
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from sqlalchemy import create_engine, func, select  # noqa: E402
from sqlalchemy.orm import sessionmaker  # noqa: E402

from app.articles.models import Article  # noqa: E402
from app.imports.models import BatchKind  # noqa: E402
from app.imports.service import (  # noqa: E402
    UploadedFile,
    add_files,
    batch_progress,
    create_batch,
    enqueue,
)
from app.migrate import upgrade  # noqa: E402
from app.settings import Settings  # noqa: E402
from tests.database import recreate_database  # noqa: E402

UNITS = [
    "the 20th combined arms army",
    "the 155th naval infantry brigade",
    "two motorised rifle battalions",
    "a tank regiment",
    "the 76th air assault division",
    "several artillery batteries",
    "the 3rd army corps",
    "reserve units",
    "a marine brigade",
    "about 2,000 troops",
]
PLACES = [
    "Belgorod",
    "Kursk",
    "Bryansk",
    "Pskov",
    "Rostov",
    "Voronezh",
    "Kherson",
    "Zaporizhzhia",
    "Pokrovsk",
    "Kupiansk",
    "Donetsk",
    "Luhansk",
    "Crimea",
    "Novorossiysk",
    "Kaliningrad",
    "Minsk",
    "Gomel",
    "Brest",
    "Orsha",
    "Melitopol",
]
SOURCES = [
    "the General Staff",
    "a regional governor",
    "military intelligence",
    "the defence ministry",
    "a spokesman for the southern command",
    "local residents",
    "satellite imagery analysts",
]
OPENERS = [
    "{u} moved from {a} to {b}, {s} said on {d}.",
    "{s} reported that {u} had been transferred from {a} to the {b} area.",
    "According to {s}, {u} left {a} for {b} earlier this week.",
    "{u} is being redeployed from {a} towards {b}, {s} told reporters.",
    "Columns of {u} were seen heading from {a} in the direction of {b}, {s} said.",
]
FILLER = [
    "Trains carrying armour were photographed at a station near {a} on {d}.",
    "The move follows weeks of heavy fighting around {b}.",
    "Officials in {a} declined to comment on the reports.",
    "{s} said the redeployment would take around {n} days.",
    "Analysts noted that the same route was used in {y} for a similar rotation.",
    "Residents of {b} described convoys of {n} trucks passing through at night.",
    "The ministry in {a} denied that any units had been withdrawn.",
    "Drone footage published on {d} showed fresh trenches near {b}.",
    "Fuel and ammunition depots near {a} were reported to be expanding.",
    "Independent monitors could not verify the figures given by {s}.",
    "A bridge on the road from {a} to {b} was repaired in {n} days.",
    "{s} estimated the group at {n} hundred soldiers with armoured support.",
]
DAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]


def article(rng: random.Random, n: int) -> str:
    def fill(template: str) -> str:
        a, b = rng.sample(PLACES, 2)
        return template.format(
            u=rng.choice(UNITS),
            a=a,
            b=b,
            s=rng.choice(SOURCES),
            d=rng.choice(DAYS),
            n=rng.randint(2, 90),
            y=rng.randint(2014, 2025),
        )

    title = f"Report {n}: " + fill("{u} near {b}")
    body = [fill(rng.choice(OPENERS))]
    body += [fill(t) for t in rng.sample(FILLER, rng.randint(5, 9))]
    body.append(f"Reference {n}-{rng.randint(1000, 9999)}.")
    paragraphs = [" ".join(body[i : i + 2]) for i in range(0, len(body), 2)]
    return title[0].upper() + title[1:] + "\n\n" + "\n\n".join(paragraphs)


def cpu_seconds(pid: int) -> float:
    """User + system CPU time of a process so far (Linux /proc), 0 elsewhere."""
    stat = Path(f"/proc/{pid}/stat")
    if not stat.exists():
        return 0.0
    fields = stat.read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--articles", type=int, default=1000)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--concurrency", type=int, default=2)
    args = parser.parse_args()

    url = recreate_database("troopwatch_bench")
    upgrade(url)
    settings = Settings(environment="test", database_url=url)
    env = dict(os.environ, DATABASE_URL=url, TROOPWATCH_WORKER_CONCURRENCY=str(args.concurrency))
    rng = random.Random(20260325)
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        for n in range(args.articles):
            (folder / f"article-{n:04d}.txt").write_text(article(rng, n), encoding="utf-8")
        workers = [
            subprocess.Popen(
                [sys.executable, "-m", "app.cli", "worker"],
                cwd=ROOT,
                env=env,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
            )
            for _ in range(args.workers)
        ]
        engine = create_engine(url)
        factory = sessionmaker(bind=engine)
        try:
            # Warm up: the first extraction in each worker loads the language models.
            warm = [
                UploadedFile(f"warm-{i}.txt", article(rng, 10_000 + i).encode())
                for i in range(args.workers * 2)
            ]
            with factory() as session:
                batch = create_batch(session, kind=BatchKind.CLI, label="warm-up")
                enqueue(session, add_files(session, batch, warm, settings))
                session.commit()
                warm_id = batch.id
            while True:
                with factory() as session:
                    if batch_progress(session, warm_id).complete:
                        break
                time.sleep(0.2)
            cpu_before = sum(cpu_seconds(w.pid) for w in workers)

            started = time.perf_counter()
            files = [UploadedFile(p.name, p.read_bytes()) for p in sorted(folder.iterdir())]
            with factory() as session:
                batch = create_batch(session, kind=BatchKind.CLI, label="bench")
                enqueue(session, add_files(session, batch, files, settings))
                session.commit()
                batch_id = batch.id
            while True:
                with factory() as session:
                    progress = batch_progress(session, batch_id)
                if progress.complete:
                    break
                time.sleep(0.1)
            elapsed = time.perf_counter() - started
            cpu = sum(cpu_seconds(w.pid) for w in workers) - cpu_before
            with factory() as session:
                statuses = dict(
                    session.execute(
                        select(Article.extraction_status, func.count()).group_by(
                            Article.extraction_status
                        )
                    ).all()
                )
        finally:
            for worker in workers:
                worker.send_signal(signal.SIGTERM)
            for worker in workers:
                worker.wait(timeout=60)
            engine.dispose()
    print(
        f"{args.articles} articles in {elapsed:.1f} s = {args.articles / elapsed:.1f} articles/s "
        f"({args.workers} worker process(es) x {args.concurrency} threads); items: "
        f"done {progress.done}, duplicate {progress.duplicate}, failed {progress.failed}; "
        f"extraction status of stored articles: {statuses}"
    )
    if cpu:
        print(
            f"worker CPU: {1000 * cpu / args.articles:.1f} ms per article "
            f"(= {args.articles / cpu:.1f} articles/s per fully available core; the machine's "
            f"load average was {os.getloadavg()[0]:.1f} at the end)"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
