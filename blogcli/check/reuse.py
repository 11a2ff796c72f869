"""The last whole-site check, said again while nothing it depends on has changed.

A whole-site check reads every page, the folders its links are looked up in, the HTML and
Markdown files whose anchors they name, and the clock. Its result is kept with a signature of
all of that: the stat signature of every folder of the site (a file added, deleted or renamed
changes its folder's) and of every Markdown, HTML and Gemfile file (their contents are read),
the code, the site's configuration and the time zone, and the dates in the pages' front
matter. The result is reused only when every signature is the same and clearly older than the
run that made it (blogcli/cache.py's racy-write rule), and no page date lies between that run's
moment and now (a page going live, expiring, or becoming "in the future" changes findings).
Everything here is cheap to import: a reused result needs neither the parser nor the resolver.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import re
import time
import zlib
from datetime import UTC, date, datetime, timedelta
from functools import cache
from pathlib import Path
from typing import Any

from blogcli import cache as blogcache
from blogcli import clock
from blogcli.check.findings import CheckResult, Finding
from blogcli.errors import BlogError
from blogcli.files import atomic_write
from blogcli.site import Site

VERSION = 1
# Files whose text resolution reads (pages, anchors of HTML and Markdown files, Jekyll's
# Gemfile for its plugins); of every other file only whether it exists, which its folder says.
READ_SUFFIXES = (".md", ".markdown", ".html", ".htm")
READ_NAMES = ("Gemfile",)
MAX_FOLDERS = 20_000  # a tree larger than this (node_modules) is not worth signing: no reuse
DATE_TEXT = re.compile(r"\s*(\d{4})-(\d{1,2})-(\d{1,2})")
# A date without a zone is read in the site's zone, and a date-only value compared by day:
# a window this wide around the date holds every moment it can stand for.
SLACK = timedelta(days=5)  # an offset may be written up to +99:59

Tree = dict[str, list[int] | None]


def result_path(site: Site) -> Path:
    return blogcache.site_cache_dir(site.root) / f"check-{site.profile}-result.json"


@cache
def _code() -> int:
    """A number that changes with any code a check's result depends on."""
    here = Path(__file__).parent
    digest = VERSION
    for path in sorted([*here.glob("*.py"), *here.parent.glob("*.py")]):
        with contextlib.suppress(OSError):  # running from a zip: VERSION has to do
            digest = zlib.crc32(path.read_bytes(), digest)
    return digest


def _key(site: Site) -> str:
    # repr(site): root, profile, blog.toml (rules, required keys) and the engine's config.
    text = repr((_code(), repr(site), os.environ.get("TZ"), time.tzname))
    return hashlib.blake2b(text.encode(), digest_size=16).hexdigest()


def tree(root: Path) -> Tree | None:
    """Signatures of every folder under ``root`` (``.git`` aside) and every file whose text a
    check reads, by path; None for a tree too large to sign."""
    out: Tree = {}
    folders = [str(root)]
    count = 0
    while folders:
        here = folders.pop()
        count += 1
        if count > MAX_FOLDERS:
            return None
        try:
            out[here + "/"] = blogcache.signature(os.stat(here))
            with os.scandir(here) as listing:
                entries = list(listing)
        except OSError:
            out[here + "/"] = None
            continue
        for entry in entries:
            try:
                if entry.is_dir(follow_symlinks=False):
                    if not (entry.name == ".git" and here == str(root)):
                        folders.append(entry.path)
                elif entry.name.endswith(READ_SUFFIXES) or entry.name in READ_NAMES:
                    out[entry.path] = blogcache.signature(entry.stat())
            except OSError:
                out[entry.path] = None  # a dangling link: that it dangles is what counts
    return out


def _stable(signed: Tree, started: int) -> bool:
    """No signature too close to the moment the run started to vouch for its file."""
    limit = started - blogcache.RACY_SLACK_NS
    return all(sig is None or 0 < sig[3] < limit for sig in signed.values())


def load(site: Site) -> tuple[CheckResult | None, Tree | None, int]:
    """The last whole-site result of ``site`` if nothing it depends on has changed, else
    None; and the tree's signatures now, with the moment before they were taken (for
    ``save``)."""
    started = time.time_ns()
    signed = tree(site.root)
    try:
        stored = json.loads(result_path(site).read_bytes())
        if not isinstance(stored, dict) or stored.get("key") != _key(site) or \
                signed is None or signed != stored["tree"]:
            return None, signed, started
        low, high = sorted((float(stored["now"]), clock.now(site).timestamp()))
        if any(start <= high and end >= low for start, end in stored["dates"]):
            return None, signed, started
        result = CheckResult(files=int(stored["files"]), links=int(stored["links"]))
        result.findings = [Finding(*row) for row in stored["findings"]]
    except (OSError, ValueError, TypeError, KeyError, BlogError):
        return None, signed, started  # none kept, or a damaged one: checked afresh
    return result, signed, started


def save(site: Site, signed: Tree | None, started: int, result: CheckResult,
         facts: dict[str, dict[str, Any]]) -> None:
    """Keep ``result``, made from the tree ``signed`` as it was at ``started`` (before any file
    was read); a tree that changed during the run is simply not matched next time."""
    if signed is None or result.notes or result.external is not None or \
            not _stable(signed, started):
        return
    dates = _dates(facts)
    if dates is None:
        return
    with contextlib.suppress(Exception):
        document = {"key": _key(site), "now": clock.now(site).timestamp(), "tree": signed,
                    "dates": dates, "files": result.files, "links": result.links,
                    "findings": [[f.path, f.line, f.column, f.rule, f.severity, f.message,
                                  f.target] for f in result.findings]}
        path = result_path(site)
        path.parent.mkdir(parents=True, exist_ok=True)
        atomic_write(path, json.dumps(document, separators=(",", ":")).encode(), durable=False)


def _dates(facts: dict[str, dict[str, Any]]) -> list[tuple[float, float]] | None:
    """A window of moments around every date in the pages' front matter (any key, nested
    tables too: Hugo's cascade) and their file-name dates (post.parse_date reads only text
    starting YYYY-MM-DD); None when a window cannot be written (then nothing is kept)."""
    found: set[date] = set()
    for fact in facts.values():
        values: list[Any] = [fact.get("date"), fact.get("meta")]
        while values:
            value = values.pop()
            if isinstance(value, dict):
                values.extend(value.values())
            elif isinstance(value, list):
                values.extend(value)
            elif isinstance(value, str):
                match = DATE_TEXT.match(value)
                if match is not None:
                    # Not a day of the calendar (2024-02-30): no engine reads it as a date.
                    with contextlib.suppress(ValueError):
                        found.add(date(*(int(g) for g in match.groups())))
    out = []
    for day in sorted(found):
        try:
            middle = datetime(day.year, day.month, day.day, tzinfo=UTC)
            out.append(((middle - SLACK).timestamp(), (middle + SLACK).timestamp()))
        except (OverflowError, ValueError):  # the first or last days datetime can hold
            return None
    return out
