"""Small file helpers shared by every command that writes."""

from __future__ import annotations

import contextlib
import os
import re
import signal
import stat
import threading
from collections.abc import Iterator
from pathlib import Path

from blogcli.errors import WriteError


def atomic_write(path: Path, data: bytes, durable: bool = True) -> None:
    """Write ``data`` to ``path`` so that readers see the old file or the new one, never a mix.

    The temporary file lives in the same folder so the final rename stays on one file system.
    ``durable=False`` skips the fsync: for caches, which may be lost but never half-written.
    """
    with _signals_held():
        _write_and_rename(path, data, durable)


def _write_and_rename(path: Path, data: bytes, durable: bool) -> None:
    # A short prefix: a name near the 255-byte limit must not be refused for its temp file's.
    fd, tmp = temp_file(path.parent, f".{path.name[:32]}.")
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


def temp_file(folder: Path, prefix: str, suffix: str = ".tmp") -> tuple[int, str]:
    """A new file in ``folder`` as tempfile.mkstemp makes one (open for writing, only ours,
    mode 0600, never through a link), and its path. Not tempfile itself: importing it loads
    shutil, random, bz2 and lzma, ~3.5 ms of every `blog publish` and `blog new`."""
    flags = os.O_RDWR | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0) | \
        getattr(os, "O_BINARY", 0) | getattr(os, "O_CLOEXEC", 0)
    for _ in range(100):
        name = os.path.join(folder, f"{prefix}{os.urandom(6).hex()}{suffix}")
        try:
            return os.open(name, flags, 0o600), name
        except FileExistsError:
            continue
    raise FileExistsError(f"no free temporary name in {folder}")


# Signals that end a command: held while a file is written, so that the temporary file is
# renamed or removed before they take effect (SIGTERM's default action would leave it behind).
_HELD = [getattr(signal, name) for name in ("SIGINT", "SIGTERM", "SIGHUP") if hasattr(signal, name)]


@contextlib.contextmanager
def _signals_held() -> Iterator[None]:
    """Delay SIGINT, SIGTERM and SIGHUP until the block is done, then deliver them as usual.

    Only the main thread can set handlers; a write from another thread runs unguarded.
    """
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    caught: list[int] = []
    saved = {sig: signal.signal(sig, lambda signum, _frame: caught.append(signum))
             for sig in _HELD}
    try:
        yield
    finally:
        for sig, handler in saved.items():
            # None: a handler not set from Python; the default is the closest we can restore.
            signal.signal(sig, signal.SIG_DFL if handler is None else handler)
        for sig in dict.fromkeys(caught):
            signal.raise_signal(sig)


# Names Windows cannot create, with or without an extension, in any case; GitHub users on
# Windows could not check such a post out. COM¹-³ and LPT¹-³ count as digits there.
_WINDOWS_DEVICE = re.compile(r"(?i)(con|prn|aux|nul|conin\$|conout\$|"
                             r"(com|lpt)[0-9\u00b9\u00b2\u00b3])(\..*)?")
_WINDOWS_CHARS = re.compile(r'[<>:"|?*\\\x00-\x1f]')


def windows_problem(name: str) -> str | None:
    """Why Windows cannot create a file or folder called ``name`` (one path part), or None."""
    if _WINDOWS_DEVICE.fullmatch(name.rstrip(" .")) or _WINDOWS_DEVICE.fullmatch(name):
        return f"{name.split('.')[0]!r} is a device name on Windows"
    if name.endswith((".", " ")):
        return "Windows drops a name's trailing dots and spaces"
    bad = _WINDOWS_CHARS.search(name)
    if bad:
        return f"Windows does not allow {bad[0]!r} in a name"
    return None


def windows_safe(name: str) -> str:
    """``name`` changed as little as possible into one Windows can create."""
    name = _WINDOWS_CHARS.sub("-", name).rstrip(" .-") or "post"
    device = _WINDOWS_DEVICE.fullmatch(name)
    if device:
        name = f"{device[1]}-post{device[3] or ''}"
    return name


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
    try:
        st = os.fstat(fd)
        if not stat.S_ISREG(st.st_mode):
            raise OSError(0, "not a regular file")
        # os.read to the end, not a file object: a cold check reads thousands of posts, and a
        # buffered reader for each took 10 us a file where this takes 4. (The size is a hint:
        # a file that grows meanwhile is read to its end all the same.)
        chunks = [os.read(fd, st.st_size + 1)]
        while chunks[-1]:
            chunks.append(os.read(fd, 1 << 20))
        return chunks[0] if len(chunks) == 2 else b"".join(chunks), st
    finally:
        os.close(fd)


def write_file(path: Path, data: bytes, shown: str | None = None) -> None:
    """``atomic_write`` for the user's files: a failure is a WriteError naming the file."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        atomic_write(path, data)
    except OSError as err:
        reason = "it is a folder" if path.is_dir() else err.strerror or type(err).__name__
        raise WriteError(f"cannot write {shown or path} ({reason}); nothing was changed") \
            from None
