"""Audit history: every change recorded and shown, any version restorable, soft deletes."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.audit.models import Revision
from app.movements.models import Movement
from tests.conftest import LoginAs
from tests.factories import make_movement, make_place
from tests.functional.test_editing import _form

pytestmark = pytest.mark.functional


def _revisions(
    session: Session, movement_id: int
) -> list[tuple[str, str | None, str | None, str | None, int]]:
    rows = session.execute(
        select(
            Revision.action,
            Revision.field,
            Revision.old_value,
            Revision.new_value,
            Revision.version,
        )
        .where(Revision.movement_id == movement_id)
        .order_by(Revision.id)
    ).all()
    return [tuple(r) for r in rows]  # type: ignore[misc]


def test_every_kind_of_change_is_recorded_and_shown(client: TestClient, session: Session) -> None:
    movement = make_movement(session, destination_text="Kursk")
    client.post(f"/movements/{movement.id}", data=_form(movement, destination_text="Oryol"))
    client.post(f"/movements/{movement.id}/confirm", data={"version": 2})
    client.post(f"/movements/{movement.id}/reject", data={"version": 3})
    client.post(f"/movements/{movement.id}/restore", data={"version": 4, "restore_version": 1})
    client.post(f"/movements/{movement.id}/delete", data={"version": 5})
    client.post(f"/movements/{movement.id}/undelete")
    assert _revisions(session, movement.id) == [
        ("edit", "destination_text", "Kursk", "Oryol", 2),
        ("confirm", "review_status", "pending", "confirmed", 3),
        ("reject", "review_status", "confirmed", "rejected", 4),
        ("restore", "destination_text", "Oryol", "Kursk", 5),
        ("restore", "review_status", "rejected", "pending", 5),
        ("delete", None, None, None, 6),
        ("restore", None, None, None, 7),
    ]
    page = client.get(f"/movements/{movement.id}")
    assert page.status_code == 200
    history = page.text[page.text.index('id="history"') :]
    for action in ["edit", "confirm", "reject", "restore", "delete"]:
        assert f"<td>{action}</td>" in history
    assert "<code>destination_text</code>: <del>Kursk</del> → <ins>Oryol</ins>" in history
    assert client.username in history  # type: ignore[attr-defined]


def test_restoring_a_version_brings_back_its_values_including_places(
    analyst_client: TestClient, session: Session
) -> None:
    kursk = make_place(session, "Kursk Oblast")
    bryansk = make_place(session, "Bryansk Oblast")
    movement = make_movement(session, destination_text="Kursk", destination_place_id=kursk.id)
    analyst_client.post(
        f"/movements/{movement.id}",
        data=_form(movement, destination_text="Bryansk", destination_place_id=bryansk.id, side="X"),
    )
    restored = analyst_client.post(
        f"/movements/{movement.id}/restore",
        data={"version": 2, "restore_version": 1},
        headers={"HX-Request": "true"},
    )
    assert restored.status_code == 200
    assert restored.text.lstrip().startswith('<article class="movement-card')
    assert "Kursk Oblast" in restored.text
    session.expire_all()
    stored = session.get(Movement, movement.id)
    assert stored is not None
    assert (stored.destination_text, stored.destination_place_id, stored.side, stored.version) == (
        "Kursk",
        kursk.id,
        "Russia",
        3,
    )
    # The restore is itself history, and can be undone by restoring version 2.
    analyst_client.post(
        f"/movements/{movement.id}/restore", data={"version": 3, "restore_version": 2}
    )
    session.expire_all()
    assert session.get(Movement, movement.id).destination_place_id == bryansk.id  # type: ignore[union-attr]
    bad = analyst_client.post(
        f"/movements/{movement.id}/restore", data={"version": 4, "restore_version": 9}
    )
    assert bad.status_code == 422 and "has no version 9" in bad.text
    stale = analyst_client.post(
        f"/movements/{movement.id}/restore", data={"version": 1, "restore_version": 1}
    )
    assert stale.status_code == 409


def test_history_fragment_refreshes_itself_after_changes(
    analyst_client: TestClient, session: Session
) -> None:
    movement = make_movement(session)
    fragment = analyst_client.get(f"/movements/{movement.id}/history")
    assert 'hx-trigger="movement-changed from:body"' in fragment.text


def test_soft_delete_hides_the_record_and_only_admins_restore_it(
    analyst_client: TestClient, client: TestClient, login_as: LoginAs, session: Session
) -> None:
    movement = make_movement(session, unit_text="Deleted Unit")
    deleted = analyst_client.post(
        f"/movements/{movement.id}/delete", data={"version": 1}, follow_redirects=False
    )
    assert deleted.status_code == 303
    session.expire_all()
    assert session.get(Movement, movement.id).deleted_at is not None  # type: ignore[union-attr]
    assert "Deleted Unit" not in analyst_client.get("/movements").text
    assert analyst_client.get(f"/api/v1/movements/{movement.id}").status_code == 404
    assert analyst_client.get(f"/movements/{movement.id}").status_code == 404
    assert analyst_client.post(f"/movements/{movement.id}/undelete").status_code == 403
    # Admins see it in the deleted list and on its page, and can bring it back.
    assert "Deleted Unit" in client.get("/movements/deleted").text
    page = client.get(f"/movements/{movement.id}")
    assert page.status_code == 200 and "Restore this deleted record" in page.text
    assert (
        client.post(f"/movements/{movement.id}/undelete", follow_redirects=False).status_code == 303
    )
    assert "Deleted Unit" in analyst_client.get("/movements").text
    assert client.post(f"/movements/{movement.id}/undelete").status_code == 409
