"""Streamed exports of exactly what a filter shows, in constant memory.

The CSV is written by PostgreSQL itself (``COPY (<export query>) TO STDOUT WITH CSV``) and passed
through in batches: a million rows stream at the speed of the database, and the app holds one
batch at a time. Cells that a spreadsheet would run as formulas are made inert in the query.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, datetime
from typing import Any

from sqlalchemy import DateTime, String, Text, case, func, literal
from sqlalchemy.orm import Session

from app.db import SessionFactory
from app.movements.filters import MovementFilters
from app.movements.queries import EXPORT_COLUMNS, export_rows

BATCH_ROWS = 2000
# A spreadsheet treats a cell starting with one of these as a formula (CSV injection).
_FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
_UTC_ISO = 'YYYY-MM-DD"T"HH24:MI:SS.US"+00:00"'


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


def csv_columns() -> dict[str, Any]:
    """``EXPORT_COLUMNS`` as PostgreSQL should print them in the CSV.

    Text that starts like a formula gets a leading ``'`` (as ``neutralise_cell`` does), and
    timestamps are written in UTC as ISO 8601.
    """
    columns: dict[str, Any] = {}
    for name, column in EXPORT_COLUMNS.items():
        kind = column.type
        if isinstance(kind, String | Text):
            column = case(
                (func.left(column, 1).in_(_FORMULA_PREFIXES), literal("'") + column),
                else_=column,
            )
        elif isinstance(kind, DateTime):
            column = func.to_char(func.timezone("UTC", column), _UTC_ISO)
        columns[name] = column
    return columns


def _copy_statement(session: Session, filters: MovementFilters) -> tuple[str, dict[str, Any]]:
    compiled = export_rows(filters, columns=csv_columns()).compile(
        dialect=session.get_bind().dialect, compile_kwargs={"render_postcompile": True}
    )
    return f"COPY ({compiled}) TO STDOUT WITH (FORMAT csv, HEADER)", dict(compiled.params)


def stream_csv(
    session_factory: SessionFactory, filters: MovementFilters, *, bom: bool = False
) -> Iterator[bytes]:
    """CSV bytes: a header, then one flat row per movement, flushed every ``BATCH_ROWS`` rows."""
    with session_factory() as session:
        connection = session.connection()
        # One COPY is one statement: the per-statement timeout must not cut a long download.
        connection.exec_driver_sql("SET LOCAL statement_timeout = 0")
        statement, params = _copy_statement(session, filters)
        driver = connection.connection.driver_connection
        assert driver is not None  # a live connection from the pool
        batch = bytearray("\ufeff".encode() if bom else b"")
        rows = 0
        with driver.cursor() as cursor, cursor.copy(statement, params) as copy:
            for block in copy:  # one row per block
                batch += block
                rows += 1
                if rows >= BATCH_ROWS:
                    yield bytes(batch)
                    batch.clear()
                    rows = 0
        yield bytes(batch)
