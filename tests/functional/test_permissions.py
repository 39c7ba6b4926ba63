"""Every route x every role, enumerated from the app itself so that new routes are covered.

The default expectation follows the HTTP method (reading needs a viewer, changing needs an
analyst); ``MIN_ROLE`` lists the exceptions. Anonymous callers are sent to the sign-in page
(pages) or get 401 (API) everywhere outside ``PUBLIC``.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from app.imports.service import save_feed
from app.main import create_app
from app.settings import Settings
from app.users.models import ROLE_RANK, ApiToken, Role
from app.users.security import ANON_CSRF_COOKIE, CSRF_HEADER
from tests.conftest import LoginAs
from tests.factories import make_article, make_movement, make_user

pytestmark = pytest.mark.functional

PUBLIC = {
    ("GET", "/login"),
    ("POST", "/login"),
    ("GET", "/setup"),
    ("POST", "/setup"),
    ("GET", "/healthz"),
    ("GET", "/readyz"),
}
MIN_ROLE: dict[tuple[str, str], Role] = {
    # Reading pages that exist only to change data.
    ("GET", "/review"): Role.ANALYST,
    ("GET", "/movements/{movement_id:int}/edit"): Role.ANALYST,
    ("GET", "/articles/{article_id:int}/movements/new"): Role.ANALYST,
    # Administration.
    ("GET", "/users"): Role.ADMIN,
    ("POST", "/users"): Role.ADMIN,
    ("POST", "/users/{user_id:int}/role"): Role.ADMIN,
    ("POST", "/users/{user_id:int}/disable"): Role.ADMIN,
    ("POST", "/users/{user_id:int}/enable"): Role.ADMIN,
    ("GET", "/movements/deleted"): Role.ADMIN,
    ("POST", "/movements/{movement_id:int}/undelete"): Role.ADMIN,
    ("POST", "/imports/reextract"): Role.ADMIN,
    # One's own session and tokens.
    ("POST", "/logout"): Role.VIEWER,
    ("POST", "/account/tokens"): Role.VIEWER,
    ("POST", "/account/sessions/end-others"): Role.VIEWER,
    ("POST", "/account/tokens/{token_id:int}/revoke"): Role.VIEWER,
}
UNSAFE = {"POST", "PUT", "PATCH", "DELETE"}


def _all_routes(app: FastAPI) -> Iterator[tuple[str, str]]:
    try:  # FastAPI keeps included routers lazily; this walks them
        from fastapi.routing import iter_route_contexts

        routes: list[object] = list(iter_route_contexts(app.routes))
    except ImportError:  # older FastAPI flattens included routers into app.routes
        routes = list(app.routes)
    for route in routes:
        path = getattr(route, "path", None)
        for method in getattr(route, "methods", None) or ():
            if method != "HEAD" and path:
                yield method, path


ROUTES = sorted(set(_all_routes(create_app(Settings(environment="test")))))


def expected_role(method: str, path: str) -> Role | None:
    if (method, path) in PUBLIC:
        return None
    return MIN_ROLE.get((method, path), Role.ANALYST if method in UNSAFE else Role.VIEWER)


def test_the_table_sees_every_kind_of_route() -> None:
    assert ("GET", "/movements") in ROUTES
    assert ("POST", "/api/v1/articles") in ROUTES
    assert ("POST", "/movements/{movement_id:int}/confirm") in ROUTES
    assert ("GET", "/docs") in ROUTES
    # Changing a saved feed needs an analyst, as saving one (POST /imports/urls) does.
    assert ("POST", "/imports/feeds/{feed_id:int}/pause") in ROUTES
    assert expected_role("POST", "/imports/feeds/{feed_id:int}/remove") == Role.ANALYST
    for key in MIN_ROLE:
        assert key in ROUTES, f"stale override {key}"


def _fill(path: str, ids: dict[str, int]) -> str:
    def value(match: re.Match[str]) -> str:
        name = match.group(1).split(":")[0]
        return str(ids.get(name, 1))

    return re.sub(r"\{([^}]+)\}", value, path)


@pytest.mark.parametrize("role", ["anonymous", "viewer", "analyst", "admin"])
@pytest.mark.parametrize(("method", "path"), ROUTES)
def test_route_by_role(
    method: str,
    path: str,
    role: str,
    session: Session,
    login_as: LoginAs,
    anonymous_client: TestClient,
) -> None:
    article = make_article(session)
    movement = make_movement(session, article)
    target_user = make_user(session, role="viewer")
    token = ApiToken(user_id=target_user.id, name="t", token_hash="0" * 64, prefix="tw_x")
    session.add(token)
    feed = save_feed(session, "https://example.org/permissions-feed.xml")
    session.flush()
    ids = {
        "feed_id": feed.id,
        "movement_id": movement.id,
        "article_id": article.id,
        "user_id": target_user.id,
        "token_id": token.id,
        "kind": 0,
    }
    url = _fill(path, ids).replace("/autocomplete/0", "/autocomplete/place")
    if role == "anonymous":
        client = anonymous_client
        client.get("/healthz")  # receives the pre-sign-in CSRF cookie
        client.headers[CSRF_HEADER] = client.cookies.get(ANON_CSRF_COOKIE) or ""
    else:
        client = login_as(role)
    response = client.request(method, url, follow_redirects=False)
    needed = expected_role(method, path)
    signed_out = response.status_code == 401 or (
        response.status_code == 303 and response.headers["location"].startswith("/login")
    )
    if needed is None:
        assert not (signed_out and "www-authenticate" in response.headers)
        assert not response.headers.get("location", "").startswith("/login?next")
        assert response.status_code != 403
    elif role == "anonymous":
        assert signed_out, (method, path, response.status_code)
    elif ROLE_RANK[Role(role)] >= ROLE_RANK[needed]:
        assert response.status_code not in (401, 403), (method, path, role, response.text[:300])
        assert response.status_code < 500
    else:
        assert response.status_code == 403, (method, path, role, response.status_code)
