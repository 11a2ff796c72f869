"""Results cached between runs, keyed by a file's content hash and its stat signature."""

from __future__ import annotations

import contextlib
import gc
import marshal
import os
import sys
import time
import zlib
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

from blogcli.files import atomic_write

try:  # hashlib's own fallbacks (it hands out this blake2b anyway): the same digests without
    # its OpenSSL set-up, ~11 M instructions (~2 ms) of every command that keeps a cache
    from _blake2 import blake2b as blake2b
    from _sha1 import sha1 as sha1  # type: ignore[import-not-found]
except ImportError:  # pragma: no cover - a Python built without them
    from hashlib import blake2b as blake2b
    from hashlib import sha1 as sha1

# How far a file's ctime must lie before the moment it was read for its stat signature to be
# trusted (git's "racy clean" rule, with room for coarse file-system clocks such as FAT's 2 s).
RACY_SLACK_NS = 2_000_000_000
Signature = list[int]


def cache_home() -> Path:
    """The user cache folder for blog (XDG on every platform, like most CLI tools).

    A relative XDG_CACHE_HOME is ignored, as the XDG spec says: it would put the cache
    wherever the command happens to run (inside the site, where git would see it).
    """
    base = Path(os.environ.get("XDG_CACHE_HOME", ""))
    return (base if base.is_absolute() else Path.home() / ".cache") / "blog"


def site_cache_dir(site_root: Path) -> Path:
    """Where one site's caches live: a folder named by a hash of the site's path."""
    digest: str = sha1(str(site_root.resolve()).encode()).hexdigest()[:16]
    return cache_home() / digest


def code_digest(sources: list[Path], seed: int) -> int:
    """A number that changes with any of the ``sources`` (the code a cached result depends
    on), so an entry made by other code is never trusted. Running from a zip there are no
    files: ``seed`` (a version number) alone has to do."""
    digest = seed
    for path in sources:
        with contextlib.suppress(OSError):
            digest = zlib.crc32(path.read_bytes(), digest)
    return digest


def signature(st: os.stat_result) -> Signature:
    """What git's index compares before it reads a file: size, mtime, inode, ctime."""
    return [st.st_size, st.st_mtime_ns, st.st_ino, st.st_ctime_ns]


MAX_FOLDERS = 20_000  # a tree larger than this (node_modules) is not worth signing


def signed_tree(folders: list[str], enter: Callable[[str, str], bool],
                reads: Callable[[str], bool],
                regular: set[str] | None = None) -> dict[str, Signature | None] | None:
    """The stat signature of every folder under ``folders`` that ``enter(folder, name)`` lets
    a walk into and of every file in them whose name ``reads`` takes, by path (folders end in
    "/", None where stat failed); None for a tree of more than ``MAX_FOLDERS`` folders. What
    check's kept result and list's kept output are trusted by. ``regular`` is given the paths
    of the folders entered (ending in "/") and of the files signed that are no symbolic link,
    as the listing says them (no call more)."""
    out: dict[str, Signature | None] = {}
    pending = list(folders)
    count = 0
    while pending:
        here = pending.pop()
        count += 1
        if count > MAX_FOLDERS:
            return None
        try:
            out[here + "/"] = signature(os.stat(here))
            with os.scandir(here) as listing:
                entries = list(listing)
        except OSError:
            out[here + "/"] = None
            continue
        for entry in entries:
            try:
                if entry.is_dir(follow_symlinks=False):
                    if enter(here, entry.name):
                        pending.append(entry.path)
                        if regular is not None:
                            regular.add(entry.path + "/")
                elif reads(entry.name):
                    out[entry.path] = signature(entry.stat())  # a link's target: what is read
                    if regular is not None and entry.is_file(follow_symlinks=False):
                        regular.add(entry.path)
            except OSError:
                out[entry.path] = None  # a dangling link: that it dangles is what counts
    return out


class FileCache:
    """A map of ``relative path -> [content hash, value, stat signature, read time]``.

    A warm run asks ``lookup`` first: an entry whose file has the same size, mtime, inode and
    ctime as when it was read is served without reading the file. Any write to a file changes
    its ctime (which, unlike mtime, cannot be set back), so a changed file is read again; and
    an entry whose ctime is not clearly older than the moment it was read is "racy" (the file
    may have changed again within the clock's granularity) and is checked by content hash.
    Values must be plain values marshal writes (lists, tuples, dicts, strings, numbers);
    one it refuses leaves the file unwritten.

    The file is marshalled (``sealed_file``): on 2,000 posts writing the facts cache takes
    3.5 ms where JSON took 27, and reading is twice as fast. It is read only when the CRC of
    its text written in its first line holds: marshal is no parser for damaged data, and a
    file whose seal fails is dropped whole (``damaged``). Not pickle: loading one makes no
    object but plain values, and runs no code. The journal's records are marshalled and
    sealed alike, so that a value reads back as it was stored, tuples and all (JSON made
    lists of them, and a record compared with a fresh one then differed).
    """

    def __init__(self, site_root: Path, name: str, version: int,
                 valid: Callable[[Any], bool] | None = None, lazy: bool = False) -> None:
        """``lazy``: the file is read only when a value is first asked for (values stored
        before that are kept, and saved by appending to the journal if it is never read)."""
        self.path = site_cache_dir(site_root) / f"{name}.cache"
        # A few changed entries are appended here instead of rewriting megabytes.
        self.journal = self.path.with_suffix(".journal")
        self.version = version
        # Taken before any file is read in this run: the stamp of every entry made now.
        self.started = time.time_ns()
        self._entries: dict[str, list[Any]] = {}
        self._changed: set[str] = set()
        self._loaded = False
        self._journal_lines = 0
        self._dirty = False
        # A value of the wrong shape (a damaged or hand-edited cache) is a miss, not a crash;
        # ``damaged`` tells the caller to say so once.
        self.valid = valid
        self.damaged = False
        # The file is read only under a seal that holds, so its entries are the ones ``save``
        # wrote: ``valid`` is not asked of them. It is of the journal's records (sealed too,
        # but each written by whichever process ran), when first looked up.
        self._unsealed: set[str] = set()
        self._unread = lazy
        if not lazy:
            self._load()

    def _load(self) -> None:
        with contextlib.suppress(OSError, ValueError, EOFError, TypeError):
            data = self.path.read_bytes()
            payload = unsealed_file(data, self.version)
            if payload is None:  # another version or format: not ours to read
                return
            # An entry map under a seal that holds, or damage (torn, hand-edited): then the
            # whole file is dropped, since marshal is not meant to read what it did not write.
            entries = marshal.loads(payload) if payload else None
            self.damaged = not isinstance(entries, dict)
            if isinstance(entries, dict):
                self._entries = entries
                self._loaded = True
                self._replay()
        # Hundreds of thousands of loaded objects, none in a cycle: left in the collector's
        # generations, each full collection (and the one at exit) walks them all again.
        gc.freeze()

    def _ready(self) -> None:
        """Read the file of a lazy cache, keeping the values stored since it was opened."""
        if self._unread:
            self._unread = False
            mine = self._entries
            self._entries = {}
            self._load()
            self._entries.update(mine)
            self._unsealed -= mine.keys()

    def _replay(self) -> None:
        """Apply the journal's records; each is self-contained and sealed, and the first torn
        or damaged one ends the journal (those after it are lost, which costs a re-read)."""
        try:
            data = self.journal.read_bytes()
        except OSError:
            return
        start = count = 0
        while start + 8 <= len(data):
            size, seal = int.from_bytes(data[start:start + 4], "little"), data[start + 4:start + 8]
            body = data[start + 8:start + 8 + size]
            if len(body) < size or zlib.crc32(body).to_bytes(4, "little") != seal:
                break
            start += 8 + size
            count += 1
            try:
                version, rel, entry = marshal.loads(body)
            except (ValueError, EOFError, TypeError):  # a record of another shape
                continue
            if version == self.version and isinstance(rel, str) and isinstance(entry, list):
                self._entries[rel] = entry
                self._unsealed.add(rel)
        self._journal_lines = count

    @staticmethod
    def digest(data: bytes) -> str:
        return blake2b(data, digest_size=16).hexdigest()

    def __contains__(self, rel: str) -> bool:
        """True when something is stored for ``rel`` (whether or not it is still current)."""
        self._ready()
        return rel in self._entries

    def _entry(self, rel: str) -> list[Any] | None:
        """The stored entry for ``rel`` if it has the shape this cache writes, else None."""
        self._ready()
        entry = self._entries.get(rel)
        if entry is None or rel not in self._unsealed:
            return entry  # None, or as ``save`` (or this run) wrote it
        if not isinstance(entry, list) or len(entry) < 2 or not isinstance(entry[0], str) \
                or (len(entry) >= 4 and not (isinstance(entry[2], list)
                                             and isinstance(entry[3], int))) \
                or (self.valid is not None and not self.valid(entry[1])):
            self.damaged = True
            del self._entries[rel]
            return None
        return entry

    def stored(self, rel: str) -> Any | None:
        """The value stored for ``rel``, current or not (to compare with a new one)."""
        entry = self._entry(rel)
        return None if entry is None else entry[1]

    def lookup_many(self, signed: Mapping[str, Signature | None]) -> dict[str, Any]:
        """``lookup`` for many files at once, by path: those whose value still holds."""
        self._ready()
        entries, unsealed, out = self._entries, self._unsealed, {}
        for rel, sig in signed.items():
            entry = entries.get(rel)
            if entry is None or sig is None:
                continue
            if rel in unsealed:
                value = self.lookup(rel, sig)
                if value is not None:
                    out[rel] = value
            elif len(entry) >= 4 and entry[2] == sig and 0 < sig[3] < entry[3] - RACY_SLACK_NS:
                out[rel] = entry[1]
        return out

    def lookup(self, rel: str, sig: Signature) -> Any | None:
        """The value stored for ``rel`` if the file is unchanged by its stat signature alone.

        ``sig`` is ``signature(os.stat(file))``.
        """
        entry = self._entry(rel)
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
        entry = self._entry(rel)
        if entry is None or entry[0] != digest:
            return None
        if sig is not None and not _trusted(entry, sig):
            self._entries[rel] = [digest, entry[1], sig, self.started]
            # Saving only pays when the next run can trust the entry.
            if _trusted(self._entries[rel], sig):
                self._changed.add(rel)
                self._dirty = True
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
        self._unsealed.discard(rel)
        self._changed.add(rel)
        self._dirty = True

    def save(self) -> None:
        """Write the cache if anything changed; a cache that cannot be written is skipped.

        A few changes are appended to the journal; many, or a long journal, rewrite the file.
        Every journal record is a complete entry that is true whenever it was written, so
        records lost or replayed by processes running at once only cost a re-read, never a
        stale value.
        """
        if not self._dirty:
            return
        if self._unread:  # never read: what is there is left as it is, the values added to it
            with contextlib.suppress(OSError, ValueError):  # (ValueError: see below)
                self.path.parent.mkdir(parents=True, exist_ok=True)
                self._append()
                self._dirty = False
            return
        small = max(64, len(self._entries) // 20)
        if self._loaded and len(self._changed) <= small \
                and self._journal_lines + len(self._changed) <= 4 * small:
            with contextlib.suppress(OSError, ValueError):
                self._append()
                self._dirty = False
                return
        try:
            entries = marshal.dumps(self._entries)
        except ValueError:  # a value marshal cannot write (none of the scanners' make one)
            return
        with contextlib.suppress(OSError):
            self.path.parent.mkdir(parents=True, exist_ok=True)
            # No fsync: a cache lost in a crash is rebuilt, and syncing megabytes costs more
            # than the cache saves on a small run.
            atomic_write(self.path, sealed_file(self.version, entries), durable=False)
            self._dirty = False
            self._changed.clear()
            self.journal.unlink(missing_ok=True)
            self._journal_lines = 0
            for old in (".json", ".log"):  # the JSON file and journal of blog <= 0.1
                self.path.with_suffix(old).unlink(missing_ok=True)

    def _append(self) -> None:
        records = [marshal.dumps([self.version, rel, self._entries[rel]])
                   for rel in sorted(self._changed)]
        data = b"".join(len(body).to_bytes(4, "little") + zlib.crc32(body).to_bytes(4, "little")
                        + body for body in records)
        # One write with O_APPEND: records of processes saving at once do not interleave.
        fd = os.open(self.journal, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
        try:
            os.write(fd, data)
        finally:
            os.close(fd)
        self._journal_lines += len(self._changed)
        self._changed.clear()


def _trusted(entry: list[Any], sig: Signature) -> bool:
    """Same signature, and the file's last change (ctime) clearly before it was read.

    A file system that reports no ctime (0) cannot vouch for a file: it is read and hashed.
    """
    return len(entry) >= 4 and entry[2] == sig and 0 < sig[3] < entry[3] - RACY_SLACK_NS


# The cache file's first line: its format (marshal's and Python's versions, since a file
# marshalled by one Python need not load in another), the cache's version, and the seal: a
# CRC-32 of the rest, which finds damage (what it is for) at a fifth of blake2b's cost.
FILE_HEAD = b"blog-cache marshal %d python %d.%d version %d seal "


def sealed_file(version: int, payload: bytes) -> bytes:
    """A cache file: a head line whose seal vouches for the marshalled ``payload`` after it."""
    return _head(version) + b"%08x\n" % zlib.crc32(payload) + payload


def unsealed_file(data: bytes, version: int) -> bytes | None:
    """The marshalled payload of a cache file of ``version`` whose seal holds; b"" for one
    whose seal fails (damaged); None for a file of another version or format."""
    head = _head(version)
    if not data.startswith(head):
        return None
    payload = data[len(head) + 9:]
    return payload if data[len(head):len(head) + 9] == b"%08x\n" % zlib.crc32(payload) \
        else b""


def _head(version: int) -> bytes:
    return FILE_HEAD % (marshal.version, *sys.version_info[:2], version)
