"""Which way a table's cold list counts each post, and whether that way counts what analyse does.

    python bench/words_paths.py SITE... [--show 5]

For every post of each site (as ``blog list`` finds them), the way ``count.words_only`` takes:
from pulldown-cmark's HTML (``native.count_words``), the Goldmark-shaped walk, or ``analyse``
(a summary divider, or a page the walk hands to markdown-it); and, for every post it counts,
whether its words and minutes are ``analyse``'s. Run it with the checkout to measure first on
the path (from /tmp: ``python -m`` in a checkout loads that checkout). The exactness gate for
each new rule in count_words, with its hypothesis tests; the counts show what a rule gained.
"""

from __future__ import annotations

import argparse
import sys
from collections import Counter
from pathlib import Path

from blogcli.listing.records import text_options
from blogcli.post import PostError, parse_post
from blogcli.site import find_site, iter_post_files
from blogcli.text import count, native


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("sites", nargs="+", type=Path)
    parser.add_argument("--show", type=int, default=5, help="differences to print")
    args = parser.parse_args()
    ways: Counter[str] = Counter()
    differ: list[str] = []
    for folder in args.sites:
        site = find_site(site_dir=folder)
        options = text_options(site)
        for path in iter_post_files(site):
            rel = site.rel(Path(path))
            try:
                post = parse_post(Path(path).read_bytes(), Path(path), rel, site)
            except PostError:
                ways["unreadable"] += 1
                continue
            cjk = count.is_cjk_page(post.text, post.meta, options)
            body, divided, _ = count._split_more(post.body, options)
            expanded, placeholders = count._expand(body, options)
            counted = count.words_only(post.body, post.meta, options, source=post.text)
            if counted is None:
                ways["analyse"] += 1
                continue
            ways["html" if not divided and not placeholders and native.count_words(
                expanded, cjk, options.unsafe_html) is not None else "walk"] += 1
            stats = count.analyse(post.body, post.meta, options, source=post.text,
                                  html_summary=False)
            if counted[:2] != (stats.words, stats.reading_time):
                differ.append(f"{folder}/{rel}: {counted[:2]} here, analyse "
                              f"{(stats.words, stats.reading_time)}")
    print(f"from the HTML {ways['html']:,}, walked {ways['walk']:,}, analysed "
          f"{ways['analyse']:,}, unreadable {ways['unreadable']:,}; "
          f"{len(differ)} of {ways['html'] + ways['walk']:,} counted differ from analyse")
    for line in differ[:args.show]:
        print(" ", line)
    sys.exit(1 if differ else 0)


if __name__ == "__main__":
    main()
