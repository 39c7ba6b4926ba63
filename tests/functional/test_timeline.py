"""The timeline: the right records in the right lanes, the table's filters, the lane control."""

from __future__ import annotations

import html
import re

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from tests.visual_fixture import Known, load_known

pytestmark = pytest.mark.functional

LANE = re.compile(
    r'<g class="lane" data-lane="(?P<label>[^"]*)" data-count="(?P<count>\d+)"[^>]*>(?P<body>.*?)</g>\s*</g>',
    re.S,
)
ITEM = re.compile(r'data-id="(\d+)"')


@pytest.fixture
def known(session: Session) -> Known:
    return load_known(session)


def lanes(page: str, known: Known) -> dict[str, set[str]]:
    return {
        html.unescape(m["label"]): known.names({int(i) for i in ITEM.findall(m["body"])})
        for m in LANE.finditer(page)
    }


def test_lanes_by_unit(client: TestClient, known: Known) -> None:
    response = client.get("/timeline")
    assert response.status_code == 200
    assert lanes(response.text, known) == {
        "76th Air Assault Division": {"m1", "m2"},
        "troops": {"m3", "m4"},
        "3rd Assault Brigade": {"m5"},
        "reserves": {"m6"},
    }
    # m7 has no date: counted, not drawn.
    assert "1 movement without a date is not on the timeline" in response.text
    assert "7 movements" in response.text


@pytest.mark.parametrize(
    ("group", "expected"),
    [
        (
            "destination",
            {"Kursk Oblast": {"m1", "m3", "m4", "m6"}, "Belgorod": {"m2"}, "Pokrovsk": {"m5"}},
        ),
        (
            "origin",
            {
                "Kherson": {"m1", "m3", "m4"},
                "Kursk Oblast": {"m2"},
                "Belgorod": {"m5"},
                "the north": {"m6"},
            },
        ),
        (
            "source",
            {
                "General Staff of Ukraine": {"m1", "m4"},
                "ISW": {"m2", "m3"},
                "a regional governor": {"m6"},
                "": {"m5"},
            },
        ),
        ("side", {"Russia": {"m1", "m2", "m3", "m4", "m6"}, "Ukraine": {"m5"}}),
        ("status", {"reported": {"m1", "m2", "m4", "m6"}, "planned": {"m3"}, "denied": {"m5"}}),
    ],
)
def test_lanes_by_other_groupings(
    client: TestClient, known: Known, group: str, expected: dict[str, set[str]]
) -> None:
    assert lanes(client.get(f"/timeline?group={group}").text, known) == expected


def test_the_table_filters_apply_and_stay_in_the_links(client: TestClient, known: Known) -> None:
    page = client.get("/timeline?group=destination&status=reported&date_from=2026-01-01").text
    assert lanes(page, known) == {"Kursk Oblast": {"m1", "m4"}, "Belgorod": {"m2"}}
    assert "3 movements where status is reported and date is on or after 2026-01-01" in page
    # A lane label opens the table for that lane, the filter kept.
    assert (
        'href="/movements?status=reported&amp;date_from=2026-01-01&amp;destination_is=Kursk+Oblast"'
        in page
    )
    # Items open their record; the lane control is kept in the form.
    assert 'href="/articles/' in page and f'#movement-{known.ids["m1"]}"' in page
    assert '<option value="destination" selected>' in page


def test_items_are_placed_in_date_order(client: TestClient, known: Known) -> None:
    page = client.get("/timeline?group=side").text
    days = {int(i): int(d) for i, d in re.findall(r'data-id="(\d+)" data-day="(-?\d+)"', page)}
    assert (
        days[known.ids["m6"]]
        < days[known.ids["m5"]]
        < days[known.ids["m1"]]
        < days[known.ids["m2"]]
    )
    xs = {
        int(i): float(x) for i, x in re.findall(r'data-id="(\d+)"[^>]*>\s*<rect x="([\d.]+)"', page)
    }
    assert xs[known.ids["m6"]] < xs[known.ids["m5"]] < xs[known.ids["m1"]] < xs[known.ids["m2"]]


def test_month_precision_is_drawn_as_a_span(client: TestClient, session: Session) -> None:
    known = load_known(session)
    from app.movements.models import Movement

    session.get(Movement, known.ids["m5"]).date_precision = "month"  # type: ignore[union-attr]
    session.commit()
    page = client.get("/timeline").text
    assert f'data-id="{known.ids["m5"]}" data-day="' in page
    assert re.search(rf'data-id="{known.ids["m5"]}" data-day="\d+" data-days="30"', page)


def test_unknown_grouping_is_refused(client: TestClient) -> None:
    response = client.get("/timeline?group=colour")
    assert response.status_code == 400
    assert "group must be one of unit, destination, origin, source, side, status" in response.text


def test_empty_timeline(client: TestClient, known: Known) -> None:
    page = client.get("/timeline?unit_is=nobody").text
    assert "No dated movement matches these filters." in page


def lane_counts(page: str) -> dict[str, int]:
    return {html.unescape(m["label"]): int(m["count"]) for m in LANE.finditer(page)}


def test_smaller_lanes_are_merged_into_one(
    client: TestClient, known: Known, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("app.timeline.views.MAX_LANES", 2)
    page = client.get("/timeline").text
    # The two largest lanes as they are; the two smaller ones in one lane that counts them all
    # and draws all their items.
    assert lanes(page, known) == {
        "76th Air Assault Division": {"m1", "m2"},
        "troops": {"m3", "m4"},
        "2 other units": {"m5", "m6"},
    }
    assert lane_counts(page) == {"76th Air Assault Division": 2, "troops": 2, "2 other units": 2}
    # The merged lane is last, and draws its items in date order as every lane does.
    other = list(LANE.finditer(page))[-1]
    assert other["label"] == "2 other units"
    assert [int(i) for i in ITEM.findall(other["body"])] == [known.ids["m6"], known.ids["m5"]]
    assert 'class="lane-label other"' in page
    assert re.search(
        r'id="timeline-merged">Only the 2 largest lanes are drawn one by one: '
        r"the 2 other units are merged into the last lane\.",
        page,
    )


def test_the_merged_lane_is_named_by_grouping_and_takes_unstated_values(
    client: TestClient, known: Known, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("app.timeline.views.MAX_LANES", 1)
    assert lane_counts(client.get("/timeline?group=destination").text) == {
        "Kursk Oblast": 4,
        "2 other destinations": 2,
    }
    # The lane of movements with no source ranks by its count like any other, so is merged.
    monkeypatch.setattr("app.timeline.views.MAX_LANES", 2)
    page = client.get("/timeline?group=source").text
    assert lanes(page, known) == {
        "General Staff of Ukraine": {"m1", "m4"},
        "ISW": {"m2", "m3"},
        "2 other sources": {"m5", "m6"},
    }
    assert "(not stated)" not in page


def test_lanes_within_the_cap_are_all_drawn(
    client: TestClient, known: Known, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Four lanes and a cap of three: a merged lane would take the fourth lane's room, so it is
    # drawn as it is.
    monkeypatch.setattr("app.timeline.views.MAX_LANES", 3)
    page = client.get("/timeline").text
    assert len(lanes(page, known)) == 4
    assert "other units" not in page and 'id="timeline-merged"' not in page
