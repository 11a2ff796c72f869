#!/usr/bin/env python3
"""A blog with a few hundred external links, checked with `blog check --external` for a person.

Builds (once) a 30-post site with ../shared/bench/links/gen_corpus.py (10 web
links per post, every kind the harness's test server knows), adds one post of
hand-written oddities (a pasted localhost preview link, file: and javascript:
links, mailto, an autolink, raw HTML, a link inside a code block, the same 404
in three syntaxes), starts testserver.py on 127.0.0.1, runs the text report
twice (cold, then warm cache) and stops the server by PID.

  fixture_site.py [--work /tmp/linkbench-web] [--port 18793]
"""

from __future__ import annotations

import argparse
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
# shared/ sits beside the checkout (../shared); a worktree under wt/ is one level deeper.
HARNESS = Path(os.environ.get("LINKBENCH") or next(
    (p / "shared/bench/links" for p in (REPO.parent, REPO.parent.parent)
     if (p / "shared/bench/links").is_dir()), REPO.parent / "shared/bench/links"))

ODD = """---
title: "Odd links"
date: 2024-05-01T10:00:00+00:00
---

Preview while writing: [my draft](http://localhost:1313/posts/odd-links/).
A file on my laptop: ![diagram](file:///Users/me/Desktop/diagram.png).
A button that is a link: [toggle](javascript:void(0)).
Mail me: [email](mailto:me@example.com), call: [phone](tel:+441234567).
An autolink: <http://127.0.0.1:{port}/notfound/odd-autolink>.
Raw HTML: <a href="http://127.0.0.1:{port}/gone/odd-html">old page</a>.
The same broken page as [inline](http://127.0.0.1:{port}/notfound/odd-same) and as
[reference][same].

```sh
curl http://127.0.0.1:{port}/notfound/in-a-code-block   # an example, not a link
```

[same]: http://127.0.0.1:{port}/notfound/odd-same
"""


def build(work: Path, port: int) -> Path:
    root = work / "fixture-site"
    if not (root / "groundtruth.json").exists():
        subprocess.run([sys.executable, str(HARNESS / "gen_corpus.py"), str(root), "--posts",
                        "30", "--ext-per-post", "10", "--port", str(port), "--force"],
                       check=True, stdout=subprocess.DEVNULL)
    (root / "content/posts/odd-links.md").write_text(ODD.format(port=port), encoding="utf-8")
    (root / "blog.toml").write_text(
        '[site]\ntitle = "Fixture"\nprofile = "plain"\nposts_dir = "content/posts"\n\n'
        # allow_private: the test server is on 127.0.0.1. The localhost:1313 preview link is
        # then fetched and refused; without allow_private it is an external-private finding.
        "[links]\nallow_private = true\n", encoding="utf-8")
    return root


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--work", default="/tmp/linkbench-web")
    ap.add_argument("--port", type=int, default=18793)
    args = ap.parse_args()
    root = build(Path(args.work), args.port)
    server = subprocess.Popen(
        [sys.executable, str(HARNESS / "testserver.py"), "--port", str(args.port),
         "--latency-ms", "50", "--slow-ms", "3000", "--max-seconds", "300"],
        stdout=subprocess.PIPE, text=True)
    try:
        assert server.stdout is not None
        if not server.stdout.readline().startswith("READY"):
            raise SystemExit("test server did not start")
        env = {**os.environ, "PYTHONPATH": str(REPO),
               "XDG_CACHE_HOME": str(Path(args.work) / "fixture-cache")}
        subprocess.run(["rm", "-rf", env["XDG_CACHE_HOME"]], check=True)
        for label in ("cold cache", "warm cache"):
            start = time.perf_counter()
            done = subprocess.run([sys.executable, "-m", "blogcli", "check", "--external"],
                                  cwd=root, env=env, text=True, capture_output=True)
            took = time.perf_counter() - start
            print(f"===== blog check --external ({label}): exit {done.returncode}, {took:.2f} s")
            print(done.stdout, end="")
            print(done.stderr, end="", file=sys.stderr)
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=10)


if __name__ == "__main__":
    main()
