"""The one worker pool: every item done once, in order, spread over forked processes."""

from __future__ import annotations

import os
import time

import pytest

from blogcli.workers import POOL_MIN_FILES, cores, fan_out


def test_fan_out_keeps_order_runs_meanwhile_once_and_shares_the_chunks() -> None:
    from blogcli.workers import fan_out

    ran: list[int] = []

    def job(start: int, stop: int) -> list[tuple[int, int]]:
        time.sleep(0.01)  # long enough for a forked worker to come up and take chunks too
        return [(item, os.getpid()) for item in range(start, stop)]

    out = fan_out(job, 1003, lambda: ran.append(os.getpid()))
    assert [item for item, _ in out] == list(range(1003))
    assert ran == [os.getpid()]
    if cores() > 1:  # the chunks were taken by more than one process
        assert len({pid for _, pid in out}) > 1


def test_fan_out_in_more_chunks_keeps_them_whole_and_in_order() -> None:
    out = fan_out(lambda a, b: [(a, b)], 1000, lambda: None, chunks=64)
    size = -(-1000 // (cores() * 64))
    assert out == [(a, min(a + size, 1000)) for a in range(0, 1000, size)]


def test_fan_out_brings_back_what_marshal_and_what_only_pickle_writes() -> None:
    """A worker packs each chunk as it is made (marshal, else pickle): plain values and
    objects come back equal, in order, of their own types."""
    from fractions import Fraction

    def job(start: int, stop: int) -> list[object]:
        time.sleep(0.005)
        return [(n, [str(n)], {"n": n}) if n % 3 else Fraction(n, 7) for n in range(start, stop)]

    out = fan_out(job, 600, lambda: None, chunks=16)
    assert out == job(0, 600)
    assert [type(item) for item in out] == [type(item) for item in job(0, 600)]


def test_fan_out_of_nothing_and_of_fewer_items_than_chunks() -> None:
    from blogcli.workers import fan_out

    assert fan_out(lambda a, b: list(range(a, b)), 0, lambda: None) == []
    assert fan_out(lambda a, b: list(range(a, b)), 3, lambda: None) == [0, 1, 2]


def test_the_collector_is_paused_only_while_the_work_runs() -> None:
    """This process's share runs with the cycle collector off (as the children do), and the
    collector is as it was afterwards, on or off."""
    import gc

    if cores() < 2:
        pytest.skip("one core: the work is not spread, nothing is paused")

    def states(items: list[int]) -> list[bool]:
        return [gc.isenabled() for _ in items]

    items = list(range(POOL_MIN_FILES * 2))
    for before in (True, False):
        (gc.enable if before else gc.disable)()
        try:
            assert fan_out(lambda a, b: states(items[a:b]), len(items), lambda: None) == \
                [False] * len(items)
            assert gc.isenabled() is before
        finally:
            gc.enable()


def test_results_come_back_alike_whether_plain_values_or_objects() -> None:
    """Plain values travel marshalled, anything else pickled: both arrive as they were made."""
    from collections import OrderedDict

    from blogcli.check.findings import Finding

    def made(items: list[int]) -> list[object]:
        return [{"n": n, "t": (n, "x"), "l": [None, 1.5, True, {"s"}]} if n % 3 == 0 else
                Finding("a.md", n, 1, "link-missing", "error", "m", None) if n % 3 == 1 else
                OrderedDict(k=n) for n in items]

    plain = [n * 3 for n in range(POOL_MIN_FILES * 2)]
    assert fan_out(lambda a, b: made(plain[a:b]), len(plain), lambda: None) == made(plain)
    mixed = list(range(POOL_MIN_FILES * 2))
    back = fan_out(lambda a, b: made(mixed[a:b]), len(mixed), lambda: None)
    assert back == made(mixed)
    assert all(type(a) is type(b) for a, b in zip(back, made(mixed), strict=True))


def test_fan_out_results_larger_than_a_pipe_holds_while_this_process_is_busy() -> None:
    """A worker sends each chunk's result as it is made; while this process is busy with
    ``meanwhile`` the pipe fills and the worker waits, and nothing is lost or reordered."""
    def job(start: int, stop: int) -> list[str]:
        return [f"{n}:" + "x" * 20_000 for n in range(start, stop)]

    out = fan_out(job, 400, lambda: time.sleep(0.2), chunks=8)
    assert out == job(0, 400)


def test_fan_out_redoes_the_chunks_a_dying_worker_took_or_never_sent() -> None:
    """A worker that ends without saying it is done (killed, or crashed in its job) costs
    time, never a result: what it sent is kept, the rest done here, all in order."""
    if cores() < 2:
        pytest.skip("one core: no worker is forked")
    here = os.getpid()

    def job(start: int, stop: int) -> list[tuple[int, int]]:
        time.sleep(0.005)
        if os.getpid() != here and start >= 300:
            os._exit(3)  # a worker's death, mid-way, after it sent its first chunks
        return [(n, n * n) for n in range(start, stop)]

    out = fan_out(job, 1000, lambda: None, chunks=16)
    assert out == [(n, n * n) for n in range(1000)]


def test_pickle_is_loaded_only_for_results_marshal_refuses() -> None:
    """Plain values (a cold list's counts) go through marshal: pickle, 3 ms to import, is
    loaded before the fork only where the results are objects (check's findings)."""
    import subprocess
    import sys

    code = ("import sys; from blogcli.workers import fan_out\n"
            "fan_out(lambda a, b: [(a, b)], 1000, lambda: None, objects={})\n"
            "print('pickle' in sys.modules)")
    for objects in (False, True):
        found = subprocess.run([sys.executable, "-c", code.format(objects)], check=True,
                               capture_output=True, text=True).stdout.strip()
        assert found == str(objects and cores() > 1)  # (one core: no fork, no pickle)
