"""Hypermedia pages for movements: the filterable table with its facets, and its exports."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any, cast

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, StreamingResponse
from sqlalchemy.orm import Session

from app.deps import FiltersDep, SessionDep, SessionFactoryDep
from app.entities.labels import filter_labels
from app.movements.cache import aggregate_cache
from app.movements.export import CsvExport, ExportRows, stream
from app.movements.facets import build_facets
from app.movements.filters import EXACT_FIELDS, SORT_KEYS, MovementFilters
from app.movements.models import ReviewStatus, Status
from app.movements.queries import page_of_movements
from app.templating import is_fragment_request, render, render_block, templates

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


HIDDEN_FILTERS = (*EXACT_FIELDS, "unit_id", "origin_id", "destination_id")


def _context(session: Session, filters: MovementFilters, *, fragment: bool) -> dict[str, Any]:
    page = page_of_movements(session, filters)
    return {
        "page": page,
        "fragment": fragment,
        "filters": filters,
        "columns": COLUMNS,
        "sort_keys": SORT_KEYS,
        "statuses": [s.value for s in Status],
        "review_statuses": [s.value for s in ReviewStatus],
        # Past EXACT_COUNT_LIMIT matches, the facets take longer than the rows: the page comes
        # first and the sidebar follows from /movements/facets as soon as it is loaded.
        "facets": None if page.estimated else build_facets(session, filters),
        "labels": filter_labels(session, filters),
        "hidden_filters": HIDDEN_FILTERS,
    }


@router.get("/movements", response_class=HTMLResponse, name="movements")
def list_movements(request: Request, session: SessionDep, filters: FiltersDep) -> HTMLResponse:
    # Links that change filters shown in the form (chips, facets) swap all of #main, so they
    # get the whole page; the form itself swaps only #results.
    whole_page = request.headers.get("HX-Target") == "main"
    fragment = is_fragment_request(request)
    if fragment and not whole_page:
        # The results alone show nothing that depends on who asks: one rendering serves every
        # analyst until the data changes.
        body = aggregate_cache.get(
            session,
            ("movements-results", filters.query_string(), filters.limit),
            lambda: render_block(
                "movements/list.html",
                "results",
                _context(session, filters, fragment=True),
            ),
            weight=lambda html: 2 * len(html),
        )
        response = HTMLResponse(body, headers={"Vary": "HX-Request"})
    else:
        response = render(
            request, "movements/list.html", _context(session, filters, fragment=False)
        )
    if fragment:
        # The form sends every field, blank ones too; the address bar gets the canonical URL.
        query = filters.query_string()
        response.headers["HX-Push-Url"] = f"/movements?{query}" if query else "/movements"
    return response


@router.get("/movements/facets", response_class=HTMLResponse, name="movement_facets")
def movement_facets(request: Request, session: SessionDep, filters: FiltersDep) -> HTMLResponse:
    """The facet sidebar alone (for htmx or not), for the filter of a page that deferred it."""
    context = {
        "filters": filters,
        "facets": build_facets(session, filters),
        "hidden_filters": HIDDEN_FILTERS,
    }
    return cast(
        HTMLResponse,
        templates.TemplateResponse(request, "movements/list.html", context, block_name="facets"),
    )


# Export formats: (media type, file extension).
EXPORT_FORMATS = {
    "csv": ("text/csv; charset=utf-8", "csv"),
    "json": ("application/json", "json"),
    "ndjson": ("application/x-ndjson", "ndjson"),
    "geojson": ("application/geo+json", "geojson"),
}


def _export(
    session_factory: SessionFactoryDep, filters: FiltersDep, fmt: str, *, bom: bool = False
) -> StreamingResponse:
    """Open the rows first, so the total is in the headers before any row is streamed."""
    rows: ExportRows | CsvExport
    body: Iterator[bytes]
    if fmt == "csv":
        rows = CsvExport(session_factory, filters, bom=bom)
        body = iter(rows)
    else:
        rows = ExportRows(session_factory, filters)
        body = stream(rows, fmt)
    media_type, extension = EXPORT_FORMATS[fmt]
    stamp = datetime.now(UTC).strftime("%Y%m%d-%H%M%S")
    return StreamingResponse(
        body,
        media_type=media_type,
        headers={
            "Content-Disposition": f'attachment; filename="movements-{stamp}.{extension}"',
            "X-Total-Count": str(rows.total),
            "Access-Control-Expose-Headers": "X-Total-Count",
        },
    )


@router.get("/movements.csv", name="movements_csv")
def export_csv(
    session_factory: SessionFactoryDep, filters: FiltersDep, bom: bool = False
) -> StreamingResponse:
    """Every movement the filter matches, streamed as UTF-8 CSV (``bom=1`` for Excel)."""
    return _export(session_factory, filters, "csv", bom=bom)


@router.get("/movements.json", name="movements_json")
def export_json(session_factory: SessionFactoryDep, filters: FiltersDep) -> StreamingResponse:
    """Every movement the filter matches, as one JSON array of flat objects."""
    return _export(session_factory, filters, "json")


@router.get("/movements.ndjson", name="movements_ndjson")
def export_ndjson(session_factory: SessionFactoryDep, filters: FiltersDep) -> StreamingResponse:
    """Every movement the filter matches, one JSON object per line."""
    return _export(session_factory, filters, "ndjson")


@router.get("/movements.geojson", name="movements_geojson")
def export_geojson(session_factory: SessionFactoryDep, filters: FiltersDep) -> StreamingResponse:
    """Every movement the filter matches, as a GeoJSON LineString origin -> destination."""
    return _export(session_factory, filters, "geojson")
