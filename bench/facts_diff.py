"""Compare the facts `blog check` keeps per file (check/facts.py scan_bytes) made by two
source trees, on every Markdown file of some folders, under every profile, with the engine's
linkify on and off (where the engine has the setting): byte for byte, key order included.

    .venv/bin/python bench/facts_diff.py OLD_SRC DIR [DIR ...] [--new NEW_SRC] [--show 3]

OLD_SRC and NEW_SRC (this checkout by default) are folders holding a `blogcli` package, e.g.
`git archive main | tar -x -C /tmp/old`. Prints, per profile and linkify, how many files
differ (the first few shown), and how many the new tree read from their HTML (native.py's
scan_html) rather than by walking their events.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
# The engine settings that turn linkify off, for the profiles that have one.
NO_LINKIFY: dict[str, dict[str, Any]] = {
    "hugo": {"markup": {"goldmark": {"extensions": {"linkify": False}}}},
    "hexo": {"marked": {"autolink": False}},
}
PROFILES = ("plain", "hugo", "jekyll", "hexo", "zola")


def dump(profile: str, linkify: bool, dirs: list[Path]) -> None:
    """Print one JSON line of facts per file (run with the tree to read on PYTHONPATH)."""
    from blogcli.check import native
    from blogcli.check.facts import scan_bytes
    from blogcli.site import Site

    engine = {} if linkify else NO_LINKIFY.get(profile, {})
    html = 0
    for folder in dirs:
        site = Site(folder.resolve(), profile, engine=engine)
        for path in sorted(site.root.rglob("*.md")):
            if "node_modules" in path.parts or not path.is_file():
                continue
            rel = path.relative_to(site.root).as_posix()
            raw = path.read_bytes()
            print(json.dumps([str(folder), rel, scan_bytes(site, path, rel, raw)]))
            if hasattr(native, "scan_html"):
                html += _read_from_html(site, path, rel, raw)
    print(json.dumps(["html", html]))


def _read_from_html(site: Any, path: Path, rel: str, raw: bytes) -> bool:
    from blogcli.check import native
    from blogcli.check.bareurls import linkify_on
    from blogcli.post import PostError, parse_post

    try:
        post = parse_post(raw, path, rel, site)
    except PostError:
        return False
    return native.scan_html(post, site.profile, linkify_on(site.profile, site.engine)) \
        is not None


def facts_of(src: Path, profile: str, linkify: bool, dirs: list[str]) -> list[str]:
    env = dict(os.environ, PYTHONPATH=str(src))
    # From "/": a blogcli in the current folder would be imported before PYTHONPATH's.
    done = subprocess.run([sys.executable, str(Path(__file__).resolve()), "--dump", profile,
                           str(int(linkify)), *dirs], capture_output=True, text=True, env=env,
                          check=True, cwd="/")
    return done.stdout.splitlines()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("old", type=Path)
    parser.add_argument("dirs", nargs="+")
    parser.add_argument("--new", type=Path, default=REPO)
    parser.add_argument("--show", type=int, default=3)
    opts = parser.parse_args()
    for profile in PROFILES:
        for linkify in (True, False) if profile in NO_LINKIFY else (True,):
            old = facts_of(opts.old, profile, linkify, opts.dirs)
            new = facts_of(opts.new, profile, linkify, opts.dirs)
            html = json.loads(new.pop())[1]
            old.pop()
            differ = [(a, b) for a, b in zip(old, new, strict=True) if a != b]
            setting = "as the engine defaults" if linkify else "off"
            print(f"{profile} linkify {setting}: {len(differ)} of {len(new)} files differ; "
                  f"{html} read from their HTML", flush=True)
            for a, b in differ[:opts.show]:
                print(f"   old: {a[:300]}\n   new: {b[:300]}")


if __name__ == "__main__":
    if sys.argv[1:2] == ["--dump"]:
        dump(sys.argv[2], sys.argv[3] == "1", [Path(d) for d in sys.argv[4:]])
    else:
        main()
