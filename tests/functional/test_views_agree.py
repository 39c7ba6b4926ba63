"""One filter, five renderings: the table, facets, timeline, map and exports show the same rows."""

from __future__ import annotations

import csv
import io
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


def _ids(pattern: str, text: str) -> set[int]:
    return {int(i) for i in re.findall(pattern, text)}


@pytest.mark.parametrize(
    "query",
    [
        "",
        "destination=Kursk",
        "destination_is=Kursk+Oblast&status=reported",
        "source_is=ISW",
        "date_from=2026-03-01&date_to=2026-03-31",
        "review=pending&side=Russia",
        "q=division",
    ],
)
def test_facets_timeline_map_and_exports_agree_with_the_table(
    client: TestClient, known: Known, query: str
) -> None:
    table = client.get(f"/movements?{query}&limit=500").text
    table_ids = _ids(r'<tr id="movement-(\d+)"', table)
    total = len(table_ids)
    assert re.search(rf'id="description">{total} movements?\b', table)

    # Facets: status and review split every row once; each date bar and "without a date" too.
    aside = table[table.index('<aside id="facets"') :]
    for facet in ("status", "review"):
        body = re.search(rf'data-facet="{facet}">(.*?)</section>', aside, re.S)
        counts = (
            [int(n) for n in re.findall(r'class="facet-count">(\d+)<', body[1])] if body else []
        )
        assert sum(counts) == total, facet
    dated = sum(int(n) for n in re.findall(r'data-start="[\d-]+" data-count="(\d+)"', aside))
    undated = re.search(r"(\d+) without a date", aside)
    assert dated + (int(undated[1]) if undated else 0) == total

    # Timeline: every dated row in a lane, the undated ones counted apart.
    timeline = client.get(f"/timeline?{query}").text
    drawn = _ids(r'class="tl-item[^"]*" href="[^"]*" data-id="(\d+)"', timeline)
    lane_total = sum(
        int(n)
        for n in re.findall(r'<g class="lane" data-lane="[^"]*" data-count="(\d+)"', timeline)
    )
    note = re.search(r'id="undated">(\d+) movement', timeline)
    assert drawn <= table_ids
    assert lane_total == len(drawn) == total - (int(note[1]) if note else 0)

    # Map: arrows plus the rows that cannot be drawn make up the table.
    map_page = client.get(f"/map?{query}").text
    drawn_routes = json.loads(
        re.search(r'id="map-data">(.*?)</script>', map_page, re.S)[1]  # type: ignore[index]
    )["routes"]
    on_routes = sum(r["movements"] for r in drawn_routes)
    assert on_routes == sum(int(n) for n in re.findall(r'data-movements="(\d+)"', map_page))
    unmapped = re.search(r'id="unmapped">(\d+) of (\d+)', map_page)
    assert on_routes + (int(unmapped[1]) if unmapped else 0) == total
    if unmapped:
        assert int(unmapped[2]) == total

    # Exports: the same ids, and the announced count.
    for fmt in ("csv", "json", "ndjson", "geojson"):
        response = client.get(f"/movements.{fmt}?{query}")
        assert int(response.headers["x-total-count"]) == total, fmt
        if fmt == "csv":
            ids = {int(r["id"]) for r in csv.DictReader(io.StringIO(response.text))}
        elif fmt == "json":
            ids = {r["id"] for r in response.json()}
        elif fmt == "ndjson":
            ids = {json.loads(line)["id"] for line in response.text.splitlines()}
        else:
            ids = {f["id"] for f in response.json()["features"]}
        assert ids == table_ids, fmt
