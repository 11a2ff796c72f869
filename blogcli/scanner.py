"""Read and scan many files fast: unchanged ones from the cache, the rest on every core."""

from __future__ import annotations

import os
from concurrent.futures import ProcessPoolExecutor
from typing import Any

from blogcli.cache import FileCache
from blogcli.checkfacts import VERSION, scan_many
from blogcli.site import Site

# Below this many files a worker pool costs more to start than it saves.
POOL_MIN_FILES = 300
CHUNKS_PER_WORKER = 4


def collect_facts(site: Site, rels: list[str]) -> dict[str, dict[str, Any]]:
    """Facts for each file in ``rels``; files that vanished meanwhile are left out."""
    cache = FileCache(site.root, f"check-{site.profile}", VERSION)
    facts: dict[str, dict[str, Any]] = {}
    todo: list[tuple[str, bytes]] = []
    for rel in rels:
        raw = _read(site, rel, facts)
        if raw is None:
            continue
        cached = cache.get(rel, raw)
        if cached is not None:
            facts[rel] = cached
        else:
            todo.append((rel, raw))
    for (rel, raw), fact in zip(todo, _scan(site, todo), strict=True):
        facts[rel] = fact
        cache.put(rel, raw, fact)
    cache.save()
    return facts


def _read(site: Site, rel: str, facts: dict[str, dict[str, Any]]) -> bytes | None:
    try:
        with open(site.root / rel, "rb") as handle:
            return handle.read()
    except FileNotFoundError:
        return None  # vanished since the folder was listed: nothing left to check
    except OSError as err:
        reason = err.strerror or type(err).__name__
        facts[rel] = {"error": ["file-unreadable", 1, f"cannot read it ({reason})"]}
        return None


def _scan(site: Site, todo: list[tuple[str, bytes]]) -> list[dict[str, Any]]:
    workers = min(len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity")
                  else os.cpu_count() or 1, 8)
    if workers < 2 or len(todo) < POOL_MIN_FILES:
        return scan_many(site, todo)
    size = -(-len(todo) // (workers * CHUNKS_PER_WORKER))
    chunks = [todo[i:i + size] for i in range(0, len(todo), size)]
    with ProcessPoolExecutor(max_workers=workers) as pool:
        results = pool.map(scan_many, [site] * len(chunks), chunks)
        return [fact for chunk in results for fact in chunk]
