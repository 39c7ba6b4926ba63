"""A record id in a path that no PostgreSQL integer can hold is refused, on every route."""

from __future__ import annotations

import re

import pytest
from fastapi.testclient import TestClient

from tests.functional.test_permissions import ROUTES as EVERY_ROUTE

pytestmark = pytest.mark.functional

ID_PARAM = re.compile(r"\{(\w+_id)(?::int)?\}")
ROUTES = [(method, path) for method, path in EVERY_ROUTE if ID_PARAM.search(path)]


def test_the_routes_with_ids_are_found() -> None:
    assert ("GET", "/movements/{movement_id:int}") in ROUTES
    assert ("POST", "/imports/feeds/{feed_id:int}/pause") in ROUTES
    assert ("GET", "/api/v1/articles/{article_id}") in ROUTES


@pytest.mark.parametrize(("method", "path"), ROUTES)
@pytest.mark.parametrize("record_id", ["2147483648", "9" * 40])
def test_an_id_past_the_integer_range_is_a_clear_4xx(
    client: TestClient, method: str, path: str, record_id: str
) -> None:
    url = ID_PARAM.sub(record_id, path)
    response = client.request(method, url, headers={"Accept": "application/json"})
    assert response.status_code == 422, (url, response.status_code, response.text[:200])
    assert "2147483647" in response.text
