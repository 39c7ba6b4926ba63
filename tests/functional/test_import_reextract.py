"""Re-extraction keeps every record an analyst touched and adds fresh suggestions beside them."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from app.extraction.records import MovementRecord
from app.imports.models import ImportItem
from app.imports.service import process_item
from app.movements.models import Movement
from app.movements.service import is_analyst_owned, replace_machine_records
from app.settings import Settings
from tests.factories import make_article, make_movement

pytestmark = pytest.mark.functional

TEXT = (
    "Russia moved the 20th army from Belgorod to Kursk, officials said. "
    "Separately, a brigade left Bryansk for Oryol."
)


def _record(unit: str, origin: str, destination: str, start: int, end: int) -> MovementRecord:
    return MovementRecord(
        unit=unit,
        unit_normalized=None,
        unit_echelon=None,
        side="Russia",
        origin=origin,
        origin_place=None,
        destination=destination,
        destination_place=None,
        source=None,
        source_role=None,
        outlet=None,
        status="reported",
        quantity=None,
        event_date=None,
        date_precision=None,
        evidence=TEXT[start:end],
        evidence_start=start,
        evidence_end=end,
        confidence=0.7,
        language="en",
    )


@pytest.mark.parametrize(
    ("fields", "owned"),
    [
        ({}, False),
        ({"review_status": "confirmed"}, True),
        ({"review_status": "rejected"}, True),
        ({"provenance": "manual"}, True),
    ],
)
def test_which_records_belong_to_analysts(
    session: Session, fields: dict[str, str], owned: bool
) -> None:
    assert is_analyst_owned(make_movement(session, **fields)) is owned


def test_an_edited_record_belongs_to_its_analyst(session: Session) -> None:
    movement = make_movement(session)
    movement.quantity = "two battalions"
    session.flush()  # the version counter moves to 2
    assert movement.version == 2
    assert is_analyst_owned(movement)


def test_replace_keeps_analyst_records_and_adds_suggestions_beside_them(session: Session) -> None:
    article = make_article(session, text=TEXT)
    first_end = TEXT.index(" Separately")
    machine = make_movement(
        session, article, unit_text="old guess", evidence_start=0, evidence_end=10
    )
    confirmed = make_movement(
        session,
        article,
        unit_text="the 20th army",
        origin_text="Belgorod",
        destination_text="Kursk",
        evidence_start=0,
        evidence_end=first_end,
        review_status="confirmed",
    )
    rejected = make_movement(session, article, unit_text="officials", review_status="rejected")
    manual = make_movement(session, article, unit_text="by hand", provenance="manual")
    edited = make_movement(session, article, unit_text="edited")
    edited.origin_text = "Bryansk region"
    session.flush()

    records = [
        # The same movement as the confirmed one: not suggested twice.
        _record("the 20th army", "Belgorod", "Kursk", 0, first_end),
        _record("a brigade", "Bryansk", "Oryol", first_end + 1, len(TEXT)),
    ]
    kept, added = replace_machine_records(session, article=article, records=records)
    assert (kept, added) == (4, 1)

    rows = list(session.scalars(select(Movement).where(Movement.article_id == article.id)))
    by_id = {m.id: m for m in rows}
    assert machine.id not in by_id
    for owned in (confirmed, rejected, manual, edited):
        assert owned.id in by_id
    assert by_id[confirmed.id].review_status == "confirmed"
    assert by_id[edited.id].origin_text == "Bryansk region"
    fresh = [m for m in rows if m.id not in {confirmed.id, rejected.id, manual.id, edited.id}]
    assert [(m.unit_text, m.review_status, m.provenance) for m in fresh] == [
        ("a brigade", "pending", "extracted")
    ]


def test_the_reextract_job_runs_the_current_extractor_and_keeps_analyst_records(
    client: TestClient,
    session: Session,
    session_factory: sessionmaker[Session],
    settings: Settings,
) -> None:
    from app.extraction import EXTRACTOR_VERSION

    article = make_article(session, text=TEXT, extractor_version="0")
    confirmed = make_movement(session, article, unit_text="kept as is", review_status="confirmed")
    stale = make_movement(session, article, unit_text="stale machine guess")
    session.commit()
    confirmed_id, stale_id, article_id = confirmed.id, stale.id, article.id
    response = client.post("/imports/reextract", follow_redirects=False)
    assert response.status_code == 303
    batch_id = int(response.headers["location"].rsplit("/", 1)[1])
    items = list(session.scalars(select(ImportItem).where(ImportItem.batch_id == batch_id)))
    assert [i.article_id for i in items] == [article_id]
    process_item(session_factory, items[0].id, settings, last_attempt=True)

    session.expire_all()
    assert session.get(ImportItem, items[0].id).status == "done"  # type: ignore[union-attr]
    rows = {
        m.id: m for m in session.scalars(select(Movement).where(Movement.article_id == article_id))
    }
    assert rows[confirmed_id].unit_text == "kept as is"
    assert stale_id not in rows
    refreshed = session.get(type(article), article_id)
    assert refreshed is not None and refreshed.extractor_version == EXTRACTOR_VERSION
