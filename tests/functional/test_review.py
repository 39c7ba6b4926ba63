"""The review queue: order, counter, evidence in context, decisions and bulk confirm."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.audit.models import Revision
from app.movements.models import Movement
from tests.conftest import LoginAs
from tests.factories import make_article, make_movement

pytestmark = pytest.mark.functional

TEXT = (
    "Opening paragraph about the weather.\n"
    "Officials said the brigade moved from Alpha to Beta overnight, and more may follow.\n"
    "A closing paragraph."
)
EVIDENCE = "the brigade moved from Alpha to Beta overnight"


def _queue_ids(html: str) -> list[int]:
    return [
        int(i) for i in re.findall(r'<article class="movement-card[^"]*" id="card-(\d+)"', html)
    ]


def _left(html: str) -> int:
    return int(re.search(r'id="review-left"[^>]*>(\d+)<', html).group(1))  # type: ignore[union-attr]


@pytest.fixture
def pending(session: Session) -> list[Movement]:
    article = make_article(session, text=TEXT, title="Queue article")
    start = TEXT.index(EVIDENCE)
    now = datetime.now(UTC)
    movements = [
        make_movement(
            session,
            article,
            confidence=confidence,
            evidence=EVIDENCE,
            evidence_start=start,
            evidence_end=start + len(EVIDENCE),
            created_at=now - timedelta(minutes=age),
        )
        for confidence, age in [(0.9, 30), (0.2, 10), (0.5, 20)]
    ]
    make_movement(session, article, review_status="confirmed")
    return movements


def test_queue_lists_pending_records_least_confident_or_oldest_first(
    analyst_client: TestClient, pending: list[Movement]
) -> None:
    by_confidence = analyst_client.get("/review")
    assert by_confidence.status_code == 200
    assert _queue_ids(by_confidence.text) == [pending[1].id, pending[2].id, pending[0].id]
    assert _left(by_confidence.text) == 3
    oldest = analyst_client.get("/review?order=oldest")
    assert _queue_ids(oldest.text) == [pending[0].id, pending[2].id, pending[1].id]
    assert analyst_client.get("/review?order=random").status_code == 422


def test_queue_shows_evidence_in_its_paragraph_the_article_and_the_shortcuts(
    analyst_client: TestClient, pending: list[Movement]
) -> None:
    html = analyst_client.get("/review").text
    assert (
        'Officials said <mark class="evidence">the brigade moved from Alpha to Beta overnight'
        "</mark>, and more may follow." in html
    )
    assert "Opening paragraph" not in html  # only the surrounding paragraph
    assert f'href="/articles/{pending[0].article_id}#movement-{pending[1].id}"' in html
    for key, meaning in [
        ("j", "next"),
        ("k", "previous"),
        ("c", "confirm"),
        ("r", "reject"),
        ("e", "edit"),
    ]:
        assert f"<dt><kbd>{key}</kbd></dt><dd>{meaning}" in html


def test_confirm_and_reject_replace_the_card_and_update_the_counter(
    analyst_client: TestClient, session: Session, pending: list[Movement]
) -> None:
    target = pending[1]
    response = analyst_client.post(
        f"/movements/{target.id}/confirm",
        data={"version": target.version, "surface": "review"},
        headers={"HX-Request": "true"},
    )
    assert response.status_code == 200
    assert response.text.lstrip().startswith('<article class="movement-card review-confirmed"')
    assert '<span id="review-left" hx-swap-oob="true">2</span>' in response.text
    rejected = analyst_client.post(
        f"/movements/{pending[2].id}/reject",
        data={"version": pending[2].version, "surface": "review"},
        headers={"HX-Request": "true"},
    )
    assert '<span id="review-left" hx-swap-oob="true">1</span>' in rejected.text
    session.expire_all()
    assert session.get(Movement, target.id).review_status == "confirmed"  # type: ignore[union-attr]
    assert session.get(Movement, pending[2].id).review_status == "rejected"  # type: ignore[union-attr]
    actions = session.scalars(
        select(Revision.action).where(Revision.movement_id.in_([target.id, pending[2].id]))
    ).all()
    assert sorted(actions) == ["confirm", "reject"]
    assert _queue_ids(analyst_client.get("/review").text) == [pending[0].id]


def test_a_stale_decision_is_refused_with_the_current_record(
    analyst_client: TestClient, client: TestClient, pending: list[Movement]
) -> None:
    target = pending[0]
    client.post(f"/movements/{target.id}/reject", data={"version": target.version})
    stale = analyst_client.post(
        f"/movements/{target.id}/confirm", data={"version": target.version, "surface": "review"}
    )
    assert stale.status_code == 409
    assert "review-rejected" in stale.text
    assert "review_status" in stale.text and "rejected" in stale.text


def test_bulk_confirm_confirms_the_selection_and_skips_stale_rows(
    analyst_client: TestClient, client: TestClient, session: Session, pending: list[Movement]
) -> None:
    a, b, c = pending
    client.post(f"/movements/{c.id}/reject", data={"version": c.version})
    response = analyst_client.post(
        "/review/confirm",
        data={"selected": [f"{a.id}:{a.version}", f"{b.id}:{b.version}", f"{c.id}:{c.version}"]},
        headers={"HX-Request": "true"},
    )
    assert response.status_code == 200
    assert response.text.lstrip().startswith('<section id="queue"')
    assert "Confirmed 2 records. 1 changed meanwhile" in response.text
    assert _left(response.text) == 0
    session.expire_all()
    assert [session.get(Movement, m.id).review_status for m in pending] == [  # type: ignore[union-attr]
        "confirmed",
        "confirmed",
        "rejected",
    ]
    assert analyst_client.post("/review/confirm", data={}).status_code == 422
    bad = analyst_client.post("/review/confirm", data={"selected": ["1;drop"]})
    assert bad.status_code == 422 and "id:version" in bad.text


def test_viewers_cannot_review(login_as: LoginAs, pending: list[Movement]) -> None:
    viewer = login_as("viewer")
    assert viewer.get("/review").status_code == 403
    assert (
        viewer.post(f"/movements/{pending[0].id}/confirm", data={"version": 1}).status_code == 403
    )
    page = viewer.get(f"/movements/{pending[0].id}")
    assert page.status_code == 200
    assert 'data-action="confirm"' not in page.text
