"""What the timeline page draws: a readable number of lanes, and every item placed and labelled.

A broad filter has a thousand lanes or more (one per unit) and up to ``MAX_ITEMS`` items, and
the items were most of the page's cost. So lanes are capped here, and the items' markup is
written here, in plain Python: in the template, escaping each item's nine values took longer
than all the rest of the page.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from html import escape

from markupsafe import Markup

from app.movements.aggregates import Lane, TimelineItem

# Day numbers count from here, as JavaScript dates do (static/timeline.js reads them).
EPOCH = date(1970, 1, 1)
# Days an item of a coarse date precision covers; any other precision is one day.
PRECISION_DAYS = {"week": 7, "month": 30, "year": 365}
# The narrowest item drawn, in drawing units, so that a one-day item stays visible and clickable.
MIN_ITEM_WIDTH = 10
# The lanes' grouping in the plural, for the lane that merges the smaller ones.
LANE_NOUNS = {
    "unit": ("unit", "units"),
    "destination": ("destination", "destinations"),
    "origin": ("origin", "origins"),
    "source": ("source", "sources"),
    "side": ("side", "sides"),
    "status": ("status", "statuses"),
}


@dataclass(frozen=True, slots=True)
class DrawnLane:
    label: str | None  # None: the lane of movements that do not state the grouping's value
    count: int
    items: Markup  # its items' markup, in date order (see item_drawer)
    # The lane of the smaller lanes: how many it merges (then ``label`` says so), else 0.
    merged: int = 0


def cap_lanes(lanes: list[Lane], max_lanes: int) -> tuple[list[Lane], list[Lane]]:
    """The ``max_lanes`` largest lanes (largest first) and the smaller rest, to be merged.

    A lane that does not state the value ranks by its count like any other. When only one
    lane is past the cap it is kept: it takes no more room than a merged lane would.
    """
    # Stable: lanes of the same count keep the order they came in (by label).
    ranked = sorted(lanes, key=lambda lane: -lane.count)
    if len(ranked) <= max_lanes + 1:
        return ranked, []
    return ranked[:max_lanes], ranked[max_lanes:]


def merged_label(group: str, merged: int) -> str:
    """The merged lane's label: "1,062 other units"."""
    one, many = LANE_NOUNS[group]
    return f"{merged:,} other {one if merged == 1 else many}"


def _coordinate(value: float) -> str:
    # Hundredths of a drawing unit are finer than a pixel; no trailing zeros to send.
    return f"{value:.2f}".rstrip("0").rstrip(".")


def item_drawer(
    start: date, end: date, *, gutter: int, plot_width: int
) -> Callable[[TimelineItem], str]:
    """A function that writes an item's markup, placed in a drawing of ``start`` to ``end``.

    Each item links to its record, says what it is in its tooltip, and carries the day number
    and days covered that static/timeline.js places it by on zoom. Its vertical place is in
    static/visual.css: each lane is moved into place as a whole.
    """
    first = (start - EPOCH).days
    scale = plot_width / max(1, (end - start).days)

    def draw(item: TimelineItem) -> str:
        day = (item.day - EPOCH).days
        days = PRECISION_DAYS.get(item.precision or "", 1)
        width = max(MIN_ITEM_WIDTH, days * scale)
        # As static/timeline.js draws the whole range: a span from its first day on, a single
        # day centred on its middle. The script redraws on zoom; this is the drawing without it.
        if days > 1:
            x = gutter + (day - first) * scale
        else:
            x = gutter + (day - first + 0.5) * scale - width / 2
        when = item.day.isoformat() + (f" ({item.precision})" if days > 1 else "")
        title = (
            f"{when} · {item.unit or 'unknown unit'}: {item.origin or '?'}"
            f" → {item.destination or '?'} · {item.status}"
        )
        if item.source:
            title += f" · per {item.source}"
        # Ids and numbers need no escaping; the tooltip is element text, so quotes need none.
        return (
            f'<a class="tl-item status-{escape(item.status)}"'
            f' href="/articles/{item.article_id}#movement-{item.id}"'
            f' data-id="{item.id}" data-day="{day}" data-days="{days}">'
            f'<rect x="{_coordinate(x)}" width="{_coordinate(width)}"/>'
            f"<title>{escape(title, quote=False)}</title></a>"
        )

    return draw


def draw_lanes(
    lanes: list[Lane], group: str, *, max_lanes: int, draw: Callable[[TimelineItem], str]
) -> list[DrawnLane]:
    """The lanes to draw: the largest as they are, the rest merged into one last lane.

    The merged lane counts all their movements and draws all their items, in date order as
    the items of every lane are.
    """
    kept, rest = cap_lanes(lanes, max_lanes)
    drawn = [
        DrawnLane(label=lane.label, count=lane.count, items=_markup(lane.items, draw))
        for lane in kept
    ]
    if rest:
        items = sorted((i for lane in rest for i in lane.items), key=lambda i: (i.day, i.id))
        drawn.append(
            DrawnLane(
                label=merged_label(group, len(rest)),
                count=sum(lane.count for lane in rest),
                items=_markup(items, draw),
                merged=len(rest),
            )
        )
    return drawn


def _markup(items: list[TimelineItem], draw: Callable[[TimelineItem], str]) -> Markup:
    # One item a line: readable as page source, and a newline is all it costs.
    return Markup("\n".join(map(draw, items)))  # noqa: S704  (draw escapes every text it writes)
