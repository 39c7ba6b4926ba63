"""Import pages: upload files, paste URLs or a feed, and watch a batch's progress."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlalchemy.orm import Session
from starlette.datastructures import UploadFile

from app.articles.ingest.fetch import RefusedURL, check_url_syntax
from app.deps import RecordId, SessionDep, SettingsDep
from app.imports.models import BatchKind, Feed, ItemStatus
from app.imports.schemas import ImportBatchOut, ImportItemOut, ProgressOut
from app.imports.service import (
    POLL_MINUTES_MAX,
    POLL_MINUTES_MIN,
    FeedError,
    UploadedFile,
    add_files,
    add_urls,
    batch_items,
    batch_progress,
    create_batch,
    create_reextract_batch,
    enqueue,
    get_batch_or_raise,
    get_feed_or_raise,
    list_feeds,
    parse_poll_minutes,
    pause_feed,
    poll_feed_now,
    recent_batches,
    remove_feed,
    restore_feed,
    resume_feed,
    save_feed,
    set_poll_minutes,
)
from app.settings import Settings
from app.templating import render
from app.users.security import AdminIdentity, AnalystIdentity

router = APIRouter()


def _index(
    request: Request,
    session: Session,
    settings: Settings,
    *,
    error: str | None = None,
    status_code: int = 200,
) -> HTMLResponse:
    return render(
        request,
        "imports/index.html",
        {
            "batches": recent_batches(session),
            "feeds": list_feeds(session),
            "error": error,
            "max_file_bytes": settings.max_upload_file_bytes,
            "poll_minutes_min": POLL_MINUTES_MIN,
            "poll_minutes_max": POLL_MINUTES_MAX,
        },
        status_code=status_code,
    )


@router.get("/imports", response_class=HTMLResponse, name="imports")
def imports_page(request: Request, session: SessionDep, settings: SettingsDep) -> HTMLResponse:
    return _index(request, session, settings)


async def _read_upload(upload: UploadFile, limit: int) -> UploadedFile:
    name = (upload.filename or "unnamed").replace("\\", "/").lstrip("/") or "unnamed"
    data = await upload.read(limit + 1)
    await upload.close()
    if len(data) > limit:
        return UploadedFile(
            name, None, f"The file is larger than the upload limit of {limit:,} bytes."
        )
    return UploadedFile(name, data)


@router.post("/imports/upload", response_class=HTMLResponse, name="upload_files")
async def upload_files(
    request: Request, session: SessionDep, settings: SettingsDep, identity: AnalystIdentity
) -> Response:
    form = await request.form(max_files=settings.max_upload_files)
    uploads = [
        value
        for value in form.getlist("files")
        if isinstance(value, UploadFile) and (value.filename or value.size)
    ]
    files = [await _read_upload(u, settings.max_upload_file_bytes) for u in uploads]
    await form.close()
    if not files:
        return await run_in_threadpool(
            _index, request, session, settings, error="Choose at least one file.", status_code=422
        )
    if all(f.error and "upload limit" in f.error for f in files):
        return await run_in_threadpool(
            _index,
            request,
            session,
            settings,
            error=(
                f"Every file is larger than the upload limit of "
                f"{settings.max_upload_file_bytes:,} bytes; nothing was imported."
            ),
            status_code=413,
        )

    def store() -> int:
        label = ", ".join(f.name for f in files[:5]) + (" …" if len(files) > 5 else "")
        batch = create_batch(session, kind=BatchKind.UPLOAD, label=label, user_id=identity.user_id)
        enqueue(session, add_files(session, batch, files, settings))
        session.commit()
        return batch.id

    batch_id = await run_in_threadpool(store)
    return RedirectResponse(f"/imports/{batch_id}", status_code=303)


@router.post("/imports/urls", response_class=HTMLResponse, name="import_urls")
def import_urls(
    request: Request,
    session: SessionDep,
    settings: SettingsDep,
    identity: AnalystIdentity,
    urls: Annotated[str, Form()] = "",
    feed: Annotated[bool, Form()] = False,
    save: Annotated[bool, Form()] = False,
    poll_minutes: Annotated[int, Form(ge=POLL_MINUTES_MIN, le=POLL_MINUTES_MAX)] = 60,
) -> Response:
    lines = [line.strip() for line in urls.splitlines() if line.strip()]
    if not lines:
        return _index(request, session, settings, error="Enter at least one URL.", status_code=422)
    for line in lines:
        try:
            check_url_syntax(line)
        except RefusedURL as exc:
            return _index(request, session, settings, error=str(exc), status_code=422)
        if len(line) > settings.max_url_chars:
            return _index(
                request,
                session,
                settings,
                error=f"A URL is longer than {settings.max_url_chars:,} characters.",
                status_code=422,
            )
    feed_id = None
    if feed and save:
        for line in lines:
            saved = save_feed(session, line, poll_minutes=poll_minutes)
            feed_id = saved.id
    kind = BatchKind.FEED if feed else BatchKind.URL
    label = ", ".join(lines[:3]) + (" …" if len(lines) > 3 else "")
    batch = create_batch(
        session,
        kind=kind,
        label=label,
        feed_id=feed_id if len(lines) == 1 else None,
        user_id=identity.user_id,
    )
    enqueue(session, add_urls(session, batch, lines, feed=feed))
    session.commit()
    return RedirectResponse(f"/imports/{batch.id}", status_code=303)


# --- saved feeds: the same role as saving one (POST /imports/urls) -------------------------


def _feed_change(
    request: Request,
    session: Session,
    settings: Settings,
    feed_id: int,
    change: Callable[[Feed], str | None],
) -> Response:
    """Apply ``change`` and go where it says (by default back to the feed on /imports)."""
    feed = get_feed_or_raise(session, feed_id)
    try:
        target = change(feed)
    except FeedError as exc:
        return _index(request, session, settings, error=str(exc), status_code=400)
    session.commit()
    return RedirectResponse(target or f"/imports#feed-{feed.id}", status_code=303)


@router.post("/imports/feeds/{feed_id:int}/interval", name="feed_interval")
def feed_interval(
    request: Request,
    feed_id: RecordId,
    session: SessionDep,
    settings: SettingsDep,
    identity: AnalystIdentity,
    poll_minutes: Annotated[str, Form()] = "",
) -> Response:
    # Taken as text and checked here so that any bad value is a 400 with the bounds in words.
    def change(feed: Feed) -> None:
        set_poll_minutes(feed, parse_poll_minutes(poll_minutes))

    return _feed_change(request, session, settings, feed_id, change)


def _add_state_route(action: str, change: Callable[[Feed], None]) -> None:
    """One POST route per change that takes no input (each its own route, so that the
    permission table lists it)."""

    def handler(
        request: Request,
        feed_id: RecordId,
        session: SessionDep,
        settings: SettingsDep,
        identity: AnalystIdentity,
    ) -> Response:
        return _feed_change(request, session, settings, feed_id, change)

    router.add_api_route(
        f"/imports/feeds/{{feed_id:int}}/{action}",
        handler,
        methods=["POST"],
        name=f"{action}_feed",
        response_class=HTMLResponse,
    )


for _action, _change in {
    "pause": pause_feed,
    "resume": resume_feed,
    "remove": remove_feed,
    "restore": restore_feed,
}.items():
    _add_state_route(_action, _change)


@router.post("/imports/feeds/{feed_id:int}/poll", name="poll_feed")
def feed_poll(
    request: Request,
    feed_id: RecordId,
    session: SessionDep,
    settings: SettingsDep,
    identity: AnalystIdentity,
) -> Response:
    # To the new batch's progress page.
    def change(feed: Feed) -> str:
        return f"/imports/{poll_feed_now(session, feed, user_id=identity.user_id).id}"

    return _feed_change(request, session, settings, feed_id, change)


@router.post("/imports/reextract", response_class=HTMLResponse, name="reextract")
def reextract(session: SessionDep, identity: AdminIdentity) -> Response:
    batch = create_reextract_batch(session, user_id=identity.user_id)
    session.commit()
    return RedirectResponse(f"/imports/{batch.id}", status_code=303)


@router.get("/imports/{batch_id}", response_class=HTMLResponse, name="import_batch")
def show_batch(request: Request, batch_id: RecordId, session: SessionDep) -> HTMLResponse:
    batch = get_batch_or_raise(session, batch_id)
    progress = batch_progress(session, batch_id)
    items = batch_items(session, batch_id)
    waiting = datetime.now(UTC) - batch.created_at
    # Nothing started after a while: most likely no worker is running at all.
    no_worker = (
        not progress.complete
        and progress.running == 0
        and progress.queued == progress.total - progress.finished
        and waiting > timedelta(seconds=30)
        and not any(i.attempts for i in items)
    )
    return render(
        request,
        "imports/detail.html",
        {
            "batch": batch,
            "progress": progress,
            "failed": [i for i in items if i.status == ItemStatus.FAILED.value],
            "stored": [i for i in items if i.article_id is not None],
            "items": items,
            "no_worker": no_worker,
        },
        block="status",
    )


@router.get("/api/v1/imports/{batch_id}", response_model=ImportBatchOut, tags=["api"])
def api_batch(batch_id: RecordId, session: SessionDep) -> ImportBatchOut:
    """An import batch with its progress and every item's outcome."""
    batch = get_batch_or_raise(session, batch_id)
    progress = batch_progress(session, batch_id)
    return ImportBatchOut(
        id=batch.id,
        kind=batch.kind,
        label=batch.label,
        created_at=batch.created_at,
        progress=ProgressOut(
            total=progress.total,
            queued=progress.queued,
            running=progress.running,
            done=progress.done,
            failed=progress.failed,
            duplicate=progress.duplicate,
            complete=progress.complete,
        ),
        items=[ImportItemOut.model_validate(item) for item in batch_items(session, batch_id)],
    )
