#!/usr/bin/env python3
"""Drive web.checker.check_urls directly on a generated corpus (before `blog check --external`).

Collects http(s) links from the posts with a regex (inline links and reference
definitions: all the generator writes), checks each distinct URL once, and
prints a JSON list for bench.py's json parser: one item per link instance whose
result is an error (broken, refused, unreachable, TLS). Warnings (unknown,
rate-limited, timeout, redirect) are not broken links and are left out.

  webdirect.py POSTS_DIR [--per-host N] [--concurrency N] [--no-cache]
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from blogcli.web.checker import Status, check_urls
from blogcli.web.settings import Settings

LINK = re.compile(r"\]\((https?://[^)\s]+)\)|^\s*\[[^\]]+\]:\s*(https?://\S+)", re.M)
ERRORS = {Status.BROKEN, Status.REFUSED, Status.UNREACHABLE, Status.TLS_ERROR}


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("posts")
    ap.add_argument("--per-host", type=int, default=8)
    ap.add_argument("--concurrency", type=int, default=64)
    ap.add_argument("--no-cache", action="store_true")
    args = ap.parse_args()
    root = Path(args.posts)
    uses: list[tuple[str, str]] = []
    for path in sorted(root.rglob("*.md")):
        text = path.read_text(encoding="utf-8")
        uses += [(str(path), m.group(1) or m.group(2)) for m in LINK.finditer(text)]
    settings = Settings(allow_private=True, per_host=args.per_host,
                        concurrency=args.concurrency, use_cache=not args.no_cache)
    t0 = time.perf_counter()
    run = check_urls(list(dict.fromkeys(url for _, url in uses)), settings)  # document order
    counts: dict[str, int] = {}
    for result in run.results.values():
        counts[result.status.value] = counts.get(result.status.value, 0) + 1
    print(json.dumps({"seconds": round(time.perf_counter() - t0, 3), "requests": run.requests,
                      "statuses": counts}), file=sys.stderr)
    print(json.dumps([{"file": f, "url": u, "status": run.results[u].status.value}
                      for f, u in uses if run.results[u].status in ERRORS]))


if __name__ == "__main__":
    main()
