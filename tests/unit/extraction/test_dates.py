import datetime

import pytest

from app.extraction.dates import resolve_date

FRIDAY = datetime.date(2025, 3, 14)


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        ("The unit moved on Tuesday.", (datetime.date(2025, 3, 11), "day")),
        ("The unit moved on Friday.", (FRIDAY, "day")),
        ("Troops left last week.", (datetime.date(2025, 3, 7), "week")),
        ("Troops left earlier this month.", (datetime.date(2025, 3, 1), "month")),
        ("The brigade arrived on March 2.", (datetime.date(2025, 3, 2), "day")),
        ("Війська перекинули у вівторок.", (datetime.date(2025, 3, 11), "day")),
        ("Войска перебросили 9 марта.", (datetime.date(2025, 3, 9), "day")),
        ("The corps was sent there in 2022.", (datetime.date(2022, 1, 1), "year")),
        ("No time is given.", (None, None)),
    ],
)
def test_relative_dates_resolve_against_published(
    sentence: str, expected: tuple[datetime.date | None, str | None]
) -> None:
    assert resolve_date(sentence, FRIDAY) == expected


def test_without_published_only_years_resolve() -> None:
    assert resolve_date("moved on Friday", None) == (None, None)
    assert resolve_date("moved in 2023", None) == (datetime.date(2023, 1, 1), "year")
