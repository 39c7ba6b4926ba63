import pytest

from app.articles.ingest.clean import is_chrome, strip_boilerplate
from tests.unit.ingest.support import CHROME_TAIL, REPORT_EN, REPORT_RU, REPORT_UK


@pytest.mark.parametrize("report", [REPORT_EN, REPORT_UK, REPORT_RU])
def test_trailing_appeals_credits_and_share_lines_are_dropped(report: str) -> None:
    assert strip_boilerplate(report + CHROME_TAIL) == report


@pytest.mark.parametrize(
    "line",
    [
        "Photo: Reuters",
        "Фото: Генштаб ЗСУ",
        "Фото: пресс-служба Минобороны",
        "Illustrative photo / Getty Images",
        "Soldiers at a checkpoint / AFP",
        "Read also: Ten things we learned this week",
        "Читайте також: Що відомо про нову бригаду",
        "Читайте также: главное за день",
        "Підписуйтесь на наш Telegram",
        "Подпишитесь на рассылку",
        "Support our journalism on Patreon",
        "Facebook | Twitter | Telegram",
        "Share on Facebook",
        "Поділитися",
    ],
)
def test_chrome_lines_are_recognised_anywhere(line: str) -> None:
    assert is_chrome(line)


@pytest.mark.parametrize(
    "line",
    [
        "Germany donated ten tanks to the brigade last spring.",
        "Наступ відбувався за підтримки авіації та артилерії.",
        "Наступление велось при поддержке артиллерии.",
        "The photo shows the column near the border crossing, the ministry said.",
        "Russia moved the 20th army from Belgorod to Kursk.",
    ],
)
def test_news_sentences_with_cue_words_are_kept(line: str) -> None:
    assert not is_chrome(line)
    text = f"{REPORT_EN}\n\n{line}"
    # Even as the last line, a sentence that reports something is not page chrome.
    assert strip_boilerplate(text).endswith(line)


def test_chrome_in_the_middle_is_removed_but_paragraphs_stay() -> None:
    text = "First paragraph of the report.\n\nRead also: unrelated story\n\nSecond paragraph."
    assert strip_boilerplate(text) == "First paragraph of the report.\n\nSecond paragraph."


def test_a_long_paragraph_is_never_dropped_whatever_words_it_holds() -> None:
    paragraph = "Subscribe " + "the brigade moved along the river for days " * 10
    assert strip_boilerplate(paragraph) == paragraph.strip()
