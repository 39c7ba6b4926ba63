"""The ``troopwatch`` command."""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import logging
import os
import sys
import time
from collections.abc import Sequence
from pathlib import Path

from app.settings import Settings


def _serve(args: argparse.Namespace) -> int:
    import uvicorn

    from app.main import create_app

    settings = serve_settings(no_worker=args.no_worker)
    uvicorn.run(create_app(settings), host=args.host, port=args.port, log_level="info")
    return 0


def serve_settings(*, no_worker: bool) -> Settings:
    """`make run` is one process: the server runs a job worker too, unless told otherwise."""
    settings = Settings()
    if no_worker:
        return settings.model_copy(update={"inprocess_worker": False})
    if "TROOPWATCH_INPROCESS_WORKER" not in os.environ:
        return settings.model_copy(update={"inprocess_worker": True})
    return settings


def _worker(args: argparse.Namespace) -> int:
    from app.jobs import run_worker

    settings = Settings()
    if args.concurrency:
        settings = settings.model_copy(update={"worker_concurrency": args.concurrency})
    asyncio.run(run_worker(settings, _database_url(), name=args.name))
    return 0


def _progress_line(done: int, failed: int, duplicate: int, total: int) -> str:
    finished = done + failed + duplicate
    width = 30
    filled = width if total == 0 else width * finished // total
    return (
        f"\r[{'#' * filled}{'.' * (width - filled)}] {finished}/{total} "
        f"(done {done}, duplicate {duplicate}, failed {failed})"
    )


def _watch_batch(batch_id: int, *, work: bool) -> int:
    """Show a progress bar until the batch is finished, running a worker here when ``work``."""
    from app.db import make_engine, make_session_factory
    from app.imports.models import ItemStatus
    from app.imports.service import batch_items, batch_progress
    from app.jobs import run_worker

    settings = Settings()
    url = _database_url()
    engine = make_engine(url, settings)
    factory = make_session_factory(engine)

    async def watch() -> int:
        worker = (
            asyncio.create_task(
                run_worker(settings, url, session_factory=factory, install_signal_handlers=False)
            )
            if work
            else None
        )
        try:
            while True:
                with factory() as session:
                    progress = batch_progress(session, batch_id)
                line = _progress_line(
                    progress.done, progress.failed, progress.duplicate, progress.total
                )
                print(line, end="", file=sys.stderr, flush=True)
                if progress.complete:
                    break
                if worker is not None and worker.done():
                    worker.result()  # a worker that died says why
                await asyncio.sleep(0.5)
        finally:
            if worker is not None:
                worker.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await worker
        print(file=sys.stderr)
        with factory() as session:
            failed = batch_items(session, batch_id, status=ItemStatus.FAILED.value)
        for item in failed:
            print(f"failed: {item.source}: {item.reason}", file=sys.stderr)
        return 1 if failed else 0

    try:
        return asyncio.run(watch())
    finally:
        engine.dispose()


def _import(args: argparse.Namespace) -> int:
    from app.db import make_engine, make_session_factory
    from app.imports.models import BatchKind
    from app.imports.service import UploadedFile, add_files, add_urls, create_batch, enqueue

    settings = Settings()
    files: list[UploadedFile] = []
    urls: list[str] = []
    for target in args.paths:
        if target.startswith(("http://", "https://")):
            urls.append(target)
            continue
        path = Path(target)
        if path.is_dir():
            candidates = sorted(p for p in path.rglob("*") if p.is_file())
        elif path.is_file():
            candidates = [path]
        else:
            print(f"troopwatch import: no such file or folder: {target}", file=sys.stderr)
            return 2
        for file in candidates:
            name = str(file.relative_to(path.parent)) if path.is_dir() else file.name
            size = file.stat().st_size
            if size > settings.max_upload_file_bytes and file.suffix.lower() != ".zip":
                files.append(
                    UploadedFile(
                        name,
                        None,
                        f"The file is {size:,} bytes; the limit is "
                        f"{settings.max_upload_file_bytes:,} bytes.",
                    )
                )
            else:
                files.append(UploadedFile(name, file.read_bytes()))
    engine = make_engine(_database_url(), settings)
    with make_session_factory(engine)() as session:
        label = ", ".join(args.paths)[:300]
        batch = create_batch(session, kind=BatchKind.CLI, label=label)
        items = add_files(session, batch, files, settings)
        items += add_urls(session, batch, urls, feed=args.feed)
        enqueue(session, items)
        session.commit()
        batch_id = batch.id
    engine.dispose()
    print(f"import #{batch_id}: {len(items)} item(s)", file=sys.stderr)
    if args.no_wait:
        return 0
    started = time.monotonic()
    status = _watch_batch(batch_id, work=not args.no_worker)
    print(f"finished in {time.monotonic() - started:.1f} s", file=sys.stderr)
    return status


def _reextract(args: argparse.Namespace) -> int:
    from app.db import make_engine, make_session_factory
    from app.imports.service import create_reextract_batch

    engine = make_engine(_database_url(), Settings())
    with make_session_factory(engine)() as session:
        batch = create_reextract_batch(session, article_ids=args.article or None)
        session.commit()
        batch_id = batch.id
    engine.dispose()
    print(f"re-extraction #{batch_id} queued", file=sys.stderr)
    if args.no_wait:
        return 0
    return _watch_batch(batch_id, work=not args.no_worker)


def _database_url() -> str:
    from app.db import resolve_database_url

    return resolve_database_url(Settings())


def _migrate(args: argparse.Namespace) -> int:
    from app.migrate import upgrade

    upgrade(_database_url())
    print("database schema is at head")
    return 0


def _load_demo(args: argparse.Namespace) -> int:
    from app.db import make_engine, make_session_factory
    from app.demo.loader import load_demo_articles

    settings = Settings()
    engine = make_engine(_database_url(), settings)
    with make_session_factory(engine)() as session:
        loaded = load_demo_articles(session, settings=settings, only_if_empty=args.if_empty)
        session.commit()
    engine.dispose()
    print(f"loaded {loaded} demo article(s)")
    return 0


def _demo(args: argparse.Namespace) -> int:
    import psycopg

    from app.db import libpq_url
    from app.demo.generate import generate

    with psycopg.connect(libpq_url(_database_url())) as conn:
        stats = generate(
            conn,
            articles=args.articles,
            movements=args.movements,
            seed=args.seed,
            progress=lambda message: print(message, flush=True),
        )
        conn.commit()
    print(
        f"generated {stats.articles:,} articles and {stats.movements:,} movements "
        f"({stats.places:,} places, {stats.units:,} units) in {stats.seconds:.0f} s"
    )
    return 0


def _backup(args: argparse.Namespace) -> int:
    from app.db import libpq_url
    from app.ops.backup import BackupError, backup

    settings = Settings()
    try:
        path = backup(
            libpq_url(_database_url()),
            args.file,
            bin_dir=settings.pg_bin_dir,
            embedded=settings.database_url is None,
        )
    except BackupError as exc:
        print(f"backup failed: {exc}", file=sys.stderr)
        return 1
    print(f"database written to {path} ({path.stat().st_size:,} bytes)")
    return 0


def _restore(args: argparse.Namespace) -> int:
    from app.db import libpq_url
    from app.ops.backup import BackupError, restore

    settings = Settings()
    if not args.yes:
        print("restore replaces every row in the database; add --yes to go on", file=sys.stderr)
        return 2
    try:
        restore(
            libpq_url(_database_url()),
            args.file,
            bin_dir=settings.pg_bin_dir,
            embedded=settings.database_url is None,
        )
    except BackupError as exc:
        print(f"restore failed: {exc}", file=sys.stderr)
        return 1
    print(f"database restored from {args.file}")
    return 0


def _load_gazetteer(args: argparse.Namespace) -> int:
    from app.db import make_engine, make_session_factory
    from app.entities.gazetteer import load_gazetteer
    from app.extraction import iter_gazetteer

    settings = Settings()
    engine = make_engine(_database_url(), settings)
    with make_session_factory(engine)() as session:
        count = load_gazetteer(session, iter_gazetteer())
        session.commit()
    engine.dispose()
    print(f"gazetteer: {count:,} places loaded")
    return 0


def _extract(args: argparse.Namespace) -> int:
    from app.extraction.cli import main as extract_main

    status: int = extract_main(args.rest)
    return status


def _users(args: argparse.Namespace) -> int:
    """``troopwatch users create|set-role|disable``: account admin from the shell."""
    import getpass

    from app.db import make_engine, make_session_factory
    from app.users import service

    settings = Settings()
    engine = make_engine(_database_url(), settings)
    try:
        with make_session_factory(engine)() as session:
            if args.users_command == "create":
                password = (
                    sys.stdin.readline().rstrip("\n")
                    if args.password_stdin
                    else getpass.getpass(f"Password for {args.username}: ")
                )
                user = service.create_user(
                    session, username=args.username, password=password, role=args.role
                )
                message = f"created {user.role} {user.username}"
            else:
                found = service.get_user_by_username(session, args.username)
                if found is None:
                    raise service.AccountError(f"There is no user {args.username!r}.")
                if args.users_command == "set-role":
                    service.set_role(session, found, args.role)
                    message = f"{found.username} is now {found.role}"
                else:
                    service.set_active(session, found, False)
                    message = f"disabled {found.username}; their sessions and tokens are revoked"
            session.commit()
    except service.AccountError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    finally:
        engine.dispose()
    print(message)
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="troopwatch", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)

    serve = sub.add_parser("serve", help="serve the web app")
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=int, default=8000)
    serve.add_argument(
        "--no-worker", action="store_true", help="do not run background jobs in this process"
    )
    serve.set_defaults(func=_serve)

    worker = sub.add_parser("worker", help="run background jobs (imports, re-extraction)")
    worker.add_argument("--name", default=None, help="worker name shown in logs")
    worker.add_argument("--concurrency", type=int, default=0, help="jobs run at once")
    worker.set_defaults(func=_worker)

    imp = sub.add_parser("import", help="import files, folders, zips and URLs as articles")
    imp.add_argument("paths", nargs="+", metavar="PATH", help="file, folder, .zip or URL")
    imp.add_argument("--feed", action="store_true", help="the URLs are RSS/Atom feeds")
    imp.add_argument("--no-wait", action="store_true", help="queue the items and return")
    imp.add_argument(
        "--no-worker", action="store_true", help="wait for other workers instead of working here"
    )
    imp.set_defaults(func=_import)

    reextract = sub.add_parser(
        "reextract", help="run the current extractor over stored articles again"
    )
    reextract.add_argument("--article", type=int, action="append", help="only this article id")
    reextract.add_argument("--no-wait", action="store_true", help="queue the job and return")
    reextract.add_argument(
        "--no-worker", action="store_true", help="wait for other workers instead of working here"
    )
    reextract.set_defaults(func=_reextract)

    migrate = sub.add_parser("migrate", help="upgrade the database schema to the latest version")
    migrate.set_defaults(func=_migrate)

    demo = sub.add_parser("load-demo", help="store the bundled demo articles")
    demo.add_argument("--if-empty", action="store_true", help="only when no article is stored")
    demo.set_defaults(func=_load_demo)

    backup = sub.add_parser("backup", help="write the whole database to FILE (pg_dump)")
    backup.add_argument("file", type=Path)
    backup.set_defaults(func=_backup)

    restore = sub.add_parser("restore", help="replace the database with a backup (pg_restore)")
    restore.add_argument("file", type=Path)
    restore.add_argument("--yes", action="store_true", help="confirm replacing every row")
    restore.set_defaults(func=_restore)

    synthetic = sub.add_parser(
        "demo", help="add synthetic articles and movements (for benchmarks and trials)"
    )
    synthetic.add_argument("--articles", type=int, default=2_000)
    synthetic.add_argument("--movements", type=int, default=10_000)
    synthetic.add_argument("--seed", type=int, default=20_240_801)
    synthetic.set_defaults(func=_demo)

    gazetteer = sub.add_parser(
        "load-gazetteer", help="load (or refresh) the place gazetteer into the database"
    )
    gazetteer.set_defaults(func=_load_gazetteer)

    extract = sub.add_parser(
        "extract",
        help="print the movements found in files (see `troopwatch extract --help`)",
        add_help=False,
    )
    extract.add_argument("rest", nargs=argparse.REMAINDER)
    extract.set_defaults(func=_extract)

    users = sub.add_parser("users", help="create users, change roles, disable accounts")
    users_sub = users.add_subparsers(dest="users_command", required=True)
    create = users_sub.add_parser("create", help="add a user (asks for the password)")
    create.add_argument("username")
    create.add_argument("--role", default="viewer", help="viewer, analyst or admin")
    create.add_argument(
        "--password-stdin", action="store_true", help="read the password from standard input"
    )
    set_role = users_sub.add_parser("set-role", help="change a user's role")
    set_role.add_argument("username")
    set_role.add_argument("role", help="viewer, analyst or admin")
    disable = users_sub.add_parser("disable", help="disable a user and end their sessions")
    disable.add_argument("username")
    users.set_defaults(func=_users)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s %(message)s")
    args = build_parser().parse_args(argv)
    result: int = args.func(args)
    return result


if __name__ == "__main__":
    sys.exit(main())
