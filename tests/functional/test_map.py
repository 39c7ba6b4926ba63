"""The map: routes between located places, weighted by movements and independent sources."""

from __future__ import annotations

import html
import json
import re

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session, sessionmaker

from app.main import create_app
from app.settings import Settings
from app.users.security import SESSION_COOKIE
from tests.factories import make_user, start_test_session
from tests.visual_fixture import Known, load_known

pytestmark = pytest.mark.functional

ROUTE = re.compile(
    r'<tr data-origin-id="(\d+)" data-destination-id="(\d+)" data-movements="(\d+)" data-sources="(\d+)">'
)


@pytest.fixture
def known(session: Session) -> Known:
    return load_known(session)


def routes(page: str) -> dict[tuple[int, int], tuple[int, int]]:
    return {(int(o), int(d)): (int(n), int(s)) for o, d, n, s in ROUTE.findall(page)}


def map_data(page: str) -> dict[str, object]:
    raw = re.search(r'<script type="application/json" id="map-data">(.*?)</script>', page, re.S)
    assert raw is not None
    return dict(json.loads(raw[1]))


def test_routes_with_movement_and_source_counts(client: TestClient, known: Known) -> None:
    response = client.get("/map")
    assert response.status_code == 200
    p = known.places
    assert routes(response.text) == {
        (p["kherson"], p["kursk"]): (3, 2),
        (p["kursk"], p["belgorod"]): (1, 1),
        # m5 names no source: the outlet that carried it stands in.
        (p["belgorod"], p["pokrovsk"]): (1, 1),
    }
    assert "2 of 7 movements not drawn" in response.text


def test_map_data_for_the_script(client: TestClient, known: Known) -> None:
    data = map_data(client.get("/map").text)
    assert data["tileUrl"] is None
    places = {p["name"]: p for p in data["places"]}  # type: ignore[attr-defined]
    assert places["Kursk Oblast"]["inflow"] == 4 and places["Kursk Oblast"]["outflow"] == 1
    assert places["Kherson"]["outflow"] == 3
    assert "Southern direction" not in places  # no coordinates
    assert "Minsk" not in places  # only in a deleted movement
    first = data["routes"][0]  # type: ignore[index]
    assert first["label"] == "Kherson → Kursk Oblast"
    assert first["from"] == [46.6, 32.6] and first["to"] == [51.7, 36.2]
    assert (first["movements"], first["sources"]) == (3, 2)


def test_clicking_a_route_lists_exactly_its_records(client: TestClient, known: Known) -> None:
    data = map_data(client.get("/map?status=reported").text)
    first = data["routes"][0]  # type: ignore[index]
    assert first["movements"] == 2
    fragment = client.get(first["records"], headers={"HX-Request": "true"}).text
    found = known.names({int(i) for i in re.findall(r'id="route-movement-(\d+)"', fragment)})
    assert found == {"m1", "m4"}
    assert "2 movements where status is reported and origin is Kherson" in html.unescape(fragment)
    assert "destination is Kursk Oblast" in fragment


def test_filters_narrow_the_routes(client: TestClient, known: Known) -> None:
    p = known.places
    assert routes(client.get("/map?unit_is=troops").text) == {(p["kherson"], p["kursk"]): (2, 2)}
    assert routes(client.get("/map?source_is=ISW").text) == {
        (p["kherson"], p["kursk"]): (1, 1),
        (p["kursk"], p["belgorod"]): (1, 1),
    }


def test_map_is_offline_by_default_and_takes_a_tile_url(
    client: TestClient, known: Known, settings: Settings, session_factory: sessionmaker[Session]
) -> None:
    page = client.get("/map").text
    assert 'data-outlines="/static/vendor/countries-50m.json"' in page
    assert "http" not in re.sub(
        r'https?://example\.org[^"]*', "", page.split("<main", 1)[1]
    ).replace("http-equiv", "")
    online = create_app(
        settings.model_copy(update={"map_tile_url": "https://tiles.example/{z}/{x}/{y}.png"}),
        session_factory=session_factory,
    )
    with session_factory() as session:
        token, _ = start_test_session(session, make_user(session, role="viewer"))
        session.commit()
    with TestClient(online, cookies={SESSION_COOKIE: token}) as other:
        assert (
            map_data(other.get("/map").text)["tileUrl"] == "https://tiles.example/{z}/{x}/{y}.png"
        )


def test_names_cannot_break_out_of_the_script(client: TestClient, session: Session) -> None:
    from tests.factories import make_movement, make_place

    a = make_place(session, "</script><b>x", lat=50.0, lon=30.0)
    b = make_place(session, "B", lat=51.0, lon=31.0)
    make_movement(session, origin_place_id=a.id, destination_place_id=b.id)
    session.commit()
    page = client.get("/map").text
    assert "</script><b>" not in page
    assert map_data(page)["routes"][0]["label"] == "</script><b>x → B"  # type: ignore[index]


def test_bundled_outlines_are_served(client: TestClient) -> None:
    response = client.get("/static/vendor/countries-50m.json")
    assert response.status_code == 200
    assert response.json()["type"] == "Topology"


def test_only_the_largest_routes_are_drawn_and_the_rest_counted(
    session: Session, known: Known
) -> None:
    from app.movements.aggregates import map_data
    from app.movements.filters import MovementFilters

    data = map_data(session, MovementFilters(), max_routes=1)
    assert [(r.origin, r.destination, r.movements) for r in data.routes] == [
        ("Kherson", "Kursk Oblast", 3)
    ]
    assert (data.hidden_routes, data.hidden_movements) == (2, 2)
    assert sum(r.movements for r in data.routes) + data.hidden_movements + data.unmapped == 7
