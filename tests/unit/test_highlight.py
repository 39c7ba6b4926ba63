from types import SimpleNamespace
from typing import Any

from app.articles.views import highlight_segments


def _movement(mid: int, start: int, end: int) -> Any:
    return SimpleNamespace(id=mid, evidence_start=start, evidence_end=end)


def test_segments_cover_the_text_exactly_once() -> None:
    text = "Headline. Troops moved. Nothing else."
    segments = highlight_segments(text, [_movement(1, 10, 23)])
    assert "".join(s.text for s in segments) == text
    marked = [s for s in segments if s.movement_ids]
    assert [(s.text, s.movement_ids) for s in marked] == [("Troops moved.", (1,))]


def test_overlapping_evidence_marks_both_records() -> None:
    text = "abcdefghij"
    segments = highlight_segments(text, [_movement(1, 0, 6), _movement(2, 3, 10)])
    assert [(s.text, s.movement_ids) for s in segments] == [
        ("abc", (1,)),
        ("def", (1, 2)),
        ("ghij", (2,)),
    ]


def test_offsets_outside_the_text_are_ignored() -> None:
    segments = highlight_segments("short", [_movement(1, 3, 99), _movement(2, 4, 2)])
    assert [(s.text, s.movement_ids) for s in segments] == [("short", ())]
