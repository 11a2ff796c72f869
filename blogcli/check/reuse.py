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
import marshal
import os
import re
import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from functools import cache
from pathlib import Path
from typing import Any

from blogcli import cache as blogcache
from blogcli import clock
from blogcli.cache import blake2b
from blogcli.check.findings import CheckResult, Finding
from blogcli.errors import BlogError
from blogcli.files import atomic_write
from blogcli.site import Site

VERSION = 2
# Files whose text resolution reads (pages, anchors of HTML and Markdown files, Jekyll's
# Gemfile for its plugins); of every other file only whether it exists, which its folder says.
READ_SUFFIXES = (".md", ".markdown", ".html", ".htm")
READ_NAMES = ("Gemfile",)
MAX_CHANGED = 64  # more files changed than this: the whole site is checked again
DATE_TEXT = re.compile(r"\s*(\d{4})-(\d{1,2})-(\d{1,2})")
# A date without a zone is read in the site's zone, and a date-only value compared by day:
# a window this wide around the date holds every moment it can stand for.
SLACK = timedelta(days=5)  # an offset may be written up to +99:59

Tree = dict[str, list[int] | None]


def result_path(site: Site) -> Path:
    return blogcache.site_cache_dir(site.root) / f"check-{site.profile}-result.cache"


@cache
def _code() -> int:
    """A number that changes with any code a check's result depends on."""
    here = Path(__file__).parent
    return blogcache.code_digest(sorted([*here.glob("*.py"), *here.parent.glob("*.py")]),
                                 VERSION)


def _key(site: Site) -> str:
    # repr(site): root, profile, blog.toml (rules, required keys) and the engine's config.
    text = repr((_code(), repr(site), os.environ.get("TZ"), time.tzname))
    return blake2b(text.encode(), digest_size=16).hexdigest()


def tree(root: Path, regular: set[str] | None = None) -> Tree | None:
    """Signatures of every folder under ``root`` (``.git`` aside) and every file whose text a
    check reads, by path; None for a tree too large to sign. ``regular``: as signed_tree's."""
    top = str(root)
    return blogcache.signed_tree(
        [top], lambda here, name: not (name == ".git" and here == top),
        lambda name: name.endswith(READ_SUFFIXES) or name in READ_NAMES, regular)


def _stable(signed: Tree, started: int) -> bool:
    """No signature too close to the moment the run started to vouch for its file."""
    limit = started - blogcache.RACY_SLACK_NS
    return all(sig is None or 0 < sig[3] < limit for sig in signed.values())


@dataclass
class Kept:
    """What ``load`` found: the reusable result, or the pages that alone changed since it."""

    signed: Tree | None          # the tree now, for ``save``
    started: int                 # the moment before it was signed
    result: CheckResult | None = None  # the kept result, when nothing changed
    changed: list[str] = field(default_factory=list)  # else: Markdown files changed in place
    stored: dict[str, Any] = field(default_factory=dict)
    # Folders (ending in "/") and read files the signing walk found to be no symbolic link:
    # the resolver need not lstat them again (confine.Confined).
    regular: set[str] = field(default_factory=set)

    def splice(self, fresh: CheckResult) -> CheckResult:
        """The kept result with the findings of the ``changed`` files from ``fresh`` (those
        files checked alone against the site index, which said no other page's findings
        could change)."""
        gone = set(self.changed)
        counts: dict[str, int] = self.stored.get("counts", {})
        result = CheckResult(files=int(self.stored["files"]), links=int(self.stored["links"]) -
                             sum(counts.get(rel, 0) for rel in gone) + fresh.links)
        result.findings = [Finding(*row) for row in self.stored["findings"]
                           if row[0] not in gone]
        result.findings += [f for f in fresh.findings if f.path in gone]
        result.findings.sort(key=lambda f: (f.path, f.line, f.column, f.rule))
        return result

    def counts(self, fresh: dict[str, int]) -> dict[str, int]:
        """Links per file after a splice (the kept counts, the changed files' anew)."""
        counts = {rel: n for rel, n in self.stored.get("counts", {}).items()
                  if rel not in self.changed}
        return counts | {rel: n for rel, n in fresh.items() if n}


def load(site: Site) -> Kept:
    """The last whole-site result of ``site`` if nothing it depends on has changed; else the
    Markdown files that alone changed (in place: no folder changed), if few."""
    kept = Kept(None, time.time_ns())
    kept.signed = tree(site.root, kept.regular)
    try:
        payload = blogcache.unsealed_file(result_path(site).read_bytes(), VERSION)
        stored = marshal.loads(payload) if payload else None
        if not isinstance(stored, dict) or stored.get("key") != _key(site) or \
                kept.signed is None:
            return kept
        before: Tree = stored["tree"]
        low, high = sorted((float(stored["now"]), clock.now(site).timestamp()))
        if any(start <= high and end >= low for start, end in stored["dates"]):
            return kept
        if kept.signed != before:
            changed = [path for path, sig in kept.signed.items() if before.get(path) != sig]
            root = str(site.root) + "/"
            if before.keys() == kept.signed.keys() and len(changed) <= MAX_CHANGED and all(
                    p.startswith(root) and p.endswith(READ_SUFFIXES[:2]) and
                    kept.signed[p] is not None and before[p] is not None for p in changed):
                kept.changed = [p[len(root):] for p in changed]
                kept.stored = stored
            return kept
        result = CheckResult(files=int(stored["files"]), links=int(stored["links"]))
        result.findings = [Finding(*row) for row in stored["findings"]]
    except (OSError, ValueError, EOFError, TypeError, KeyError, AttributeError, BlogError):
        return kept  # none kept, or a damaged one: checked afresh
    kept.result = result
    return kept


def save(site: Site, kept: Kept, result: CheckResult, counts: dict[str, int],
         dates: list[tuple[float, float]] | None) -> None:
    """Keep ``result``, made from the tree ``kept.signed`` as it was at ``kept.started``
    (before any file was read: a tree that changed during the run is not matched next time);
    ``dates``: the pages' ``dates_of`` (None: they cannot be written, nothing is kept)."""
    signed = kept.signed
    if signed is None or dates is None or result.notes or result.external is not None or \
            not _stable(signed, kept.started):
        return
    with contextlib.suppress(Exception):
        document = {"key": _key(site), "now": clock.now(site).timestamp(), "tree": signed,
                    "dates": dates, "files": result.files, "links": result.links,
                    "counts": {rel: n for rel, n in counts.items() if n},
                    "findings": [[f.path, f.line, f.column, f.rule, f.severity, f.message,
                                  f.target] for f in result.findings]}
        path = result_path(site)
        path.parent.mkdir(parents=True, exist_ok=True)
        # Marshalled (blogcli/cache.py's sealed file), not JSON: on 2,000 posts written in
        # 0.3 ms instead of 2.2, read in 1.1 instead of 2.8 (a warm check reads nothing else).
        atomic_write(path, blogcache.sealed_file(VERSION, marshal.dumps(document)),
                     durable=False)
        path.with_suffix(".json").unlink(missing_ok=True)  # as blog 0.1 kept it


def dates_of(facts: Mapping[str, dict[str, Any]]) -> list[tuple[float, float]] | None:
    """A window of moments around every date in the pages' front matter (any key, nested
    tables too: Hugo's cascade) and their file-name dates (post.parse_date reads only text
    starting YYYY-MM-DD); None when a window cannot be written (then nothing is kept)."""
    texts: set[str] = set()  # (a page's date is in its facts and its front matter alike)
    values: list[Any] = [v for fact in facts.values() for v in (fact.get("date"),
                                                                  fact.get("meta"))]
    while values:
        value = values.pop()
        if isinstance(value, str):
            # (re's \s and \d are str.isspace and str.isdecimal: nothing else can match)
            if value[:1].isdecimal() or value[:1].isspace():
                texts.add(value)
        elif isinstance(value, dict):
            values.extend(value.values())
        elif isinstance(value, list):
            values.extend(value)
    found: set[date] = set()
    for text in texts:
        match = DATE_TEXT.match(text)
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
