"""Benchmark `blog list` (cold and warm cache) next to `hugo` building the same posts.

    python bench/bench_list.py [-n 5000] [--runs 5] [--corpus bench/out/corpus] [--baseline DIR]

Medians of several runs, measured in one go so the machine's load is the same for both tools;
hugo and the cold runs are interleaved (hugo, cold, baseline cold, hugo, ...). ``--baseline``
is another checkout of blog (say a worktree of main) whose cold ``blog list`` runs alongside.
For a corpus of real posts see real_corpus.py.
CPU time (user + system, worker processes included) is shown too: unlike wall time it hardly
depends on what else the machine is doing. Memory: the peak RSS of the largest single process
(getrusage of the child, which includes the worker processes it waited for) and the peak of the
whole process tree (sampled from /proc).
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
from gen_corpus import generate  # noqa: E402

REPO = HERE.parent

WRAPPER = """
import resource, subprocess, sys
done = subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
if done.returncode:
    sys.exit(done.stderr.decode(errors="replace"))
usage = resource.getrusage(resource.RUSAGE_CHILDREN)
print(usage.ru_utime + usage.ru_stime, usage.ru_maxrss)
"""


def tree_rss_kb(pid: int) -> int:
    """RSS of a process and all its descendants, in KiB (0 once they are gone)."""
    total = 0
    try:
        with open(f"/proc/{pid}/status", encoding="ascii") as f:
            total += next((int(line.split()[1]) for line in f if line.startswith("VmRSS:")), 0)
        with open(f"/proc/{pid}/task/{pid}/children", encoding="ascii") as f:
            children = [int(c) for c in f.read().split()]
    except (OSError, ValueError):
        return total
    return total + sum(tree_rss_kb(child) for child in children)


def measure(cmd: list[str], env: dict[str, str]) -> tuple[float, int, int, float]:
    """Wall seconds, largest single-process peak RSS (KiB), sampled process-tree peak (KiB) and
    CPU seconds (user + system, workers included)."""
    start = time.perf_counter()
    # Run from elsewhere: ``python -m blogcli`` puts the current folder first on sys.path,
    # which would shadow --baseline's PYTHONPATH when run from a checkout.
    proc = subprocess.Popen([sys.executable, "-c", WRAPPER, *cmd], env=env,
                            cwd=tempfile.gettempdir(),
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    peak = 0

    def sample() -> None:
        nonlocal peak
        while proc.poll() is None:
            peak = max(peak, tree_rss_kb(proc.pid))
            time.sleep(0.01)

    sampler = threading.Thread(target=sample)
    sampler.start()
    out, err = proc.communicate()
    elapsed = time.perf_counter() - start
    sampler.join()
    if proc.returncode:
        raise SystemExit(f"{' '.join(cmd)} failed:\n{err.decode(errors='replace')}")
    cpu, rss = out.split()[-2:]
    return elapsed, int(rss), peak, float(cpu)


def report(name: str, runs: list[tuple[float, int, int, float]]) -> float:
    median = statistics.median(r[0] for r in runs)
    cpu = statistics.median(r[3] for r in runs)
    largest = max(r[1] for r in runs) / 1024
    tree = max(r[2] for r in runs) / 1024
    times = " ".join(f"{r[0]:.2f}" for r in runs)
    print(f"{name:<31} median {median:6.2f} s (CPU {cpu:5.2f} s)   runs [{times}]   peak RSS: "
          f"largest process {largest:4.0f} MB, all processes {tree:4.0f} MB", flush=True)
    return median


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-n", "--count", type=int, default=5000)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--corpus", type=Path, default=HERE / "out" / "corpus")
    parser.add_argument("--baseline", type=Path, help="another checkout of blog to time cold")
    args = parser.parse_args()
    hugo = shutil.which("hugo")
    corpus = args.corpus.resolve()
    if not (corpus / "content").is_dir():
        print(f"generating {args.count} posts in {corpus}", flush=True)
        generate(corpus, args.count)
    posts = sum(1 for _ in (corpus / "content").rglob("*.md"))
    print(f"corpus: {posts} posts, {sum(p.stat().st_size for p in corpus.rglob('*.md')) >> 20} MB"
          f", {os.cpu_count()} cores", flush=True)
    env = dict(os.environ, PYTHONPATH=str(REPO), NO_COLOR="1")
    blog = [sys.executable, "-m", "blogcli", "--site", str(corpus), "list"]
    with tempfile.TemporaryDirectory() as tmp:
        base = Path(tmp)
        results: dict[str, float] = {}
        runs, cold, before = [], [], []
        for i in range(args.runs):
            if hugo:
                runs.append(measure([hugo, "--quiet", "-s", str(corpus), "-d",
                                     str(base / f"public{i}"), "--cacheDir",
                                     str(base / f"hugo-cache{i}")], env))
            cold.append(measure(blog, {**env, "XDG_CACHE_HOME": str(base / f"cold{i}")}))
            if args.baseline:
                before.append(measure(blog, {**env, "PYTHONPATH": str(args.baseline),
                                             "XDG_CACHE_HOME": str(base / f"base{i}")}))
        if hugo:
            results["hugo"] = report("hugo (build)", runs)
        results["cold"] = report("blog list (cold)", cold)
        if before:
            results["before"] = report("baseline blog list (cold)", before)
        warm_env = {**env, "XDG_CACHE_HOME": str(base / "warm")}
        measure(blog, warm_env)
        results["warm"] = report("blog list (warm)", [measure(blog, warm_env)
                                                      for _ in range(args.runs)])
        report("blog list --format json (warm)",
               [measure([*blog, "--format", "json"], warm_env) for _ in range(args.runs)])
    if "hugo" in results:
        print(f"cold / hugo = {results['cold'] / results['hugo']:.2f}, warm / hugo = "
              f"{results['warm'] / results['hugo']:.3f}"
              + (f", baseline cold / hugo = {results['before'] / results['hugo']:.2f}"
                 if "before" in results else ""))


if __name__ == "__main__":
    main()
