"""Read and scan many files fast: unchanged ones from the cache, the rest on every core."""

from __future__ import annotations

import os
from functools import cache
from pathlib import Path
from typing import Any

from blogcli import files
from blogcli.cache import FileCache, Signature, code_digest, signature
from blogcli.check.bareurls import linkify_on
from blogcli.check.facts import VERSION, scan_bytes, valid_fact
from blogcli.site import Site

# A file to scan: its path, and its bytes and signature when already read.
Item = tuple[str, bytes | None, Signature | None]
# (content hash, facts, stat signature): what a scan hands back, without the file's bytes.
Scanned = tuple[str | None, dict[str, Any] | None, Signature | None]
Read = tuple[bytes | None, dict[str, Any] | None, Signature | None]


SCAN_CHUNKS = 64  # per process: ~16 files each on the 2,000-post bench (~1.5 ms of scan)


def open_cache(site: Site) -> FileCache:
    """The cache of facts for this site's profile and this version of the code."""
    # Facts depend on whether the engine links bare addresses (Hugo's linkify can be off).
    linkify = "" if linkify_on(site.profile, site.engine) else "-nolinkify"
    # And on whether a key given twice is read (the Hugo version the site pins).
    twice = "" if site.keeps_last_key() else "-twice"
    return FileCache(site.root, f"check-{site.profile}{linkify}{twice}", code_version(),
                     valid=valid_fact)


def collect_facts(site: Site, rels: list[str], cache: FileCache | None = None,
                  urls: dict[str, list[str]] | None = None) -> dict[str, dict[str, Any]]:
    """Facts for each file in ``rels``; files that vanished meanwhile are left out.

    Files whose stat signature is unchanged since they were scanned are not read at all; the
    others are read, and scanned when their content hash is not in the cache either. A
    ``cache`` given by the caller is left for it to save (when it has time to). ``urls``, when
    given, is filled with the URLs (permalinks.page_urls) of the pages scanned now, which the
    workers find beside their facts (facts are cached; URLs depend on the site's settings).
    """
    own = cache is None
    cache = cache or open_cache(site)
    facts: dict[str, dict[str, Any]] = {}
    todo: list[Item] = []
    root = str(site.root)
    for rel in rels:
        if rel not in cache:
            todo.append((rel, None, None))  # read where it is scanned, not here first
            continue
        try:
            sig = signature(os.stat(os.path.join(root, rel)))
        except OSError:
            sig = None  # gone or unreadable: read_file below says which
        cached = cache.lookup(rel, sig) if sig is not None else None
        if cached is not None:
            facts[rel] = cached
            continue
        raw, fact, sig = read_file(site, rel)
        cached = cache.get(rel, raw, sig) if raw is not None else None
        if cached is not None:
            facts[rel] = cached
        elif raw is not None:
            todo.append((rel, raw, sig))
        elif fact is not None:
            facts[rel] = fact
    for (rel, _, _), ((digest, fact, sig), found) in zip(
            todo, _scan(site, todo, urls is not None), strict=True):
        if fact is not None:
            facts[rel] = fact
        if found is not None and urls is not None:
            urls[rel] = found
        if digest is not None and fact is not None:
            cache.put_digest(rel, digest, fact, sig)
    if own:
        cache.save()
    # In the order asked, however many were cached: the resolver takes the first page of a
    # name it finds, so the order must not depend on the cache.
    return {rel: facts[rel] for rel in rels if rel in facts}


@cache
def code_version() -> int:
    """A number that changes with the code that makes facts, so old caches are never trusted."""
    from blogcli import post
    from blogcli.check import anchors, bareurls, links, native, rendered
    from blogcli.check import facts as checkfacts
    from blogcli.text import blocks

    return code_digest([Path(str(module.__file__)) for module in
                        (anchors, bareurls, blocks, checkfacts, links, native, post, rendered)],
                       VERSION)


def read_file(site: Site, rel: str) -> Read:
    """(bytes, None, signature), or (None, facts of an unreadable file, None), or
    (None, None, None) if it vanished."""
    try:
        data, st = files.read_file(os.path.join(site.root, rel))
        return data, None, signature(st)
    except FileNotFoundError:
        return None, None, None  # vanished since the folder was listed: nothing left to check
    except OSError as err:
        reason = err.strerror or type(err).__name__
        return None, {"error": ["file-unreadable", 1, f"cannot read it ({reason})"]}, None


def scan_items(site: Site, items: list[Item]) -> list[Scanned]:
    """Scan a chunk of files (reading those not read yet); the unit of work of a worker."""
    out: list[Scanned] = []
    for rel, raw, sig in items:
        if raw is None:
            raw, fact, sig = read_file(site, rel)
            if raw is None:
                out.append((None, fact, None))
                continue
        out.append((FileCache.digest(raw), scan_bytes(site, site.root / rel, rel, raw), sig))
    return out


def _scan(site: Site, todo: list[Item],
          with_urls: bool) -> list[tuple[Scanned, list[str] | None]]:
    from blogcli.workers import POOL_MIN_FILES, fan_out  # (pickle and the pool: not for a few)

    def job(start: int, stop: int) -> list[tuple[Scanned, list[str] | None]]:
        chunk = todo[start:stop]
        scanned = scan_items(site, chunk)
        return [(done, _urls(site, rel, done[1]) if with_urls else None)
                for (rel, _, _), done in zip(chunk, scanned, strict=True)]

    if len(todo) < POOL_MIN_FILES:
        return job(0, len(todo))
    _warm_up()
    # Small chunks taken as each process comes free, not every other file for each: a forked
    # worker scans a few per cent slower (its first touch of each shared page copies it) and
    # ends by sending its facts back, so with a fixed half this process waited for it.
    return fan_out(job, len(todo), lambda: None, chunks=SCAN_CHUNKS)


def _urls(site: Site, rel: str, fact: dict[str, Any] | None) -> list[str] | None:
    """checker.site_urls' URLs of a page read now (None where its facts say nothing): found
    in the workers, in parallel, instead of one after another here (18 ms on 10,000 posts)."""
    if fact is None or fact.get("error"):
        return None
    from blogcli.permalinks import page_urls

    return page_urls(site, rel, fact["meta"], fact["slug"])


def _warm_up() -> None:
    """Build the Markdown parser once here, so forked workers start with it ready. PyYAML is
    not imported here (16 ms before the fork): most front matter never needs it (post.py's
    _simple_yaml), and where some does each process imports it at once, in parallel."""
    from blogcli.check.native import parser

    parser(False, False, False)  # the others take microseconds each, made as they are needed
