"""What kind of target a link is, its normal form, and whether its host is private."""

from __future__ import annotations

import ipaddress
import re
from dataclasses import dataclass
from enum import StrEnum
from urllib.parse import urlsplit, urlunsplit


class Kind(StrEnum):
    """How ``blog check`` treats a link target."""

    INTERNAL = "internal"  # a path in the site: the offline check's business
    EXTERNAL = "external"  # http(s): fetched by --external
    SKIP = "skip"          # mailto:, tel:, data:, app links: nothing to fetch, nothing wrong
    BAD = "bad"            # a finding (file:, javascript:, ftp:, a malformed URL)


@dataclass(frozen=True)
class Classified:
    kind: Kind
    severity: str = ""  # "error" | "warning" for Kind.BAD
    message: str = ""


# Schemes with no finding: mail, phones, inline data, and links into apps (zoommtg:, steam:,
# vscode:...) that a reader's browser hands to another program. Nothing to fetch.
_SCHEME = re.compile(r"^([a-zA-Z][a-zA-Z0-9+.-]*):")
# Windows drive letters (C:\...) look like a scheme to urlsplit.
_DRIVE = re.compile(r"^[a-zA-Z]:[\\/]")
_BAD_MESSAGES = {
    "file": ("error", "a file: link points into the author's own disk; readers cannot open it"),
    "javascript": ("warning", "a javascript: link runs code instead of linking; use a button"),
    "ftp": ("warning", "browsers no longer open ftp: links; link to an https: copy"),
    "vbscript": ("warning", "a vbscript: link runs code and no current browser runs it"),
}


_FETCHED = Classified(Kind.EXTERNAL)


def classify(target: str) -> Classified:
    """Say whether a link target is fetched, skipped, internal or itself a finding."""
    text = target.strip()
    if text.startswith("//"):
        text = "https:" + text
    if quick_split(text) is not None:
        return _FETCHED
    match = _SCHEME.match(text)
    if match is None or _DRIVE.match(text):
        if _DRIVE.match(text):
            return Classified(Kind.BAD, *_BAD_MESSAGES["file"])
        return Classified(Kind.INTERNAL)
    scheme = match.group(1).lower()
    if scheme in ("http", "https"):
        try:
            parts = urlsplit(text)
            host, _ = parts.hostname, parts.port  # .port raises on "99999" or "x"
        except ValueError as err:
            return Classified(Kind.BAD, "error", f"malformed {scheme} URL: {err}")
        if not host:
            return Classified(Kind.BAD, "error", f"malformed {scheme} URL: no host")
        if any(c.isspace() for c in text):
            return Classified(Kind.BAD, "error", f"malformed {scheme} URL: it contains a space")
        return _FETCHED
    if scheme in _BAD_MESSAGES:
        return Classified(Kind.BAD, *_BAD_MESSAGES[scheme])
    return Classified(Kind.SKIP)


def normalise(url: str) -> str:
    """The form a URL is de-duplicated and cached under (fragment kept).

    Lower-case scheme and host, no default port, ``/`` for an empty path. The
    path and query are left alone: servers may treat their case and escapes
    as meaningful.
    """
    text = url.strip()
    if text.startswith("//"):
        text = "https:" + text
    quick = quick_split(text)
    if quick is not None:
        scheme, host, port, path, query, fragment = quick
        host = host.rstrip(".")
        netloc = host if port is None or (scheme, port) in (("http", 80), ("https", 443)) \
            else f"{host}:{port}"
        return f"{scheme}://{netloc}{path or '/'}{'?' if query else ''}{query}" \
            f"{'#' if fragment else ''}{fragment}"
    parts = urlsplit(text)
    scheme = parts.scheme.lower()
    host = (parts.hostname or "").rstrip(".")
    if ":" in host:  # an IPv6 literal needs its brackets back
        host = f"[{host}]"
    port = parts.port
    netloc = host if port is None or (scheme, port) in (("http", 80), ("https", 443)) \
        else f"{host}:{port}"
    if parts.username is not None:
        auth = parts.username + (f":{parts.password}" if parts.password is not None else "")
        netloc = f"{auth}@{netloc}"
    return urlunsplit((scheme, netloc, parts.path or "/", parts.query, parts.fragment))


# An http(s) URL with an ASCII host name, perhaps a port, and printable ASCII after them: what
# nearly every link is. For these one match gives what urlsplit, .hostname and .port would
# (a tenth of the CPU of a --external run went to parsing the same URLs over and over).
_QUICK = re.compile(r"(?i:(https?))://([A-Za-z0-9.-]+)(?::([0-9]{1,5}))?([/?#][!-~]*)?")


def quick_split(url: str) -> tuple[str, str, int | None, str, str, str] | None:
    """``(scheme, host, port, path, query, fragment)`` as urlsplit would give them (scheme and
    host lower-cased), for a URL of the common shape; None for any other (ask urlsplit)."""
    match = _QUICK.fullmatch(url)
    if match is None:
        return None
    scheme, host, port_text, rest = match.groups()
    port = None if port_text is None else int(port_text)
    if port is not None and port > 65535:
        return None  # urlsplit's .port raises: let the caller's slow path say so
    rest, _, fragment = (rest or "").partition("#")
    path, _, query = rest.partition("?")
    return scheme.lower(), host.lower(), port, path, query, fragment


# Query parameters that make a URL a credential: pre-signed S3/GCS/Azure links, API keys.
_SIGNED = re.compile(r"(?i)(^|&)(x-amz-[a-z-]+|x-goog-[a-z-]+|signature|sig|se|sp|token|"
                     r"access_token|api_key|apikey|key|auth|password|secret)=")


def redact_url(url: str) -> str:
    """``url`` fit to print or store: no user-info, no query string when it carries a signature."""
    try:
        parts = urlsplit(url)
        host = parts.netloc.rpartition("@")[2]
    except ValueError:
        return url.split("?", 1)[0]
    query = "" if _SIGNED.search(parts.query) else parts.query
    from blogcli.errors import redact

    # A token of the user's (GITHUB_TOKEN) may sit in a redirect's path or query: by value.
    return redact(urlunsplit((parts.scheme, host, parts.path, query, parts.fragment)))


def split_fragment(url: str) -> tuple[str, str]:
    """``(url without fragment, fragment)``; the page is fetched once for all its fragments."""
    base, _, fragment = url.partition("#")
    return base, fragment


_PRIVATE_NAMES = (".localhost", ".local", ".internal", ".home.arpa", ".lan")


def private_host_name(host: str) -> bool:
    """True for names and address literals that never reach the public internet."""
    name = host.lower().strip("[]").rstrip(".")
    if name == "localhost" or name.endswith(_PRIVATE_NAMES):
        return True
    try:
        return private_address(name)
    except ValueError:
        return False  # a host name: the caller resolves it and asks again


def private_address(address: str) -> bool:
    """True for every address that is not on the public internet.

    ``not is_global`` covers loopback, RFC 1918, CGNAT (100.64.0.0/10, where
    Tailscale lives), link-local and the special-purpose blocks; addresses
    that wrap an IPv4 address (mapped, 6to4, NAT64, Teredo) are judged by it.
    Raises ValueError when ``address`` is not an IP address.
    """
    ip = ipaddress.ip_address(address.split("%", 1)[0])
    if isinstance(ip, ipaddress.IPv6Address):
        inner = _embedded_ipv4(ip)
        if inner is not None:
            return private_address(str(inner))
        if ip.is_site_local:  # fec0::/10: deprecated, yet routed inside some networks
            return True
    elif ip in _IPV4_SPECIAL:
        return True
    return bool(not ip.is_global or ip.is_multicast or ip.is_reserved or ip.is_unspecified)


# 192.0.0.0/24 is IETF protocol assignments: no public host lives there.
_IPV4_SPECIAL = ipaddress.ip_network("192.0.0.0/24")
_NAT64 = ipaddress.ip_network("64:ff9b::/96")


def _embedded_ipv4(ip: ipaddress.IPv6Address) -> ipaddress.IPv4Address | None:
    if ip.ipv4_mapped is not None:
        return ip.ipv4_mapped
    if ip.sixtofour is not None:
        return ip.sixtofour
    if ip.teredo is not None:
        return ip.teredo[1]
    if ip in _NAT64:
        return ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF)
    return None
