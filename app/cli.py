"""The ``troopwatch`` command."""

from __future__ import annotations

import argparse
import logging
import sys
from collections.abc import Sequence

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
    serve.set_defaults(func=_serve)

    migrate = sub.add_parser("migrate", help="upgrade the database schema to the latest version")
    migrate.set_defaults(func=_migrate)

    demo = sub.add_parser("load-demo", help="store the bundled demo articles")
    demo.add_argument("--if-empty", action="store_true", help="only when no article is stored")
    demo.set_defaults(func=_load_demo)

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
