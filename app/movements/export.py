"""Streamed exports of exactly what a filter shows, in constant memory."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from datetime import date, datetime
from typing import Any

from app.db import SessionFactory
from app.movements.filters import MovementFilters
from app.movements.queries import EXPORT_COLUMNS, export_rows

BATCH_ROWS = 2000
# A spreadsheet treats a cell starting with one of these as a formula (CSV injection).
_FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def neutralise_cell(value: Any) -> Any:
    """Make a text cell inert in spreadsheets; numbers and dates pass through unchanged."""
    if isinstance(value, str) and value.startswith(_FORMULA_PREFIXES):
        return "'" + value
    return value


def _cell(value: Any) -> Any:
    if value is None:
        return ""
    if isinstance(value, datetime | date):
        return value.isoformat()
    return neutralise_cell(value)


def iter_export_rows(
    session_factory: SessionFactory, filters: MovementFilters
) -> Iterator[tuple[Any, ...]]:
    """Rows of the export query through a server-side cursor, one batch in memory at a time."""
    with session_factory() as session:
        result = session.execute(
            export_rows(filters).execution_options(stream_results=True, yield_per=BATCH_ROWS)
        )
        for partition in result.partitions():
            yield from (tuple(row) for row in partition)


def stream_csv(
    session_factory: SessionFactory, filters: MovementFilters, *, bom: bool = False
) -> Iterator[bytes]:
    """CSV bytes: a header, then one flat row per movement, flushed every ``BATCH_ROWS``."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(EXPORT_COLUMNS.keys())
    pending = 0
    prefix = "\ufeff" if bom else ""
    for row in iter_export_rows(session_factory, filters):
        writer.writerow([_cell(v) for v in row])
        pending += 1
        if pending >= BATCH_ROWS:
            yield (prefix + buffer.getvalue()).encode("utf-8")
            prefix = ""
            buffer.seek(0)
            buffer.truncate()
            pending = 0
    yield (prefix + buffer.getvalue()).encode("utf-8")
