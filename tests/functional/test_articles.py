"""Pasting an article: stored, extracted, shown with its evidence; bad input refused cleanly."""

import json
import os
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.articles.models import Article
from app.movements.models import Movement
from app.settings import Settings

pytestmark = pytest.mark.functional

# Written for these tests.
REPORT = (
    "Moscow pulls troops out of Kaliningrad\n"
    "Russia has moved troops from Kaliningrad to the Kursk region, Poland's defence minister "
    "said on Tuesday.\n"
    "The minister added that the move left the exclave with fewer ground forces than at any "
    "time since 2014."
)


def _post(client: TestClient, **fields: str) -> object:
    data = {
        "title": "Kaliningrad report",
        "text": REPORT,
        "url": "",
        "outlet": "",
        "published_at": "",
    }
    data.update(fields)
    return client.post("/articles", data=data, follow_redirects=False)


def _count(session: Session, model: type) -> int:
    return int(session.execute(select(func.count()).select_from(model)).scalar_one())


def test_paste_stores_extracts_and_shows_the_evidence(client: TestClient, session: Session) -> None:
    response = _post(
        client, outlet="Test Wire", published_at="2026-02-03", url="https://example.org/x"
    )
    assert response.status_code == 303
    location = response.headers["location"]
    page = client.get(location)
    assert page.status_code == 200
    html = page.text
    assert '<mark class="evidence"' in html
    assert "Russia has moved troops from Kaliningrad to the Kursk region" in html
    article = session.scalars(select(Article)).one()
    assert article.language == "en"
    assert article.extraction_status == "done"
    movements = session.scalars(select(Movement).where(Movement.article_id == article.id)).all()
    pairs = {(m.origin_text, m.destination_text) for m in movements}
    assert any("Kaliningrad" in (o or "") and "Kursk" in (d or "") for o, d in pairs)
    moved = next(m for m in movements if "Kaliningrad" in (m.origin_text or ""))
    assert article.text[moved.evidence_start : moved.evidence_end] == moved.evidence
    assert moved.extractor_version
    assert moved.status == "reported"


def test_same_text_twice_links_to_the_first_article(client: TestClient, session: Session) -> None:
    first = _post(client)
    second = _post(client, title="Another title", text=REPORT.upper() + "  ")
    assert second.status_code == 303
    assert second.headers["location"].startswith(first.headers["location"])
    assert "duplicate=1" in second.headers["location"]
    assert _count(session, Article) == 1


@pytest.mark.parametrize(
    ("fields", "status", "message"),
    [
        ({"text": "   "}, 422, "The article text is empty."),
        ({"title": ""}, 422, "The title is empty."),
        ({"title": "t" * 301}, 422, "the limit is 300"),
        ({"published_at": "12/03/2026"}, 422, "must be written YYYY-MM-DD"),
        ({"url": "javascript:alert(1)"}, 422, "The URL must start with http:// or https://."),
    ],
)
def test_bad_input_gets_a_clear_message_and_stores_nothing(
    client: TestClient, session: Session, fields: dict[str, str], status: int, message: str
) -> None:
    response = _post(client, **fields)
    assert response.status_code == status
    assert message in response.text
    assert _count(session, Article) == 0
    assert _count(session, Movement) == 0


def test_text_over_the_limit_is_413_naming_the_limit(
    client: TestClient, session: Session, settings: Settings
) -> None:
    text = "Troops moved. " * (settings.max_article_chars // 14 + 10)
    response = _post(client, text=text)
    assert response.status_code == 413
    assert f"{settings.max_article_chars:,}" in response.text
    assert _count(session, Article) == 0


def test_body_over_the_request_limit_is_refused_before_reading(
    client: TestClient, settings: Settings
) -> None:
    body = b"x" * (settings.max_request_bytes + 1)
    response = client.post(
        "/articles", content=body, headers={"content-type": "application/x-www-form-urlencoded"}
    )
    assert response.status_code == 413
    assert f"{settings.max_request_bytes:,} bytes" in response.text


def test_form_keeps_what_the_user_typed_after_an_error(client: TestClient) -> None:
    response = _post(client, title="", text="Keep <b>this</b> text")
    assert "Keep &lt;b&gt;this&lt;/b&gt; text" in response.text


def test_script_in_article_is_escaped(client: TestClient) -> None:
    hostile = REPORT + "\n<script>alert('x')</script>"
    location = _post(client, title="<img src=x onerror=alert(1)>", text=hostile).headers["location"]
    html = client.get(location).text
    assert "<script>alert('x')</script>" not in html
    assert "&lt;script&gt;" in html
    assert "<img src=x" not in html


def test_unknown_article_is_404(client: TestClient) -> None:
    response = client.get("/articles/999999")
    assert response.status_code == 404
    assert "There is no article #999999." in response.text


def test_article_list(client: TestClient) -> None:
    _post(client, title="Listed article")
    html = client.get("/articles").text
    assert "Listed article" in html


def _seed_path() -> Path | None:
    candidates = [os.environ.get("TROOPWATCH_EVAL_DIR", ""), "../shared/eval", "/work/shared/eval"]
    for base in candidates:
        if base and (Path(base) / "dev" / "seed.json").is_file():
            return Path(base) / "dev" / "seed.json"
    return None


@pytest.mark.skipif(_seed_path() is None, reason="the shared evaluation set is not on this machine")
def test_seed_article_yields_kaliningrad_to_kursk(client: TestClient, session: Session) -> None:
    """The founding article, read from the shared evaluation set (never copied into the repo)."""
    seed = json.loads(_seed_path().read_text(encoding="utf-8"))  # type: ignore[union-attr]
    response = _post(client, title="Seed article", text=seed["text"])
    assert response.status_code == 303
    movements = session.scalars(select(Movement)).all()
    assert any(
        "Kaliningrad" in (m.origin_text or "") and "Kursk" in (m.destination_text or "")
        for m in movements
    )
