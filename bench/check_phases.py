"""Where a cold `blog check` spends its time, phase by phase (run by hand):

    python bench/check_phases.py SITE [TREE]

Runs `blog --site SITE check --format json` once with an empty cache (its own, in a temporary
folder), the checkout TREE (default: this one) first on the path, with the check's phases
wrapped: for each, when it started and ended (ms of wall time from the start of Python's
main) and the CPU it took in this process; and the CPU of the forked workers (the scan's, then
the resolution's). On a busy machine read the CPU columns: the walls move with the load.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent

WRAPPED = """
import functools, os, resource, sys, time
T0, C0 = time.perf_counter(), time.process_time()
PID, events, children = os.getpid(), [], []

def wrap(owner, name, label):
    inner = getattr(owner, name)
    @functools.wraps(inner)
    def timed(*args, **kwargs):
        start, cpu = time.perf_counter(), time.process_time()
        try:
            return inner(*args, **kwargs)
        finally:
            if os.getpid() == PID:
                events.append((label, start - T0, time.perf_counter() - T0,
                               time.process_time() - cpu))
    setattr(owner, name, timed)

from blogcli import cli, workers
from blogcli.check import checker, reuse, scan
events.append(("imports", 0.0, time.perf_counter() - T0, time.process_time() - C0))
for owner, name in [(reuse, "load"), (checker, "iter_post_files"), (scan, "collect_facts"),
                    (scan, "scan_items"), (workers, "_unpickled"), (checker, "site_urls"),
                    (checker, "_resolver"), (workers, "fan_out"), (checker, "_duplicates"),
                    (scan.FileCache, "save"), (checker, "_fill_index"), (reuse, "dates_of"),
                    (reuse, "save")]:
    wrap(owner, name, f"{getattr(owner, '__name__', '')}.{name}")
results = workers.Forked.results
def counted(self):
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    out = results(self)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    children.append(after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime)
    return out
workers.Forked.results = counted
sys.argv = ["blog", *sys.argv[1:]]
try:
    cli.main()
except SystemExit:
    pass
events.append(("all", 0.0, time.perf_counter() - T0, time.process_time() - C0))
spans = {}
for label, start, end, cpu in events:
    first, _, total, calls = spans.get(label, (start, end, 0.0, 0))
    spans[label] = (first, end, total + cpu, calls + 1)
print(f"{'phase':38} {'calls':>5} {'wall from':>9} {'to':>8} {'CPU ms':>8}", file=sys.stderr)
for label, (start, end, cpu, calls) in sorted(spans.items(), key=lambda item: item[1][0]):
    print(f"{label:38} {calls:5d} {start * 1e3:9.1f} {end * 1e3:8.1f} {cpu * 1e3:8.1f}",
          file=sys.stderr)
for n, cpu in enumerate(children):
    print(f"forked workers, {('scan', 'resolution')[min(n, 1)]}: CPU {cpu * 1e3:.1f} ms",
          file=sys.stderr)
"""


def main() -> None:
    if len(sys.argv) < 2:
        raise SystemExit(__doc__)
    site = Path(sys.argv[1]).resolve()
    tree = Path(sys.argv[2]).resolve() if len(sys.argv) > 2 else REPO
    cache = Path(tempfile.mkdtemp(prefix="blog-phases-"))
    env = dict(os.environ, PYTHONPATH=str(tree), XDG_CACHE_HOME=str(cache / "cache"),
               NO_COLOR="1", PYTHONPYCACHEPREFIX=str(cache / "pyc"))
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    command = [sys.executable, "-c", WRAPPED, "--site", str(site), "check", "--format", "json"]
    try:  # once to write the bytecode (as an installed blog has it), once from an empty cache
        subprocess.run(command, env=env, capture_output=True, cwd=cache, check=False)
        shutil.rmtree(cache / "cache", ignore_errors=True)
        done = subprocess.run(command, env=env, capture_output=True, text=True, cwd=cache,
                              check=False)
        print(done.stderr, end="")
    finally:
        shutil.rmtree(cache, ignore_errors=True)


if __name__ == "__main__":
    main()
