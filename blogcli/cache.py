"""Results cached between runs, keyed by a file's content hash."""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
from pathlib import Path
from typing import Any

from blogcli.files import atomic_write


def cache_home() -> Path:
    """The user cache folder for blog (XDG on every platform, like most CLI tools)."""
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "blog"


def site_cache_dir(site_root: Path) -> Path:
    """Where one site's caches live: a folder named by a hash of the site's path."""
    digest = hashlib.sha1(str(site_root.resolve()).encode()).hexdigest()[:16]
    return cache_home() / digest


class FileCache:
    """A JSON map of ``relative path -> (content hash, value)`` for one kind of result.

    Values must be JSON-serialisable. JSON rather than pickle: a cache file is never code.
    """

    def __init__(self, site_root: Path, name: str, version: int) -> None:
        self.path = site_cache_dir(site_root) / f"{name}.json"
        self.version = version
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

    def get(self, rel: str, data: bytes) -> Any | None:
        """The value stored for ``rel`` if its content is still ``data``, else None."""
        entry = self._entries.get(rel)
        if entry is not None and entry[0] == self.digest(data):
            return entry[1]
        return None

    def put(self, rel: str, data: bytes, value: Any) -> None:
        self._entries[rel] = [self.digest(data), value]
        self._dirty = True

    def save(self) -> None:
        """Write the cache if anything changed; a cache that cannot be written is skipped."""
        if not self._dirty:
            return
        payload = json.dumps({"version": self.version, "entries": self._entries})
        with contextlib.suppress(OSError):
            self.path.parent.mkdir(parents=True, exist_ok=True)
            atomic_write(self.path, payload.encode())
            self._dirty = False
