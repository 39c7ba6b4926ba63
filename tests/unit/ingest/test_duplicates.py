from app.articles.ingest.duplicates import bands, jaccard, shingles
from tests.unit.ingest.support import REPORT_EN, REPORT_UK

REPUBLISHED = (
    REPORT_EN.replace("on Sunday", "on Sunday evening").replace("Kyiv", "the capital")
    + "\n\nThis story was first published by a partner agency."
)


def test_a_republished_story_is_similar_and_shares_bands() -> None:
    a, b = shingles(REPORT_EN), shingles(REPUBLISHED)
    assert jaccard(a, b) >= 0.6
    assert set(bands(a)) & set(bands(b))


def test_different_stories_are_not_similar() -> None:
    assert jaccard(shingles(REPORT_EN), shingles(REPORT_UK)) < 0.1


def test_shingles_ignore_case_and_spacing() -> None:
    assert shingles("The  Brigade moved\nnorth today again") == shingles(
        "the brigade MOVED north today again"
    )


def test_signatures_are_stable_between_calls() -> None:
    assert bands(shingles(REPORT_EN)) == bands(shingles(REPORT_EN))
    assert bands(set()) == []
