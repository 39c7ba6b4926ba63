"""The JSON API under /api/v1 and its OpenAPI description."""

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from tests.factories import make_movement

pytestmark = pytest.mark.functional

REPORT = (
    "Russia has moved troops from Kaliningrad to the Kursk region, Poland's defence minister said."
)


def test_create_get_and_list_articles(client: TestClient) -> None:
    created = client.post(
        "/api/v1/articles",
        json={"title": "API article", "text": REPORT, "published_at": "2026-01-05"},
    )
    assert created.status_code == 201
    body = created.json()
    assert body["duplicate"] is False
    assert body["movements"] >= 1
    article_id = body["article"]["id"]
    fetched = client.get(f"/api/v1/articles/{article_id}").json()
    assert fetched["text"] == REPORT
    assert fetched["published_at"] == "2026-01-05"
    listing = client.get("/api/v1/articles").json()
    assert [a["id"] for a in listing["items"]] == [article_id]
    again = client.post("/api/v1/articles", json={"title": "Again", "text": REPORT})
    assert again.status_code == 200
    assert again.json()["duplicate"] is True
    movements = client.get(f"/api/v1/movements?article={article_id}").json()
    assert movements["total"] == body["movements"]
    assert movements["items"][0]["evidence"]


@pytest.mark.parametrize(
    ("payload", "status"),
    [
        ({"title": "x", "text": ""}, 422),
        ({"title": "", "text": REPORT}, 422),
        ({"title": "x", "text": REPORT, "published_at": "not a date"}, 422),
        ({"text": REPORT}, 422),
    ],
)
def test_create_refuses_bad_input(client: TestClient, payload: dict[str, str], status: int) -> None:
    response = client.post("/api/v1/articles", json=payload)
    assert response.status_code == status
    assert response.json()["detail"]


def test_movement_get_and_404(client: TestClient, session: Session) -> None:
    movement = make_movement(session, unit_text="1st Tank Army")
    session.commit()
    body = client.get(f"/api/v1/movements/{movement.id}").json()
    assert body["unit_text"] == "1st Tank Army"
    assert body["version"] == 1
    missing = client.get("/api/v1/movements/987654")
    assert missing.status_code == 404
    assert missing.json()["detail"] == "There is no movement #987654."


def test_movement_list_uses_the_table_filters(client: TestClient, session: Session) -> None:
    make_movement(session, destination_text="Kursk region", unit_text="a")
    make_movement(session, destination_text="Zaporizhzhia", unit_text="b")
    session.commit()
    body = client.get("/api/v1/movements?destination=kursk").json()
    assert body["total"] == 1
    assert body["description"] == "1 movement where destination is kursk"
    assert body["items"][0]["unit_text"] == "a"


def test_openapi_documents_the_api(client: TestClient) -> None:
    spec = client.get("/openapi.json").json()
    assert {
        "/api/v1/movements",
        "/api/v1/movements/{movement_id}",
        "/api/v1/articles",
        "/api/v1/articles/{article_id}",
    } <= set(spec["paths"])
    assert client.get("/docs").status_code == 200
