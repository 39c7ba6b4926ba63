import base64
import json
from datetime import date, datetime

import pytest

from app.movements.filters import Cursor, FilterError, MovementFilters
from app.movements.models import ReviewStatus, Status


def test_blank_values_mean_no_filter() -> None:
    filters = MovementFilters.from_query({"unit": "", "destination": "  ", "status": ""})
    assert not filters.is_filtered
    assert filters.describe(0) == "0 movements"


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"destination": "Kursk"}, "12 movements where destination is Kursk"),
        (
            {"destination": "Kursk", "status": "planned"},
            "12 movements where destination is Kursk and status is planned",
        ),
        ({"date_from": "2026-01-01"}, "12 movements where date is on or after 2026-01-01"),
        (
            {"date_from": "2026-01-01", "date_to": "2026-02-01"},
            "12 movements where date is 2026-01-01 to 2026-02-01",
        ),
        ({"q": "rail"}, "12 movements where text contains “rail”"),
        (
            {"article": "7", "review": "pending"},
            "12 movements where review is pending and article is #7",
        ),
    ],
)
def test_describe(params: dict[str, str], expected: str) -> None:
    assert MovementFilters.from_query(params).describe(12) == expected


def test_describe_singular_and_estimated() -> None:
    filters = MovementFilters.from_query({"unit": "brigade"})
    assert filters.describe(1) == "1 movement where unit is brigade"
    assert filters.describe(1500, estimated=True) == "about 1,500 movements where unit is brigade"


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"status": "moved"}, "status must be one of reported, planned, denied, not 'moved'"),
        ({"review": "maybe"}, "review must be one of pending, confirmed, rejected"),
        ({"date_from": "yesterday"}, "date_from must be a date written YYYY-MM-DD"),
        ({"date_to": "2026-13-01"}, "date_to must be a date written YYYY-MM-DD"),
        ({"date_from": "2026-02-01", "date_to": "2026-01-01"}, "date_from is after date_to"),
        ({"sort": "colour"}, "sort must be one of"),
        ({"article": "x1"}, "article must be an article number"),
        ({"limit": "0"}, "limit must be a number from 1 to 500"),
        ({"limit": "100000"}, "limit must be a number from 1 to 500"),
        ({"after": "not-a-cursor"}, "after is not a valid page cursor"),
        ({"unit": "x" * 201}, "unit is longer than 200 characters"),
        # Past the ids' integer range, or digits that are not ASCII: no record, never a 500.
        ({"article": "2147483648"}, "article must be an article number"),
        ({"article": "²"}, "article must be an article number"),
        ({"unit_id": "99999999999"}, "unit_id must be a record number"),
        ({"destination_id": "١٢"}, "destination_id must be a record number"),
        # PostgreSQL text cannot hold NUL; no name holds a control character.
        ({"unit": "brig\x00ade"}, "unit contains a control character"),
        ({"q": "\x00"}, "q contains a control character"),
        ({"destination_is": "\x01Kursk"}, "destination_is contains a control character"),
    ],
)
def test_bad_values_are_refused_with_a_precise_message(
    params: dict[str, str], message: str
) -> None:
    with pytest.raises(FilterError, match=message.replace("(", r"\(")):
        MovementFilters.from_query(params)


def _cursor(value: object, row_id: object) -> str:
    return base64.urlsafe_b64encode(json.dumps([value, row_id]).encode()).decode().rstrip("=")


@pytest.mark.parametrize(
    ("sort", "value", "row_id"),
    [
        ("date", "2025-01-01", 10**40),  # an id no row has, past the integer range
        ("unit", "brig\x00ade", 5),  # NUL, which PostgreSQL text cannot hold
        ("unit", {"nested": 1}, 5),  # not a string at all
        ("article", "12", 5),  # the article sort's value is a number
        ("article", 10**12, 5),
    ],
)
def test_forged_cursors_are_refused(sort: str, value: object, row_id: object) -> None:
    with pytest.raises(FilterError, match="after is not a valid page cursor"):
        MovementFilters.from_query({"sort": sort, "after": _cursor(value, row_id)})


def test_cursors_of_every_sort_still_parse() -> None:
    for sort, value in [("unit", "47th brigade"), ("article", 12), ("date", "2025-01-01")]:
        filters = MovementFilters.from_query({"sort": sort, "after": _cursor(value, 3)})
        assert filters.after is not None and filters.after.id == 3


def test_the_largest_record_number_is_accepted() -> None:
    filters = MovementFilters.from_query({"article": "2147483647", "unit_id": "7"})
    assert (filters.article, filters.unit_id) == (2_147_483_647, 7)


def test_parsed_types() -> None:
    filters = MovementFilters.from_query(
        {"status": "denied", "review": "confirmed", "date_to": "2026-03-04", "sort": "unit"}
    )
    assert filters.status is Status.DENIED
    assert filters.review is ReviewStatus.CONFIRMED
    assert filters.date_to == date(2026, 3, 4)
    assert (filters.sort, filters.desc) == ("unit", False)


def test_query_string_round_trips() -> None:
    params = {
        "destination": "Kursk",
        "status": "reported",
        "sort": "-unit",
        "date_from": "2026-01-02",
    }
    filters = MovementFilters.from_query(params)
    again = MovementFilters.from_query(dict(filters.query_params()))
    assert again == filters
    assert "sort=-unit" in filters.query_string()


def test_default_sort_is_left_out_of_the_url() -> None:
    assert MovementFilters.from_query({}).query_string() == ""


def test_sorted_by_flips_the_current_key_and_resets_paging() -> None:
    filters = MovementFilters.from_query({"sort": "unit"})
    paged = MovementFilters(sort="unit", desc=False, after=Cursor("abc", 5))
    assert filters.sorted_by("unit").desc is True
    assert filters.sorted_by("date").desc is True
    assert filters.sorted_by("origin").desc is False
    assert paged.sorted_by("unit").after is None


@pytest.mark.parametrize(
    ("sort", "value"),
    [
        ("date", date(2026, 5, 1)),
        ("unit", "brigade"),
        ("confidence", 0.5),
        ("created", datetime(2026, 1, 2, 3, 4, 5)),
    ],
)
def test_cursor_round_trips(sort: str, value: object) -> None:
    cursor = Cursor(value, 42)
    decoded = Cursor.decode(cursor.encode(), sort)
    assert decoded == cursor


def test_without_removes_one_filter() -> None:
    filters = MovementFilters.from_query({"unit": "a", "side": "b"})
    assert filters.without("unit").filter_items() == [("side", "b")]
