"""The application factory: settings in, a configured FastAPI app out."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, RedirectResponse, Response
from fastapi.staticfiles import StaticFiles
from sqlalchemy.exc import InternalError, OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeout
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from app import api
from app.articles import views as article_views
from app.articles.service import ArticleNotFound
from app.db import make_engine, make_session_factory, resolve_database_url
from app.movements import views as movement_views
from app.movements.filters import FilterError
from app.ops import health
from app.ops.dberrors import unavailable_message
from app.ops.requestlog import RequestLog
from app.settings import Settings
from app.templating import ROOT, templates

log = logging.getLogger(__name__)


class BodySizeLimit:
    """Refuse request bodies over ``limit`` bytes with 413 before they are read into memory."""

    def __init__(self, app: ASGIApp, limit: int) -> None:
        self.app = app
        self.limit = limit

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        declared = dict(scope["headers"]).get(b"content-length")
        if declared is not None and declared.isdigit() and int(declared) > self.limit:
            await self._refuse(scope, receive, send)
            return
        seen = 0

        async def counting_receive() -> Message:
            nonlocal seen
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > self.limit:
                    raise _BodyTooLarge
            return message

        try:
            await self.app(scope, counting_receive, send)
        except _BodyTooLarge:
            await self._refuse(scope, receive, send)

    async def _refuse(self, scope: Scope, receive: Receive, send: Send) -> None:
        message = f"The request body is larger than the limit of {self.limit:,} bytes."
        response = _error_response(scope, 413, message)
        await response(scope, receive, send)


class _BodyTooLarge(Exception):
    pass


def _wants_json(scope: Scope) -> bool:
    path: str = scope.get("path", "")
    accept = dict(scope.get("headers", [])).get(b"accept", b"").decode()
    return path.startswith("/api/") or ("application/json" in accept and "text/html" not in accept)


def _error_response(scope: Scope, status_code: int, message: str) -> Response:
    if _wants_json(scope):
        return JSONResponse({"detail": message}, status_code=status_code)
    html = templates.get_template("error.html").render(
        status_code=status_code, message=message, request=None
    )
    return Response(html, status_code=status_code, media_type="text/html")


def create_app(settings: Settings | None = None, *, session_factory: Any = None) -> FastAPI:
    """Build the app. Tests pass their own settings and a session factory bound to a test DB."""
    settings = settings or Settings()

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        engine = None
        if getattr(app.state, "session_factory", None) is None:
            engine = make_engine(resolve_database_url(settings), settings)
            app.state.session_factory = make_session_factory(engine)
        yield
        if engine is not None:
            engine.dispose()

    app = FastAPI(
        title="Troopwatch",
        version="0.1.0",
        description="Reported military troop movements as structured, checkable records.",
        lifespan=lifespan,
    )
    app.state.settings = settings
    app.state.session_factory = session_factory
    app.add_middleware(BodySizeLimit, limit=settings.max_request_bytes)
    app.add_middleware(RequestLog)
    app.mount("/static", StaticFiles(directory=str(ROOT / "static")), name="static")

    app.include_router(article_views.router)
    app.include_router(movement_views.router)
    app.include_router(api.router)
    app.include_router(health.router)

    @app.get("/", include_in_schema=False)
    def home() -> RedirectResponse:
        return RedirectResponse("/movements", status_code=307)

    @app.get("/healthz", include_in_schema=False)
    def healthz() -> dict[str, str]:
        return {"status": "ok"}

    @app.exception_handler(FilterError)
    def filter_error(request: Request, exc: FilterError) -> Response:
        return _error_response(request.scope, 400, str(exc))

    @app.exception_handler(ArticleNotFound)
    def not_found(request: Request, exc: ArticleNotFound) -> Response:
        return _error_response(request.scope, 404, str(exc))

    @app.exception_handler(StarletteHTTPException)
    def http_error(request: Request, exc: StarletteHTTPException) -> Response:
        if _wants_json(request.scope):
            return JSONResponse(
                {"detail": exc.detail}, status_code=exc.status_code, headers=exc.headers
            )
        return _error_response(request.scope, exc.status_code, str(exc.detail))

    @app.exception_handler(RequestValidationError)
    def validation_error(request: Request, exc: RequestValidationError) -> Response:
        if _wants_json(request.scope):
            return JSONResponse({"detail": exc.errors()}, status_code=422)
        problems = "; ".join(
            f"{'.'.join(str(p) for p in e['loc'][1:]) or 'request'}: {e['msg']}"
            for e in exc.errors()
        )
        return _error_response(request.scope, 422, f"Invalid request: {problems}")

    @app.exception_handler(OperationalError)
    @app.exception_handler(InternalError)
    @app.exception_handler(PoolTimeout)
    def database_unavailable(request: Request, exc: Exception) -> Response:
        message = unavailable_message(exc)
        if message is None:  # not an outage: a bug, answered as one
            log.error("database error on %s", request.url.path, exc_info=exc)
            return _error_response(request.scope, 500, "Internal error.")
        log.error("database unavailable on %s: %s", request.url.path, exc)
        response = _error_response(request.scope, 503, message)
        response.headers["Retry-After"] = "5"
        return response

    return app
