"""The one filter object behind the table, counts, facets, timeline, map and every export.

Parsed from the query string, turned into SQL by ``queries.filtered_movements`` and into a human
sentence by ``MovementFilters.describe``. Unknown values are refused with a precise message.
"""

from __future__ import annotations

import base64
import binascii
import json
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass, field, fields, replace
from datetime import UTC, date, datetime
from typing import Any
from urllib.parse import urlencode

from app.db import MAX_RECORD_ID
from app.movements.models import ReviewStatus, Status

# Text filters: matched case-insensitively against the surface text and the resolved name.
TEXT_FIELDS = ("unit", "side", "origin", "destination", "source", "outlet")
# Exact filters: the shown value (resolved name, else surface text) equals this, ignoring case.
# They are what a facet value links to, so a facet count is exactly the rows its link shows.
EXACT_FIELDS = tuple(f"{name}_is" for name in TEXT_FIELDS)
# Entity filters: the record points to this unit / place (used by the map, unit and place pages).
ENTITY_FIELDS = ("unit_id", "origin_id", "destination_id")
SORT_KEYS = (
    "date",
    "unit",
    "side",
    "origin",
    "destination",
    "source",
    "status",
    "article",
    "confidence",
    "created",
)
MAX_TEXT_FILTER = 200


def _record_number(raw: str) -> int | None:
    """A record id written in ASCII digits, within the ids' range; else None."""
    if not (raw.isascii() and raw.isdigit()) or len(raw) > 10 or int(raw) > MAX_RECORD_ID:
        return None
    return int(raw)


class FilterError(ValueError):
    """A query-string value that cannot be understood; the message says which and why."""


def _parse_date(name: str, raw: str) -> date:
    try:
        return date.fromisoformat(raw)
    except ValueError:
        raise FilterError(f"{name} must be a date written YYYY-MM-DD, not {raw!r}") from None


def _parse_timestamp(name: str, raw: str) -> datetime:
    try:
        value = datetime.fromisoformat(raw)
    except ValueError:
        raise FilterError(
            f"{name} must be a timestamp written YYYY-MM-DDTHH:MM[:SS][+00:00], not {raw!r}"
        ) from None
    # A timestamp without an offset is read as UTC, the zone every stored time is in.
    return value if value.tzinfo is not None else value.replace(tzinfo=UTC)


@dataclass(frozen=True)
class Cursor:
    """Where the previous page stopped: the sort value and id of its last row."""

    value: Any
    id: int

    def encode(self) -> str:
        value = self.value.isoformat() if isinstance(self.value, date) else self.value
        raw = json.dumps([value, self.id], separators=(",", ":")).encode()
        return base64.urlsafe_b64encode(raw).decode().rstrip("=")

    @classmethod
    def decode(cls, token: str, sort: str) -> Cursor:
        try:
            padded = token + "=" * (-len(token) % 4)
            value, row_id = json.loads(base64.urlsafe_b64decode(padded.encode()))
            if not isinstance(row_id, int):
                raise TypeError
            if sort == "date" and value is not None:
                value = date.fromisoformat(value)
            elif sort == "created" and value is not None:
                value = datetime.fromisoformat(value)
            elif sort == "confidence" and value is not None:
                value = float(value)
            elif sort == "article":
                if not isinstance(value, int) or not 0 <= value <= MAX_RECORD_ID:
                    raise TypeError
            elif value is not None and (not isinstance(value, str) or "\x00" in value):
                # The text sorts compare strings, which PostgreSQL cannot hold NUL in.
                raise TypeError
            if not 0 <= row_id <= MAX_RECORD_ID:
                raise TypeError
        except (ValueError, TypeError, binascii.Error, json.JSONDecodeError):
            raise FilterError("after is not a valid page cursor; start again from page 1") from None
        return cls(value=value, id=row_id)


@dataclass(frozen=True)
class MovementFilters:
    unit: str | None = None
    side: str | None = None
    origin: str | None = None
    destination: str | None = None
    source: str | None = None
    outlet: str | None = None
    status: Status | None = None
    review: ReviewStatus | None = None
    article: int | None = None
    date_from: date | None = None
    date_to: date | None = None
    q: str | None = None
    unit_is: str | None = None
    side_is: str | None = None
    origin_is: str | None = None
    destination_is: str | None = None
    source_is: str | None = None
    outlet_is: str | None = None
    unit_id: int | None = None
    origin_id: int | None = None
    destination_id: int | None = None
    added_after: datetime | None = None
    sort: str = "date"
    desc: bool = True
    after: Cursor | None = field(default=None, compare=False)
    limit: int = 50

    @classmethod
    def from_query(
        cls, params: Mapping[str, str], *, default_limit: int = 50, max_limit: int = 500
    ) -> MovementFilters:
        """Parse query-string parameters; blank values mean "no filter"."""
        values: dict[str, Any] = {}

        def get(name: str) -> str | None:
            raw = params.get(name)
            if raw is None:
                return None
            raw = raw.strip()
            return raw or None

        for name in (*TEXT_FIELDS, "q", *EXACT_FIELDS):
            raw = get(name)
            if raw is not None:
                if len(raw) > MAX_TEXT_FILTER:
                    raise FilterError(f"{name} is longer than {MAX_TEXT_FILTER} characters")
                if any(unicodedata.category(ch) == "Cc" for ch in raw):
                    # PostgreSQL text cannot hold NUL, and no name contains control characters.
                    raise FilterError(f"{name} contains a control character")
                values[name] = raw
        if (raw := get("status")) is not None:
            try:
                values["status"] = Status(raw)
            except ValueError:
                allowed = ", ".join(s.value for s in Status)
                raise FilterError(f"status must be one of {allowed}, not {raw!r}") from None
        if (raw := get("review")) is not None:
            try:
                values["review"] = ReviewStatus(raw)
            except ValueError:
                allowed = ", ".join(s.value for s in ReviewStatus)
                raise FilterError(f"review must be one of {allowed}, not {raw!r}") from None
        if (raw := get("article")) is not None:
            if (number := _record_number(raw)) is None:
                raise FilterError(f"article must be an article number, not {raw!r}")
            values["article"] = number
        for name in ENTITY_FIELDS:
            if (raw := get(name)) is not None:
                if (number := _record_number(raw)) is None:
                    raise FilterError(f"{name} must be a record number, not {raw!r}")
                values[name] = number
        if (raw := get("added_after")) is not None:
            values["added_after"] = _parse_timestamp("added_after", raw)
        if (raw := get("date_from")) is not None:
            values["date_from"] = _parse_date("date_from", raw)
        if (raw := get("date_to")) is not None:
            values["date_to"] = _parse_date("date_to", raw)
        if (
            "date_from" in values
            and "date_to" in values
            and values["date_from"] > values["date_to"]
        ):
            raise FilterError("date_from is after date_to")
        sort = get("sort") or "date"
        desc = True
        if sort.startswith("-"):
            sort = sort[1:]
        elif get("sort") is not None:
            desc = False
        if sort not in SORT_KEYS:
            raise FilterError(f"sort must be one of {', '.join(SORT_KEYS)}, not {sort!r}")
        values["sort"], values["desc"] = sort, desc
        if (raw := get("limit")) is not None:
            if not raw.isdigit() or not 1 <= int(raw) <= max_limit:
                raise FilterError(f"limit must be a number from 1 to {max_limit}")
            values["limit"] = int(raw)
        else:
            values["limit"] = default_limit
        if (raw := get("after")) is not None:
            values["after"] = Cursor.decode(raw, sort)
        return cls(**values)

    # -- rendering ---------------------------------------------------------------------------

    def filter_items(self) -> list[tuple[str, str]]:
        """The active filters as (name, value) pairs, without sort and paging."""
        items: list[tuple[str, str]] = []
        for f in fields(self):
            if f.name in ("sort", "desc", "after", "limit"):
                continue
            value = getattr(self, f.name)
            if value is None:
                continue
            items.append((f.name, value.isoformat() if isinstance(value, date) else str(value)))
        return items

    @property
    def sort_param(self) -> str:
        return f"-{self.sort}" if self.desc else self.sort

    def query_params(self, **changes: Any) -> dict[str, str]:
        """Query-string parameters that reproduce this filter (with ``changes`` applied)."""
        target = replace(self, **changes) if changes else self
        params = dict(target.filter_items())
        if target.sort_param != "-date":
            params["sort"] = target.sort_param
        if target.after is not None:
            params["after"] = target.after.encode()
        return params

    def query_string(self, **changes: Any) -> str:
        return urlencode(self.query_params(**changes))

    def without(self, name: str) -> MovementFilters:
        cleared: dict[str, Any] = {name: None, "after": None}
        return replace(self, **cleared)

    def sorted_by(self, key: str) -> MovementFilters:
        """The same filter sorted by ``key``; sorting by the current key flips the direction."""
        desc = not self.desc if key == self.sort else key in ("date", "confidence", "created")
        return replace(self, sort=key, desc=desc, after=None)

    @property
    def is_filtered(self) -> bool:
        return bool(self.filter_items())

    def describe(
        self,
        count: int | None = None,
        *,
        estimated: bool = False,
        labels: Mapping[str, str] | None = None,
    ) -> str:
        """A sentence saying what is shown: "12 movements where destination is Kursk".

        ``labels`` names the records behind entity filters (``{"unit_id": "76th Division"}``).
        """
        names = dict(labels or {})
        parts: list[str] = []
        labels = {
            "unit": "unit",
            "side": "side",
            "origin": "origin",
            "destination": "destination",
            "source": "source",
            "outlet": "outlet",
        }
        for name, label in labels.items():
            value = getattr(self, name)
            if value is not None:
                parts.append(f"{label} is {value}")
        if self.status is not None:
            parts.append(f"status is {self.status.value}")
        if self.review is not None:
            parts.append(f"review is {self.review.value}")
        if self.article is not None:
            parts.append(f"article is #{self.article}")
        if self.date_from and self.date_to:
            parts.append(f"date is {self.date_from.isoformat()} to {self.date_to.isoformat()}")
        elif self.date_from:
            parts.append(f"date is on or after {self.date_from.isoformat()}")
        elif self.date_to:
            parts.append(f"date is on or before {self.date_to.isoformat()}")
        if self.q is not None:
            parts.append(f"text contains “{self.q}”")
        for name in TEXT_FIELDS:
            value = getattr(self, f"{name}_is")
            if value is not None:
                parts.append(f"{name} is exactly “{value}”")
        entity_labels = {"unit_id": "unit", "origin_id": "origin", "destination_id": "destination"}
        for name, label in entity_labels.items():
            value = getattr(self, name)
            if value is not None:
                shown = names.get(name)
                parts.append(f"{label} is {shown} (#{value})" if shown else f"{label} is #{value}")
        if self.added_after is not None:
            stamp = self.added_after.astimezone(UTC).strftime("%Y-%m-%d %H:%M UTC")
            parts.append(f"added after {stamp}")
        if count is None:
            head = "Movements"
        else:
            noun = "movement" if count == 1 else "movements"
            head = f"{'about ' if estimated else ''}{count:,} {noun}"
        if not parts:
            return head
        return f"{head} where {' and '.join(parts)}"
