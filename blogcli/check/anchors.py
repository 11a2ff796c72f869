"""Heading ids the way each site engine makes them, so `#fragment` links can be checked."""

from __future__ import annotations

import re
from collections.abc import Callable

_GITHUB_DROP = re.compile(r"[^\w\- ]")
_KRAMDOWN_LEAD = re.compile(r"^[^a-zA-Z]+")
_KRAMDOWN_DROP = re.compile(r"[^a-zA-Z0-9 \-]")
_ZOLA_RUN = re.compile(r"[^a-z0-9]+")
_HEXO_SPECIAL = re.compile(r"[\s~`!@#$%^&*()\-_+=\[\]{}|\\;:\"'<>,.?/]+")
_CONTROL = re.compile(r"[\x00-\x1f]")


def github(text: str) -> str:
    """github-slugger: lower case, punctuation dropped, each space a dash (CJK kept)."""
    return _GITHUB_DROP.sub("", text.strip().lower()).replace(" ", "-")


def goldmark(text: str) -> str:
    """Hugo's default ``autoHeadingIDType = "github"``: letters, digits, ``_`` and ``-`` kept."""
    out = []
    for char in text.strip():
        if char in "- ":
            out.append("-")
        elif char == "_" or char.isalpha() or char.isdigit():
            out.append(char.lower())
    return "".join(out) or "heading"


def kramdown(text: str) -> str:
    """kramdown's auto_ids: up to the first ASCII letter dropped, then only ``[a-z0-9 -]``."""
    found = _KRAMDOWN_DROP.sub("", _KRAMDOWN_LEAD.sub("", text)).replace(" ", "-").lower()
    return found or "section"


def zola(text: str) -> str:
    """Zola's ``slugify.anchors = "on"`` for ASCII text (non-ASCII is transliterated there)."""
    return _ZOLA_RUN.sub("-", text.lower()).strip("-")


def hexo(text: str) -> str:
    """hexo-util ``slugize`` as hexo-renderer-marked calls it: case kept."""
    return _HEXO_SPECIAL.sub("-", _CONTROL.sub("", text)).strip("-")


RULES: dict[str, Callable[[str], str]] = {
    "hugo": goldmark, "jekyll": kramdown, "zola": zola, "hexo": hexo, "plain": github,
}


def heading_ids(headings: list[tuple[str, str | None]], profile: str) -> tuple[list[str], bool]:
    """(ids under the profile's rules, whether they are certain) for headings in file order.

    ``headings`` holds each heading's plain text and explicit ``{#id}``. Duplicates are numbered
    ``-1``, ``-2``… as every one of these engines does.
    """
    rule = RULES.get(profile, github)
    ids = _numbered([explicit or rule(text) for text, explicit in headings])
    # Zola transliterates and kramdown drops non-ASCII; what the reader sees there is a guess.
    certain = profile not in ("zola", "jekyll") or all(t.isascii() for t, e in headings if not e)
    return ids, certain


def other_ids(headings: list[tuple[str, str | None]], profile: str) -> set[str]:
    """Ids other engines (or other settings of this one) would give the same headings."""
    rule = RULES.get(profile, github)
    alt: set[str] = set()
    for other in {github, goldmark, kramdown, zola, hexo} - {rule}:
        alt.update(_numbered([other(text) for text, _ in headings]))
    if profile == "plain":  # github.com ignores {#id}; GitHub Pages (kramdown) honours it
        alt.update(_numbered([github(f"{text} {{#{e}}}" if e else text) for text, e in headings]))
    return alt | {a.lower() for a in alt}


def _numbered(ids: list[str]) -> list[str]:
    seen: dict[str, int] = {}
    out = []
    for anchor in ids:
        if anchor in seen:
            seen[anchor] += 1
            numbered = f"{anchor}-{seen[anchor]}"
            while numbered in seen:
                seen[anchor] += 1
                numbered = f"{anchor}-{seen[anchor]}"
            seen[numbered] = 0
            out.append(numbered)
        else:
            seen[anchor] = 0
            out.append(anchor)
    return out
