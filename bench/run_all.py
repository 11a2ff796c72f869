"""Every benchmark of blog against its peer, in one run: ``bench/run_all [--runs 5] [--quick]``.

Jobs (each pair interleaved, so the machine's load hits both alike; compare ratios, not
seconds, on a shared machine):

* offline check vs ``lychee --offline --include-fragments`` on 2,000 and 10,000 posts
  (bench_check.py's sites with planted broken links; blog cold and warm)
* ``blog list`` (cold and warm) vs a ``hugo`` build of the same 5,000 posts (gen_corpus.py;
  with ``--real CLONE`` also real_corpus.py's real posts; ``--baseline DIR`` times another
  checkout of blog alongside)
* ``blog new`` vs ``hugo new`` (in a plain blog and in a Hugo site); ``blog --version`` and
  ``blog --help`` vs ``hugo version`` and ``hugo help``
* ``blog publish`` vs plain git doing the same safety steps (bench_publish.py's repository
  of 5,000 posts and commits: fetch, rev-list, status, add, commit --only, push, ls-remote)
* ``blog check --external`` vs lychee on the shared link bench (bench_external.py, 200 posts x
  10 links against a local server with 50 ms latency)

Prints one table: medians of ``--runs`` runs, the ratio blog/peer, peak RSS of the largest
process of each, and CPU seconds where measured. lychee is looked for on PATH and in
/work/realblogs/venv/bin; hugo on PATH.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from functools import partial
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
sys.path.insert(0, str(HERE))
import bench_check  # noqa: E402
import bench_publish  # noqa: E402
from gen_corpus import generate  # noqa: E402

LYCHEE_DIRS = ("/work/realblogs/venv/bin",)
Sample = tuple[float, int, int, float]  # wall s, largest RSS KiB, tree RSS KiB, CPU s
ROWS: list[tuple[str, str, str, float, float, float, float, str]] = []


def measure(cmd: list[str], env: dict[str, str], cwd: str | None = None) -> Sample:
    """Wall seconds, peak RSS (KiB) of the command, 0, CPU seconds (its children included).

    The command runs under /usr/bin/time, which forks it from a small process: a child forked
    from this big Python would inherit its peak RSS (Linux keeps the high-water mark across
    exec), and a Python wrapper would add its own start-up to the wall time.
    """
    with tempfile.NamedTemporaryFile("r") as peak:
        start = time.perf_counter()
        # Not from the source tree: `python -m blogcli` would import the blogcli there first,
        # whatever PYTHONPATH (--compare) says.
        proc = subprocess.Popen(["/usr/bin/time", "-f", "%M", "-o", peak.name, *cmd], env=env,
                                cwd=cwd or tempfile.gettempdir(), stdout=subprocess.DEVNULL,
                                stderr=subprocess.PIPE)
        assert proc.stderr is not None
        err = proc.stderr.read()
        _, status, usage = os.wait4(proc.pid, 0)
        elapsed = time.perf_counter() - start
        proc.returncode = os.waitstatus_to_exitcode(status)
        if proc.returncode:
            raise SystemExit(f"{' '.join(cmd)} failed:\n{err.decode(errors='replace')}")
        rss = int(peak.read().split()[-1])
    return elapsed, rss, 0, usage.ru_utime + usage.ru_stime


def row(job: str, blog: str, peer: str, ours: list[Sample], theirs: list[Sample],
        note: str = "") -> None:
    """Add a table row from the samples of both sides."""
    mine, other = (statistics.median(s[0] for s in x) for x in (ours, theirs))
    rss = [max(s[1] for s in x) / 1024 for x in (ours, theirs)]
    cpu = [statistics.median(s[3] for s in x) for x in (ours, theirs)]
    if all(c > 0 for c in cpu):
        note = f"CPU {cpu[0]:.2f} vs {cpu[1]:.2f} s" + (f"; {note}" if note else "")
    ROWS.append((job, blog, peer, mine, other, rss[0], rss[1], note))
    print(f"  {job}: {blog} {mine:.3f} s, {peer} {other:.3f} s, ratio {mine / other:.2f}",
          flush=True)


def interleaved(runs: int, *jobs: Callable[[int], Sample]) -> list[list[Sample]]:
    out: list[list[Sample]] = [[] for _ in jobs]
    for i in range(runs):
        for samples, job in zip(out, jobs, strict=True):
            samples.append(job(i))
    return out


def env_for(**extra: str) -> dict[str, str]:
    env = dict(os.environ, PYTHONPATH=str(REPO), NO_COLOR="1", **extra)
    env.pop("PYTHONDONTWRITEBYTECODE", None)  # an installed wheel has its bytecode
    return env


def blog(*args: str) -> list[str]:
    return [sys.executable, "-m", "blogcli", *args]


def offline_check(sizes: list[int], runs: int, compare: Path | None) -> None:
    for count in sizes:
        result = bench_check.bench(count, runs, compare)
        found = []
        for name in ("cold", "warm", "lychee"):
            data = result.get(name)
            if isinstance(data, dict):
                found.append(f"{name} missed {data['missed_count']}/{result['planted']} "
                             f"false+ {data['false_positive_count']}")
        lychee = result.get("lychee")
        if not isinstance(lychee, dict):
            print(f"  check {count}: no lychee found, skipped")
            continue
        peer = [(lychee["median_s"], int(lychee["peak_rss_mb"] * 1024), 0,
                 lychee["cpu_median_s"])]
        for name in ("cold", "before-cold", "warm", "changed", "before-warm", "before-changed"):
            data = result.get(name)
            if not isinstance(data, dict):
                continue
            ours = [(data["median_s"], int(data["peak_rss_mb"] * 1024), 0,
                     data["cpu_median_s"])]
            label = {"changed": "warm, one post changed", "before-cold": f"cold, {compare}",
                     "before-warm": f"warm, {compare}",
                     "before-changed": f"warm, one post changed, {compare}"}.get(name, name)
            row(f"check {count:,} posts ({label})", "blog check", "lychee --offline", ours,
                peer, "; ".join(found) if name == "cold" else
                f"missed {data['missed_count']}/{result['planted']} "
                f"false+ {data['false_positive_count']}" if name == "before-cold" else "")


def listing(count: int, runs: int, work: Path, real: Path | None = None,
            baseline: Path | None = None) -> None:
    """``blog list`` cold and warm against a hugo build of the same posts: gen_corpus.py's
    synthetic posts, and with ``real`` (a clone of ruby/www.ruby-lang.org) real_corpus.py's
    5,000 real news posts too. ``baseline`` (another checkout of blog, say ``git archive main``)
    is timed in the same interleaved runs, for before/after ratios."""
    corpora = [("synthetic", work / "list-corpus")]
    generate(corpora[0][1], count)
    if real is not None:
        from real_corpus import build

        corpora.append(("real", work / "list-real"))
        build(real, corpora[1][1], count)
    hugo = shutil.which("hugo")
    if hugo is None:
        print("  list: no hugo on PATH, skipped")
        return
    # Run from elsewhere: ``-m blogcli`` puts the current folder first on sys.path.
    away = tempfile.gettempdir()
    for name, corpus in corpora:
        sides = [("blog", env_for())]
        if baseline is not None:
            sides.append(("baseline", {**env_for(), "PYTHONPATH": str(baseline.resolve())}))
        cmd = blog("--site", str(corpus), "list")
        jobs: list[Callable[[int], Sample]] = [partial(_hugo_build, hugo, corpus, work, name)]
        for side, env in sides:
            warm = work / f"list-warm-{name}-{side}"
            measure(cmd, {**env, "XDG_CACHE_HOME": str(warm)}, away)  # fill the warm cache
            cold = work / f"list-cold-{name}-{side}"
            jobs.append(lambda i, c=cmd, e=env, d=cold: measure(
                c, {**e, "XDG_CACHE_HOME": f"{d}{i}"}, away))
            jobs.append(lambda i, c=cmd, e=env, w=warm: measure(
                c, {**e, "XDG_CACHE_HOME": str(w)}, away))
        built, *ours = interleaved(runs, *jobs)
        for k, (side, _) in enumerate(sides):
            label = "blog list" if side == "blog" else "blog list (baseline)"
            row(f"list {count:,} {name} posts (cold)", label, "hugo build", ours[2 * k], built)
            row(f"list {count:,} {name} posts (warm)", label, "hugo build", ours[2 * k + 1],
                built)


def _hugo_build(hugo: str, corpus: Path, work: Path, name: str, i: int) -> Sample:
    return measure([hugo, "--quiet", "-s", str(corpus), "-d", str(work / f"pub-{name}{i}"),
                    "--cacheDir", str(work / f"hugo-cache-{name}{i}")], env_for())


def new_post(runs: int, work: Path, compare: Path | None = None) -> None:
    """``blog new`` (and --version, --help) against ``hugo new``; with ``compare``, the same
    blog commands from that source tree too, in the same rounds (before/after)."""
    hugo = shutil.which("hugo")
    site, hugo_site = work / "new-blog", work / "new-hugo"
    base = env_for()
    subprocess.run(blog("init", str(site), "--title", "Bench", "--author", "B"), env=base,
                   check=True, capture_output=True)
    if hugo is None:
        print("  new: no hugo on PATH, skipped")
        return
    subprocess.run([hugo, "new", "site", str(hugo_site)], check=True, capture_output=True)
    # blog new in a Hugo site of its own: Hugo's archetype, rendered and given the title
    blog_hugo = work / "new-blog-hugo"
    subprocess.run([hugo, "new", "site", str(blog_hugo)], check=True, capture_output=True)
    jobs = [
        lambda i: measure(blog("--site", str(site), "new", f"Post number {i}"), base),
        lambda i: measure([hugo, "new", "-s", str(hugo_site), f"posts/p{i}.md"], base),
        lambda i: measure(blog("--site", str(blog_hugo), "new", f"Post number {i}"), base),
        lambda i: measure(blog("--version"), base),
        lambda i: measure([hugo, "version"], base),
        lambda i: measure(blog("--help"), base),
        lambda i: measure([hugo, "help"], base)]
    if compare is not None:
        old = {**base, "PYTHONPATH": str(compare)}
        jobs += [
            lambda i: measure(blog("--site", str(site), "new", f"Old post {i}"), old),
            lambda i: measure(blog("--site", str(blog_hugo), "new", f"Old post {i}"), old),
            lambda i: measure(blog("--version"), old),
            lambda i: measure(blog("--help"), old)]
    samples = interleaved(runs, *jobs)
    ours, theirs, in_hugo, version, hugo_version, usage, hugo_usage = samples[:7]
    row("new post", "blog new", "hugo new", ours, theirs)
    row("new post (Hugo site)", "blog new", "hugo new", in_hugo, theirs,
        "Hugo's archetype: blog reads its YAML front matter back")
    row("--version", "blog --version", "hugo version", version, hugo_version)
    row("--help", "blog --help", "hugo help", usage, hugo_usage)
    if compare is not None:
        old_new, old_hugo, old_version, old_usage = samples[7:]
        row(f"new post, {compare}", "blog new", "hugo new", old_new, theirs)
        row(f"new post (Hugo site), {compare}", "blog new", "hugo new", old_hugo, theirs)
        row(f"--version, {compare}", "blog --version", "hugo version", old_version,
            hugo_version)
        row(f"--help, {compare}", "blog --help", "hugo help", old_usage, hugo_usage)


def publish(posts: int, runs: int, work: Path, compare: Path | None) -> None:
    (work / "publish").mkdir()
    site = bench_publish.build(work / "publish", posts)
    # Each source tree its own cache: another tree's code digest would throw this one's site
    # index away on every round, timing two cold pre-flights instead of two warm ones.
    base = env_for(GIT_AUTHOR_NAME="Bench", GIT_AUTHOR_EMAIL="b@e.x",
                   GIT_COMMITTER_NAME="Bench", GIT_COMMITTER_EMAIL="b@e.x",
                   XDG_CACHE_HOME=str(work / "publish-cache"))
    post = bench_publish.POST

    def ours(i: int) -> Sample:
        rel = f"posts/draft-{i}.md"
        (site / rel).write_text(post.format(n=i, draft="true", body="New."), encoding="utf-8")
        return measure(blog("--site", str(site), "publish", rel), base)

    def theirs(i: int) -> Sample:
        rel = f"posts/safe-{i}.md"
        (site / rel).write_text(post.format(n=i, draft="false", body="New."), encoding="utf-8")
        steps = [measure(["git", "-C", str(site), *cmd[1:]], base)
                 for cmd in bench_publish.safe_git(rel, i)]
        return (sum(s[0] for s in steps), max(s[1] for s in steps), max(s[2] for s in steps),
                sum(s[3] for s in steps))

    def before(i: int) -> Sample:  # the same, from another source tree (--compare)
        rel = f"posts/other-{i}.md"
        (site / rel).write_text(post.format(n=i, draft="true", body="O."), encoding="utf-8")
        return measure(blog("--site", str(site), "publish", rel),
                       {**base, "PYTHONPATH": str(compare),
                        "XDG_CACHE_HOME": str(work / "publish-cache-before")})

    # Files written less than 2 s before a run are not trusted by their stat signature
    # (cache.RACY_SLACK_NS): a warm-up right after the build would leave the first tree's
    # first timed run reading the whole site again, and not the other's.
    time.sleep(2.5)
    ours(runs)  # warm-up: the first publish fills the check cache
    if compare is None:
        mine, plain = interleaved(runs, ours, theirs)
    else:
        before(runs)
        mine, plain, old = interleaved(runs, ours, theirs, before)
        row(f"publish ({posts:,}-post repo), {compare}", "blog publish", "git safety steps",
            old, plain)
    row(f"publish ({posts:,}-post repo)", "blog publish", "git safety steps", mine, plain,
        "target: blog <= git + 0.1 s")


def external(runs: int, work: Path, lychee: str) -> None:
    tools = work / "ext" / "tools" / "venv" / "bin"
    tools.mkdir(parents=True)
    (tools / "lychee").symlink_to(lychee)
    results = work / "external.jsonl"
    done = subprocess.run([sys.executable, str(HERE / "bench_external.py"), "--only",
                           "lychee-fast,blog-fast", "--repeat", str(runs), "--work",
                           str(work / "ext"), "--results", str(results)],
                          env=env_for(), capture_output=True, text=True)
    if done.returncode or not results.exists():
        print(f"  external: bench_external.py failed:\n{done.stdout[-2000:]}{done.stderr[-2000:]}")
        return
    rows = [json.loads(line) for line in results.read_text().splitlines() if line.strip()]

    def samples(tool: str) -> list[Sample]:
        return [(float(r["wall_s"]), int(r.get("max_rss_kb", 0)), 0,
                 float(r.get("user_s", 0)) + float(r.get("sys_s", 0)))
                for r in rows if r["tool"] == tool]

    last = {r["tool"]: r for r in rows}
    found = "; ".join(f"{t.split('-')[0]} found {r.get('found')}/{r.get('broken_total')} "
                      f"false+ {r.get('false_pos')}" for t, r in last.items())
    row("check --external (shared bench)", "blog check --external", "lychee",
        samples("blog-fast-cli"), samples("lychee-fast"), found)


def lychee_path() -> str | None:
    return shutil.which("lychee") or next(
        (str(Path(d) / "lychee") for d in LYCHEE_DIRS if (Path(d) / "lychee").exists()), None)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--quick", action="store_true",
                        help="small sizes (500 / 1,000 posts) to try the script out")
    parser.add_argument("--only", help="comma-separated: check,list,new,publish,external")
    parser.add_argument("--real", type=Path, help="list: also time real_corpus.py's posts "
                        "from this clone of ruby/www.ruby-lang.org")
    parser.add_argument("--baseline", type=Path, help="list: also time this other checkout "
                        "of blog in the same runs (before/after)")
    parser.add_argument("--compare", type=Path, metavar="SRC",
                        help="also time check (cold, warm), new and publish from another "
                             "source tree in the same rounds, e.g. main: git archive main | "
                             "tar -x -C SRC")
    opts = parser.parse_args()
    lychee = lychee_path()
    if lychee:  # bench_check looks for it on PATH
        os.environ["PATH"] += os.pathsep + str(Path(lychee).parent)
    jobs = set((opts.only or "check,list,new,publish,external").split(","))
    sizes = [500] if opts.quick else [2000, 10000]
    posts = 1000 if opts.quick else 5000
    started = time.time()
    load = os.getloadavg()[0]
    with tempfile.TemporaryDirectory(prefix="blog-run-all-") as tmp:
        work = Path(tmp)
        if "check" in jobs:
            offline_check(sizes, opts.runs, opts.compare and opts.compare.resolve())
        if "list" in jobs:
            listing(posts, opts.runs, work, opts.real, opts.baseline)
        if "new" in jobs:
            new_post(max(opts.runs, 9), work, opts.compare and opts.compare.resolve())
        if "publish" in jobs:
            publish(posts, opts.runs, work, opts.compare and opts.compare.resolve())
        if "external" in jobs and lychee:
            external(min(opts.runs, 3), work, lychee)
    print(f"\nmedians of {opts.runs} runs ({max(opts.runs, 9)} for new, {min(opts.runs, 3)} for "
          f"external); {os.cpu_count()} cores, load {load:.1f} at start, "
          f"{os.getloadavg()[0]:.1f} at end; {time.time() - started:.0f} s in all\n")
    print("| job | blog | peer | blog s | peer s | blog/peer | blog peak MB | peer peak MB "
          "| notes |")
    print("|---|---|---|---:|---:|---:|---:|---:|---|")
    for job, ours, peer, mine, other, rss_mine, rss_other, note in ROWS:
        print(f"| {job} | {ours} | {peer} | {mine:.3f} | {other:.3f} | {mine / other:.2f} | "
              f"{rss_mine:.0f} | {rss_other:.0f} | {note} |")


if __name__ == "__main__":
    main()
