"""Odd input: clean output or a clear ValueError, never a crash or a hang."""

import time

import pytest

from app.extraction import extract
from tests.unit.extraction.helpers import run


def test_empty_and_blank() -> None:
    assert extract("") == []
    assert extract(" \n\t\n ") == []


def test_type_and_language_errors() -> None:
    with pytest.raises(TypeError):
        extract(b"bytes")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="unsupported language"):
        extract("text", language="de")
    with pytest.raises(ValueError, match="limit"):
        extract("a" * 2_000_001)


def test_one_megabyte_of_text_finishes() -> None:
    filler = "The weather in the capital was mild and markets were calm on the day. "
    movement = "Russia moved the 5th Brigade from Kursk to Belgorod, officials said. "
    text = (filler * 40 + movement) * (1_000_000 // (len(filler) * 40 + len(movement)))
    started = time.monotonic()
    records = run(text)
    assert time.monotonic() - started < 120
    assert {(r.origin, r.destination) for r in records} == {("Kursk", "Belgorod")}


def test_text_without_sentence_breaks() -> None:
    text = "troops moved from Kursk to Belgorod and " * 3000
    started = time.monotonic()
    records = run(text)
    assert time.monotonic() - started < 120
    assert all(len(r.evidence) <= 600 for r in records)


def test_control_characters_and_mixed_scripts() -> None:
    text = "Russia moved\x00 troops\x07 from Kursk\x1b to Belgorod.\x0c Війська\u200b пішли."
    records = run(text)
    assert [(r.origin, r.destination) for r in records] == [("Kursk", "Belgorod")]
    mixed = run("Russia moved troops from Курськ to Belgorod. Росія перекинула війська з Kursk.")
    assert all(r.language == "en" for r in mixed)


def test_ten_thousand_place_names() -> None:
    names = ", ".join(["Kursk", "Belgorod", "Kharkiv", "Donetsk", "Sumy"] * 2000)
    started = time.monotonic()
    run("Troops moved from " + names + " to Kyiv.")
    run(names)
    assert time.monotonic() - started < 60


def test_records_are_frozen() -> None:
    record = run("Russia moved troops from Kursk to Belgorod.")[0]
    with pytest.raises(AttributeError):
        record.origin = "elsewhere"  # type: ignore[misc]


def test_repeated_sentences_collapse_into_one_record() -> None:
    text = "Росія перекидає війська з Курської області до Бєлгородської області. " * 300
    records = run(text)
    assert len(records) == 1
    assert records[0].origin_place is not None and records[0].origin_place.name == "Kursk Oblast"
