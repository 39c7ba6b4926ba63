import pytest

from app.extraction.units import normalize_unit, quantity, side_of


@pytest.mark.parametrize(
    ("unit", "normalized", "echelon"),
    [
        (
            "elements of its 76th Guards Air Assault Division",
            "76th Guards Air Assault Division",
            "division",
        ),
        ("the 3rd Assault Brigade", "3rd Assault Brigade", "brigade"),
        ("810-ту бригаду морської піхоти", "810th Brigade", "brigade"),
        ("частину 7-ї десантно-штурмової дивізії", "7th Air Assault Division", "division"),
        ("подразделения 20-й армии", "20th Army", "army"),
        ("several battalions of reserves", None, "battalion"),
        ("some troops", None, None),
        (None, None, None),
    ],
)
def test_normalize_unit(unit: str | None, normalized: str | None, echelon: str | None) -> None:
    assert normalize_unit(unit) == (normalized, echelon)


def test_quantity_and_side() -> None:
    assert quantity("about 1,500 special forces troops") == "about 1,500"
    assert quantity("the 76th Division") is None
    assert quantity("близько 11 тисяч військових") == "близько 11 тисяч"
    assert side_of(None, "Russian marines") == "Russia"
    assert side_of("Pyongyang", "troops") == "North Korea"
    assert side_of("колони білоруської армії") == "Belarus"
