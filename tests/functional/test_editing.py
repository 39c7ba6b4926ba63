"""In-place editing, autocomplete, new entities, lost-update protection, manual records, merge."""

from __future__ import annotations

import csv
import io
import re
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.audit.models import Revision
from app.entities.models import Place, Source, Unit
from app.movements.models import Movement
from tests.conftest import LoginAs
from tests.factories import make_article, make_movement, make_place

pytestmark = pytest.mark.functional


def _form(movement: Movement, **changes: Any) -> dict[str, Any]:
    values: dict[str, Any] = {
        "version": movement.version,
        "unit_text": movement.unit_text or "",
        "unit_id": movement.unit_id or "",
        "side": movement.side or "",
        "origin_text": movement.origin_text or "",
        "origin_place_id": movement.origin_place_id or "",
        "destination_text": movement.destination_text or "",
        "destination_place_id": movement.destination_place_id or "",
        "source_text": movement.source_text or "",
        "source_id": movement.source_id or "",
        "outlet": movement.outlet or "",
        "status": movement.status,
        "quantity": movement.quantity or "",
        "event_date": movement.event_date.isoformat() if movement.event_date else "",
        "date_precision": movement.date_precision or "",
    }
    values.update(changes)
    return values


def test_edit_form_replaces_the_card_and_saving_every_field_returns_the_card(
    analyst_client: TestClient, session: Session
) -> None:
    movement = make_movement(session)
    bryansk = make_place(session, "Bryansk Oblast")
    unit = Unit(name="20th Combined Arms Army")
    source = Source(name="Ministry of Defence")
    session.add_all([unit, source])
    session.flush()
    form = analyst_client.get(f"/movements/{movement.id}/edit", headers={"HX-Request": "true"})
    assert form.status_code == 200
    assert form.text.lstrip().startswith(
        f'<form class="movement-card editing" id="card-{movement.id}"'
    )
    assert 'hx-target="this" hx-swap="outerHTML"' in form.text
    assert 'data-autocomplete="place"' in form.text and 'data-autocomplete="unit"' in form.text
    changes = {
        "unit_text": "20th Army",
        "unit_id": unit.id,
        "side": "Russian forces",
        "origin_text": "Voronezh",
        "destination_text": "Bryansk",
        "destination_place_id": bryansk.id,
        "source_text": "the ministry",
        "source_id": source.id,
        "outlet": "Wire",
        "status": "planned",
        "quantity": "two brigades",
        "event_date": "2026-02-03",
        "date_precision": "week",
    }
    saved = analyst_client.post(
        f"/movements/{movement.id}", data=_form(movement, **changes), headers={"HX-Request": "true"}
    )
    assert saved.status_code == 200
    assert saved.text.lstrip().startswith('<article class="movement-card')
    assert 'hx-target="this" hx-swap="outerHTML"' in saved.text
    assert "Bryansk Oblast" in saved.text and "two brigades" in saved.text
    assert saved.headers["HX-Trigger"] == "movement-changed"
    session.expire_all()
    stored = session.get(Movement, movement.id)
    assert stored is not None and stored.version == 2
    assert (stored.unit_id, stored.destination_place_id, stored.source_id) == (
        unit.id,
        bryansk.id,
        source.id,
    )
    assert stored.event_date.isoformat() == "2026-02-03"  # type: ignore[union-attr]
    fields = set(
        session.scalars(
            select(Revision.field).where(
                Revision.movement_id == movement.id, Revision.action == "edit"
            )
        )
    )
    assert fields == {*changes} - set()  # one revision per changed field
    assert all(
        v == 2
        for v in session.scalars(
            select(Revision.version).where(Revision.movement_id == movement.id)
        )
    )


def test_autocomplete_finds_places_units_and_sources_fuzzily(
    analyst_client: TestClient, session: Session
) -> None:
    make_place(session, "Bryansk Oblast", country_code="RU")
    make_place(session, "Belgorod Oblast")
    session.add_all(
        [Unit(name="155th Marine Brigade", echelon="brigade"), Source(name="General Staff")]
    )
    session.flush()
    places = analyst_client.get("/autocomplete/place?q=Briansk")  # misspelt
    assert places.status_code == 200
    assert 'data-name="Bryansk Oblast"' in places.text
    assert "Belgorod" not in places.text
    assert 'data-id="new" data-name="Briansk"' in places.text  # offer to create it
    prefix = analyst_client.get("/autocomplete/place?q=Be")
    assert 'data-name="Belgorod Oblast"' in prefix.text
    units = analyst_client.get("/autocomplete/unit?q=155 marine")
    assert 'data-name="155th Marine Brigade"' in units.text
    sources = analyst_client.get("/autocomplete/source?q=general staf")
    assert 'data-name="General Staff"' in sources.text
    assert analyst_client.get("/autocomplete/weapon?q=x").status_code == 404
    assert analyst_client.get("/autocomplete/place?q=").text.strip() == ""


def test_a_new_place_unit_and_source_can_be_created_from_the_editor(
    analyst_client: TestClient, session: Session
) -> None:
    movement = make_movement(session)
    saved = analyst_client.post(
        f"/movements/{movement.id}",
        data=_form(
            movement,
            destination_text="Novoye Selo",
            destination_place_id="new",
            destination_new_kind="village",
            destination_new_country="ru",
            unit_text="3rd Test Regiment",
            unit_id="new",
            source_text="a local official",
            source_id="new",
        ),
    )
    assert saved.status_code == 200
    place = session.scalars(select(Place).where(Place.name == "Novoye Selo")).one()
    assert (place.kind, place.country_code, place.key.startswith("manual:")) == (
        "village",
        "RU",
        True,
    )
    assert session.scalars(select(Unit).where(Unit.name == "3rd Test Regiment")).one()
    assert session.scalars(select(Source).where(Source.name == "a local official")).one()
    session.expire_all()
    assert session.get(Movement, movement.id).destination_place_id == place.id  # type: ignore[union-attr]


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"status": "rumoured"}, "status must be one of reported, planned, denied"),
        ({"event_date": "03/02/2026"}, "The date must be written YYYY-MM-DD"),
        ({"date_precision": "hour"}, "date_precision must be one of"),
        ({"unit_text": "x" * 301}, "unit_text has more than 300 characters"),
        ({"destination_place_id": "999999"}, "There is no place #999999"),
        ({"destination_place_id": "abc"}, "destination_place_id must be a number or"),
        (
            {"destination_place_id": "new", "destination_new_kind": "planet"},
            "kind must be one of settlement, city",
        ),
    ],
)
def test_bad_input_is_refused_precisely_and_nothing_is_written(
    analyst_client: TestClient, session: Session, changes: dict[str, str], message: str
) -> None:
    movement = make_movement(session)
    places_before = session.scalars(select(Place.id)).all()
    response = analyst_client.post(
        f"/movements/{movement.id}", data=_form(movement, side="changed", **changes)
    )
    assert response.status_code == 422
    assert message in response.text
    assert 'aria-invalid="true"' in response.text or "new place" in response.text
    session.expire_all()
    stored = session.get(Movement, movement.id)
    assert stored is not None and (stored.version, stored.side) == (1, "Russia")
    assert session.scalars(select(Place.id)).all() == places_before


def test_bad_version_and_unknown_record(analyst_client: TestClient, session: Session) -> None:
    movement = make_movement(session)
    assert (
        analyst_client.post(f"/movements/{movement.id}", data={"version": "x"}).status_code == 422
    )
    assert analyst_client.post("/movements/999999", data={"version": 1}).status_code == 404
    assert analyst_client.get("/movements/999999").status_code == 404
    assert analyst_client.get("/movements/abc").status_code == 404


def test_a_stale_save_is_a_conflict_that_shows_their_change_and_can_be_reapplied(
    login_as: LoginAs, session: Session
) -> None:
    movement = make_movement(session, destination_text="Kursk")
    alice, bob = login_as("analyst"), login_as("analyst")
    # Both open the editor at version 1; Bob saves first.
    assert (
        bob.post(
            f"/movements/{movement.id}", data=_form(movement, destination_text="Oryol")
        ).status_code
        == 200
    )
    stale = alice.post(
        f"/movements/{movement.id}", data=_form(movement, destination_text="Bryansk")
    )
    assert stale.status_code == 409
    assert "Someone else saved this record" in stale.text
    assert bob.username in stale.text  # type: ignore[attr-defined]
    assert "<del>Kursk</del> → <ins>Oryol</ins>" in stale.text
    assert 'value="Bryansk"' in stale.text  # her values are kept
    assert '<input type="hidden" name="version" value="2">' in stale.text
    session.expire_all()
    assert session.get(Movement, movement.id).destination_text == "Oryol"  # type: ignore[union-attr]
    # Re-applying sends the current version.
    again = alice.post(
        f"/movements/{movement.id}", data=_form(movement, version=2, destination_text="Bryansk")
    )
    assert again.status_code == 200
    history = session.execute(
        select(Revision.old_value, Revision.new_value, Revision.version, Revision.user_id)
        .where(Revision.movement_id == movement.id, Revision.field == "destination_text")
        .order_by(Revision.id)
    ).all()
    assert [tuple(h) for h in history] == [
        ("Kursk", "Oryol", 2, bob.user_id),  # type: ignore[attr-defined]
        ("Oryol", "Bryansk", 3, alice.user_id),  # type: ignore[attr-defined]
    ]


XSS = '<script>alert("x")</script>'


def test_stored_markup_in_every_editable_field_is_escaped_everywhere(
    client: TestClient, session: Session
) -> None:
    article = make_article(session, title="Plain title")
    movement = make_movement(session, article)
    fields = [
        "unit_text",
        "side",
        "origin_text",
        "destination_text",
        "source_text",
        "outlet",
        "quantity",
    ]
    saved = client.post(
        f"/movements/{movement.id}",
        data=_form(
            movement,
            **{name: f"{XSS}{name}" for name in fields},
            destination_place_id="new",
            unit_id="new",
            source_id="new",
        ),
    )
    assert saved.status_code == 200
    pages = [
        "/movements",
        f"/movements/{movement.id}",
        f"/movements/{movement.id}/edit",
        f"/movements/{movement.id}/card",
        f"/movements/{movement.id}/history",
        f"/articles/{article.id}",
        "/autocomplete/place?q=%3Cscript",
        "/autocomplete/unit?q=%3Cscript",
        "/autocomplete/source?q=%3Cscript",
    ]
    client.post(f"/movements/{movement.id}/reject", data={"version": 2})
    client.post(f"/movements/{movement.id}/restore", data={"version": 3, "restore_version": 2})
    for url in pages:
        body = client.get(url).text
        assert "<script>alert" not in body, url
        assert "&lt;script&gt;alert(" in body, url
    review_movement = make_movement(session, unit_text=XSS, evidence=XSS, evidence_end=len(XSS))
    queue = client.get("/review").text
    assert f"card-{review_movement.id}" in queue
    assert "<script>alert" not in queue


def test_manual_record_from_selected_evidence(analyst_client: TestClient, session: Session) -> None:
    text = "Intro.\nThe 5th Test Brigade was sent from Gamma to Delta on Friday.\nOutro."
    article = make_article(session, text=text)
    page = analyst_client.get(f"/articles/{article.id}/movements/new")
    assert page.status_code == 200 and 'id="source-text"' in page.text
    evidence = "The 5th Test Brigade was sent from Gamma to Delta"
    start = text.index(evidence)
    created = analyst_client.post(
        f"/articles/{article.id}/movements",
        data={
            "evidence_start": start,
            "evidence_end": start + len(evidence),
            "unit_text": "5th Test Brigade",
            "origin_text": "Gamma",
            "destination_text": "Delta",
            "status": "reported",
            "event_date": "2026-04-03",
        },
        follow_redirects=False,
    )
    assert created.status_code == 303
    movement = session.scalars(select(Movement).where(Movement.article_id == article.id)).one()
    assert (movement.evidence, movement.provenance, movement.review_status) == (
        evidence,
        "manual",
        "confirmed",
    )
    assert created.headers["location"] == f"/movements/{movement.id}"
    assert session.scalars(
        select(Revision.action).where(Revision.movement_id == movement.id)
    ).all() == ["create"]
    for start_end, msg in [
        (("", ""), "Select the evidence"),
        (("5", "999"), "offsets must satisfy"),
    ]:
        bad = analyst_client.post(
            f"/articles/{article.id}/movements",
            data={
                "evidence_start": start_end[0],
                "evidence_end": start_end[1],
                "status": "reported",
            },
        )
        assert bad.status_code == 422 and msg in bad.text
    assert analyst_client.get("/articles/999999/movements/new").status_code == 404


def test_merge_makes_one_movement_with_several_reports(
    analyst_client: TestClient, session: Session
) -> None:
    first = make_movement(
        session, make_article(session, title="First report"), destination_text="Zeta"
    )
    second = make_movement(
        session, make_article(session, title="Second report"), destination_text="zeta"
    )
    third_article = make_article(session, title="Third report")
    third = make_movement(session, third_article, destination_text="Zeta")
    same_article = make_movement(session, third_article, destination_text="Zeta")

    page = analyst_client.get(f"/movements/{first.id}")
    assert f"Merge #{second.id}" in page.text  # offered as a candidate
    for other, version in [(second, 1), (third, 2), (same_article, 3)]:
        merged = analyst_client.post(
            f"/movements/{first.id}/merge",
            data={"other_id": str(other.id), "version": version},
            follow_redirects=False,
        )
        assert merged.status_code == 303, merged.text
    session.expire_all()
    target = session.get(Movement, first.id)
    assert target is not None
    assert target.corroboration == 3  # three distinct articles, four records
    assert session.get(Movement, second.id).merged_into_id == first.id  # type: ignore[union-attr]

    table = analyst_client.get("/movements?destination=zeta")
    assert table.text.count('<tr id="movement-') == 1
    assert f'<td class="corroboration"><a href="/movements/{first.id}"' in table.text
    assert ">3</a></td>" in table.text
    rows = list(
        csv.DictReader(io.StringIO(analyst_client.get("/movements.csv?destination=zeta").text))
    )
    assert [(r["id"], r["corroboration"]) for r in rows] == [(str(first.id), "3")]
    api = analyst_client.get(f"/api/v1/movements/{first.id}").json()
    assert api["corroboration"] == 3

    detail = analyst_client.get(f"/movements/{first.id}").text
    assert "Reports (3 articles)" in detail
    assert "Second report" in detail and "Third report" in detail
    assert (
        analyst_client.post(
            f"/movements/{first.id}/merge",
            data={"other_id": str(first.id), "version": target.version},
        ).status_code
        == 422
    )
    assert (
        analyst_client.post(
            f"/movements/{first.id}/merge", data={"other_id": "abc", "version": target.version}
        ).status_code
        == 422
    )
    assert (
        analyst_client.post(
            f"/movements/{first.id}/merge",
            data={"other_id": str(second.id), "version": target.version},
        ).status_code
        == 422
    )  # already merged: no longer a live record


def test_restoring_a_merged_report_lowers_the_count(client: TestClient, session: Session) -> None:
    first = make_movement(session)
    second = make_movement(session)
    client.post(f"/movements/{first.id}/merge", data={"other_id": second.id, "version": 1})
    assert (
        client.post(f"/movements/{second.id}/undelete", follow_redirects=False).status_code == 303
    )
    session.expire_all()
    assert session.get(Movement, first.id).corroboration == 1  # type: ignore[union-attr]
    restored = session.get(Movement, second.id)
    assert restored is not None and restored.deleted_at is None and restored.merged_into_id is None


def test_record_page_has_its_card_history_and_article_link(
    analyst_client: TestClient, session: Session
) -> None:
    movement = make_movement(session)
    page = analyst_client.get(f"/movements/{movement.id}")
    assert page.status_code == 200
    assert re.search(rf'<article class="movement-card [^"]*" id="card-{movement.id}"', page.text)
    assert 'id="history"' in page.text
    assert f'href="/articles/{movement.article_id}#movement-{movement.id}"' in page.text


def test_autocomplete_finds_places_by_their_cyrillic_aliases(
    analyst_client: TestClient, session: Session
) -> None:
    make_place(
        session, "Zaporizhzhia Oblast", aliases=["Запорізька область", "Запорожская область"]
    )
    response = analyst_client.get("/autocomplete/place?q=Запорізька")
    assert 'data-name="Zaporizhzhia Oblast"' in response.text
    assert "Запорізька область" in response.text
