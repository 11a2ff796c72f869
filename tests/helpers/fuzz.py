"""Hostile blogs for the fuzz test and bench/fuzz.py: hypothesis strategies over front matter,
Markdown, links and file names, and a runner that checks one blog in a forked child with a
time and memory bound (a hang or a blow-up is a result, not a stuck test run).

Each case is a plain or Hugo site with a few posts; the child runs `check`, `list --format
json` and `new` through typer's CliRunner. In some cases the caches those runs wrote are then
vandalised (values of the wrong shape, entry by entry, which a marshalled cache's seal then
refuses) and `check` and `list` run again. A case is bad when any command raises (a
traceback), exits with a code outside 0/1/2, or the child passes its time or memory bound
(RLIMIT_AS); its peak RSS is measured (wait4).

Hostile inputs the issue lists, each drawn often: NUL in targets, names and bodies; over-long
targets and names; huge numbers and infinities in YAML, TOML and JSON; deep nesting; alias
bombs; a wrong-shape cache; NFC/NFD spellings; Windows device names and trailing dots.
"""

from __future__ import annotations

import json
import marshal
import os
import resource
import signal
import tempfile
import time
import traceback
import unicodedata
import zlib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

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
    "title: x\nreading_time: 1e400\nweight: -.inf\n", "title: x\ndate: 1e400\n",
]
# Whole front-matter blocks in TOML and JSON (the YAML ones above get their fences).
HOSTILE_BLOCKS = [
    "+++\ntitle = \"x\"\nn = " + "9" * 5000 + "\n+++\n",
    "+++\ntitle = \"x\"\nreading_time = inf\nweight = nan\n+++\n",
    "+++\ntitle = \"x\"\nd = " + "[" * 3000 + "]" * 3000 + "\n+++\n",
    "+++\ntitle = \"x\"\ndate = 9999-12-31T23:59:60Z\n+++\n",
    '{"title": "x", "d": ' + "[" * 5000 + "]" * 5000 + "}\n",
    '{"title": "x", "reading_time": Infinity, "n": NaN}\n',
    '{"title": "x", "reading_time": 1e999, "words": -1e999}\n',
    '{"title": "x", "n": ' + "9" * 5000 + "}\n",
    '{"title": "x\\u0000y", "slug": "con"}\n',
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
    st.sampled_from(["con", "aux", "nul", "CON", "Aux.old", "com1", "lpt9.x", "a.", "a ",
                     "x:y", "a" * 243, "b" * 300, "é", unicodedata.normalize("NFD", "é"),
                     "café", unicodedata.normalize("NFD", "café"), "index", "_index", "-rf",
                     ".hidden", "a b", "a%00", "..", "日本語", "x" * 5000]),
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
    kind = draw(st.sampled_from(["yaml", "yaml", "hostile", "hostile-block", "toml", "json",
                                 "none"]))
    if kind == "hostile":
        return f"---\n{draw(st.sampled_from(HOSTILE_FRONT_MATTER))}---\n"
    if kind == "hostile-block":
        return draw(st.sampled_from(HOSTILE_BLOCKS))
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
    if draw(st.integers(0, 2)) == 0:
        damage = [draw(st.sampled_from(CACHE_DAMAGE)), draw(values)]
        files["cache-damage"] = json.dumps(damage, default=str).encode()
    return files


# How a cache of valid JSON can have the wrong shape (the version kept, so it is read).
CACHE_DAMAGE = ["entries", "entry", "value", "signature", "journal"]


def damage_caches(folder: Path, how: str, value: object) -> int:
    """Rewrite every cache file under ``folder`` with ``value`` where the data belongs."""
    count = 0
    for path in folder.rglob("*.json"):
        stored = json.loads(path.read_bytes())
        entries = stored.get("entries")
        if how == "entries":
            stored["entries"] = value
        elif how == "journal":
            lines = [json.dumps([stored.get("version"), rel, value], default=str)
                     for rel in entries or ["posts/x.md"]] + ["{", "[1, 2]", "null"]
            path.with_suffix(".log").write_text("\n".join(lines) + "\n", encoding="utf-8")
        elif isinstance(entries, dict):
            for rel, entry in entries.items():
                if how == "entry":
                    entries[rel] = value
                elif isinstance(entry, list) and len(entry) > 2:
                    entry[1 if how == "value" else 2] = value
        path.write_text(json.dumps(stored, default=str), encoding="utf-8")
        count += 1
    for path in folder.rglob("*.cache"):  # FileCache's: a head line, then marshal's bytes
        head, _, payload = path.read_bytes().partition(b"\n")
        entries = marshal.loads(payload)
        version = int(head.split(b" version ")[1].split()[0])
        if how == "journal":  # the file intact, so that its journal is read after it
            plain = json.loads(json.dumps(value, default=str))
            bodies = [marshal.dumps([version, rel, plain]) for rel in entries or
                      ["posts/x.md"]] + [marshal.dumps(x) for x in ([1, 2], None)] + [b"{"]
            path.with_suffix(".journal").write_bytes(b"".join(
                len(body).to_bytes(4, "little") + zlib.crc32(body).to_bytes(4, "little") + body
                for body in bodies))
        else:  # the entries edited, the seal left as it was: the file no longer matches it
            path.write_bytes(head + b"\n" + marshal.dumps(
                _damaged(entries, how, value) if isinstance(entries, dict) else entries))
        count += 1
    return count


def _damaged(entries: dict[str, Any], how: str, value: object) -> object:
    if how == "entries":
        return json.loads(json.dumps(value, default=str))
    for rel, entry in entries.items():
        if how == "entry":
            entries[rel] = json.loads(json.dumps(value, default=str))
        elif isinstance(entry, list) and len(entry) > 2:
            entry[1 if how == "value" else 2] = json.loads(json.dumps(value, default=str))
    return entries


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
        damage = json.loads(files["cache-damage"]) if "cache-damage" in files else None
        for rel, data in files.items():
            if rel in ("new-title", "cache-damage"):
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
            _child(root, title, damage, write)
        os.close(write)
        status, detail, peak_kb = _wait(pid, read, started)
    return CaseResult(status, detail, time.monotonic() - started, peak_kb)


def _child(root: Path, title: str, damage: list[object] | None,
           out: int) -> None:  # pragma: no cover - runs forked
    code = 0
    try:
        soft = _address_space() + MEMORY
        resource.setrlimit(resource.RLIMIT_AS, (soft, soft))
        os.environ["XDG_CACHE_HOME"] = str(root.parent / "cache")
        from typer.testing import CliRunner

        from blogcli.cli import app

        report = []
        runs: list[list[str]] = [["check"], ["list", "--format", "json"],
                                 ["new", title or "t", "--slug", title or "t"]]
        if damage is not None:
            runs += [["damage"], ["check"], ["list", "--format", "json"]]
        label = ""
        how, value = damage or ("", None)
        for args in runs:
            if args == ["damage"]:
                damage_caches(root.parent / "cache", str(how), value)
                label = f" after cache damage {how}"
                continue
            result = CliRunner().invoke(app, ["--site", str(root), *args])
            bad = result.exception is not None and not isinstance(result.exception, SystemExit)
            if bad or result.exit_code not in (0, 1, 2):
                exc = result.exception
                kind = "memory" if isinstance(exc, MemoryError) else "traceback" if bad else "exit"
                where = traceback.extract_tb(result.exc_info[2])[-1] if bad and \
                    result.exc_info else None
                report.append(f"{kind}:{args[0]}{label}: exit {result.exit_code}: "
                              f"{type(exc).__name__ if exc else ''}: {str(exc)[:300]}"
                              + (f" at {where.filename}:{where.lineno}" if where else ""))
        os.write(out, json.dumps(report).encode())
    except BaseException as err:
        os.write(out, json.dumps([f"traceback:harness: {type(err).__name__}: {err}"]).encode())
        code = 1
    finally:
        os._exit(code)


def _address_space() -> int:
    with open("/proc/self/statm", encoding="ascii") as handle:
        return int(handle.read().split()[0]) * resource.getpagesize()


def _wait(pid: int, read: int, started: float) -> tuple[str, str, int]:
    """The child's verdict, and its peak RSS in KiB (its own, from wait4)."""
    chunks: list[bytes] = []
    os.set_blocking(read, False)
    while True:
        try:
            chunk = os.read(read, 65536)
            if chunk:
                chunks.append(chunk)
        except BlockingIOError:
            pass
        done, _, usage = os.wait4(pid, os.WNOHANG)
        if done:
            break
        if time.monotonic() - started > SECONDS:
            os.kill(pid, signal.SIGKILL)
            _, _, usage = os.wait4(pid, 0)
            os.close(read)
            return "hang", f"no answer in {SECONDS:g} s", usage.ru_maxrss
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
        return "traceback", "the child died without a report (killed for memory?)", \
            usage.ru_maxrss
    if not report:
        return "ok", "", usage.ru_maxrss
    return report[0].split(":", 1)[0], "\n".join(report), usage.ru_maxrss
