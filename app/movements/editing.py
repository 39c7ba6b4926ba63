"""Analyst work on single records: the record page, in-place editing, review decisions,
history and restore, soft delete, merge, manual records and entity autocomplete."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Form, HTTPException, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlalchemy import select
from sqlalchemy.orm import Session, joinedload
from sqlalchemy.orm.exc import StaleDataError

from app.articles.service import get_article_or_raise
from app.audit import service as audit
from app.deps import RecordId, SessionDep
from app.entities.search import ENTITY_KINDS, EntityKind, suggest
from app.movements import service
from app.movements.models import DatePrecision, Movement, ReviewStatus, Status
from app.review.service import evidence_context, pending_count
from app.templating import render
from app.users.models import Role
from app.users.security import AdminIdentity, AnalystIdentity, get_identity, require_role

router = APIRouter(tags=["editing"])

Surface = Literal["detail", "review"]
SurfaceQuery = Annotated[Surface, Query()]
SurfaceForm = Annotated[Surface, Form()]
VersionForm = Annotated[int, Form(ge=1)]


def _load(session: Session, movement_id: int, *, include_deleted: bool = False) -> Movement:
    try:
        return service.get_movement_or_raise(session, movement_id, include_deleted=include_deleted)
    except service.MovementError as exc:
        raise HTTPException(exc.status_code, str(exc)) from None


def card_context(movement: Movement, surface: Surface) -> dict[str, Any]:
    return {
        "m": movement,
        "surface": surface,
        "ctx": evidence_context(
            movement.article.text, movement.evidence_start, movement.evidence_end
        ),
    }


def render_card(
    request: Request,
    session: Session,
    movement: Movement,
    surface: Surface,
    *,
    notice: str | None = None,
    conflict: list[audit.HistoryEntry] | None = None,
    status_code: int = 200,
) -> HTMLResponse:
    context = card_context(movement, surface)
    context.update(notice=notice, conflict=conflict)
    if surface == "review":
        context["oob_left"] = pending_count(session)
    response = render(request, "movements/_edit_card.html", context, status_code=status_code)
    response.headers["HX-Trigger"] = "movement-changed"
    return response


def render_form(
    request: Request,
    movement: Movement,
    surface: Surface,
    *,
    values: dict[str, Any] | None = None,
    error: str | None = None,
    error_field: str | None = None,
    conflict: list[audit.HistoryEntry] | None = None,
    status_code: int = 200,
) -> HTMLResponse:
    context = card_context(movement, surface)
    context.update(
        values=values or {name: getattr(movement, name) for name in service.FORM_FIELDS},
        error=error,
        error_field=error_field,
        conflict=conflict,
        statuses=[s.value for s in Status],
        precisions=[p.value for p in DatePrecision],
        place_kinds=service.PLACE_KINDS,
    )
    return render(request, "movements/_edit_form.html", context, status_code=status_code)


def _after_stale(
    request: Request, session: Session, movement_id: int, expected: int, surface: Surface
) -> HTMLResponse:
    """The record as it is now, with what others changed since ``expected``, as a 409."""
    session.rollback()
    movement = _load(session, movement_id)
    return render_card(
        request,
        session,
        movement,
        surface,
        notice="Someone else changed this record meanwhile; nothing was saved. "
        "Here is the current version.",
        conflict=audit.changes_since(session, movement_id, expected),
        status_code=409,
    )


# -- the record page ----------------------------------------------------------------------------


@router.get("/movements/deleted", response_class=HTMLResponse, name="deleted_movements")
def deleted_movements(request: Request, session: SessionDep, admin: AdminIdentity) -> HTMLResponse:
    rows = list(
        session.scalars(
            select(Movement)
            .where(Movement.deleted_at.is_not(None))
            .options(joinedload(Movement.article))
            .order_by(Movement.deleted_at.desc())
            .limit(500)
        )
    )
    return render(request, "movements/_edit_deleted.html", {"rows": rows})


@router.get("/movements/{movement_id:int}", response_class=HTMLResponse, name="movement")
def show_movement(request: Request, movement_id: RecordId, session: SessionDep) -> HTMLResponse:
    identity = get_identity(request)
    is_admin = identity is not None and identity.can(Role.ADMIN)
    movement = _load(session, movement_id, include_deleted=is_admin)
    context = card_context(movement, "detail")
    context.update(
        history=audit.history(session, movement.id),
        reports=service.merged_reports(session, movement.id),
        candidates=service.merge_candidates(session, movement) if not movement.deleted_at else [],
        conflict=None,
        notice=None,
    )
    return render(request, "movements/detail.html", context)


@router.get(
    "/movements/{movement_id:int}/history", response_class=HTMLResponse, name="movement_history"
)
def movement_history(request: Request, movement_id: RecordId, session: SessionDep) -> HTMLResponse:
    movement = _load(session, movement_id)
    return render(
        request,
        "movements/_edit_history.html",
        {"m": movement, "history": audit.history(session, movement.id)},
    )


@router.get("/movements/{movement_id:int}/card", response_class=HTMLResponse)
def movement_card(
    request: Request, movement_id: RecordId, session: SessionDep, surface: SurfaceQuery = "detail"
) -> HTMLResponse:
    return render(
        request,
        "movements/_edit_card.html",
        card_context(_load(session, movement_id), surface),
    )


# -- editing ------------------------------------------------------------------------------------


@router.get(
    "/movements/{movement_id:int}/edit",
    response_class=HTMLResponse,
    dependencies=[Depends(require_role(Role.ANALYST))],
)
def edit_movement(
    request: Request, movement_id: RecordId, session: SessionDep, surface: SurfaceQuery = "detail"
) -> HTMLResponse:
    return render_form(request, _load(session, movement_id), surface)


@router.post("/movements/{movement_id:int}", response_class=HTMLResponse, name="save_movement")
async def save_movement(
    request: Request,
    movement_id: RecordId,
    session: SessionDep,
    identity: AnalystIdentity,
    version: VersionForm,
    surface: SurfaceForm = "detail",
) -> HTMLResponse:
    form = {k: v for k, v in (await request.form()).items() if isinstance(v, str)}
    try:
        service.update_movement(
            session,
            movement_id=movement_id,
            form=form,
            expected_version=version,
            user_id=identity.user_id,
        )
    except (service.StaleVersion, StaleDataError):
        session.rollback()
        movement = _load(session, movement_id)
        return render_form(
            request,
            movement,
            surface,
            values=form,
            conflict=audit.changes_since(session, movement_id, version),
            status_code=409,
        )
    except service.MovementError as exc:
        session.rollback()
        if exc.status_code == 404:
            raise HTTPException(404, str(exc)) from None
        movement = _load(session, movement_id)
        return render_form(
            request,
            movement,
            surface,
            values={**form, "version": version},
            error=str(exc),
            error_field=exc.field,
            status_code=exc.status_code,
        )
    session.commit()
    movement = _load(session, movement_id)
    return render_card(request, session, movement, surface)


def _decide(
    request: Request,
    session: Session,
    *,
    movement_id: int,
    decision: ReviewStatus,
    version: int,
    user_id: int,
    surface: Surface,
) -> HTMLResponse:
    try:
        service.set_review_status(
            session,
            movement_id=movement_id,
            review_status=decision,
            expected_version=version,
            user_id=user_id,
        )
    except (service.StaleVersion, StaleDataError):
        return _after_stale(request, session, movement_id, version, surface)
    except service.MovementError as exc:
        raise HTTPException(exc.status_code, str(exc)) from None
    session.commit()
    return render_card(request, session, _load(session, movement_id), surface)


@router.post("/movements/{movement_id:int}/confirm", response_class=HTMLResponse)
def confirm_movement(
    request: Request,
    movement_id: RecordId,
    session: SessionDep,
    identity: AnalystIdentity,
    version: VersionForm,
    surface: SurfaceForm = "detail",
) -> HTMLResponse:
    return _decide(
        request,
        session,
        movement_id=movement_id,
        decision=ReviewStatus.CONFIRMED,
        version=version,
        user_id=identity.user_id,
        surface=surface,
    )


@router.post("/movements/{movement_id:int}/reject", response_class=HTMLResponse)
def reject_movement(
    request: Request,
    movement_id: RecordId,
    session: SessionDep,
    identity: AnalystIdentity,
    version: VersionForm,
    surface: SurfaceForm = "detail",
) -> HTMLResponse:
    return _decide(
        request,
        session,
        movement_id=movement_id,
        decision=ReviewStatus.REJECTED,
        version=version,
        user_id=identity.user_id,
        surface=surface,
    )


@router.post("/movements/{movement_id:int}/restore", response_class=HTMLResponse)
def restore_movement_version(
    request: Request,
    movement_id: RecordId,
    session: SessionDep,
    identity: AnalystIdentity,
    version: VersionForm,
    restore_version: Annotated[int, Form(ge=1)],
) -> HTMLResponse:
    """Put the record back as it was at ``restore_version``; a new revision records it."""
    try:
        service.restore_version(
            session,
            movement_id=movement_id,
            version=restore_version,
            expected_version=version,
            user_id=identity.user_id,
        )
    except (service.StaleVersion, StaleDataError):
        return _after_stale(request, session, movement_id, version, "detail")
    except service.MovementError as exc:
        raise HTTPException(exc.status_code, str(exc)) from None
    session.commit()
    return render_card(request, session, _load(session, movement_id), "detail")


@router.post("/movements/{movement_id:int}/delete")
def delete_movement(
    request: Request,
    movement_id: RecordId,
    session: SessionDep,
    identity: AnalystIdentity,
    version: VersionForm,
) -> Response:
    try:
        service.soft_delete(
            session, movement_id=movement_id, expected_version=version, user_id=identity.user_id
        )
    except (service.StaleVersion, StaleDataError):
        return _after_stale(request, session, movement_id, version, "detail")
    except service.MovementError as exc:
        raise HTTPException(exc.status_code, str(exc)) from None
    session.commit()
    response = RedirectResponse("/movements", status_code=303)
    response.headers["HX-Redirect"] = "/movements"
    return response


@router.post("/movements/{movement_id:int}/undelete")
def undelete_movement(movement_id: RecordId, session: SessionDep, admin: AdminIdentity) -> Response:
    try:
        service.undelete(session, movement_id=movement_id, user_id=admin.user_id)
    except service.MovementError as exc:
        raise HTTPException(exc.status_code, str(exc)) from None
    session.commit()
    return RedirectResponse(f"/movements/{movement_id}", status_code=303)


@router.post("/movements/{movement_id:int}/merge")
def merge_movement(
    request: Request,
    movement_id: RecordId,
    session: SessionDep,
    identity: AnalystIdentity,
    version: VersionForm,
    other_id: Annotated[str, Form()] = "",
) -> Response:
    """Fold record ``other_id`` into this one (several reports of one movement)."""
    raw = other_id.strip().lstrip("#")
    if not raw.isdigit() or len(raw) > 12:
        raise HTTPException(422, f"Give the number of the record to merge, not {other_id!r}.")
    try:
        service.merge_movements(
            session,
            target_id=movement_id,
            other_id=int(raw),
            expected_version=version,
            user_id=identity.user_id,
        )
    except (service.StaleVersion, StaleDataError):
        return _after_stale(request, session, movement_id, version, "detail")
    except service.MovementError as exc:
        raise HTTPException(exc.status_code, str(exc)) from None
    session.commit()
    response = RedirectResponse(f"/movements/{movement_id}", status_code=303)
    response.headers["HX-Redirect"] = f"/movements/{movement_id}"
    return response


# -- manual records -----------------------------------------------------------------------------


def _manual_page(
    request: Request,
    session: Session,
    article_id: int,
    *,
    values: dict[str, Any] | None = None,
    error: str | None = None,
    error_field: str | None = None,
    status_code: int = 200,
) -> HTMLResponse:
    article = get_article_or_raise(session, article_id)
    return render(
        request,
        "movements/new.html",
        {
            "article": article,
            "values": values or {"status": Status.REPORTED.value},
            "error": error,
            "error_field": error_field,
            "statuses": [s.value for s in Status],
            "precisions": [p.value for p in DatePrecision],
            "place_kinds": service.PLACE_KINDS,
        },
        status_code=status_code,
    )


@router.get(
    "/articles/{article_id:int}/movements/new",
    response_class=HTMLResponse,
    name="new_manual_movement",
    dependencies=[Depends(require_role(Role.ANALYST))],
)
def new_manual_movement(
    request: Request, article_id: RecordId, session: SessionDep
) -> HTMLResponse:
    return _manual_page(request, session, article_id)


@router.post("/articles/{article_id:int}/movements", name="create_manual_movement")
async def create_manual_movement(
    request: Request,
    article_id: RecordId,
    session: SessionDep,
    identity: AnalystIdentity,
    evidence_start: Annotated[str, Form()] = "",
    evidence_end: Annotated[str, Form()] = "",
) -> Response:
    form = {k: v for k, v in (await request.form()).items() if isinstance(v, str)}
    article = get_article_or_raise(session, article_id)
    try:
        if not (evidence_start.isdigit() and evidence_end.isdigit()):
            raise service.MovementError(
                "Select the evidence in the article text first.", field="evidence"
            )
        movement = service.create_manual_movement(
            session,
            article=article,
            form=form,
            evidence_start=int(evidence_start),
            evidence_end=int(evidence_end),
            user_id=identity.user_id,
        )
    except service.MovementError as exc:
        session.rollback()
        return _manual_page(
            request,
            session,
            article_id,
            values=form,
            error=str(exc),
            error_field=exc.field,
            status_code=exc.status_code,
        )
    session.commit()
    return RedirectResponse(f"/movements/{movement.id}", status_code=303)


# -- autocomplete -------------------------------------------------------------------------------


@router.get("/autocomplete/{kind}", response_class=HTMLResponse, name="autocomplete")
def autocomplete(
    request: Request,
    kind: str,
    session: SessionDep,
    q: Annotated[str, Query(max_length=200)] = "",
) -> HTMLResponse:
    if kind not in ENTITY_KINDS:
        raise HTTPException(404, f"Autocomplete knows {', '.join(ENTITY_KINDS)}, not {kind!r}.")
    entity: EntityKind = kind  # narrowed by the check above
    return render(
        request,
        "movements/_edit_suggestions.html",
        {"kind": entity, "q": q.strip(), "suggestions": suggest(session, entity, q)},
    )
