"""A real pseudo-terminal: run a program (or an interactive bash) as a user's terminal would."""

from __future__ import annotations

import os
import pty
import select
import signal
import struct
import termios
import time
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from fcntl import ioctl
from pathlib import Path


class Terminal:
    """The parent side of a pty: write keystrokes, read until some text shows."""

    def __init__(self, fd: int, pid: int) -> None:
        self.fd, self.pid, self.seen = fd, pid, b""

    def send(self, text: str) -> None:
        os.write(self.fd, text.encode())

    def expect(self, text: str, timeout: float = 20) -> str:
        """Read until ``text`` has been printed; everything read so far is returned."""
        end = time.monotonic() + timeout
        while text.encode() not in self.seen:
            left = end - time.monotonic()
            if left <= 0 or not self.read(left):
                raise AssertionError(f"{text!r} never showed; the terminal said:\n"
                                     f"{self.seen.decode(errors='replace')}")
        return self.seen.decode(errors="replace")

    def read(self, timeout: float) -> bool:
        ready, _, _ = select.select([self.fd], [], [], timeout)
        if not ready:
            return False
        try:
            chunk = os.read(self.fd, 65536)
        except OSError:  # EIO: the program closed the terminal (it exited)
            return False
        self.seen += chunk
        return bool(chunk)

    def drain(self, timeout: float = 20) -> str:
        """Everything the program prints until it exits."""
        end = time.monotonic() + timeout
        while time.monotonic() < end and self.read(end - time.monotonic()):
            pass
        return self.seen.decode(errors="replace")


@contextmanager
def terminal(argv: list[str], cwd: Path, env: dict[str, str], columns: int = 80,
             rows: int = 40) -> Iterator[Terminal]:
    """Start ``argv`` on a new pty of ``columns`` x ``rows``; killed when the block ends."""
    pid, fd = pty.fork()
    if pid == 0:  # the child: its stdin, stdout and stderr are the terminal
        try:
            ioctl(0, termios.TIOCSWINSZ, struct.pack("HHHH", rows, columns, 0, 0))
            os.chdir(cwd)
            os.execvpe(argv[0], argv, env)
        finally:
            os._exit(127)
    try:
        yield Terminal(fd, pid)
    finally:
        with suppress(ProcessLookupError):
            os.kill(pid, signal.SIGKILL)
        os.waitpid(pid, 0)
        os.close(fd)
