"""External link results remembered between runs.

One JSON file for every site on the machine, ``$XDG_CACHE_HOME/blog/external-links.json``:
a URL's answer does not depend on which blog links to it. Only passes are
reused as results; a failing link is always tried again (lychee learnt that
caching failures hides fixes: lychee#1734, #2190). A failure is remembered
only so the next run asks once, without retries and back-off.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import time
from pathlib import Path
from typing import Any

from blogcli.cache import cache_home
from blogcli.files import atomic_write

# 2: keys are hashes of (settings, URL); version 1 stored URLs, credentials and all.
VERSION = 2


def cache_key(url: str, settings_key: str) -> str:
    """What an entry is stored under: no URL (they may hold passwords or signed queries)
    in the file, and a different key when the settings that decide a verdict differ."""
    return hashlib.sha256(f"{settings_key}\n{url}".encode()).hexdigest()


def cache_path() -> Path:
    return cache_home() / "external-links.json"


class UrlCache:
    """``url -> (checked at, result fields)`` with a maximum age."""

    def __init__(self, max_age: float, path: Path | None = None,
                 now: float | None = None) -> None:
        self.path = path or cache_path()
        self.max_age = max_age
        self.now = time.time() if now is None else now
        self._entries = self._load()
        self._changed: dict[str, dict[str, Any]] = {}

    def _load(self) -> dict[str, Any]:
        # A missing, unreadable or foreign cache is simply empty: it only saves time.
        with contextlib.suppress(OSError, ValueError):
            stored = json.loads(self.path.read_bytes())
            if isinstance(stored, dict) and stored.get("version") == VERSION:
                entries = stored.get("entries")
                if isinstance(entries, dict):
                    return entries
        return {}

    def get(self, key: str) -> dict[str, Any] | None:
        """The stored fields for ``key`` if they are younger than the maximum age."""
        entry = self._entries.get(key)
        if not isinstance(entry, dict):
            return None
        checked = entry.get("checked")
        if not isinstance(checked, int | float) or not 0 <= self.now - checked <= self.max_age:
            return None
        return entry

    def put(self, key: str, fields: dict[str, Any]) -> None:
        self._entries[key] = self._changed[key] = {**fields, "checked": self.now}

    def save(self) -> None:
        """Write the cache, leaving out expired entries; a cache that cannot be written is skipped.

        Changes are applied to what is on disk now, so two runs at once (two
        blogs checked in parallel) both keep their results.
        """
        if not self._changed:
            return
        self._entries = self._load()
        self._entries.update(self._changed)
        fresh = {key: entry for key, entry in self._entries.items() if self.get(key) is not None}
        payload = json.dumps({"version": VERSION, "entries": fresh}, separators=(",", ":"))
        with contextlib.suppress(OSError):
            self.path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
            atomic_write(self.path, payload.encode())
            os.chmod(self.path, 0o600)  # what a user linked to is nobody else's business
            self._changed = {}
