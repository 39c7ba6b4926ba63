"""Structured request logs: one JSON line per request, with its duration.

Written to the ``troopwatch.request`` logger, so the deployment decides where lines go. The
duration runs until the last byte of the body is sent, which for a streamed export is the whole
download.
"""

from __future__ import annotations

import json
import logging
import time
import uuid

from starlette.types import ASGIApp, Message, Receive, Scope, Send

log = logging.getLogger("troopwatch.request")

# Probes would drown the log; they are logged only when they fail.
QUIET_PATHS = frozenset({"/healthz", "/readyz"})


class RequestLog:
    """ASGI middleware logging method, path, status, bytes and milliseconds of each request."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        headers = dict(scope.get("headers", []))
        request_id = headers.get(b"x-request-id", b"").decode("latin-1")[:64] or uuid.uuid4().hex
        status = 500
        sent = 0

        async def send_logged(message: Message) -> None:
            nonlocal status, sent
            if message["type"] == "http.response.start":
                status = message["status"]
                message.setdefault("headers", [])
                message["headers"] = [
                    *message["headers"],
                    (b"x-request-id", request_id.encode("latin-1")),
                ]
            elif message["type"] == "http.response.body":
                sent += len(message.get("body", b""))
            await send(message)

        try:
            await self.app(scope, receive, send_logged)
        finally:
            path: str = scope.get("path", "")
            if status >= 400 or path not in QUIET_PATHS:
                client = scope.get("client")
                record = {
                    "event": "request",
                    "request_id": request_id,
                    "method": scope.get("method"),
                    "path": path,
                    "query": scope.get("query_string", b"").decode("latin-1")[:500],
                    "status": status,
                    "bytes": sent,
                    "duration_ms": round((time.perf_counter() - started) * 1000, 2),
                    "client": client[0] if client else None,
                    "htmx": b"hx-request" in headers,
                }
                level = logging.ERROR if status >= 500 else logging.INFO
                log.log(level, json.dumps(record, separators=(",", ":")), extra={"request": record})
