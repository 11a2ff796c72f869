"""The site index: what checking a few files needs to know of every other page, kept between runs.

A link in one post may lead to any page of the site, so checking one post (``blog check
POST``, the pre-flight of ``blog publish``) needs every page's addresses, anchors and front
matter, but not their links. Reading all that from the facts cache means loading every link of
the site and working out every page's URLs again; the index keeps, per page, its facts without
links and front-matter findings (the "light" facts) and its URLs, trusted by the page file's
stat signature (blogcli/cache.py's rule) and by the Page the walk made of it. The site's
configuration, the code and the time zone are in the index's version: a change to any of them
starts it afresh. Nothing here depends on the clock: whether a page is published is worked out
from its front matter on every run.
"""

from __future__ import annotations

import os
import time
import unicodedata
from functools import cache
from operator import attrgetter
from pathlib import Path
from typing import Any

from blogcli.cache import FileCache, blake2b, code_digest
from blogcli.check.bareurls import linkify_on
from blogcli.check.facts import packed, unpacked, valid_fact
from blogcli.check.scan import code_version
from blogcli.pages import Page
from blogcli.permalinks import normalize
from blogcli.site import Site

INDEX_VERSION = 4
# What other pages' checks never read of a page's facts: left out of the index.
HEAVY = ("links", "fm", "empty")
# Kept per page, in two files trusted by the same stat signature: the small one, read on every
# run, [the page as the walk made it, the key its first URL is compared by for duplicates];
# the large one, read only when a checked file has links (or shares an address),
# [light facts packed by facts.packed (None for a page that is not Markdown), URLs].
Record = list[Any]


class SiteIndex:
    """The site index of ``site`` for this code, configuration and time zone."""

    def __init__(self, site: Site) -> None:
        linkify = "" if linkify_on(site.profile, site.engine) else "-nolinkify"
        # repr(site): root, profile, blog.toml and the engine's config, folders, languages.
        key = repr((INDEX_VERSION, code_version(), _own_code(), repr(site),
                    site.keeps_last_key(), os.environ.get("TZ"), time.tzname))
        version = int.from_bytes(blake2b(key.encode(), digest_size=8).digest(), "big")
        name = f"index-{site.profile}{linkify}"
        self.keys = FileCache(site.root, name, version, valid=_valid_key)
        self.pages = FileCache(site.root, name + "-pages", version, valid=_valid_page, lazy=True)
        self.path = self.keys.path

    @property
    def damaged(self) -> bool:
        return self.keys.damaged or self.pages.damaged

    def stored(self, rel: str) -> list[Any] | None:
        """What is kept for ``rel``, current or not (to compare with what is found now)."""
        keys, details = self.keys.stored(rel), self.pages.stored(rel)
        return None if keys is None or details is None else [*keys, unpacked(details[0]),
                                                             details[1]]

    def store(self, page: Page, sig: list[int] | None, fact: dict[str, Any] | None,
              urls: list[str], dup: str | None) -> list[Any] | None:
        """Keep what was found for ``page`` (read from a file whose signature was ``sig``),
        its URLs and their ``dup_key``; what ``stored`` will say (None for a file that could
        not be signed)."""
        if sig is None:
            return None  # unreadable: read again next time
        keys, details = [page_key(page), dup], light(fact)
        self.keys.put_digest(page.rel, "", keys, sig)
        self.pages.put_digest(page.rel, "", [packed(details), urls], sig)
        return [*keys, details, urls]

    def save(self) -> None:
        self.keys.save()
        self.pages.save()


@cache
def _own_code() -> int:
    """A number that changes with the code that makes records (this module, the checker)."""
    return code_digest([Path(__file__), Path(__file__).with_name("checker.py")], 0)


def page_key(page: Page) -> list[Any]:
    """The Page as JSON keeps it (its path is the entry's name): the index's entry is only good
    for the same Page. Every field but the path (tests/check/test_index.py holds it to that).

    Equal Pages get the same list (not to be changed): marshal writes it once and the rest as
    references, so the small file, read by every check of a few files, loads ~70,000 objects
    fewer on 5,000 posts (~1 ms of a publish)."""
    fields = _KEY_FIELDS(page)
    key = _KEYS.get(fields)
    if key is None:
        kind, lang, root, group, categories, bundle, in_drafts, dated = fields
        key = _KEYS[fields] = [kind, lang, root, group, list(categories), bundle, in_drafts,
                               dated]
    return key


_KEY_FIELDS = attrgetter("kind", "lang", "root", "group", "categories", "bundle", "in_drafts",
                         "dated")
_KEYS: dict[tuple[Any, ...], list[Any]] = {}


def light(fact: dict[str, Any] | None) -> dict[str, Any] | None:
    """``fact`` without what only the page's own check reads. Kept as it is: the index file
    is marshalled, which reads these back faster than it read them as JSON text once."""
    if fact is None:
        return None
    return {k: v for k, v in fact.items() if k not in HEAVY}


def dup_key(urls: list[str]) -> str | None:
    """The key duplicates are found by (checker._duplicates): the permalink, normalized, NFC."""
    return unicodedata.normalize("NFC", normalize(urls[0])) if urls else None


def _valid_key(value: Any) -> bool:
    """True for a value the index could have written (a damaged one is a miss, not a crash)."""
    return isinstance(value, list) and len(value) == 2 and isinstance(value[0], list) and \
        (value[1] is None or isinstance(value[1], str))


def _valid_page(value: Any) -> bool:
    if not (isinstance(value, list) and len(value) == 2 and isinstance(value[1], list) and
            all(isinstance(u, str) for u in value[1])):
        return False
    try:
        fact = unpacked(value[0])
    except (ValueError, EOFError, TypeError):  # a record marshal did not write
        return False
    return fact is None or (isinstance(fact, dict) and
                            valid_fact({**fact, "links": [], "fm": []}))
