"""Run the fuzz generator of tests/helpers/fuzz.py for N cases and report: case count, time,
peak memory of one case, tracebacks and hangs (targets: 0 and 0).

    .venv/bin/python bench/fuzz.py 3000
"""

from __future__ import annotations

import collections
import sys
import time
from pathlib import Path

from hypothesis import HealthCheck, given, settings

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from tests.helpers.fuzz import blogs, run_case


def main(count: int) -> None:
    tally: collections.Counter[str] = collections.Counter()
    slowest = peak = 0.0
    examples: dict[str, str] = {}
    started = time.monotonic()

    @settings(max_examples=count, deadline=None, database=None,
              suppress_health_check=list(HealthCheck))
    @given(blogs())
    def one(files: dict[str, bytes]) -> None:
        nonlocal slowest, peak
        result = run_case(files)
        tally[result.status] += 1
        slowest = max(slowest, result.seconds)
        peak = max(peak, result.peak_kb)
        if result.status != "ok":
            examples.setdefault(result.detail.split(":")[1] if ":" in result.detail
                                else result.status, result.detail)

    one()
    total = sum(tally.values())
    print(f"cases: {total}  time: {time.monotonic() - started:.0f} s  slowest case: "
          f"{slowest:.2f} s  peak RSS of a case: {peak / 1024:.0f} MB")
    print("results: " + ", ".join(f"{k} {v}" for k, v in sorted(tally.items())))
    for detail in examples.values():
        print("-", detail[:500])


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 2000)
