#!/usr/bin/env python3
"""Start-up time: `blog --version` and `blog new` in a small site, next to `python -c pass`.

Usage: python bench/bench_startup.py [--runs N] [--blog PATH_TO_BLOG_EXECUTABLE]...
Each --blog is measured in the same run (e.g. one venv with typer 0.29, one with typer<0.29),
so the ratios compare like with like on a noisy machine. Prints medians in milliseconds.
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path


def timed(cmd: list[str], cwd: Path) -> float:
    start = time.perf_counter()
    subprocess.run(cmd, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=True)
    return (time.perf_counter() - start) * 1000


def median_ms(make_cmd, cwd: Path, runs: int) -> float:
    timed(make_cmd(-1), cwd)  # warm the OS file cache once
    return statistics.median(timed(make_cmd(i), cwd) for i in range(runs))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=15)
    parser.add_argument("--blog", action="append", default=[])
    args = parser.parse_args()
    blogs = args.blog or [shutil.which("blog") or sys.exit("no `blog` on PATH; pass --blog")]
    python = Path(blogs[0]).parent / "python"
    with tempfile.TemporaryDirectory() as tmp:
        base = Path(tmp)
        bare = median_ms(lambda i: [str(python), "-c", "pass"], base, args.runs)
        print(f"python -c pass            {bare:7.1f} ms")
        for index, blog in enumerate(blogs):
            site = base / f"site{index}"
            subprocess.run([blog, "init", str(site), "--title", "Bench", "--author", "B"],
                           check=True, capture_output=True)
            version = median_ms(lambda i, b=blog: [b, "--version"], site, args.runs)
            new = median_ms(lambda i, b=blog: [b, "new", f"Post number {i + 2}"], site, args.runs)
            print(f"[{blog}]")
            print(f"  blog --version          {version:7.1f} ms")
            print(f"  blog new                {new:7.1f} ms")
        if shutil.which("hugo"):
            hugo_site = base / "hugo"
            subprocess.run(["hugo", "new", "site", str(hugo_site)], check=True, capture_output=True)
            hugo = median_ms(lambda i: ["hugo", "new", f"posts/p{i + 2}.md"], hugo_site, args.runs)
            print(f"hugo new                  {hugo:7.1f} ms")


if __name__ == "__main__":
    main()
