import pytest

from app.extraction import detect_language


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("The brigade moved to the front.", "en"),
        ("Бригада перейшла на інший напрямок, повідомили військові.", "uk"),
        ("Бригада перешла на другое направление, сообщили военные.", "ru"),
        ("", "en"),
        ("12345 !!!", "en"),
        ("Kyiv said: «Війська відійшли з міста». The rest is English text here and more.", "en"),
        ("Армія: the unit is «на позиціях», що підтвердили в штабі, і це не змінилося.", "uk"),
    ],
)
def test_detects_dominant_language(text: str, expected: str) -> None:
    assert detect_language(text) == expected


def test_ties_are_broken_by_dictionary() -> None:
    # neither text has a letter or a function word unique to its language
    assert detect_language("Противник кинув резерви на Покровський напрямок.") == "uk"
    assert detect_language("Переброска дивизии из Пскова в Курскую область завершена.") == "ru"
