"""Facets, timeline, map, unit and place pages and the overview, driven in headless Chromium."""

from __future__ import annotations

import json
import re
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import uvicorn
from playwright.sync_api import Browser, Page, Route, expect
from sqlalchemy import create_engine
from sqlalchemy.orm import sessionmaker

from app.main import create_app
from app.migrate import upgrade
from app.settings import Settings
from app.users.security import SESSION_COOKIE
from tests.browser.conftest import _free_port
from tests.database import database_name, recreate_database
from tests.factories import make_user, start_test_session
from tests.visual_fixture import Known, load_known

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def visual_server() -> Iterator[tuple[str, Known, str]]:
    """The app on a database of its own holding only the known fixture, and a viewer's token."""
    url = recreate_database(database_name("_visual"))
    upgrade(url)
    engine = create_engine(url)
    with sessionmaker(bind=engine, expire_on_commit=False)() as session:
        known = load_known(session)
        token, _ = start_test_session(session, make_user(session, role="viewer"))
        session.commit()
    engine.dispose()
    port = _free_port()
    app = create_app(Settings(environment="test", database_url=url))
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started:
        assert time.monotonic() < deadline, "the server did not start"
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}", known, token
    server.should_exit = True
    thread.join(timeout=10)


@pytest.fixture
def offline(browser: Browser, visual_server: tuple[str, Known, str]) -> Iterator[Page]:
    """Signed in as a viewer, refusing every request that leaves the machine: the pages must
    not need the internet."""
    base, _, token = visual_server
    context = browser.new_context(accept_downloads=True)
    context.add_cookies([{"name": SESSION_COOKIE, "value": token, "url": base}])
    page = context.new_page()
    page.set_default_timeout(15_000)

    def guard(route: Route) -> None:
        if route.request.url.startswith(("http://127.0.0.1", "data:", "blob:")):
            route.continue_()
        else:
            route.abort()

    page.route("**/*", guard)
    yield page
    context.close()


def test_facets_filter_the_table_and_exports_follow(
    offline: Page, visual_server: tuple[str, Known, str], tmp_path: Path
) -> None:
    page, (base, known, _) = offline, visual_server
    page.set_viewport_size({"width": 1400, "height": 900})
    page.goto(f"{base}/movements")
    rows = page.locator("table.movements tbody tr")
    expect(rows).to_have_count(7)
    page.screenshot(path=str(tmp_path / "table-facets.png"), full_page=True)

    page.locator('[data-facet="destination"] a', has_text="Kursk Oblast").click()
    expect(page).to_have_url(re.compile(r"destination_is=Kursk\+Oblast"))
    expect(page.locator("#description")).to_have_text(
        "4 movements where destination is exactly “Kursk Oblast”"
    )
    expect(rows).to_have_count(4)
    expect(page.locator('[data-facet="destination"] li.selected')).to_have_text(
        re.compile("Kursk Oblast")
    )

    # Typing in the form keeps the facet filter (it rides along as a hidden field).
    page.fill("#filters input[name=unit]", "troops")
    # Leaving the field fires "change" too; let that request land before clicking on.
    page.locator("#filters input[name=unit]").blur()
    page.wait_for_load_state("networkidle")
    expect(page.locator("#description")).to_contain_text("unit is troops")
    expect(page.locator("#description")).to_contain_text("destination is exactly “Kursk Oblast”")
    expect(rows).to_have_count(2)

    # A date bar narrows to its range.
    page.locator(".histogram a").first.click()
    expect(page).to_have_url(re.compile(r"date_from=.*date_to="))
    expect(page.locator("#description")).to_contain_text("date is")

    # Removing the date chips (they swap #main, form included) returns to the two rows.
    page.click('[aria-label="Remove filter date_from"]')
    expect(page.locator("#description")).to_contain_text("date is on or before")
    page.click('[aria-label="Remove filter date_to"]')
    expect(page.locator("#description")).not_to_contain_text("date is")
    expect(page.locator("#filters input[name=date_to]")).to_have_value("")
    expect(rows).to_have_count(2)
    page.locator("details.exports summary").click()
    with page.expect_download() as info:
        page.click("#geojson-link")
    target = tmp_path / "movements.geojson"
    info.value.save_as(target)
    collection = json.loads(target.read_text(encoding="utf-8"))
    assert collection["numberMatched"] == len(collection["features"]) == 2
    assert {f["id"] for f in collection["features"]} == {known.ids["m3"], known.ids["m4"]}
    page.screenshot(path=str(tmp_path / "table-filtered.png"), full_page=True)


def test_timeline_zooms_pans_and_opens_records(
    offline: Page, visual_server: tuple[str, Known, str], tmp_path: Path
) -> None:
    page, (base, known, _) = offline, visual_server
    page.set_viewport_size({"width": 1400, "height": 800})
    page.goto(f"{base}/timeline")
    svg = page.locator("#timeline")
    expect(page.locator("#timeline-span")).to_contain_text("days")
    expect(page.locator("#timeline .lane")).to_have_count(4)
    expect(page.locator("#timeline-axis text").first).to_be_visible()
    page.screenshot(path=str(tmp_path / "timeline.png"), full_page=True)

    def span() -> int:
        text = page.locator("#timeline-span").inner_text()
        return int(re.search(r"\(([\d,]+) days\)", text)[1].replace(",", ""))  # type: ignore[index]

    before = span()
    page.click("[data-zoom=in]")
    assert span() == round(before / 2) or abs(span() - before / 2) <= 1
    page.click("[data-zoom=in]")
    zoomed = span()
    assert zoomed < before / 3

    # Wheel over the plot zooms in further around the pointer.
    box = svg.bounding_box()
    assert box is not None
    page.mouse.move(box["x"] + box["width"] * 0.6, box["y"] + 60)
    page.mouse.wheel(0, -300)
    expect(page.locator("#timeline-span")).not_to_have_text(re.compile(rf"\({zoomed} days\)"))

    # Drag to pan: the window moves, its length stays.
    start = svg.get_attribute("data-view-start")
    kept = span()
    page.mouse.move(box["x"] + box["width"] * 0.5, box["y"] + 60)
    page.mouse.down()
    page.mouse.move(box["x"] + box["width"] * 0.8, box["y"] + 60, steps=8)
    page.mouse.up()
    assert svg.get_attribute("data-view-start") != start
    assert abs(span() - kept) <= 1
    expect(page).to_have_url(re.compile(r"view=\d{4}-\d{2}-\d{2}\.\.\d{4}-\d{2}-\d{2}"))
    page.screenshot(path=str(tmp_path / "timeline-zoomed.png"), full_page=True)

    # Fit all, switch lanes to destination, open a record.
    page.click("[data-zoom=fit]")
    assert span() == before
    page.select_option("#group", "destination")
    expect(page).to_have_url(re.compile(r"group=destination"))
    expect(page.locator('#timeline .lane[data-lane="Kursk Oblast"] .tl-item')).to_have_count(4)
    page.locator(f'.tl-item[data-id="{known.ids["m1"]}"]').click()
    expect(page).to_have_url(re.compile(rf"/articles/\d+#movement-{known.ids['m1']}$"))


def test_map_draws_offline_and_lists_a_routes_records(
    offline: Page, visual_server: tuple[str, Known, str], tmp_path: Path
) -> None:
    page, (base, known, _) = offline, visual_server
    page.set_viewport_size({"width": 1400, "height": 900})
    page.goto(f"{base}/map")
    expect(page.locator("#map")).to_have_attribute("data-ready", "true")
    expect(page.locator("#map")).to_have_attribute("data-outlines-loaded", "true")
    expect(page.locator("path.route-line")).to_have_count(3)
    expect(page.locator("path.place-point")).to_have_count(5)  # Kaliningrad too
    page.screenshot(path=str(tmp_path / "map.png"), full_page=True)

    page.click(".leaflet-control-zoom-in")
    # Let the zoom animation end (Leaflet drops this class) before clicking an arrow.
    expect(page.locator("#map")).not_to_have_class(re.compile("leaflet-zoom-anim"))
    page.locator('path.route-head[data-route="0"]').click()
    records = page.locator("#route-records li")
    expect(records).to_have_count(3)
    expect(page.locator("#route-records h3")).to_contain_text("origin is Kherson")
    ids = {int(i.split("-")[-1]) for i in records.evaluate_all("els => els.map(e => e.id)")}
    assert ids == {known.ids[k] for k in ("m1", "m3", "m4")}
    expect(page.locator('path.route-line[data-route="0"]')).to_have_class(re.compile("selected"))
    page.screenshot(path=str(tmp_path / "map-route.png"), full_page=True)


def test_unit_and_place_pages(
    offline: Page, visual_server: tuple[str, Known, str], tmp_path: Path
) -> None:
    page, (base, _, _) = offline, visual_server
    page.set_viewport_size({"width": 1300, "height": 900})
    page.goto(f"{base}/movements")
    page.locator("td.unit a", has_text="the 76th division").click()
    expect(page.locator("h1")).to_have_text("76th Air Assault Division")
    expect(page.locator("#map")).to_have_attribute("data-ready", "true")
    expect(page.locator("#map")).to_have_attribute("data-outlines-loaded", "true")
    expect(page.locator("path.route-line")).to_have_count(2)
    expect(page.locator("#unit-movements li.step")).to_have_count(2)
    page.screenshot(path=str(tmp_path / "unit.png"), full_page=True)

    page.locator("#unit-movements a", has_text="Kursk Oblast").first.click()
    expect(page.locator("h1")).to_have_text("Kursk Oblast")
    expect(page.locator("#flows g.month")).to_have_count(4)
    page.screenshot(path=str(tmp_path / "place.png"), full_page=True)
    page.click("#inflow-total")
    expect(page.locator("table.movements tbody tr")).to_have_count(4)


def test_overview_links_into_the_table(
    offline: Page, visual_server: tuple[str, Known, str], tmp_path: Path
) -> None:
    page, (base, _, _) = offline, visual_server
    page.set_viewport_size({"width": 1300, "height": 900})
    page.goto(f"{base}/")
    expect(page.locator("#window-24h [data-stat=added] strong")).to_have_text("3")
    page.screenshot(path=str(tmp_path / "overview.png"), full_page=True)
    page.click("#window-7d [data-stat=pending]")
    expect(page.locator("table.movements tbody tr")).to_have_count(3)
    expect(page.locator("#description")).to_contain_text("review is pending and added after")
