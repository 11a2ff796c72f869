"""Read and scan many files fast: unchanged ones from the cache, the rest on every core."""

from __future__ import annotations

import contextlib
import gc
import os
import pickle
import stat
import zlib
from collections.abc import Callable
from functools import cache, partial
from pathlib import Path
from typing import Any, TypeVar

from blogcli.cache import FileCache, Signature, signature
from blogcli.check.bareurls import linkify_on
from blogcli.check.facts import VERSION, scan_bytes
from blogcli.site import Site

# Below this many files a worker pool costs more to start than it saves.
POOL_MIN_FILES = 300
T = TypeVar("T")
# A file to scan: its path, and its bytes and signature when already read.
Item = tuple[str, bytes | None, Signature | None]
# (content hash, facts, stat signature): what a scan hands back, without the file's bytes.
Scanned = tuple[str | None, dict[str, Any] | None, Signature | None]
Read = tuple[bytes | None, dict[str, Any] | None, Signature | None]


def open_cache(site: Site) -> FileCache:
    """The cache of facts for this site's profile and this version of the code."""
    # Facts depend on whether the engine links bare addresses (Hugo's linkify can be off).
    linkify = "" if linkify_on(site.profile, site.engine) else "-nolinkify"
    return FileCache(site.root, f"check-{site.profile}{linkify}", code_version())


def collect_facts(site: Site, rels: list[str],
                  cache: FileCache | None = None) -> dict[str, dict[str, Any]]:
    """Facts for each file in ``rels``; files that vanished meanwhile are left out.

    Files whose stat signature is unchanged since they were scanned are not read at all; the
    others are read, and scanned when their content hash is not in the cache either. A
    ``cache`` given by the caller is left for it to save (when it has time to).
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
    for (rel, _, _), (digest, fact, sig) in zip(todo, _scan(site, todo), strict=True):
        if fact is not None:
            facts[rel] = fact
        if digest is not None and fact is not None:
            cache.put_digest(rel, digest, fact, sig)
    if own:
        cache.save()
    return facts


@cache
def code_version() -> int:
    """A number that changes with the code that makes facts, so old caches are never trusted."""
    from blogcli import post
    from blogcli.check import anchors, bareurls, links
    from blogcli.check import facts as checkfacts

    digest = VERSION
    for module in (anchors, bareurls, checkfacts, links, post):
        # Running from a zip there is no file: the version number alone has to do.
        with contextlib.suppress(OSError):
            digest = zlib.crc32(Path(str(module.__file__)).read_bytes(), digest)
    return digest


def read_file(site: Site, rel: str) -> Read:
    """(bytes, None, signature), or (None, facts of an unreadable file, None), or
    (None, None, None) if it vanished."""
    try:
        # O_NONBLOCK: a FIFO named *.md must not hang the check waiting for a writer.
        fd = os.open(os.path.join(site.root, rel), os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
        with open(fd, "rb") as handle:
            st = os.fstat(fd)
            if not stat.S_ISREG(st.st_mode):
                return None, {"error": ["file-unreadable", 1, "cannot read it (not a regular "
                                                              "file)"]}, None
            return handle.read(), None, signature(st)
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


def _scan(site: Site, todo: list[Item]) -> list[Scanned]:
    workers = _cores()
    if workers < 2 or len(todo) < POOL_MIN_FILES:
        return scan_items(site, todo)
    _warm_up()
    # Every n-th file to each process, this one included: sizes even out over hundreds of
    # files, and the children inherit the parsers built above instead of building their own.
    started = Forked([partial(scan_items, site, todo[n::workers]) for n in range(1, workers)])
    mine = scan_items(site, todo[::workers])
    parts = started.results()
    if parts is None:  # no processes allowed here (a sandbox): this one does the rest
        parts = [scan_items(site, todo[n::workers]) for n in range(1, workers)]
    out: list[Scanned] = [(None, None, None)] * len(todo)
    for n, part in enumerate([mine, *parts]):
        out[n::workers] = part
    return out


def fan_out(job: Callable[[int, int], list[T]], count: int,
            meanwhile: Callable[[], None]) -> list[T]:
    """``job(0, count)`` split between this process and forked workers, which inherit the
    job's data instead of receiving it pickled; ``meanwhile`` runs here first."""
    workers = _cores()
    # This process also runs ``meanwhile``, so it takes a smaller share than each worker.
    mine = count // (workers + 1) if workers > 1 else count
    size = -(-(count - mine) // (workers - 1)) if workers > 1 else 1
    started = Forked([partial(job, a, min(a + size, count)) for a in range(mine, count, size)])
    meanwhile()
    out = job(0, mine)
    parts = started.results()
    if parts is None:
        return out + job(mine, count)  # no processes allowed here: this one does the rest
    for part in parts:
        out.extend(part)
    return out


class Forked:
    """Jobs running in forked children, which inherit everything they need in memory (no
    pickling of the input) and send back one pickled result each through a pipe."""

    def __init__(self, jobs: list[Callable[[], list[Any]]]) -> None:
        self.children: list[tuple[int, int]] = []
        self.failed = not hasattr(os, "fork")
        # Frozen objects are left alone by the collector, so children share their pages
        # instead of copying them. They stay frozen: unfrozen, the next full collection would
        # walk them all again (they are acyclic, so reference counting still frees them).
        gc.freeze()
        for job in [] if self.failed else jobs:
            try:
                self.children.append(_start(job))
            except OSError:
                self.failed = True  # no processes allowed here (a sandbox)
                break

    def results(self) -> list[list[Any]] | None:
        """Wait for every child; their results, or None when one failed."""
        out: list[list[Any]] = []
        for pid, fd in self.children:
            with open(fd, "rb") as pipe:
                data = pipe.read()
            _, status = os.waitpid(pid, 0)
            if status != 0 or not data:
                self.failed = True
            elif not self.failed:
                out.append(pickle.loads(data))
        return None if self.failed else out


def _start(job: Callable[[], list[Any]]) -> tuple[int, int]:
    read, write = os.pipe()
    pid = os.fork()
    if pid:
        os.close(write)
        return pid, read
    code = 1
    try:  # the child: never return into the caller's code, whatever happens
        os.close(read)
        gc.disable()  # token trees and findings hold no cycles; the child lives briefly
        data = pickle.dumps(job(), protocol=pickle.HIGHEST_PROTOCOL)
        with open(write, "wb") as pipe:
            pipe.write(data)
        code = 0
    finally:
        os._exit(code)


def _cores() -> int:
    return min(len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity")
               else os.cpu_count() or 1, 8)


def _warm_up() -> None:
    """Import and build the parsers once here, so forked workers start with them ready."""
    import yaml  # noqa: F401
    from frontmatter import default_handlers  # noqa: F401

    from blogcli.check.links import parser

    parser()
    parser(True)  # the others take a tenth of a millisecond each, made as they are needed
