"""Unit and place pages."""

from __future__ import annotations

import json
import re

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from tests.visual_fixture import Known, load_known

pytestmark = pytest.mark.functional


@pytest.fixture
def known(session: Session) -> Known:
    return load_known(session)


def test_unit_page_lists_movements_in_order_with_every_source(
    client: TestClient, known: Known
) -> None:
    response = client.get(f"/units/{known.units['division']}")
    assert response.status_code == 200
    page = response.text
    assert "<h1>76th Air Assault Division</h1>" in page
    steps = [int(i) for i in re.findall(r'<li id="step-(\d+)"', page)]
    assert steps == [known.ids["m1"], known.ids["m2"]]
    sources = re.search(r'<ul class="counted" id="unit-sources">(.*?)</ul>', page, re.S)
    assert sources is not None
    assert "General Staff of Ukraine" in sources[1] and "ISW" in sources[1]
    assert "via Wire A" in page and "via Wire B" in page
    path = json.loads(re.search(r'id="map-data">(.*?)</script>', page, re.S)[1])  # type: ignore[index]
    assert [p["name"] for p in path["places"]] == ["Kherson", "Kursk Oblast", "Belgorod"]
    assert [p["step"] for p in path["places"]] == [1, 2, 3]
    assert [r["label"] for r in path["routes"]] == [
        "2026-03-01: Kherson → Kursk Oblast",
        "2026-03-20: Kursk Oblast → Belgorod",
    ]
    assert f'href="/movements?unit_id={known.units["division"]}&amp;sort=date"' in page


def test_unit_filter_in_the_table_is_named(client: TestClient, known: Known) -> None:
    page = client.get(f"/movements?unit_id={known.units['division']}").text
    assert (
        f"2 movements where unit is 76th Air Assault Division (#{known.units['division']})" in page
    )


def test_place_page_shows_flows_and_top_units_and_sources(client: TestClient, known: Known) -> None:
    kursk = known.places["kursk"]
    page = client.get(f"/places/{kursk}").text
    assert "<h1>Kursk Oblast</h1>" in page
    flows = {
        m: (int(i), int(o))
        for m, i, o in re.findall(
            r'data-month="([\d-]+)" data-inflow="(\d+)" data-outflow="(\d+)"', page
        )
    }
    assert flows == {"2025-12": (1, 0), "2026-01": (0, 0), "2026-02": (0, 0), "2026-03": (3, 1)}
    assert re.search(
        r'id="inflow-total" href="/movements\?destination_id=\d+"><strong>4</strong>', page
    )
    assert re.search(
        r'id="outflow-total" href="/movements\?origin_id=\d+"><strong>1</strong>', page
    )
    units = re.search(r'id="top-units">(.*?)</ul>', page, re.S)[1]  # type: ignore[index]
    assert f'<a href="/units/{known.units["division"]}">76th Air Assault Division</a>' in units
    assert "troops" in units
    sources = re.search(r'id="top-sources">(.*?)</ul>', page, re.S)[1]  # type: ignore[index]
    assert "General Staff of Ukraine" in sources and "ISW" in sources
    arrivals = re.search(r'id="arrivals-from">(.*?)</ul>', page, re.S)[1]  # type: ignore[index]
    assert "Kherson" in arrivals and "the north" in arrivals


def test_place_links_agree_with_the_table(client: TestClient, known: Known) -> None:
    kursk = known.places["kursk"]
    table = client.get(f"/movements?destination_id={kursk}").text
    assert len(re.findall(r'<tr id="movement-', table)) == 4
    assert f"where destination is Kursk Oblast (#{kursk})" in table


@pytest.mark.parametrize("path", ["/units/999999", "/places/999999"])
def test_unknown_entities_are_404(client: TestClient, path: str) -> None:
    response = client.get(path)
    assert response.status_code == 404
    assert "There is no" in response.text


def test_non_numeric_id_is_a_clear_4xx(client: TestClient) -> None:
    assert client.get("/units/abc").status_code == 422
