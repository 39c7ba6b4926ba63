"""The foundation journey in Chromium: paste, see records, filter by destination, download CSV."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

pytestmark = pytest.mark.browser

# Written for this test: two movements, one to Kursk and one elsewhere.
ARTICLE = (
    "Kaliningrad garrison thinned out\n"
    "Russia has moved troops from Kaliningrad to the Kursk region, Lithuania's defence minister "
    "said on Monday.\n"
    "Separately, Ukraine's general staff said Russia had transferred two battalions from "
    "Crimea to the Zaporizhzhia region last week.\n"
    "Shelling continued overnight near Kharkiv, the regional governor said."
)


def test_paste_see_records_filter_and_download_csv(
    page: Page, live_server: str, tmp_path: Path
) -> None:
    page.goto(f"{live_server}/articles/new")
    page.fill("input[name=title]", "Garrison report <b>bold</b>")
    page.fill("textarea[name=text]", ARTICLE)
    page.fill("input[name=outlet]", "Browser Wire")
    page.fill("input[name=published_at]", "2026-03-02")
    page.click("button[type=submit]")

    # The article page: title escaped, evidence highlighted, records listed.
    expect(page.locator("h1")).to_have_text("Garrison report <b>bold</b>")
    expect(page.locator("mark.evidence").first).to_be_visible()
    records = page.locator("li.record")
    expect(records.first).to_be_visible()
    assert records.count() >= 2
    expect(page.locator("li.record .destination", has_text="Kursk")).to_have_count(1)
    page.screenshot(path=str(tmp_path / "article.png"), full_page=True)

    # The table, then a destination filter typed into the form (HTMX swaps only the results).
    page.click("text=Open in the table")
    expect(page.locator("#description")).to_contain_text("movements where article is #")
    page.goto(f"{live_server}/movements")
    all_rows = page.locator("table.movements tbody tr")
    total = all_rows.count()
    assert total >= 2
    page.fill("input[name=destination]", "Kursk")
    expect(page.locator("#description")).to_contain_text("where destination is Kursk")
    expect(page).to_have_url(f"{live_server}/movements?destination=Kursk")
    filtered = page.locator("table.movements tbody tr")
    expect(filtered).to_have_count(1)
    expect(filtered.first.locator("td.destination")).to_contain_text("Kursk")
    expect(filtered.first.locator("td.origin")).to_contain_text("Kaliningrad")

    # The back button returns to the unfiltered table.
    page.go_back()
    expect(page).to_have_url(f"{live_server}/movements")
    expect(page.locator("table.movements tbody tr")).to_have_count(total)
    page.go_forward()
    expect(page.locator("input[name=destination]")).to_have_value("Kursk")

    # The CSV link downloads exactly the filtered rows.
    with page.expect_download() as download_info:
        page.click("#csv-link")
    download = download_info.value
    target = tmp_path / "movements.csv"
    download.save_as(target)
    rows = list(csv.DictReader(io.StringIO(target.read_text(encoding="utf-8"))))
    assert len(rows) == 1
    assert "Kursk" in rows[0]["destination"]
    assert "Kaliningrad" in rows[0]["origin"]
    assert rows[0]["outlet"] == "Browser Wire"
    assert rows[0]["evidence"].startswith("Russia has moved troops from Kaliningrad")
