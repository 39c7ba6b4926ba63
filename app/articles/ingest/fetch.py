"""Fetching a URL safely: SSRF guard on every hop, timeouts, size cap, content-type check."""

from __future__ import annotations

import ipaddress
import socket
from dataclasses import dataclass
from urllib.parse import urljoin, urlsplit

import httpx

from app.articles.ingest.formats import IngestError, TransientIngestError
from app.settings import Settings

HTML_TYPES = ("text/html", "application/xhtml+xml")
FEED_TYPES = (
    "application/rss+xml",
    "application/atom+xml",
    "application/xml",
    "text/xml",
    "application/rdf+xml",
    "application/feed+json",
)
TEXT_TYPES = ("text/plain",)
USER_AGENT = "Troopwatch/0.1 (+https://github.com/troopwatch)"


@dataclass(frozen=True)
class Fetched:
    url: str
    content_type: str
    body: bytes


class RefusedURL(IngestError):
    """A URL we will not fetch (scheme, private address)."""


def check_url_syntax(url: str) -> str:
    url = url.strip()
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise RefusedURL(f"Only http:// and https:// URLs can be fetched, not {url!r}.")
    return url


def _is_public(address: str) -> bool:
    ip = ipaddress.ip_address(address)
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    return ip.is_global and not ip.is_multicast


def guard_host(url: str, *, allow_private: bool) -> str:
    """Resolve the URL's host and return the address to connect to; refuse the URL when any
    address it resolves to is private, loopback, link-local or reserved."""
    parts = urlsplit(url)
    host = parts.hostname or ""
    port = parts.port or (443 if parts.scheme == "https" else 80)
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError) as exc:
        raise IngestError(f"The host {host!r} cannot be resolved: {exc}") from exc
    addresses = [str(info[4][0]) for info in infos]
    if not allow_private:
        for address in addresses:
            if not _is_public(address):
                raise RefusedURL(
                    f"Refused: {host} resolves to {address}, a private, loopback, link-local "
                    "or reserved address (set TROOPWATCH_ALLOW_PRIVATE_URLS to allow it)."
                )
    return addresses[0]


def _pinned(url: str, address: str) -> tuple[str, dict[str, str], dict[str, str]]:
    """The URL with its host replaced by the checked address, so that a second DNS answer
    (DNS rebinding) cannot send the request elsewhere; Host and TLS name stay the host's."""
    parts = urlsplit(url)
    host = parts.hostname or ""
    literal = f"[{address}]" if ":" in address else address
    netloc = literal if parts.port is None else f"{literal}:{parts.port}"
    host_header = host if parts.port is None else f"{host}:{parts.port}"
    return parts._replace(netloc=netloc).geturl(), {"Host": host_header}, {"sni_hostname": host}


def fetch(
    url: str,
    settings: Settings,
    *,
    accept: tuple[str, ...] = HTML_TYPES + TEXT_TYPES,
    transport: httpx.BaseTransport | None = None,
) -> Fetched:
    """GET ``url`` following at most ``fetch_max_redirects`` redirects, each hop re-checked.

    The body is streamed and abandoned past ``fetch_max_bytes``. Timeouts and 5xx answers
    raise ``TransientIngestError`` (worth a retry); everything else raises ``IngestError``.
    """
    current = check_url_syntax(url)
    timeout = httpx.Timeout(settings.fetch_timeout_seconds)
    headers = {"User-Agent": USER_AGENT, "Accept": ", ".join(accept) + ", */*;q=0.1"}
    with httpx.Client(
        timeout=timeout, follow_redirects=False, headers=headers, transport=transport
    ) as client:
        for _hop in range(settings.fetch_max_redirects + 1):
            address = guard_host(current, allow_private=settings.allow_private_urls)
            target, host_header, extensions = _pinned(current, address)
            try:
                with client.stream(
                    "GET", target, headers=host_header, extensions=extensions
                ) as response:
                    if response.is_redirect:
                        location = response.headers.get("location")
                        if not location:
                            raise IngestError(f"{current} redirects without a Location.")
                        current = check_url_syntax(urljoin(current, location))
                        continue
                    return _read(response, current, accept, settings)
            except httpx.TimeoutException as exc:
                raise TransientIngestError(
                    f"{current} did not answer within {settings.fetch_timeout_seconds:g} s."
                ) from exc
            except httpx.TransportError as exc:
                raise TransientIngestError(f"{current} cannot be reached: {exc}") from exc
    raise IngestError(f"{url} redirects more than {settings.fetch_max_redirects} times; gave up.")


def _read(
    response: httpx.Response, url: str, accept: tuple[str, ...], settings: Settings
) -> Fetched:
    if response.status_code >= 500:
        raise TransientIngestError(f"{url} answered {response.status_code} (a server error).")
    if response.status_code >= 400:
        raise IngestError(f"{url} answered {response.status_code}.")
    content_type = response.headers.get("content-type", "").split(";")[0].strip().lower()
    if content_type not in accept:
        raise IngestError(
            f"{url} is {content_type or 'of no declared type'}, not one of: {', '.join(accept)}."
        )
    limit = settings.fetch_max_bytes
    declared = response.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > limit:
        raise IngestError(f"{url} is {int(declared):,} bytes; the limit is {limit:,} bytes.")
    body = bytearray()
    for chunk in response.iter_bytes():
        body.extend(chunk)
        if len(body) > limit:
            raise IngestError(f"{url} is larger than the limit of {limit:,} bytes; gave up.")
    return Fetched(url=url, content_type=content_type, body=bytes(body))
