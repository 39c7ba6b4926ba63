"""Signing in and out, the first-run page, throttling, sessions, API tokens and CSRF."""

from __future__ import annotations

import re

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.users.models import ApiToken, User, UserSession
from app.users.security import ANON_CSRF_COOKIE, CSRF_HEADER, SESSION_COOKIE
from tests.conftest import LoginAs
from tests.factories import TEST_PASSWORD, make_user, start_test_session

pytestmark = pytest.mark.functional


def _login_form_token(client: TestClient) -> str:
    page = client.get("/login")
    assert page.status_code == 200
    match = re.search(r'name="csrf_token" value="([^"]+)"', page.text)
    assert match
    return match.group(1)


def _sign_in(client: TestClient, username: str, password: str, **extra: str) -> object:
    token = _login_form_token(client)
    return client.post(
        "/login",
        data={"username": username, "password": password, "csrf_token": token, **extra},
        follow_redirects=False,
    )


def test_sign_in_sets_a_safe_session_cookie_and_opens_the_app(
    session: Session, anonymous_client: TestClient
) -> None:
    user = make_user(session, role="viewer", username="vera")
    response = _sign_in(anonymous_client, "Vera", TEST_PASSWORD, next="/articles")
    assert response.status_code == 303  # type: ignore[attr-defined]
    assert response.headers["location"] == "/articles"  # type: ignore[attr-defined]
    cookie = response.headers["set-cookie"]  # type: ignore[attr-defined]
    assert cookie.startswith(f"{SESSION_COOKIE}=")
    assert "HttpOnly" in cookie and "SameSite=lax" in cookie and "Secure" not in cookie
    assert anonymous_client.get("/movements").status_code == 200
    stored = session.scalars(select(UserSession).where(UserSession.user_id == user.id)).one()
    raw_token = cookie.split(";")[0].split("=", 1)[1]
    assert raw_token not in stored.token_hash  # only a hash of the token is stored


def test_cookie_is_secure_over_https(app: FastAPI, session: Session) -> None:
    make_user(session, role="viewer", username="sam")
    with TestClient(app, base_url="https://testserver") as client:
        response = _sign_in(client, "sam", TEST_PASSWORD)
        assert "Secure" in response.headers["set-cookie"]  # type: ignore[attr-defined]


def test_next_never_leaves_the_site(session: Session, anonymous_client: TestClient) -> None:
    make_user(session, role="viewer", username="nina")
    response = _sign_in(anonymous_client, "nina", TEST_PASSWORD, next="//evil.example/x")
    assert response.headers["location"] == "/"  # type: ignore[attr-defined]


def test_anonymous_requests_are_sent_to_sign_in(anonymous_client: TestClient) -> None:
    page = anonymous_client.get("/movements?destination=Kursk", follow_redirects=False)
    assert page.status_code == 303
    assert page.headers["location"] == "/login?next=%2Fmovements%3Fdestination%3DKursk"
    api = anonymous_client.get("/api/v1/movements")
    assert api.status_code == 401
    assert api.headers["www-authenticate"] == "Bearer"
    assert anonymous_client.get("/openapi.json").status_code == 401
    assert anonymous_client.get("/docs", follow_redirects=False).status_code == 303
    htmx = anonymous_client.get("/movements", headers={"HX-Request": "true"})
    assert htmx.status_code == 401
    assert htmx.headers["HX-Redirect"].startswith("/login")
    assert anonymous_client.get("/healthz").status_code == 200
    assert anonymous_client.get("/static/app.css").status_code == 200
    assert anonymous_client.get("/static/workflow.js").status_code == 200


def test_wrong_passwords_are_throttled(session: Session, anonymous_client: TestClient) -> None:
    make_user(session, role="analyst", username="guess")
    for _ in range(5):
        response = _sign_in(anonymous_client, "guess", "not the password")
        assert response.status_code == 401  # type: ignore[attr-defined]
    # Now even the right password is refused until the window has passed.
    throttled = _sign_in(anonymous_client, "guess", TEST_PASSWORD)
    assert throttled.status_code == 429  # type: ignore[attr-defined]
    assert int(throttled.headers["retry-after"]) > 0  # type: ignore[attr-defined]
    assert "Too many failed sign-ins" in throttled.text  # type: ignore[attr-defined]
    assert SESSION_COOKIE not in anonymous_client.cookies


def test_success_clears_earlier_failures(session: Session, anonymous_client: TestClient) -> None:
    make_user(session, role="analyst", username="typo")
    for _ in range(4):
        _sign_in(anonymous_client, "typo", "wrong")
    assert _sign_in(anonymous_client, "typo", TEST_PASSWORD).status_code == 303  # type: ignore[attr-defined]
    anonymous_client.cookies.clear()
    for _ in range(4):
        assert _sign_in(anonymous_client, "typo", "wrong").status_code == 401  # type: ignore[attr-defined]


def test_first_run_page_creates_the_first_admin_and_then_disappears(
    session: Session, anonymous_client: TestClient
) -> None:
    assert session.scalar(select(User.id).limit(1)) is None
    login = anonymous_client.get("/login", follow_redirects=False)
    assert login.status_code == 303 and login.headers["location"] == "/setup"
    page = anonymous_client.get("/setup")
    assert page.status_code == 200
    token = re.search(r'name="csrf_token" value="([^"]+)"', page.text).group(1)  # type: ignore[union-attr]
    short = anonymous_client.post(
        "/setup",
        data={
            "username": "root",
            "password": "short",
            "password_again": "short",
            "csrf_token": token,
        },
    )
    assert short.status_code == 422
    assert "at least 10 characters" in short.text
    created = anonymous_client.post(
        "/setup",
        data={
            "username": "Root",
            "password": TEST_PASSWORD,
            "password_again": TEST_PASSWORD,
            "csrf_token": token,
        },
        follow_redirects=False,
    )
    assert created.status_code == 303
    admin = session.scalars(select(User)).one()
    assert (admin.username, admin.role) == ("root", "admin")
    assert admin.password_hash.startswith("$argon2id$")
    assert anonymous_client.get("/users").status_code == 200  # signed in as that admin
    assert anonymous_client.get("/setup").status_code == 404
    anonymous_client.cookies.clear()
    assert anonymous_client.get("/setup").status_code == 404


def test_sign_out_revokes_the_session_server_side(
    session: Session, app: FastAPI, login_as: LoginAs
) -> None:
    client = login_as("viewer")
    token = client.cookies[SESSION_COOKIE]
    assert client.post("/logout", follow_redirects=False).status_code == 303
    with TestClient(app, cookies={SESSION_COOKIE: token}) as replay:
        assert replay.get("/movements", follow_redirects=False).status_code == 303


def test_disabled_user_is_out_at_once(client: TestClient, login_as: LoginAs) -> None:
    viewer = login_as("viewer")
    assert viewer.get("/movements").status_code == 200
    disabled = client.post(f"/users/{viewer.user_id}/disable", follow_redirects=False)  # type: ignore[attr-defined]
    assert disabled.status_code == 303
    response = viewer.get("/movements", follow_redirects=False)
    assert response.status_code == 303 and response.headers["location"].startswith("/login")
    # Enabling again does not revive old sessions: they were revoked.
    client.post(f"/users/{viewer.user_id}/enable")  # type: ignore[attr-defined]
    assert viewer.get("/movements", follow_redirects=False).status_code == 303


def test_admin_manages_users(client: TestClient, session: Session) -> None:
    created = client.post(
        "/users",
        data={"username": "Ana.Lyst", "password": TEST_PASSWORD, "role": "analyst"},
        follow_redirects=False,
    )
    assert created.status_code == 303
    user = session.scalars(select(User).where(User.username == "ana.lyst")).one()
    assert user.role == "analyst"
    taken = client.post("/users", data={"username": "ana.lyst", "password": TEST_PASSWORD})
    assert taken.status_code == 409 and "is taken" in taken.text
    bad_role = client.post(f"/users/{user.id}/role", data={"role": "overlord"})
    assert bad_role.status_code == 422 and "viewer, analyst, admin" in bad_role.text
    assert client.post(f"/users/{user.id}/role", data={"role": "viewer"}).status_code == 200
    session.refresh(user)
    assert user.role == "viewer"
    me = client.post(f"/users/{client.user_id}/disable")  # type: ignore[attr-defined]
    assert me.status_code == 409
    assert client.post("/users/999999/disable").status_code == 404


def test_personal_api_tokens(
    session: Session, app: FastAPI, login_as: LoginAs, client: TestClient
) -> None:
    viewer = login_as("viewer")
    page = viewer.post("/account/tokens", data={"name": "nightly export"})
    assert page.status_code == 201
    secret = re.search(r'<code id="new-token">([^<]+)</code>', page.text).group(1)  # type: ignore[union-attr]
    stored = session.scalars(select(ApiToken)).one()
    assert stored.token_hash != secret and secret.startswith(stored.prefix)
    assert viewer.post("/account/tokens", data={"name": " "}).status_code == 422

    bearer = {"Authorization": f"Bearer {secret}"}
    with TestClient(app) as script:
        assert script.get("/api/v1/movements", headers=bearer).status_code == 200
        # A viewer's token cannot write, even though it needs no CSRF token.
        refused = script.post("/api/v1/articles", json={"title": "t", "text": "x"}, headers=bearer)
        assert refused.status_code == 403
        assert (
            script.get("/api/v1/movements", headers={"Authorization": "Bearer nope"}).status_code
            == 401
        )
        viewer.post(f"/account/tokens/{stored.id}/revoke")
        assert script.get("/api/v1/movements", headers=bearer).status_code == 401


def test_api_token_of_an_analyst_writes_without_csrf(
    session: Session, app: FastAPI, login_as: LoginAs, client: TestClient
) -> None:
    analyst = login_as("analyst")
    page = analyst.post("/account/tokens", data={"name": "importer"})
    secret = re.search(r'<code id="new-token">([^<]+)</code>', page.text).group(1)  # type: ignore[union-attr]
    with TestClient(app) as script:
        created = script.post(
            "/api/v1/articles",
            json={"title": "Token article", "text": "Nothing moved today."},
            headers={"Authorization": f"Bearer {secret}"},
        )
        assert created.status_code == 201
        client.post(f"/users/{analyst.user_id}/disable")  # type: ignore[attr-defined]
        again = script.get("/api/v1/movements", headers={"Authorization": f"Bearer {secret}"})
        assert again.status_code == 401


@pytest.mark.parametrize("token", [None, "wrong-token"])
def test_unsafe_requests_need_the_csrf_token(
    login_as: LoginAs, session: Session, token: str | None
) -> None:
    analyst = login_as("analyst")
    del analyst.headers[CSRF_HEADER]
    headers = {CSRF_HEADER: token} if token else {}
    form = analyst.post("/articles", data={"title": "x", "text": "Some text."}, headers=headers)
    assert form.status_code == 403
    assert "security token" in form.text
    api = analyst.post("/api/v1/articles", json={"title": "x", "text": "y"}, headers=headers)
    assert api.status_code == 403
    htmx = analyst.post("/review/confirm", headers={"HX-Request": "true", **headers})
    assert htmx.status_code == 403


def test_the_csrf_token_works_as_form_field_and_as_header(login_as: LoginAs) -> None:
    analyst = login_as("analyst")
    token = analyst.headers.pop(CSRF_HEADER)
    as_field = analyst.post("/account/tokens", data={"name": "a", "csrf_token": token})
    assert as_field.status_code == 201
    as_header = analyst.post("/account/tokens", data={"name": "b"}, headers={CSRF_HEADER: token})
    assert as_header.status_code == 201


def test_sign_in_form_itself_needs_its_csrf_token(
    session: Session, anonymous_client: TestClient
) -> None:
    make_user(session, role="viewer", username="forged")
    anonymous_client.get("/login")
    assert ANON_CSRF_COOKIE in anonymous_client.cookies
    forged = anonymous_client.post(
        "/login", data={"username": "forged", "password": TEST_PASSWORD}, follow_redirects=False
    )
    assert forged.status_code == 403
    assert SESSION_COOKIE not in anonymous_client.cookies


def test_pages_carry_the_csrf_token_for_htmx(client: TestClient) -> None:
    page = client.get("/movements")
    token = client.headers[CSRF_HEADER]
    assert f'hx-headers=\'{{"X-CSRF-Token": "{token}"}}\'' in page.text
    assert 'hx-post="/logout"' in page.text


def test_ending_other_sessions_keeps_this_one(
    session: Session, app: FastAPI, login_as: LoginAs
) -> None:
    laptop = login_as("viewer")
    user = session.get(User, laptop.user_id)  # type: ignore[attr-defined]
    assert user is not None
    phone_token, _ = start_test_session(session, user)
    session.flush()
    with TestClient(app, cookies={SESSION_COOKIE: phone_token}) as phone:
        assert phone.get("/movements").status_code == 200
        account = laptop.get("/account")
        assert account.text.count("<li>") >= 2 and "(this one)" in account.text
        laptop.post("/account/sessions/end-others")
        assert phone.get("/movements", follow_redirects=False).status_code == 303
    assert laptop.get("/movements").status_code == 200
