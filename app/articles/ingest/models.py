"""Locality-sensitive fingerprints of article texts, for finding near-duplicates quickly."""

from __future__ import annotations

from sqlalchemy import BigInteger, ForeignKey, Index
from sqlalchemy.orm import Mapped, mapped_column

from app.db import Base


class ArticleBand(Base):
    """One MinHash band of an article; articles sharing a band are near-duplicate candidates."""

    __tablename__ = "article_band"
    __table_args__ = (Index("ix_article_band_article_id", "article_id"),)

    band: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    article_id: Mapped[int] = mapped_column(
        ForeignKey("article.id", ondelete="CASCADE"), primary_key=True
    )
