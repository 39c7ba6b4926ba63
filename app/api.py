"""The JSON API under /api/v1: articles and movements, with the table's filters."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, HTTPException, Query, Request, Response, status
from sqlalchemy import select
from sqlalchemy.orm import Session, joinedload

from app.articles.models import Article
from app.articles.schemas import (
    ArticleCreated,
    ArticleDetailOut,
    ArticleIn,
    ArticleList,
    ArticleOut,
)
from app.articles.service import ArticleError, create_article, get_article_or_raise
from app.deps import FiltersDep, RecordId, SessionDep, SettingsDep
from app.movements.cache import aggregate_cache
from app.movements.filters import MovementFilters
from app.movements.models import Movement
from app.movements.queries import page_of_movements
from app.movements.schemas import MovementList, MovementOut

router = APIRouter(prefix="/api/v1", tags=["api"])

FILTER_DOC = (
    "Filters: unit, side, origin, destination, source, outlet (each matches any part of the "
    "name, case-insensitively), status (reported|planned|denied), review "
    "(pending|confirmed|rejected), article (id), date_from, date_to (YYYY-MM-DD), q (free text). "
    "sort: date, unit, side, origin, destination, source, status, article, confidence, created; "
    "prefix with '-' for descending. limit, and after (the cursor from `next`)."
)


@router.get("/movements", response_model=MovementList, description=FILTER_DOC)
def api_list_movements(request: Request, session: SessionDep, filters: FiltersDep) -> Response:
    # A page shows nothing that depends on who asks: its JSON serves every client until the
    # data changes.
    body = aggregate_cache.get(
        session,
        ("api-movements", request.url.path, filters.query_string(), filters.limit),
        lambda: _movement_list(request.url.path, session, filters).model_dump_json().encode(),
        weight=len,
    )
    return Response(body, media_type="application/json")


def _movement_list(path: str, session: Session, filters: MovementFilters) -> MovementList:
    page = page_of_movements(session, filters)
    next_url = None
    if page.next_cursor is not None:
        query = filters.query_string(after=page.next_cursor)
        next_url = f"{path}?{query}&limit={filters.limit}"
    return MovementList(
        description=filters.describe(page.total, estimated=page.estimated),
        total=page.total,
        total_estimated=page.estimated,
        items=[MovementOut.model_validate(m) for m in page.rows],
        next=next_url,
    )


@router.get("/movements/{movement_id}", response_model=MovementOut)
def api_get_movement(movement_id: RecordId, session: SessionDep) -> MovementOut:
    movement = session.scalars(
        select(Movement)
        .where(Movement.id == movement_id, Movement.deleted_at.is_(None))
        .options(joinedload(Movement.origin_place), joinedload(Movement.destination_place))
    ).first()
    if movement is None:
        raise HTTPException(status.HTTP_404_NOT_FOUND, f"There is no movement #{movement_id}.")
    return MovementOut.model_validate(movement)


@router.get("/articles", response_model=ArticleList)
def api_list_articles(
    request: Request,
    session: SessionDep,
    before: Annotated[
        int | None, Query(ge=1, description="Cursor: articles with a lower id")
    ] = None,
    limit: Annotated[int, Query(ge=1, le=500)] = 50,
) -> ArticleList:
    stmt = select(Article).where(Article.deleted_at.is_(None)).order_by(Article.id.desc())
    if before is not None:
        stmt = stmt.where(Article.id < before)
    rows = list(session.scalars(stmt.limit(limit + 1)))
    next_url = None
    if len(rows) > limit:
        next_url = f"{request.url.path}?before={rows[limit - 1].id}&limit={limit}"
    return ArticleList(items=[ArticleOut.model_validate(a) for a in rows[:limit]], next=next_url)


@router.get("/articles/{article_id}", response_model=ArticleDetailOut)
def api_get_article(article_id: RecordId, session: SessionDep) -> ArticleDetailOut:
    return ArticleDetailOut.model_validate(get_article_or_raise(session, article_id))


@router.post(
    "/articles",
    response_model=ArticleCreated,
    status_code=status.HTTP_201_CREATED,
    responses={
        200: {"description": "The same text was already stored; that article is returned"},
        413: {"description": "Text over the size limit"},
        422: {"description": "Empty or invalid field"},
    },
)
def api_create_article(
    article_in: ArticleIn, response: Response, session: SessionDep, settings: SettingsDep
) -> ArticleCreated:
    """Store an article and extract its movements (exact duplicates are linked, not stored)."""
    try:
        created = create_article(session, article_in=article_in, settings=settings)
    except ArticleError as exc:
        session.rollback()
        raise HTTPException(exc.status_code, str(exc)) from None
    session.commit()
    if created.duplicate:
        response.status_code = status.HTTP_200_OK
    return ArticleCreated(
        article=ArticleOut.model_validate(created.article),
        duplicate=created.duplicate,
        movements=created.movements,
    )
