"""Work spread over the machine's cores by forking: children inherit the data they work on.

One pool for every command that does per-file work (check's scan and resolution, list's
counting). Forking, not a process pool: the children start with the parsers and the site
already in memory instead of receiving them pickled, which is most of a pool's start-up cost.
"""

from __future__ import annotations

import contextlib
import gc
import marshal
import os
from collections.abc import Callable, Iterator
from functools import partial
from typing import Any, TypeVar

# Below this many files, starting a second process costs more than it saves.
POOL_MIN_FILES = 200
CHUNKS = 8  # fan_out's chunks per process: small enough to even out, few enough to cost nothing
T = TypeVar("T")
R = TypeVar("R")


def fan_out(job: Callable[[int, int], list[T]], count: int,
            meanwhile: Callable[[], None], chunks: int = CHUNKS,
            objects: bool = False) -> list[T]:
    """``job(0, count)`` split between this process and forked workers, which inherit the
    job's data instead of receiving it pickled; ``meanwhile`` runs here first. ``objects``:
    the results are objects marshal refuses (see Forked).

    The range is cut into chunks that every process takes from one pipe as it comes free,
    so this one takes fewer while ``meanwhile`` runs, however long that is (a fixed share
    left a core idle for 50-100 ms of 350 on the 2,000-post bench when ``meanwhile`` grew).
    ``chunks`` per process: more even out better, each costing a pipe read. A worker sends
    each chunk's result as soon as it is made, and this process reads those between its own
    chunks, not all of them once it is done, while the worker's core is idle (~4 ms of a
    2,000-post check's scan, ~20 on 10,000).
    """
    workers = cores()
    if workers < 2:
        with _collector_paused():
            meanwhile()
            return job(0, count)
    size = max(1, -(-count // (workers * chunks)))
    starts = list(range(0, count, size))
    read, write = os.pipe()
    try:  # every chunk's number, 4 bytes each, written before anyone reads: reads never split
        os.write(write, b"".join(n.to_bytes(4, "little") for n in range(len(starts))))
    finally:
        os.close(write)
    streams = [_Stream() for _ in range(workers - 1)]
    take = partial(_chunks, job, starts, size, count, read)
    started = Forked([partial(_worker, take, stream, streams) for stream in streams], objects)
    for stream in streams:
        stream.opened()
    out: list[tuple[int, Any]] = []

    def drain() -> None:
        for stream in streams:
            stream.drain(out)

    with _collector_paused():
        meanwhile()
        out += take(between=drain)
    os.close(read)
    for stream in streams:
        stream.finish(out)
    parts = started.results()
    if parts is None or not all(stream.complete for stream in streams):
        # no processes allowed here, or one failed: this one does the chunks no one sent
        done = {n for n, _ in out}
        out += [(n, job(starts[n], min(starts[n] + size, count)))
                for n in range(len(starts)) if n not in done]
    return [item for _, found in sorted(out, key=lambda chunk: chunk[0]) for item in found]


def _chunks(job: Callable[[int, int], list[T]], starts: list[int], size: int, count: int,
            read: int, sent: Callable[[int, bytes], None] | None = None,
            between: Callable[[], None] | None = None) -> list[tuple[int, Any]]:
    """``job`` over each chunk whose number this process reads from the pipe, until none is
    left; the results by chunk number, or (a worker's) each given to ``sent`` as _packed
    makes it; ``between`` runs after each chunk."""
    out: list[tuple[int, Any]] = []
    while len(data := os.read(read, 4)) == 4:
        n = int.from_bytes(data, "little")
        found = job(starts[n], min(starts[n] + size, count))
        if sent is not None:
            sent(n, _packed(found))
        else:
            out.append((n, found))
        if between is not None:
            between()
    if sent is not None:
        sent(END, b"")
    return out


def _worker(take: Callable[..., list[tuple[int, Any]]], mine: _Stream,
            streams: list[_Stream]) -> list[tuple[int, Any]]:
    """A forked worker's chunks, each sent through ``mine``. The pipes' other ends are closed
    here first: holding a read end, a worker whose parent died would wait on a full pipe
    forever instead of ending; holding another worker's write end, it would keep this
    process from seeing that worker end."""
    for stream in streams:
        os.close(stream.read)
        if stream is not mine:
            os.close(stream.fd)
    return take(sent=mine.write)


END = 0xFFFFFFFF  # a stream's last record: the worker sent every chunk it took


class _Stream:
    """A worker's chunk results, sent through a pipe of their own as each is made: records
    of the chunk's number and size (4 bytes each) and its packed result, then ``END``.
    The pipe is made before the fork; the worker writes (to ``fd``), this process reads."""

    def __init__(self) -> None:
        self.read, self.fd = os.pipe()
        with contextlib.suppress(OSError, AttributeError):  # Linux: room for a few chunks
            import fcntl

            fcntl.fcntl(self.fd, fcntl.F_SETPIPE_SZ, 1 << 20)
        self.buffer = bytearray()
        self.complete = False
        self.closed = False

    def write(self, n: int, data: bytes) -> None:
        """The worker's side: one chunk's result (blocks while the pipe is full)."""
        record = n.to_bytes(4, "little") + len(data).to_bytes(4, "little") + data
        view = memoryview(record)
        while view:
            view = view[os.write(self.fd, view):]

    def opened(self) -> None:
        """This process's side, once the worker is started: the write end closed here, the
        read end made non-blocking for ``drain``. (A worker that was never started writes
        nothing, and the read end then ends at once.)"""
        os.close(self.fd)
        os.set_blocking(self.read, False)

    def drain(self, out: list[tuple[int, Any]]) -> None:
        """Read what the worker has sent so far, adding each whole chunk's result to ``out``."""
        if self.closed:
            return
        while True:
            try:
                data = os.read(self.read, 1 << 20)
            except BlockingIOError:
                break
            if not data:
                self._close()
                break
            self.buffer += data
        self._parse(out)

    def finish(self, out: list[tuple[int, Any]]) -> None:
        """Read the rest, waiting for the worker to send it."""
        if not self.closed:
            os.set_blocking(self.read, True)
        self._parse(out)
        while not self.complete and not self.closed:
            data = os.read(self.read, 1 << 20)
            if not data:  # the worker ended without saying it was done: it failed
                break
            self.buffer += data
            self._parse(out)
        if not self.closed:
            self._close()

    def _parse(self, out: list[tuple[int, Any]]) -> None:
        buffer, at = self.buffer, 0
        while len(buffer) - at >= 8:
            n = int.from_bytes(buffer[at:at + 4], "little")
            size = int.from_bytes(buffer[at + 4:at + 8], "little")
            if n == END:
                self.complete = True
                at += 8
                continue
            if len(buffer) - at - 8 < size:
                break
            out.append((n, _unpickled(bytes(buffer[at + 8:at + 8 + size]))))
            at += 8 + size
        del buffer[:at]

    def _close(self) -> None:
        self.closed = True
        os.close(self.read)


class Forked:
    """Jobs running in forked children, which inherit everything they need in memory (no
    pickling of the input) and send back one pickled result each through a pipe."""

    def __init__(self, jobs: list[Callable[[], list[Any]]], objects: bool = False) -> None:
        self.children: list[tuple[int, int]] = []
        self.failed = not hasattr(os, "fork")
        # Frozen objects are left alone by the collector, so children share their pages
        # instead of copying them. They stay frozen: unfrozen, the next full collection would
        # walk them all again (they are acyclic, so reference counting still frees them).
        gc.freeze()
        if objects and not self.failed:
            # Loaded here, not by every command (~6 M instructions), and before the fork,
            # so that children inherit it rather than each import it for _packed. (Not for
            # plain values, which marshal sends: a cold list's 3 ms before its fork.)
            import pickle  # noqa: F401
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
                out.append(_unpickled(data))
        return None if self.failed else out


def _packed(result: list[Any]) -> bytes:
    """A child's result for the pipe: marshalled where it is plain values (a scan's facts:
    written in 1.8 ms where pickle took 9.2 for 1,000 posts, and read a fifth faster),
    pickled otherwise (findings are objects marshal refuses, at the first it meets)."""
    try:
        return b"m" + marshal.dumps(result)
    except ValueError:
        import pickle

        return b"p" + pickle.dumps(result, protocol=pickle.HIGHEST_PROTOCOL)


def _unpickled(data: bytes) -> Any:
    with _collector_paused():
        body = memoryview(data)[1:]
        if data[:1] == b"m":
            return marshal.loads(body)
        import pickle

        return pickle.loads(body)


@contextlib.contextmanager
def _collector_paused() -> Iterator[None]:
    """This process's share of the work, or a child's result read back, with the cycle
    collector paused as it is in the children, what it made then frozen like the rest
    (``Forked``): hundreds of thousands of new objects (a scan's facts), none in a cycle,
    whose making otherwise set off collections of everything in memory (on the 10,000-post
    bench the collector took 104 ms of this process's CPU; now 14). On one core the work is
    done alone, paused the same: there it cost more (on one core, _duplicates alone took
    120 ms of a 10,000-post check after an unpaused scan, 4 ms after a paused one)."""
    paused = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        gc.freeze()
        if paused:
            gc.enable()


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
        data = _packed(job())
        with open(write, "wb") as pipe:
            pipe.write(data)
        code = 0
    finally:
        os._exit(code)


def cores() -> int:
    return min(len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity")
               else os.cpu_count() or 1, 8)


