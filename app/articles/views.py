"""Hypermedia pages for articles: paste one, read one with its evidence highlighted, list them."""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from datetime import date
from typing import Annotated

from fastapi import APIRouter, Form, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from app.articles.models import Article
from app.articles.schemas import ArticleIn
from app.articles.service import ArticleError, create_article, get_article_or_raise
from app.deps import RecordId, SessionDep, SettingsDep
from app.movements.models import Movement
from app.templating import render

router = APIRouter()


@dataclass(frozen=True)
class Segment:
    """A run of article text; ``movement_ids`` is empty outside any evidence."""

    text: str
    start: int
    movement_ids: tuple[int, ...]


def highlight_segments(text: str, movements: list[Movement]) -> list[Segment]:
    """Split ``text`` at evidence boundaries so each evidence run can be marked."""
    spans = [
        (m.evidence_start, m.evidence_end, m.id)
        for m in movements
        if 0 <= m.evidence_start < m.evidence_end <= len(text)
    ]
    cuts = sorted({0, len(text), *(s for s, _, _ in spans), *(e for _, e, _ in spans)})
    segments = []
    for start, end in itertools.pairwise(cuts):
        ids = tuple(mid for s, e, mid in spans if s <= start and end <= e)
        segments.append(Segment(text=text[start:end], start=start, movement_ids=ids))
    return segments


def _form_page(
    request: Request,
    *,
    values: dict[str, str],
    error: str | None = None,
    field: str | None = None,
    status_code: int = 200,
) -> HTMLResponse:
    return render(
        request,
        "articles/new.html",
        {"values": values, "error": error, "error_field": field},
        status_code=status_code,
    )


@router.get("/articles/new", response_class=HTMLResponse, name="new_article")
def new_article(request: Request) -> HTMLResponse:
    return _form_page(request, values={})


@router.post("/articles", response_class=HTMLResponse, name="create_article")
def post_article(
    request: Request,
    session: SessionDep,
    settings: SettingsDep,
    title: Annotated[str, Form()] = "",
    text: Annotated[str, Form()] = "",
    url: Annotated[str, Form()] = "",
    outlet: Annotated[str, Form()] = "",
    published_at: Annotated[str, Form()] = "",
) -> Response:
    values = {
        "title": title,
        "text": text,
        "url": url,
        "outlet": outlet,
        "published_at": published_at,
    }
    published: date | None = None
    if published_at.strip():
        try:
            published = date.fromisoformat(published_at.strip())
        except ValueError:
            return _form_page(
                request,
                values=values,
                error=f"The published date must be written YYYY-MM-DD, not {published_at!r}.",
                field="published_at",
                status_code=422,
            )
    try:
        created = create_article(
            session,
            article_in=ArticleIn(
                title=title,
                text=text,
                url=url or None,
                outlet=outlet or None,
                published_at=published,
            ),
            settings=settings,
        )
    except ArticleError as exc:
        session.rollback()
        return _form_page(
            request,
            values=values,
            error=str(exc),
            field=exc.field,
            status_code=exc.status_code,
        )
    session.commit()
    target = f"/articles/{created.article.id}"
    if created.duplicate:
        target += "?duplicate=1"
    return RedirectResponse(target, status_code=303)


@router.get("/articles/{article_id}", response_class=HTMLResponse, name="article")
def show_article(
    request: Request,
    article_id: RecordId,
    session: SessionDep,
    duplicate: Annotated[bool, Query()] = False,
) -> HTMLResponse:
    article = get_article_or_raise(session, article_id)
    movements = list(
        session.scalars(
            select(Movement)
            .where(Movement.article_id == article.id, Movement.deleted_at.is_(None))
            .options(
                joinedload(Movement.origin_place),
                joinedload(Movement.destination_place),
            )
            .order_by(Movement.evidence_start, Movement.id)
        )
    )
    return render(
        request,
        "articles/detail.html",
        {
            "article": article,
            "movements": movements,
            "segments": highlight_segments(article.text, movements),
            "duplicate": duplicate,
        },
    )


@router.get("/articles", response_class=HTMLResponse, name="articles")
def list_articles(
    request: Request,
    session: SessionDep,
    before: Annotated[int | None, Query(ge=1)] = None,
) -> HTMLResponse:
    page_size = 50
    stmt = select(Article).where(Article.deleted_at.is_(None)).order_by(Article.id.desc())
    if before is not None:
        stmt = stmt.where(Article.id < before)
    rows = list(session.scalars(stmt.limit(page_size + 1)))
    next_before = rows[page_size - 1].id if len(rows) > page_size else None
    return render(
        request,
        "articles/list.html",
        {"articles": rows[:page_size], "next_before": next_before},
    )
