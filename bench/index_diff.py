"""Checking a few files against the site index says what a whole-site check says for them, on
the real blogs too (run by hand; tests/check/test_index.py does it on the fixture sites):

    .venv/bin/python bench/index_diff.py [/work/realblogs] [--sample 30]

For each real blog (bench/realblogs.py's list) the whole site is checked once, then a sample of
its pages, one at a time (a fresh Site each, the index warm), and twice more the whole site
(the kept result, then after one page's body changed in place: the spliced one). Prints the
pages whose findings differ (none expected) and the time of each kind of run.
"""

from __future__ import annotations

import argparse
import os
import random
import shutil
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "bench"))

from realblogs import SITES  # noqa: E402

from blogcli.check.checker import check_site  # noqa: E402
from blogcli.check.findings import CheckResult  # noqa: E402
from blogcli.site import MARKDOWN_SUFFIXES, find_site  # noqa: E402


def per_file(result: CheckResult) -> dict[str, list[tuple[object, ...]]]:
    out: dict[str, list[tuple[object, ...]]] = {}
    for f in result.findings:
        out.setdefault(f.path, []).append((f.line, f.column, f.rule, f.severity, f.message,
                                           f.target))
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("root", nargs="?", type=Path, default=Path("/work/realblogs"))
    parser.add_argument("--sample", type=int, default=30)
    args = parser.parse_args()
    rng = random.Random(11)
    differ = 0
    with tempfile.TemporaryDirectory(prefix="index-diff-") as tmp:
        os.environ["XDG_CACHE_HOME"] = tmp + "/cache"
        for name, folder in SITES.items():
            source = args.root / "src" / folder
            if not source.is_dir():
                print(f"{name}: no {source}, skipped")
                continue
            root = Path(tmp) / name  # a copy: one page is edited below
            shutil.copytree(source, root, symlinks=True, ignore=shutil.ignore_patterns(
                ".git", "node_modules", "public", "_site", "resources"))
            if (source / "node_modules").is_dir():
                (root / "node_modules").symlink_to(source / "node_modules")
            started = time.perf_counter()
            whole = per_file(check_site(find_site(site_dir=root)))
            full = time.perf_counter() - started
            rels = [p.rel for p in find_site(site_dir=root).pages()
                    if p.rel.endswith(MARKDOWN_SUFFIXES)]
            sample = rng.sample(rels, min(args.sample, len(rels)))
            started = time.perf_counter()
            for rel in sample:
                alone = per_file(check_site(find_site(site_dir=root), [root / rel]))
                if alone.get(rel, []) != whole.get(rel, []):
                    differ += 1
                    print(f"  {name} {rel}: alone {alone.get(rel)} whole {whole.get(rel)}")
            each = (time.perf_counter() - started) / max(len(sample), 1)
            time.sleep(2.1)  # out of the racy-write window, so the result is kept
            check_site(find_site(site_dir=root))
            started = time.perf_counter()
            kept = per_file(check_site(find_site(site_dir=root)))
            warm = time.perf_counter() - started
            with (root / sample[0]).open("a", encoding="utf-8") as handle:
                handle.write("\n\nOne more line.\n")
            started = time.perf_counter()
            spliced = per_file(check_site(find_site(site_dir=root)))
            changed = time.perf_counter() - started
            (Path(tmp) / "cache").rename(Path(tmp) / "cache-old")
            fresh = per_file(check_site(find_site(site_dir=root)))
            shutil.rmtree(Path(tmp) / "cache-old")
            same = kept == whole and spliced == fresh
            differ += not same
            print(f"{name}: {len(rels)} pages, {len(sample)} checked alone, each as the whole "
                  f"site says: {'yes' if same else 'NO'}; whole {full:.2f} s, one page "
                  f"{each:.2f} s, kept {warm:.2f} s, one page changed {changed:.2f} s")
    print(f"{differ} differences")
    sys.exit(1 if differ else 0)


if __name__ == "__main__":
    main()
