"""Dependencies shared by the routers."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Annotated

from fastapi import Depends, Path, Request
from sqlalchemy.orm import Session

from app.db import MAX_RECORD_ID, SessionFactory
from app.movements.filters import MovementFilters
from app.settings import Settings


def get_settings(request: Request) -> Settings:
    settings: Settings = request.app.state.settings
    return settings


def get_session_factory(request: Request) -> SessionFactory:
    factory: SessionFactory = request.app.state.session_factory
    return factory


def get_session(request: Request) -> Iterator[Session]:
    """A session per request; views commit once when their work is done."""
    session = get_session_factory(request)()
    try:
        yield session
    except Exception:
        session.rollback()
        raise
    finally:
        session.close()


def get_filters(request: Request) -> MovementFilters:
    settings = get_settings(request)
    return MovementFilters.from_query(
        request.query_params,
        default_limit=settings.page_size,
        max_limit=settings.max_page_size,
    )


SettingsDep = Annotated[Settings, Depends(get_settings)]
# A record's id in a path: past MAX_RECORD_ID it is refused (422, naming the bound).
RecordId = Annotated[int, Path(le=MAX_RECORD_ID)]
SessionDep = Annotated[Session, Depends(get_session)]
SessionFactoryDep = Annotated[SessionFactory, Depends(get_session_factory)]
FiltersDep = Annotated[MovementFilters, Depends(get_filters)]
