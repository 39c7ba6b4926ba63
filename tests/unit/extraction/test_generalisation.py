"""General rules that must hold whatever the article's phrasing (sentences written here)."""

from __future__ import annotations

import pytest

from tests.unit.extraction.helpers import pairs, run


@pytest.mark.parametrize(
    ("text", "lang", "expected"),
    [
        ("Russian troops withdrew from Kherson to more favourable positions.", "en",
         {("Kherson", None)}),
        ("Ukrainian units pulled back from Avdiivka to their bases.", "en", {("Avdiivka", None)}),
        ("The brigade was moved to new positions.", "en", set()),
        ("Російські війська відійшли з Кринок на більш вигідні позиції.", "uk",
         {("Кринок", None)}),
        ("Российские войска отошли на новые позиции.", "ru", set()),
        ("Ukraine moved the 47th Mechanized Brigade to the front line.", "en",
         {(None, "the front line")}),
        ("Russian troops withdrew to the north.", "en", {(None, "the north")}),
    ],
)  # fmt: skip
def test_generic_spots_are_not_destinations(
    text: str, lang: str, expected: set[tuple[str | None, str | None]]
) -> None:
    assert pairs(run(text, lang)) == expected


def test_a_located_spot_keeps_its_locating_phrase() -> None:
    records = run(
        "Підрозділи залишили Кринки та відійшли на вигідніші рубежі ближче до кордону.", "uk"
    )
    assert pairs(records) == {("Кринки", "вигідніші рубежі ближче до кордону")}


def test_unanchored_area_is_no_destination() -> None:
    assert run("Two Russian battalions were sent to the area.", "en") == []


def test_inflected_forms_of_one_place_merge_headline_into_body() -> None:
    records = run("Бригада вийшла із Суджі\n\nУкраїнська бригада залишила Суджу в понеділок.", "uk")
    assert len(records) == 1 and records[0].evidence_start > 0


def test_vague_headline_destination_folds_into_the_body() -> None:
    records = run(
        "Russia moves troops to Donetsk towns\n\n"
        "Russia has moved several battalions to Pokrovsk and Kostiantynivka, officials said."
    )
    assert pairs(records) == {(None, "Pokrovsk"), (None, "Kostiantynivka")}
    assert all(r.evidence_start > 0 for r in records)


def test_vague_headline_in_russian_folds_into_the_body() -> None:
    records = run(
        "Армия перебросила батальоны на позиции у Покровска\n\n"
        "Российская армия перебросила два батальона из Белгорода в Покровск.",
        "ru",
    )
    assert all(r.evidence_start > 0 for r in records)
    assert ("Белгорода", "Покровск") in pairs(records)
