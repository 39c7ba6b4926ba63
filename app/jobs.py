"""Background jobs on procrastinate (a PostgreSQL task queue), and the worker that runs them.

Any number of workers, on any number of machines, can run against the same database: each
job is taken by one worker, and the work itself is idempotent (see app/imports/service.py).
A worker that dies mid-job stops sending heartbeats; every live worker periodically hands the
jobs of such stalled workers back to the queue, so nothing is lost.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import socket
from dataclasses import dataclass
from typing import Any

import procrastinate
from procrastinate import JobContext, RetryStrategy

from app.db import SessionFactory, libpq_url, make_engine, make_session_factory
from app.imports import service as imports
from app.settings import Settings, get_settings

log = logging.getLogger(__name__)

tasks = procrastinate.Blueprint()


@dataclass
class _Runtime:
    settings: Settings
    session_factory: SessionFactory


_runtime: _Runtime | None = None


def configure(settings: Settings, session_factory: SessionFactory) -> None:
    """Give the tasks their settings and database sessions (once per worker process)."""
    global _runtime
    _runtime = _Runtime(settings, session_factory)


def _get_runtime() -> _Runtime:
    if _runtime is None:
        raise RuntimeError("app.jobs.configure() must run before the worker takes jobs")
    return _runtime


_MAX_ATTEMPTS = max(1, get_settings().job_max_attempts)


@tasks.task(
    name=imports.PROCESS_ITEM_TASK,
    queue=imports.QUEUE,
    pass_context=True,
    retry=RetryStrategy(
        max_attempts=_MAX_ATTEMPTS,
        exponential_wait=max(1, get_settings().job_retry_wait_seconds),
    ),
)
def process_import_item(context: JobContext, item_id: int) -> None:
    """One file, URL, feed or article of an import batch."""
    runtime = _get_runtime()
    attempts = context.job.attempts if context.job is not None else 0
    # procrastinate's max_attempts counts the first run: this is the last when one remains.
    imports.process_item(
        runtime.session_factory,
        item_id,
        runtime.settings,
        last_attempt=attempts + 1 >= _MAX_ATTEMPTS,
    )


@tasks.periodic(cron="*/5 * * * *", periodic_id="poll_feeds")
@tasks.task(name="poll_saved_feeds", queue=imports.QUEUE, queueing_lock="poll_saved_feeds")
def poll_saved_feeds(timestamp: int) -> None:
    """Start a batch for each saved feed that is due."""
    runtime = _get_runtime()
    with runtime.session_factory() as session:
        batches = imports.poll_due_feeds(session)
        session.commit()
    if batches:
        log.info("polling %d saved feed(s)", len(batches))


def make_job_app(database_url: str) -> procrastinate.App:
    """A procrastinate app on ``database_url`` (any SQLAlchemy or libpq URL) with our tasks."""
    from sqlalchemy.engine import make_url

    from app.db import sqlalchemy_url

    conninfo = libpq_url(make_url(sqlalchemy_url(database_url)).render_as_string(False))
    app = procrastinate.App(
        connector=procrastinate.PsycopgConnector(conninfo=conninfo, min_size=1, max_size=4)
    )
    app.add_tasks_from(tasks, namespace="")
    return app


def _close_items_of_failed_jobs(session_factory: SessionFactory) -> None:
    with session_factory() as session:
        closed = imports.fail_items_of_failed_jobs(session)
        session.commit()
    if closed:
        log.warning("marked %d import item(s) failed whose job gave up", closed)


async def _requeue_stalled_jobs(
    app: procrastinate.App, settings: Settings, session_factory: SessionFactory
) -> None:
    """Hand back the jobs of workers whose heartbeat stopped (killed, crashed, cut off), and
    close the items of jobs that gave up."""
    while True:
        try:
            stalled = await app.job_manager.get_stalled_jobs(
                seconds_since_heartbeat=settings.worker_stalled_seconds
            )
            for job in stalled:
                log.warning("re-queueing job %s of a stalled worker", job.id)
                await app.job_manager.retry_job(job)
            await asyncio.to_thread(_close_items_of_failed_jobs, session_factory)
        except Exception:  # a database hiccup must not end the worker
            log.exception("checking for stalled jobs failed")
        await asyncio.sleep(max(1.0, settings.worker_heartbeat_seconds))


async def run_worker(
    settings: Settings,
    database_url: str,
    *,
    session_factory: SessionFactory | None = None,
    install_signal_handlers: bool = True,
    name: str | None = None,
) -> None:
    """Run a worker until it is cancelled or receives SIGINT/SIGTERM."""
    engine = None
    if session_factory is None:
        engine = make_engine(database_url, settings)
        session_factory = make_session_factory(engine)
    configure(settings, session_factory)
    app = make_job_app(database_url)
    options: dict[str, Any] = {
        "name": name or f"{socket.gethostname()}-worker",
        "concurrency": max(1, settings.worker_concurrency),
        "install_signal_handlers": install_signal_handlers,
        "update_heartbeat_interval": settings.worker_heartbeat_seconds,
        "stalled_worker_timeout": settings.worker_stalled_seconds,
        "fetch_job_polling_interval": 2.0,
        "delete_jobs": "successful",
    }
    try:
        async with app.open_async():
            requeue = asyncio.create_task(_requeue_stalled_jobs(app, settings, session_factory))
            try:
                await app.run_worker_async(**options)
            finally:
                requeue.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await requeue
    finally:
        if engine is not None:
            engine.dispose()


def start_inprocess_worker(
    settings: Settings, session_factory: SessionFactory
) -> asyncio.Task[None] | None:
    """For one-process setups (`make run`): a worker on the app's own event loop."""
    if not settings.inprocess_worker:
        return None
    from app.db import resolve_database_url

    return asyncio.create_task(
        run_worker(
            settings,
            resolve_database_url(settings),
            session_factory=session_factory,
            install_signal_handlers=False,
            name=f"{socket.gethostname()}-web",
        ),
        name="troopwatch-worker",
    )


async def stop_inprocess_worker(worker: asyncio.Task[None] | None) -> None:
    if worker is None:
        return
    worker.cancel()
    with contextlib.suppress(asyncio.CancelledError):
        await worker
