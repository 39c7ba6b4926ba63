"""Facets beside the table: counts honour the filter, and every value links to exactly its rows."""

from __future__ import annotations

import html
import re

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from tests.visual_fixture import Known, load_known

pytestmark = pytest.mark.functional

FACET = re.compile(
    r'<section class="facet" data-facet="(?P<name>\w+)">(?P<body>.*?)</section>', re.S
)
VALUE = re.compile(
    r'<a href="/movements\?(?P<query>[^"]*)"[^>]*><span class="facet-value">(?P<value>.*?)</span>'
    r'<span class="facet-count">(?P<count>[\d,]+)</span>'
)
ROW = re.compile(r'<tr id="movement-(\d+)"')


@pytest.fixture
def known(session: Session) -> Known:
    return load_known(session)


def facets(page: str) -> dict[str, list[tuple[str, int, str]]]:
    found: dict[str, list[tuple[str, int, str]]] = {}
    aside = page[page.index('<aside id="facets"') :]
    for match in FACET.finditer(aside):
        found[match["name"]] = [
            (html.unescape(v["value"]), int(v["count"].replace(",", "")), html.unescape(v["query"]))
            for v in VALUE.finditer(match["body"])
        ]
    return found


def rows(page: str) -> set[int]:
    return {int(i) for i in ROW.findall(page)}


def test_facet_values_and_counts_for_the_whole_table(client: TestClient, known: Known) -> None:
    found = facets(client.get("/movements").text)
    assert [(v, n) for v, n, _ in found["destination"]] == [
        ("Kursk Oblast", 4),
        ("Belgorod", 1),
        ("Pokrovsk", 1),
        ("Southern direction", 1),
    ]
    assert [(v, n) for v, n, _ in found["unit"]][:2] == [
        ("76th Air Assault Division", 2),
        ("troops", 2),
    ]
    assert dict((v, n) for v, n, _ in found["status"]) == {"reported": 5, "planned": 1, "denied": 1}
    assert dict((v, n) for v, n, _ in found["review"]) == {
        "pending": 5,
        "confirmed": 1,
        "rejected": 1,
    }
    assert dict((v, n) for v, n, _ in found["side"]) == {"Russia": 6, "Ukraine": 1}
    assert dict((v, n) for v, n, _ in found["outlet"]) == {"Wire B": 4, "Wire A": 3}
    assert dict((v, n) for v, n, _ in found["source"]) == {
        "ISW": 3,
        "General Staff of Ukraine": 2,
        "a regional governor": 1,
    }


def test_counts_honour_the_current_filter(client: TestClient, known: Known) -> None:
    found = facets(client.get("/movements?status=reported&origin=Kherson").text)
    assert [(v, n) for v, n, _ in found["destination"]] == [("Kursk Oblast", 2)]
    assert dict((v, n) for v, n, _ in found["source"]) == {"General Staff of Ukraine": 2}


def test_every_facet_value_links_to_exactly_the_rows_it_counted(
    client: TestClient, known: Known
) -> None:
    for start in ("/movements", "/movements?status=reported"):
        found = facets(client.get(start).text)
        assert found
        for name, values in found.items():
            for value, count, query in values:
                page = client.get(f"/movements?{query}").text
                assert len(rows(page)) == count, (name, value, query)
                # The new filter keeps the old one.
                if "status=reported" in start:
                    assert "status=reported" in query


def test_exact_value_differs_from_substring(client: TestClient, known: Known) -> None:
    # The exact filter matches the whole shown value (ignoring case), not a part of it.
    exact = rows(client.get("/movements?destination_is=kursk+oblast").text)
    assert known.names(exact) == {"m1", "m3", "m4", "m6"}
    assert known.names(rows(client.get("/movements?destination=Kursk").text)) == exact_names(
        known, exact
    )
    assert rows(client.get("/movements?destination_is=Kursk").text) == set()
    sentence = client.get("/movements?destination_is=Kursk+Oblast").text
    assert "4 movements where destination is exactly “Kursk Oblast”" in sentence


def exact_names(known: Known, ids: set[int]) -> set[str]:
    return known.names(ids)


def test_clicked_value_is_marked_and_kept_for_the_form(client: TestClient, known: Known) -> None:
    page = client.get("/movements?unit_is=troops").text
    assert 'class="selected"' in page
    assert '<input type="hidden" form="filters" name="unit_is" value="troops">' in page
    assert "Remove filter unit_is" in page


def test_date_histogram_is_ordered_by_date_and_links_to_its_range(
    client: TestClient, known: Known
) -> None:
    page = client.get("/movements").text
    starts = re.findall(r'data-start="(\d{4}-\d{2}-\d{2})" data-count="(\d+)"', page)
    assert starts == sorted(starts)
    # Dec 2025 .. Mar 2026 is 100 days: weekly buckets.
    assert "by week" in page
    assert sum(int(n) for _, n in starts) == 6
    assert "1 without a date" in page
    # Every week from the first to the last is a bar, empty weeks included (a time axis).
    assert len(starts) == 15
    assert all(int(n) == 0 for day, n in starts if "2025-12-15" <= day <= "2026-01-19")
    for query in re.findall(r'<a role="listitem" href="/movements\?([^"]+)"', page):
        query = html.unescape(query)
        count = int(
            re.search(
                rf'href="/movements\?{re.escape(html.escape(query))}"[^>]*data-count="(\d+)"', page
            )[1]
        )  # type: ignore[index]
        assert len(rows(client.get(f"/movements?{query}").text)) == count


def test_facets_come_with_the_htmx_fragment(client: TestClient, known: Known) -> None:
    response = client.get("/movements?status=planned", headers={"HX-Request": "true"})
    assert '<aside id="facets"' in response.text
    assert "<html" not in response.text
    assert [(v, n) for v, n, _ in facets(response.text)["destination"]] == [("Kursk Oblast", 1)]


def test_table_links_to_unit_and_place_pages(client: TestClient, known: Known) -> None:
    page = client.get("/movements").text
    assert f'href="/units/{known.units["division"]}"' in page
    assert f'href="/places/{known.places["kursk"]}"' in page


def test_links_that_swap_main_get_the_whole_page(client: TestClient, known: Known) -> None:
    # Facet values and filter chips swap #main (form included), so they need the full page.
    headers = {"HX-Request": "true", "HX-Target": "main"}
    response = client.get("/movements?destination_is=Belgorod", headers=headers)
    assert '<main id="main">' in response.text
    assert '<form id="filters"' in response.text
    assert len(rows(response.text)) == 1


@pytest.mark.parametrize("query", [{}, {"status": "reported"}, {"destination": "Kursk"}])
def test_one_scan_counts_equal_one_query_per_dimension(
    session: Session, known: Known, query: dict[str, str]
) -> None:
    from app.movements.aggregates import DIMENSIONS, value_counts, value_counts_many
    from app.movements.filters import MovementFilters

    filters = MovementFilters.from_query(query)
    for limit in (1, 2, 8):
        many = value_counts_many(session, filters, list(DIMENSIONS), limit=limit)
        for name in DIMENSIONS:
            assert many[name] == value_counts(session, filters, name, limit=limit), (name, limit)
