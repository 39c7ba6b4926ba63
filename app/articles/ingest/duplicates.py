"""Near-duplicates: the same wire story re-published with small edits.

Texts are compared as sets of word 5-grams (shingles). A MinHash signature of 32 values,
cut into 16 bands of 2, is stored per article (``article_band``); articles that share a band
are candidates, and a candidate whose exact shingle Jaccard similarity reaches the threshold is
the original. The band lookup keeps the check one indexed query however many articles exist.
"""

from __future__ import annotations

import hashlib
import re
import struct
import unicodedata
from dataclasses import dataclass

from sqlalchemy import delete, func, select
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.orm import Session

from app.articles.ingest.models import ArticleBand
from app.articles.models import Article

SHINGLE_WORDS = 5
HASHES = 32
BAND_ROWS = 2
_MASK = (1 << 61) - 1
# Fixed, arbitrary odd multipliers and offsets: a signature must be stable across processes.
_SEEDS = [
    (
        int.from_bytes(hashlib.sha256(f"a{i}".encode()).digest()[:8], "big") | 1,
        int.from_bytes(hashlib.sha256(f"b{i}".encode()).digest()[:8], "big"),
    )
    for i in range(HASHES)
]
_WORD = re.compile(r"\w+")


def shingles(text: str) -> set[int]:
    words = _WORD.findall(unicodedata.normalize("NFKC", text).casefold())
    if len(words) < SHINGLE_WORDS:
        grams = [" ".join(words)] if words else []
    else:
        grams = [" ".join(words[i : i + SHINGLE_WORDS]) for i in range(len(words) - 4)]
    return {
        int.from_bytes(hashlib.blake2b(g.encode(), digest_size=8).digest(), "big") for g in grams
    }


def bands(shingle_set: set[int]) -> list[int]:
    """The band keys of a text: signed 64-bit integers (they live in a BIGINT column)."""
    if not shingle_set:
        return []
    signature = [min(((a * s + b) & _MASK) for s in shingle_set) for a, b in _SEEDS]
    keys = []
    for band in range(HASHES // BAND_ROWS):
        rows = signature[band * BAND_ROWS : (band + 1) * BAND_ROWS]
        digest = hashlib.blake2b(
            struct.pack(f">B{BAND_ROWS}Q", band, *rows), digest_size=8
        ).digest()
        keys.append(int.from_bytes(digest, "big", signed=True))
    return keys


def jaccard(a: set[int], b: set[int]) -> float:
    if not a or not b:
        return 0.0
    return len(a & b) / len(a | b)


@dataclass(frozen=True)
class NearDuplicate:
    article_id: int
    similarity: float


def find_near_duplicate(
    session: Session, text: str, *, threshold: float, exclude_id: int | None = None
) -> NearDuplicate | None:
    """The most similar stored article at or above ``threshold``, if any."""
    own = shingles(text)
    keys = bands(own)
    if not keys:
        return None
    stmt = (
        select(ArticleBand.article_id)
        .where(ArticleBand.band.in_(keys))
        .group_by(ArticleBand.article_id)
        .order_by(func.count().desc(), ArticleBand.article_id)
        .limit(5)
    )
    if exclude_id is not None:
        stmt = stmt.where(ArticleBand.article_id != exclude_id)
    candidates = list(session.scalars(stmt))
    if not candidates:
        return None
    best: NearDuplicate | None = None
    rows = session.execute(
        select(Article.id, Article.text).where(
            Article.id.in_(candidates), Article.deleted_at.is_(None)
        )
    )
    for article_id, other_text in rows:
        score = jaccard(own, shingles(other_text))
        if score >= threshold and (best is None or score > best.similarity):
            best = NearDuplicate(article_id=article_id, similarity=round(score, 3))
    return best


def remember(session: Session, article: Article) -> None:
    """Store the article's bands so that later texts can find it."""
    session.execute(delete(ArticleBand).where(ArticleBand.article_id == article.id))
    keys = sorted(set(bands(shingles(article.text))))
    if keys:
        session.execute(
            insert(ArticleBand)
            .values([{"band": key, "article_id": article.id} for key in keys])
            .on_conflict_do_nothing()
        )
