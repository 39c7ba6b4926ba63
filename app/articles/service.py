"""Storing articles and the records extracted from them."""

from __future__ import annotations

import hashlib
import logging
import re
import unicodedata
from dataclasses import dataclass
from urllib.parse import urlsplit

from sqlalchemy import select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.orm import Session

from app.articles.ingest.clean import strip_boilerplate
from app.articles.ingest.duplicates import find_near_duplicate, remember
from app.articles.models import Article, ExtractionStatus
from app.articles.schemas import ArticleIn
from app.movements.service import store_records
from app.settings import Settings

log = logging.getLogger(__name__)

_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


class ArticleError(ValueError):
    """Input that cannot become an article; ``status_code`` is the HTTP answer."""

    def __init__(self, message: str, *, field: str | None = None, status_code: int = 422):
        super().__init__(message)
        self.field = field
        self.status_code = status_code


class ArticleNotFound(LookupError):
    pass


def clean_text(text: str) -> str:
    """Normalise newlines and drop control characters; keep everything else as written."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    return _CONTROL.sub("", unicodedata.normalize("NFC", text)).strip()


def content_hash(text: str) -> str:
    """sha256 of the text with case, width and whitespace differences removed."""
    normal = " ".join(unicodedata.normalize("NFKC", text).casefold().split())
    return hashlib.sha256(normal.encode("utf-8")).hexdigest()


def validate_article_in(data: ArticleIn, settings: Settings) -> ArticleIn:
    """Clean and check an incoming article; raise ``ArticleError`` naming the field at fault."""
    # Newsletter, donation and share lines never belong to the report, whatever the format.
    text = strip_boilerplate(clean_text(data.text))
    if not text:
        raise ArticleError("The article text is empty.", field="text")
    if len(text) > settings.max_article_chars:
        raise ArticleError(
            f"The article text is {len(text):,} characters; the limit is "
            f"{settings.max_article_chars:,} characters.",
            field="text",
            status_code=413,
        )
    title = " ".join(clean_text(data.title).split())
    if not title:
        raise ArticleError("The title is empty.", field="title")
    if len(title) > settings.max_title_chars:
        raise ArticleError(
            f"The title is {len(title):,} characters; the limit is {settings.max_title_chars}.",
            field="title",
        )
    url = (data.url or "").strip() or None
    if url is not None:
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https") or not parts.netloc:
            raise ArticleError("The URL must start with http:// or https://.", field="url")
        if len(url) > settings.max_url_chars:
            raise ArticleError(
                f"The URL is longer than {settings.max_url_chars:,} characters.", field="url"
            )
    outlet = " ".join(clean_text(data.outlet or "").split()) or None
    if outlet is not None and len(outlet) > settings.max_outlet_chars:
        raise ArticleError(
            f"The outlet is longer than {settings.max_outlet_chars} characters.", field="outlet"
        )
    return ArticleIn(title=title, text=text, url=url, outlet=outlet, published_at=data.published_at)


@dataclass(frozen=True)
class CreatedArticle:
    article: Article
    duplicate: bool
    movements: int
    # Set when the text is a re-publication of a stored article (records stay with that one).
    near_duplicate_of_id: int | None = None


def get_article_or_raise(session: Session, article_id: int) -> Article:
    article = session.get(Article, article_id)
    if article is None or article.deleted_at is not None:
        raise ArticleNotFound(f"There is no article #{article_id}.")
    return article


def create_article(
    session: Session,
    *,
    article_in: ArticleIn,
    settings: Settings,
    user_id: int | None = None,
    raw: bytes | None = None,
    raw_content_type: str | None = None,
) -> CreatedArticle:
    """Store an article and extract its movements, or return the existing exact duplicate.

    A near-duplicate (the same story re-published) is stored and linked to the original but
    not extracted, so one report is not counted twice. The caller commits. Extraction failure
    is recorded on the article, never lost.
    """
    article_in = validate_article_in(article_in, settings)
    digest = content_hash(article_in.text)
    existing = session.scalars(select(Article).where(Article.content_sha256 == digest)).first()
    if existing is not None:
        return CreatedArticle(article=existing, duplicate=True, movements=0)
    near = find_near_duplicate(
        session, article_in.text, threshold=settings.near_duplicate_threshold
    )
    # Two imports of the same text may pass the check above at once: the unique hash decides,
    # and the loser links to the winner's article instead of failing.
    inserted_id = session.execute(
        pg_insert(Article)
        .values(
            title=article_in.title,
            text=article_in.text,
            url=article_in.url,
            outlet=article_in.outlet,
            published_at=article_in.published_at,
            content_sha256=digest,
            ingested_by_id=user_id,
            raw=raw,
            raw_content_type=raw_content_type,
            extraction_status=ExtractionStatus.PENDING.value,
            near_duplicate_of_id=near.article_id if near else None,
        )
        .on_conflict_do_nothing(index_elements=[Article.content_sha256])
        .returning(Article.id)
    ).scalar_one_or_none()
    if inserted_id is None:
        winner = session.scalars(select(Article).where(Article.content_sha256 == digest)).one()
        return CreatedArticle(article=winner, duplicate=True, movements=0)
    article = session.get_one(Article, inserted_id)
    remember(session, article)
    if near is not None:
        article.extraction_status = ExtractionStatus.DONE.value
        return CreatedArticle(
            article=article, duplicate=False, movements=0, near_duplicate_of_id=near.article_id
        )
    count = extract_article(session, article)
    return CreatedArticle(article=article, duplicate=False, movements=count)


def extract_article(session: Session, article: Article) -> int:
    """Run the extractor over ``article`` and store its records; return how many."""
    from app import extraction  # the engine loads language models lazily

    try:
        article.language = extraction.detect_language(article.text)
        records = extraction.extract(
            article.text, published=article.published_at, language=article.language
        )
    except Exception as exc:  # an extractor bug must not lose the analyst's article
        log.exception("extraction failed for article %s", article.id)
        article.extraction_status = ExtractionStatus.FAILED.value
        article.extraction_error = f"{type(exc).__name__}: {exc}"[:2000]
        return 0
    stored = store_records(session, article=article, records=records)
    article.extraction_status = ExtractionStatus.DONE.value
    article.extraction_error = None
    article.extractor_version = extraction.EXTRACTOR_VERSION
    return stored
