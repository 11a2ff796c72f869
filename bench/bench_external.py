#!/usr/bin/env python3
"""`blog check --external` (or web.py directly) vs lychee on ../shared/bench/links.

Uses that harness unchanged (gen_corpus.py, testserver.py, bench.py's
run_once/score): 200 posts x 10 external links, 50 ms server latency, +3 s on
/slow/. Recipes, each run --repeat times under /usr/bin/time -v:

  lychee-fast      lychee --host-concurrency 128 --host-request-interval 0s
  blog-fast        per_host = 128, concurrency = 128 in blog.toml (lychee's politeness)
  blog-second      same, second run over a warm cache (warm-up untimed);
                   `second_run_requests` = requests the server saw in the timed run
  blog-default     the defaults: per_host = 8, concurrency = 64
  blog-second-passing  second run when every fetched link passed (the failing
                   categories excluded in blog.toml): should ask nothing

  bench_external.py [--mode cli|direct] [--repeat 3] [--work /tmp/linkbench-web]

--mode direct runs bench/webdirect.py (regex link collection + web.check_urls)
instead of the CLI, for before `blog check --external` exists; the internal
half of the ground truth is then "missed" by design.
"""

from __future__ import annotations

import argparse
import importlib
import json
import os
import shutil
import statistics
import subprocess
import sys
from pathlib import Path
from types import SimpleNamespace
from typing import Any

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
# shared/ sits beside the checkout (../shared); a worktree under wt/ is one level deeper.
HARNESS = Path(os.environ.get("LINKBENCH") or next(
    (p / "shared/bench/links" for p in (REPO.parent, REPO.parent.parent)
     if (p / "shared/bench/links").is_dir()), REPO.parent / "shared/bench/links"))
PY = sys.executable
PORT = 18791  # not the harness default, so a parallel run of the harness does not collide

TOML = """[site]
profile = "plain"
posts_dir = "content/posts"

[links]
allow_private = true
concurrency = {concurrency}
per_host = {per_host}
{extra}"""
# For "a second run when every link passed": the failing categories are excluded.
ONLY_PASSING = 'exclude = ["/notfound/", "/gone/", "/error/"]\n'

# `blog check --format json` findings -> the harness's {"file", "url"} list (errors only:
# warnings such as external-unknown or external-redirect are not broken links).
TO_HARNESS = (
    "import json,sys; d=json.load(sys.stdin); "
    "print(json.dumps([{'file': f['path'], 'url': f.get('target')} for f in d['findings'] "
    "if f['severity'] == 'error' and f.get('target')]))"
)


def corpus(work: Path, name: str, per_host: int, concurrency: int, extra: str = "") -> Path:
    """A generated corpus (made once) with a blog.toml giving these limits."""
    base = work / "ext200"
    if not (base / "groundtruth.json").exists():
        subprocess.run([PY, str(HARNESS / "gen_corpus.py"), str(base), "--posts", "200",
                        "--ext-per-post", "10", "--port", str(PORT), "--force"], check=True)
    root = work / name
    if not root.exists():
        shutil.copytree(base, root)
    (root / "blog.toml").write_text(TOML.format(per_host=per_host, concurrency=concurrency,
                                                extra=extra))
    return root


def blog_cmd(mode: str, per_host: int, concurrency: int, cache: bool) -> str:
    env = f"PYTHONPATH={REPO} XDG_CACHE_HOME={{out}}/../cache-{per_host}"
    if mode == "direct":
        flags = "" if cache else " --no-cache"
        return (f"{env} {PY} {HERE}/webdirect.py {{posts}} --per-host {per_host} "
                f"--concurrency {concurrency}{flags} > {{out}}/report.json")
    flags = "" if cache else " --no-cache"
    # --no-history: a failure is an error at once, as lychee reports it (the ground truth).
    return (f"{env} {PY} -m blogcli check {{posts}} --external --no-history --format json{flags}"
            f" | {PY} -c \"{_braces(TO_HARNESS)}\" > {{out}}/report.json")


def _braces(text: str) -> str:
    """bench.py fills {root}, {out}... with str.format: literal braces must be doubled."""
    return text.replace("{", "{{").replace("}", "}}")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--mode", choices=["cli", "direct"], default="cli")
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--work", default="/tmp/linkbench-web")
    ap.add_argument("--only", help="comma-separated recipe names")
    ap.add_argument("--results", default=str(HERE / "results" / "external.jsonl"))
    ap.add_argument("--busy", type=int, default=0,
                    help="keep this many busy-loop processes running meanwhile (a loaded "
                         "machine: each takes a core)")
    ap.add_argument("--lychee", default=shutil.which("lychee") or "/work/realblogs/venv/bin/lychee")
    args = ap.parse_args()
    # Without bytecode written, every run would compile blogcli anew (~+60 ms CPU).
    os.environ.pop("PYTHONDONTWRITEBYTECODE", None)
    busy = [subprocess.Popen([PY, "-c", "while True: pass"]) for _ in range(args.busy)]
    try:
        run_all(args)
    finally:
        for proc in busy:
            proc.kill()
            proc.wait()
    summary(Path(args.results))


def run_all(args: argparse.Namespace) -> None:
    work = Path(args.work)
    tools = work / "tools"
    (tools / "venv/bin").mkdir(parents=True, exist_ok=True)
    lychee = tools / "venv/bin/lychee"
    if lychee.is_symlink() or lychee.exists():
        lychee.unlink()
    lychee.symlink_to(args.lychee)  # where bench.py's recipe looks for it
    os.environ["LINKBENCH_TOOLS"] = str(tools)
    sys.path.insert(0, str(HARNESS))
    # The harness's bench.py, imported only now: it reads LINKBENCH_TOOLS at import time.
    bench: Any = importlib.import_module("bench")

    fast = corpus(work, "ext200-fast", 128, 128)
    polite = corpus(work, "ext200-default", 8, 64)
    passing = corpus(work, "ext200-passing", 128, 128, ONLY_PASSING)
    log = work / "second-run.log"
    warm = blog_cmd(args.mode, 128, 128, cache=True)
    recipes = {
        "lychee-fast": (fast, bench.RECIPES["lychee-fast"]),
        "blog-fast": (fast, dict(cmd=blog_cmd(args.mode, 128, 128, cache=False), parser="json")),
        "blog-second": (fast, dict(
            cmd=warm, parser="json", server_args=["--log", str(log)],
            # Fresh cache, one untimed warm run, then mark where the timed run's requests start.
            pre=f"rm -rf {{out}}/../cache-128; : > {log}; {warm}; wc -l < {log} > {{out}}/warm")),
        "blog-default": (polite, dict(cmd=blog_cmd(args.mode, 8, 64, cache=False),
                                      parser="json")),
        "blog-second-passing": (passing, dict(
            cmd=warm, parser="json", server_args=["--log", str(log)],
            pre=f"rm -rf {{out}}/../cache-128; : > {log}; {warm}; wc -l < {log} > {{out}}/warm")),
    }
    only = set(args.only.split(",")) if args.only else set(recipes)
    Path(args.results).parent.mkdir(parents=True, exist_ok=True)
    opts = SimpleNamespace(scratch=str(work / "runs"), latency_ms=50, slow_ms=3000, timeout=600)
    for i in range(args.repeat):
        for name, (root, recipe) in recipes.items():
            if name not in only:
                continue
            gt = json.loads((root / "groundtruth.json").read_text())
            res = bench.run_once(opts, f"{name}-{args.mode}" if name != "lychee-fast" else name,
                                 recipe, root, gt, gt["meta"], i)
            if name.startswith("blog-second"):
                lines = log.read_text().splitlines()
                res["second_run_requests"] = len(lines) - int(
                    (Path(res["scratch"]) / "warm").read_text())
            res["busy"], res["load"] = args.busy, os.getloadavg()[0]
            with open(args.results, "a") as out:
                out.write(json.dumps(res) + "\n")
            keys = ("tool", "run", "wall_s", "user_s", "sys_s", "found", "broken_total",
                    "false_pos", "fp_by_cat", "missed", "max_rss_kb", "second_run_requests",
                    "parse_error", "load")
            print(json.dumps({k: res[k] for k in keys if k in res}), flush=True)


def summary(results: Path) -> None:
    """Medians per tool (and load), with CPU per external link and its ratio to lychee's."""
    rows = [json.loads(line) for line in results.read_text().splitlines() if line.strip()]
    groups: dict[tuple[str, int], list[dict[str, Any]]] = {}
    for row in rows:
        groups.setdefault((str(row["tool"]), int(row.get("busy", 0))), []).append(row)

    def cpu(r: dict[str, Any]) -> float:
        return float(r.get("user_s", 0)) + float(r.get("sys_s", 0))

    print("| tool | busy cores | runs | wall s median (min-max) | CPU s median | CPU ms/link "
          "| CPU vs lychee | max RSS MB | found/broken | false alarms | server reqs "
          "| 2nd-run reqs |")
    print("|---|---|---|---|---|---|---|---|---|---|---|---|")
    for (tool, busy), rs in groups.items():
        walls = [float(r["wall_s"]) for r in rs]
        cpus = statistics.median(cpu(r) for r in rs)
        links = int(rs[-1].get("external_instances") or 1)
        peer = groups.get(("lychee-fast", busy))
        ratio = f"{cpus / statistics.median(cpu(r) for r in peer):.2f}x" if peer else "-"
        rss = max(float(r.get("max_rss_kb", 0)) for r in rs) / 1024
        last = rs[-1]
        server = last.get("server") or {}
        print(f"| {tool} | {busy} | {len(rs)} | {statistics.median(walls):.2f} ({min(walls):.2f}-"
              f"{max(walls):.2f}) | {cpus:.2f} | {1000 * cpus / links:.3f} | {ratio} | {rss:.0f} "
              f"| {last.get('found')}/{last.get('broken_total')} | {last.get('false_pos')} "
              f"{json.dumps(last.get('fp_by_cat') or {})} | {server.get('requests', '-')} "
              f"| {last.get('second_run_requests', '-')} |")


if __name__ == "__main__":
    main()
