"""Compare check's two link scanners on real Markdown: links.scan_post (markdown-it) and
native.scan_post (pulldown-cmark); or, with ``--html``, native's two readings of a body:
its HTML (native.scan_html, rendered.py) and its events (native.walk).

    python bench/native_diff.py PROFILE DIR [DIR ...] [--show 5] [--html]

Prints how many files differ and, for the first few, the links and headings only one side has.
With ``--html`` every file is read with linkify on and off, and the count of files read from
their HTML is printed too.
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

from blogcli.check import links, native
from blogcli.check.links import Scan
from blogcli.post import Post, PostError, parse_post


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("profile")
    parser.add_argument("dirs", nargs="+", type=Path)
    parser.add_argument("--show", type=int, default=5)
    parser.add_argument("--html", action="store_true",
                        help="compare native's HTML reading with its event walk")
    opts = parser.parse_args()
    files = differ = shown = fast = 0
    names = ("events", "html") if opts.html else ("markdown-it", "native")
    spent = dict.fromkeys(names, 0.0)
    for folder in opts.dirs:
        for path in sorted(folder.rglob("*.md")):
            if "node_modules" in path.parts or not path.is_file():
                continue
            try:
                post = parse_post(path.read_bytes(), path, str(path))
            except PostError:
                continue
            files += 1
            pairs = _html_pairs(post, opts.profile, spent) if opts.html else \
                [_pair(post, opts.profile, spent)]
            fast += any(new is not None for _, new in pairs)
            wrong = [(old, new) for old, new in pairs if new is not None and not same(old, new)]
            if not wrong:
                continue
            differ += 1
            if shown < opts.show:
                shown += 1
                print(path)
                _show(*wrong[0])
    print(f"{opts.profile}: {differ} of {files} files differ"
          + (f"; {fast} read from their HTML" if opts.html else "") + "; scan time "
          + ", ".join(f"{k} {v:.2f} s" for k, v in spent.items()))


def _pair(post: Post, profile: str, spent: dict[str, float]) -> tuple[Scan, Scan | None]:
    start = time.perf_counter()
    old = links.scan_post(post, profile)
    spent["markdown-it"] += time.perf_counter() - start
    start = time.perf_counter()
    new = native.scan_post(post, profile)
    spent["native"] += time.perf_counter() - start
    return old, new


def _html_pairs(post: Post, profile: str,
                spent: dict[str, float]) -> list[tuple[Scan, Scan | None]]:
    """(walk, HTML reading or None) of ``post`` with linkify on and off."""
    out = []
    for linkify in (True, False):
        start = time.perf_counter()
        old = native.walk(post, profile, linkify)
        spent["events"] += time.perf_counter() - start
        start = time.perf_counter()
        new = native.scan_html(post, profile, linkify)
        spent["html"] += time.perf_counter() - start
        out.append((old, new))
    return out


def same(old: Scan, new: Scan) -> bool:
    """Equal in every field, in order (the repeats too, which a dict compares unordered)."""
    return old == new and list(old.repeats.items()) == list(new.repeats.items())


def _show(old: Scan, new: Scan) -> None:
    for name, a, b in (("links", old.links, new.links), ("anchors", old.anchors, new.anchors),
                       ("headings", old.headings, new.headings)):
        only_old = [x for x in a if x not in b]
        only_new = [x for x in b if x not in a]
        if only_old or only_new or a != b:
            print(f"  {name}: old only {only_old[:6]}")
            print(f"  {name}: new only {only_new[:6]}")
    if old.anchors_certain != new.anchors_certain:
        print("  certain", old.anchors_certain, new.anchors_certain)


if __name__ == "__main__":
    main()
