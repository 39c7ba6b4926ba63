"""Streamed exports of exactly what a filter shows, in constant memory, complete or visibly cut.

Completeness: the export query carries ``count(*) OVER ()``, so the number of matching rows is
known from the first fetched batch, before the first byte is sent, and it comes from the same
statement (hence the same snapshot) as the rows themselves. The views send it as the
``X-Total-Count`` header; a file with fewer rows than that was cut short. JSON and GeoJSON are
also self-delimiting: a cut file does not parse.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable, Iterator
from datetime import date, datetime
from typing import Any

from sqlalchemy import func
from sqlalchemy.orm import Session

from app.db import SessionFactory
from app.movements.filters import MovementFilters
from app.movements.queries import EXPORT_COLUMNS, export_rows

BATCH_ROWS = 2000
COLUMNS = tuple(EXPORT_COLUMNS)
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


class ExportRows:
    """The rows of one export, opened before the response starts so ``total`` is known.

    Iterating yields every row once, then closes the session; ``close`` also ends it early.
    """

    def __init__(self, session_factory: SessionFactory, filters: MovementFilters) -> None:
        self._session: Session | None = session_factory()
        try:
            stmt = export_rows(filters).add_columns(func.count().over().label("_total"))
            result = self._session.execute(
                stmt.execution_options(stream_results=True, yield_per=BATCH_ROWS)
            )
            self._partitions = result.partitions()
            self._first = next(self._partitions, [])
        except BaseException:
            self.close()
            raise
        self.total = int(self._first[0][-1]) if self._first else 0

    def __iter__(self) -> Iterator[tuple[Any, ...]]:
        try:
            yield from (tuple(row)[:-1] for row in self._first)
            self._first = []
            for partition in self._partitions:
                yield from (tuple(row)[:-1] for row in partition)
        finally:
            self.close()

    def close(self) -> None:
        if self._session is not None:
            self._session.close()
            self._session = None


def iter_export_rows(
    session_factory: SessionFactory, filters: MovementFilters
) -> Iterator[tuple[Any, ...]]:
    """Rows of the export query through a server-side cursor, one batch in memory at a time."""
    yield from ExportRows(session_factory, filters)


def _batched(chunks: Iterable[str], *, prefix: str = "") -> Iterator[bytes]:
    """Join small text pieces into one UTF-8 chunk per ``BATCH_ROWS`` pieces."""
    pending: list[str] = [prefix] if prefix else []
    for chunk in chunks:
        pending.append(chunk)
        if len(pending) >= BATCH_ROWS:
            yield "".join(pending).encode("utf-8")
            pending = []
    if pending:
        yield "".join(pending).encode("utf-8")


def csv_lines(rows: Iterable[tuple[Any, ...]]) -> Iterator[str]:
    """A header, then one flat CSV row per movement (formula cells neutralised)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(COLUMNS)
    yield buffer.getvalue()
    for row in rows:
        buffer.seek(0)
        buffer.truncate()
        writer.writerow([_cell(v) for v in row])
        yield buffer.getvalue()


def stream_csv(
    session_factory: SessionFactory, filters: MovementFilters, *, bom: bool = False
) -> Iterator[bytes]:
    """CSV bytes: a header, then one flat row per movement, flushed every ``BATCH_ROWS``."""
    return _batched(csv_lines(ExportRows(session_factory, filters)), prefix="\ufeff" if bom else "")


def _json_value(value: Any) -> Any:
    if isinstance(value, datetime | date):
        return value.isoformat()
    return value


def record(row: tuple[Any, ...]) -> dict[str, Any]:
    """One exported movement as a JSON object with the CSV's columns as keys."""
    return {name: _json_value(value) for name, value in zip(COLUMNS, row, strict=True)}


def _dumps(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


def json_array_parts(rows: Iterable[tuple[Any, ...]]) -> Iterator[str]:
    """A JSON array of movement objects, one per line; a cut array does not parse."""
    yield "["
    separator = "\n"
    for row in rows:
        yield separator + _dumps(record(row))
        separator = ",\n"
    yield "\n]\n"


def ndjson_lines(rows: Iterable[tuple[Any, ...]]) -> Iterator[str]:
    """Newline-delimited JSON: one movement object per line."""
    for row in rows:
        yield _dumps(record(row)) + "\n"


def feature(row: tuple[Any, ...]) -> dict[str, Any]:
    """A GeoJSON Feature: a LineString origin -> destination when both ends have coordinates.

    A movement with an end that is not located keeps its place in the export with a null
    geometry (valid GeoJSON), so the file holds the same records as the table.
    """
    properties = record(row)
    ends = [
        (properties["origin_lon"], properties["origin_lat"]),
        (properties["destination_lon"], properties["destination_lat"]),
    ]
    geometry = None
    if all(lon is not None and lat is not None for lon, lat in ends):
        geometry = {"type": "LineString", "coordinates": [list(point) for point in ends]}
    return {
        "type": "Feature",
        "id": properties["id"],
        "geometry": geometry,
        "properties": properties,
    }


def geojson_parts(rows: Iterable[tuple[Any, ...]], *, total: int) -> Iterator[str]:
    """A FeatureCollection that states ``numberMatched`` up front, then one Feature per line."""
    yield _dumps({"type": "FeatureCollection", "numberMatched": total})[:-1] + ',"features":['
    separator = "\n"
    for row in rows:
        yield separator + _dumps(feature(row))
        separator = ",\n"
    yield "\n]}\n"


def stream(rows: ExportRows, fmt: str, *, bom: bool = False) -> Iterator[bytes]:
    """The bytes of ``rows`` in ``fmt`` (csv, json, ndjson or geojson)."""
    if fmt == "csv":
        return _batched(csv_lines(rows), prefix="\ufeff" if bom else "")
    if fmt == "json":
        return _batched(json_array_parts(rows))
    if fmt == "ndjson":
        return _batched(ndjson_lines(rows))
    if fmt == "geojson":
        return _batched(geojson_parts(rows, total=rows.total))
    raise ValueError(f"unknown export format {fmt!r}")
