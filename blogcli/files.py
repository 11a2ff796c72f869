"""Small file helpers shared by every command that writes."""

from __future__ import annotations

import contextlib
import os
import stat
import tempfile
from pathlib import Path

from blogcli.errors import WriteError


def atomic_write(path: Path, data: bytes, durable: bool = True) -> None:
    """Write ``data`` to ``path`` so that readers see the old file or the new one, never a mix.

    The temporary file lives in the same folder so the final rename stays on one file system.
    ``durable=False`` skips the fsync: for caches, which may be lost but never half-written.
    """
    # A short prefix: a name near the 255-byte limit must not be refused for its temp file's.
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name[:32]}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            if durable:
                os.fsync(handle.fileno())
        if path.exists():
            os.chmod(tmp, path.stat().st_mode & 0o7777)
        else:
            # mkstemp creates 0600; a new post should get the usual umask-derived mode.
            umask = os.umask(0)
            os.umask(umask)
            os.chmod(tmp, 0o666 & ~umask)
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise


def is_within(path: Path, root: Path) -> bool:
    """True when ``path``, with every link resolved, lies inside ``root``."""
    try:
        path.resolve().relative_to(root.resolve())
    except (ValueError, OSError, RuntimeError):  # RuntimeError: a symlink loop (Python < 3.13)
        return False
    return True


def read_file(path: Path | str) -> tuple[bytes, os.stat_result]:
    """A regular file's bytes and its stat; OSError for a FIFO, device or folder, never a hang.

    O_NONBLOCK: a FIFO named *.md would otherwise block until something writes to it.
    """
    fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
    with open(fd, "rb") as handle:
        st = os.fstat(fd)
        if not stat.S_ISREG(st.st_mode):
            raise OSError(0, "not a regular file")
        return handle.read(), st


def write_file(path: Path, data: bytes, shown: str | None = None) -> None:
    """``atomic_write`` for the user's files: a failure is a WriteError naming the file."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        atomic_write(path, data)
    except OSError as err:
        reason = "it is a folder" if path.is_dir() else err.strerror or type(err).__name__
        raise WriteError(f"cannot write {shown or path} ({reason}); nothing was changed") \
            from None
