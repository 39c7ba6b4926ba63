import pytest

from app.extraction import iter_gazetteer
from app.extraction.gazetteer import resolve_place


@pytest.mark.parametrize(
    ("phrase", "lang", "name", "kind"),
    [
        ("the Kursk region", "en", "Kursk Oblast", "oblast"),
        ("Курської області", "uk", "Kursk Oblast", "oblast"),
        ("Курскую область", "ru", "Kursk Oblast", "oblast"),
        ("Херсонського напрямку", "uk", "Kherson direction", "front_direction"),
        ("Запорізький", "uk", "Zaporizhzhia direction", "front_direction"),
        ("the Pokrovsk direction", "en", "Pokrovsk direction", "front_direction"),
        (
            "Ленинградского военного округа",
            "ru",
            "Leningrad Military District",
            "military_district",
        ),
        ("the Black Sea", "en", "Black Sea", "sea"),
        ("Donbas", "en", "Donbas", "historical_region"),
        ("Придніпров'я", "uk", "Prydniprovia", "historical_region"),
        ("Пскова", "ru", "Pskov", "city"),
        ("Росії", "uk", "Russia", "country"),
        ("southern Ukraine", "en", "Ukraine", "country"),
    ],
)
def test_resolves_inflected_and_curated_names(phrase: str, lang: str, name: str, kind: str) -> None:
    place = resolve_place(phrase, lang)
    assert place is not None
    assert (place.name, place.kind) == (name, kind)
    assert place.key


def test_unknown_or_generic_phrases_do_not_resolve() -> None:
    assert resolve_place("the north", "en") is None
    assert resolve_place("Zzyzzygrad", "en") is None
    assert resolve_place("", "en") is None
    assert resolve_place("x" * 1000, "en") is None


def test_gazetteer_entries_have_stable_unique_keys() -> None:
    entries = list(iter_gazetteer())
    assert len(entries) > 30_000
    keys = [e.key for e in entries]
    assert len(keys) == len(set(keys))
    curated = {e.key: e for e in entries if e.key.startswith("curated:")}
    kaliningrad = curated["curated:kaliningrad-exclave"]
    assert kaliningrad.lat is not None and "Калининградский эксклав" in kaliningrad.aliases
    kinds = {e.kind for e in entries}
    assert {"country", "city", "oblast", "front_direction", "military_district", "sea"} <= kinds
