#!/usr/bin/env python3
"""False alarms over repeated runs: lychee (one-shot) against `blog check --external` with
its link history, on links whose answers change between runs. Run by hand, never in tests.

A 127.0.0.1 server answers three kinds of path, with a schedule fixed by a seed:
  /ok/N     always 200
  /flaky/N  200, except in the runs where it is "down" (503 for the whole run, as a site
            down for an hour is): half are down in run 1 only, half in each run with p=0.3
  /dead/N   always 404 (really broken: both tools should report these)
A false alarm is an error-level report on an /ok or /flaky link. blog's runs are a simulated
week apart (BLOG_NOW), as a weekly CI job's; --daily makes them a day apart.

    python3 bench/links_flaky.py --runs 5 [--daily] [--lychee PATH] [--blog PATH]
"""

from __future__ import annotations

import argparse
import json
import random
import shutil
import subprocess
import tempfile
import threading
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

STATE = {"run": 0}


def schedule(flaky: int, runs: int, seed: int) -> dict[int, set[int]]:
    rng = random.Random(seed)
    down: dict[int, set[int]] = {}
    for n in range(flaky):
        down[n] = {1} if n < flaky // 2 else {r for r in range(1, runs + 1) if rng.random() < 0.3}
    return down


def serve(down: dict[int, set[int]]) -> ThreadingHTTPServer:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, *args: object) -> None:
            pass

        def answer(self) -> None:
            kind, _, number = self.path.strip("/").partition("/")
            status = 200
            if kind == "dead" or kind not in ("ok", "flaky", "dead"):
                status = 404
            elif kind == "flaky" and STATE["run"] in down.get(int(number or 0), set()):
                status = 503
            body = b"ok\n" if status == 200 else b"no\n"
            self.send_response(status)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            if self.command == "GET":
                self.wfile.write(body)

        do_GET = do_HEAD = answer

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


def corpus(root: Path, port: int, ok: int, flaky: int, dead: int) -> None:
    (root / "posts").mkdir(parents=True)
    (root / "blog.toml").write_text('[site]\ntitle = "Bench"\nprofile = "plain"\n\n[links]\n'
                                    "allow_private = true\n", encoding="utf-8")
    urls = [f"/ok/{n}" for n in range(ok)] + [f"/flaky/{n}" for n in range(flaky)] + \
        [f"/dead/{n}" for n in range(dead)]
    for index in range(0, len(urls), 5):
        body = "\n".join(f"- [link](http://127.0.0.1:{port}{u})" for u in urls[index:index + 5])
        (root / "posts" / f"post-{index // 5:03}.md").write_text(
            f"---\ntitle: Post {index}\ndate: 2024-01-02T10:00:00+00:00\n---\n\n{body}\n",
            encoding="utf-8")


def kind(url: str) -> str:
    return url.split("://", 1)[-1].split("/")[1]


def run_lychee(lychee: str, root: Path) -> list[str]:
    done = subprocess.run([lychee, "--no-progress", "--format", "json", "posts"], cwd=root,
                          capture_output=True, text=True, timeout=600)
    report = json.loads(done.stdout)
    failed = report.get("error_map") or report.get("fail_map") or {}
    return [entry["url"] for entries in failed.values() for entry in entries]


def run_blog(blog: str, root: Path, now: datetime) -> tuple[list[str], list[str]]:
    env = {"BLOG_NOW": now.strftime("%Y-%m-%dT%H:%M:%SZ"), "PATH": "/usr/bin:/bin",
           "HOME": str(root.parent), "XDG_CACHE_HOME": str(root.parent / "cache")}
    done = subprocess.run([blog, "check", "--external", "--no-cache", "--format", "json"],
                          cwd=root, capture_output=True, text=True, timeout=600, env=env)
    findings = json.loads(done.stdout)["findings"]
    errors = [f["target"] for f in findings if f["severity"] == "error" and f.get("target")]
    warnings = [f["target"] for f in findings if f["severity"] == "warning" and f.get("target")]
    return errors, warnings


def main() -> None:
    here = Path(__file__).resolve().parent.parent
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--ok", type=int, default=100)
    parser.add_argument("--flaky", type=int, default=40)
    parser.add_argument("--dead", type=int, default=10)
    parser.add_argument("--seed", type=int, default=13)
    parser.add_argument("--daily", action="store_true", help="runs a day apart, not a week")
    parser.add_argument("--lychee", default="/work/realblogs/venv/bin/lychee")
    parser.add_argument("--blog", default=str(here / ".venv" / "bin" / "blog"))
    args = parser.parse_args()
    down = schedule(args.flaky, args.runs, args.seed)
    server = serve(down)
    work = Path(tempfile.mkdtemp(prefix="links-flaky-"))
    try:
        root = work / "site"
        corpus(root, server.server_address[1], args.ok, args.flaky, args.dead)
        start = datetime(2026, 1, 5, 6, 17, tzinfo=UTC)
        step = timedelta(days=1 if args.daily else 7)
        print(f"{args.ok} ok, {args.flaky} flaky, {args.dead} dead links; runs "
              f"{'daily' if args.daily else 'weekly'}")
        print("run  flaky down | lychee: false alarms, dead found | "
              "blog: false alarms (errors), warnings on valid links, dead found (as errors)")
        for run in range(1, args.runs + 1):
            STATE["run"] = run
            downs = sum(run in d for d in down.values())
            lychee = run_lychee(args.lychee, root)
            errors, warnings = run_blog(args.blog, root, start + step * (run - 1))
            row = {
                "run": run, "flaky_down": downs,
                "lychee_false_alarms": sum(kind(u) != "dead" for u in lychee),
                "lychee_dead": sum(kind(u) == "dead" for u in lychee),
                "blog_false_alarms": sum(kind(u) != "dead" for u in errors),
                "blog_warnings_valid": sum(kind(u) != "dead" for u in warnings),
                "blog_dead_errors": sum(kind(u) == "dead" for u in errors),
                "blog_dead_warnings": sum(kind(u) == "dead" for u in warnings),
            }
            print(json.dumps(row))
    finally:
        server.shutdown()
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
