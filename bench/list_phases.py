"""Where a cold ``blog list`` spends its CPU, phase by phase, in one process (no workers):

    python bench/list_phases.py SITE [SITE...] [--repeat 3] [--src TREE]

Phases, each the real function timed on its own (CPU seconds, best of ``--repeat``): start-up
imports, site load, the walk (``iter_post_files``), the read (``_read_all`` with an empty
cache), content hashes, then per post: front matter (``parse_post``), the text (what the table
counts, ``words_only``; with ``--json``, ``analyse``: words, minutes, summary), the URL
(``page_urls``, JSON's only), the rest of ``analyse_file``; the transfer
of the workers' results (marshal both ways), the cache's write, the records and their sort,
and the table (``list_text``). On 2 cores the per-post phases are shared with a worker; the
others run in the parent alone. ``--src``: time another checkout of blog (say
/tmp/src-round5, the "before" tree) instead of this one.

``--instructions N``: instead, the instructions (valgrind's callgrind, which the load does not
move) ``analyse_file`` executes over the site's first N posts, less those of the same run over
one post (start-up): for this tree, and for ``--src`` too when given, one line each.
``--without-text``: the same with ``analyse`` (the text pass, blogcli/text/) replaced by a stub,
to count the rest of each post's work: front matter, URL, dates.
"""

from __future__ import annotations

import argparse
import contextlib
import marshal
import os
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

if "--src" in sys.argv:  # before anything of blogcli is imported
    sys.path.insert(0, sys.argv[sys.argv.index("--src") + 1])
else:
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))


def _cpu() -> float:
    return time.process_time()


def phases(root: Path, json: bool = False) -> dict[str, float]:
    from blogcli import clock
    from blogcli.cache import FileCache
    from blogcli.listing import records
    from blogcli.listing.view import list_text
    from blogcli.permalinks import page_urls
    from blogcli.post import PostError, parse_post
    from blogcli.site import find_site, iter_post_files
    from blogcli.text import count
    from blogcli.text.count import analyse

    # The table's pass where this tree has it (a tree before it counts as JSON does).
    table = not json and hasattr(count, "words_only")

    out: dict[str, float] = {}
    t = _cpu()
    site = find_site(site_dir=root)
    out["site load"] = _cpu() - t
    t = _cpu()
    paths = iter_post_files(site)
    out["walk"] = _cpu() - t
    with tempfile.TemporaryDirectory() as tmp:
        os.environ["XDG_CACHE_HOME"] = tmp
        options = records.text_options(site)
        cache = FileCache(site.root, "listing", 1, valid=records.valid_value)
        t = _cpu()
        files = []  # (a cold cache: _read_all leaves every post to be read where it is counted)
        for rel, text, *_ in records._read_all(site, paths, cache)[0]:
            found = records._read(rel, text)
            if isinstance(found, tuple):
                files.append((rel, *found, None))
        out["read"] = _cpu() - t
        t = _cpu()
        digests = {rel: cache.digest(data) for rel, data, _, _ in files if data is not None}
        out["hash"] = _cpu() - t
        posts = []
        t = _cpu()
        for rel, data, _, _ in files:
            assert data is not None
            with contextlib.suppress(PostError):
                posts.append((rel, parse_post(data, site.root / rel, rel, site)))
        out["front matter"] = _cpu() - t
        t = _cpu()
        for _, post in posts:
            if table:
                count.words_only(post.body, post.meta, options, source=post.text)
            else:
                analyse(post.body, post.meta, options, source=post.text, html_summary=False)
        text = _cpu() - t
        out["text (words_only)" if table else "text (analyse)"] = text
        t = _cpu()
        for rel, post in posts:
            if not table:
                page_urls(site, rel, post.meta, post.slug)
        out["url"] = _cpu() - t
        t = _cpu()
        extra = (False,) if table else ()
        values = [records.analyse_file(site, options, rel, data, *extra)
                  for rel, data, _, _ in files]
        whole = _cpu() - t
        out["analyse_file other"] = whole - out["front matter"] - text - out["url"]
        t = _cpu()
        half = values[1::2]
        marshal.loads(marshal.dumps(half))
        out["transfer (half)"] = _cpu() - t
        t = _cpu()
        for (rel, _, sig, _), value in zip(files, values, strict=True):
            if "problem" not in value:
                cache.put_digest(rel, digests[rel], value, sig)
        cache.save()
        out["cache write"] = _cpu() - t
        t = _cpu()
        now, zone = clock.now(), clock.site_zone(site)
        recs = [records._record(v, now, zone) for v in values if "problem" not in v]
        recs = records.sort_newest_first(recs)
        out["records + sort"] = _cpu() - t
        t = _cpu()
        list_text(recs, 100)
        out["table"] = _cpu() - t
    return out


def analyse_first(root: Path, count: int, text: bool = True) -> None:
    """``analyse_file`` over the first ``count`` posts (what --instructions counts); without
    its text pass unless ``text``."""
    from blogcli.listing import records
    from blogcli.site import find_site, iter_post_files

    site = find_site(site_dir=root)
    options = records.text_options(site)
    if not text:  # what analyse_file reads of the text pass's answer, and nothing else
        from types import SimpleNamespace

        stub = SimpleNamespace(words=0, reading_time=0, summary="", truncated=False)
        records.analyse = lambda *args, **kwargs: stub  # type: ignore[assignment]
    for path in sorted(iter_post_files(site))[:count]:
        rel = site.rel(Path(path))
        records.analyse_file(site, options, rel, Path(path).read_bytes())


def instructions(root: Path, count: int, tree: Path, text: bool = True) -> float:
    """Millions of instructions of ``analyse_first(root, count, text)`` in ``tree``, less one
    post's."""
    found = []
    for n in (count, 1):
        env = dict(os.environ, PYTHONHASHSEED="0")
        done = subprocess.run(
            ["valgrind", "--tool=callgrind", "--callgrind-out-file=/dev/null", sys.executable,
             __file__, str(root), "--analyse", str(n), "--src", str(tree),
             *([] if text else ["--without-text"])],
            env=env, capture_output=True, text=True, check=True)
        match = re.search(r"Collected : (\d+)", done.stderr)
        if match is None:
            raise SystemExit(f"no count from callgrind:\n{done.stderr}")
        found.append(int(match.group(1)))
    return (found[0] - found[1]) / 1e6


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("sites", nargs="+", type=Path)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--src", type=Path, help="another checkout of blog to time")
    parser.add_argument("--instructions", type=int, metavar="N")
    parser.add_argument("--without-text", action="store_true")
    parser.add_argument("--json", action="store_true",
                        help="time what `blog list --format json` does (summaries, URLs)")
    parser.add_argument("--analyse", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.analyse:
        analyse_first(args.sites[0], args.analyse, not args.without_text)
        return
    if args.instructions:
        here = Path(__file__).resolve().parent.parent
        for root in args.sites:
            for tree in [here, *([args.src] if args.src else [])]:
                millions = instructions(root, args.instructions, tree, not args.without_text)
                print(f"{root} with {tree}: {millions:,.0f} M instructions for "
                      f"{args.instructions} posts"
                      + (" without the text pass" if args.without_text else ""), flush=True)
        return
    t = _cpu()
    import blogcli.cli  # what `blog list` imports before it starts
    imports = _cpu() - t
    for root in args.sites:
        runs = [phases(root, args.json) for _ in range(args.repeat)]
        best = {k: min(r[k] for r in runs) for k in runs[0]}
        tree = Path(blogcli.cli.__file__).parent.parent
        print(f"{root} with {tree}  (best of {args.repeat}, CPU s; imports {imports:.3f})")
        for k, v in best.items():
            print(f"  {k:22s} {v:7.3f}")
        print(f"  {'sum':22s} {sum(best.values()):7.3f}")


if __name__ == "__main__":
    main()
