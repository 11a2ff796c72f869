"""The one worker pool: every item done once, in order, spread over forked processes."""

from __future__ import annotations

import os

from blogcli.workers import POOL_MIN_FILES, cores, spread


def pids(items: list[int]) -> list[tuple[int, int]]:
    return [(item, os.getpid()) for item in items]


def test_spread_keeps_order_and_uses_every_core() -> None:
    items = list(range(POOL_MIN_FILES * 3 + 7))
    out = spread(pids, items)
    assert [item for item, _ in out] == items
    workers = {pid for _, pid in out}
    assert len(workers) == min(cores(), len(items))
    if cores() > 1:
        assert os.getpid() in workers  # this process takes its share too


def test_spread_below_the_threshold_stays_in_this_process() -> None:
    warmed: list[bool] = []
    out = spread(pids, list(range(POOL_MIN_FILES - 1)), warm_up=lambda: warmed.append(True))
    assert {pid for _, pid in out} == {os.getpid()} and warmed == []
