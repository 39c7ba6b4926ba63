from datetime import date

import pytest

from app.articles.ingest.formats import IngestError, decode_text, parse_file
from tests.unit.ingest.support import (
    ARTICLE_HTML,
    CHROME_TAIL,
    REPORT_EN,
    REPORT_RU,
    REPORT_UK,
    docx_bytes,
    eml_bytes,
    pdf_with_text,
    pdf_without_text,
)


@pytest.mark.parametrize(
    ("text", "encoding"),
    [
        (REPORT_EN, "utf-8"),
        (REPORT_UK, "utf-8-sig"),
        (REPORT_UK, "utf-16"),
        (REPORT_UK, "cp1251"),
        (REPORT_RU, "cp1251"),
        ("Café de la Gare: the régiment moved from Besançon to Nîmes.", "latin-1"),
        ("Über die Grenze: das Bataillon verließ Görlitz am Montag.", "cp1252"),
    ],
)
def test_plain_text_in_common_encodings_is_decoded(text: str, encoding: str) -> None:
    assert decode_text(text.encode(encoding)) == text


def test_txt_and_md_become_documents_titled_by_their_first_line() -> None:
    doc = parse_file("report.txt", (REPORT_EN + CHROME_TAIL).encode())
    assert doc.title == "Reserves moved towards the northern border"
    assert doc.text == REPORT_EN
    md = parse_file("notes.md", b"# Heading here\n\nBody of the note about a brigade.")
    assert md.title == "Heading here"


@pytest.mark.parametrize(
    ("name", "data", "reason"),
    [
        ("empty.txt", b"", "empty"),
        ("blank.txt", b"  \n\n ", "empty"),
        ("image.txt", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)), "binary"),
        ("noise.txt", bytes(range(1, 32)) * 50, "not readable text"),
        ("scan.pdf", pdf_without_text(), "no text layer"),
        ("broken.pdf", b"%PDF-1.4\nthis is not really a pdf", "cannot be read"),
        ("broken.docx", b"PK\x03\x04 not a real archive", "corrupt"),
        ("table.xlsx", b"whatever", "Unsupported file type .xlsx"),
        (
            "page.html",
            b"<html><head><script>var a = 1;</script></head><body></body></html>",
            "No article text",
        ),
        ("empty.eml", b"", "empty"),
    ],
)
def test_bad_files_are_refused_with_their_reason(name: str, data: bytes, reason: str) -> None:
    with pytest.raises(IngestError, match=reason):
        parse_file(name, data)


def test_html_gives_main_text_and_metadata_without_chrome() -> None:
    doc = parse_file("page.html", ARTICLE_HTML.encode())
    assert doc.title == "Reserves moved towards the northern border"
    assert doc.outlet == "Borderline News"
    assert doc.author == "Olena Petrenko"
    assert doc.published_at == date(2026, 3, 14)
    assert doc.url == "https://borderline.example/news/reserves-north"
    assert "two brigades from Novosibirsk to the Belgorod region" in doc.text
    for chrome in ("Subscribe", "donate", "Share on Facebook", "Football club", "Sport"):
        assert chrome not in doc.text


def test_pdf_text_layer_is_read() -> None:
    data = pdf_with_text(["Convoy report", "A tank battalion moved from Brest to Minsk."])
    doc = parse_file("convoy.pdf", data)
    assert "A tank battalion moved from Brest to Minsk." in doc.text
    assert doc.title == "Convoy report"


def test_docx_paragraphs_and_properties_are_read() -> None:
    data = docx_bytes("Weekly summary", ["First paragraph about a regiment.", "", "Second one."])
    doc = parse_file("summary.docx", data)
    assert doc.title == "Weekly summary"
    assert doc.author == "Desk Editor"
    assert doc.text == "First paragraph about a regiment.\n\nSecond one."


def test_eml_body_subject_and_date_are_read() -> None:
    doc = parse_file("tip.eml", eml_bytes("Column seen near Sumy", REPORT_UK + CHROME_TAIL))
    assert doc.title == "Column seen near Sumy"
    assert doc.published_at == date(2026, 3, 10)
    assert doc.text == REPORT_UK


def test_html_only_eml_goes_through_the_page_extractor() -> None:
    doc = parse_file("tip.eml", eml_bytes("Page by mail", ARTICLE_HTML, html=True))
    assert doc.title == "Page by mail"
    assert "two brigades from Novosibirsk" in doc.text
    assert "Football club" not in doc.text
