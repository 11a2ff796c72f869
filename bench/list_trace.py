"""Where a cold ``blog list`` spends its wall time, process by process:

    python bench/list_trace.py SITE TREE [TREE...] [--runs 3] [--timeline]

Runs ``blog --site SITE list`` (cold: an empty cache each run) with TREE's blogcli, in a
subprocess from /tmp, with the listing's steps wrapped to note the moment and the process's
CPU time; the forked workers note theirs too. For each TREE (runs interleaved), medians of:
this process's CPU from ``collect``'s start to its first post, the CPU each process spends on
posts, how long before this process's last post the worker's last one ended (negative: the
worker was later, and this process waited), this process's CPU after its last post (the cache,
the records, the table, the kept output), and the wall time to exit. ``--timeline`` prints
every noted step of the last run. CPU figures move less with the machine's load than wall
ones; the gap between the processes' ends is what a split of the work leaves idle.
"""

from __future__ import annotations

import argparse
import os
import re
import statistics
import subprocess
import sys
import tempfile

# The run itself: TREE first on the path, the steps wrapped, then the console script's run().
TRACED = r'''
import functools, os, sys, time
T0 = time.perf_counter()
sys.path.insert(0, sys.argv[1])
marks = []
def mark(name):
    marks.append((name, time.perf_counter() - T0, time.process_time(), os.getpid()))
def wrap(owner, name):
    real = getattr(owner, name)
    @functools.wraps(real)
    def traced(*args, **kwargs):
        mark(f"{name} start")
        try:
            return real(*args, **kwargs)
        finally:
            mark(f"{name} end")
    setattr(owner, name, traced)
from blogcli import cache
from blogcli.listing import records, view
for owner, name in ((records, "collect"), (records, "_analyse_files"),
                    (cache.FileCache, "save"), (view, "list_text")):
    if hasattr(owner, name):
        wrap(owner, name)
first = os.getpid()
def show(prefix):
    for name, at, cpu, pid in marks:
        if pid == os.getpid():
            print(f"{prefix} {at * 1000:.1f} {cpu * 1000:.1f} {name}", file=sys.stderr)
real_exit = os._exit
def _exit(code):  # a forked worker ends here
    show("worker")
    real_exit(code)
os._exit = _exit
import atexit
atexit.register(lambda: os.getpid() == first and (mark("exit"), show("main")))
sys.argv = ["blog", "--site", sys.argv[2], "list"]
from blogcli.__main__ import run
run()
'''


def trace(tree: str, site: str) -> list[tuple[str, float, float, str]]:
    """(process, wall ms, CPU ms, step) of one cold run."""
    with tempfile.TemporaryDirectory() as cache:
        env = dict(os.environ, XDG_CACHE_HOME=cache, NO_COLOR="1")
        env.pop("PYTHONDONTWRITEBYTECODE", None)
        done = subprocess.run([sys.executable, "-c", TRACED, tree, site], env=env,
                              cwd=tempfile.gettempdir(), capture_output=True, text=True,
                              check=True)
    found = re.findall(r"^(main|worker) ([\d.]+) ([\d.]+) (.+)$", done.stderr, re.MULTILINE)
    return [(who, float(at), float(cpu), step) for who, at, cpu, step in found]


def summary(steps: list[tuple[str, float, float, str]]) -> dict[str, float]:
    main = [s for s in steps if s[0] == "main"]
    worker = [s for s in steps if s[0] == "worker"]

    def step(rows: list[tuple[str, float, float, str]], name: str,
             last: bool = False) -> tuple[str, float, float, str]:
        hits = [s for s in rows if s[3] == name]
        return hits[-1] if last else hits[0]

    first, final = step(main, "_analyse_files start"), step(main, "_analyse_files end", True)
    out = {"CPU before the first post": first[2] - step(main, "collect start")[2],
           "CPU on posts, this process": final[2] - first[2]}
    if worker:
        w_first = step(worker, "_analyse_files start")
        w_final = step(worker, "_analyse_files end", True)
        out["CPU on posts, worker"] = w_final[2] - w_first[2]
        out["worker ended before (ms)"] = final[1] - w_final[1]
    out["CPU after the last post"] = step(main, "exit")[2] - final[2]
    out["wall to exit"] = step(main, "exit")[1]
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("site")
    parser.add_argument("trees", nargs="+")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--timeline", action="store_true")
    args = parser.parse_args()
    found: dict[str, dict[str, list[float]]] = {}
    last: dict[str, list[tuple[str, float, float, str]]] = {}
    for _ in range(args.runs):
        for tree in args.trees:
            last[tree] = trace(os.path.abspath(tree), os.path.abspath(args.site))
            for key, value in summary(last[tree]).items():
                found.setdefault(tree, {}).setdefault(key, []).append(value)
    for tree, rows in found.items():
        print(tree)
        for key, values in rows.items():
            print(f"  {key:28s} {statistics.median(values):8.1f} ms   "
                  f"({' '.join(f'{v:.0f}' for v in values)})")
        if args.timeline:
            for who, at, cpu, step in last[tree]:
                if not step.startswith("_analyse_files"):
                    print(f"    {who:6s} {at:8.1f} ms  CPU {cpu:8.1f}  {step}")


if __name__ == "__main__":
    main()
