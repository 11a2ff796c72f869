"""Put the news posts of a large multilingual Jekyll site into a Hugo site, for bench_list.py.

    python bench/real_corpus.py CHECKOUT OUT [-n 5000]

CHECKOUT is a git clone of https://github.com/ruby/www.ruby-lang.org (BSD-2-Clause content,
see its LICENSE; 4,723 news posts in 17 languages: Liquid ``{% highlight %}`` blocks, long
release notes with checksums, Japanese, Korean and Chinese posts). Every ``*/news/_posts/*.md``
of HEAD goes in as it is, front matter and all, under ``content/posts/<lang>/``; when ``-n`` is
more than there are, the posts are copied again under ``again-N/`` until there are ``n``. The
site config and layouts are gen_corpus.py's (``hasCJKLanguage`` on, as a multilingual site
sets it), so ``bench_list.py --corpus OUT`` times blog and hugo on it alike.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from gen_corpus import LAYOUT_INDEX, LAYOUT_SINGLE


def news_posts(checkout: Path) -> list[tuple[str, bytes]]:
    """(path, bytes) of every news post committed at HEAD, in path order."""
    names = subprocess.run(["git", "-C", str(checkout), "ls-tree", "-r", "--name-only", "HEAD"],
                           check=True, capture_output=True, text=True).stdout.split("\n")
    posts = sorted(n for n in names if "/news/_posts/" in n and n.endswith(".md"))
    out = []
    for name in posts:
        data = subprocess.run(["git", "-C", str(checkout), "show", f"HEAD:{name}"],
                              check=True, capture_output=True).stdout
        out.append((name, data))
    return out


def build(checkout: Path, out: Path, count: int) -> None:
    posts = news_posts(checkout)
    (out / "layouts" / "_default").mkdir(parents=True, exist_ok=True)
    (out / "hugo.toml").write_text('baseURL = "https://example.org/"\ntitle = "Real"\n'
                                   'hasCJKLanguage = true\n'
                                   'disableKinds = ["taxonomy", "term", "RSS", "sitemap"]\n',
                                   encoding="utf-8")
    (out / "layouts" / "_default" / "single.html").write_text(LAYOUT_SINGLE, encoding="utf-8")
    (out / "layouts" / "index.html").write_text(LAYOUT_INDEX, encoding="utf-8")
    for i in range(count):
        name, data = posts[i % len(posts)]
        lang, _, _, file = name.split("/")
        again = f"again-{i // len(posts)}/" if i >= len(posts) else ""
        path = out / "content" / "posts" / again / lang / file
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("checkout", type=Path)
    parser.add_argument("out", type=Path)
    parser.add_argument("-n", "--count", type=int, default=5000)
    args = parser.parse_args()
    build(args.checkout, args.out, args.count)


if __name__ == "__main__":
    main()
