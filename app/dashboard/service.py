"""What changed lately: counts over the last day and week, each backed by a table filter."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import Date, cast, func, select
from sqlalchemy.orm import Session

from app.articles.models import Article
from app.movements.aggregates import ValueCounts, choose_sample, value_counts
from app.movements.filters import MovementFilters
from app.movements.models import Movement, ReviewStatus
from app.movements.queries import count_or_estimate, select_filtered

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
    # Some figure is the planner's estimate or counted in a sample: shown as "about".
    estimated: bool = False


@dataclass(frozen=True)
class Dashboard:
    now: datetime
    windows: list[Window]
    total: int
    pending_total: int
    daily: list[tuple[date, int]]
    recent_articles: list[Article]
    estimated: bool = False

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
    added_count, added_estimated = count_or_estimate(session, added)
    pending_count, pending_estimated = count_or_estimate(session, pending)
    sample = choose_sample(session, added)
    return Window(
        key=key,
        heading=heading,
        since=since,
        added=added,
        added_count=added_count,
        pending=pending,
        pending_count=pending_count,
        destinations=value_counts(session, added, "destination", limit=5, sample=sample),
        units=value_counts(session, added, "unit", limit=5, sample=sample),
        articles=int(articles or 0),
        estimated=added_estimated or pending_estimated or sample is not None,
    )


def dashboard(session: Session, now: datetime, *, days: int = 14) -> Dashboard:
    """The home page's figures as of ``now`` (a minute-rounded time keeps its links stable)."""
    now = now.replace(second=0, microsecond=0)
    windows = [_window(session, key, heading, now - delta) for key, heading, delta in WINDOWS]
    first = (now - timedelta(days=days - 1)).date()
    day = cast(func.timezone("UTC", Movement.created_at), Date).label("day")
    since = datetime.combine(first, datetime.min.time(), tzinfo=now.tzinfo)
    added = MovementFilters(added_after=since - timedelta(microseconds=1))
    sample = choose_sample(session, added)
    by_day = select_filtered(added, day, func.count().label("n")).group_by(day)
    counted: dict[date, int] = {
        row.day: int(row.n) if sample is None else sample.scale(int(row.n))
        for row in session.execute(by_day if sample is None else sample.apply(by_day))
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
    total, total_estimated = count_or_estimate(session, MovementFilters())
    pending_total, pending_estimated = count_or_estimate(
        session, MovementFilters(review=ReviewStatus.PENDING)
    )
    return Dashboard(
        now=now,
        windows=windows,
        total=total,
        pending_total=pending_total,
        daily=daily,
        recent_articles=recent,
        estimated=total_estimated or pending_estimated or sample is not None,
    )
