"""``/readyz``: can this process serve requests (database reachable, schema at head)?

``/healthz`` (in ``app.main``) only says that the process is alive; an orchestrator restarts a
process that fails it, and stops routing traffic to one that fails ``/readyz``.
"""

from __future__ import annotations

import logging
from functools import lru_cache

from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from fastapi import APIRouter
from fastapi.responses import JSONResponse
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError
from sqlalchemy.exc import TimeoutError as PoolTimeout

from app.deps import SessionFactoryDep
from app.migrate import alembic_config

log = logging.getLogger(__name__)

router = APIRouter(include_in_schema=False)


@lru_cache
def head_revisions() -> frozenset[str]:
    """The migration heads this code expects (read once from ``migrations/``)."""
    return frozenset(ScriptDirectory.from_config(alembic_config()).get_heads())


@router.get("/readyz")
def readyz(session_factory: SessionFactoryDep) -> JSONResponse:
    """200 when the database answers and its schema is at head, else 503 saying what is wrong."""
    expected = sorted(head_revisions())
    try:
        with session_factory() as session:
            session.execute(text("SELECT 1"))
            current = sorted(MigrationContext.configure(session.connection()).get_current_heads())
    except (DBAPIError, PoolTimeout) as exc:
        log.warning("readiness check: database unreachable: %s", exc)
        return JSONResponse(
            {"status": "unavailable", "database": "unreachable", "detail": str(exc.orig)[:300]}
            if isinstance(exc, DBAPIError)
            else {"status": "unavailable", "database": "no free connection in the pool"},
            status_code=503,
            headers={"Retry-After": "5"},
        )
    if current != expected:
        return JSONResponse(
            {
                "status": "unavailable",
                "database": "ok",
                "migrations": "behind" if current else "missing",
                "current": current,
                "expected": expected,
                "detail": "run `troopwatch migrate`",
            },
            status_code=503,
        )
    return JSONResponse(
        {"status": "ready", "database": "ok", "migrations": "head", "current": current}
    )
