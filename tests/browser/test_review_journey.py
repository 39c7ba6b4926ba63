"""The review journey in Chromium: sign in, decide five records with the keyboard, correct a
destination through autocomplete, read the history and restore the earlier value."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from playwright.sync_api import Page, expect
from sqlalchemy import create_engine, select
from sqlalchemy.orm import Session

from app.movements.models import Movement
from tests.factories import TEST_PASSWORD, make_article, make_movement, make_place, make_user

pytestmark = pytest.mark.browser

# Written for this test.
TEXT = (
    "Border district report\n"
    "Six separate detachments were said to be on the move this week. The 1st Sample Battalion "
    "went from Lowtown to Hightown, officials said.\n"
    "Nothing else changed."
)
EVIDENCE = "The 1st Sample Battalion went from Lowtown to Hightown"


@pytest.fixture
def queue_records(live_database_url: str) -> Iterator[list[int]]:
    """Six pending records, less confident than anything extracted, and a gazetteer place."""
    engine = create_engine(live_database_url)
    with Session(engine) as session:
        make_user(session, role="analyst", username="reviewer")
        make_place(session, "Poltava Oblast", country_code="UA", kind="region")
        article = make_article(session, text=TEXT, title="Border district report")
        start = TEXT.index(EVIDENCE)
        ids = [
            make_movement(
                session,
                article,
                unit_text=f"detachment {n}",
                origin_text="Lowtown",
                destination_text=f"Hightown {n}",
                confidence=0.01 * (n + 1),
                evidence=EVIDENCE,
                evidence_start=start,
                evidence_end=start + len(EVIDENCE),
            ).id
            for n in range(6)
        ]
        session.commit()
    yield ids
    engine.dispose()


def _statuses(url: str, ids: list[int]) -> list[str]:
    engine = create_engine(url)
    try:
        with Session(engine) as session:
            rows = dict(
                session.execute(
                    select(Movement.id, Movement.review_status).where(Movement.id.in_(ids))
                ).all()
            )
    finally:
        engine.dispose()
    return [rows[i] for i in ids]


def test_review_journey(
    anonymous_page: Page, live_server: str, live_database_url: str, queue_records: list[int]
) -> None:
    page = anonymous_page
    page.goto(f"{live_server}/review")
    expect(page).to_have_url(re.compile(r"/login\?next=%2Freview$"))
    page.fill("input[name=username]", "reviewer")
    page.fill("input[name=password]", TEST_PASSWORD)
    page.click("button[type=submit]")
    expect(page).to_have_url(f"{live_server}/review")
    expect(page.locator(".shortcuts")).to_contain_text("confirm")

    counter = page.locator("#review-left")
    left = int(counter.inner_text())
    assert left >= 6
    cards = [page.locator(f"#card-{i}") for i in queue_records]
    expect(cards[0]).to_have_class(re.compile(r"\bcurrent\b"))
    expect(cards[0].locator("mark.evidence")).to_have_text(EVIDENCE)
    expect(cards[0]).to_contain_text("officials said")  # the surrounding paragraph

    # j and k move between records without deciding anything.
    page.keyboard.press("j")
    expect(cards[1]).to_have_class(re.compile(r"\bcurrent\b"))
    page.keyboard.press("k")
    expect(cards[0]).to_have_class(re.compile(r"\bcurrent\b"))

    decisions = ["c", "r", "c", "c", "r"]
    for n, key in enumerate(decisions):
        expect(cards[n]).to_have_class(re.compile(r"\bcurrent\b"))
        page.keyboard.press(key)
        expected = "review-confirmed" if key == "c" else "review-rejected"
        expect(cards[n]).to_have_class(re.compile(expected))
        expect(counter).to_have_text(str(left - n - 1))
    assert _statuses(live_database_url, queue_records[:5]) == [
        "confirmed",
        "rejected",
        "confirmed",
        "confirmed",
        "rejected",
    ]

    # The sixth record: edit with e, pick the destination from the gazetteer.
    sixth = cards[5]
    expect(sixth).to_have_class(re.compile(r"\bcurrent\b"))
    page.keyboard.press("e")
    form = page.locator(f"form#card-{queue_records[5]}")
    expect(form).to_be_visible()
    destination = form.locator("input[name=destination_text]")
    destination.fill("Poltav")
    suggestion = form.locator('.suggestions button[data-name="Poltava Oblast"]')
    expect(suggestion).to_be_visible()
    suggestion.click()
    expect(destination).to_have_value("Poltava Oblast")
    form.locator("button[type=submit]").click()
    expect(sixth.locator(".f-destination")).to_contain_text("Poltava Oblast (region, UA)")

    # Its page shows the history; restoring version 1 brings the earlier destination back.
    sixth.locator("a.record-link").click()
    expect(page).to_have_url(f"{live_server}/movements/{queue_records[5]}")
    history = page.locator("#history")
    expect(history).to_contain_text("destination_text")
    edit = history.locator("tr.action-edit", has_text="destination_text")
    expect(edit).to_contain_text("Hightown 5")
    expect(edit).to_contain_text("Poltava Oblast")
    expect(history.locator("tr.action-edit", has_text="destination_place_id")).to_contain_text(
        "Poltava Oblast (#"
    )
    history.locator("button.restore", has_text="Restore v1").click()
    card = page.locator(f"#card-{queue_records[5]}")
    expect(card.locator(".f-destination")).to_have_text("Hightown 5")
    expect(history.locator("tr.action-restore", has_text="destination_text")).to_contain_text(
        "Poltava Oblast"
    )
    assert _statuses(live_database_url, queue_records[5:]) == ["pending"]
