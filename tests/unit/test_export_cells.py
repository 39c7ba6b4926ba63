import pytest

from app.movements.export import neutralise_cell


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ('=HYPERLINK("http://evil")', '\'=HYPERLINK("http://evil")'),
        ("+7 troops", "'+7 troops"),
        ("-1+1", "'-1+1"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\tcmd", "'\tcmd"),
        ("Kursk region", "Kursk region"),
        ("", ""),
        (-35.5, -35.5),
        (12, 12),
        (None, None),
    ],
)
def test_formula_cells_are_neutralised(value: object, expected: object) -> None:
    assert neutralise_cell(value) == expected
