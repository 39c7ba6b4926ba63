"""The review queue: pending records, oldest or least confident first."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from sqlalchemy import func, select
from sqlalchemy.orm import Session, joinedload

from app.articles.models import Article
from app.movements.models import Movement, ReviewStatus

QueueOrder = Literal["confidence", "oldest"]
QUEUE_ORDERS: tuple[QueueOrder, ...] = ("confidence", "oldest")
# Characters of context shown around evidence when its paragraph is very long.
CONTEXT_CHARS = 400


def _pending() -> list[object]:
    return [
        Movement.review_status == ReviewStatus.PENDING.value,
        Movement.deleted_at.is_(None),
        Article.deleted_at.is_(None),
    ]


def pending_count(session: Session) -> int:
    stmt = (
        select(func.count(Movement.id))
        .join(Article, Article.id == Movement.article_id)
        .where(*_pending())  # type: ignore[arg-type]  # boolean column expressions
    )
    return int(session.execute(stmt).scalar_one())


def pending_movements(session: Session, *, order: QueueOrder, limit: int) -> list[Movement]:
    """The next ``limit`` pending records; both orders are served by a partial index."""
    keys = (
        (Movement.confidence, Movement.id)
        if order == "confidence"
        else (Movement.created_at, Movement.id)
    )
    stmt = (
        select(Movement)
        .join(Movement.article)
        .where(*_pending())  # type: ignore[arg-type]  # boolean column expressions
        .options(
            joinedload(Movement.article),  # already joined: one row per movement
            joinedload(Movement.origin_place),
            joinedload(Movement.destination_place),
            joinedload(Movement.unit),
            joinedload(Movement.source),
        )
        .order_by(*keys)
        .limit(limit)
    )
    return list(session.scalars(stmt).unique())


@dataclass(frozen=True)
class EvidenceContext:
    """The paragraph around an evidence span, split so the span can be marked."""

    before: str
    evidence: str
    after: str
    clipped_start: bool
    clipped_end: bool


def evidence_context(text: str, start: int, end: int) -> EvidenceContext:
    if not 0 <= start <= end <= len(text):
        return EvidenceContext("", "", "", False, False)
    para_start = text.rfind("\n", 0, start) + 1
    para_end = text.find("\n", end)
    if para_end == -1:
        para_end = len(text)
    lo = max(para_start, start - CONTEXT_CHARS)
    hi = min(para_end, end + CONTEXT_CHARS)
    return EvidenceContext(
        before=text[lo:start],
        evidence=text[start:end],
        after=text[end:hi],
        clipped_start=lo > para_start,
        clipped_end=hi < para_end,
    )
