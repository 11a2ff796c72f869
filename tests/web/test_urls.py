"""Link targets: which are fetched, skipped, internal or findings (blogcli/urls.py)."""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest
from hypothesis import given
from hypothesis import strategies as st

from blogcli.web.urls import Kind, classify, normalise, private_host_name, quick_split


@pytest.mark.parametrize(("target", "kind"), [
    ("https://example.com/a", Kind.EXTERNAL),
    ("HTTP://Example.com", Kind.EXTERNAL),
    ("//cdn.example.com/x.js", Kind.EXTERNAL),
    ("mailto:me@example.com", Kind.SKIP),
    ("tel:+441234", Kind.SKIP),
    ("data:image/png;base64,iVBORw0KGgo=", Kind.SKIP),
    ("zoommtg://zoom.us/join?confno=1", Kind.SKIP),
    ("../other.md#setup", Kind.INTERNAL),
    ("/img/a.png", Kind.INTERNAL),
    ("#top", Kind.INTERNAL),
    ("file:///home/me/draft.html", Kind.BAD),
    ("C:\\Users\\me\\pic.png", Kind.BAD),
    ("javascript:alert(1)", Kind.BAD),
    ("ftp://ftp.example.com/pub", Kind.BAD),
    ("https://", Kind.BAD),
    ("http:///path-only", Kind.BAD),
    ("http://example.com:99999/", Kind.BAD),
    ("http://[::1/", Kind.BAD),
    ("https://exa mple.com/", Kind.BAD),
])
def test_classify_says_what_a_target_is(target: str, kind: Kind) -> None:
    assert classify(target).kind is kind


def test_file_links_are_errors_and_javascript_links_warnings() -> None:
    assert classify("file:///x").severity == "error"
    assert classify("javascript:void(0)").severity == "warning"
    assert "javascript:" in classify("javascript:void(0)").message


@pytest.mark.parametrize(("url", "expected"), [
    ("HTTPS://Example.COM:443", "https://example.com/"),
    ("http://example.com:80/A?b=C#Frag", "http://example.com/A?b=C#Frag"),
    ("http://example.com:8080/x", "http://example.com:8080/x"),
    ("//example.com/x", "https://example.com/x"),
    ("http://[::1]:8000/", "http://[::1]:8000/"),
])
def test_normalise_spells_one_url_one_way(url: str, expected: str) -> None:
    assert normalise(url) == expected


@given(st.from_regex(r"https?://[a-z]{1,8}\.(com|org)(:[0-9]{2,4})?(/[a-zA-Z0-9._~-]{0,8}){0,3}"
                     r"(\?[a-z=&]{0,6})?", fullmatch=True))
def test_normalise_is_idempotent(url: str) -> None:
    assert normalise(normalise(url)) == normalise(url)


# URLs near the edges of quick_split's shape: case, ports at and past the limits, empty host
# labels, trailing dots, '?' and '#' in every order, characters just outside what it takes.
_NEAR_QUICK = st.builds(
    "".join,
    st.tuples(st.sampled_from(["http", "HTTPS", "hTtP", "ftp", "http:", ""]),
              st.sampled_from(["://", ":/", "//", "://u@", "://u:p@"]),
              st.text("aZ09.-_[]:%é ", max_size=10),
              st.sampled_from(["", ":", ":0", ":80", ":443", ":65535", ":65536", ":99999",
                               ":8x", ":080"]),
              st.text("/?#aZ.%:@!~[] \t\x7fé", max_size=12)))


@pytest.mark.parametrize(("url", "parts"), [
    ("HTTP://Ex.COM.", ("http", "ex.com.", None, "", "", "")),
    ("https://a.b:0/p?q=1#f?g", ("https", "a.b", 0, "/p", "q=1", "f?g")),
    ("http://a:65535?x#", ("http", "a", 65535, "", "x", "")),
])
def test_quick_split_takes_plain_urls(url: str, parts: tuple[object, ...]) -> None:
    assert quick_split(url) == parts


@pytest.mark.parametrize("url", ["http://a:65536/", "http://u@a/", "http://[::1]/", "http://é.fr/",
                                 "http://a/ b", "http://a:/", "ftp://a/", "http://a_b/"])
def test_quick_split_leaves_the_rest_to_urlsplit(url: str) -> None:
    assert quick_split(url) is None


@given(_NEAR_QUICK)
def test_quick_split_agrees_with_urlsplit(url: str) -> None:
    quick = quick_split(url)
    try:
        parts = urlsplit(url)
        expected = (parts.scheme, parts.hostname, parts.port, parts.path, parts.query,
                    parts.fragment)
    except ValueError:
        assert quick is None
        return
    if quick is not None:
        assert quick == expected


@given(_NEAR_QUICK)
def test_quick_paths_answer_as_the_slow_ones(url: str) -> None:
    """classify and normalise give what urlsplit's path gives, for URLs either path takes."""
    text = url.strip()
    text = "https:" + text if text.startswith("//") else text
    try:
        parts = urlsplit(text)
        host, port = parts.hostname, parts.port
    except ValueError:
        assert classify(url).kind is not Kind.EXTERNAL
        return
    fetched = parts.scheme in ("http", "https") and bool(host) and \
        not any(c.isspace() for c in text)
    assert (classify(url).kind is Kind.EXTERNAL) == fetched
    if fetched and parts.username is None:
        netloc = (host or "").rstrip(".")
        netloc = f"[{netloc}]" if ":" in netloc else netloc
        if port is not None and (parts.scheme, port) not in (("http", 80), ("https", 443)):
            netloc = f"{netloc}:{port}"
        expected = f"{parts.scheme}://{netloc}{parts.path or '/'}" + \
            (f"?{parts.query}" if parts.query else "") + \
            (f"#{parts.fragment}" if parts.fragment else "")
        assert normalise(url) == expected


@pytest.mark.parametrize(("host", "private"), [
    ("localhost", True), ("blog.localhost", True), ("printer.local", True),
    ("127.0.0.1", True), ("10.1.2.3", True), ("192.168.0.10", True), ("169.254.1.1", True),
    ("::1", True), ("[::1]", True), ("::ffff:127.0.0.1", True), ("0.0.0.0", True),
    ("8.8.8.8", False), ("example.com", False), ("2606:4700::1111", False),
])
def test_private_host_names(host: str, private: bool) -> None:
    assert private_host_name(host) is private


@pytest.mark.parametrize("address", [
    "100.64.0.1", "100.127.255.254",  # CGNAT, where Tailscale hands out addresses
    "192.0.0.8", "fec0::1",
    "2002:7f00:1::",                   # 6to4 wrapping 127.0.0.1
    "2002:a00:1::",                    # 6to4 wrapping 10.0.0.1
    "64:ff9b::7f00:1",                 # NAT64 wrapping 127.0.0.1
    "::ffff:100.64.0.1",
])
def test_addresses_off_the_public_internet_are_private(address: str) -> None:
    assert private_host_name(address)
    assert private_host_name(f"[{address}]") or "." in address


@pytest.mark.parametrize("address", ["8.8.8.8", "2606:4700::1", "2002:808:808::"])
def test_public_addresses_are_not_private(address: str) -> None:
    assert not private_host_name(address)
