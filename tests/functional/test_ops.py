"""Operations: readiness, request logs, and backup/restore through the command line."""

from __future__ import annotations

import json
import logging
import os
import subprocess
import sys
from pathlib import Path

import pytest
from alembic import command
from fastapi.testclient import TestClient
from sqlalchemy import create_engine, text
from sqlalchemy.orm import sessionmaker

from app.db import libpq_url
from app.main import create_app
from app.migrate import alembic_config, upgrade
from app.ops.health import head_revisions
from app.settings import Settings
from tests.database import database_name, recreate_database

pytestmark = pytest.mark.functional


def test_healthz_and_readyz_when_all_is_well(client: TestClient) -> None:
    assert client.get("/healthz").json() == {"status": "ok"}
    response = client.get("/readyz")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ready"
    assert body["migrations"] == "head"
    assert body["current"] == sorted(head_revisions())


def test_readyz_reports_a_schema_behind_head() -> None:
    url = recreate_database(database_name("_ops_behind"))
    command.upgrade(alembic_config(url), "0001")
    engine = create_engine(url)
    try:
        app = create_app(
            Settings(environment="test", database_url=url),
            session_factory=sessionmaker(bind=engine),
        )
        with TestClient(app) as client:
            response = client.get("/readyz")
        assert response.status_code == 503
        body = response.json()
        assert body["migrations"] == "behind"
        assert body["current"] == ["0001"]
        assert "troopwatch migrate" in body["detail"]
    finally:
        engine.dispose()


def test_readyz_reports_an_unreachable_database() -> None:
    # Nothing listens on port 1: the connection is refused at once.
    settings = Settings(
        environment="test", database_url="postgresql://postgres@127.0.0.1:1/nothing"
    )
    with TestClient(create_app(settings)) as client:
        response = client.get("/readyz")
        assert response.status_code == 503
        assert response.json()["database"] == "unreachable"
        assert response.headers["retry-after"] == "5"
        assert client.get("/healthz").status_code == 200


def test_each_request_is_logged_as_one_json_line_with_its_duration(
    client: TestClient, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, logger="troopwatch.request")
    ok = client.get("/movements?unit=brigade", headers={"X-Request-ID": "trace-42"})
    bad = client.get("/movements?status=lost")
    client.get("/healthz")
    records = [json.loads(r.getMessage()) for r in caplog.records if r.name == "troopwatch.request"]
    assert [r["path"] for r in records] == ["/movements", "/movements"]
    first, second = records
    assert first["request_id"] == "trace-42" == ok.headers["x-request-id"]
    assert first["method"] == "GET"
    assert first["query"] == "unit=brigade"
    assert first["status"] == 200
    assert first["bytes"] == len(ok.content)
    assert isinstance(first["duration_ms"], float) and first["duration_ms"] >= 0
    assert second["status"] == bad.status_code == 400
    assert len(second["request_id"]) == 32  # generated when the client sends none


def _cli(*args: str, url: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "DATABASE_URL": url}
    return subprocess.run(
        [sys.executable, "-m", "app.cli", *args], capture_output=True, text=True, env=env
    )


def test_backup_and_restore_round_trip(tmp_path: Path) -> None:
    url = recreate_database(database_name("_ops_backup"))
    upgrade(url)
    engine = create_engine(url)
    try:
        with engine.begin() as conn:
            article_id = conn.execute(
                text(
                    "INSERT INTO article (title, text, content_sha256, extraction_status)"
                    " VALUES ('Round trip', 'Тексти та кирилиця survive.', 'abc', 'done')"
                    " RETURNING id"
                )
            ).scalar_one()
            conn.execute(
                text(
                    "INSERT INTO movement (article_id, unit_text, status, evidence,"
                    " evidence_start, evidence_end, confidence, review_status, provenance)"
                    " VALUES (:a, '47th Brigade', 'reported', 'e', 0, 1, 0.9, 'pending',"
                    " 'extracted')"
                ),
                {"a": article_id},
            )
        backup_file = tmp_path / "troopwatch.dump"
        done = _cli("backup", str(backup_file), url=libpq_url(url))
        assert done.returncode == 0, done.stderr
        assert backup_file.stat().st_size > 0
        assert not backup_file.with_name("troopwatch.dump.partial").exists()

        with engine.begin() as conn:
            conn.execute(text("DELETE FROM movement"))
            conn.execute(text("UPDATE article SET title = 'changed after the backup'"))

        refused = _cli("restore", str(backup_file), url=libpq_url(url))
        assert refused.returncode == 2 and "--yes" in refused.stderr
        restored = _cli("restore", str(backup_file), "--yes", url=libpq_url(url))
        assert restored.returncode == 0, restored.stderr

        engine.dispose()
        with engine.connect() as conn:
            assert conn.execute(text("SELECT title, text FROM article")).all() == [
                ("Round trip", "Тексти та кирилиця survive.")
            ]
            assert conn.execute(text("SELECT unit_text FROM movement")).scalars().all() == [
                "47th Brigade"
            ]
            version = conn.execute(text("SELECT version_num FROM alembic_version")).scalar_one()
            assert {version} == head_revisions()
            # The restored schema keeps its indexes and the sequences continue after the rows.
            indexes = conn.execute(
                text("SELECT indexname FROM pg_indexes WHERE tablename = 'movement'")
            ).scalars()
            assert "ix_movement_sort_date" in set(indexes)
    finally:
        engine.dispose()


def test_restore_of_a_missing_file_fails_clearly(tmp_path: Path, database_url: str) -> None:
    done = _cli("restore", str(tmp_path / "nope.dump"), "--yes", url=libpq_url(database_url))
    assert done.returncode == 1
    assert "there is no backup file" in done.stderr
