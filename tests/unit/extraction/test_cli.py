import json
from pathlib import Path

import pytest

from app.extraction.cli import main


def test_jsonl_from_dev_format_and_plain_text(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    article = tmp_path / "a1.json"
    article.write_text(
        json.dumps(
            {
                "published": "2025-03-14",
                "text": "Headline\n\nRussia moved troops from Kursk to Belgorod on Tuesday.",
            }
        ),
        encoding="utf-8",
    )
    plain = tmp_path / "note.txt"
    plain.write_text("Війська перекинули з Херсонщини на Запорізький напрямок.", encoding="utf-8")
    assert main([str(article), str(plain), "--format", "jsonl"]) == 0
    rows = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert [r["article"] for r in rows] == ["a1", "note"]
    first = rows[0]
    assert set(first) >= {
        "article", "unit", "side", "origin", "destination", "source", "outlet", "status",
        "quantity", "event_date", "evidence", "evidence_start", "evidence_end",
        "origin_place", "destination_place",
    }  # fmt: skip
    assert first["event_date"] == "2025-03-11"
    assert set(first["destination_place"]) == {"name", "kind", "country", "lat", "lon"}


def test_json_and_table_formats(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    plain = tmp_path / "x.txt"
    plain.write_text("Russia moved troops from Kursk to Belgorod.", encoding="utf-8")
    assert main([str(plain), "--format", "json"]) == 0
    assert json.loads(capsys.readouterr().out)[0]["origin"] == "Kursk"
    assert main([str(plain), "--format", "table"]) == 0
    assert "Belgorod" in capsys.readouterr().out


def test_unreadable_input_is_a_clear_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bad = tmp_path / "bad.txt"
    bad.write_bytes(b"\xff\xfe\x00bad")
    broken = tmp_path / "broken.json"
    broken.write_text("{not json", encoding="utf-8")
    assert main([str(bad), str(broken), str(tmp_path / "missing.txt")]) == 1
    err = capsys.readouterr().err
    assert "not UTF-8" in err and "invalid JSON" in err and "missing.txt" in err
    assert "Traceback" not in err
