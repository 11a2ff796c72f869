"""Benchmark: `blog publish` against the raw `git add/commit/push` it replaces.

A repository of 5,000 posts with 5,000 commits of history (built with `git fast-import`),
pushing to a local bare remote. Each round publishes a new draft with `blog publish` and commits
and pushes another new post with plain git; the two alternate so that machine noise hits both.
Prints the medians and their ratio (target: blog <= 1.5x raw). Each round also publishes a
draft with links to two other posts: its pre-flight resolves them against every page's address.

Run from the repository root:

    python bench/bench_publish.py [--posts 5000] [--rounds 9] [--keep DIR] [--compare SRC]
                                  [--hugo]

``--hugo`` makes the repository a Hugo site (hugo.toml, posts in content/posts/) instead of a
plain one, the same posts otherwise.

``--compare SRC`` also times `blog publish` from another source tree (say, main unpacked with
`git archive main | tar -x -C SRC`) in every round, for a before/after from the same run.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
POST = "---\ntitle: Post {n}\ndate: 2024-01-01T00:00:00+00:00\ndraft: {draft}\n---\n\n{body}\n"
LINKED = "Links to [post 3](post-00003.md) and [post {n}](/posts/post-{n:05d}/)."
HUGO_LINKED = "Links to [post 3](/posts/post-00003/) and [post {n}](/posts/post-{n:05d}/)."
PLAIN_CONFIG = ("blog.toml", '[site]\ntitle = "Bench"\nprofile = "plain"\n')
HUGO_CONFIG = ("hugo.toml", 'baseURL = "https://example.org/"\ntitle = "Bench"\n')


def git(*args: str, cwd: Path, data: bytes | None = None) -> None:
    subprocess.run(["git", *args], cwd=cwd, input=data, check=True, capture_output=True)


def fast_import_stream(posts: int, folder: str = "posts",
                       config: tuple[str, str] = PLAIN_CONFIG) -> bytes:
    """One commit per post: 5,000 posts and 5,000 commits in one fast-import stream."""
    out: list[bytes] = []
    stamp = 1_700_000_000
    for n in range(1, posts + 1):
        files = [(f"{folder}/post-{n:05d}.md",
                  POST.format(n=n, draft="false", body=f"Words of post {n}. " * 40))]
        if n == 1:
            files.append(config)
        message = f"Add post {n}".encode()
        out.append(b"commit refs/heads/main\n")
        out.append(f"mark :{n}\ncommitter Bench <b@e.x> {stamp + n} +0000\n".encode())
        out.append(b"data %d\n%s\n" % (len(message), message))
        if n > 1:
            out.append(f"from :{n - 1}\n".encode())
        for path, text in files:
            data = text.encode()
            out.append(f"M 100644 inline {path}\n".encode())
            out.append(b"data %d\n%s\n" % (len(data), data))
    return b"".join(out)


def build(where: Path, posts: int, hugo: bool = False) -> Path:
    site = where / "site"
    git("init", "-q", "-b", "main", str(site), cwd=where)
    git("fast-import", "--quiet", cwd=site, data=fast_import_stream(
        posts, *(("content/posts", HUGO_CONFIG) if hugo else ("posts", PLAIN_CONFIG))))
    git("reset", "-q", "--hard", "main", cwd=site)
    git("clone", "-q", "--bare", str(site), str(where / "remote.git"), cwd=where)
    git("remote", "add", "origin", str(where / "remote.git"), cwd=site)
    git("fetch", "-q", "origin", cwd=site)
    git("branch", "-q", "--set-upstream-to=origin/main", "main", cwd=site)
    return site


def timed(commands: list[list[str]], cwd: Path, env: dict[str, str]) -> float:
    start = time.perf_counter()
    for command in commands:
        subprocess.run(command, cwd=cwd, env=env, check=True, capture_output=True)
    return time.perf_counter() - start


def safe_git(path: str, n: int) -> list[list[str]]:
    """What `blog publish` asks of git, by hand: the raw baseline plus the pre-flight fetch,
    the behind check, the --only commit and the check that the remote moved."""
    tracking = "refs/remotes/origin/main"
    return [["git", "fetch", "-q", "--no-tags", "origin", f"+refs/heads/main:{tracking}"],
            ["git", "rev-list", "--left-right", "--count", f"HEAD...{tracking}"],
            ["git", "status", "--porcelain", "--", path], ["git", "add", "--", path],
            ["git", "commit", "-q", "--only", "-m", f"Safe {n}", "--", path],
            ["git", "push", "-q", "origin", "main"],
            ["git", "ls-remote", "origin", "refs/heads/main"]]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--posts", type=int, default=5000)
    parser.add_argument("--rounds", type=int, default=9)
    parser.add_argument("--keep", type=Path, help="build the repository here and keep it")
    parser.add_argument("--hugo", action="store_true", help="a Hugo site, not a plain one")
    parser.add_argument("--compare", type=Path,
                        help="another blog source tree to time in the same rounds")
    args = parser.parse_args()
    if args.keep:
        args.keep.mkdir(parents=True, exist_ok=True)
        run(args, args.keep)
    else:
        with tempfile.TemporaryDirectory(prefix="bench-publish-") as tmp:
            run(args, Path(tmp))


def run(args: argparse.Namespace, where: Path) -> None:
    started = time.perf_counter()
    site = build(where, args.posts, args.hugo)
    posts = "content/posts" if args.hugo else "posts"
    linked_body = HUGO_LINKED if args.hugo else LINKED
    print(f"built {args.posts} posts / {args.posts} commits in "
          f"{time.perf_counter() - started:.1f} s at {where}")
    env = dict(os.environ, PYTHONPATH=str(REPO), GIT_AUTHOR_NAME="Bench",
               GIT_AUTHOR_EMAIL="b@e.x", GIT_COMMITTER_NAME="Bench", GIT_COMMITTER_EMAIL="b@e.x",
               NO_COLOR="1", PYTHONPYCACHEPREFIX=str(where / "pycache"),
               XDG_CACHE_HOME=str(where / "cache"))
    # An installed wheel has compiled bytecode; without it every run compiles blogcli again.
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    (site / f"{posts}/warm-up.md").write_text(POST.format(n=0, draft="true", body="Warm."),
                                           encoding="utf-8")
    subprocess.run([sys.executable, "-m", "blogcli", "publish", f"{posts}/warm-up.md"], cwd=site,
                   env=env, check=True, capture_output=True)
    # Each tree its own cache: another tree's code digest would throw this one's site index
    # away on every round, timing two cold pre-flights instead of two warm ones.
    other = dict(env, PYTHONPATH=str(args.compare.resolve()),
                 XDG_CACHE_HOME=str(where / "cache-other")) if args.compare else None
    if other is not None:
        (site / f"{posts}/warm-other.md").write_text(POST.format(n=0, draft="true", body="W."),
                                                  encoding="utf-8")
        subprocess.run([sys.executable, "-m", "blogcli", "publish", f"{posts}/warm-other.md"],
                       cwd=site, env=other, check=True, capture_output=True)
    other_times: list[float] = []
    linked_times: list[float] = []
    blog_times: list[float] = []
    raw_times: list[float] = []
    start_times: list[float] = []
    safe_times: list[float] = []
    check_times: list[float] = []
    for n in range(args.rounds):
        draft = site / f"{posts}/draft-{n}.md"
        draft.write_text(POST.format(n=n, draft="true", body="New."), encoding="utf-8")
        check_times.append(timed([[sys.executable, "-m", "blogcli", "check",
                                   f"{posts}/draft-{n}.md"]], site, env))
        blog_times.append(timed([[sys.executable, "-m", "blogcli", "publish",
                                  f"{posts}/draft-{n}.md"]], site, env))
        linked = site / f"{posts}/linked-{n}.md"
        linked.write_text(POST.format(n=n, draft="true", body=linked_body.format(n=n + 10)),
                          encoding="utf-8")
        linked_times.append(timed([[sys.executable, "-m", "blogcli", "publish",
                                    f"{posts}/linked-{n}.md"]], site, env))
        if other is not None:
            (site / f"{posts}/other-{n}.md").write_text(POST.format(n=n, draft="true", body="O."),
                                                      encoding="utf-8")
            other_times.append(timed([[sys.executable, "-m", "blogcli", "publish",
                                       f"{posts}/other-{n}.md"]], site, other))
        raw = f"{posts}/raw-{n}.md"
        (site / raw).write_text(POST.format(n=n, draft="false", body="New."), encoding="utf-8")
        raw_times.append(timed([["git", "add", raw], ["git", "commit", "-q", "-m", f"Add {n}"],
                                ["git", "push", "-q", "origin", "main"]], site, env))
        start_times.append(timed([[sys.executable, "-m", "blogcli", "--version"]], site, env))
        safe = f"{posts}/safe-{n}.md"
        (site / safe).write_text(POST.format(n=n, draft="false", body="New."), encoding="utf-8")
        safe_times.append(timed(safe_git(safe, n), site, env))
    blog, raw, start, safe_raw, check = (
        statistics.median(t) for t in (blog_times, raw_times, start_times, safe_times,
                                       check_times))
    print(f"blog publish          median {blog * 1000:7.1f} ms  ({args.rounds} runs)")
    print(f"git add/commit/push   median {raw * 1000:7.1f} ms")
    print(f"blog --version        median {start * 1000:7.1f} ms  (interpreter + CLI start-up)")
    print(f"blog check POST       median {check * 1000:7.1f} ms  (the pre-flight check alone)")
    print(f"git with the same safety steps  median {safe_raw * 1000:7.1f} ms  (fetch, rev-list, "
          "status, add, commit --only, push, ls-remote)")
    if other_times:
        before = statistics.median(other_times)
        print(f"blog publish ({args.compare})  median {before * 1000:7.1f} ms  "
              f"(ratio to safe git {before / safe_raw:.2f}x, +{(before - safe_raw) * 1000:.0f} ms)")
    print(f"blog publish - safe git  {(blog - safe_raw) * 1000:+.0f} ms  (target <= +100 ms)")
    with_links = statistics.median(linked_times)
    print(f"blog publish, a post with 2 links  median {with_links * 1000:7.1f} ms  "
          f"(safe git +{(with_links - safe_raw) * 1000:.0f} ms)")
    print(f"ratio blog/raw        {blog / raw:.2f}x  (target <= 1.5x)")
    print(f"ratio blog/safe git   {blog / safe_raw:.2f}x")
    print(f"ratio (blog - start-up)/raw  {(blog - start) / raw:.2f}x")


if __name__ == "__main__":
    main()
