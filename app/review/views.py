"""The review queue page and bulk confirmation."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Form, HTTPException, Query, Request
from fastapi.responses import HTMLResponse
from sqlalchemy.orm.exc import StaleDataError

from app.deps import SessionDep
from app.movements import service as movement_service
from app.movements.editing import card_context
from app.review.service import QUEUE_ORDERS, QueueOrder, pending_count, pending_movements
from app.templating import render
from app.users.models import Role
from app.users.security import AnalystIdentity, require_role

router = APIRouter(tags=["review"])

QUEUE_PAGE = 25


def _queue(
    request: Request,
    session: SessionDep,
    order: QueueOrder,
    notice: str | None = None,
    *,
    status_code: int = 200,
) -> HTMLResponse:
    movements = pending_movements(session, order=order, limit=QUEUE_PAGE)
    return render(
        request,
        "review/queue.html",
        {
            "cards": [card_context(m, "review") for m in movements],
            "left": pending_count(session),
            "order": order,
            "orders": QUEUE_ORDERS,
            "notice": notice,
        },
        block="queue",
        status_code=status_code,
    )


@router.get(
    "/review",
    response_class=HTMLResponse,
    name="review",
    dependencies=[Depends(require_role(Role.ANALYST))],
)
def review_queue(
    request: Request, session: SessionDep, order: Annotated[QueueOrder, Query()] = "confidence"
) -> HTMLResponse:
    return _queue(request, session, order)


@router.post("/review/confirm", response_class=HTMLResponse, name="bulk_confirm")
def bulk_confirm(
    request: Request,
    session: SessionDep,
    identity: AnalystIdentity,
    selected: Annotated[list[str] | None, Form()] = None,
    order: Annotated[QueueOrder, Form()] = "confidence",
) -> HTMLResponse:
    """Confirm the selected records (each sent as ``id:version``); stale ones are skipped."""
    selection: list[tuple[int, int]] = []
    for item in selected or []:
        movement_id, _, version = item.partition(":")
        if not (movement_id.isdigit() and version.isdigit()):
            raise HTTPException(422, f"A selection is written id:version, not {item!r}.")
        selection.append((int(movement_id), int(version)))
    if not selection:
        raise HTTPException(422, "Select at least one record to confirm.")
    try:
        confirmed, skipped = movement_service.bulk_confirm(
            session, selection=selection, user_id=identity.user_id
        )
    except StaleDataError:  # another analyst wrote one of them in the same instant
        session.rollback()
        return _queue(
            request,
            session,
            order,
            "A selected record changed at the same moment; nothing was confirmed. Try again.",
            status_code=409,
        )
    session.commit()
    notice = f"Confirmed {confirmed} record{'' if confirmed == 1 else 's'}."
    if skipped:
        notice += f" {skipped} changed meanwhile or were already decided; they were left alone."
    return _queue(request, session, order, notice)
