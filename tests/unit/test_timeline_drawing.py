"""The timeline's drawing: lanes capped and merged, items placed, labelled and escaped."""

from datetime import date

from app.movements.aggregates import Lane, TimelineItem
from app.timeline.drawing import cap_lanes, draw_lanes, item_drawer, merged_label


def item(
    id: int,
    day: date,
    *,
    precision: str | None = None,
    status: str = "reported",
    unit: str | None = "3rd Brigade",
    origin: str | None = "Kherson",
    destination: str | None = "Kursk",
    source: str | None = "ISW",
) -> TimelineItem:
    return TimelineItem(
        id=id,
        article_id=id * 10,
        day=day,
        precision=precision,
        status=status,
        unit=unit,
        origin=origin,
        destination=destination,
        source=source,
    )


# A drawing of 100 days, 1 unit a day after a gutter of 200.
draw = item_drawer(date(2026, 1, 1), date(2026, 4, 11), gutter=200, plot_width=100)


def test_a_day_is_centred_on_its_day_and_a_month_spans_from_its_first() -> None:
    day = draw(item(1, date(2026, 1, 21)))
    assert '<rect x="215.5" width="10"/>' in day  # day 20, middle at 220.5, 10 wide
    assert 'data-id="1" data-day="20474" data-days="1"' in day
    month = draw(item(2, date(2026, 2, 1), precision="month"))
    assert '<rect x="231" width="30"/>' in month
    assert 'data-days="30"' in month and "<title>2026-02-01 (month) · " in month


def test_an_item_links_to_its_record_and_says_what_it_is() -> None:
    markup = draw(item(7, date(2026, 1, 2), status="planned"))
    assert markup.startswith('<a class="tl-item status-planned" href="/articles/70#movement-7" ')
    assert "<title>2026-01-02 · 3rd Brigade: Kherson → Kursk · planned · per ISW</title>" in markup
    unknown = draw(item(8, date(2026, 1, 2), unit=None, origin=None, destination=None, source=None))
    assert "<title>2026-01-02 · unknown unit: ? → ? · reported</title>" in unknown


def test_tooltips_are_escaped() -> None:
    markup = draw(item(9, date(2026, 1, 2), unit="<b>A & B</b>", source="Ukraine's staff"))
    assert "&lt;b&gt;A &amp; B&lt;/b&gt;: Kherson" in markup and "<b>" not in markup
    assert "per Ukraine's staff</title>" in markup


def test_lanes_past_the_cap_are_merged_largest_first() -> None:
    lanes = [Lane(label=str(n), count=n) for n in (1, 5, 2, 4, 3)]
    kept, rest = cap_lanes(lanes, 2)
    assert [lane.count for lane in kept] == [5, 4] and [lane.count for lane in rest] == [3, 2, 1]
    # One lane past the cap takes the room the merged lane would: it is kept.
    assert cap_lanes(lanes, 4) == (sorted(lanes, key=lambda lane: -lane.count), [])


def test_the_merged_lane_counts_and_draws_all_the_smaller_ones() -> None:
    lanes = [
        Lane(label="big", count=9, items=[item(1, date(2026, 1, 5))]),
        Lane(label="small", count=3, items=[item(2, date(2026, 1, 9))]),
        Lane(label=None, count=2, items=[item(3, date(2026, 1, 3)), item(4, date(2026, 1, 9))]),
    ]
    drawn = draw_lanes(lanes, "origin", max_lanes=1, draw=draw)
    assert [(lane.label, lane.count, lane.merged) for lane in drawn] == [
        ("big", 9, 0),
        ("2 other origins", 5, 2),
    ]
    # Date order across the merged lanes, by id within a day.
    ids = [int(part.split('"')[0]) for part in drawn[1].items.split('data-id="')[1:]]
    assert ids == [3, 2, 4]


def test_merged_labels() -> None:
    assert merged_label("unit", 1062) == "1,062 other units"
    assert merged_label("status", 2) == "2 other statuses"
    assert merged_label("side", 1) == "1 other side"
