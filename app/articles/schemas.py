"""What goes in and out of the article endpoints."""

from __future__ import annotations

from datetime import date, datetime

from pydantic import BaseModel, ConfigDict, Field


class ArticleIn(BaseModel):
    """A pasted or posted article. Limits are checked by ``service.validate_article_in``."""

    title: str = Field(description="Headline or a short label")
    text: str = Field(description="The article text, plain")
    url: str | None = Field(default=None, description="Where the article was published")
    outlet: str | None = Field(default=None, description="Publication name")
    published_at: date | None = Field(default=None, description="Publication date, YYYY-MM-DD")


class ArticleOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    title: str
    url: str | None
    outlet: str | None
    published_at: date | None
    language: str | None
    ingested_at: datetime
    extraction_status: str
    extraction_error: str | None
    extractor_version: str | None
    near_duplicate_of_id: int | None


class ArticleDetailOut(ArticleOut):
    text: str


class ArticleCreated(BaseModel):
    article: ArticleOut
    duplicate: bool = Field(description="True when the same text was already stored")
    movements: int = Field(description="Records extracted from this article")


class ArticleList(BaseModel):
    items: list[ArticleOut]
    next: str | None = Field(description="URL of the next page, or null on the last page")
