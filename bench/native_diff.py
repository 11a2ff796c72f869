"""Compare check's two link scanners on real Markdown: links.scan_post (markdown-it) and
native.scan_post (pulldown-cmark).

    python bench/native_diff.py PROFILE DIR [DIR ...] [--show 5]

Prints how many files differ and, for the first few, the links and headings only one side has.
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

from blogcli.check import links, native
from blogcli.post import PostError, parse_post


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("profile")
    parser.add_argument("dirs", nargs="+", type=Path)
    parser.add_argument("--show", type=int, default=5)
    opts = parser.parse_args()
    files = differ = shown = 0
    spent = {"markdown-it": 0.0, "native": 0.0}
    for folder in opts.dirs:
        for path in sorted(folder.rglob("*.md")):
            if "node_modules" in path.parts or not path.is_file():
                continue
            try:
                post = parse_post(path.read_bytes(), path, str(path))
            except PostError:
                continue
            files += 1
            start = time.perf_counter()
            old = links.scan_post(post, opts.profile)
            spent["markdown-it"] += time.perf_counter() - start
            start = time.perf_counter()
            new = native.scan_post(post, opts.profile)
            spent["native"] += time.perf_counter() - start
            if old == new:
                continue
            differ += 1
            if shown < opts.show:
                shown += 1
                print(path)
                for name, a, b in (("links", old.links, new.links),
                                   ("anchors", old.anchors, new.anchors),
                                   ("headings", old.headings, new.headings)):
                    only_old = [x for x in a if x not in b]
                    only_new = [x for x in b if x not in a]
                    if only_old or only_new:
                        print(f"  {name}: markdown-it only {only_old[:6]}")
                        print(f"  {name}: native only      {only_new[:6]}")
                if old.anchors_certain != new.anchors_certain:
                    print("  certain", old.anchors_certain, new.anchors_certain)
    print(f"{opts.profile}: {differ} of {files} files differ; scan time "
          + ", ".join(f"{k} {v:.2f} s" for k, v in spent.items()))


if __name__ == "__main__":
    main()
