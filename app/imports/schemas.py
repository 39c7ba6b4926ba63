"""What the import endpoints of the JSON API return."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, ConfigDict, Field


class ImportItemOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    kind: str = Field(description="file, url, feed or article")
    source: str = Field(description="File name (inside its zip), URL or article id")
    status: str = Field(description="queued, running, done, failed or duplicate")
    reason: str | None = Field(description="Why it failed, or a note on what was done")
    article_id: int | None


class ProgressOut(BaseModel):
    total: int
    queued: int
    running: int
    done: int
    failed: int
    duplicate: int
    complete: bool


class ImportBatchOut(BaseModel):
    id: int
    kind: str
    label: str
    created_at: datetime
    progress: ProgressOut
    items: list[ImportItemOut]
