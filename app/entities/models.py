"""Canonical entities that records point to: places, units and sources."""

from __future__ import annotations

from sqlalchemy import ARRAY, BigInteger, Float, Index, SmallInteger, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from app.db import Base, Timestamped


class Place(Timestamped, Base):
    """A gazetteer entry: a country, region, city, front direction, sea, ..."""

    __tablename__ = "place"
    __table_args__ = (
        Index(
            "ix_place_name_trgm",
            "name",
            postgresql_using="gin",
            postgresql_ops={"name": "gin_trgm_ops"},
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    # Stable id from the gazetteer ("geonames:524901", "curated:kursk-direction", "manual:...").
    key: Mapped[str] = mapped_column(String(120), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    kind: Mapped[str] = mapped_column(String(40))
    country_code: Mapped[str | None] = mapped_column(String(8))
    lat: Mapped[float | None] = mapped_column(Float)
    lon: Mapped[float | None] = mapped_column(Float)
    geonames_id: Mapped[int | None] = mapped_column(BigInteger)
    # 1 = exact point, 2 = town/district, 3 = region/direction (after ACLED's geo_precision).
    geo_precision: Mapped[int | None] = mapped_column(SmallInteger)
    aliases: Mapped[list[str]] = mapped_column(ARRAY(Text), default=list, server_default="{}")


class Unit(Timestamped, Base):
    """A military formation with a canonical name ("155th Marine Brigade")."""

    __tablename__ = "unit"
    __table_args__ = (
        Index(
            "ix_unit_name_trgm",
            "name",
            postgresql_using="gin",
            postgresql_ops={"name": "gin_trgm_ops"},
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    echelon: Mapped[str | None] = mapped_column(String(40))
    side: Mapped[str | None] = mapped_column(String(80))
    aliases: Mapped[list[str]] = mapped_column(ARRAY(Text), default=list, server_default="{}")


class Source(Timestamped, Base):
    """Who made a claim: a person, an organisation or an outlet, with a role."""

    __tablename__ = "source"
    __table_args__ = (
        Index(
            "ix_source_name_trgm",
            "name",
            postgresql_using="gin",
            postgresql_ops={"name": "gin_trgm_ops"},
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(300), unique=True)
    kind: Mapped[str] = mapped_column(String(20), default="person")
    role: Mapped[str | None] = mapped_column(String(300))
