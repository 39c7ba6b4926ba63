"""The map page: places as points, routes origin -> destination as weighted arrows."""

from __future__ import annotations

import json
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from app.deps import FiltersDep, SessionDep, SettingsDep
from app.entities.labels import filter_labels
from app.movements.aggregates import MapData, map_data
from app.movements.filters import MovementFilters
from app.movements.queries import page_of_movements
from app.templating import render

router = APIRouter()


def map_json(data: MapData, filters: MovementFilters, tile_url: str | None) -> str:
    """What static/map.js draws, as JSON safe to embed in a <script> element."""
    # Each route's records: the map's filter (without any end it names) plus the route's ends.
    base = filters.query_string(after=None, origin_id=None, destination_id=None)
    records = f"/map/route?{base}&" if base else "/map/route?"
    payload: dict[str, Any] = {
        "tileUrl": tile_url,
        "places": [
            {
                "id": p.id,
                "name": p.name,
                "kind": p.kind,
                "lat": p.lat,
                "lon": p.lon,
                "inflow": p.inflow,
                "outflow": p.outflow,
                "href": f"/places/{p.id}",
            }
            for p in data.places
        ],
        "routes": [
            {
                "from": [r.origin_lat, r.origin_lon],
                "to": [r.destination_lat, r.destination_lon],
                "label": f"{r.origin} → {r.destination}",
                "movements": r.movements,
                "sources": r.sources,
                "records": f"{records}origin_id={r.origin_id}&destination_id={r.destination_id}",
            }
            for r in data.routes
        ],
    }
    # "</" would end the script element early; JSON allows the escaped form.
    return json.dumps(payload, ensure_ascii=False).replace("</", "<\\/")


@router.get("/map", response_class=HTMLResponse, name="map")
def map_page(
    request: Request, session: SessionDep, filters: FiltersDep, settings: SettingsDep
) -> HTMLResponse:
    data = map_data(session, filters)
    return render(
        request,
        "maps/page.html",
        {
            "filters": filters,
            "labels": filter_labels(session, filters),
            "data": data,
            "map_json": map_json(data, filters, settings.map_tile_url),
            "tile_attribution": settings.map_tile_attribution,
        },
    )


@router.get("/map/route", response_class=HTMLResponse, name="map_route")
def route_records(request: Request, session: SessionDep, filters: FiltersDep) -> HTMLResponse:
    """The records on one route (the map's filter plus origin_id and destination_id)."""
    page = page_of_movements(session, filters)
    return render(
        request,
        "maps/_route.html",
        {"filters": filters, "page": page, "labels": filter_labels(session, filters)},
    )
