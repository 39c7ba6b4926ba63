"""Database failures an analyst can do nothing about, turned into a clear 503 message."""

from __future__ import annotations

import logging

from sqlalchemy.exc import DBAPIError
from sqlalchemy.exc import TimeoutError as PoolTimeout
from starlette.responses import Response
from starlette.types import Scope

from app.templating import error_response

log = logging.getLogger(__name__)

UNREACHABLE = "The database is not reachable right now. Nothing was changed; try again shortly."
READ_ONLY = (
    "The database is read-only right now (maintenance, a replica, or a full disk), so nothing "
    "was saved. Your input was not stored; submit it again once the database accepts writes."
)
DISK_FULL = (
    "The database server is out of disk space, so nothing was saved. Your input was not stored; "
    "submit it again once space has been freed."
)
BUSY = "The database is too busy to answer right now. Nothing was changed; try again shortly."

# SQLSTATE codes (PostgreSQL appendix A) that mean "the server cannot do this now".
_BY_SQLSTATE = {
    "25006": READ_ONLY,  # read_only_sql_transaction
    "53100": DISK_FULL,  # disk_full
    "53200": BUSY,  # out_of_memory
    "53300": BUSY,  # too_many_connections
    "57P01": UNREACHABLE,  # admin_shutdown
    "57P02": UNREACHABLE,  # crash_shutdown
    "57P03": UNREACHABLE,  # cannot_connect_now
}


def sqlstate(exc: BaseException) -> str | None:
    original = exc.orig if isinstance(exc, DBAPIError) else exc
    code = getattr(original, "sqlstate", None)
    return code if isinstance(code, str) else None


def unavailable_message(exc: BaseException) -> str | None:
    """The message for a database that cannot serve the request now, or None for a real bug."""
    if isinstance(exc, PoolTimeout):
        return BUSY
    code = sqlstate(exc)
    if code in _BY_SQLSTATE:
        return _BY_SQLSTATE[code]
    if isinstance(exc, DBAPIError) and (exc.connection_invalidated or code is None):
        # No SQLSTATE: the connection itself failed (refused, reset, server gone).
        return UNREACHABLE
    if code is not None and code.startswith("08"):  # connection_exception class
        return UNREACHABLE
    return None


def outage_response(scope: Scope, exc: BaseException) -> Response:
    """503 with a clear message for an outage; any other database error is a 500 (a bug)."""
    path = scope.get("path", "")
    message = unavailable_message(exc)
    if message is None:
        log.error("database error on %s", path, exc_info=exc)
        return error_response(scope, 500, "Internal error.")
    log.error("database unavailable on %s: %s", path, exc)
    response = error_response(scope, 503, message)
    response.headers["Retry-After"] = "5"
    return response
