"""Hypermedia pages for movements: the filterable table and its CSV export."""

from __future__ import annotations

from datetime import UTC, datetime

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, StreamingResponse

from app.deps import FiltersDep, SessionDep, SessionFactoryDep
from app.movements.export import stream_csv
from app.movements.filters import SORT_KEYS
from app.movements.models import ReviewStatus, Status
from app.movements.queries import page_of_movements
from app.templating import is_fragment_request, render

router = APIRouter()

COLUMNS = [
    ("unit", "Unit"),
    ("side", "Side"),
    ("origin", "Origin"),
    ("destination", "Destination"),
    ("source", "Source"),
    ("status", "Status"),
    ("date", "Date"),
    ("article", "Article"),
]


@router.get("/movements", response_class=HTMLResponse, name="movements")
def list_movements(request: Request, session: SessionDep, filters: FiltersDep) -> HTMLResponse:
    page = page_of_movements(session, filters)
    response = render(
        request,
        "movements/list.html",
        {
            "page": page,
            "fragment": is_fragment_request(request),
            "filters": filters,
            "columns": COLUMNS,
            "sort_keys": SORT_KEYS,
            "statuses": [s.value for s in Status],
            "review_statuses": [s.value for s in ReviewStatus],
        },
        block="results",
    )
    if is_fragment_request(request):
        # The form sends every field, blank ones too; the address bar gets the canonical URL.
        query = filters.query_string()
        response.headers["HX-Push-Url"] = f"/movements?{query}" if query else "/movements"
    return response


@router.get("/movements.csv", name="movements_csv")
def export_csv(
    session_factory: SessionFactoryDep, filters: FiltersDep, bom: bool = False
) -> StreamingResponse:
    """Every movement the filter matches, streamed as UTF-8 CSV (``bom=1`` for Excel)."""
    stamp = datetime.now(UTC).strftime("%Y%m%d-%H%M%S")
    return StreamingResponse(
        stream_csv(session_factory, filters, bom=bom),
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="movements-{stamp}.csv"'},
    )
