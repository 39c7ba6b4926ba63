"""The one template environment, and rendering of a full page or one of its named blocks."""

from __future__ import annotations

from pathlib import Path
from typing import Any, cast

import jinja2_fragments as fragments
from fastapi import Request
from fastapi.responses import HTMLResponse, JSONResponse, Response
from jinja2_fragments.fastapi import Jinja2Blocks
from starlette.types import Scope

ROOT = Path(__file__).resolve().parent.parent
templates = Jinja2Blocks(directory=str(ROOT / "templates"))


def _number(value: int | float | None) -> str:
    return "" if value is None else f"{value:,}"


templates.env.filters["number"] = _number


def is_fragment_request(request: Request) -> bool:
    """An htmx request that wants a fragment; a history restore wants the whole page."""
    return (
        request.headers.get("HX-Request") == "true"
        and request.headers.get("HX-History-Restore-Request") != "true"
    )


def render(
    request: Request,
    template: str,
    context: dict[str, Any],
    *,
    block: str | None = None,
    status_code: int = 200,
) -> HTMLResponse:
    """Render ``template``, or only its ``block`` for an htmx request."""
    block_name = block if block and is_fragment_request(request) else None
    response = cast(
        HTMLResponse,
        templates.TemplateResponse(
            request, template, context, status_code=status_code, block_name=block_name
        ),
    )
    response.headers["Vary"] = "HX-Request"
    return response


def render_block(template: str, block: str, context: dict[str, Any]) -> str:
    """One named block of ``template`` as a string, for a response that is kept and reused."""
    return fragments.render_block(templates.env, template, block, **context)


def wants_json(scope: Scope) -> bool:
    """API paths and clients that ask for JSON get errors as JSON; browsers get a page."""
    path: str = scope.get("path", "")
    accept = dict(scope.get("headers", [])).get(b"accept", b"").decode()
    return path.startswith("/api/") or ("application/json" in accept and "text/html" not in accept)


def error_response(scope: Scope, status_code: int, message: str) -> Response:
    """An error as JSON ``{"detail": message}`` or as the error page, as the caller prefers."""
    if wants_json(scope):
        return JSONResponse({"detail": message}, status_code=status_code)
    html = templates.get_template("error.html").render(
        status_code=status_code, message=message, request=None
    )
    return Response(html, status_code=status_code, media_type="text/html")
