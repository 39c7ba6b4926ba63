import pytest

from app.articles.ingest.fetch import (
    RefusedURL,
    _is_public,
    _pinned,
    check_url_syntax,
    guard_host,
)


@pytest.mark.parametrize(
    "address",
    [
        "127.0.0.1",
        "10.1.2.3",
        "172.16.0.5",
        "192.168.1.1",
        "169.254.169.254",
        "0.0.0.0",  # noqa: S104 (an address under test, not a bind)
        "::1",
        "fe80::1",
        "fc00::1",
        "::ffff:127.0.0.1",
        "100.64.0.1",
        "224.0.0.1",
        "240.0.0.1",
    ],
)
def test_private_loopback_link_local_and_reserved_addresses_are_not_public(address: str) -> None:
    assert not _is_public(address)


@pytest.mark.parametrize("address", ["93.184.216.34", "2606:2800:220:1::1", "8.8.8.8"])
def test_global_addresses_are_public(address: str) -> None:
    assert _is_public(address)


@pytest.mark.parametrize(
    "url", ["http://localhost/", "http://127.0.0.1:8080/x", "http://[::1]/", "http://0x7f000001/"]
)
def test_loopback_hosts_are_refused_after_resolution(url: str) -> None:
    with pytest.raises(RefusedURL, match="private, loopback"):
        guard_host(url, allow_private=False)


def test_the_setting_allows_private_hosts() -> None:
    guard_host("http://127.0.0.1:9/", allow_private=True)


@pytest.mark.parametrize(
    "url", ["file:///etc/passwd", "ftp://example.org/x", "gopher://a", "http://"]
)
def test_only_http_urls_are_fetched(url: str) -> None:
    with pytest.raises(RefusedURL, match="Only http"):
        check_url_syntax(url)


@pytest.mark.parametrize(
    ("url", "address", "target", "host"),
    [
        (
            "https://news.example/a?b=1",
            "93.184.216.34",
            "https://93.184.216.34/a?b=1",
            "news.example",
        ),
        (
            "http://news.example:8080/x",
            "2606:2800::1",
            "http://[2606:2800::1]:8080/x",
            "news.example:8080",
        ),
    ],
)
def test_requests_are_pinned_to_the_checked_address(
    url: str, address: str, target: str, host: str
) -> None:
    pinned, headers, extensions = _pinned(url, address)
    assert pinned == target
    assert headers == {"Host": host}
    assert extensions == {"sni_hostname": "news.example"}
