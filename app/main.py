"""The application factory: settings in, a configured FastAPI app out."""

from __future__ import annotations

import logging
import threading
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from fastapi.staticfiles import StaticFiles
from sqlalchemy.exc import InternalError, OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeout
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from app import api, workflow
from app.articles import views as article_views
from app.articles.service import ArticleNotFound
from app.dashboard import views as dashboard_views
from app.db import make_engine, make_session_factory, resolve_database_url
from app.entities import views as entity_views
from app.imports import views as import_views
from app.imports.service import ImportNotFound
from app.jobs import start_inprocess_worker, stop_inprocess_worker
from app.maps import views as map_views
from app.movements import views as movement_views
from app.movements.cache import aggregate_cache
from app.movements.filters import FilterError
from app.ops import health
from app.ops.dberrors import outage_response
from app.ops.requestlog import RequestLog
from app.settings import Settings
from app.templating import ROOT, error_response, wants_json
from app.timeline import views as timeline_views
from app.users.security import install_security

log = logging.getLogger(__name__)


class BodySizeLimit:
    """Refuse request bodies over ``limit`` bytes with 413 before they are read into memory."""

    def __init__(self, app: ASGIApp, limit: int, upload_limits: dict[str, int] | None = None):
        self.app = app
        self.limit = limit
        # Paths that take file uploads get their own, larger limit.
        self.upload_limits = upload_limits or {}

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        limit = self.upload_limits.get(scope.get("path", ""), self.limit)
        declared = dict(scope["headers"]).get(b"content-length")
        if declared is not None and declared.isdigit() and int(declared) > limit:
            await self._refuse(scope, receive, send, limit)
            return
        seen = 0

        async def counting_receive() -> Message:
            nonlocal seen
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > limit:
                    raise _BodyTooLarge
            return message

        try:
            await self.app(scope, counting_receive, send)
        except _BodyTooLarge:
            await self._refuse(scope, receive, send, limit)

    async def _refuse(self, scope: Scope, receive: Receive, send: Send, limit: int) -> None:
        message = f"The request body is larger than the limit of {limit:,} bytes."
        response = error_response(scope, 413, message)
        await response(scope, receive, send)


class _BodyTooLarge(Exception):
    pass


def _warm_extractor() -> None:
    """Build the gazetteer and load language models once, off the request path."""
    from app import extraction

    try:
        extraction.extract("Troops moved from Kyiv to Lviv.", language="en")
    except Exception:  # a warm-up failure shows again, clearly, on the first real extraction
        log.exception("extractor warm-up failed")


def create_app(settings: Settings | None = None, *, session_factory: Any = None) -> FastAPI:
    """Build the app. Tests pass their own settings and a session factory bound to a test DB."""
    settings = settings or Settings()

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        engine = None
        if getattr(app.state, "session_factory", None) is None:
            engine = make_engine(resolve_database_url(settings), settings)
            app.state.session_factory = make_session_factory(engine)
        if settings.warm_extractor:
            threading.Thread(target=_warm_extractor, name="warm-extractor", daemon=True).start()
        worker = start_inprocess_worker(settings, app.state.session_factory)
        yield
        await stop_inprocess_worker(worker)
        if engine is not None:
            engine.dispose()

    app = FastAPI(
        title="Troopwatch",
        version="0.1.0",
        description="Reported military troop movements as structured, checkable records.",
        lifespan=lifespan,
    )
    app.state.settings = settings
    aggregate_cache.enabled = settings.aggregate_cache
    aggregate_cache.max_weight = settings.aggregate_cache_mb * 2**20
    aggregate_cache.shared = settings.aggregate_cache_shared
    install_security(app)  # before any router: sign-in and CSRF apply to every route
    app.state.session_factory = session_factory
    app.add_middleware(
        BodySizeLimit,
        limit=settings.max_request_bytes,
        upload_limits={"/imports/upload": settings.max_upload_request_bytes},
    )
    app.add_middleware(RequestLog)
    app.mount("/static", StaticFiles(directory=str(ROOT / "static")), name="static")

    app.include_router(article_views.router)
    app.include_router(movement_views.router)
    app.include_router(api.router)
    app.include_router(import_views.router)
    app.include_router(timeline_views.router)
    app.include_router(map_views.router)
    app.include_router(entity_views.router)
    app.include_router(dashboard_views.router)
    app.include_router(workflow.router)
    app.include_router(health.router)

    @app.get("/healthz", include_in_schema=False)
    def healthz() -> dict[str, str]:
        return {"status": "ok"}

    @app.exception_handler(FilterError)
    def filter_error(request: Request, exc: FilterError) -> Response:
        return error_response(request.scope, 400, str(exc))

    @app.exception_handler(ArticleNotFound)
    @app.exception_handler(ImportNotFound)
    def not_found(request: Request, exc: LookupError) -> Response:
        return error_response(request.scope, 404, str(exc))

    @app.exception_handler(StarletteHTTPException)
    def http_error(request: Request, exc: StarletteHTTPException) -> Response:
        if wants_json(request.scope):
            return JSONResponse(
                {"detail": exc.detail}, status_code=exc.status_code, headers=exc.headers
            )
        return error_response(request.scope, exc.status_code, str(exc.detail))

    @app.exception_handler(RequestValidationError)
    def validation_error(request: Request, exc: RequestValidationError) -> Response:
        if wants_json(request.scope):
            return JSONResponse({"detail": exc.errors()}, status_code=422)
        problems = "; ".join(
            f"{'.'.join(str(p) for p in e['loc'][1:]) or 'request'}: {e['msg']}"
            for e in exc.errors()
        )
        return error_response(request.scope, 422, f"Invalid request: {problems}")

    @app.exception_handler(OperationalError)
    @app.exception_handler(InternalError)
    @app.exception_handler(PoolTimeout)
    def database_unavailable(request: Request, exc: Exception) -> Response:
        return outage_response(request.scope, exc)

    return app
