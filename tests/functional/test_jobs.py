"""The job queue with real worker processes on a committed database of its own.

The kill-and-restart case: a worker is killed with SIGKILL in the middle of a batch, another
is started, and the batch finishes with every item stored exactly once.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine, create_engine, func, select, text
from sqlalchemy.orm import Session, sessionmaker

from app.articles.models import Article
from app.imports.models import BatchKind, ImportItem
from app.imports.service import Progress, add_urls, batch_progress, create_batch, enqueue
from app.migrate import upgrade
from tests.database import ROOT, database_name, recreate_database
from tests.unit.ingest.support import ARTICLE_HTML, LocalSite, local_site

pytestmark = pytest.mark.functional

ITEMS = 16
# Long enough per page that a batch is still under way when the worker is killed.
PAGE_DELAY = 0.4


@pytest.fixture(scope="module")
def jobs_database() -> Iterator[str]:
    url = recreate_database(database_name("_jobs"))
    upgrade(url)
    yield url


@pytest.fixture(scope="module")
def jobs_engine(jobs_database: str) -> Iterator[Engine]:
    engine = create_engine(jobs_database)
    yield engine
    engine.dispose()


@pytest.fixture(scope="module")
def site() -> Iterator[LocalSite]:
    with local_site() as site:
        for n in range(ITEMS):
            html = ARTICLE_HTML.replace(
                "<h1>Reserves moved towards the northern border</h1>",
                f"<h1>Dispatch number {n}</h1><p>Dispatch {n}: a convoy of {n + 3} trucks "
                f"was seen at kilometre {n * 7 + 11} of the highway near checkpoint {n}.</p>",
            ).replace("two brigades", f"{n + 2} battalions and {n + 5} batteries")
            site.page(f"/dispatch/{n}", html, delay=PAGE_DELAY)
        yield site


def _env(database_url: str) -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        {
            "DATABASE_URL": database_url,
            "TROOPWATCH_ENVIRONMENT": "test",
            "TROOPWATCH_ALLOW_PRIVATE_URLS": "true",
            "TROOPWATCH_WORKER_HEARTBEAT_SECONDS": "0.5",
            "TROOPWATCH_WORKER_STALLED_SECONDS": "3",
            "TROOPWATCH_WORKER_CONCURRENCY": "2",
            "TROOPWATCH_JOB_RETRY_WAIT_SECONDS": "1",
            "PYTHONUNBUFFERED": "1",
        }
    )
    return env


def _start_worker(database_url: str, log: Path) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        [sys.executable, "-m", "app.cli", "worker"],
        cwd=ROOT,
        env=_env(database_url),
        stdout=log.open("ab"),
        stderr=subprocess.STDOUT,
    )


def _wait_for(
    check: Callable[[], bool], what: str, worker: subprocess.Popen[bytes], log: Path
) -> None:
    deadline = time.monotonic() + 180
    while not check():
        if worker.poll() is not None:
            raise AssertionError(f"the worker exited ({worker.returncode}):\n{log.read_text()}")
        if time.monotonic() > deadline:
            raise AssertionError(f"gave up waiting for {what}:\n{log.read_text()[-4000:]}")
        time.sleep(0.1)


def _stop(worker: subprocess.Popen[bytes]) -> None:
    if worker.poll() is None:
        worker.send_signal(signal.SIGTERM)
        try:
            worker.wait(timeout=30)
        except subprocess.TimeoutExpired:
            worker.kill()
            worker.wait()


def test_a_killed_worker_loses_nothing_and_duplicates_nothing(
    jobs_database: str, jobs_engine: Engine, site: LocalSite, tmp_path: Path
) -> None:
    factory = sessionmaker(bind=jobs_engine)
    urls = [site.url(f"/dispatch/{n}") for n in range(ITEMS)]
    with factory() as session:
        batch = create_batch(session, kind=BatchKind.URL, label="dispatches")
        enqueue(session, add_urls(session, batch, urls, feed=False))
        session.commit()
        batch_id = batch.id

    def progress() -> Progress:
        with factory() as session:
            return batch_progress(session, batch_id)

    log = tmp_path / "workers.log"
    first = _start_worker(jobs_database, log)
    try:
        _wait_for(
            lambda: (p := progress()).finished >= 3 and p.running >= 1,
            "the first worker to be mid-batch",
            first,
            log,
        )
        first.send_signal(signal.SIGKILL)
        first.wait()
    finally:
        _stop(first)
    at_kill = progress()
    assert not at_kill.complete
    assert at_kill.running >= 1  # jobs the dead worker held

    second = _start_worker(jobs_database, log)
    try:
        _wait_for(lambda: progress().complete, "the batch to complete", second, log)
    finally:
        _stop(second)

    final = progress()
    assert (final.done, final.failed, final.duplicate) == (ITEMS, 0, 0)
    with factory() as session:
        article_ids = list(
            session.scalars(select(ImportItem.article_id).where(ImportItem.batch_id == batch_id))
        )
        assert len(set(article_ids)) == ITEMS and None not in article_ids
        assert session.scalar(select(func.count()).select_from(Article)) == ITEMS
        leftover = session.execute(
            text(
                "SELECT status, count(*) FROM procrastinate_jobs "
                "WHERE status IN ('todo', 'doing', 'failed') GROUP BY status"
            )
        ).all()
        assert leftover == []
    assert "re-queueing job" in log.read_text()


def test_the_import_command_shows_progress_and_reports_bad_files(
    jobs_database: str, jobs_engine: Engine, tmp_path: Path
) -> None:
    folder = tmp_path / "reports"
    folder.mkdir()
    (folder / "one.txt").write_text("A rifle company moved from Klintsy to Unecha on Monday.")
    (folder / "two.md").write_text("# Note\n\nA tank platoon left Pochep for Trubchevsk overnight.")
    (folder / "empty.txt").write_bytes(b"")
    result = subprocess.run(
        [sys.executable, "-m", "app.cli", "import", str(folder)],
        cwd=ROOT,
        env=_env(jobs_database),
        capture_output=True,
        text=True,
        timeout=180,
        check=False,
    )
    assert result.returncode == 1, result.stderr  # one file failed
    assert "3/3 (done 2, duplicate 0, failed 1)" in result.stderr
    assert "failed: reports/empty.txt: The file is empty." in result.stderr
    with Session(jobs_engine) as session:
        titles = set(session.scalars(select(Article.title)))
    assert {"A rifle company moved from Klintsy to Unecha on Monday.", "Note"} <= titles
