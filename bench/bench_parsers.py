"""Parsing only, side by side: markdown-it-py (what check uses today), markdown-it-pyrs, pyromark.

    python bench/bench_parsers.py [DIR ...] [--synthetic N] [--runs 5]

Each DIR's ``*.md`` files (node_modules and public/ skipped) are one corpus; ``--synthetic N``
adds N posts from bench/gen_corpus.py. Front matter is cut off first, so only the Markdown is
parsed. Every parser gets the extensions check needs (tables, strikethrough, footnotes; pyromark
also heading attributes) and each run consumes every token or event, with source positions where
the parser offers them. The runs are interleaved so machine load hits every parser alike; the
table gives the median seconds per corpus and the ratio to markdown-it-py.
"""

from __future__ import annotations

import argparse
import re
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from gen_corpus import generate

FRONT = re.compile(r"\A(?:---\r?\n.*?\r?\n---|\+\+\+\r?\n.*?\r?\n\+\+\+)\r?\n", re.DOTALL)
DEFAULT_DIRS = ["hugoDocs", "jekyll", "hexo-site", "papermod-exampleSite", "tabi", "zola-docs"]


def load(folder: Path) -> list[str]:
    texts = []
    for path in sorted(folder.rglob("*.md")):
        if "node_modules" in path.parts or "public" in path.parts or not path.is_file():
            continue
        text = path.read_text(encoding="utf-8", errors="replace")
        texts.append(FRONT.sub("", text, count=1))
    return texts


def parsers() -> dict[str, Callable[[str], int]]:
    import markdown_it_pyrs
    import pyromark
    from markdown_it import MarkdownIt
    from mdit_py_plugins.footnote import footnote_plugin

    py = MarkdownIt("commonmark").enable(["table", "strikethrough"]).use(footnote_plugin)
    rs = markdown_it_pyrs.MarkdownIt("commonmark").enable_many(
        ["table", "strikethrough", "footnote", "sourcepos"])
    opts = (pyromark.Options.ENABLE_TABLES | pyromark.Options.ENABLE_FOOTNOTES
            | pyromark.Options.ENABLE_STRIKETHROUGH | pyromark.Options.ENABLE_HEADING_ATTRIBUTES)
    pm = pyromark.Markdown(options=opts)

    def walk(node: object) -> int:
        children = node.children  # type: ignore[attr-defined]
        return 1 + sum(walk(child) for child in children)

    return {
        "markdown-it-py": lambda text: len(py.parse(text)),
        "markdown-it-pyrs": lambda text: walk(rs.tree(text)),
        "pyromark events": lambda text: sum(1 for _ in pm.events(text)),
        "pyromark events_with_range": lambda text: sum(1 for _ in pm.events_with_range(text)),
    }


def measure(corpora: dict[str, list[str]], runs: int) -> dict[tuple[str, str], float]:
    funcs = parsers()
    times: dict[tuple[str, str], list[float]] = {}
    for _ in range(runs):
        for corpus, texts in corpora.items():
            for name, parse in funcs.items():
                start = time.perf_counter()
                for text in texts:
                    parse(text)
                times.setdefault((corpus, name), []).append(time.perf_counter() - start)
    return {key: statistics.median(values) for key, values in times.items()}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("dirs", nargs="*", type=Path)
    parser.add_argument("--synthetic", type=int, default=2000)
    parser.add_argument("--runs", type=int, default=5)
    opts = parser.parse_args()
    dirs = opts.dirs or [Path("/work/realblogs/src") / d for d in DEFAULT_DIRS]
    corpora = {d.name: load(d) for d in dirs}
    with tempfile.TemporaryDirectory() as tmp:
        if opts.synthetic:
            generate(Path(tmp), opts.synthetic)
            corpora[f"synthetic {opts.synthetic}"] = load(Path(tmp))
    corpora["all"] = [t for texts in corpora.values() for t in texts]
    medians = measure(corpora, opts.runs)
    names = list(parsers())
    print(f"median of {opts.runs} runs, seconds (ratio to markdown-it-py)")
    print("| corpus | files | MB | " + " | ".join(names) + " |")
    print("|---|---:|---:|" + "---:|" * len(names))
    for corpus, texts in corpora.items():
        size = sum(len(t.encode()) for t in texts) / 1e6
        base = medians[(corpus, names[0])]
        cells = [f"{medians[(corpus, n)]:.3f} ({medians[(corpus, n)] / base:.2f})" for n in names]
        print(f"| {corpus} | {len(texts)} | {size:.1f} | " + " | ".join(cells) + " |")


if __name__ == "__main__":
    main()
