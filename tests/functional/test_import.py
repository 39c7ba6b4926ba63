"""Imports through the web pages: uploads, URLs and feeds become batches whose items are
processed by the same function the background job runs (called here in the test's
transaction; tests/functional/test_jobs.py runs real workers)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import date
from http.server import BaseHTTPRequestHandler

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select, text
from sqlalchemy.orm import Session, sessionmaker

from app.articles.models import Article
from app.imports.models import Feed, ImportBatch, ImportItem
from app.imports.service import poll_due_feeds, process_item
from app.settings import Settings
from tests.unit.ingest.support import (
    ARTICLE_HTML,
    CHROME_TAIL,
    REPORT_EN,
    REPORT_RU,
    REPORT_UK,
    LocalSite,
    docx_bytes,
    eml_bytes,
    local_site,
    pdf_with_text,
    pdf_without_text,
    rss,
    send,
    zip_bomb,
    zip_bytes,
)

pytestmark = pytest.mark.functional

OTHER_REPORT = (
    "Air defence units relocated\n\n"
    "Two air defence divisions were relocated from Voronezh to Kursk ahead of the spring, a "
    "defence ministry spokesman said at a briefing on Wednesday.\n\n"
    "He did not say how many launchers were involved."
)
PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x10" + bytes(range(200))


@pytest.fixture
def settings(database_url: str) -> Settings:
    return Settings(
        environment="test",
        database_url=database_url,
        allow_private_urls=True,
        max_upload_file_bytes=200_000,
        fetch_timeout_seconds=1.0,
    )


@pytest.fixture(scope="module")
def site() -> Iterator[LocalSite]:
    with local_site() as site:
        site.page("/article", ARTICLE_HTML)

        def error(request: BaseHTTPRequestHandler) -> None:
            send(request, 500, "text/html", b"<p>down</p>")

        site.routes["/error"] = error
        yield site


def run_queued(session_factory: sessionmaker[Session], settings: Settings, batch_id: int) -> None:
    """Do what the workers would: process every queued item (feeds add more) until none is left."""
    while True:
        with session_factory() as session:
            ids = list(
                session.scalars(
                    select(ImportItem.id).where(
                        ImportItem.batch_id == batch_id, ImportItem.status == "queued"
                    )
                )
            )
        if not ids:
            return
        for item_id in ids:
            process_item(session_factory, item_id, settings, last_attempt=True)


def _upload(client: TestClient, files: list[tuple[str, bytes]]) -> int:
    response = client.post(
        "/imports/upload",
        files=[("files", (name, data, "application/octet-stream")) for name, data in files],
        follow_redirects=False,
    )
    assert response.status_code == 303, response.text
    match = re.fullmatch(r"/imports/(\d+)", response.headers["location"])
    assert match
    return int(match.group(1))


def _items(session: Session, batch_id: int) -> dict[str, ImportItem]:
    session.expire_all()
    rows = session.scalars(select(ImportItem).where(ImportItem.batch_id == batch_id))
    return {item.source: item for item in rows}


def _article(session: Session, item: ImportItem) -> Article:
    assert item.article_id is not None, item.reason
    article = session.get(Article, item.article_id)
    assert article is not None
    return article


def test_a_multi_file_upload_stores_every_good_file_and_reports_every_bad_one(
    client: TestClient,
    session: Session,
    session_factory: sessionmaker[Session],
    settings: Settings,
) -> None:
    good = {
        "report.txt": (OTHER_REPORT + CHROME_TAIL).encode(),
        "page.html": ARTICLE_HTML.replace("two brigades", "three brigades").encode(),
        "convoy.pdf": pdf_with_text(["Convoy on the ring road", "A battalion left Gomel."]),
        "summary.docx": docx_bytes("Weekly summary", ["A regiment moved to Pskov last week."]),
        "tip.eml": eml_bytes("Column near Sumy", REPORT_UK + CHROME_TAIL),
        "legacy-ru.txt": REPORT_RU.encode("cp1251"),
        "notes.md": b"# Desk notes\n\nA reserve battalion arrived in Kherson on Friday.",
    }
    bad = {
        "photo.txt": PNG,
        "empty.txt": b"",
        "scan.pdf": pdf_without_text(),
        "broken.docx": b"PK\x03\x04 this is not a document",
        "sheet.xlsx": b"cells",
    }
    archive = zip_bytes(
        {
            "inside/first.txt": b"First zipped report: a brigade moved from Lida to Grodno.",
            "../escaped.txt": b"Should never be written anywhere.",
        }
    )
    batch_id = _upload(client, [*good.items(), *bad.items(), ("bundle.zip", archive)])

    page = client.get(f"/imports/{batch_id}")
    assert page.status_code == 200
    assert 'hx-trigger="every 1s"' in page.text  # still polling: nothing processed yet

    run_queued(session_factory, settings, batch_id)
    items = _items(session, batch_id)
    for name in [*good, "bundle.zip/inside/first.txt"]:
        assert items[name].status == "done", (name, items[name].reason)
        assert items[name].payload is None  # the bytes live on in article.raw only
    reasons = {name: items[name].reason or "" for name in [*bad, "bundle.zip/../escaped.txt"]}
    assert all(items[name].status == "failed" for name in reasons)
    assert "binary" in reasons["photo.txt"]
    assert "empty" in reasons["empty.txt"]
    assert "no text layer" in reasons["scan.pdf"]
    assert "corrupt" in reasons["broken.docx"]
    assert "Unsupported file type .xlsx" in reasons["sheet.xlsx"]
    assert "escapes" in reasons["bundle.zip/../escaped.txt"]

    report = _article(session, items["report.txt"])
    assert report.text == OTHER_REPORT
    assert report.raw == good["report.txt"]
    html = _article(session, items["page.html"])
    assert html.outlet == "Borderline News"
    assert html.url == "https://borderline.example/news/reserves-north"
    assert html.published_at == date(2026, 3, 14)
    assert "Subscribe" not in html.text and "Football" not in html.text
    assert _article(session, items["legacy-ru.txt"]).text == REPORT_RU
    assert _article(session, items["tip.eml"]).title == "Column near Sumy"
    assert "Patreon" not in _article(session, items["tip.eml"]).text

    page = client.get(f"/imports/{batch_id}")
    assert "hx-trigger" not in page.text  # complete: the status block stops polling
    assert 'id="import-complete"' in page.text
    assert "8 stored" in page.text and "6 failed" in page.text
    assert f'href="/articles/{report.id}"' in page.text
    assert "no text layer" in page.text


def test_the_status_block_alone_is_sent_to_htmx(client: TestClient) -> None:
    batch_id = _upload(client, [("a.txt", b"A unit moved from Orsha to Vitebsk on Monday.")])
    fragment = client.get(f"/imports/{batch_id}", headers={"HX-Request": "true"})
    assert fragment.text.lstrip().startswith('<div id="import-status"')
    assert "<html" not in fragment.text
    assert fragment.headers["vary"] == "HX-Request"


def test_a_file_over_the_limit_is_413_naming_the_limit(client: TestClient) -> None:
    response = client.post(
        "/imports/upload", files=[("files", ("big.txt", b"x" * 200_001, "text/plain"))]
    )
    assert response.status_code == 413
    assert "200,000 bytes" in response.text


def test_an_oversized_file_in_a_batch_is_reported_and_the_others_stored(
    client: TestClient,
    session: Session,
    session_factory: sessionmaker[Session],
    settings: Settings,
) -> None:
    batch_id = _upload(
        client,
        [("big.txt", b"y" * 200_001), ("small.txt", b"A company moved from Ovruch to Korosten.")],
    )
    run_queued(session_factory, settings, batch_id)
    items = _items(session, batch_id)
    assert items["big.txt"].status == "failed"
    assert "upload limit of 200,000 bytes" in (items["big.txt"].reason or "")
    assert items["small.txt"].status == "done"


def test_a_zip_bomb_is_refused(client: TestClient, session: Session) -> None:
    batch_id = _upload(client, [("bomb.zip", zip_bomb(60_000_000))])
    item = _items(session, batch_id)["bomb.zip"]
    assert item.status == "failed"
    assert "zip bomb" in (item.reason or "")


def test_no_file_at_all_is_refused(client: TestClient) -> None:
    response = client.post("/imports/upload", data={"x": "1"})
    assert response.status_code == 422
    assert "Choose at least one file" in response.text


def test_an_exact_duplicate_is_linked_not_stored_again(
    client: TestClient,
    session: Session,
    session_factory: sessionmaker[Session],
    settings: Settings,
) -> None:
    first = _upload(client, [("one.txt", REPORT_EN.encode())])
    run_queued(session_factory, settings, first)
    again = _upload(client, [("same.txt", REPORT_EN.upper().replace("\n\n", "\n").encode())])
    run_queued(session_factory, settings, again)
    original = _items(session, first)["one.txt"]
    duplicate = _items(session, again)["same.txt"]
    assert duplicate.status == "duplicate"
    assert duplicate.article_id == original.article_id
    count = session.scalar(select(func.count()).select_from(Article))
    assert count == 1


def test_a_republished_wire_story_is_linked_as_a_near_duplicate(
    client: TestClient,
    session: Session,
    session_factory: sessionmaker[Session],
    settings: Settings,
) -> None:
    first = _upload(client, [("wire.txt", REPORT_EN.encode())])
    run_queued(session_factory, settings, first)
    republished = (
        REPORT_EN.replace("on Sunday", "on Sunday evening").replace("Kyiv", "the capital")
        + "\n\nThis story was first published by a partner agency."
    )
    second = _upload(client, [("partner.txt", republished.encode())])
    run_queued(session_factory, settings, second)
    original = _items(session, first)["wire.txt"]
    item = _items(session, second)["partner.txt"]
    assert item.status == "duplicate"
    assert f"Near-duplicate of article #{original.article_id}" in (item.reason or "")
    copy = _article(session, item)
    assert copy.near_duplicate_of_id == original.article_id
    assert copy.id != original.article_id


def test_a_job_run_twice_stores_once(
    client: TestClient,
    session: Session,
    session_factory: sessionmaker[Session],
    settings: Settings,
) -> None:
    batch_id = _upload(client, [("a.txt", b"A battalion moved from Yelnya to Smolensk.")])
    item_id = next(iter(_items(session, batch_id).values())).id
    # As if a worker had claimed the item and died: the retried job picks it up again.
    with session_factory() as other:
        other.execute(
            text("UPDATE import_item SET status = 'running', attempts = 1 WHERE id = :i"),
            {"i": item_id},
        )
        other.commit()
    process_item(session_factory, item_id, settings, last_attempt=False)
    # As if the worker died after storing but before procrastinate marked the job done.
    process_item(session_factory, item_id, settings, last_attempt=False)
    assert session.scalar(select(func.count()).select_from(Article)) == 1
    item = _items(session, batch_id)["a.txt"]
    assert item.status in ("done", "duplicate"), item.reason


def test_urls_are_fetched_and_bad_ones_reported(
    client: TestClient,
    session: Session,
    session_factory: sessionmaker[Session],
    settings: Settings,
    site: LocalSite,
) -> None:
    urls = [site.url("/article"), site.url("/error"), site.url("/nowhere"), "ftp://x.example/"]
    response = client.post("/imports/urls", data={"urls": "\n".join(urls)}, follow_redirects=False)
    assert response.status_code == 422
    assert "Only http" in response.text
    response = client.post(
        "/imports/urls", data={"urls": "\n".join(urls[:3])}, follow_redirects=False
    )
    batch_id = int(response.headers["location"].rsplit("/", 1)[1])
    run_queued(session_factory, settings, batch_id)
    items = _items(session, batch_id)
    assert items[urls[0]].status == "done"
    assert _article(session, items[urls[0]]).outlet == "Borderline News"
    assert _article(session, items[urls[0]]).raw == ARTICLE_HTML.encode()
    assert "answered 500" in (items[urls[1]].reason or "")
    assert "answered 404" in (items[urls[2]].reason or "")


def test_a_transient_failure_is_retried_before_it_is_reported(
    client: TestClient,
    session: Session,
    session_factory: sessionmaker[Session],
    settings: Settings,
    site: LocalSite,
) -> None:
    from app.articles.ingest.formats import TransientIngestError

    response = client.post("/imports/urls", data={"urls": site.url("/error")})
    batch_id = int(str(response.url).rsplit("/", 1)[1])
    item_id = next(iter(_items(session, batch_id).values())).id
    with pytest.raises(TransientIngestError):
        process_item(session_factory, item_id, settings, last_attempt=False)
    item = _items(session, batch_id)[site.url("/error")]
    assert item.status == "queued" and "Will retry" in (item.reason or "")
    process_item(session_factory, item_id, settings, last_attempt=True)
    assert _items(session, batch_id)[site.url("/error")].status == "failed"


def test_private_addresses_are_refused_when_the_setting_is_off(
    session: Session,
    session_factory: sessionmaker[Session],
    settings: Settings,
    site: LocalSite,
    client: TestClient,
) -> None:
    response = client.post("/imports/urls", data={"urls": site.url("/article")})
    batch_id = int(str(response.url).rsplit("/", 1)[1])
    strict = settings.model_copy(update={"allow_private_urls": False})
    run_queued(session_factory, strict, batch_id)
    item = _items(session, batch_id)[site.url("/article")]
    assert item.status == "failed"
    assert "private, loopback" in (item.reason or "")


def test_a_feed_imports_new_entries_and_skips_stored_ones(
    client: TestClient,
    session: Session,
    session_factory: sessionmaker[Session],
    settings: Settings,
    site: LocalSite,
) -> None:
    one = site.page("/news/one", ARTICLE_HTML)
    two = site.page(
        "/news/two",
        ARTICLE_HTML.replace("Novosibirsk", "Omsk")
        .replace("Reserves moved", "Second column")
        .replace("Local residents described", "Drivers on the road filmed")
        .replace("Military observers in Kyiv", "Analysts at a think tank"),
    )
    feed_url = site.page("/feed.xml", rss([("One", one), ("Two", two)]), "application/rss+xml")
    response = client.post(
        "/imports/urls",
        data={"urls": feed_url, "feed": "true", "save": "true", "poll_minutes": "30"},
    )
    batch_id = int(str(response.url).rsplit("/", 1)[1])
    run_queued(session_factory, settings, batch_id)
    items = _items(session, batch_id)
    assert items[feed_url].status == "done"
    assert "2 entries, 2 new, 0 already stored" in (items[feed_url].reason or "")
    assert items[one].status == "done" and items[two].status == "done"
    feed = session.scalars(select(Feed).where(Feed.url == feed_url)).one()
    assert feed.title == "Borderline News" and feed.poll_minutes == 30

    # The saved feed comes due; entries already stored are skipped.
    with session_factory() as other:
        other.execute(text("UPDATE feed SET last_polled_at = now() - interval '1 hour'"))
        batches = poll_due_feeds(other)
        other.commit()
        again = batches[0].id
    run_queued(session_factory, settings, again)
    polled = _items(session, again)
    assert "0 new, 2 already stored" in (polled[feed_url].reason or "")
    assert len(polled) == 1
    with session_factory() as other:
        assert poll_due_feeds(other) == []  # not due again until its interval has passed


def test_a_malformed_feed_is_reported(
    client: TestClient,
    session: Session,
    session_factory: sessionmaker[Session],
    settings: Settings,
    site: LocalSite,
) -> None:
    broken = site.page(
        "/broken.xml", b"<?xml version='1.0'?><rss><channel><item><title>x</titl", "text/xml"
    )
    response = client.post("/imports/urls", data={"urls": broken, "feed": "true"})
    batch_id = int(str(response.url).rsplit("/", 1)[1])
    run_queued(session_factory, settings, batch_id)
    item = _items(session, batch_id)[broken]
    assert item.status == "failed"
    assert "not well-formed XML" in (item.reason or "")


def test_an_unknown_import_is_404(client: TestClient) -> None:
    assert client.get("/imports/999999").status_code == 404


def test_the_import_page_lists_recent_batches(client: TestClient) -> None:
    batch_id = _upload(client, [("x.txt", b"A platoon moved from Valuyki to Urazovo.")])
    page = client.get("/imports")
    assert page.status_code == 200
    assert f'href="/imports/{batch_id}"' in page.text
    assert 'type="file" name="files"' in page.text


def test_batches_cascade_and_counts_are_consistent(session: Session) -> None:
    assert session.scalar(select(func.count()).select_from(ImportBatch)) == 0


def test_a_batch_nobody_picks_up_says_that_a_worker_may_be_missing(
    client: TestClient, session: Session
) -> None:
    batch_id = _upload(client, [("w.txt", b"A squad moved from Sudzha to Lgov overnight.")])
    assert 'id="no-worker"' not in client.get(f"/imports/{batch_id}").text
    session.execute(
        text("UPDATE import_batch SET created_at = now() - interval '5 minutes' WHERE id = :i"),
        {"i": batch_id},
    )
    session.commit()
    assert 'id="no-worker"' in client.get(f"/imports/{batch_id}").text


def test_the_json_api_gives_progress_and_every_item(
    client: TestClient, session_factory: sessionmaker[Session], settings: Settings
) -> None:
    batch_id = _upload(
        client, [("ok.txt", b"A battery moved from Tokmak to Vasylivka."), ("none.txt", b"")]
    )
    run_queued(session_factory, settings, batch_id)
    body = client.get(f"/api/v1/imports/{batch_id}").json()
    assert body["progress"] == {
        "total": 2,
        "queued": 0,
        "running": 0,
        "done": 1,
        "failed": 1,
        "duplicate": 0,
        "complete": True,
    }
    by_source = {item["source"]: item for item in body["items"]}
    assert by_source["none.txt"]["reason"] == "The file is empty."
    assert isinstance(by_source["ok.txt"]["article_id"], int)
    missing = client.get("/api/v1/imports/999999")
    assert missing.status_code == 404
    assert missing.json() == {"detail": "There is no import #999999."}


def test_viewers_see_imports_but_not_the_forms(viewer_client: TestClient) -> None:
    page = viewer_client.get("/imports")
    assert page.status_code == 200
    assert 'name="files"' not in page.text
    assert "/imports/reextract" not in page.text
    refused = viewer_client.post("/imports/urls", data={"urls": "https://example.org/"})
    assert refused.status_code == 403


def test_analysts_may_import_but_not_reextract(analyst_client: TestClient) -> None:
    page = analyst_client.get("/imports")
    assert 'name="files"' in page.text
    assert "/imports/reextract" not in page.text
    assert analyst_client.post("/imports/reextract").status_code == 403


def test_items_whose_job_gave_up_are_marked_failed(client: TestClient, session: Session) -> None:
    from app.imports.service import fail_items_of_failed_jobs

    batch_id = _upload(client, [("g.txt", b"A brigade moved from Kupiansk to Izium.")])
    item = _items(session, batch_id)["g.txt"]
    session.execute(
        text(
            "UPDATE procrastinate_jobs SET status = 'failed' "
            "WHERE (args ->> 'item_id')::bigint = :i"
        ),
        {"i": item.id},
    )
    assert fail_items_of_failed_jobs(session) == 1
    item = _items(session, batch_id)["g.txt"]
    assert item.status == "failed"
    assert "failed on every attempt" in (item.reason or "")
