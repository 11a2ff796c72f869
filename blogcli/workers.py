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


def spread(job: Callable[[list[T]], list[R]], items: list[T], *,
           warm_up: Callable[[], None] | None = None) -> list[R]:
    """``job(items)``, with every n-th item given to each of n processes, this one included.

    Sizes even out over hundreds of files; ``warm_up`` runs here first so that the children
    inherit what it builds. Where no process may be started (a sandbox) this one does it all.
    """
    workers = cores()
    if len(items) < POOL_MIN_FILES:
        return job(items)
    if workers < 2:  # alone, with the collector paused all the same (_collector_paused)
        with _collector_paused():
            return job(items)
    if warm_up is not None:
        warm_up()
    started = Forked([partial(job, items[n::workers]) for n in range(1, workers)])
    with _collector_paused():
        mine = job(items[::workers])
    parts = started.results()
    if parts is None:
        parts = [job(items[n::workers]) for n in range(1, workers)]
    out: list[Any] = [None] * len(items)
    for n, part in enumerate([mine, *parts]):
        out[n::workers] = part
    return out


def fan_out(job: Callable[[int, int], list[T]], count: int,
            meanwhile: Callable[[], None], chunks: int = CHUNKS) -> list[T]:
    """``job(0, count)`` split between this process and forked workers, which inherit the
    job's data instead of receiving it pickled; ``meanwhile`` runs here first.

    The range is cut into chunks that every process takes from one pipe as it comes free,
    so this one takes fewer while ``meanwhile`` runs, however long that is (a fixed share
    left a core idle for 50-100 ms of 350 on the 2,000-post bench when ``meanwhile`` grew).
    ``chunks`` per process: more even out better, each costing a pipe read.
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
    take = partial(_chunks, job, starts, size, count, read)
    # A worker packs each chunk's result as soon as it is made, while this process is still
    # busy, rather than all of them once it is done, while this one waits (~12 ms of a
    # 10,000-post scan's facts).
    started = Forked([partial(take, packed=True) for _ in range(workers - 1)])
    with _collector_paused():
        meanwhile()
        out: list[tuple[int, Any]] = take()
    os.close(read)
    parts = started.results()
    if parts is None:  # no processes allowed here: this one does the chunks it did not take
        done = {n for n, _ in out}
        out += [(n, job(starts[n], min(starts[n] + size, count)))
                for n in range(len(starts)) if n not in done]
    else:
        with _collector_paused():
            out += [(n, _unpickled(found)) for part in parts for n, found in part]
    return [item for _, found in sorted(out, key=lambda chunk: chunk[0]) for item in found]


def _chunks(job: Callable[[int, int], list[T]], starts: list[int], size: int, count: int,
            read: int, packed: bool = False) -> list[tuple[int, Any]]:
    """``job`` over each chunk whose number this process reads from the pipe, until none is
    left; the results by chunk number (``packed``: each as _packed makes it)."""
    out: list[tuple[int, Any]] = []
    while len(data := os.read(read, 4)) == 4:
        n = int.from_bytes(data, "little")
        found = job(starts[n], min(starts[n] + size, count))
        out.append((n, _packed(found) if packed else found))
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
        if not self.failed:
            # Loaded here, not by every command (~6 M instructions), and before the fork,
            # so that children inherit it rather than each import it for _packed.
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
    import pickle

    with _collector_paused():
        body = memoryview(data)[1:]
        return marshal.loads(body) if data[:1] == b"m" else pickle.loads(body)


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


