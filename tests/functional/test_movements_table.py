"""The movements table: filters, sorting, keyset pages, the sentence, HTMX fragments, CSV."""

import csv
import io
from datetime import date

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from tests.factories import make_article, make_movement, make_place

pytestmark = pytest.mark.functional


@pytest.fixture
def fixture_rows(session: Session) -> dict[str, int]:
    kursk = make_place(session, "Kursk Oblast", kind="oblast")
    donetsk = make_place(session, "Donetsk Oblast", kind="oblast", country_code="UA")
    article = make_article(session, title="Northern shift", url="https://example.org/a1")
    other = make_article(session, title="Southern news", outlet="Other Outlet")
    rows = {
        "a": make_movement(
            session,
            article,
            unit_text="76th Air Assault Division",
            destination_text="the Kursk region",
            destination_place_id=kursk.id,
            origin_text="Kherson",
            event_date=date(2026, 3, 1),
        ).id,
        "b": make_movement(
            session,
            article,
            unit_text="troops",
            destination_text="Kursk",
            destination_place_id=kursk.id,
            origin_text="Belgorod",
            status="planned",
            event_date=date(2026, 3, 5),
        ).id,
        "c": make_movement(
            session,
            other,
            unit_text="3rd Assault Brigade",
            side="Ukraine",
            destination_text="Pokrovsk direction",
            destination_place_id=donetsk.id,
            origin_text="Kharkiv",
            status="denied",
            event_date=date(2026, 2, 1),
        ).id,
    }
    session.commit()
    return rows


def _ids(html: str, ids: dict[str, int]) -> set[str]:
    return {name for name, mid in ids.items() if f'id="movement-{mid}"' in html}


def test_table_lists_every_movement_newest_first(
    client: TestClient, fixture_rows: dict[str, int]
) -> None:
    response = client.get("/movements")
    assert response.status_code == 200
    html = response.text
    assert "3 movements" in html
    positions = [html.index(f'id="movement-{fixture_rows[k]}"') for k in ("b", "a", "c")]
    assert positions == sorted(positions)


@pytest.mark.parametrize(
    ("query", "expected", "sentence"),
    [
        ("destination=Kursk", {"a", "b"}, "2 movements where destination is Kursk"),
        ("destination=kursk+oblast", {"a", "b"}, "2 movements where destination is kursk oblast"),
        ("origin=Kharkiv", {"c"}, "1 movement where origin is Kharkiv"),
        ("unit=brigade", {"c"}, "1 movement where unit is brigade"),
        ("side=Ukraine", {"c"}, "1 movement where side is Ukraine"),
        ("status=planned", {"b"}, "1 movement where status is planned"),
        ("outlet=Other", {"c"}, "1 movement where outlet is Other"),
        ("source=spokesman", {"a", "b", "c"}, "3 movements where source is spokesman"),
        (
            "date_from=2026-03-01&date_to=2026-03-04",
            {"a"},
            "1 movement where date is 2026-03-01 to 2026-03-04",
        ),
        ("q=Air+Assault", {"a"}, "1 movement where text contains “Air Assault”"),
        (
            "destination=Kursk&status=reported",
            {"a"},
            "1 movement where destination is Kursk and status is reported",
        ),
        ("destination=Nowhere", set(), "0 movements where destination is Nowhere"),
    ],
)
def test_filters(
    client: TestClient, fixture_rows: dict[str, int], query: str, expected: set[str], sentence: str
) -> None:
    response = client.get(f"/movements?{query}")
    assert response.status_code == 200
    assert _ids(response.text, fixture_rows) == expected
    assert sentence in response.text


def test_article_filter(client: TestClient, session: Session, fixture_rows: dict[str, int]) -> None:
    from app.movements.models import Movement

    article_id = session.get(Movement, fixture_rows["c"]).article_id  # type: ignore[union-attr]
    html = client.get(f"/movements?article={article_id}").text
    assert _ids(html, fixture_rows) == {"c"}


def test_like_wildcards_in_filters_are_literal(
    client: TestClient, fixture_rows: dict[str, int]
) -> None:
    assert _ids(client.get("/movements?destination=%25").text, fixture_rows) == set()
    assert _ids(client.get("/movements?unit=_").text, fixture_rows) == set()


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("status=teleported", "status must be one of reported, planned, denied"),
        ("date_from=31-12-2026", "date_from must be a date written YYYY-MM-DD"),
        ("sort=weather", "sort must be one of"),
        ("after=%%%", "after is not a valid page cursor"),
    ],
)
def test_bad_filter_values_get_400_with_the_reason(
    client: TestClient, query: str, message: str
) -> None:
    response = client.get(f"/movements?{query}")
    assert response.status_code == 400
    assert message in response.text
    api = client.get(f"/api/v1/movements?{query}")
    assert api.status_code == 400
    assert message in api.json()["detail"]


def test_sorting(client: TestClient, fixture_rows: dict[str, int]) -> None:
    html = client.get("/movements?sort=unit").text
    order = sorted(("a", "b", "c"), key=lambda k: html.index(f'id="movement-{fixture_rows[k]}"'))
    assert order == ["c", "a", "b"]  # 3rd…, 76th…, troops
    html = client.get("/movements?sort=-unit").text
    order = sorted(("a", "b", "c"), key=lambda k: html.index(f'id="movement-{fixture_rows[k]}"'))
    assert order == ["b", "a", "c"]


@pytest.mark.parametrize(
    "sort", ["-date", "date", "unit", "-destination", "origin", "status", "-created"]
)
def test_keyset_pages_visit_every_row_once(client: TestClient, session: Session, sort: str) -> None:
    article = make_article(session)
    made = {
        make_movement(
            session,
            article,
            unit_text=f"unit {i % 4}",
            origin_text=None if i % 5 == 0 else f"o{i % 3}",
            event_date=None if i % 7 == 0 else date(2026, 1, 1 + i % 9),
            status=("reported", "planned")[i % 2],
        ).id
        for i in range(23)
    }
    session.commit()
    seen: list[int] = []
    url: str | None = f"/api/v1/movements?sort={sort}&limit=5"
    while url:
        body = client.get(url).json()
        seen.extend(item["id"] for item in body["items"])
        url = body["next"]
    assert len(seen) == len(set(seen))
    assert set(seen) == made


def test_htmx_request_gets_only_the_results_fragment(
    client: TestClient, fixture_rows: dict[str, int]
) -> None:
    response = client.get("/movements?destination=Kursk", headers={"HX-Request": "true"})
    assert response.status_code == 200
    assert response.text.lstrip().startswith('<section id="results"')
    assert "<html" not in response.text
    assert response.headers["Vary"] == "HX-Request"
    assert response.headers["HX-Push-Url"] == "/movements?destination=Kursk"
    full = client.get(
        "/movements?destination=Kursk",
        headers={"HX-Request": "true", "HX-History-Restore-Request": "true"},
    )
    assert "<html" in full.text


def test_filter_form_reflects_the_url(client: TestClient, fixture_rows: dict[str, int]) -> None:
    html = client.get("/movements?destination=Kursk&status=planned").text
    assert 'name="destination" value="Kursk"' in html
    assert '<option value="planned" selected>' in html
    assert 'hx-push-url="true"' in html


def test_csv_export_matches_the_filter(client: TestClient, fixture_rows: dict[str, int]) -> None:
    response = client.get("/movements.csv?destination=Kursk&sort=unit")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/csv")
    assert "attachment" in response.headers["content-disposition"]
    rows = list(csv.DictReader(io.StringIO(response.content.decode("utf-8"))))
    assert [int(r["id"]) for r in rows] == [fixture_rows["a"], fixture_rows["b"]]
    first = rows[0]
    assert first["unit"] == "76th Air Assault Division"
    assert first["destination_place"] == "Kursk Oblast"
    assert first["article_url"] == "https://example.org/a1"
    assert first["event_date"] == "2026-03-01"
    assert {"evidence", "evidence_start", "confidence", "review_status", "source", "status"} <= set(
        first
    )


def test_csv_neutralises_formulas_and_keeps_unicode(client: TestClient, session: Session) -> None:
    make_movement(
        session,
        unit_text='=HYPERLINK("http://x","click")',
        origin_text="Київ",
        source_text="@attacker",
        destination_text="+Kursk",
    )
    session.commit()
    rows = list(csv.DictReader(io.StringIO(client.get("/movements.csv").content.decode("utf-8"))))
    assert rows[0]["unit"].startswith("'=")
    assert rows[0]["source"] == "'@attacker"
    assert rows[0]["destination"] == "'+Kursk"
    assert rows[0]["origin"] == "Київ"


def test_csv_bom_variant_for_excel(client: TestClient, fixture_rows: dict[str, int]) -> None:
    body = client.get("/movements.csv?bom=1").content
    assert body.startswith("\ufeff".encode())


def test_csv_streams_more_rows_than_one_batch(client: TestClient, session: Session) -> None:
    from app.movements import export

    article = make_article(session)
    for i in range(export.BATCH_ROWS + 7):
        make_movement(session, article, unit_text=f"unit {i}")
    session.commit()
    with client.stream("GET", "/movements.csv") as response:
        chunks = list(response.iter_bytes())
    text = b"".join(chunks).decode()
    assert len(list(csv.reader(io.StringIO(text)))) == export.BATCH_ROWS + 8


def test_script_in_fields_is_escaped(client: TestClient, session: Session) -> None:
    make_movement(
        session,
        unit_text="<script>alert(1)</script>",
        destination_text="<img src=x onerror=alert(2)>",
    )
    session.commit()
    html = client.get("/movements").text
    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "<img src=x" not in html
