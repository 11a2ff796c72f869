"""``blog list`` of this checkout against another one (the "before" tree), byte for byte.

    python bench/list_diff.py BEFORE [SITE ...]

For each site (default: the 8 real blogs of /work/realblogs/src, see realblogs.py), the text,
JSON and --no-drafts listings of BEFORE (run cold) must equal this checkout's, run cold, warm
and warm again (the second warm run prints the kept output when the files are older than the
racy-write slack): stdout, stderr and exit code. Prints one line per site and listing, and
exits 1 on any difference.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
sys.path.insert(0, str(HERE))
from realblogs import SITES  # noqa: E402

SHAPES = (("list",), ("list", "--format", "json"), ("list", "--no-drafts"),
          ("list", "--no-drafts", "--format", "json"))


def run(source: Path, site: Path, args: tuple[str, ...], cache: Path) -> tuple[int, bytes, bytes]:
    env = dict(os.environ, PYTHONPATH=str(source), XDG_CACHE_HOME=str(cache), NO_COLOR="1",
               COLUMNS="100")
    done = subprocess.run([sys.executable, "-m", "blogcli", "--site", str(site), *args],
                          env=env, cwd=tempfile.gettempdir(), capture_output=True, check=False)
    return done.returncode, done.stdout, done.stderr


def main() -> int:
    before = Path(sys.argv[1]).resolve()
    sites = [Path(s) for s in sys.argv[2:]] or [
        Path("/work/realblogs/src") / folder for folder in SITES.values()]
    differ = 0
    with tempfile.TemporaryDirectory() as tmp:
        for site in sites:
            for n, args in enumerate(SHAPES):
                want = run(before, site, args, Path(tmp) / f"before-{site.name}-{n}")
                cache = Path(tmp) / f"after-{site.name}-{n}"
                got = [run(REPO, site, args, cache) for _ in ("cold", "warm", "kept")]
                same = all(g == want for g in got)
                differ += not same
                lines = want[1].count(b"\n")
                print(f"{'same' if same else 'DIFFERS'}  {site}  {' '.join(args)}  "
                      f"({lines} lines, exit {want[0]})", flush=True)
    print(f"{differ} listings differ")
    return 1 if differ else 0


if __name__ == "__main__":
    sys.exit(main())
