"""Hugo's own figures for some Markdown files against blog's: words, minutes, summary, plain.

    python bench/hugo_agree.py FILE_OR_DIR... [--hugo /usr/bin/hugo]

Copies every ``*.md`` given into a site made from tests/fixtures/hugo_diff (its config and
layouts, which print each page's ``.WordCount``, ``.ReadingTime``, ``.Summary``, ``.Truncated``
and ``.Plain`` as JSON), builds it with Hugo, and compares each page with ``count.analyse``
(as fuzz.py does). For a change that alters output: show that Hugo agrees with the new one.
Exits 1 on any difference.
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
FIXTURE = HERE.parent / "tests" / "fixtures" / "hugo_diff"
sys.path.insert(0, str(FIXTURE))
from fuzz import compare  # noqa: E402


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("paths", nargs="+", type=Path)
    parser.add_argument("--hugo", default="hugo")
    args = parser.parse_args()
    files = [f for p in args.paths for f in (sorted(p.rglob("*.md")) if p.is_dir() else [p])]
    with tempfile.TemporaryDirectory() as tmp:
        site = Path(tmp) / "site"
        site.mkdir()
        for name in ("hugo.toml", "variant.toml", "layouts"):
            copy = shutil.copytree if (FIXTURE / name).is_dir() else shutil.copy
            copy(FIXTURE / name, site / name)
        posts = site / "content" / "posts"
        posts.mkdir(parents=True)
        for n, f in enumerate(files):
            shutil.copy(f, posts / f"{n:05d}-{f.name}")
        problems: list[str] = []
        for variant in ("hugo", "variant"):
            out = Path(tmp) / f"out-{variant}"
            subprocess.run([args.hugo, "--quiet", "--noBuildLock", "--config", f"{variant}.toml",
                            "-d", str(out)], cwd=site, check=True)
            problems += compare(site, variant, out)
    print("\n".join(problems))
    print(f"{len(problems)} of {2 * len(files)} pages differ from Hugo ({args.hugo})")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
