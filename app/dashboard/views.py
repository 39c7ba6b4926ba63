"""The home page: what changed in the last day and week, each figure a link into the table."""

from __future__ import annotations

from datetime import UTC, datetime

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from app.dashboard.service import dashboard
from app.deps import SessionDep
from app.templating import render

router = APIRouter()


@router.get("/", response_class=HTMLResponse, name="home")
def home(request: Request, session: SessionDep) -> HTMLResponse:
    return render(request, "dashboard/home.html", {"board": dashboard(session, datetime.now(UTC))})
