"""Frozen records that leave the extraction package (the spaCy boundary)."""

from __future__ import annotations

import datetime
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class PlaceMatch:
    """A place phrase resolved to a gazetteer entry."""

    name: str
    kind: str
    country: str | None
    lat: float | None
    lon: float | None
    geonames_id: int | None
    key: str


@dataclass(frozen=True, slots=True)
class GazetteerEntry:
    """One place the resolver knows, with every alias it matches on."""

    key: str
    name: str
    kind: str
    country: str | None
    lat: float | None
    lon: float | None
    geonames_id: int | None
    aliases: tuple[str, ...]

    def to_match(self) -> PlaceMatch:
        return PlaceMatch(
            name=self.name,
            kind=self.kind,
            country=self.country,
            lat=self.lat,
            lon=self.lon,
            geonames_id=self.geonames_id,
            key=self.key,
        )


@dataclass(frozen=True, slots=True)
class MovementRecord:
    """One stated movement of a force, with provenance in the article text."""

    unit: str | None
    unit_normalized: str | None
    unit_echelon: str | None
    side: str | None
    origin: str | None
    origin_place: PlaceMatch | None
    destination: str | None
    destination_place: PlaceMatch | None
    source: str | None
    source_role: str | None
    outlet: str | None
    status: str
    quantity: str | None
    event_date: datetime.date | None
    date_precision: str | None
    evidence: str
    evidence_start: int
    evidence_end: int
    confidence: float
    language: str
