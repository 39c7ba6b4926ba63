"""URL fetches against a local web server: timeouts, redirects, errors, size caps, SSRF."""

from __future__ import annotations

import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler

import pytest

from app.articles.ingest.fetch import RefusedURL, fetch
from app.articles.ingest.formats import IngestError, TransientIngestError
from app.settings import Settings
from tests.unit.ingest.support import ARTICLE_HTML, LocalSite, local_site, send

pytestmark = pytest.mark.functional


@pytest.fixture(scope="module")
def site() -> Iterator[LocalSite]:
    with local_site() as site:
        site.page("/article", ARTICLE_HTML)
        site.page("/image", b"\x89PNG....", "image/png")

        def slow(request: BaseHTTPRequestHandler) -> None:
            time.sleep(3)
            send(request, 200, "text/html", b"<p>late</p>")

        def loop(request: BaseHTTPRequestHandler) -> None:
            send(request, 302, "text/plain", b"", {"Location": "/loop"})

        def hop(request: BaseHTTPRequestHandler) -> None:
            send(request, 301, "text/plain", b"", {"Location": "/article"})

        def to_file(request: BaseHTTPRequestHandler) -> None:
            send(request, 302, "text/plain", b"", {"Location": "file:///etc/passwd"})

        def error(request: BaseHTTPRequestHandler) -> None:
            send(request, 500, "text/html", b"<p>boom</p>")

        def missing(request: BaseHTTPRequestHandler) -> None:
            send(request, 404, "text/html", b"<p>gone</p>")

        def declared_huge(request: BaseHTTPRequestHandler) -> None:
            request.send_response(200)
            request.send_header("Content-Type", "text/html")
            request.send_header("Content-Length", str(2 * 1024**3))
            request.end_headers()
            request.wfile.write(b"<p>" + b"x" * 65536)

        def endless(request: BaseHTTPRequestHandler) -> None:
            # 2 GB announced by nothing: a chunked body that would go on and on.
            request.send_response(200)
            request.send_header("Content-Type", "text/html")
            request.send_header("Transfer-Encoding", "chunked")
            request.end_headers()
            chunk = b"x" * 65536
            for _ in range(2 * 1024**3 // len(chunk)):
                request.wfile.write(b"%x\r\n%s\r\n" % (len(chunk), chunk))

        def echo_host(request: BaseHTTPRequestHandler) -> None:
            send(request, 200, "text/plain", (request.headers.get("Host") or "").encode())

        site.routes.update(
            {
                "/echo-host": echo_host,
                "/slow": slow,
                "/loop": loop,
                "/hop": hop,
                "/to-file": to_file,
                "/error": error,
                "/missing": missing,
                "/declared-huge": declared_huge,
                "/endless": endless,
            }
        )
        yield site


def _settings(**overrides: object) -> Settings:
    values: dict[str, object] = {
        "environment": "test",
        "allow_private_urls": True,
        "fetch_timeout_seconds": 1.0,
        "fetch_max_bytes": 1_000_000,
        "fetch_max_redirects": 3,
    }
    values.update(overrides)
    return Settings(**values)  # type: ignore[arg-type]


def test_a_page_is_fetched(site: LocalSite) -> None:
    fetched = fetch(site.url("/article"), _settings())
    assert fetched.content_type == "text/html"
    assert b"Novosibirsk" in fetched.body


def test_redirects_are_followed_up_to_the_cap(site: LocalSite) -> None:
    fetched = fetch(site.url("/hop"), _settings())
    assert fetched.url == site.url("/article")


def test_a_redirect_loop_gives_up_after_the_cap(site: LocalSite) -> None:
    with pytest.raises(IngestError, match="redirects more than 3 times"):
        fetch(site.url("/loop"), _settings())


def test_every_hop_is_checked_again(site: LocalSite) -> None:
    with pytest.raises(RefusedURL, match="Only http"):
        fetch(site.url("/to-file"), _settings())


def test_a_timeout_is_transient(site: LocalSite) -> None:
    with pytest.raises(TransientIngestError, match="did not answer within 1 s"):
        fetch(site.url("/slow"), _settings())


def test_a_server_error_is_transient_and_a_404_is_not(site: LocalSite) -> None:
    with pytest.raises(TransientIngestError, match="answered 500"):
        fetch(site.url("/error"), _settings())
    with pytest.raises(IngestError, match="answered 404") as caught:
        fetch(site.url("/missing"), _settings())
    assert not isinstance(caught.value, TransientIngestError)


def test_a_declared_2gb_body_is_refused_without_reading_it(site: LocalSite) -> None:
    with pytest.raises(IngestError, match="the limit is 1,000,000 bytes"):
        fetch(site.url("/declared-huge"), _settings())


def test_an_endless_body_is_abandoned_at_the_cap(site: LocalSite) -> None:
    with pytest.raises(IngestError, match="larger than the limit of 1,000,000 bytes"):
        fetch(site.url("/endless"), _settings())


def test_an_unexpected_content_type_is_refused(site: LocalSite) -> None:
    with pytest.raises(IngestError, match="image/png, not one of"):
        fetch(site.url("/image"), _settings())


def test_loopback_is_refused_unless_the_setting_allows_it(site: LocalSite) -> None:
    with pytest.raises(RefusedURL, match=r"resolves to 127\.0\.0\.1"):
        fetch(site.url("/article"), _settings(allow_private_urls=False))
    localhost = site.url("/article").replace("127.0.0.1", "localhost")
    with pytest.raises(RefusedURL, match="loopback"):
        fetch(localhost, _settings(allow_private_urls=False))


def test_the_checked_address_is_the_one_connected_to_with_the_host_name_kept(
    site: LocalSite,
) -> None:
    url = site.url("/echo-host").replace("127.0.0.1", "localhost")
    fetched = fetch(url, _settings())
    port = url.split(":")[2].split("/")[0]
    assert fetched.body == f"localhost:{port}".encode()
    assert fetched.url == url
