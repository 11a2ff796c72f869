"""Compare `blog check --format json` findings of two source trees on the real blogs (by hand).

    .venv/bin/python bench/check_diff.py OLD_SRC NEW_SRC [/work/realblogs]

OLD_SRC and NEW_SRC are folders holding a `blogcli` package (e.g. `git archive main | tar -x -C
/tmp/old` and this checkout); both run with this Python's dependencies, each with an empty
cache. Prints, per site, the findings only one side has (the first five of each).
"""

from __future__ import annotations

import collections
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

SITES = {"papermod": "papermod-exampleSite", "zzo-multilingual": "zzo-theme/exampleSite",
         "karpathy": "karpathy", "jekyll-docs": "jekyll/docs", "hexo-site": "hexo-site",
         "tabi": "tabi", "zola-docs": "zola-docs/docs", "hugoDocs": "hugoDocs"}


def findings(src: str, site: Path) -> tuple[collections.Counter[str], dict[str, int]]:
    with tempfile.TemporaryDirectory() as cache:
        env = dict(os.environ, PYTHONPATH=src, XDG_CACHE_HOME=cache, NO_COLOR="1")
        done = subprocess.run([sys.executable, "-m", "blogcli", "--site", str(site), "check",
                               "--format", "json"], capture_output=True, text=True, env=env,
                              cwd=cache, check=False)
    data = json.loads(done.stdout)
    return (collections.Counter(json.dumps(f, sort_keys=True) for f in data["findings"]),
            data["summary"])


def main() -> None:
    old, new = sys.argv[1], sys.argv[2]
    base = Path(sys.argv[3] if len(sys.argv) > 3 else "/work/realblogs") / "src"
    for name, rel in SITES.items():
        site = base / rel
        if not site.is_dir():
            print(f"{name}: absent")
            continue
        (a, sa), (b, sb) = findings(old, site), findings(new, site)
        print(f"{name}: findings {sum(a.values())} -> {sum(b.values())}; only old "
              f"{sum((a - b).values())}, only new {sum((b - a).values())}; links "
              f"{sa['links']} -> {sb['links']}")
        for label, only in (("old", a - b), ("new", b - a)):
            for finding in list(only)[:5]:
                print(f"   {label}: {finding}")


if __name__ == "__main__":
    main()
