#!/usr/bin/env python3
"""Start-up time: `blog --version` and `blog new` against `hugo new`, in the same run.

Usage: python bench/bench_startup.py [--runs N] [--blog PATH_TO_BLOG_EXECUTABLE]...

Each round runs every command once, in turn (interleaved, so a busy moment on a shared machine
hits them all); medians of wall and CPU time (user + system of the child) in milliseconds, and
blog's ratio to `hugo new` from the same rounds. `blog new` runs twice: in a plain blog made by
`blog init`, and in the Hugo site `hugo new site` made (where it renders Hugo's archetype),
beside `hugo new` in that same site. Each --blog is measured in the same rounds (e.g. one venv
with typer 0.29, one with typer<0.29).

Python writes no bytecode when PYTHONDONTWRITEBYTECODE is set, and then compiles every blogcli
module on every run (~+60 ms): the children run without it, as after a normal install.
"""

from __future__ import annotations

import argparse
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HUGO = shutil.which("hugo") or "/usr/bin/hugo"
ENV = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}


def timed(cmd: list[str], cwd: Path) -> tuple[float, float]:
    """Wall and CPU milliseconds of one run."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    subprocess.run(cmd, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                   check=True, env=ENV)
    wall = (time.perf_counter() - start) * 1000
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime) * 1000
    return wall, cpu


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=21)
    parser.add_argument("--blog", action="append", default=[])
    args = parser.parse_args()
    blogs = [str(Path(b).absolute()) for b in args.blog] or [
        shutil.which("blog") or sys.exit("no `blog` on PATH; pass --blog")]
    python = str(Path(blogs[0]).parent / "python")
    with tempfile.TemporaryDirectory() as tmp:
        base = Path(tmp)
        hugo_site = base / "hugo"
        subprocess.run([HUGO, "new", "site", str(hugo_site)], check=True, capture_output=True)
        jobs: dict[str, tuple[object, Path]] = {
            "python -c pass": (lambda i: [python, "-c", "pass"], base),
            "hugo new": (lambda i: [HUGO, "new", f"posts/h{i}.md"], hugo_site),
        }
        for n, blog in enumerate(blogs):
            site = base / f"site{n}"
            subprocess.run([blog, "init", str(site), "--title", "Bench", "--author", "B"],
                           check=True, capture_output=True, env=ENV)
            tag = f" [{blog}]" if len(blogs) > 1 else ""
            jobs[f"blog --version{tag}"] = (lambda i, b=blog: [b, "--version"], site)
            jobs[f"blog new (plain){tag}"] = (lambda i, b=blog: [b, "new", f"Post r{i}"], site)
            jobs[f"blog new (hugo site){tag}"] = (
                lambda i, b=blog, n=n: [b, "new", f"Post {n} r{i}"], hugo_site)
        for make, cwd in jobs.values():
            timed(make(-1), cwd)  # warm the file cache, write the bytecode
        samples: dict[str, list[tuple[float, float]]] = {name: [] for name in jobs}
        for i in range(args.runs):
            for name, (make, cwd) in jobs.items():
                samples[name].append(timed(make(i), cwd))
        load = os.getloadavg()
    hugo_wall = statistics.median(w for w, _ in samples["hugo new"])
    hugo_cpu = statistics.median(c for _, c in samples["hugo new"])
    print(f"{args.runs} interleaved rounds; load average {load[0]:.2f} {load[1]:.2f} "
          f"{load[2]:.2f}; medians")
    print(f"{'':34} {'wall ms':>8} {'CPU ms':>8} {'wall/hugo':>10} {'CPU/hugo':>9}")
    for name, runs in samples.items():
        wall = statistics.median(w for w, _ in runs)
        cpu = statistics.median(c for _, c in runs)
        print(f"{name:34} {wall:8.1f} {cpu:8.1f} {wall / hugo_wall:9.2f}x {cpu / hugo_cpu:8.2f}x")


if __name__ == "__main__":
    main()
