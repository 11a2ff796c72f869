"""Run the fuzz generator of tests/helpers/fuzz.py for N cases and report: case count, time,
the slowest case, peak RSS of one case (its own, from wait4; the forked child starts with this
process's memory, reported as the base), tracebacks and hangs (targets: 0 and 0).

    .venv/bin/python bench/fuzz.py 3000 [--seed S] [--minutes M]

Hypothesis explores new cases on each seed (no shrinking: a bad case is printed as found).
"""

from __future__ import annotations

import argparse
import collections
import resource
import sys
import time
from pathlib import Path

from hypothesis import HealthCheck, Phase, given, seed, settings

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from tests.helpers.fuzz import blogs, run_case


class TimeUp(Exception):
    """The --minutes budget is spent: report the cases run so far."""


def main(count: int, start: int, budget: float) -> None:
    tally: collections.Counter[str] = collections.Counter()
    slowest = peak = 0.0
    damaged = 0
    examples: dict[str, str] = {}
    started = time.monotonic()

    @seed(start)
    @settings(max_examples=count, deadline=None, database=None, phases=[Phase.generate],
              suppress_health_check=list(HealthCheck))
    @given(blogs())
    def one(files: dict[str, bytes]) -> None:
        nonlocal slowest, peak, damaged
        if time.monotonic() - started > budget:
            raise TimeUp
        result = run_case(files)
        tally[result.status] += 1
        damaged += "cache-damage" in files
        slowest = max(slowest, result.seconds)
        peak = max(peak, result.peak_kb)
        done = sum(tally.values())
        if done % 250 == 0:  # a long run shows where it is
            print(f"  {done} cases, {time.monotonic() - started:.0f} s, "
                  + ", ".join(f"{k} {v}" for k, v in sorted(tally.items())), flush=True)
        if result.status != "ok":
            examples.setdefault(result.detail.split(":")[1] if ":" in result.detail
                                else result.status, f"{result.detail}\n  files: {files!r:.800}")

    try:
        one()
    except (KeyboardInterrupt, TimeUp):
        print("stopped early; figures for the cases run:")
    total = sum(tally.values())
    base = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    print(f"cases: {total} (seed {start}; {damaged} with a vandalised cache)  time: "
          f"{time.monotonic() - started:.0f} s  slowest case: {slowest:.2f} s  peak RSS of a "
          f"case: {peak / 1024:.0f} MB (base, this process: {base / 1024:.0f} MB)")
    print("results: " + ", ".join(f"{k} {v}" for k, v in sorted(tally.items())))
    print(f"tracebacks: {tally['traceback']}  hangs: {tally['hang']}  memory: {tally['memory']}")
    for detail in examples.values():
        print("-", detail[:1500])


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("count", type=int, nargs="?", default=2000)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--minutes", type=float, default=float("inf"),
                        help="stop after this long and report what ran (Ctrl-C does too)")
    args = parser.parse_args()
    main(args.count, args.seed, args.minutes * 60)
