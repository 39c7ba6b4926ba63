"""The table the processes share their kept aggregates through (see ``cache.py``)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import DateTime, LargeBinary, String, func
from sqlalchemy.orm import Mapped, mapped_column

from app.db import Base


class KeptAggregate(Base):
    """One kept result: pickled, valid only for the data version it was computed at.

    UNLOGGED (migration 0108): it is a cache, rebuilt on demand, so it skips the write-ahead
    log and is emptied after a crash rather than recovered.
    """

    __tablename__ = "kept_aggregate"
    __table_args__ = ({"prefixes": ["UNLOGGED"]},)

    key_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    version: Mapped[str] = mapped_column(String(60))
    value: Mapped[bytes] = mapped_column(LargeBinary)
    stored_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
