"""Whether a path stays inside the site, decided without looking at anything outside it.

``blog check`` resolves links written by anyone (a post may come from a pull request), so a link
like ``../../../etc/passwd`` or a symlink to a home folder must not make it read, or even stat,
files outside the site. ``Confined`` follows symlinks itself, one path component at a time, and
stops at the first step that leaves the root: outside files are never touched.
"""

from __future__ import annotations

import os
import stat

# More links than this in one path is a loop; the OS would refuse to open it too.
MAX_LINKS = 40


class OutsideSite(Exception):  # a signal inside blog check, never shown to users as is
    """A path that leads out of the site root (through ``..`` or a symlink)."""


class Confined:
    """Containment checks under one resolved root, remembering folders already proven real."""

    def __init__(self, root: str, regular: set[str] | None = None) -> None:
        """``regular``: paths under the root already known to be no symbolic link, folders
        ending in "/" (reuse.Kept's, from the walk that signed the site a moment ago)."""
        self.root = root.rstrip("/") or "/"
        self._parts = [p for p in self.root.split("/") if p]
        self._real: set[str] = {self.root}
        self._files: set[str] = set()  # regular files _link_of met (is_file asks them next)
        prefix = self.root + "/"
        for path in regular or ():
            if path.startswith(prefix):
                if path.endswith("/"):
                    self._real.add(path[:-1])
                else:
                    self._files.add(path)

    def inside(self, path: str) -> bool:
        """True when ``path`` (absolute), with every symlink followed, is the root or below it.

        A symlink loop inside the root counts as inside: opening it fails, which the caller
        reports as it would any unreadable file.
        """
        folder, _, name = path.rpartition("/")
        if folder in self._real and name not in ("", ".", "..") and (
                path in self._files or path in self._real or self._link_of(path) is None):
            return True  # in a folder proven real, and no link itself: the usual case, cheaply
        todo = self._below_root(path)
        if todo is None:
            return False
        current, links = self.root, 0
        while todo:
            name = todo.pop()
            if name in ("", "."):
                continue  # from a symlink's target
            if name == "..":
                if current == self.root:
                    return False
                current = os.path.dirname(current)
                continue
            candidate = os.path.join(current, name)
            if candidate in self._real:
                current = candidate
                continue
            target = self._link_of(candidate)
            if target is None:
                current = candidate
                continue
            links += 1
            if links > MAX_LINKS:
                return True
            if target.startswith("/"):
                rest = self._below_root(target)
                if rest is None:
                    return False
                todo.extend(rest)
                current = self.root
            else:
                todo.extend(reversed(target.split("/")))
        return True

    def is_file(self, path: str) -> bool:
        """``os.path.isfile`` for a path whose folder is known to be inside the root.

        Raises OutsideSite when ``path`` itself is a symlink leading out of the root.
        """
        if path in self._files:
            return True
        try:
            mode = os.lstat(path).st_mode
        except (OSError, ValueError):  # ValueError: a NUL byte (`a%00.md`) is no file
            return False
        if stat.S_ISLNK(mode):
            if not self.inside(path):
                raise OutsideSite(path)
            return os.path.isfile(path)
        return stat.S_ISREG(mode)

    def _below_root(self, path: str) -> list[str] | None:
        """The components of ``path`` after the root, last first; None when not under it."""
        if not path.startswith("/"):
            return None
        parts = [p for p in path.split("/") if p not in ("", ".")]
        if parts[:len(self._parts)] != self._parts:
            return None
        return parts[:len(self._parts) - 1:-1] if self._parts else parts[::-1]

    def _link_of(self, path: str) -> str | None:
        """The symlink's target, or None for anything else (remembering real folders)."""
        try:
            mode = os.lstat(path).st_mode
        except (OSError, ValueError):  # ValueError: a NUL byte (`a%00.md`) is no file
            return None  # missing: nothing below it can be a link either
        if stat.S_ISLNK(mode):
            try:
                return os.readlink(path)
            except OSError:
                return None
        if stat.S_ISDIR(mode):
            self._real.add(path)
        elif stat.S_ISREG(mode):
            self._files.add(path)
        return None

    def known_file(self, path: str) -> bool:
        """True when ``path`` was seen to be a regular file (not a link) by ``inside``."""
        return path in self._files
