"""Bare web addresses in text that an engine turns into links by itself (linkify).

Hugo (Goldmark's Linkify extension), GitHub's Markdown (GitHub Pages, the ``plain`` profile) and
Hexo's default renderer (marked, GFM) make ``See https://example.com/page.`` a link; Jekyll's
kramdown and Zola do not. Goldmark and GFM differ in what they accept (Goldmark wants a host
with a letters-only last label, so ``http://localhost:1313/`` stays text in Hugo) and in how
they trim the end, so each has its own rule here, both taken from the engines' sources.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

# Goldmark's extension/linkify.go, as written (http, https and www only: ftp is not fetched).
_GOLDMARK_PATH = r"""(?:[/#?][-a-zA-Z0-9@:%_+.~#$!?&/=();,'">^{}\[\]`]*)?"""
GOLDMARK = re.compile(r"(?:https?://[-a-zA-Z0-9@:%._+~#=]{1,256}\.[a-z]+(?::\d+)?|"
                      r"www\.[-a-zA-Z0-9@:%._+~#=]{1,256}\.[a-z]+)" + _GOLDMARK_PATH)
# GFM's extended autolinks (cmark-gfm autolink.c): a domain, then anything up to a space or "<".
GFM = re.compile(r"(?:https?://|www\.)[a-zA-Z0-9_-][a-zA-Z0-9_.-]*[^\s<]*")
START = re.compile(r"https?://|www\.")
# Both engines start a bare link only at a line's start, after white space or one of these.
OPENERS = frozenset("*_~(")
ENTITY_TAIL = re.compile(r"&[a-zA-Z0-9]+;$")
GOLDMARK_PUNCT = "?!.,:*_~"
GFM_PUNCT = "?!.,:*_~'\""


def linkify_on(profile: str, engine: dict[str, Any]) -> bool:
    """Does this engine, as configured, link bare web addresses?"""
    if profile == "hugo":
        goldmark = _table(_table(_table(engine, "markup"), "goldmark"), "extensions")
        return goldmark.get("linkify", True) is not False
    if profile == "hexo":  # hexo-renderer-marked: gfm and autolink default to true
        marked = _table(engine, "marked")
        return marked.get("gfm", True) is not False and marked.get("autolink", True) is not False
    return profile == "plain"


def _table(data: dict[str, Any], key: str) -> dict[str, Any]:
    value = data.get(key)
    return value if isinstance(value, dict) else {}


def may_hold(text: str) -> bool:
    """Cheap test: could ``text`` hold a bare web address at all?"""
    return "http" in text or "www." in text


def find(text: str, profile: str, before: str = "\n") -> Iterator[tuple[int, str]]:
    """(index in ``text``, address as written) of each bare address in ``text``.

    ``text`` is plain text (no code, links or HTML in it); ``before`` is the character just
    before it in the source, for an address at its very start.
    """
    done = 0
    for start in START.finditer(text):
        index = start.start()
        if index < done:
            continue  # inside the address just found
        prev = text[index - 1] if index else before
        if not (prev.isspace() or prev in OPENERS):
            continue
        url = match_at(text, index, profile)
        if url is not None and len(url) > len(start.group(0)):
            done = index + len(url)
            yield index, url


def match_at(text: str, index: int, profile: str) -> str | None:
    """The address the engine reads at ``text[index]`` (source text), trimmed, or None."""
    match = (GOLDMARK if profile == "hugo" else GFM).match(text, index)
    if match is None:
        return None
    return trim_goldmark(match.group(0)) if profile == "hugo" else trim_gfm(match.group(0))


def target(url: str) -> str:
    """What the engine links to: ``www.`` addresses get ``http://`` in front."""
    return "http://" + url if url.startswith("www.") else url


def trim_goldmark(url: str) -> str:
    """Goldmark's end rules: one ``.``, or the unbalanced ``)``, or an ``&entity;``; then
    trailing ``?!.,:*_~``."""
    if url.endswith("."):
        url = url[:-1]
    elif url.endswith(")"):
        closing = url.count(")") - url.count("(")
        if closing > 0:
            url = url[:-closing]
    elif url.endswith(";"):
        entity = ENTITY_TAIL.search(url)
        if entity:
            url = url[:entity.start()]
    return url.rstrip(GOLDMARK_PUNCT)


def trim_gfm(url: str) -> str:
    """cmark-gfm's ``autolink_delim``: trailing punctuation, an ``&entity;``, and each ``)``
    that has no ``(`` to match, repeatedly."""
    # An end index, not slices, and ")" counted once: a long tail of "." or ")" stays linear.
    end = len(url)
    unmatched = url.count(")") - url.count("(")
    while end:
        last = url[end - 1]
        if last in GFM_PUNCT:
            end -= 1
        elif last == ";":
            name = end - 1
            while name > 0 and url[name - 1].isascii() and url[name - 1].isalnum():
                name -= 1
            entity = name > 0 and name < end - 1 and url[name - 1] == "&"
            cut = name - 1 if entity else end - 1
            unmatched -= url.count(")", cut, end) - url.count("(", cut, end)
            end = cut
        elif last == ")" and unmatched > 0:
            end -= 1
            unmatched -= 1
        else:
            break
    return url[:end]
