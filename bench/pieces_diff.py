"""Hold the pieces of text/blocks.py to whole-body parsing on real posts (run by hand).

    .venv/bin/python bench/pieces_diff.py [/work/realblogs/src] [--piece N]...

Every Markdown file under the folder is read whole and then cut from size 0 into pieces of N
characters (default 1 and 300, so every cut blocks.py allows is made): check's scan (links,
places, anchors, headings) under every profile and list's HTML and text statistics must be
the same. Prints the files that differ (none, when it holds) and how many were cut at all.
"""

from __future__ import annotations

import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from blogcli.check import native as check_native  # noqa: E402
from blogcli.post import PostError, parse_post  # noqa: E402
from blogcli.text import blocks, count  # noqa: E402
from blogcli.text import native as text_native  # noqa: E402

PROFILES = ("plain", "hugo", "jekyll", "hexo", "zola")


def answers(path: Path) -> tuple[object, ...] | None:
    try:
        post = parse_post(path.read_bytes(), path, path.name)
    except (PostError, OSError):
        return None
    scans = []
    for profile in PROFILES:
        scan = check_native.scan_post(post, profile)
        scans.append((scan.links, sorted(scan.anchors), scan.headings, scan.anchors_certain,
                      scan.repeats))
    return (text_native.render(post.body), count.analyse(post.body, post.meta), *scans)


def main(args: list[str]) -> int:
    pieces = [int(args[i + 1]) for i, a in enumerate(args) if a == "--piece"] or [1, 300]
    folders = [a for i, a in enumerate(args) if not a.startswith("--")
               and (i == 0 or args[i - 1] != "--piece")] or ["/work/realblogs/src"]
    files = sorted(p for folder in folders for p in Path(folder).rglob("*.md")
                   if "node_modules" not in p.parts and p.is_file())
    differ, cut = [], 0
    for path in files:
        whole = answers(path)
        if whole is None:
            continue
        saved = blocks.SIZE, blocks.PIECE
        try:
            for piece in pieces:
                blocks.SIZE, blocks.PIECE = 0, piece
                body = parse_post(path.read_bytes(), path, path.name).body
                cut += blocks.pieces(body) is not None
                if answers(path) != whole:
                    differ.append(f"{path} (pieces of {piece})")
        finally:
            blocks.SIZE, blocks.PIECE = saved
    print(f"{len(files)} files, {cut} cuttings with pieces of {pieces}: "
          f"{len(differ)} differ from the whole")
    print("\n".join(differ))
    return 1 if differ else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
