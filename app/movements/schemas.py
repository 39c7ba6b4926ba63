"""What the movement endpoints return."""

from __future__ import annotations

from datetime import date, datetime

from pydantic import BaseModel, ConfigDict, Field


class PlaceOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    name: str
    kind: str
    country_code: str | None
    lat: float | None
    lon: float | None


class MovementOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    article_id: int
    unit_text: str | None
    side: str | None
    origin_text: str | None
    origin_place: PlaceOut | None
    destination_text: str | None
    destination_place: PlaceOut | None
    source_text: str | None
    outlet: str | None
    status: str
    quantity: str | None
    event_date: date | None
    date_precision: str | None
    evidence: str
    evidence_start: int
    evidence_end: int
    confidence: float
    review_status: str
    provenance: str
    extractor_version: str | None
    version: int
    corroboration: int
    created_at: datetime
    updated_at: datetime


class MovementList(BaseModel):
    description: str = Field(description='What the list shows, e.g. "3 movements where ..."')
    total: int
    total_estimated: bool = Field(
        default=False, description="total is an estimate (counts over 1,000 are not exact)"
    )
    items: list[MovementOut]
    next: str | None = Field(description="URL of the next page, or null on the last page")
