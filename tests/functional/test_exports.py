"""Exports of a filtered view: CSV, JSON array, NDJSON and GeoJSON, complete or visibly cut."""

from __future__ import annotations

import csv
import io
import json
import socket
import threading
import time
from collections.abc import Iterator

import httpx
import pytest
import uvicorn
from fastapi.testclient import TestClient
from sqlalchemy import create_engine
from sqlalchemy.orm import Session, sessionmaker

from app.main import create_app
from app.migrate import upgrade
from app.movements import export
from app.movements.export import COLUMNS, geojson_parts, json_array_parts, ndjson_lines
from app.settings import Settings
from app.users.security import SESSION_COOKIE
from tests.database import database_name, recreate_database
from tests.factories import make_article, make_movement, make_user, start_test_session
from tests.visual_fixture import Known, load_known

pytestmark = pytest.mark.functional


@pytest.fixture
def known(session: Session) -> Known:
    return load_known(session)


def test_json_array_holds_the_filtered_rows_with_every_column(
    client: TestClient, known: Known
) -> None:
    response = client.get("/movements.json?destination_is=Kursk+Oblast&sort=date")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("application/json")
    assert response.headers["x-total-count"] == "4"
    assert "attachment" in response.headers["content-disposition"]
    records = response.json()
    assert [r["id"] for r in records] == [known.ids[k] for k in ("m6", "m1", "m3", "m4")]
    assert list(records[0]) == list(COLUMNS)
    assert records[1]["unit_canonical"] == "76th Air Assault Division"
    assert records[1]["destination_place"] == "Kursk Oblast"
    assert records[1]["event_date"] == "2026-03-01"


def test_ndjson_is_one_object_per_line(client: TestClient, known: Known) -> None:
    response = client.get("/movements.ndjson?status=reported")
    assert response.headers["content-type"].startswith("application/x-ndjson")
    lines = response.text.splitlines()
    assert len(lines) == int(response.headers["x-total-count"]) == 5
    assert {json.loads(line)["status"] for line in lines} == {"reported"}


def test_geojson_has_a_linestring_per_located_movement(client: TestClient, known: Known) -> None:
    response = client.get("/movements.geojson")
    assert response.headers["content-type"].startswith("application/geo+json")
    collection = response.json()
    assert collection["type"] == "FeatureCollection"
    assert collection["numberMatched"] == len(collection["features"]) == 7
    by_id = {f["id"]: f for f in collection["features"]}
    m1 = by_id[known.ids["m1"]]
    assert m1["geometry"] == {"type": "LineString", "coordinates": [[32.6, 46.6], [36.2, 51.7]]}
    assert m1["properties"]["origin_place"] == "Kherson"
    assert m1["properties"]["source"] == "General Staff of Ukraine"
    # Kept, without a line: the origin is not resolved / the destination has no coordinates.
    assert by_id[known.ids["m6"]]["geometry"] is None
    assert by_id[known.ids["m7"]]["geometry"] is None
    assert known.ids["m8"] not in by_id


def test_csv_route_keeps_its_behaviour_and_gains_the_count(
    client: TestClient, known: Known
) -> None:
    response = client.get("/movements.csv?unit_is=troops")
    rows = list(csv.DictReader(io.StringIO(response.text)))
    assert response.headers["x-total-count"] == "2" == str(len(rows))
    assert client.get("/movements.csv?bom=1").content.startswith("\ufeff".encode())


def test_empty_export_says_zero(client: TestClient, known: Known) -> None:
    response = client.get("/movements.json?destination_is=Atlantis")
    assert response.headers["x-total-count"] == "0"
    assert response.json() == []
    assert client.get("/movements.geojson?destination_is=Atlantis").json()["features"] == []


def test_bad_filter_is_refused_before_any_byte(client: TestClient) -> None:
    response = client.get("/movements.ndjson?status=moving")
    assert response.status_code == 400
    assert "status must be one of" in response.text


def test_exports_stream_more_rows_than_one_batch(client: TestClient, session: Session) -> None:
    article = make_article(session)
    for i in range(export.BATCH_ROWS + 5):
        make_movement(session, article, unit_text=f"unit {i}")
    session.commit()
    with client.stream("GET", "/movements.ndjson") as response:
        chunks = list(response.iter_bytes())
        total = int(response.headers["x-total-count"])
    assert total == export.BATCH_ROWS + 5
    assert b"".join(chunks).count(b"\n") == total
    assert len(client.get("/movements.json").json()) == total


# -- a cut download is detectable ------------------------------------------------------------


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture(scope="module")
def own_database() -> Iterator[sessionmaker[Session]]:
    """A database of its own: cut connections leave sessions that a shared savepoint could not."""
    url = recreate_database(database_name("_exports"))
    upgrade(url)
    engine = create_engine(url)
    yield sessionmaker(bind=engine, expire_on_commit=False)
    engine.dispose()


@pytest.fixture
def served(own_database: sessionmaker[Session]) -> Iterator[tuple[str, dict[str, str]]]:
    """The app on a real socket, so a download can be cut at the network level."""
    port = _free_port()
    app = create_app(Settings(environment="test"), session_factory=own_database)
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="error"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started:
        assert time.monotonic() < deadline, "server did not start"
        time.sleep(0.02)
    with own_database() as session:
        token, _ = start_test_session(session, make_user(session, role="viewer"))
        session.commit()
    yield f"http://127.0.0.1:{port}", {SESSION_COOKIE: token}
    server.should_exit = True
    thread.join(timeout=10)


def test_a_download_cut_midway_is_detectable(
    served: tuple[str, dict[str, str]], own_database: sessionmaker[Session]
) -> None:
    base, cookies = served
    with own_database() as session:
        article = make_article(session)
        for i in range(3 * export.BATCH_ROWS):
            make_movement(session, article, unit_text=f"unit {i}")
        session.commit()
    for fmt in ("csv", "ndjson", "json", "geojson"):
        received = b""
        with (
            httpx.Client(cookies=cookies) as http,
            http.stream("GET", f"{base}/movements.{fmt}") as response,
        ):
            expected = int(response.headers["x-total-count"])
            for chunk in response.iter_bytes():
                received += chunk
                if len(received) > 50_000:
                    break  # the connection drops here, as a flaky network would drop it
        assert expected == 3 * export.BATCH_ROWS
        text = received.decode("utf-8", errors="ignore")
        if fmt == "csv":
            got = len(list(csv.reader(io.StringIO(text)))) - 1
        elif fmt == "ndjson":
            got = text.count("\n")
        else:
            with pytest.raises(json.JSONDecodeError):
                json.loads(text)
            got = text.count('"evidence_start":')
        assert got < expected, fmt
    # And the whole file, read to the end, has exactly the announced number of rows.
    full = httpx.get(f"{base}/movements.ndjson", cookies=cookies, timeout=60)
    assert full.text.count("\n") == int(full.headers["x-total-count"])


def test_serialisers_stop_without_a_closing_mark_when_rows_fail() -> None:
    def failing_rows() -> Iterator[tuple[object, ...]]:
        yield tuple(range(len(COLUMNS)))
        raise RuntimeError("the database went away")

    for parts in (json_array_parts(failing_rows()), geojson_parts(failing_rows(), total=2)):
        out: list[str] = []
        with pytest.raises(RuntimeError):
            out.extend(parts)
        assert not "".join(out).rstrip().endswith(("]", "]}"))
    lines: list[str] = []
    with pytest.raises(RuntimeError):
        lines.extend(ndjson_lines(failing_rows()))
    assert len(lines) == 1
