"""Small helpers for extraction tests (sentences in the tests are written for the tests)."""

from __future__ import annotations

import datetime

from app.extraction import MovementRecord, extract

PUBLISHED = datetime.date(2025, 3, 14)  # a Friday


def run(text: str, language: str | None = None) -> list[MovementRecord]:
    records = extract(text, published=PUBLISHED, language=language)
    for r in records:
        # the evidence contract holds for every record
        assert text[r.evidence_start : r.evidence_end] == r.evidence
    return records


def pairs(records: list[MovementRecord]) -> set[tuple[str | None, str | None]]:
    return {(r.origin, r.destination) for r in records}


def one(text: str, language: str | None = None) -> MovementRecord:
    records = run(text, language)
    assert len(records) == 1, records
    return records[0]
