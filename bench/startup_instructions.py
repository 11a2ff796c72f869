#!/usr/bin/env python3
"""Start-up cost as instructions executed (valgrind's callgrind), which load does not move.

Usage: python bench/startup_instructions.py [--publish POSTS] [TREE ...]   (default: this checkout)

On a shared machine wall and CPU times of a ~100 ms command swing by 10-20% from round to
round; the count of instructions a run executes does not (repeat runs agree to 0.1%), so two
revisions can be told apart by a few percent. Each TREE is a checkout of blog, put first on
PYTHONPATH for ``python -m blogcli`` (this venv's Python and packages). Jobs: ``blog new`` in a
plain blog (built-in scaffold) and in a site ``hugo new site`` made (Hugo's archetype), both
--dry-run; ``blog check`` and ``blog list`` in a plain blog of one post (check also cold: an
empty cache, so it loads the scanner); ``blog --version``; ``blog --help``; and ``python -c
pass`` for the floor. With ``--publish POSTS`` also ``blog publish`` of a new draft in
bench_publish.py's repository of POSTS posts (each tree with its own cache, warmed by a publish
first; the Python process only, not git's).
Instructions are not time: compare revisions with this, and blog with hugo with run_all.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(Path(__file__).resolve().parent))
import bench_publish  # noqa: E402


def instructions(cmd: list[str], cwd: Path, tree: str, cold: bool = False) -> float:
    """Millions of instructions ``cmd`` executed (callgrind's "Collected"); ``cold``: with
    an empty cache (XDG_CACHE_HOME), as a first run in a site."""
    env = dict(os.environ, PYTHONPATH=tree, NO_COLOR="1")
    env.pop("PYTHONDONTWRITEBYTECODE", None)  # an installed wheel has its bytecode
    subprocess.run(cmd, cwd=cwd, env=env, capture_output=True, check=True)  # bytecode written
    with tempfile.TemporaryDirectory(prefix="startup-cold-") as empty:
        if cold:
            env["XDG_CACHE_HOME"] = empty
        done = subprocess.run(["valgrind", "--tool=callgrind", "--callgrind-out-file=/dev/null",
                               *cmd], cwd=cwd, env=env, capture_output=True, text=True,
                              check=True)
    found = re.search(r"Collected : (\d+)", done.stderr)
    if found is None:
        raise SystemExit(f"no count from callgrind:\n{done.stderr}")
    return int(found[1]) / 1e6


def publish_instructions(python: str, tree: str, site: Path, n: int, cache: Path) -> float:
    """Millions of instructions of `blog publish` of a new draft (after a first publish from
    the same tree has written its bytecode and filled its cache)."""
    env = dict(os.environ, PYTHONPATH=tree, NO_COLOR="1", XDG_CACHE_HOME=str(cache),
               GIT_AUTHOR_NAME="Bench", GIT_AUTHOR_EMAIL="b@e.x", GIT_COMMITTER_NAME="Bench",
               GIT_COMMITTER_EMAIL="b@e.x")
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    for step in ("warm", "counted"):
        rel = f"posts/instructions-{n}-{step}.md"
        (site / rel).write_text(bench_publish.POST.format(n=n, draft="true", body="New."),
                                encoding="utf-8")
        cmd = [python, "-m", "blogcli", "--site", str(site), "publish", rel]
        if step == "counted":
            cmd = ["valgrind", "--tool=callgrind", "--callgrind-out-file=/dev/null", *cmd]
        done = subprocess.run(cmd, cwd=site.parent, env=env, capture_output=True, text=True,
                              check=True)
    found = re.search(r"Collected : (\d+)", done.stderr)
    if found is None:
        raise SystemExit(f"no count from callgrind:\n{done.stderr}")
    return int(found[1]) / 1e6


def main() -> None:
    if shutil.which("valgrind") is None:
        raise SystemExit("valgrind is not installed")
    args = sys.argv[1:]
    posts = 0
    if "--publish" in args:
        at = args.index("--publish")
        posts = int(args[at + 1])
        del args[at:at + 2]
    trees = [str(Path(t).resolve()) for t in args] or [str(REPO)]
    python = sys.executable
    with tempfile.TemporaryDirectory() as tmp:
        base = Path(tmp)
        hugo = shutil.which("hugo")
        # name -> (command, folder, tree index)
        jobs: dict[str, tuple[list[str], Path, int]] = {
            "python -c pass": ([python, "-c", "pass"], base, 0)}
        for n, tree in enumerate(trees):
            plain = base / f"plain{n}"
            subprocess.run([python, "-m", "blogcli", "init", str(plain), "--title", "Bench",
                            "--author", "B"], env=dict(os.environ, PYTHONPATH=tree),
                           capture_output=True, check=True)
            jobs[f"new (plain) {n}"] = (
                [python, "-m", "blogcli", "new", "Post number one", "--dry-run"], plain, n)
            # a blog of one post: check and list are mostly start-up there
            one = base / f"one{n}"
            shutil.copytree(plain, one)
            (one / "posts" / "hello.md").write_text(
                "---\ntitle: Hello\ndate: 2024-01-02T10:00:00+01:00\ntags: [a, b]\n"
                "draft: false\n---\n\nHello [home](/) and [again](hello.md).\n",
                encoding="utf-8")
            for command in ("check", "list"):
                jobs[f"{command} (one post) {n}"] = ([python, "-m", "blogcli", command], one, n)
            jobs[f"check cold (one post) {n}"] = ([python, "-m", "blogcli", "check"], one, n)
            if hugo:
                site = base / f"hugo{n}"
                subprocess.run([hugo, "new", "site", str(site)], capture_output=True, check=True)
                jobs[f"new (Hugo site) {n}"] = (
                    [python, "-m", "blogcli", "new", "Post number one", "--dry-run"], site, n)
            jobs[f"--version {n}"] = ([python, "-m", "blogcli", "--version"], base, n)
            jobs[f"--help {n}"] = ([python, "-m", "blogcli", "--help"], base, n)
        counts = {name: instructions(cmd, cwd, trees[n], cold=name.startswith("check cold"))
                  for name, (cmd, cwd, n) in jobs.items()}
        if posts:
            (base / "publish").mkdir()
            repo = bench_publish.build(base / "publish", posts)
            # Files written less than 2 s before a run are not trusted by their stat
            # signature (cache.RACY_SLACK_NS): the first tree would read the whole site.
            time.sleep(2.5)
            for n, tree in enumerate(trees):
                counts[f"publish ({posts:,} posts) {n}"] = publish_instructions(
                    python, tree, repo, n, base / f"cache{n}")
    for n, tree in enumerate(trees):
        print(f"[{n}] {tree}")
    print(f"{'job':28} {'M instructions':>15}")
    for name, count in counts.items():
        job, _, index = name.rpartition(" ")
        first = counts.get(f"{job} 0") if index not in ("0", "pass") else None
        change = f"  {count / first - 1:+.1%} vs [0]" if first else ""
        print(f"{name:28} {count:15.1f}{change}")


if __name__ == "__main__":
    main()
