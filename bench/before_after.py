"""Time two builds of blog side by side (a revision before a change, and after it).

    python bench/before_after.py BEFORE_PYTHON AFTER_PYTHON [--posts 2000] [--runs 7]

Each Python must have blogcli installed (e.g. a venv with `pip install .` at each revision).
The jobs run interleaved, before then after, so both see the same machine load: start-up
(`blog --version`), `blog new --dry-run`, `check` cold and warm, `list` cold and warm, on a
plain site of --posts synthetic posts (bench/bench_check.py's generator, with broken links) and
on the same posts as list's corpus. Prints medians in ms and the after/before ratio.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from bench_check import make_site


def run(python: str, args: list[str], cwd: Path, cache: Path, cold: bool) -> float:
    if cold:
        shutil.rmtree(cache, ignore_errors=True)
    env = dict(os.environ, XDG_CACHE_HOME=str(cache), NO_COLOR="1")
    start = time.perf_counter()
    subprocess.run([python, "-m", "blogcli", *args], cwd=cwd, env=env, check=False,
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return (time.perf_counter() - start) * 1000


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("before")
    parser.add_argument("after")
    parser.add_argument("--posts", type=int, default=2000)
    parser.add_argument("--runs", type=int, default=7)
    opts = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        site = Path(tmp) / "site"
        make_site(site, opts.posts)
        jobs = [("--version", ["--version"], False), ("new --dry-run", ["new", "X", "--dry-run"],
                                                      False),
                ("check cold", ["check"], True), ("check warm", ["check"], False),
                ("list cold", ["list"], True), ("list warm", ["list"], False)]
        print(f"{opts.posts} posts, {opts.runs} runs each, medians in ms")
        print(f"{'job':16} {'before':>9} {'after':>9} {'ratio':>6}")
        for name, args, cold in jobs:
            times: dict[str, list[float]] = {"before": [], "after": []}
            for label, python in (("before", opts.before), ("after", opts.after)):
                run(python, args, site, Path(tmp) / f"cache-{label}", cold=True)  # warm-up
            for _ in range(opts.runs):
                for label, python in (("before", opts.before), ("after", opts.after)):
                    times[label].append(run(python, args, site, Path(tmp) / f"cache-{label}",
                                            cold))
            b, a = statistics.median(times["before"]), statistics.median(times["after"])
            print(f"{name:16} {b:9.0f} {a:9.0f} {a / b:6.2f}")


if __name__ == "__main__":
    main()
