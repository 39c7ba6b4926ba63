"""The gazetteer is bulk-loaded into ``place`` and can be reloaded without duplicates."""

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.entities.gazetteer import load_gazetteer
from app.entities.models import Place
from app.extraction.records import GazetteerEntry

pytestmark = pytest.mark.functional


def _entry(key: str, name: str, **kw: object) -> GazetteerEntry:
    values: dict[str, object] = {
        "kind": "city",
        "country": "UA",
        "lat": 50.0,
        "lon": 30.0,
        "geonames_id": None,
        "aliases": (name,),
    }
    values.update(kw)
    return GazetteerEntry(key=key, name=name, **values)  # type: ignore[arg-type]


def test_load_is_an_idempotent_upsert(session: Session) -> None:
    entries = [
        _entry("test:alpha", "Alphaville", aliases=("Alphaville", "Альфавіль")),
        _entry("test:beta", "Beta Oblast", kind="oblast", lat=None, lon=None),
    ]
    assert load_gazetteer(session, entries) == 2
    assert load_gazetteer(session, [_entry("test:alpha", "Alphaville Renamed")]) == 1
    rows = {p.key: p for p in session.scalars(select(Place).where(Place.key.like("test:%")))}
    assert set(rows) == {"test:alpha", "test:beta"}
    assert rows["test:alpha"].name == "Alphaville Renamed"
    assert rows["test:beta"].geo_precision == 3
    assert rows["test:beta"].lat is None
