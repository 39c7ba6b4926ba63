"""A small, known set of movements for the facet, timeline, map, export and page tests.

Routes (located ends only): Kherson -> Kursk Oblast (m1, m3, m4: 3 movements, 2 sources),
Kursk Oblast -> Belgorod (m2), Belgorod -> Pokrovsk (m5). Not drawable: m6 (origin not
resolved), m7 (destination has no coordinates, and no date). m8 is deleted and shows nowhere.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

from sqlalchemy.orm import Session

from app.entities.models import Place, Source, Unit
from tests.factories import make_article, make_movement, make_place


@dataclass(frozen=True)
class Known:
    ids: dict[str, int]
    places: dict[str, int]
    units: dict[str, int]
    now: datetime

    def names(self, movement_ids: set[int]) -> set[str]:
        by_id = {v: k for k, v in self.ids.items()}
        return {by_id[i] for i in movement_ids if i in by_id}


def load_known(session: Session, *, now: datetime | None = None) -> Known:
    now = now or datetime.now(UTC)
    places: dict[str, Place] = {
        "kursk": make_place(session, "Kursk Oblast", kind="oblast", lat=51.7, lon=36.2),
        "belgorod": make_place(session, "Belgorod", kind="city", lat=50.6, lon=36.6),
        "kherson": make_place(
            session, "Kherson", kind="city", country_code="UA", lat=46.6, lon=32.6
        ),
        "pokrovsk": make_place(
            session, "Pokrovsk", kind="city", country_code="UA", lat=48.3, lon=37.2
        ),
        "kaliningrad": make_place(session, "Kaliningrad", kind="city", lat=54.7, lon=20.5),
        "nowhere": make_place(
            session, "Southern direction", kind="front direction", lat=None, lon=None
        ),
        "minsk": make_place(session, "Minsk", kind="city", country_code="BY", lat=53.9, lon=27.6),
    }
    division = Unit(name="76th Air Assault Division", echelon="division", side="Russia")
    brigade = Unit(name="3rd Assault Brigade", echelon="brigade", side="Ukraine")
    staff = Source(name="General Staff of Ukraine", kind="organisation")
    isw = Source(name="ISW", kind="organisation")
    session.add_all([division, brigade, staff, isw])
    session.flush()
    first = make_article(
        session, title="Northern shift", outlet="Wire A", url="https://example.org/1"
    )
    second = make_article(session, title="Southern report", outlet="Wire B")
    recent, days3, month = (
        now - timedelta(hours=2),
        now - timedelta(days=3),
        now - timedelta(days=30),
    )

    def place(key: str) -> int:
        return places[key].id

    specs = {
        "m1": dict(
            article=first,
            unit_text="the 76th division",
            unit_id=division.id,
            origin_text="Kherson",
            origin_place_id=place("kherson"),
            destination_text="Kursk region",
            destination_place_id=place("kursk"),
            source_text="General Staff of Ukraine",
            source_id=staff.id,
            event_date=date(2026, 3, 1),
            review_status="confirmed",
            created_at=recent,
        ),
        "m2": dict(
            article=second,
            unit_text="76th Air Assault Division",
            unit_id=division.id,
            origin_text="Kursk",
            origin_place_id=place("kursk"),
            destination_text="Belgorod",
            destination_place_id=place("belgorod"),
            source_text="ISW",
            source_id=isw.id,
            outlet="Wire B",
            event_date=date(2026, 3, 20),
            review_status="rejected",
            created_at=recent,
        ),
        "m3": dict(
            article=first,
            unit_text="troops",
            origin_text="Kherson",
            origin_place_id=place("kherson"),
            destination_text="the Kursk region",
            destination_place_id=place("kursk"),
            source_text="ISW",
            source_id=isw.id,
            status="planned",
            event_date=date(2026, 3, 5),
            created_at=recent,
        ),
        "m4": dict(
            article=second,
            unit_text="troops",
            origin_text="Kherson",
            origin_place_id=place("kherson"),
            destination_text="Kursk Oblast",
            destination_place_id=place("kursk"),
            source_text="General Staff of Ukraine",
            source_id=staff.id,
            event_date=date(2026, 3, 6),
            created_at=days3,
        ),
        "m5": dict(
            article=second,
            unit_text="3rd Assault Brigade",
            unit_id=brigade.id,
            side="Ukraine",
            origin_text="Belgorod",
            origin_place_id=place("belgorod"),
            destination_text="Pokrovsk",
            destination_place_id=place("pokrovsk"),
            source_text=None,
            status="denied",
            event_date=date(2026, 2, 1),
            created_at=days3,
        ),
        "m6": dict(
            article=first,
            unit_text="reserves",
            origin_text="the north",
            destination_text="Kursk Oblast",
            destination_place_id=place("kursk"),
            source_text="a regional governor",
            event_date=date(2025, 12, 10),
            created_at=month,
        ),
        "m7": dict(
            article=second,
            unit_text="marines",
            origin_text="Kaliningrad",
            origin_place_id=place("kaliningrad"),
            destination_text="the southern direction",
            destination_place_id=place("nowhere"),
            source_text="ISW",
            source_id=isw.id,
            event_date=None,
            date_precision=None,
            created_at=month,
        ),
        "m8": dict(
            article=first,
            unit_text="deleted unit",
            origin_text="Minsk",
            origin_place_id=place("minsk"),
            destination_text="Kursk",
            destination_place_id=place("kursk"),
            event_date=date(2026, 3, 2),
            deleted_at=now,
            created_at=recent,
        ),
    }
    ids = {}
    for key, spec in specs.items():
        article = spec.pop("article")
        ids[key] = make_movement(session, article, **spec).id
    session.commit()
    return Known(
        ids=ids,
        places={k: p.id for k, p in places.items()},
        units={"division": division.id, "brigade": brigade.id},
        now=now,
    )
