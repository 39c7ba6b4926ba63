"""The ``troopwatch`` command."""

from __future__ import annotations

import argparse
import logging
import sys
from collections.abc import Sequence
from pathlib import Path

from app.settings import Settings


def _serve(args: argparse.Namespace) -> int:
    import uvicorn

    from app.main import create_app

    uvicorn.run(create_app(Settings()), host=args.host, port=args.port, log_level="info")
    return 0


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


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="troopwatch", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)

    serve = sub.add_parser("serve", help="serve the web app")
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=int, default=8000)
    serve.set_defaults(func=_serve)

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
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s %(message)s")
    args = build_parser().parse_args(argv)
    result: int = args.func(args)
    return result


if __name__ == "__main__":
    sys.exit(main())
