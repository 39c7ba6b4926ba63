"""A live server on a database of its own, and headless Chromium driven by Playwright."""

from __future__ import annotations

import os
import socket
import threading
import time
from collections.abc import Iterator

import pytest
import uvicorn
from playwright.sync_api import Browser, Page, sync_playwright
from sqlalchemy import create_engine, select
from sqlalchemy.orm import Session

from app import extraction
from app.main import create_app
from app.migrate import upgrade
from app.settings import Settings
from app.users.models import User
from app.users.security import SESSION_COOKIE
from tests.database import database_name, recreate_database
from tests.factories import make_user, start_test_session

CHROMIUM = os.environ.get("TROOPWATCH_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture(scope="session")
def live_database_url() -> str:
    """The live server's database: fresh, migrated, with one admin (username ``admin``)."""
    url = recreate_database(database_name("_browser"))
    upgrade(url)
    engine = create_engine(url)
    with Session(engine) as session:
        make_user(session, role="admin", username="admin")
        session.commit()
    engine.dispose()
    return url


@pytest.fixture
def admin_session_token(live_database_url: str) -> str:
    """A fresh admin session per test, so a test that signs out cannot affect the next."""
    engine = create_engine(live_database_url)
    with Session(engine) as session:
        admin = session.scalars(select(User).where(User.username == "admin")).one()
        token, _ = start_test_session(session, admin)
        session.commit()
    engine.dispose()
    return token


@pytest.fixture(scope="session")
def live_server(live_database_url: str) -> Iterator[str]:
    """The whole app served by uvicorn in a thread, on a freshly migrated database."""
    url = live_database_url
    settings = Settings(environment="test", database_url=url, warm_extractor=False)
    # Load the extraction models before the first page is driven, not inside a click.
    extraction.extract("Troops moved from Kyiv to Lviv.", language="en")
    port = _free_port()
    server = uvicorn.Server(
        uvicorn.Config(create_app(settings), host="127.0.0.1", port=port, log_level="warning")
    )
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started:
        if time.monotonic() > deadline:
            raise RuntimeError("the live server did not start within 30 s")
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}"
    server.should_exit = True
    thread.join(timeout=10)


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def page(browser: Browser, live_server: str, admin_session_token: str) -> Iterator[Page]:
    """A page signed in as the admin."""
    context = browser.new_context(accept_downloads=True)
    context.add_cookies(
        [{"name": SESSION_COOKIE, "value": admin_session_token, "url": live_server}]
    )
    page = context.new_page()
    page.set_default_timeout(15_000)
    yield page
    context.close()


@pytest.fixture
def anonymous_page(browser: Browser) -> Iterator[Page]:
    """A page with no session: sees only the sign-in page."""
    context = browser.new_context(accept_downloads=True)
    page = context.new_page()
    page.set_default_timeout(15_000)
    yield page
    context.close()
