"""Re-run the hostile-input breaks listed in issue 15 against a checkout of blog and print a
table: case, command, expected, result (holds / BROKEN), time and peak RSS of the run.

    .venv/bin/python bench/verify_issue15.py [CHECKOUT] [--only TEXT]   # default: this checkout

``--only MB`` runs the rows whose name holds "MB" (the huge posts), and so on.

Each case makes a small real site in a temp folder and runs `python -m blogcli` from CHECKOUT
as a subprocess (PYTHONPATH=CHECKOUT), with a 60 s bound. Publish, credential and signal
cases are covered by tests (named in the table's last rows), not here.
"""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import IO

TOML = '[site]\ntitle = "T"\nprofile = "plain"\n'
POST = "---\ntitle: {title}\ndate: 2024-01-01\n---\n{body}\n"
LIMIT = 60.0


@dataclass
class Run:
    code: int
    out: str
    err: str
    seconds: float
    peak_mb: float


def blog(checkout: Path, cwd: Path, *args: str, env: dict[str, str] | None = None,
         timeout: float = LIMIT) -> Run:
    """Run blog; its own peak RSS comes from wait4 (pipes drained by threads meanwhile)."""
    full = dict(os.environ, PYTHONPATH=str(checkout), NO_COLOR="1", **(env or {}))
    started = time.monotonic()
    # Its own session: a timeout stops its forked workers too (they hold the pipes open).
    proc = subprocess.Popen([sys.executable, "-m", "blogcli", *args], cwd=cwd, env=full,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            start_new_session=True)
    chunks: dict[str, bytes] = {}

    def drain(name: str, pipe: IO[bytes]) -> None:
        chunks[name] = pipe.read()
    readers = [threading.Thread(target=drain, args=(n, p)) for n, p in
               (("out", proc.stdout), ("err", proc.stderr))]
    for reader in readers:
        reader.start()
    while True:
        pid, status, usage = os.wait4(proc.pid, os.WNOHANG)
        if pid:
            break
        if time.monotonic() - started > timeout:
            os.killpg(proc.pid, signal.SIGKILL)
            _, status, usage = os.wait4(proc.pid, 0)
            break
        time.sleep(0.01)
    seconds = time.monotonic() - started
    proc.returncode = os.waitstatus_to_exitcode(status)  # reaped here, not by Popen
    with contextlib.suppress(ProcessLookupError):
        os.killpg(proc.pid, signal.SIGKILL)  # workers left behind by a killed run
    for reader in readers:
        reader.join()
    return Run(proc.returncode, chunks.get("out", b"").decode(errors="replace"),
               "TIMEOUT" if seconds > timeout else chunks.get("err", b"").decode(errors="replace"),
               seconds, usage.ru_maxrss / 1024)


class Made(str):
    """A post too big to hold here, written by a Python expression run in its own process: a
    run's peak RSS (wait4, Linux) starts from this process's peak, whatever it held before."""


def site(tmp: Path, posts: dict[str, str | bytes], toml: str = TOML) -> Path:
    root = tmp / "site"
    (root / "posts").mkdir(parents=True)
    (root / "blog.toml").write_text(toml, encoding="utf-8")
    for name, text in posts.items():
        path = root / "posts" / name
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(text, Made):
            subprocess.run([sys.executable, "-c", "import sys\nPOST = " + repr(POST) +
                            f"\nopen(sys.argv[1], 'w').write({text})", str(path)], check=True)
        else:
            path.write_bytes(text.encode() if isinstance(text, str) else text)
    return root


def clean(run: Run) -> bool:
    return "Traceback" not in run.err and run.code in (0, 1, 2) and run.err != "TIMEOUT"


BOMB = ("title: &a [x, x, x, x, x, x, x, x, x]\ntags: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]\n"
        "c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b]\nd: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c]\n"
        "e: &e [*d, *d, *d, *d, *d, *d, *d, *d, *d]\nf: &f [*e, *e, *e, *e, *e, *e, *e, *e, *e]\n"
        "g: [*f, *f, *f, *f, *f, *f, *f, *f, *f]\n")

Case = tuple[str, str, str, Callable[[Path, Path], tuple[bool, str, Run]]]
CASES: list[Case] = []


def case(name: str, command: str, expected: str) -> Callable[[Callable[..., tuple[bool, str, Run]]],
                                                              None]:
    def add(func: Callable[[Path, Path], tuple[bool, str, Run]]) -> None:
        CASES.append((name, command, expected, func))
    return add


def link_case(target: str) -> Callable[[Path, Path], tuple[bool, str, Run]]:
    def run(co: Path, tmp: Path) -> tuple[bool, str, Run]:
        root = site(tmp, {"a.md": POST.format(title="A", body=f"[x]({target})\n![i]({target})\n"
                                                               f'<img src="{target}">')})
        done = blog(co, root, "check")
        return clean(done) and "posts/a.md:5" in done.out, done.out[-120:], done
    return run


case("NUL in a link", "check with [x](a%00.md), /a%00, image, raw HTML",
     "findings at posts/a.md:5, no traceback")(link_case("a%00.md"))
case("NUL, root-absolute", "check with [x](/a%00)", "finding, no traceback")(link_case("/a%00"))
case("3,000-char link target", "check", "finding, no traceback")(link_case("x" * 3000))


@case("300-byte slug", "new T --slug b*300", "exit 2, clear message")
def _long_slug(co: Path, tmp: Path) -> tuple[bool, str, Run]:
    done = blog(co, site(tmp, {}), "new", "T", "--slug", "b" * 300)
    return clean(done) and done.code == 2, done.err.strip()[:100], done


@case("243-byte slug", "new T --slug c*243", "exit 0, file written")
def _slug_243(co: Path, tmp: Path) -> tuple[bool, str, Run]:
    root = site(tmp, {})
    done = blog(co, root, "new", "T", "--slug", "c" * 243)
    return done.code == 0 and (root / "posts" / f"{'c' * 243}.md").is_file(), \
        f"exit {done.code}", done


def every_command(front: str, commands: tuple[tuple[str, ...], ...] = (
        ("check",), ("list",), ("show", "bad"), ("stats",), ("index",))) -> Callable[
            [Path, Path], tuple[bool, str, Run]]:
    def run(co: Path, tmp: Path) -> tuple[bool, str, Run]:
        root = site(tmp, {"bad.md": front})
        runs = [blog(co, root, *args) for args in commands]
        bad = [" ".join(args) for args, r in zip(commands, runs, strict=True) if not clean(r)]
        slowest = max(runs, key=lambda r: r.seconds)
        return not bad, ("broken in: " + ", ".join(bad)) if bad else \
            f"no traceback in {len(runs)} commands", slowest
    return run


case("5,000-digit number", "check/list/show/stats/index", "no ValueError traceback")(
    every_command("---\ntitle: x\nn: " + "7" * 5000 + "\n---\nBody\n"))
case("JSON nested 5,000 deep", "check/list/show/stats/index", "no RecursionError")(
    every_command('{"title": ' + "[" * 5000 + "]" * 5000 + "}\nBody\n"))
case("YAML alias bomb", "check, list", "finding in seconds, bounded memory")(
    every_command(f"---\n{BOMB}---\nBody\n", (("check",), ("list",))))
case("reading_time: .inf", "list/show/stats/index", "no OverflowError")(
    every_command("---\ntitle: x\ndate: 2024-01-01\nreading_time: .inf\n---\nBody\n"))
case("JSON reading_time Infinity", "list/show/stats/index", "no OverflowError")(
    every_command('{"title": "x", "date": "2024-01-01", "reading_time": Infinity}\nBody\n'))
case("reading_time: 99999999999999999999", "stats (and others)", "no RuntimeError")(
    every_command("---\ntitle: x\ndate: 2024-01-01\nreading_time: 99999999999999999999\n---\n"
                  "Body\n"))


@case("nested range(100000) scaffold", "index with scaffolds/index.md looping 10^10",
      "stopped with an error, bounded")
def _runaway(co: Path, tmp: Path) -> tuple[bool, str, Run]:
    root = site(tmp, {"a.md": POST.format(title="A", body="Hi")})
    (root / "scaffolds").mkdir()
    (root / "scaffolds" / "index.md").write_text(
        "{% for i in range(100000) %}{% for j in range(100000) %}x{% endfor %}{% endfor %}\n",
        encoding="utf-8")
    done = blog(co, root, "index")
    return clean(done) and done.code != 0 and done.seconds < 30, done.err.strip()[:100], done


@case("cache of the wrong shape", "check, list after entries damaged",
      "rebuilt, said once, no KeyError")
def _cache_shape(co: Path, tmp: Path) -> tuple[bool, str, Run]:
    import json
    root = site(tmp, {f"p{n}.md": POST.format(title=f"P{n}", body="[x](/posts/p0/)")
                      for n in range(3)})
    env = {"XDG_CACHE_HOME": str(tmp / "cache")}
    blog(co, root, "check", env=env), blog(co, root, "list", env=env)
    for path in (tmp / "cache").rglob("*.json"):
        stored = json.loads(path.read_text(encoding="utf-8"))
        for rel in stored["entries"]:
            stored["entries"][rel] = {"wrong": "shape"}
        path.write_text(json.dumps(stored), encoding="utf-8")
    runs = [blog(co, root, "check", env=env), blog(co, root, "list", env=env)]
    return all(clean(r) and r.code == 0 for r in runs), runs[0].err.strip()[:100], runs[0]


def timed(name: str, command: list[str], posts: dict[str, str | bytes], expected: str,
          seconds: float, toml: str = TOML, few_times: bool = False) -> None:
    """A run that must end cleanly within ``seconds`` and, with ``few_times``, within six
    times the posts' size in memory over the 40 MB the interpreter itself takes."""
    def run(co: Path, tmp: Path) -> tuple[bool, str, Run]:
        root = site(tmp, posts, toml)
        size = sum(p.stat().st_size for p in (root / "posts").iterdir()) / 2**20
        done = blog(co, root, *command, timeout=max(LIMIT, seconds))
        bound = f", bound {6 * size + 40:.0f} MB" if few_times else ""
        return clean(done) and done.seconds < seconds and (
            not few_times or done.peak_mb < 6 * size + 40), \
            f"exit {done.code}, {done.seconds:.1f} s, {done.peak_mb:.0f} MB{bound}", done
    case(name, " ".join(command), expected)(run)


timed("show, 100K non-ASCII run", ["show", "a"],
      {"a.md": POST.format(title="A", body="é" * 100_000)}, "linear (< 5 s)", 5)
timed("show, 200K non-ASCII run", ["show", "a"],
      {"a.md": POST.format(title="A", body="é" * 200_000)}, "linear (< 10 s)", 10)
timed("156 KB of unclosed <!--", ["check"],
      {"a.md": POST.format(title="A", body="<!--" * 39_000)}, "linear (< 5 s)", 5)
timed("400 KB of unclosed <!--", ["check"],
      {"a.md": POST.format(title="A", body="<!--" * 100_000)}, "linear (< 10 s)", 10)
BIG = Made('POST.format(title="Big", body=("word [l](/x) " * 1_300_000))')  # ~16 MB
timed("16 MB post, check", ["check"], {"big.md": BIG},
      "a finding or a few x the file in memory (< 20 s)", 20)
timed("16 MB post, list", ["list"], {"big.md": BIG}, "bounded (< 20 s)", 20)
timed("16 MB post, check, max_post_mb = 64", ["check"], {"big.md": BIG},
      "memory a few x the file (16 MB)", 20, TOML + "max_post_mb = 64\n", True)
timed("16 MB post, list, max_post_mb = 64", ["list"], {"big.md": BIG},
      "memory a few x the file (16 MB)", 20, TOML + "max_post_mb = 64\n", True)
# Prose: paragraphs of sentences, 15 MB and 95 MB.
PARAGRAPH = '("The quick brown fox jumps over the lazy dog. " * 9 + "It ends here.\\n\\n")'
PROSE = Made(f'POST.format(title="Prose", body={PARAGRAPH} * 38_000)')
timed("16 MB of prose, check, max_post_mb = 64", ["check"], {"prose.md": PROSE},
      "memory a few x the file (16 MB)", 20, TOML + "max_post_mb = 64\n", True)
timed("16 MB of prose, list, max_post_mb = 64", ["list"], {"prose.md": PROSE},
      "memory a few x the file (16 MB)", 20, TOML + "max_post_mb = 64\n", True)
HUGE = Made(f'POST.format(title="Huge", body={PARAGRAPH} * 237_000)')
timed("100 MB of prose, check, max_post_mb = 200", ["check"], {"huge.md": HUGE},
      "bounded time, memory a few x the file", 120, TOML + "max_post_mb = 200\n", True)
timed("100 MB of prose, list, max_post_mb = 200", ["list"], {"huge.md": HUGE},
      "bounded time, memory a few x the file", 120, TOML + "max_post_mb = 200\n", True)

@case("--external, 100 links to a host that never answers", "check --external",
      "given up on as a host; an overall deadline")
def _tarpit(co: Path, tmp: Path) -> tuple[bool, str, Run]:
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(200)
    port = server.getsockname()[1]
    held: list[socket.socket] = []
    stop = threading.Event()

    def hold() -> None:
        server.settimeout(0.2)
        while not stop.is_set():
            try:
                held.append(server.accept()[0])
            except OSError:
                continue
    thread = threading.Thread(target=hold, daemon=True)
    thread.start()
    body = "\n".join(f"[l{n}](http://127.0.0.1:{port}/p{n})" for n in range(100))
    toml = TOML + "[links]\nallow_private = true\n"
    try:
        done = blog(co, site(tmp, {"a.md": POST.format(title="A", body=body)}, toml),
                    "check", "--external", timeout=300)
    finally:
        stop.set()
        thread.join()
        server.close()
        for conn in held:
            conn.close()
    return clean(done) and done.seconds < 120, f"exit {done.code}, {done.seconds:.0f} s", done


@case("NFC/NFD spellings of one slug", "check", "duplicate-slug")
def _nfd(co: Path, tmp: Path) -> tuple[bool, str, Run]:
    nfc, nfd = "café", unicodedata.normalize("NFD", "café")
    done = blog(co, site(tmp, {f"{nfc}.md": POST.format(title="A", body="a"),
                               f"{nfd}.md": POST.format(title="B", body="b")}), "check")
    return "duplicate-slug" in done.out, done.out.strip().splitlines()[-1][:100], done


@case("deleted working folder", "list from a deleted cwd", "Error: …, non-zero, no traceback")
def _gone(co: Path, tmp: Path) -> tuple[bool, str, Run]:
    gone = tmp / "gone"
    gone.mkdir()
    started = time.monotonic()
    done = subprocess.run(["sh", "-c", 'cd "$1" && rmdir "$1" && shift && exec "$@"', "sh",
                           str(gone), sys.executable, "-m", "blogcli", "list"],
                          env=dict(os.environ, PYTHONPATH=str(co)), capture_output=True,
                          text=True, timeout=LIMIT)
    run = Run(done.returncode, done.stdout, done.stderr, time.monotonic() - started, 0)
    return done.stderr.startswith("Error:") and done.returncode != 0, \
        done.stderr.strip().splitlines()[-1][:100], run


@case("relative XDG_CACHE_HOME", "check with XDG_CACHE_HOME=cache", "no cache in the site")
def _xdg(co: Path, tmp: Path) -> tuple[bool, str, Run]:
    root = site(tmp, {"a.md": POST.format(title="A", body="a")})
    done = blog(co, root, "check", env={"XDG_CACHE_HOME": "cache", "HOME": str(tmp)})
    inside = (root / "cache").exists()
    return not inside, "cache written into the site" if inside else "not in the site", done


@case("Windows-reserved slug", "new T --slug con (aux, nul.txt, com1, a.)", "refused, exit 2")
def _windows(co: Path, tmp: Path) -> tuple[bool, str, Run]:
    root = site(tmp, {})
    runs = [blog(co, root, "new", "T", "--slug", slug)
            for slug in ("con", "aux", "nul.txt", "com1", "a.")]
    took = [slug for slug, r in zip(("con", "aux", "nul.txt", "com1", "a."), runs, strict=True)
            if r.code == 0]
    return not took, f"accepted: {', '.join(took)}" if took else "all refused", runs[0]


@case("Windows-reserved post name", "check with posts/con.md", "path-windows warning")
def _windows_check(co: Path, tmp: Path) -> tuple[bool, str, Run]:
    done = blog(co, site(tmp, {"con.md": POST.format(title="A", body="a")}), "check")
    return "path-windows" in done.out, done.out.strip().splitlines()[-1][:100], done


@case("Hugo `Draft: true` in list", "list --format json on a Hugo site", "status draft")
def _hugo_draft(co: Path, tmp: Path) -> tuple[bool, str, Run]:
    root = tmp / "hugo"
    (root / "content" / "posts").mkdir(parents=True)
    (root / "hugo.toml").write_text('title = "H"\n', encoding="utf-8")
    (root / "content" / "posts" / "a.md").write_text(
        "---\ntitle: A\ndate: 2024-01-01\nDraft: true\n---\nBody\n", encoding="utf-8")
    done = blog(co, root, "list", "--format", "json")
    return '"status": "draft"' in done.out, \
        ("draft" if '"status": "draft"' in done.out else "listed as published"), done


def main(checkout: Path, only: str = "") -> None:
    print(f"checkout: {checkout}\n")
    print("| case | command | expected | result | detail | time | peak RSS |")
    print("|---|---|---|---|---|---|---|")
    broken = 0
    for name, command, expected, func in [c for c in CASES if only in c[0]]:
        with tempfile.TemporaryDirectory() as tmp:
            try:
                ok, detail, run = func(checkout, Path(tmp))
            except Exception as err:  # the harness, not blog: say so in the row
                ok, detail, run = False, f"harness: {err!r}"[:100], Run(-1, "", "", 0, 0)
        broken += not ok
        detail = detail.replace("|", "/").replace("\n", " ")
        print(f"| {name} | {command} | {expected} | {'holds' if ok else 'BROKEN'} | {detail} "
              f"| {run.seconds:.1f} s | {run.peak_mb:.0f} MB |", flush=True)
    ran = sum(1 for c in CASES if only in c[0])
    print(f"\n{ran - broken} of {ran} hold")


if __name__ == "__main__":
    args = sys.argv[1:]
    only = ""
    if "--only" in args:
        at = args.index("--only")
        only = args[at + 1]
        del args[at:at + 2]
    main(Path(args[0]).resolve() if args else Path(__file__).resolve().parents[1], only)
