"""Pages for signing in and out, the first-run page, personal API tokens and user admin."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, HTTPException, Request, status
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlalchemy import select

from app.deps import RecordId, SessionDep, SettingsDep
from app.settings import Settings
from app.templating import render
from app.users import service
from app.users.models import Role, User
from app.users.security import (
    SESSION_COOKIE,
    AdminIdentity,
    CurrentIdentity,
    open_to_viewers,
)

router = APIRouter(tags=["accounts"])


def safe_next(target: str | None) -> str:
    """Only local paths: ``next`` must never send a signed-in user to another site."""
    if not target or not target.startswith("/") or target.startswith(("//", "/\\")):
        return "/"
    return target


def _client_address(request: Request) -> str:
    return request.client.host if request.client else "unknown"


def _signed_in(request: Request, settings: Settings, token: str, target: str) -> RedirectResponse:
    response = RedirectResponse(safe_next(target), status_code=303)
    response.set_cookie(
        SESSION_COOKIE,
        token,
        max_age=int(settings.session_days * 86400),
        httponly=True,
        samesite="lax",
        secure=settings.cookie_secure or request.url.scheme == "https",
        path="/",
    )
    return response


@router.get("/login", response_class=HTMLResponse, name="login")
def login_page(request: Request, session: SessionDep, next: str = "/") -> Response:
    if service.count_users(session) == 0:
        return RedirectResponse("/setup", status_code=303)
    return render(request, "users/login.html", {"next": safe_next(next), "error": None})


@router.post("/login", response_class=HTMLResponse)
def login(
    request: Request,
    session: SessionDep,
    settings: SettingsDep,
    username: Annotated[str, Form()] = "",
    password: Annotated[str, Form()] = "",
    next: Annotated[str, Form()] = "/",
) -> Response:
    context = {"next": safe_next(next), "username": username}
    try:
        user = service.authenticate(
            session,
            username=username,
            password=password,
            address=_client_address(request),
            settings=settings,
        )
    except service.LoginThrottled as exc:
        session.commit()
        response = render(
            request, "users/login.html", {**context, "error": str(exc)}, status_code=429
        )
        response.headers["Retry-After"] = str(exc.retry_after)
        return response
    if user is None:
        session.commit()  # the failed attempt counts towards the limit
        return render(
            request,
            "users/login.html",
            {**context, "error": "Wrong username or password, or the account is disabled."},
            status_code=401,
        )
    token = service.start_session(
        session, user, settings=settings, user_agent=request.headers.get("user-agent")
    )
    session.commit()
    return _signed_in(request, settings, token, next)


@router.post("/logout", name="logout")
@open_to_viewers
def logout(request: Request, session: SessionDep, identity: CurrentIdentity) -> Response:
    if identity.session_id is not None:
        service.end_session(session, identity.session_id)
        session.commit()
    response = RedirectResponse("/login", status_code=303)
    response.delete_cookie(SESSION_COOKIE, path="/")
    if request.headers.get("HX-Request") == "true":
        response.headers["HX-Redirect"] = "/login"
    return response


def _setup_or_404(session: SessionDep) -> None:
    if service.count_users(session) > 0:
        raise HTTPException(status.HTTP_404_NOT_FOUND, "Troopwatch is already set up.")


@router.get("/setup", response_class=HTMLResponse, name="setup")
def setup_page(request: Request, session: SessionDep) -> HTMLResponse:
    _setup_or_404(session)
    return render(request, "users/setup.html", {"error": None, "username": ""})


@router.post("/setup", response_class=HTMLResponse)
def setup(
    request: Request,
    session: SessionDep,
    settings: SettingsDep,
    username: Annotated[str, Form()] = "",
    password: Annotated[str, Form()] = "",
    password_again: Annotated[str, Form()] = "",
) -> Response:
    """Create the first admin; reachable only while no user exists."""
    _setup_or_404(session)
    try:
        if password != password_again:
            raise service.AccountError("The two passwords differ.")
        user = service.create_user(
            session, username=username, password=password, role=Role.ADMIN.value
        )
    except service.AccountError as exc:
        session.rollback()
        return render(
            request,
            "users/setup.html",
            {"error": str(exc), "username": username},
            status_code=exc.status_code,
        )
    token = service.start_session(
        session, user, settings=settings, user_agent=request.headers.get("user-agent")
    )
    session.commit()
    return _signed_in(request, settings, token, "/")


# -- own account and API tokens -----------------------------------------------------------------


def _account_page(
    request: Request,
    session: SessionDep,
    identity: CurrentIdentity,
    *,
    new_token: str | None = None,
    error: str | None = None,
    status_code: int = 200,
) -> HTMLResponse:
    return render(
        request,
        "users/account.html",
        {
            "tokens": service.list_api_tokens(session, identity.user_id),
            "sessions": service.active_sessions(session, identity.user_id),
            "current_session_id": identity.session_id,
            "new_token": new_token,
            "error": error,
        },
        status_code=status_code,
    )


@router.get("/account", response_class=HTMLResponse, name="account")
def account(request: Request, session: SessionDep, identity: CurrentIdentity) -> HTMLResponse:
    return _account_page(request, session, identity)


@router.post("/account/tokens", response_class=HTMLResponse, name="create_api_token")
@open_to_viewers
def create_token(
    request: Request,
    session: SessionDep,
    identity: CurrentIdentity,
    name: Annotated[str, Form()] = "",
) -> HTMLResponse:
    try:
        _, secret = service.create_api_token(session, user_id=identity.user_id, name=name)
    except service.AccountError as exc:
        session.rollback()
        return _account_page(
            request, session, identity, error=str(exc), status_code=exc.status_code
        )
    session.commit()
    return _account_page(request, session, identity, new_token=secret, status_code=201)


@router.post("/account/tokens/{token_id:int}/revoke", name="revoke_api_token")
@open_to_viewers
def revoke_token(token_id: RecordId, session: SessionDep, identity: CurrentIdentity) -> Response:
    try:
        service.revoke_api_token(session, user_id=identity.user_id, token_id=token_id)
    except service.AccountError as exc:
        raise HTTPException(exc.status_code, str(exc)) from None
    session.commit()
    return RedirectResponse("/account", status_code=303)


@router.post("/account/sessions/end-others", name="end_other_sessions")
@open_to_viewers
def end_other_sessions(session: SessionDep, identity: CurrentIdentity) -> Response:
    """Sign out every other browser (e.g. a lost laptop); this one stays signed in."""
    service.end_other_sessions(
        session, user_id=identity.user_id, keep_session_id=identity.session_id
    )
    session.commit()
    return RedirectResponse("/account", status_code=303)


# -- user administration ------------------------------------------------------------------------


def _users_page(
    request: Request,
    session: SessionDep,
    *,
    error: str | None = None,
    values: dict[str, str] | None = None,
    status_code: int = 200,
) -> HTMLResponse:
    users = list(session.scalars(select(User).order_by(User.username)))
    return render(
        request,
        "users/list.html",
        {
            "users": users,
            "roles": [r.value for r in Role],
            "error": error,
            "values": values or {},
        },
        status_code=status_code,
    )


@router.get("/users", response_class=HTMLResponse, name="users")
def list_users(request: Request, session: SessionDep, admin: AdminIdentity) -> HTMLResponse:
    return _users_page(request, session)


@router.post("/users", response_class=HTMLResponse, name="create_user")
def create_user(
    request: Request,
    session: SessionDep,
    admin: AdminIdentity,
    username: Annotated[str, Form()] = "",
    password: Annotated[str, Form()] = "",
    role: Annotated[str, Form()] = Role.VIEWER.value,
    display_name: Annotated[str, Form()] = "",
) -> Response:
    try:
        service.create_user(
            session, username=username, password=password, role=role, display_name=display_name
        )
    except service.AccountError as exc:
        session.rollback()
        return _users_page(
            request,
            session,
            error=str(exc),
            values={"username": username, "role": role, "display_name": display_name},
            status_code=exc.status_code,
        )
    session.commit()
    return RedirectResponse("/users", status_code=303)


def _user_or_404(session: SessionDep, user_id: int) -> User:
    try:
        return service.get_user_or_raise(session, user_id)
    except service.AccountError as exc:
        raise HTTPException(exc.status_code, str(exc)) from None


@router.post("/users/{user_id:int}/role", name="set_user_role")
def set_user_role(
    user_id: RecordId, session: SessionDep, admin: AdminIdentity, role: Annotated[str, Form()] = ""
) -> Response:
    user = _user_or_404(session, user_id)
    if user.id == admin.user_id and role != Role.ADMIN.value:
        raise HTTPException(
            status.HTTP_409_CONFLICT, "You cannot take the admin role from yourself."
        )
    try:
        service.set_role(session, user, role)
    except service.AccountError as exc:
        raise HTTPException(exc.status_code, str(exc)) from None
    session.commit()
    return RedirectResponse("/users", status_code=303)


@router.post("/users/{user_id:int}/disable", name="disable_user")
def disable_user(user_id: RecordId, session: SessionDep, admin: AdminIdentity) -> Response:
    user = _user_or_404(session, user_id)
    if user.id == admin.user_id:
        raise HTTPException(status.HTTP_409_CONFLICT, "You cannot disable yourself.")
    service.set_active(session, user, False)
    session.commit()
    return RedirectResponse("/users", status_code=303)


@router.post("/users/{user_id:int}/enable", name="enable_user")
def enable_user(user_id: RecordId, session: SessionDep, admin: AdminIdentity) -> Response:
    service.set_active(session, _user_or_404(session, user_id), True)
    session.commit()
    return RedirectResponse("/users", status_code=303)
