"""Test material for ingestion: files generated in code, and a local web site to fetch from.

All texts here are written for these tests.
"""

from __future__ import annotations

import contextlib
import io
import threading
import time
import zipfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from email.message import EmailMessage
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

REPORT_EN = (
    "Reserves moved towards the northern border\n\n"
    "The 41st combined arms army moved two brigades from Novosibirsk to the Belgorod region "
    "over the weekend, the regional governor told reporters on Sunday.\n\n"
    "Local residents described long columns of trucks on the highway at night. The governor "
    "said the redeployment was planned months ago and posed no threat to anyone.\n\n"
    "Military observers in Kyiv said the units would probably take up positions along the "
    "border within a week."
)

REPORT_UK = (
    "Ворог перекидає підрозділи на південь\n\n"
    "Російське командування перекинуло два батальйони з Криму на Запорізький напрямок, "
    "повідомив речник Сил оборони півдня у вівторок.\n\n"
    "За його словами, підрозділи розміщуються у кількох селах поблизу лінії фронту."
)

REPORT_RU = (
    "Колонна техники замечена у границы\n\n"
    "Жители приграничных сел сообщили, что колонна бронетехники прошла через поселок "
    "в сторону границы в ночь на четверг.\n\n"
    "Местные власти не комментируют перемещение войск."
)

CHROME_TAIL = (
    "\n\nPhoto: Reuters\n"
    "Share this article\n"
    "Facebook Twitter Telegram WhatsApp\n\n"
    "Subscribe to our newsletter to get the morning briefing.\n"
    "Support our journalism: donate today.\n"
    "Підтримайте нас на Patreon\n"
    "Подписывайтесь на наш телеграм-канал\n"
    "© 2026 Borderline News. All rights reserved."
)

ARTICLE_HTML = """<!doctype html>
<html lang="en"><head>
<meta charset="utf-8">
<title>Reserves moved towards the northern border | Borderline News</title>
<meta property="og:title" content="Reserves moved towards the northern border">
<meta property="og:site_name" content="Borderline News">
<meta name="author" content="Olena Petrenko">
<meta property="article:published_time" content="2026-03-14T08:30:00+00:00">
<link rel="canonical" href="https://borderline.example/news/reserves-north">
</head><body>
<header><nav><a href="/">Home</a> <a href="/world">World</a> <a href="/sport">Sport</a></nav></header>
<main><article>
<h1>Reserves moved towards the northern border</h1>
<p>The 41st combined arms army moved two brigades from Novosibirsk to the Belgorod region over
the weekend, the regional governor told reporters on Sunday.</p>
<p>Local residents described long columns of trucks on the highway at night. The governor said
the redeployment was planned months ago and posed no threat to anyone.</p>
<p>Military observers in Kyiv said the units would probably take up positions along the border
within a week.</p>
<p>Subscribe to our newsletter to get the morning briefing.</p>
<p>Support our journalism: donate today.</p>
</article></main>
<aside><h3>Most read</h3><ul><li><a href="/a">Football club wins cup</a></li></ul></aside>
<footer><p>Share on Facebook</p><p>&copy; 2026 Borderline News. All rights reserved.</p></footer>
</body></html>
"""


def pdf_with_text(lines: list[str]) -> bytes:
    """A minimal one-page PDF whose content stream draws ``lines`` in Helvetica."""
    body = ["BT", "/F1 11 Tf", "14 TL", "72 760 Td"]
    for line in lines:
        escaped = line.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")
        body.append(f"({escaped}) Tj T*")
    body.append("ET")
    stream = "\n".join(body).encode("latin-1")
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] "
        b"/Resources << /Font << /F1 4 0 R >> >> /Contents 5 0 R >>",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
        b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream",
    ]
    out = io.BytesIO()
    out.write(b"%PDF-1.4\n")
    offsets = []
    for number, obj in enumerate(objects, start=1):
        offsets.append(out.tell())
        out.write(b"%d 0 obj\n" % number + obj + b"\nendobj\n")
    xref = out.tell()
    out.write(b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1))
    for offset in offsets:
        out.write(b"%010d 00000 n \n" % offset)
    out.write(
        b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    )
    return out.getvalue()


def pdf_without_text() -> bytes:
    from pypdf import PdfWriter

    writer = PdfWriter()
    writer.add_blank_page(width=612, height=792)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def docx_bytes(title: str, paragraphs: list[str]) -> bytes:
    import docx

    document = docx.Document()
    document.core_properties.title = title
    document.core_properties.author = "Desk Editor"
    for paragraph in paragraphs:
        document.add_paragraph(paragraph)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def eml_bytes(subject: str, body: str, *, html: bool = False) -> bytes:
    message = EmailMessage()
    message["Subject"] = subject
    message["From"] = "Field Desk <desk@borderline.example>"
    message["To"] = "analysts@troopwatch.example"
    message["Date"] = "Tue, 10 Mar 2026 09:15:00 +0200"
    if html:
        message.set_content(body, subtype="html")
    else:
        message.set_content(body)
    return bytes(message)


def zip_bytes(entries: dict[str, bytes], *, compression: int = zipfile.ZIP_DEFLATED) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", compression=compression) as archive:
        for name, data in entries.items():
            archive.writestr(name, data)
    return out.getvalue()


def zip_bomb(size: int = 60_000_000) -> bytes:
    """A small zip that unpacks to ``size`` bytes of zeros."""
    out = io.BytesIO()
    with (
        zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as archive,
        archive.open("zeros.txt", "w", force_zip64=True) as handle,
    ):
        chunk = b"\0" * 1_000_000
        for _ in range(size // len(chunk)):
            handle.write(chunk)
    return out.getvalue()


def rss(items: list[tuple[str, str]], *, title: str = "Borderline News") -> bytes:
    entries = "".join(
        f"<item><title>{t}</title><link>{link}</link><description>{t}</description></item>"
        for t, link in items
    )
    return (
        '<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel>'
        f"<title>{title}</title><link>https://borderline.example/</link>"
        f"<description>News</description>{entries}</channel></rss>"
    ).encode()


Handler = Callable[[BaseHTTPRequestHandler], None]


class LocalSite:
    """A threaded HTTP server on 127.0.0.1 whose routes are Python functions."""

    def __init__(self) -> None:
        self.routes: dict[str, Handler] = {}
        site = self

        class _Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_GET(self) -> None:
                handler = site.routes.get(self.path.split("?")[0])
                if handler is None:
                    send(self, 404, "text/plain", b"not found")
                    return
                # A client that stops reading (size caps, timeouts) closes the socket on us.
                with contextlib.suppress(BrokenPipeError, ConnectionResetError):
                    handler(self)

            def log_message(self, format: str, *args: object) -> None:
                pass

        class _Server(ThreadingHTTPServer):
            def handle_error(self, request: object, client_address: object) -> None:
                pass  # clients that hang up early (size caps, timeouts) are what tests do

        self.server = _Server(("127.0.0.1", 0), _Handler)
        self.server.daemon_threads = True
        self.base = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def url(self, path: str) -> str:
        return self.base + path

    def page(
        self,
        path: str,
        body: bytes | str,
        content_type: str = "text/html; charset=utf-8",
        *,
        delay: float = 0.0,
    ) -> str:
        data = body.encode() if isinstance(body, str) else body

        def handler(request: BaseHTTPRequestHandler) -> None:
            if delay:
                time.sleep(delay)
            send(request, 200, content_type, data)

        self.routes[path] = handler
        return self.url(path)


def send(
    request: BaseHTTPRequestHandler,
    status: int,
    content_type: str,
    body: bytes,
    headers: dict[str, str] | None = None,
) -> None:
    request.send_response(status)
    request.send_header("Content-Type", content_type)
    request.send_header("Content-Length", str(len(body)))
    for name, value in (headers or {}).items():
        request.send_header(name, value)
    request.end_headers()
    request.wfile.write(body)


@contextmanager
def local_site() -> Iterator[LocalSite]:
    site = LocalSite()
    site.thread.start()
    try:
        yield site
    finally:
        site.server.shutdown()
        site.server.server_close()
