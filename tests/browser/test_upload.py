"""Uploading several files in Chromium (picker and drag and drop) and watching the progress bar
fill as the app's own in-process worker imports them."""

from __future__ import annotations

import re
import threading
import time
from collections.abc import Iterator

import pytest
import uvicorn
from playwright.sync_api import Browser, Page, expect
from sqlalchemy import create_engine
from sqlalchemy.orm import Session

from app.main import create_app
from app.migrate import upgrade
from app.settings import Settings
from app.users.security import SESSION_COOKIE
from tests.browser.conftest import _free_port
from tests.database import database_name, recreate_database
from tests.factories import make_user, start_test_session
from tests.unit.ingest.support import ARTICLE_HTML, REPORT_UK, docx_bytes

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def upload_database() -> str:
    url = recreate_database(database_name("_upload"))
    upgrade(url)
    return url


@pytest.fixture
def analyst_page(browser: Browser, worker_server: str, upload_database: str) -> Iterator[Page]:
    """A page signed in as a new analyst of the worker server."""
    engine = create_engine(upload_database)
    with Session(engine) as session:
        token, _ = start_test_session(session, make_user(session, role="analyst"))
        session.commit()
    engine.dispose()
    context = browser.new_context()
    context.add_cookies([{"name": SESSION_COOKIE, "value": token, "url": worker_server}])
    page = context.new_page()
    page.set_default_timeout(15_000)
    yield page
    context.close()


@pytest.fixture(scope="module")
def worker_server(upload_database: str) -> Iterator[str]:
    """The app with its in-process worker, as `make run` serves it, on a database of its own."""
    url = upload_database
    settings = Settings(
        environment="test",
        database_url=url,
        inprocess_worker=True,
        worker_heartbeat_seconds=1.0,
    )
    port = _free_port()
    server = uvicorn.Server(
        uvicorn.Config(create_app(settings), host="127.0.0.1", port=port, log_level="warning")
    )
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started:
        if time.monotonic() > deadline:
            raise RuntimeError("the server did not start within 30 s")
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}"
    server.should_exit = True
    thread.join(timeout=15)


def test_multi_file_upload_with_drag_and_drop_and_progress(
    analyst_page: Page, worker_server: str
) -> None:
    page = analyst_page
    page.goto(f"{worker_server}/imports")
    page.set_input_files(
        "#upload-files",
        [
            {"name": "north.html", "mimeType": "text/html", "buffer": ARTICLE_HTML.encode()},
            {"name": "south.txt", "mimeType": "text/plain", "buffer": REPORT_UK.encode()},
            {
                "name": "summary.docx",
                "mimeType": "application/octet-stream",
                "buffer": docx_bytes("Weekly summary", ["A regiment moved to Pskov last week."]),
            },
            {"name": "empty.txt", "mimeType": "text/plain", "buffer": b""},
        ],
    )
    expect(page.locator("#upload-chosen")).to_have_text("4 files chosen")
    page.evaluate(
        """() => {
            const data = new DataTransfer();
            data.items.add(new File(
                ["A motorised rifle battalion moved from Yelnya to Roslavl overnight."],
                "dropped.txt", {type: "text/plain"}));
            document.getElementById("dropzone").dispatchEvent(
                new DragEvent("drop", {dataTransfer: data, bubbles: true, cancelable: true}));
        }"""
    )
    expect(page.locator("#upload-chosen")).to_have_text("5 files chosen")
    page.get_by_role("button", name="Import files").click()

    expect(page).to_have_url(re.compile(r"/imports/\d+$"))
    expect(page.locator("#import-progress")).to_be_visible()
    # The status block polls until every item is finished, then stops.
    expect(page.locator("#import-complete")).to_be_visible(timeout=60_000)
    progress = page.locator("#import-progress")
    expect(progress).to_have_attribute("max", "5")
    expect(progress).to_have_attribute("value", "5")
    expect(page.locator("#import-status")).not_to_have_attribute("hx-trigger", "every 1s")
    expect(page.locator("#failed-items")).to_contain_text("empty.txt: The file is empty.")
    links = page.locator("#stored-items a")
    expect(links).to_have_count(4)
    page.get_by_role("link", name="north.html").click()
    expect(page.locator("h1")).to_contain_text("Reserves moved towards the northern border")
