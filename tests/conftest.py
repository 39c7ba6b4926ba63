"""Fixtures shared by every test: a real PostgreSQL, one savepoint per test, an app and client."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import ExitStack

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import Connection, Engine, create_engine
from sqlalchemy.orm import Session, sessionmaker

from app.main import create_app
from app.migrate import upgrade
from app.settings import Settings
from app.users.security import CSRF_HEADER, SESSION_COOKIE
from tests.database import database_name, recreate_database
from tests.factories import make_user, start_test_session


@pytest.fixture(scope="session")
def database_url() -> str:
    url = recreate_database(database_name())
    upgrade(url)
    return url


@pytest.fixture(scope="session")
def engine(database_url: str) -> Iterator[Engine]:
    engine = create_engine(database_url)
    yield engine
    engine.dispose()


@pytest.fixture
def connection(engine: Engine) -> Iterator[Connection]:
    """A connection inside a transaction that is rolled back after the test."""
    with engine.connect() as conn:
        transaction = conn.begin()
        yield conn
        transaction.rollback()


@pytest.fixture
def session_factory(connection: Connection) -> sessionmaker[Session]:
    # Each session's commit releases a savepoint; the outer transaction still rolls back.
    return sessionmaker(
        bind=connection, join_transaction_mode="create_savepoint", expire_on_commit=False
    )


@pytest.fixture
def session(session_factory: sessionmaker[Session]) -> Iterator[Session]:
    with session_factory() as session:
        yield session


@pytest.fixture
def settings(database_url: str) -> Settings:
    return Settings(environment="test", database_url=database_url, warm_extractor=False)


@pytest.fixture
def app(settings: Settings, session_factory: sessionmaker[Session]) -> FastAPI:
    return create_app(settings, session_factory=session_factory)


LoginAs = Callable[[str], TestClient]


@pytest.fixture
def login_as(app: FastAPI, session_factory: sessionmaker[Session]) -> Iterator[LoginAs]:
    """Clients signed in as a new user of the given role; unsafe requests carry the CSRF
    header, as pages do through ``hx-headers``."""
    with ExitStack() as stack:

        def signed_in(role: str) -> TestClient:
            with session_factory() as session:
                user = make_user(session, role=role)
                token, csrf = start_test_session(session, user)
                session.commit()
            client = TestClient(app, cookies={SESSION_COOKIE: token})
            client.headers[CSRF_HEADER] = csrf
            client.user_id = user.id  # type: ignore[attr-defined]
            client.username = user.username  # type: ignore[attr-defined]
            return stack.enter_context(client)

        yield signed_in


@pytest.fixture
def client(login_as: LoginAs) -> TestClient:
    """Signed in as an admin: may do everything."""
    return login_as("admin")


@pytest.fixture
def analyst_client(login_as: LoginAs) -> TestClient:
    return login_as("analyst")


@pytest.fixture
def viewer_client(login_as: LoginAs) -> TestClient:
    return login_as("viewer")


@pytest.fixture
def anonymous_client(app: FastAPI) -> Iterator[TestClient]:
    with TestClient(app) as client:
        yield client
