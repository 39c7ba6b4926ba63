"""The exact, entity and added-after filters: parsing, round trip and sentences."""

from datetime import UTC, datetime

import pytest

from app.movements.filters import FilterError, MovementFilters


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        (
            {"destination_is": "Kursk Oblast"},
            "3 movements where destination is exactly “Kursk Oblast”",
        ),
        (
            {"unit_is": "troops", "status": "planned"},
            "3 movements where status is planned and unit is exactly “troops”",
        ),
        ({"origin_id": "4"}, "3 movements where origin is #4"),
        (
            {"added_after": "2026-11-24T13:05:00+00:00"},
            "3 movements where added after 2026-11-24 13:05 UTC",
        ),
        (
            {"added_after": "2026-11-24T15:05:00+02:00"},
            "3 movements where added after 2026-11-24 13:05 UTC",
        ),
        ({"added_after": "2026-11-24T13:05"}, "3 movements where added after 2026-11-24 13:05 UTC"),
    ],
)
def test_describe_new_filters(params: dict[str, str], expected: str) -> None:
    assert MovementFilters.from_query(params).describe(3) == expected


def test_entity_filters_use_given_names() -> None:
    filters = MovementFilters.from_query({"unit_id": "7", "destination_id": "2"})
    sentence = filters.describe(1, labels={"unit_id": "76th Division", "destination_id": "Kursk"})
    assert sentence == "1 movement where unit is 76th Division (#7) and destination is Kursk (#2)"


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"unit_id": "abc"}, "unit_id must be a record number, not 'abc'"),
        ({"origin_id": "-1"}, "origin_id must be a record number"),
        ({"added_after": "last week"}, "added_after must be a timestamp"),
        ({"source_is": "x" * 201}, "source_is is longer than 200 characters"),
    ],
)
def test_bad_values_are_refused(params: dict[str, str], message: str) -> None:
    with pytest.raises(FilterError, match=message):
        MovementFilters.from_query(params)


def test_new_filters_round_trip_through_the_query_string() -> None:
    original = MovementFilters.from_query(
        {
            "outlet_is": "Wire A",
            "destination_id": "12",
            "added_after": datetime(2026, 11, 24, 13, 5, tzinfo=UTC).isoformat(),
        }
    )
    again = MovementFilters.from_query(original.query_params())
    assert again == original
    assert again.added_after == datetime(2026, 11, 24, 13, 5, tzinfo=UTC)
