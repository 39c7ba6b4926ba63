"""What changed lately: counts over the last day and week, each backed by a table filter."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import Date, cast, func, select
from sqlalchemy.orm import Session

from app.articles.models import Article
from app.movements.aggregates import ValueCounts, value_counts
from app.movements.filters import MovementFilters
from app.movements.models import Movement, ReviewStatus
from app.movements.queries import count_movements, select_filtered

WINDOWS = (("24h", "Last 24 hours", timedelta(hours=24)), ("7d", "Last 7 days", timedelta(days=7)))


@dataclass(frozen=True)
class Window:
    key: str
    heading: str
    since: datetime
    added: MovementFilters
    added_count: int
    pending: MovementFilters
    pending_count: int
    destinations: ValueCounts
    units: ValueCounts
    articles: int


@dataclass(frozen=True)
class Dashboard:
    now: datetime
    windows: list[Window]
    total: int
    pending_total: int
    daily: list[tuple[date, int]]
    recent_articles: list[Article]

    @property
    def daily_peak(self) -> int:
        return max((n for _, n in self.daily), default=0)


def _window(session: Session, key: str, heading: str, since: datetime) -> Window:
    added = MovementFilters(added_after=since)
    pending = MovementFilters(added_after=since, review=ReviewStatus.PENDING)
    articles = session.scalar(
        select(func.count(Article.id)).where(
            Article.ingested_at > since, Article.deleted_at.is_(None)
        )
    )
    return Window(
        key=key,
        heading=heading,
        since=since,
        added=added,
        added_count=count_movements(session, added),
        pending=pending,
        pending_count=count_movements(session, pending),
        destinations=value_counts(session, added, "destination", limit=5),
        units=value_counts(session, added, "unit", limit=5),
        articles=int(articles or 0),
    )


def dashboard(session: Session, now: datetime, *, days: int = 14) -> Dashboard:
    """The home page's figures as of ``now`` (a minute-rounded time keeps its links stable)."""
    now = now.replace(second=0, microsecond=0)
    windows = [_window(session, key, heading, now - delta) for key, heading, delta in WINDOWS]
    first = (now - timedelta(days=days - 1)).date()
    day = cast(func.timezone("UTC", Movement.created_at), Date).label("day")
    since = datetime.combine(first, datetime.min.time(), tzinfo=now.tzinfo)
    added = MovementFilters(added_after=since - timedelta(microseconds=1))
    counted: dict[date, int] = {
        row.day: int(row.n)
        for row in session.execute(
            select_filtered(added, day, func.count().label("n")).group_by(day)
        )
    }
    daily = [
        (first + timedelta(days=i), int(counted.get(first + timedelta(days=i), 0)))
        for i in range(days)
    ]
    recent = list(
        session.scalars(
            select(Article)
            .where(Article.deleted_at.is_(None))
            .order_by(Article.ingested_at.desc(), Article.id.desc())
            .limit(5)
        )
    )
    return Dashboard(
        now=now,
        windows=windows,
        total=count_movements(session, MovementFilters()),
        pending_total=count_movements(session, MovementFilters(review=ReviewStatus.PENDING)),
        daily=daily,
        recent_articles=recent,
    )
