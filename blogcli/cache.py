"""Results cached between runs, keyed by a file's content hash and its stat signature."""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import time
from pathlib import Path
from typing import Any

from blogcli.files import atomic_write

# How far a file's ctime must lie before the moment it was read for its stat signature to be
# trusted (git's "racy clean" rule, with room for coarse file-system clocks such as FAT's 2 s).
RACY_SLACK_NS = 2_000_000_000
Signature = list[int]


def cache_home() -> Path:
    """The user cache folder for blog (XDG on every platform, like most CLI tools)."""
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "blog"


def site_cache_dir(site_root: Path) -> Path:
    """Where one site's caches live: a folder named by a hash of the site's path."""
    digest = hashlib.sha1(str(site_root.resolve()).encode()).hexdigest()[:16]
    return cache_home() / digest


def signature(st: os.stat_result) -> Signature:
    """What git's index compares before it reads a file: size, mtime, inode, ctime."""
    return [st.st_size, st.st_mtime_ns, st.st_ino, st.st_ctime_ns]


class FileCache:
    """A JSON map of ``relative path -> [content hash, value, stat signature, read time]``.

    A warm run asks ``lookup`` first: an entry whose file has the same size, mtime, inode and
    ctime as when it was read is served without reading the file. Any write to a file changes
    its ctime (which, unlike mtime, cannot be set back), so a changed file is read again; and
    an entry whose ctime is not clearly older than the moment it was read is "racy" (the file
    may have changed again within the clock's granularity) and is checked by content hash.
    Values must be JSON-serialisable. JSON rather than pickle: a cache file is never code.
    """

    def __init__(self, site_root: Path, name: str, version: int) -> None:
        self.path = site_cache_dir(site_root) / f"{name}.json"
        self.version = version
        # Taken before any file is read in this run: the stamp of every entry made now.
        self.started = time.time_ns()
        self._entries: dict[str, list[Any]] = {}
        self._dirty = False
        with contextlib.suppress(OSError, ValueError):
            stored = json.loads(self.path.read_bytes())
            if isinstance(stored, dict) and stored.get("version") == version:
                self._entries = stored.get("entries", {})

    @staticmethod
    def digest(data: bytes) -> str:
        return hashlib.blake2b(data, digest_size=16).hexdigest()

    def __contains__(self, rel: str) -> bool:
        """True when something is stored for ``rel`` (whether or not it is still current)."""
        return rel in self._entries

    def lookup(self, rel: str, sig: Signature) -> Any | None:
        """The value stored for ``rel`` if the file is unchanged by its stat signature alone.

        ``sig`` is ``signature(os.stat(file))``.
        """
        entry = self._entries.get(rel)
        if entry is None or not _trusted(entry, sig):
            return None
        return entry[1]

    def get(self, rel: str, data: bytes, sig: Signature | None = None) -> Any | None:
        """The value stored for ``rel`` if its content is still ``data``, else None."""
        return self.get_digest(rel, self.digest(data), sig)

    def get_digest(self, rel: str, digest: str, sig: Signature | None = None) -> Any | None:
        """``get`` for content already hashed with ``digest``.

        With ``sig`` (the signature of the file the content was read from) a hit also records
        it, so that the next run can trust the entry without reading the file.
        """
        entry = self._entries.get(rel)
        if entry is None or entry[0] != digest:
            return None
        if sig is not None and not _trusted(entry, sig):
            self._entries[rel] = [digest, entry[1], sig, self.started]
            # Rewriting the whole cache only pays when the next run can trust the entry.
            self._dirty = self._dirty or _trusted(self._entries[rel], sig)
        return entry[1]

    def put(self, rel: str, data: bytes, value: Any, sig: Signature | None = None) -> None:
        """Store ``value`` for ``data``; ``sig`` is the signature of the file it was read from."""
        self.put_digest(rel, self.digest(data), value, sig)

    def put_digest(self, rel: str, digest: str, value: Any, sig: Signature | None = None) -> None:
        """``put`` for content already hashed with ``digest``."""
        entry: list[Any] = [digest, value]
        if sig is not None:
            entry += [sig, self.started]
        self._entries[rel] = entry
        self._dirty = True

    def save(self) -> None:
        """Write the cache if anything changed; a cache that cannot be written is skipped."""
        if not self._dirty:
            return
        payload = json.dumps({"version": self.version, "entries": self._entries},
                             separators=(",", ":"))
        with contextlib.suppress(OSError):
            self.path.parent.mkdir(parents=True, exist_ok=True)
            # No fsync: a cache lost in a crash is rebuilt, and syncing megabytes costs more
            # than the cache saves on a small run.
            atomic_write(self.path, payload.encode(), durable=False)
            self._dirty = False


def _trusted(entry: list[Any], sig: Signature) -> bool:
    """Same signature, and the file's last change (ctime) clearly before it was read."""
    return len(entry) >= 4 and entry[2] == sig and sig[3] < entry[3] - RACY_SLACK_NS
