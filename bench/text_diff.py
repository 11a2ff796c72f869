"""The pulldown-cmark pass (text/native.py) against markdown-it-py (text/goldmark.py), file by file.

    python bench/text_diff.py DIR... [--fuzz N] [--show 5] [--cjk]

For every ``*.md`` under each DIR (and N documents of the Hugo fuzz generator,
tests/fixtures/hugo_diff/fuzz.py, with ``--fuzz``), renders the body both ways after the same
shortcode expansion and counts: files the native pass hands to markdown-it (fallback), files
whose HTML is the same, and files whose words, reading time, summary or plain text differ (the
HTML may differ in ways that change none of them). Prints the first few differences, and the
seconds each way.
"""

from __future__ import annotations

import argparse
import random
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "tests" / "fixtures" / "hugo_diff"))

from blogcli.post import split_front_matter  # noqa: E402
from blogcli.text import goldmark, native  # noqa: E402
from blogcli.text.shortcodes import expand_hugo  # noqa: E402


def documents(dirs: list[Path], fuzz: int) -> list[tuple[str, str, dict[str, object]]]:
    docs = []
    for folder in dirs:
        for path in sorted(folder.rglob("*.md")):
            raw = path.read_bytes().decode("utf-8", "replace")
            try:
                meta, body, _, _ = split_front_matter(raw, str(path))
            except Exception:
                continue
            docs.append((str(path), body, meta))
    if fuzz:
        from fuzz import block, paragraph  # the Hugo fuzz comparison's generator

        rng = random.Random(7)
        for n in range(fuzz):
            blocks = [block(rng) for _ in range(rng.randint(1, 12))]
            if rng.random() < 0.3:
                blocks.append(f"[r]: http://ref.example\n\n[^1]: A footnote {paragraph(rng)}")
            text = "\n\n".join(blocks) + "\n"
            if rng.random() < 0.1:
                text = text.replace("\n", "\r\n")
            docs.append((f"fuzz-{n}", text, {}))
    return docs


def stats(html: str) -> tuple[int, str, str]:
    from blogcli.text import hugo

    plain = hugo.strip_html(html)
    return len(hugo.fields(plain)), hugo.truncate_to_sentence(plain, 70)[0], plain


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("dirs", type=Path, nargs="*")
    parser.add_argument("--fuzz", type=int, default=0)
    parser.add_argument("--show", type=int, default=5)
    args = parser.parse_args()
    docs = documents(args.dirs, args.fuzz)
    fallback = same = close = 0
    shown = 0
    t_native = t_mdit = 0.0
    for name, body, _meta in docs:
        body, _ = expand_hugo(body, "", False)
        start = time.perf_counter()
        fast = native.render(body)
        t_native += time.perf_counter() - start
        start = time.perf_counter()
        slow = goldmark.render(body)
        t_mdit += time.perf_counter() - start
        if fast is None:
            fallback += 1
        elif fast == slow:
            same += 1
        elif stats(fast) == stats(slow):
            close += 1
        elif shown < args.show:
            shown += 1
            at = next((i for i, (a, b) in enumerate(zip(fast, slow, strict=False)) if a != b),
                      min(len(fast), len(slow)))
            print(f"--- {name}: native {fast[max(0, at - 80):at + 60]!r}\n"
                  f"    markdown-it {slow[max(0, at - 80):at + 60]!r}")
    differ = len(docs) - fallback - same - close
    print(f"{len(docs)} files: {fallback} fallback to markdown-it, {same} same HTML, {close} "
          f"other HTML but same text, {differ} differ; native {t_native:.2f} s, markdown-it "
          f"{t_mdit:.2f} s")


if __name__ == "__main__":
    main()
