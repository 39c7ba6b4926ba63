"""Rows for tests, with sensible defaults and any field overridable."""

from __future__ import annotations

import itertools
from datetime import date
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.articles.models import Article
from app.articles.service import content_hash
from app.entities.models import Place
from app.movements.models import Movement
from app.settings import Settings
from app.users.models import User, UserSession
from app.users.service import hash_password, hash_token, start_session

_seq = itertools.count(1)


def make_article(session: Session, **fields: Any) -> Article:
    n = next(_seq)
    text = fields.pop("text", f"Test article number {n}. Troops moved from A to B.")
    values: dict[str, Any] = {
        "title": f"Article {n}",
        "text": text,
        "content_sha256": content_hash(text),
        "outlet": "Test Outlet",
        "published_at": date(2026, 1, 1),
        "extraction_status": "done",
    }
    values.update(fields)
    article = Article(**values)
    session.add(article)
    session.flush()
    return article


def make_place(session: Session, name: str, **fields: Any) -> Place:
    values: dict[str, Any] = {
        "key": f"test:{name.lower().replace(' ', '-')}-{next(_seq)}",
        "name": name,
        "kind": "region",
        "country_code": "RU",
        "lat": 51.7,
        "lon": 36.2,
    }
    values.update(fields)
    place = Place(**values)
    session.add(place)
    session.flush()
    return place


def make_movement(session: Session, article: Article | None = None, **fields: Any) -> Movement:
    article = article or make_article(session)
    evidence = fields.pop("evidence", "Troops moved from A to B.")
    values: dict[str, Any] = {
        "article_id": article.id,
        "unit_text": "troops",
        "side": "Russia",
        "origin_text": "Belgorod",
        "destination_text": "Kursk region",
        "source_text": "a spokesman",
        "status": "reported",
        "event_date": date(2026, 1, 1),
        "date_precision": "day",
        "evidence": evidence,
        "evidence_start": 0,
        "evidence_end": len(evidence),
        "confidence": 0.8,
    }
    values.update(fields)
    movement = Movement(**values)
    session.add(movement)
    session.flush()
    return movement


TEST_PASSWORD = "correct horse battery staple"
_password_hash: list[str] = []


def test_password_hash() -> str:
    """One argon2 hash of ``TEST_PASSWORD`` per run: hashing is slow on purpose."""
    if not _password_hash:
        _password_hash.append(hash_password(TEST_PASSWORD))
    return _password_hash[0]


def make_user(session: Session, role: str = "viewer", **fields: Any) -> User:
    values: dict[str, Any] = {
        "username": f"{role}{next(_seq)}",
        "password_hash": test_password_hash(),
        "role": role,
        "is_active": True,
    }
    values.update(fields)
    user = User(**values)
    session.add(user)
    session.flush()
    return user


def start_test_session(session: Session, user: User) -> tuple[str, str]:
    """A signed-in session for ``user``: (cookie token, CSRF token)."""
    token = start_session(session, user, settings=Settings(environment="test"))
    csrf = session.execute(
        select(UserSession.csrf_token).where(UserSession.token_hash == hash_token(token))
    ).scalar_one()
    return token, csrf
