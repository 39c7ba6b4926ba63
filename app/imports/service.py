"""Import batches: creating them, queueing their items, and the work each item's job does.

Every item is processed by one job, in two short transactions: the first marks it running,
the second stores the result. Both lock the item row and return early when it is already
finished, and articles are unique by content hash, so a job that is retried (or run twice
after a worker died) never stores anything twice.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from pathlib import PurePosixPath

from sqlalchemy import func, select, text, update
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

import app.models  # noqa: F401  (every mapped class, so that foreign keys resolve)
from app.articles.ingest.archive import ZipLimits, read_zip
from app.articles.ingest.fetch import FEED_TYPES, HTML_TYPES, TEXT_TYPES, fetch
from app.articles.ingest.formats import (
    Document,
    IngestError,
    TransientIngestError,
    content_type_for,
    parse_file,
    parse_html,
    parse_plain,
)
from app.articles.models import Article, ExtractionStatus
from app.articles.schemas import ArticleIn
from app.articles.service import ArticleError, create_article
from app.db import SessionFactory
from app.imports.models import (
    FINISHED_STATUSES,
    BatchKind,
    Feed,
    ImportBatch,
    ImportItem,
    ItemKind,
    ItemStatus,
)
from app.settings import Settings

log = logging.getLogger(__name__)

QUEUE = "ingest"
PROCESS_ITEM_TASK = "process_import_item"


class ImportNotFound(LookupError):
    pass


@dataclass(frozen=True)
class UploadedFile:
    """A file as the request delivered it; ``error`` when it was refused while reading."""

    name: str
    data: bytes | None
    error: str | None = None


@dataclass(frozen=True)
class Progress:
    total: int
    queued: int
    running: int
    done: int
    failed: int
    duplicate: int

    @property
    def finished(self) -> int:
        return self.done + self.failed + self.duplicate

    @property
    def complete(self) -> bool:
        return self.finished == self.total

    @property
    def percent(self) -> int:
        return 100 if self.total == 0 else round(100 * self.finished / self.total)


# --- creating batches -------------------------------------------------------------------


def create_batch(
    session: Session,
    *,
    kind: BatchKind,
    label: str,
    user_id: int | None = None,
    feed_id: int | None = None,
) -> ImportBatch:
    batch = ImportBatch(kind=kind.value, label=label[:300], created_by_id=user_id, feed_id=feed_id)
    session.add(batch)
    session.flush()
    return batch


def _zip_limits(settings: Settings) -> ZipLimits:
    return ZipLimits(
        max_entries=settings.max_zip_entries,
        max_total_bytes=settings.max_zip_total_bytes,
        max_ratio=settings.max_zip_ratio,
        max_file_bytes=settings.max_upload_file_bytes,
    )


def _unique_name(name: str, taken: set[str]) -> str:
    candidate, n = name, 1
    while candidate in taken:
        n += 1
        candidate = f"{name} ({n})"
    taken.add(candidate)
    return candidate[:2000]


def add_files(
    session: Session, batch: ImportBatch, files: Sequence[UploadedFile], settings: Settings
) -> list[ImportItem]:
    """One item per file (zips are unpacked, each entry an item); refused files become
    failed items carrying their reason, so the batch reports every one of them."""
    items: list[ImportItem] = []
    taken: set[str] = set()

    def add(name: str, data: bytes | None, error: str | None) -> None:
        item = ImportItem(
            batch_id=batch.id,
            kind=ItemKind.FILE.value,
            source=_unique_name(name, taken),
            content_type=content_type_for(name),
            payload=None if error else data,
            status=ItemStatus.FAILED.value if error else ItemStatus.QUEUED.value,
            reason=error,
        )
        items.append(item)

    for upload in files:
        if upload.error is not None or upload.data is None:
            add(upload.name, None, upload.error or "The file could not be read.")
        elif PurePosixPath(upload.name.lower()).suffix == ".zip":
            try:
                for entry in read_zip(upload.data, _zip_limits(settings)):
                    add(f"{upload.name}/{entry.name}", entry.data, entry.error)
            except IngestError as exc:
                add(upload.name, None, str(exc))
        elif content_type_for(upload.name) is None:
            suffix = PurePosixPath(upload.name).suffix or "(none)"
            add(upload.name, None, f"Unsupported file type {suffix}.")
        else:
            add(upload.name, upload.data, None)
    session.add_all(items)
    session.flush()
    return items


def add_urls(
    session: Session, batch: ImportBatch, urls: Iterable[str], *, feed: bool
) -> list[ImportItem]:
    kind = ItemKind.FEED if feed else ItemKind.URL
    items = [
        ImportItem(batch_id=batch.id, kind=kind.value, source=url[:2000])
        for url in dict.fromkeys(u.strip() for u in urls if u.strip())
    ]
    session.add_all(items)
    session.flush()
    return items


def enqueue(session: Session, items: Sequence[ImportItem]) -> int:
    """Queue one job per queued item, in the caller's transaction: a batch and its jobs are
    committed together or not at all."""
    ids = [item.id for item in items if item.status == ItemStatus.QUEUED.value]
    if ids:
        _defer(session, ids)
    return len(ids)


def _defer(session: Session, item_ids: Sequence[int]) -> None:
    # procrastinate's own versioned SQL entry point, so that deferring joins our transaction.
    session.execute(
        text(
            "SELECT procrastinate_defer_jobs_v1(ARRAY("
            " SELECT ROW(:queue, :task, 0, NULL, NULL, jsonb_build_object('item_id', id),"
            " NULL)::procrastinate_job_to_defer_v1 FROM unnest(CAST(:ids AS bigint[])) AS id"
            "))"
        ),
        {"queue": QUEUE, "task": PROCESS_ITEM_TASK, "ids": list(item_ids)},
    )


def create_reextract_batch(
    session: Session, *, article_ids: Sequence[int] | None = None, user_id: int | None = None
) -> ImportBatch:
    """A batch with one item per article to run the current extractor over again."""
    # Near-duplicates keep no records of their own: their report is counted on the original.
    stmt = (
        select(Article.id)
        .where(Article.deleted_at.is_(None), Article.near_duplicate_of_id.is_(None))
        .order_by(Article.id)
    )
    if article_ids is not None:
        stmt = stmt.where(Article.id.in_(article_ids))
    ids = list(session.scalars(stmt))
    batch = create_batch(
        session,
        kind=BatchKind.REEXTRACT,
        label=f"Re-extract {len(ids):,} article(s)",
        user_id=user_id,
    )
    items = [
        ImportItem(batch_id=batch.id, kind=ItemKind.ARTICLE.value, source=str(i), article_id=i)
        for i in ids
    ]
    session.add_all(items)
    session.flush()
    enqueue(session, items)
    return batch


# --- reading batches --------------------------------------------------------------------


def get_batch_or_raise(session: Session, batch_id: int) -> ImportBatch:
    batch = session.get(ImportBatch, batch_id)
    if batch is None:
        raise ImportNotFound(f"There is no import #{batch_id}.")
    return batch


def batch_progress(session: Session, batch_id: int) -> Progress:
    counts = dict(
        session.execute(
            select(ImportItem.status, func.count())
            .where(ImportItem.batch_id == batch_id)
            .group_by(ImportItem.status)
        ).all()
    )
    return Progress(
        total=sum(counts.values()),
        queued=counts.get(ItemStatus.QUEUED.value, 0),
        running=counts.get(ItemStatus.RUNNING.value, 0),
        done=counts.get(ItemStatus.DONE.value, 0),
        failed=counts.get(ItemStatus.FAILED.value, 0),
        duplicate=counts.get(ItemStatus.DUPLICATE.value, 0),
    )


def batch_items(session: Session, batch_id: int, *, status: str | None = None) -> list[ImportItem]:
    stmt = select(ImportItem).where(ImportItem.batch_id == batch_id).order_by(ImportItem.id)
    if status is not None:
        stmt = stmt.where(ImportItem.status == status)
    return list(session.scalars(stmt))


def recent_batches(session: Session, *, limit: int = 20) -> list[tuple[ImportBatch, Progress]]:
    batches = list(
        session.scalars(select(ImportBatch).order_by(ImportBatch.id.desc()).limit(limit))
    )
    return [(b, batch_progress(session, b.id)) for b in batches]


# --- feeds ------------------------------------------------------------------------------


# The bounds of a saved feed's poll interval, in minutes (five minutes to a week).
POLL_MINUTES_MIN = 5
POLL_MINUTES_MAX = 10_080


class FeedNotFound(ImportNotFound):
    pass


class FeedError(ValueError):
    """A change to a saved feed that cannot be made; the message is shown to the user."""


def save_feed(session: Session, url: str, *, poll_minutes: int = 60) -> Feed:
    feed = session.scalars(select(Feed).where(Feed.url == url)).first()
    if feed is None:
        feed = Feed(url=url[:2000], poll_minutes=poll_minutes)
        session.add(feed)
        session.flush()
    elif feed.removed_at is not None:
        # Saving a removed feed's URL again is asking for it back, polled as now requested.
        feed.removed_at = None
        feed.paused_at = None
        feed.poll_minutes = poll_minutes
    return feed


def list_feeds(session: Session) -> list[Feed]:
    """Every saved feed, removed ones included (the page lists them apart, to restore)."""
    return list(session.scalars(select(Feed).order_by(Feed.id)))


def get_feed_or_raise(session: Session, feed_id: int) -> Feed:
    feed = session.get(Feed, feed_id)
    if feed is None:
        raise FeedNotFound(f"There is no saved feed #{feed_id}.")
    return feed


def parse_poll_minutes(value: str) -> int:
    try:
        minutes = int(value.strip())
    except ValueError:
        minutes = None
    if minutes is None or not POLL_MINUTES_MIN <= minutes <= POLL_MINUTES_MAX:
        raise FeedError(
            f"The poll interval must be a whole number of minutes from {POLL_MINUTES_MIN} "
            f"to {POLL_MINUTES_MAX:,}."
        )
    return minutes


def _live(feed: Feed) -> Feed:
    if feed.removed_at is not None:
        raise FeedError("This feed was removed; restore it first.")
    return feed


def set_poll_minutes(feed: Feed, minutes: int) -> None:
    _live(feed).poll_minutes = minutes


def pause_feed(feed: Feed, *, now: datetime | None = None) -> None:
    if _live(feed).paused_at is None:
        feed.paused_at = now or datetime.now(UTC)


def resume_feed(feed: Feed) -> None:
    _live(feed).paused_at = None


def remove_feed(feed: Feed, *, now: datetime | None = None) -> None:
    if feed.removed_at is None:
        feed.removed_at = now or datetime.now(UTC)


def restore_feed(feed: Feed) -> None:
    feed.removed_at = None


def _poll(session: Session, feed: Feed, now: datetime, user_id: int | None) -> ImportBatch:
    feed.last_polled_at = now
    batch = create_batch(
        session, kind=BatchKind.FEED, label=feed.url, feed_id=feed.id, user_id=user_id
    )
    enqueue(session, add_urls(session, batch, [feed.url], feed=True))
    return batch


def poll_feed_now(
    session: Session, feed: Feed, *, user_id: int | None = None, now: datetime | None = None
) -> ImportBatch:
    """A batch for one feed right away, paused or not; its next scheduled poll counts from now."""
    return _poll(session, _live(feed), now or datetime.now(UTC), user_id)


def poll_due_feeds(session: Session, *, now: datetime | None = None) -> list[ImportBatch]:
    """Start a batch for every saved feed, neither paused nor removed, whose interval has passed."""
    now = now or datetime.now(UTC)
    batches = []
    feeds = session.scalars(
        select(Feed)
        .where(Feed.paused_at.is_(None), Feed.removed_at.is_(None))
        .order_by(Feed.id)
        .with_for_update(skip_locked=True)
    )
    for feed in feeds:
        due = feed.last_polled_at is None or (
            feed.last_polled_at + timedelta(minutes=feed.poll_minutes) <= now
        )
        if due:
            batches.append(_poll(session, feed, now, None))
    return batches


# --- the job's work ---------------------------------------------------------------------


@dataclass(frozen=True)
class _Claim:
    kind: str
    source: str
    batch_id: int
    article_id: int | None
    payload: bytes | None


def _claim(session_factory: SessionFactory, item_id: int) -> _Claim | None:
    """Mark the item running (committed, so the page shows it); None when already finished."""
    with session_factory() as session:
        item = session.get(ImportItem, item_id, with_for_update=True)
        if item is None or item.status in FINISHED_STATUSES:
            return None
        item.status = ItemStatus.RUNNING.value
        item.attempts += 1
        claim = _Claim(item.kind, item.source, item.batch_id, item.article_id, item.payload)
        session.commit()
        return claim


def _finish(
    session: Session,
    item_id: int,
    status: ItemStatus,
    reason: str | None = None,
    article_id: int | None = None,
) -> None:
    session.execute(
        update(ImportItem)
        .where(ImportItem.id == item_id)
        .values(
            status=status.value,
            reason=reason[:4000] if reason else None,
            article_id=article_id,
            payload=None,
        )
    )


def process_item(
    session_factory: SessionFactory, item_id: int, settings: Settings, *, last_attempt: bool
) -> None:
    """The whole job for one item. Raises only to ask for a retry (transient failures and
    unexpected errors before the last attempt); otherwise the item ends done, duplicate or
    failed with its reason."""
    claim = _claim(session_factory, item_id)
    if claim is None:
        return
    try:
        if claim.kind == ItemKind.ARTICLE.value:
            _reextract(session_factory, item_id, claim, settings)
        elif claim.kind == ItemKind.FEED.value:
            _read_feed(session_factory, item_id, claim, settings)
        else:
            document, raw = _document(claim, settings)
            _store(session_factory, item_id, claim, document, raw, settings)
    except TransientIngestError as exc:
        _give_up_or_retry(session_factory, item_id, claim, str(exc), last_attempt=last_attempt)
    except IngestError as exc:
        with session_factory() as session:
            _finish(session, item_id, ItemStatus.FAILED, str(exc))
            _note_feed_error(session, claim, str(exc))
            session.commit()
    except Exception as exc:
        log.exception("import item %s failed", item_id)
        _give_up_or_retry(
            session_factory,
            item_id,
            claim,
            f"Unexpected error: {type(exc).__name__}: {exc}",
            last_attempt=last_attempt,
        )


def _note_feed_error(session: Session, claim: _Claim, reason: str) -> None:
    """A saved feed whose poll failed shows why on /imports until a poll succeeds."""
    if claim.kind != ItemKind.FEED.value:
        return
    batch = session.get(ImportBatch, claim.batch_id)
    if batch is not None and batch.feed_id is not None:
        feed = session.get(Feed, batch.feed_id)
        if feed is not None:
            feed.last_error = reason[:4000]


def _give_up_or_retry(
    session_factory: SessionFactory,
    item_id: int,
    claim: _Claim,
    reason: str,
    *,
    last_attempt: bool,
) -> None:
    with session_factory() as session:
        if last_attempt:
            _finish(session, item_id, ItemStatus.FAILED, reason)
            _note_feed_error(session, claim, reason)
        else:
            session.execute(
                update(ImportItem)
                .where(ImportItem.id == item_id)
                .values(status=ItemStatus.QUEUED.value, reason=f"Will retry: {reason}")
            )
        session.commit()
    if not last_attempt:
        raise TransientIngestError(reason)


def _document(claim: _Claim, settings: Settings) -> tuple[Document, bytes]:
    """The parsed document and the original bytes (kept on the article)."""
    if claim.kind == ItemKind.URL.value:
        fetched = fetch(claim.source, settings)
        if fetched.content_type in HTML_TYPES:
            document = parse_html(fetched.body, url=fetched.url)
        else:
            document = parse_plain(fetched.body)
        if not document.url:
            document = replace(document, url=fetched.url)
        return document, fetched.body
    if claim.payload is None:
        raise IngestError("The uploaded bytes are gone; upload the file again.")
    return parse_file(claim.source, claim.payload), claim.payload


def _article_in(document: Document, claim: _Claim, settings: Settings) -> ArticleIn:
    title = (document.title or PurePosixPath(claim.source).name or "Untitled").strip()
    url = (
        document.url if document.url and document.url.startswith(("http://", "https://")) else None
    )
    if url and len(url) > settings.max_url_chars:
        url = None
    return ArticleIn(
        title=" ".join(title.split())[: settings.max_title_chars],
        text=document.text,
        url=url,
        outlet=(document.outlet or "")[: settings.max_outlet_chars] or None,
        published_at=document.published_at,
    )


def _store(
    session_factory: SessionFactory,
    item_id: int,
    claim: _Claim,
    document: Document,
    raw: bytes,
    settings: Settings,
) -> None:
    article_in = _article_in(document, claim, settings)
    for _attempt in range(2):
        with session_factory() as session:
            item = session.get(ImportItem, item_id, with_for_update=True)
            if item is None or item.status in FINISHED_STATUSES:
                return
            try:
                created = create_article(
                    session,
                    article_in=article_in,
                    settings=settings,
                    raw=raw,
                    raw_content_type=document.content_type,
                )
            except ArticleError as exc:
                session.rollback()
                _finish(session, item_id, ItemStatus.FAILED, str(exc))
                session.commit()
                return
            except IntegrityError:
                # Another job stored the same text a moment ago: the next pass links to it.
                session.rollback()
                continue
            if created.duplicate:
                _finish(
                    session,
                    item_id,
                    ItemStatus.DUPLICATE,
                    f"Same text as article #{created.article.id}; not stored again.",
                    created.article.id,
                )
            elif created.near_duplicate_of_id is not None:
                _finish(
                    session,
                    item_id,
                    ItemStatus.DUPLICATE,
                    f"Near-duplicate of article #{created.near_duplicate_of_id} (the same "
                    "story re-published); stored and linked, its records are not counted again.",
                    created.article.id,
                )
            else:
                note = None
                if created.article.extraction_status == ExtractionStatus.FAILED.value:
                    note = f"Stored, but extraction failed: {created.article.extraction_error}"
                _finish(session, item_id, ItemStatus.DONE, note, created.article.id)
            session.commit()
            return
    raise TransientIngestError("The article could not be stored (concurrent writes); retrying.")


def _read_feed(
    session_factory: SessionFactory, item_id: int, claim: _Claim, settings: Settings
) -> None:
    import feedparser

    fetched = fetch(claim.source, settings, accept=FEED_TYPES + HTML_TYPES + TEXT_TYPES)
    parsed = feedparser.parse(fetched.body)
    problem = parsed.get("bozo_exception")
    if parsed.get("bozo") and (not parsed.entries or _is_xml_error(problem)):
        raise IngestError(f"The feed is not well-formed XML: {problem}")
    links: list[str] = []
    embedded: list[tuple[str, bytes]] = []
    for entry in parsed.entries:
        link = str(entry.get("link") or "").strip()
        if link.startswith(("http://", "https://")):
            links.append(link)
        else:
            body = _entry_content(entry)
            if body:
                title = str(entry.get("title") or "entry").strip()[:150]
                embedded.append((f"{title}.html", body.encode("utf-8")))
    feed_title = str(parsed.feed.get("title") or "").strip()[:300] or None
    with session_factory() as session:
        item = session.get(ImportItem, item_id, with_for_update=True)
        if item is None or item.status in FINISHED_STATUSES:
            return
        # A page's canonical URL may differ from the feed's link: both count as stored.
        stored = set(session.scalars(select(Article.url).where(Article.url.in_(links))))
        stored |= set(
            session.scalars(
                select(ImportItem.source).where(
                    ImportItem.kind == ItemKind.URL.value,
                    ImportItem.source.in_(links),
                    ImportItem.status.in_([ItemStatus.DONE.value, ItemStatus.DUPLICATE.value]),
                )
            )
        )
        new = [link for link in dict.fromkeys(links) if link not in stored]
        rows = [{"batch_id": claim.batch_id, "kind": "url", "source": u} for u in new]
        rows += [
            {
                "batch_id": claim.batch_id,
                "kind": "file",
                "source": n,
                "payload": b,
                "content_type": "text/html",
            }
            for n, b in embedded
        ]
        ids: list[int] = []
        if rows:
            ids = list(
                session.scalars(
                    insert(ImportItem)
                    .values([{**row, "status": "queued"} for row in rows])
                    .on_conflict_do_nothing(constraint="uq_import_item_batch_id_kind_source")
                    .returning(ImportItem.id)
                )
            )
            if ids:
                _defer(session, ids)
        batch = session.get(ImportBatch, claim.batch_id)
        if batch is not None and batch.feed_id is not None:
            feed = session.get(Feed, batch.feed_id)
            if feed is not None:
                feed.title = feed_title or feed.title
                feed.last_error = None
        skipped = len(set(links)) - len(new)
        _finish(
            session,
            item_id,
            ItemStatus.DONE,
            f"{feed_title or 'Feed'}: {len(parsed.entries)} entries, {len(ids)} new, "
            f"{skipped} already stored.",
        )
        session.commit()


def _is_xml_error(problem: object) -> bool:
    import xml.sax

    return isinstance(problem, xml.sax.SAXException)


def _entry_content(entry: object) -> str | None:
    get = getattr(entry, "get", None)
    if get is None:
        return None
    contents = get("content") or []
    for content in contents:
        value = content.get("value") if hasattr(content, "get") else None
        if value:
            return str(value)
    summary = get("summary")
    return str(summary) if summary else None


def _reextract(
    session_factory: SessionFactory, item_id: int, claim: _Claim, settings: Settings
) -> None:
    from app import extraction
    from app.movements.service import replace_machine_records

    with session_factory() as session:
        item = session.get(ImportItem, item_id, with_for_update=True)
        if item is None or item.status in FINISHED_STATUSES:
            return
        article = session.get(Article, claim.article_id) if claim.article_id else None
        if article is None or article.deleted_at is not None:
            _finish(session, item_id, ItemStatus.FAILED, "The article no longer exists.")
            session.commit()
            return
        try:
            language = extraction.detect_language(article.text)
            records = extraction.extract(
                article.text, published=article.published_at, language=language
            )
        except Exception as exc:  # an extractor bug must not touch the stored records
            log.exception("re-extraction failed for article %s", article.id)
            _finish(
                session,
                item_id,
                ItemStatus.FAILED,
                f"Extraction failed: {type(exc).__name__}: {exc}; records left as they were.",
                article.id,
            )
            session.commit()
            return
        kept, added = replace_machine_records(session, article=article, records=records)
        article.language = language
        article.extraction_status = ExtractionStatus.DONE.value
        article.extraction_error = None
        article.extractor_version = extraction.EXTRACTOR_VERSION
        _finish(
            session,
            item_id,
            ItemStatus.DONE,
            f"{added} machine record(s); {kept} analyst record(s) kept as they were.",
            article.id,
        )
        session.commit()


def batch_summary_json(progress: Progress) -> str:
    return json.dumps(progress.__dict__)


def fail_items_of_failed_jobs(session: Session) -> int:
    """Mark failed the unfinished items whose job procrastinate gave up on (it ran out of
    attempts while the database itself was failing), so that no batch waits forever."""
    result = session.execute(
        text(
            "UPDATE import_item AS item SET status = 'failed', reason = :reason "
            "FROM procrastinate_jobs AS job "
            "WHERE job.task_name = :task AND job.status = 'failed' "
            "AND (job.args ->> 'item_id')::bigint = item.id "
            "AND item.status IN ('queued', 'running')"
        ),
        {
            "task": PROCESS_ITEM_TASK,
            "reason": "The job failed on every attempt; the worker's log says why.",
        },
    )
    return int(getattr(result, "rowcount", 0) or 0)
