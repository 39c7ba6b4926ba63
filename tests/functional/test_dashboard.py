"""The overview at /: what changed in the last day and week, each figure a table link."""

from __future__ import annotations

import html
import re

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from tests.visual_fixture import Known, load_known

pytestmark = pytest.mark.functional


@pytest.fixture
def known(session: Session) -> Known:
    return load_known(session)


def stat(page: str, window: str, name: str) -> tuple[int, str]:
    section = re.search(
        rf'<section class="panel window" id="window-{window}">(.*?)</section>', page, re.S
    )
    assert section is not None
    match = re.search(rf'data-stat="{name}" href="([^"]+)"><strong>(\d+)</strong>', section[1])
    assert match is not None
    return int(match[2]), html.unescape(match[1])


def rows(client: TestClient, url: str) -> int:
    return len(re.findall(r'<tr id="movement-', client.get(url).text))


def test_home_is_the_overview(client: TestClient, known: Known) -> None:
    response = client.get("/")
    assert response.status_code == 200
    assert "What changed" in response.text


def test_new_and_pending_per_window_link_to_the_same_rows(client: TestClient, known: Known) -> None:
    page = client.get("/").text
    # Last 24 h: m1, m2, m3 (m8 is deleted); of those m3 is pending.
    assert stat(page, "24h", "added")[0] == 3
    assert stat(page, "24h", "pending")[0] == 1
    # Last 7 days add m4 and m5, both pending.
    assert stat(page, "7d", "added")[0] == 5
    assert stat(page, "7d", "pending")[0] == 3
    for window in ("24h", "7d"):
        for name in ("added", "pending"):
            count, url = stat(page, window, name)
            assert "added_after=" in url
            assert rows(client, url) == count
    assert re.search(r'id="all-pending">5 awaiting review', page)


def test_top_destinations_link_into_the_table(client: TestClient, known: Known) -> None:
    page = client.get("/").text
    week = re.search(r'id="window-7d">(.*?)</section>', page, re.S)[1]  # type: ignore[index]
    top = re.search(r'data-list="destinations">(.*?)</ul>', week, re.S)[1]  # type: ignore[index]
    links = re.findall(r'<a href="([^"]+)">([^<]+)</a><span class="facet-count">(\d+)</span>', top)
    assert [(name, int(n)) for _, name, n in links] == [
        ("Kursk Oblast", 3),
        ("Belgorod", 1),
        ("Pokrovsk", 1),
    ]
    for url, _, n in links:
        assert rows(client, html.unescape(url)) == int(n)


def test_daily_chart_counts_additions(client: TestClient, known: Known) -> None:
    page = client.get("/").text
    counts = [int(n) for n in re.findall(r'<g data-day="[\d-]+" data-count="(\d+)">', page)]
    assert len(counts) == 14
    assert sum(counts) == 5  # m6 and m7 were added 30 days ago


def test_added_after_filter_is_checked(client: TestClient) -> None:
    response = client.get("/movements?added_after=yesterday")
    assert response.status_code == 400
    assert "added_after must be a timestamp" in response.text
