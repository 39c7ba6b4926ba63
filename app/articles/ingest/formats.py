"""Turning the bytes of one file (or one fetched page) into article text and metadata."""

from __future__ import annotations

import email
import email.policy
import email.utils
import io
import re
import zipfile
from dataclasses import dataclass, replace
from datetime import date, datetime
from pathlib import PurePosixPath

from app.articles.ingest.clean import strip_boilerplate


class IngestError(ValueError):
    """An item that cannot become an article; the message is shown to the analyst as is."""


class TransientIngestError(IngestError):
    """A failure worth retrying later (a timeout, a server error)."""


@dataclass(frozen=True)
class Document:
    """What a file or page yields: clean text and whatever metadata it carried."""

    text: str
    title: str | None = None
    url: str | None = None
    outlet: str | None = None
    author: str | None = None
    published_at: date | None = None
    content_type: str = "text/plain"


EXTENSIONS = {
    ".txt": "text/plain",
    ".text": "text/plain",
    ".md": "text/markdown",
    ".markdown": "text/markdown",
    ".html": "text/html",
    ".htm": "text/html",
    ".xhtml": "text/html",
    ".pdf": "application/pdf",
    ".docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ".eml": "message/rfc822",
}
SUPPORTED = ", ".join(sorted(EXTENSIONS))

_CYRILLIC = re.compile(r"[\u0400-\u04ff]")
_LETTER = re.compile(r"[^\W\d_]")


def content_type_for(filename: str) -> str | None:
    return EXTENSIONS.get(PurePosixPath(filename.lower()).suffix)


def decode_text(data: bytes) -> str:
    """Decode a plain-text file: UTF-8 (with or without BOM), UTF-16 with BOM, CP1251 or
    Windows-1252/Latin-1. Binary data is refused."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError as exc:
            raise IngestError("The file claims to be UTF-16 but is not valid UTF-16.") from exc
    if b"\x00" in data[:8192]:
        raise IngestError("The file is binary, not text (it contains NUL bytes).")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = _decode_legacy(data)
    controls = sum(1 for ch in text if ord(ch) < 32 and ch not in "\n\r\t\f")
    if controls > max(2, len(text) // 100) or text.count("\ufffd") > len(text) // 100:
        raise IngestError(
            "The file is not readable text: it is neither UTF-8, UTF-16, CP1251 nor Latin-1."
        )
    return text


def _decode_legacy(data: bytes) -> str:
    """Tell CP1251 (Cyrillic) from Windows-1252 (Western) by how words look when decoded.

    In Cyrillic text nearly every letter of a word is a high byte, so read as CP1251 the
    letters are mostly Cyrillic; Western text has isolated accented letters in ASCII words.
    """
    as_cyrillic = data.decode("cp1251", errors="replace")
    letters = _LETTER.findall(as_cyrillic)
    cyrillic = sum(1 for ch in letters if _CYRILLIC.match(ch))
    if letters and cyrillic / len(letters) > 0.5:
        text = as_cyrillic
    else:
        text = data.decode("cp1252", errors="replace")
        if "\ufffd" in text:
            text = data.decode("latin-1")
    return text


def _first_line_title(text: str) -> str | None:
    for line in text.split("\n"):
        line = line.strip().lstrip("#").strip()
        if line:
            return line[:300]
    return None


def _finish(doc: Document) -> Document:
    text = strip_boilerplate(doc.text.replace("\r\n", "\n").replace("\r", "\n"))
    if not text.strip():
        raise IngestError("The file contains no text.")
    title = (doc.title or "").strip() or _first_line_title(text)
    return replace(doc, text=text, title=title)


def parse_plain(data: bytes, *, content_type: str = "text/plain") -> Document:
    if not data.strip():
        raise IngestError("The file is empty.")
    return _finish(Document(text=decode_text(data), content_type=content_type))


def _parse_date(value: str | None) -> date | None:
    if not value:
        return None
    try:
        return datetime.fromisoformat(value[:10]).date()
    except ValueError:
        return None


def parse_html(data: bytes | str, *, url: str | None = None) -> Document:
    """Main text and metadata of a page, with trafilatura; page chrome is left behind."""
    import trafilatura

    if not data.strip():
        raise IngestError("The page is empty.")
    html = data if isinstance(data, str) else _decode_html(data)
    result = trafilatura.bare_extraction(
        html,
        url=url,
        with_metadata=True,
        include_comments=False,
        include_tables=False,
        favor_precision=True,
    )
    text = getattr(result, "text", None) if result is not None else None
    if not text:
        raise IngestError("No article text was found in the page.")
    return _finish(
        Document(
            text=text,
            title=getattr(result, "title", None),
            url=getattr(result, "url", None) or url,
            outlet=getattr(result, "sitename", None),
            author=getattr(result, "author", None),
            published_at=_parse_date(getattr(result, "date", None)),
            content_type="text/html",
        )
    )


_META_CHARSET = re.compile(rb"""<meta[^>]+charset=["']?([\w-]+)""", re.IGNORECASE)


def _decode_html(data: bytes) -> str:
    declared = _META_CHARSET.search(data[:4096])
    if declared:
        try:
            return data.decode(declared.group(1).decode("ascii"), errors="replace")
        except LookupError:
            pass
    return decode_text(data)


def parse_pdf(data: bytes) -> Document:
    from pypdf import PdfReader
    from pypdf.errors import PdfReadError

    try:
        reader = PdfReader(io.BytesIO(data))
        pages = [page.extract_text() or "" for page in reader.pages]
        info = reader.metadata
    except (PdfReadError, ValueError, KeyError, TypeError, OSError) as exc:
        raise IngestError(f"The PDF cannot be read: {exc}") from exc
    text = "\n\n".join(p.strip() for p in pages if p.strip())
    if not text.strip():
        raise IngestError(
            "The PDF has no text layer (it is probably a scan); run it through OCR first."
        )
    title = str(info.title) if info is not None and info.title else None
    author = str(info.author) if info is not None and info.author else None
    return _finish(Document(text=text, title=title, author=author, content_type="application/pdf"))


def parse_docx(data: bytes) -> Document:
    import docx
    from docx.opc.exceptions import PackageNotFoundError

    try:
        document = docx.Document(io.BytesIO(data))
    except (PackageNotFoundError, zipfile.BadZipFile, KeyError, ValueError) as exc:
        raise IngestError(f"The Word document is corrupt or not a .docx file: {exc}") from exc
    text = "\n\n".join(p.text.strip() for p in document.paragraphs if p.text.strip())
    core = document.core_properties
    published = core.created.date() if core.created else None
    return _finish(
        Document(
            text=text,
            title=core.title or None,
            author=core.author or None,
            published_at=published,
            content_type=EXTENSIONS[".docx"],
        )
    )


def parse_eml(data: bytes) -> Document:
    """Body, subject and date of an e-mail; an HTML-only body goes through trafilatura."""
    if not data.strip():
        raise IngestError("The e-mail is empty.")
    message = email.message_from_bytes(data, policy=email.policy.default)
    if not isinstance(message, email.message.EmailMessage):
        raise IngestError("The e-mail cannot be parsed.")
    subject = str(message.get("subject") or "").strip() or None
    sent: date | None = None
    if message.get("date"):
        try:
            sent = email.utils.parsedate_to_datetime(str(message["date"])).date()
        except (TypeError, ValueError):
            sent = None
    sender = str(message.get("from") or "").strip() or None
    body = message.get_body(preferencelist=("plain", "html"))
    if body is None:
        raise IngestError("The e-mail has no text body.")
    try:
        content = body.get_content()
    except (LookupError, UnicodeDecodeError) as exc:
        raise IngestError(f"The e-mail body cannot be decoded: {exc}") from exc
    if body.get_content_type() == "text/html":
        page = parse_html(str(content))
        text = page.text
    else:
        text = str(content)
    return _finish(
        Document(
            text=text,
            title=subject,
            author=sender,
            published_at=sent,
            content_type="message/rfc822",
        )
    )


def parse_file(filename: str, data: bytes, *, url: str | None = None) -> Document:
    """Dispatch on the file's extension; raise ``IngestError`` with the reason it failed."""
    content_type = content_type_for(filename)
    if content_type is None:
        suffix = PurePosixPath(filename).suffix or "(none)"
        raise IngestError(f"Unsupported file type {suffix}; supported: {SUPPORTED}.")
    if not data:
        raise IngestError("The file is empty.")
    if content_type == "text/html":
        return parse_html(data, url=url)
    if content_type == "application/pdf":
        return parse_pdf(data)
    if content_type == EXTENSIONS[".docx"]:
        return parse_docx(data)
    if content_type == "message/rfc822":
        return parse_eml(data)
    return parse_plain(data, content_type=content_type)
