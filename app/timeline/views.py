"""The timeline page: filtered movements over time, in lanes by unit, place, source or side."""

from __future__ import annotations

from datetime import date, timedelta

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse

from app.deps import FiltersDep, SessionDep
from app.entities.labels import filter_labels
from app.movements.aggregates import timeline
from app.movements.filters import TEXT_FIELDS, FilterError
from app.templating import render
from app.timeline.drawing import EPOCH, draw_lanes, item_drawer

router = APIRouter()

# Lane groupings offered by the control, with their labels.
GROUPS = {
    "unit": "Unit",
    "destination": "Destination",
    "origin": "Origin",
    "source": "Source",
    "side": "Side",
    "status": "Status",
}
# More items than this are unreadable in one drawing and slow to send and draw.
MAX_ITEMS = 2000
# Lanes drawn one by one, largest first; the smaller ones share one more lane. A thousand
# lanes (one per unit of a broad filter) make a drawing tens of thousands of pixels tall.
MAX_LANES = 30

# Drawing geometry shared by the template and static/timeline.js (via data attributes).
GUTTER = 230
PLOT_WIDTH = 900
LANE_HEIGHT = 30
AXIS_HEIGHT = 34


def _lane_param(group: str) -> str:
    return f"{group}_is" if group in TEXT_FIELDS else group


@router.get("/timeline", response_class=HTMLResponse, name="timeline")
def timeline_page(
    request: Request,
    session: SessionDep,
    filters: FiltersDep,
    group: str = Query("unit", max_length=20),
) -> HTMLResponse:
    if group not in GROUPS:
        raise FilterError(f"group must be one of {', '.join(GROUPS)}, not {group!r}")
    data = timeline(session, filters, group, max_items=MAX_ITEMS)
    first = data.first or date.today()
    last = data.last or first
    # A little margin either side so the first and last items are not on the edge.
    margin = max(1, (last - first).days // 20)
    start, end = first - timedelta(days=margin), last + timedelta(days=margin + 1)
    draw = item_drawer(start, end, gutter=GUTTER, plot_width=PLOT_WIDTH)
    lanes = draw_lanes(data.lanes, group, max_lanes=MAX_LANES, draw=draw)
    return render(
        request,
        "timeline/page.html",
        {
            "filters": filters,
            "labels": filter_labels(session, filters),
            "data": data,
            "lanes": lanes,
            "max_lanes": MAX_LANES,
            "groups": GROUPS,
            "group": group,
            "lane_param": _lane_param(group),
            "start": start,
            "end": end,
            "gutter": GUTTER,
            "plot_width": PLOT_WIDTH,
            "lane_height": LANE_HEIGHT,
            "axis_height": AXIS_HEIGHT,
            "epoch": EPOCH,
        },
    )
