"""Who is asking, and may they? Sign-in for every route, CSRF on every change, roles.

Two layers, both installed by ``install_security`` so that they cover every router, including
ones added later:

* ``AuthMiddleware`` (ASGI) resolves the session cookie or ``Authorization: Bearer`` token on
  every request, and refuses anonymous requests to anything outside ``PUBLIC_PATHS`` (pages are
  redirected to the sign-in page, the API gets 401). It covers mounts and the OpenAPI pages too.
* ``protect`` (a global FastAPI dependency) checks the CSRF token of every unsafe request made with
  a cookie, and requires the analyst role for unsafe requests unless the endpoint was marked with
  ``open_to_viewers``. Stricter routes add ``require_role(Role.ADMIN)``.
"""

from __future__ import annotations

import secrets
from collections.abc import Awaitable, Callable
from http.cookies import SimpleCookie
from typing import Annotated, Any, TypeVar
from urllib.parse import quote

from fastapi import Depends, FastAPI, HTTPException, Request, status
from fastapi.responses import JSONResponse, RedirectResponse, Response
from sqlalchemy.exc import InternalError, OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeout
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from app.ops.dberrors import outage_response
from app.users.models import Role
from app.users.service import Identity, identity_from_api_token, identity_from_session_token

SESSION_COOKIE = "tw_session"
# Double-submit token for forms sent before signing in (the sign-in and first-run forms).
ANON_CSRF_COOKIE = "tw_csrf"
CSRF_HEADER = "X-CSRF-Token"
CSRF_FIELD = "csrf_token"
PUBLIC_PATHS = frozenset({"/login", "/setup", "/healthz", "/readyz"})
PUBLIC_PREFIXES = ("/static/",)
# Probes must answer without the database a sign-in lookup needs (liveness above all).
PROBE_PATHS = frozenset({"/healthz", "/readyz"})
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
FORM_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")

_viewer_endpoints: set[Callable[..., Any]] = set()
F = TypeVar("F", bound=Callable[..., Any])


def open_to_viewers(endpoint: F) -> F:
    """Mark an unsafe endpoint that any signed-in user may call (sign out, own API tokens)."""
    _viewer_endpoints.add(endpoint)
    return endpoint


def is_public(path: str) -> bool:
    return path in PUBLIC_PATHS or path.startswith(PUBLIC_PREFIXES) or path == "/static"


def _cookies(scope: Scope) -> dict[str, str]:
    raw = b"; ".join(v for k, v in scope["headers"] if k == b"cookie").decode("latin-1")
    jar: SimpleCookie = SimpleCookie()
    try:
        jar.load(raw)
    except Exception:  # a malformed cookie header means "no cookies"
        return {}
    return {key: str(morsel.value) for key, morsel in jar.items()}


def _bearer(scope: Scope) -> str | None:
    for key, value in scope["headers"]:
        if key == b"authorization":
            scheme, _, token = bytes(value).decode("latin-1").partition(" ")
            if scheme.lower() == "bearer" and token.strip():
                return token.strip()
    return None


class AuthMiddleware:
    """Attach the caller's ``Identity`` to ``request.state`` and keep anonymous callers out."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        path: str = scope["path"]
        cookies = _cookies(scope)
        bearer = _bearer(scope)
        session_token = cookies.get(SESSION_COOKIE)
        identity: Identity | None = None
        # Static files and probes need no identity: spare the database a lookup.
        if (
            (bearer or session_token)
            and not path.startswith(PUBLIC_PREFIXES)
            and path not in PROBE_PATHS
        ):
            factory = scope["app"].state.session_factory
            try:
                identity = await run_in_threadpool(_resolve, factory, bearer, session_token)
            except (OperationalError, InternalError, PoolTimeout) as exc:
                # Middleware runs outside the app's exception handlers: answer the outage here.
                await outage_response(scope, exc)(scope, receive, send)
                return
        anon_csrf = cookies.get(ANON_CSRF_COOKIE)
        new_anon_csrf = None
        if identity is None and not anon_csrf:
            anon_csrf = new_anon_csrf = secrets.token_urlsafe(32)
        state = scope.setdefault("state", {})
        state["identity"] = identity
        state["anon_csrf"] = anon_csrf

        if identity is None and not is_public(path):
            await _login_required(scope, bearer is not None)(scope, receive, send)
            return

        if new_anon_csrf is None:
            await self.app(scope, receive, send)
            return

        async def send_with_cookie(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                headers.append(
                    "set-cookie",
                    f"{ANON_CSRF_COOKIE}={new_anon_csrf}; Path=/; HttpOnly; SameSite=Lax"
                    + ("; Secure" if scope.get("scheme") == "https" else ""),
                )
            await send(message)

        await self.app(scope, receive, send_with_cookie)


def _resolve(factory: Any, bearer: str | None, session_token: str | None) -> Identity | None:
    with factory() as session:
        if bearer:
            identity = identity_from_api_token(session, bearer)
            session.commit()  # last_used_at
            return identity
        assert session_token is not None
        return identity_from_session_token(session, session_token)


def _login_required(scope: Scope, had_token: bool) -> Response:
    path: str = scope["path"]
    headers = {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope["headers"]}
    accept = headers.get("accept", "")
    if (
        path.startswith("/api/")
        or had_token
        or path in {"/openapi.json"}
        or ("application/json" in accept and "text/html" not in accept)
    ):
        message = "Sign in first: send a personal API token as 'Authorization: Bearer <token>'."
        if had_token:
            message = "The API token is unknown, revoked, or its user is disabled."
        return JSONResponse(
            {"detail": message}, status_code=401, headers={"WWW-Authenticate": "Bearer"}
        )
    query = scope.get("query_string", b"").decode("latin-1")
    target = path + (f"?{query}" if query else "")
    login = f"/login?next={quote(target, safe='')}"
    if headers.get("hx-request") == "true":
        return Response(status_code=401, headers={"HX-Redirect": login})
    if scope["method"] in SAFE_METHODS:
        return RedirectResponse(login, status_code=303)
    return (
        JSONResponse({"detail": "Your session has ended; sign in again."}, status_code=401)
        if "application/json" in accept
        else Response(
            "Your session has ended; sign in again.", status_code=401, media_type="text/plain"
        )
    )


def get_identity(request: Request | None) -> Identity | None:
    if request is None:
        return None
    identity: Identity | None = getattr(request.state, "identity", None)
    return identity


def current_identity(request: Request) -> Identity:
    identity = get_identity(request)
    if identity is None:
        raise HTTPException(status.HTTP_401_UNAUTHORIZED, "Sign in first.")
    return identity


def csrf_token_for(request: Request | None) -> str:
    """The token a page embeds in its forms and htmx headers."""
    if request is None:
        return ""
    identity = get_identity(request)
    if identity is not None and identity.csrf_token:
        return identity.csrf_token
    token: str = getattr(request.state, "anon_csrf", None) or ""
    return token


async def protect(request: Request) -> None:
    """Global dependency: CSRF check and the analyst default for unsafe requests."""
    if request.method in SAFE_METHODS:
        return
    identity = get_identity(request)
    if identity is None or identity.via == "session":
        expected = csrf_token_for(request)
        provided = request.headers.get(CSRF_HEADER)
        content_type = request.headers.get("content-type", "")
        if provided is None and content_type.startswith(FORM_TYPES):
            value = (await request.form()).get(CSRF_FIELD)
            provided = value if isinstance(value, str) else None
        if not expected or not provided or not secrets.compare_digest(expected, provided):
            raise HTTPException(
                status.HTTP_403_FORBIDDEN,
                "The form's security token is missing or out of date. "
                "Reload the page and try again.",
            )
    if identity is None or is_public(request.url.path):
        return  # anonymous callers only reach public routes: the middleware stopped the rest
    route = request.scope.get("route")
    endpoint = getattr(route, "endpoint", None)
    if endpoint not in _viewer_endpoints and not identity.can(Role.ANALYST):
        raise HTTPException(
            status.HTTP_403_FORBIDDEN, "Changing data needs the analyst role; you are a viewer."
        )


def require_role(role: Role | str) -> Callable[[Request], Awaitable[Identity]]:
    """A dependency that lets only ``role`` and the roles above it through."""
    needed = Role(role)

    async def check(request: Request) -> Identity:
        identity = current_identity(request)
        if not identity.can(needed):
            raise HTTPException(
                status.HTTP_403_FORBIDDEN,
                f"This needs the {needed.value} role; you are {identity.role.value}.",
            )
        return identity

    return check


CurrentIdentity = Annotated[Identity, Depends(current_identity)]
AnalystIdentity = Annotated[Identity, Depends(require_role(Role.ANALYST))]
AdminIdentity = Annotated[Identity, Depends(require_role(Role.ADMIN))]


def install_security(app: FastAPI) -> None:
    """Sign-in and CSRF for every route; call before any router is included."""
    app.router.dependencies.append(Depends(protect))
    app.add_middleware(AuthMiddleware)
    register_template_globals()


def register_template_globals() -> None:
    from app.templating import templates

    templates.env.globals["csrf_token"] = csrf_token_for
    templates.env.globals["identity_of"] = get_identity
