"""Loading the extraction engine's gazetteer into the ``place`` table (bulk, idempotent)."""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import text
from sqlalchemy.orm import Session

from app.entities.service import geo_precision
from app.extraction.records import GazetteerEntry


def load_gazetteer(session: Session, entries: Iterable[GazetteerEntry]) -> int:
    """Upsert ``entries`` by key through COPY into a temporary table; return how many."""
    session.execute(
        text(
            "CREATE TEMPORARY TABLE gazetteer_in (key text, name text, kind text, country text,"
            " lat double precision, lon double precision, geonames_id bigint,"
            " geo_precision smallint, aliases text[])"
        )
    )
    raw = session.connection().connection.driver_connection
    count = 0
    with raw.cursor() as cursor:  # type: ignore[union-attr]
        copy_sql = (
            "COPY gazetteer_in (key, name, kind, country, lat, lon, geonames_id, "
            "geo_precision, aliases) FROM STDIN"
        )
        with cursor.copy(copy_sql) as copy:
            for entry in entries:
                copy.write_row(
                    (
                        entry.key[:120],
                        entry.name[:200],
                        entry.kind[:40],
                        entry.country,
                        entry.lat,
                        entry.lon,
                        entry.geonames_id,
                        geo_precision(entry.kind),
                        list(entry.aliases),
                    )
                )
                count += 1
    session.execute(
        text(
            "INSERT INTO place (key, name, kind, country_code, lat, lon, geonames_id,"
            " geo_precision, aliases)"
            " SELECT DISTINCT ON (key) key, name, kind, country, lat, lon, geonames_id,"
            " geo_precision, aliases FROM gazetteer_in"
            " ON CONFLICT (key) DO UPDATE SET name = EXCLUDED.name, kind = EXCLUDED.kind,"
            " country_code = EXCLUDED.country_code, lat = EXCLUDED.lat, lon = EXCLUDED.lon,"
            " geonames_id = EXCLUDED.geonames_id, aliases = EXCLUDED.aliases,"
            " updated_at = now()"
        )
    )
    session.execute(text("DROP TABLE gazetteer_in"))
    return count
