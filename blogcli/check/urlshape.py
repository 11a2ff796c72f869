"""Web addresses that are wrong on their face: broken schemes, spaces, emails posing as URLs."""

from __future__ import annotations

import re
from difflib import SequenceMatcher
from urllib.parse import urlsplit

SPACE = re.compile(r"\s")
HOST_END = re.compile(r"[/?#]")
SCHEME = re.compile(r"^([a-zA-Z][a-zA-Z0-9+.-]*):")
DOUBLED = re.compile(r"^\(+<?\s*(?:https?:|www\.)", re.IGNORECASE)
WIDE_COLON = re.compile(r"^\s*https?\s*[\uff1a\ufe55\ufe13]", re.IGNORECASE)
SCHEME_LIKE = re.compile(r"^([A-Za-z]{2,8})(:/*|/{2,})")


def address_problem(target: str) -> tuple[bool, str | None]:
    """(True, complaint or None) for web addresses and other schemes; (False, None) for paths.

    Nothing is fetched: only the shape of the address is judged.
    """
    doubled = DOUBLED.match(target) if target[:1] == "(" else None
    if doubled:
        return True, (f"{target!r} starts with '(' before the address: a doubled parenthesis "
                      "((https://…)) makes it a path on this site; write [text](https://…)")
    if not target.isascii() and WIDE_COLON.match(target):
        return True, (f"{target!r} has a full-width colon (\uff1a) where the scheme ends: "
                      "write http:// or https:// with an ASCII colon")
    if ":" not in target and "//" not in target:  # the common case: a plain site path
        if target[:4].lower() == "www.":
            return True, f"{target!r} is a web address without https://; as written it is a file"
        return False, None
    if target.startswith("//"):
        return True, None
    like = SCHEME_LIKE.match(target)
    if like:
        word, sep = like.group(1).lower(), like.group(2)
        if word in ("http", "https"):
            return True, (_web_shape(target) if sep == "://"
                          else f"{target!r}: write {word}:// (colon and two slashes)")
        if _like_http(word):
            return True, f"{target!r}: {word} looks like a typo of https"
    if target.lower().startswith("www."):
        return True, f"{target!r} is a web address without https://; as written it is a file"
    return SCHEME.match(target) is not None, None


def _web_shape(url: str) -> str | None:
    host = HOST_END.split(url.split("://", 1)[1], maxsplit=1)[0]
    if not host:
        return f"{url!r} has no host name"
    if "@" in host and ":" not in host.split("@", 1)[0]:
        return f"{url!r} looks like an email address written as a web link; use mailto:"
    if SPACE.search(host):
        # (One elsewhere is sent as %20: the engine writes a Markdown destination so, and a
        # browser an HTML attribute's, e.g. <img src="…/ag grid.gif">, which loads.)
        return "a host name cannot contain spaces"
    if host.isascii() and ":" not in host and "[" not in url and "]" not in url:
        return None  # no port, no IPv6 bracket, nothing NFKC could change: urlsplit would pass
    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018 -- raises on a port that is not a number from 0 to 65535
    except ValueError as err:  # also an unclosed IPv6 bracket
        return f"{url!r} is not a valid web address: {err}"
    return None


def _like_http(word: str) -> bool:
    """``ttps``, ``htps``, ``htttp``…: close to http(s) but not a scheme in its own right."""
    return any(SequenceMatcher(None, word, good).ratio() >= 0.75 for good in ("http", "https"))
