"""Demo articles (written for Troopwatch) loaded on an empty database by `make run`."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.articles.models import Article
from app.articles.schemas import ArticleIn
from app.articles.service import create_article
from app.settings import Settings

ARTICLES = Path(__file__).resolve().parent / "articles"


def load_demo_articles(session: Session, *, settings: Settings, only_if_empty: bool) -> int:
    """Store every demo article; with ``only_if_empty`` do nothing when articles exist."""
    if only_if_empty and session.execute(select(func.count(Article.id))).scalar_one():
        return 0
    stored = 0
    for path in sorted(ARTICLES.glob("*.json")):
        data = json.loads(path.read_text(encoding="utf-8"))
        created = create_article(
            session,
            article_in=ArticleIn(
                title=data["title"],
                text=data["text"],
                url=data.get("url"),
                outlet=data.get("outlet"),
                published_at=date.fromisoformat(data["published_at"])
                if data.get("published_at")
                else None,
            ),
            settings=settings,
        )
        stored += not created.duplicate
    return stored
