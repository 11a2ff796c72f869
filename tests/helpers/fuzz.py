"""Hostile blogs for the fuzz test and bench/fuzz.py: hypothesis strategies over front matter,
Markdown, links and file names, and a runner that checks one blog in a forked child with a
time and memory bound (a hang or a blow-up is a result, not a stuck test run).

Each case is a plain or Hugo site with a few posts; the child runs `check`, `list --format
json` and `new` through typer's CliRunner. A case is bad when any command raises (a
traceback), exits with a code outside 0/1/2, or the child passes its time or memory bound.
"""

from __future__ import annotations

import json
import os
import resource
import signal
import tempfile
import time
import unicodedata
from dataclasses import dataclass
from pathlib import Path

from hypothesis import strategies as st

SECONDS = 20.0  # per case, all three commands
MEMORY = 1536 * 2**20  # address space added to the parent's for one case

HOSTILE_FRONT_MATTER = [
    "title: &a [x, x, x, x, x, x, x, x, x]\ntags: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]\n"
    "x: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b]\ny: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c]\n"
    "z: [*d, *d, *d, *d, *d, *d, *d, *d, *d]\n",
    "title: x\nn: " + "7" * 5000 + "\n",
    "title: x\nreading_time: .inf\n", "title: x\nreading_time: .nan\n",
    "title: x\nreading_time: 99999999999999999999\n", "title: x\nreading_time: -5\n",
    "title: x\nd: " + "[" * 3000 + "]" * 3000 + "\n",
    "title: x\ndate: 2024-13-45\n", "title: x\ndate: 99999-01-01\n", "title: [1, 2\n",
    "title: \"unclosed\n", "title: a: b\n", "\ttitle: tab\n", "title: x\ntitle: y\n",
    "title: !!python/object:os.system x\n", "title: x\ntags: {a: b}\n", "title: x\ntags: 5\n",
    "title: x\ndraft: maybe\n", "Title: X\nDraft: true\n", "title: x\nslug: ../../etc\n",
    "title: x\nslug: \"a\\u0000b\"\n", "title: x\naliases: [/a%00b]\n",
    "title: x\nexpiryDate: 1999-01-01\n", "title: x\ndate: 2024-01-01T25:61:00Z\n",
]
LINK_TARGETS = [
    "a%00.md", "/a%00", "x" * 3000, "../" * 200 + "etc/passwd", "#", "#" + "x" * 5000,
    "http://", "https://[::1", "mailto:", "data:text/html,<b>", "javascript:alert(1)",
    "%", "%zz", "a b.md", "<a.md>", "{{< ref \"nope.md\" >}}", "/" * 500, "?" * 300,
    "con.md", "aux", "CON/a.md", "./", ".", "..", "~", "\\\\server\\share", "file:///etc/passwd",
    "https://example.com/" + "a" * 5000, "C:\\x.md", "é.md", unicodedata.normalize("NFD", "é.md"),
]
BODY_SNIPPETS = [
    "<!--" * 2000, "<!-- a -->", "```\n", "~~~", "<div>", "</div>" * 50, "[x]: /a.md\n",
    "[^1]\n\n[^1]: note", "{{< figure src=\"/a%00.png\" >}}", "{% post_url nope %}",
    "<img src=\"a%00.png\">", "<a href=\"" + "x" * 4000 + "\">x</a>", "![](" + "y" * 4000 + ")",
    "# " + "h" * 2000, "#" * 7 + " deep", "<!--more-->", "\x00", "\ufeff", "\r\n" * 20,
    "é" * 20000, "表" * 20000, "*" * 5000, "[" * 5000, "`" * 3000, "<" * 5000, "&#x0;",
    "&#99999999;", "\u202e", "https://example.com/bare", "www." + "a" * 300 + ".com",
]

text = st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=40)
names = st.one_of(
    st.sampled_from(["con", "aux", "nul", "a" * 243, "b" * 300, "é", unicodedata.normalize(
        "NFD", "é"), "index", "_index", "-rf", ".hidden", "a b", "a%00", "..", "日本語"]),
    st.text(alphabet=st.characters(blacklist_categories=("Cs",), blacklist_characters="/\x00"),
            min_size=1, max_size=60))
scalars = st.one_of(text, st.integers(), st.floats(), st.booleans(), st.none(),
                    st.dates().map(str), st.integers(min_value=10**30, max_value=10**60))
values = st.recursive(scalars, lambda inner: st.one_of(
    st.lists(inner, max_size=4), st.dictionaries(text, inner, max_size=4)), max_leaves=12)
links = st.one_of(st.sampled_from(LINK_TARGETS), text).map(lambda t: f"[x]({t})")
bodies = st.lists(st.one_of(st.sampled_from(BODY_SNIPPETS), links, text), max_size=8).map(
    "\n\n".join)


@st.composite
def front_matter(draw: st.DrawFn) -> str:
    """A front-matter block in one of the three formats, hostile or plain."""
    kind = draw(st.sampled_from(["yaml", "yaml", "hostile", "toml", "json", "none"]))
    if kind == "hostile":
        return f"---\n{draw(st.sampled_from(HOSTILE_FRONT_MATTER))}---\n"
    meta = draw(st.dictionaries(st.sampled_from(["title", "date", "tags", "draft", "slug",
                                                 "reading_time", "summary", "aliases", "x"]),
                                values, max_size=6))
    if kind == "none":
        return ""
    if kind == "json":
        return json.dumps(meta, default=str) + "\n"
    if kind == "toml":
        lines = [f"{k} = {json.dumps(v, default=str)}" for k, v in meta.items()
                 if not isinstance(v, dict)]
        return "+++\n" + "\n".join(lines) + "\n+++\n"
    import yaml

    return "---\n" + yaml.safe_dump(meta, allow_unicode=True) + "---\n"


@st.composite
def blogs(draw: st.DrawFn) -> dict[str, bytes]:
    """A site: its config and a few posts (name -> bytes)."""
    profile = draw(st.sampled_from(["plain", "hugo"]))
    files: dict[str, bytes] = {"blog.toml": b'[site]\ntitle = "F"\nprofile = "plain"\n'} \
        if profile == "plain" else {"hugo.toml": b'title = "F"\n'}
    folder = "posts" if profile == "plain" else "content/posts"
    for _ in range(draw(st.integers(1, 3))):
        name = draw(names)
        raw = (draw(front_matter()) + draw(bodies)).encode("utf-8", "surrogatepass")
        if draw(st.booleans()):
            raw = raw.replace(b"\n", b"\r\n")
        files[f"{folder}/{name}.md"] = raw
    files["new-title"] = draw(names).encode("utf-8")
    return files


@dataclass
class CaseResult:
    status: str  # "ok", "traceback", "hang", "memory", "exit"
    detail: str
    seconds: float
    peak_kb: int


def run_case(files: dict[str, bytes]) -> CaseResult:
    """Write the blog and run check, list and new on it in a forked child with bounds."""
    started = time.monotonic()
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp) / "site"
        root.mkdir()
        title = files.get("new-title", b"t").decode("utf-8", "replace")
        for rel, data in files.items():
            if rel == "new-title":
                continue
            path = root / rel
            try:
                path.parent.mkdir(parents=True, exist_ok=True)
                path.write_bytes(data)
            except OSError:
                continue  # a name the file system refuses is not a case
        read, write = os.pipe()
        pid = os.fork()
        if pid == 0:  # pragma: no cover - the child
            os.close(read)
            _child(root, title, write)
        os.close(write)
        status, detail = _wait(pid, read, started)
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return CaseResult(status, detail, time.monotonic() - started, usage.ru_maxrss)


def _child(root: Path, title: str, out: int) -> None:  # pragma: no cover - runs forked
    code = 0
    try:
        soft = _address_space() + MEMORY
        resource.setrlimit(resource.RLIMIT_AS, (soft, soft))
        os.environ["XDG_CACHE_HOME"] = str(root.parent / "cache")
        from typer.testing import CliRunner

        from blogcli.cli import app

        report = []
        for args in (["check"], ["list", "--format", "json"], ["new", title or "t", "--slug",
                                                              title or "t"]):
            result = CliRunner().invoke(app, ["--site", str(root), *args])
            bad = result.exception is not None and not isinstance(result.exception, SystemExit)
            if bad or result.exit_code not in (0, 1, 2):
                exc = result.exception
                kind = "memory" if isinstance(exc, MemoryError) else "traceback" if bad else "exit"
                report.append(f"{kind}:{' '.join(args[:1])}: exit {result.exit_code}: "
                              f"{type(exc).__name__ if exc else ''}: {str(exc)[:300]}")
        os.write(out, json.dumps(report).encode())
    except BaseException as err:
        os.write(out, json.dumps([f"traceback:harness: {type(err).__name__}: {err}"]).encode())
        code = 1
    finally:
        os._exit(code)


def _address_space() -> int:
    with open("/proc/self/statm", encoding="ascii") as handle:
        return int(handle.read().split()[0]) * resource.getpagesize()


def _wait(pid: int, read: int, started: float) -> tuple[str, str]:
    chunks: list[bytes] = []
    os.set_blocking(read, False)
    while True:
        try:
            chunk = os.read(read, 65536)
            if chunk:
                chunks.append(chunk)
        except BlockingIOError:
            pass
        done, _ = os.waitpid(pid, os.WNOHANG)
        if done:
            break
        if time.monotonic() - started > SECONDS:
            os.kill(pid, signal.SIGKILL)
            os.waitpid(pid, 0)
            os.close(read)
            return "hang", f"no answer in {SECONDS:g} s"
        time.sleep(0.005)
    try:
        while chunk := os.read(read, 65536):
            chunks.append(chunk)
    except BlockingIOError:
        pass
    os.close(read)
    try:
        report = json.loads(b"".join(chunks) or b"[]")
    except ValueError:
        return "traceback", "the child died without a report (killed for memory?)"
    if not report:
        return "ok", ""
    return report[0].split(":", 1)[0], "\n".join(report)
