"""`troopwatch users create|set-role|disable` against a database of its own."""

from __future__ import annotations

import io

import pytest
from sqlalchemy import create_engine, select
from sqlalchemy.orm import Session

from app.cli import main
from app.migrate import upgrade
from app.users.models import User, UserSession
from app.users.service import check_password
from tests.database import database_name, recreate_database
from tests.factories import start_test_session

pytestmark = pytest.mark.functional


def test_users_commands(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    url = recreate_database(database_name("_cli"))
    upgrade(url)
    monkeypatch.setenv("TROOPWATCH_DATABASE_URL", url)
    monkeypatch.setattr("sys.stdin", io.StringIO("a long enough password\n"))
    assert main(["users", "create", "Olga", "--role", "analyst", "--password-stdin"]) == 0
    assert "created analyst olga" in capsys.readouterr().out

    engine = create_engine(url)
    try:
        with Session(engine) as session:
            user = session.scalars(select(User)).one()
            assert check_password(user.password_hash, "a long enough password")
            start_test_session(session, user)
            session.commit()

        assert main(["users", "set-role", "olga", "admin"]) == 0
        assert main(["users", "set-role", "olga", "boss"]) == 1
        assert "viewer, analyst, admin" in capsys.readouterr().err
        assert main(["users", "disable", "olga"]) == 0
        assert main(["users", "disable", "nobody"]) == 1
        with Session(engine) as session:
            user = session.scalars(select(User)).one()
            assert (user.role, user.is_active) == ("admin", False)
            revoked = session.scalars(select(UserSession.revoked_at)).one()
            assert revoked is not None
    finally:
        engine.dispose()
