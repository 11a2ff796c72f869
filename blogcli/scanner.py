"""Read and scan many files fast: unchanged ones from the cache, the rest on every core."""

from __future__ import annotations

import contextlib
import gc
import os
import stat
import zlib
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from functools import cache
from pathlib import Path
from typing import Any

from blogcli.cache import FileCache
from blogcli.checkfacts import VERSION, scan_bytes
from blogcli.site import Site

# Below this many files a worker pool costs more to start than it saves.
POOL_MIN_FILES = 300
CHUNKS_PER_WORKER = 4
Item = tuple[str, bytes | None]
Scanned = tuple[bytes | None, dict[str, Any] | None]


def collect_facts(site: Site, rels: list[str]) -> dict[str, dict[str, Any]]:
    """Facts for each file in ``rels``; files that vanished meanwhile are left out."""
    cache = FileCache(site.root, f"check-{site.profile}", code_version())
    facts: dict[str, dict[str, Any]] = {}
    todo: list[Item] = []
    for rel in rels:
        if rel not in cache:
            todo.append((rel, None))  # read where it is scanned: no point hashing it here first
            continue
        raw, fact = read_file(site, rel)
        cached = cache.get(rel, raw) if raw is not None else None
        if cached is not None:
            facts[rel] = cached
        elif raw is not None:
            todo.append((rel, raw))
        elif fact is not None:
            facts[rel] = fact
    for (rel, _), (raw, fact) in zip(todo, _scan(site, todo), strict=True):
        if fact is not None:
            facts[rel] = fact
        if raw is not None and fact is not None:
            cache.put(rel, raw, fact)
    cache.save()
    return facts


@cache
def code_version() -> int:
    """A number that changes with the code that makes facts, so old caches are never trusted."""
    from blogcli import anchors, checkfacts, links, post

    digest = VERSION
    for module in (anchors, checkfacts, links, post):
        # Running from a zip there is no file: the version number alone has to do.
        with contextlib.suppress(OSError):
            digest = zlib.crc32(Path(str(module.__file__)).read_bytes(), digest)
    return digest


def read_file(site: Site, rel: str) -> Scanned:
    """(bytes, None), or (None, facts of an unreadable file), or (None, None) if it vanished."""
    try:
        # O_NONBLOCK: a FIFO named *.md must not hang the check waiting for a writer.
        fd = os.open(os.path.join(site.root, rel), os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
        with open(fd, "rb") as handle:
            if not stat.S_ISREG(os.fstat(fd).st_mode):
                return None, {"error": ["file-unreadable", 1, "cannot read it (not a regular "
                                                              "file)"]}
            return handle.read(), None
    except FileNotFoundError:
        return None, None  # vanished since the folder was listed: nothing left to check
    except OSError as err:
        reason = err.strerror or type(err).__name__
        return None, {"error": ["file-unreadable", 1, f"cannot read it ({reason})"]}


def scan_items(site: Site, items: list[Item]) -> list[Scanned]:
    """Scan a chunk of files (reading those not read yet); the unit of work of a worker."""
    out: list[Scanned] = []
    for rel, raw in items:
        if raw is None:
            raw, fact = read_file(site, rel)
            if raw is None:
                out.append((None, fact))
                continue
        out.append((raw, scan_bytes(site, site.root / rel, rel, raw)))
    return out


def _scan(site: Site, todo: list[Item]) -> list[Scanned]:
    workers = min(len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity")
                  else os.cpu_count() or 1, 8)
    if workers < 2 or len(todo) < POOL_MIN_FILES:
        return scan_items(site, todo)
    _warm_up()
    size = -(-len(todo) // (workers * CHUNKS_PER_WORKER))
    chunks = [todo[i:i + size] for i in range(0, len(todo), size)]
    # Frozen objects are left alone by the collector, so forked workers share their pages
    # instead of copying them.
    gc.freeze()
    try:
        with ProcessPoolExecutor(max_workers=workers) as pool:
            results = pool.map(_worker_scan, [site] * len(chunks), chunks)
            return [item for chunk in results for item in chunk]
    except (OSError, BrokenProcessPool):
        return scan_items(site, todo)  # no processes allowed here (a sandbox): one core it is
    finally:
        gc.unfreeze()


def _worker_scan(site: Site, items: list[Item]) -> list[Scanned]:
    """``scan_items`` in a worker, without the cycle collector: token trees hold no cycles,
    and a worker lives only as long as this one command."""
    gc.disable()
    return scan_items(site, items)


def _warm_up() -> None:
    """Import and build the parsers once here, so forked workers start with them ready."""
    import yaml  # noqa: F401
    from frontmatter import default_handlers  # noqa: F401

    from blogcli.links import parser

    parser()
    for tables in (True, False):
        for footnotes in (True, False):
            parser(True, tables, footnotes)
