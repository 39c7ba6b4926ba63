"""Unit and place pages: one unit's movements in order; one place's inflows and outflows."""

from __future__ import annotations

import json
from collections import Counter
from typing import Any

from fastapi import APIRouter, HTTPException, Request
from fastapi.responses import HTMLResponse

from app.deps import RecordId, SessionDep, SettingsDep
from app.entities.models import Place, Unit
from app.movements.aggregates import place_flows, top_values_for_place, value_counts
from app.movements.filters import MovementFilters
from app.movements.models import Movement
from app.movements.queries import count_movements, filtered_movements
from app.templating import render

router = APIRouter()


def _get_or_404(session: SessionDep, model: type[Unit] | type[Place], entity_id: int) -> Any:
    entity = session.get(model, entity_id)
    if entity is None:
        kind = "unit" if model is Unit else "place"
        raise HTTPException(status_code=404, detail=f"There is no {kind} #{entity_id}.")
    return entity


def unit_path(movements: list[Movement]) -> dict[str, Any]:
    """Map data for a unit: each located leg as a route, each place numbered by first visit."""
    places: dict[int, dict[str, Any]] = {}
    routes = []
    for m in movements:
        ends = [p for p in (m.origin_place, m.destination_place) if p and p.lat is not None]
        for place in ends:
            if place.id not in places and place.lon is not None:
                places[place.id] = {
                    "id": place.id,
                    "name": place.name,
                    "kind": place.kind,
                    "lat": place.lat,
                    "lon": place.lon,
                    "inflow": 0,
                    "outflow": 0,
                    "step": len(places) + 1,
                    "href": f"/places/{place.id}",
                }
        origin, destination = m.origin_place, m.destination_place
        if origin and origin.id in places:
            places[origin.id]["outflow"] += 1
        if destination and destination.id in places:
            places[destination.id]["inflow"] += 1
        if origin and destination and origin.id in places and destination.id in places:
            day = m.event_date.isoformat() if m.event_date else "undated"
            routes.append(
                {
                    "from": [origin.lat, origin.lon],
                    "to": [destination.lat, destination.lon],
                    "label": f"{day}: {origin.name} → {destination.name}",
                    "movements": 1,
                    "sources": 1,
                    "records": None,
                }
            )
    return {"tileUrl": None, "places": list(places.values()), "routes": routes}


@router.get("/units/{unit_id}", response_class=HTMLResponse, name="unit")
def unit_page(
    request: Request, session: SessionDep, settings: SettingsDep, unit_id: RecordId
) -> HTMLResponse:
    unit: Unit = _get_or_404(session, Unit, unit_id)
    filters = MovementFilters(unit_id=unit.id, sort="date", desc=False)
    movements = list(session.scalars(filtered_movements(filters)))
    sources = Counter(
        (m.source.name if m.source else m.source_text)
        or f"(unnamed, via {m.outlet or m.article.outlet or 'unknown outlet'})"
        for m in movements
    )
    path = unit_path(movements)
    path["tileUrl"] = settings.map_tile_url
    return render(
        request,
        "entities/unit.html",
        {
            "unit": unit,
            "movements": movements,
            "sources": sources.most_common(),
            "filters": filters,
            "path_json": json.dumps(path, ensure_ascii=False).replace("</", "<\\/"),
            "located_legs": len(path["routes"]),
        },
    )


@router.get("/places/{place_id}", response_class=HTMLResponse, name="place")
def place_page(request: Request, session: SessionDep, place_id: RecordId) -> HTMLResponse:
    place: Place = _get_or_404(session, Place, place_id)
    months, undated = place_flows(session, place.id)
    inflow = MovementFilters(destination_id=place.id)
    outflow = MovementFilters(origin_id=place.id)
    return render(
        request,
        "entities/place.html",
        {
            "place": place,
            "months": months,
            "undated": undated,
            "peak": max([max(m.inflow, m.outflow) for m in months] or [1]),
            "inflow_query": inflow.query_string(),
            "outflow_query": outflow.query_string(),
            "inflow_total": count_movements(session, inflow),
            "outflow_total": count_movements(session, outflow),
            "top_units": top_values_for_place(session, place.id, "unit"),
            "top_sources": top_values_for_place(session, place.id, "source"),
            "arrivals_from": value_counts(session, inflow, "origin", limit=8),
            "departures_to": value_counts(session, outflow, "destination", limit=8),
        },
    )
