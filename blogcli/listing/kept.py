"""The last ``blog list`` output, printed again while nothing it depends on has changed.

A listing reads the site's configuration, its Markdown (and, for Jekyll, HTML) files, the
folders they are found in, and the clock. Its output is kept with a digest of the stat
signature of all of that: every folder the site's page walk may enter (a file added, deleted or
renamed changes its folder's) and every file whose text it may read (by suffix), along with the
code and the parsers' files, the time zone, the output's shape (format, drafts, width, bold)
and the moment of every post's date, publication and expiry. It is printed again only when the
digest is the same, every signature was clearly older than the run that made it
(blogcli/cache.py's racy-write rule), and the clock has passed none of those moments since (a
post's status would change). Everything here is cheap to import: a reused output needs neither
the site's pages nor a parser, only a walk of its folders and one file read.
"""

from __future__ import annotations

import bisect
import contextlib
import importlib.util
import json
import os
import sys
import time
import zlib
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING

from blogcli import cache as blogcache
from blogcli import clock
from blogcli.cache import blake2b
from blogcli.errors import BlogError
from blogcli.files import atomic_write
from blogcli.pages import JEKYLL_SKIP_DIRS, MARKDOWN_SUFFIXES, ROOT_ONLY, SKIP_DIRS
from blogcli.site import find_root, hugo_pin

if TYPE_CHECKING:
    from blogcli.listing.records import Listing
    from blogcli.site import Site

VERSION = 1
# Files whose text a listing may read: pages (Jekyll's may be HTML) and config files.
READ_SUFFIXES = (*MARKDOWN_SUFFIXES, ".html", ".toml", ".yaml", ".yml", ".json")
MAX_KEPT = 4  # outputs kept per site (text at a width, JSON, with or without drafts)
EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


@cache
def _code() -> int:
    """A number that changes with any code a listing's output depends on."""
    here = Path(__file__).parent
    package = here.parent
    return blogcache.code_digest(sorted([*here.glob("*.py"), *(package / "text").glob("*.py"),
                                         *package.glob("*.py")]), VERSION)


@dataclass
class Kept:
    """What ``load`` found: the output to print again (None: list afresh, then ``save``)."""

    root: Path
    variant: str
    started: int  # the moment before anything was read, for the racy-write rule
    output: str | None = None
    warnings: tuple[str, ...] = ()
    # The folders signed before anything was read, and what they signed (for ``save``).
    walk: tuple[list[str], list[str]] | None = None
    signed: tuple[str, int] | None = None


def variant(output: str, drafts: bool, width: int, bold: bool) -> str:
    """The name of one shape of the output (each is kept on its own)."""
    return f"{output} {drafts} {width} {bold}"


def _path(root: Path, variant: str) -> Path:
    name = blake2b(variant.encode(), digest_size=8).hexdigest()
    return blogcache.site_cache_dir(root) / f"list-{name}.kept"


@cache
def _libraries() -> list[list[int] | None]:
    """The stat signature of the parsers a listing's text comes from (an upgrade rewrites
    them), found without importing them."""
    out: list[list[int] | None] = []
    for name in ("pyromark", "markdown_it", "yaml", "frontmatter"):
        try:
            spec = importlib.util.find_spec(name)
            out.append(blogcache.signature(os.stat(spec.origin)) if spec and spec.origin
                       else None)
        except (ImportError, ValueError, OSError):
            out.append(None)
    return out


def _key(root: Path, variant: str) -> str:
    # The local zone and its offset now: a post dated without a zone may be read in it.
    local = datetime.now().astimezone().utcoffset()
    # (The Hugo the site pins decides whether a post with a key given twice is listed.)
    text = repr((_code(), _libraries(), sys.version, str(root), variant, os.environ.get("TZ"),
                 time.tzname, local, hugo_pin(root)))
    return blake2b(text.encode(), digest_size=16).hexdigest()


def microseconds(moment: datetime) -> int:
    """An aware moment as whole microseconds since 1970 (exact, unlike a float timestamp)."""
    return (moment - EPOCH) // _MICROSECOND


_MICROSECOND = datetime(1970, 1, 1, 0, 0, 0, 1, tzinfo=UTC) - EPOCH


def load(site_dir: Path | None, variant: str) -> Kept | None:
    """The kept output of the listing ``variant`` names, if nothing it depends on changed
    (``Kept.output`` None otherwise); None when the site cannot be found (the listing says
    why)."""
    started = time.time_ns()
    try:
        root = find_root(site_dir=site_dir)
    except BlogError:
        return None
    kept = Kept(root, variant, started)
    try:
        data = _path(root, variant).read_bytes()
        head, _, body = data.partition(b"\n")
        stored = json.loads(head)
        if stored["key"] != _key(root, variant):
            return kept
        now = microseconds(clock.now())
        low, high = sorted((int(stored["now"]), now))
        moments: list[int] = stored["moments"]
        first = bisect.bisect_right(moments, low)
        if first < len(moments) and moments[first] <= high:
            return kept  # a post went live, expired or came due since
        walk = stored["walk"]
        signed = sign(walk["folders"], str(root), set(walk["skip"]))
        kept.walk, kept.signed = (list(walk["folders"]), sorted(walk["skip"])), signed
        if signed is None or signed[0] != stored["tree"]:
            return kept
        if zlib.crc32(body) != stored["crc"]:
            return kept  # a damaged output is never printed
        kept.output = body.decode("utf-8")
        kept.warnings = tuple(str(line) for line in stored["warnings"])
    except (OSError, ValueError, TypeError, KeyError, AttributeError, BlogError):
        return kept  # none kept, or a damaged one: listed afresh
    return kept


def save(site: Site, kept: Kept, listing: Listing, output: str,
         warnings: list[str]) -> None:
    """Keep ``output`` (with the ``warnings`` printed before it), made from the files as they
    were after ``kept.started``; not when a file changed too close to that moment to tell a
    later change from it, or when the listing met a damaged cache (said only once)."""
    if listing.damaged or listing.now is None or kept.root != site.root:
        return
    folders, skip = walk_of(site)
    # The walk ``load`` made before anything was read serves when it signed the same folders
    # (a file changed since is newer than ``started``, so never vouched for); else walk now.
    same = kept.walk == (folders, sorted(skip))
    signed = kept.signed if same else sign(folders, str(site.root), skip)
    if signed is None or signed[1] >= kept.started - blogcache.RACY_SLACK_NS:
        return
    with contextlib.suppress(Exception):
        body = output.encode("utf-8")
        head = {"key": _key(site.root, kept.variant), "tree": signed[0],
                "now": microseconds(listing.now), "moments": sorted(set(listing.moments)),
                "walk": {"folders": folders, "skip": sorted(skip)}, "warnings": warnings,
                "crc": zlib.crc32(body)}
        path = _path(site.root, kept.variant)
        path.parent.mkdir(parents=True, exist_ok=True)
        atomic_write(path, json.dumps(head, separators=(",", ":")).encode() + b"\n" + body,
                     durable=False)
        # One output per shape (each terminal width is one): the most recent few are kept.
        others = sorted(path.parent.glob("list-*.kept"), key=lambda p: p.stat().st_mtime_ns)
        for old in others[:-MAX_KEPT]:
            old.unlink(missing_ok=True)


def sign_early(kept: Kept, site: Site) -> None:
    """Sign the site's folders and files now for ``save``, unless ``load`` already did.

    Any moment after ``kept.started`` serves, as for ``load``'s signing: a file changed
    between ``started`` and the signing is newer than ``started``, so the output is not
    kept; one changed after the signing no longer matches the signature kept. Done while the
    workers count the posts, it costs the listing half its time after them (~20 ms of CPU
    at 5,000 posts).
    """
    if kept.root != site.root:
        return
    folders, skip = walk_of(site)
    if kept.walk != (folders, sorted(skip)):
        kept.walk, kept.signed = (folders, sorted(skip)), sign(folders, str(site.root), skip)


def walk_of(site: Site) -> tuple[list[str], set[str]]:
    """The folders to sign (the root, and any folder posts are read from that a walk of the
    root would not enter) and the folder names the site's page walk skips."""
    skip = JEKYLL_SKIP_DIRS if site.profile == "jekyll" else SKIP_DIRS
    root = str(site.root)
    folders = [root]
    places = [site.content_dir, site.posts_dir, *(f for f, _ in site.content_roots),
              *site.posts_override]
    for place in [*places, *([site.drafts_dir] if site.drafts_dir else [])]:
        real = os.path.realpath(place)
        if not _entered(real, root, skip) and real not in folders:
            folders.append(real)
    return folders, set(skip)


def _entered(path: str, root: str, skip: set[str]) -> bool:
    """Whether a walk of ``root`` that skips ``skip`` (as the page walk does) enters ``path``."""
    if path == root:
        return True
    if not path.startswith(root + os.sep):
        return False
    parts = path[len(root) + 1:].split(os.sep)
    return not any(name.startswith(".") or (name in skip and (name not in ROOT_ONLY or i == 0))
                   for i, name in enumerate(parts))


def sign(folders: list[str], root: str, skip: set[str]) -> tuple[str, int] | None:
    """A digest of the stat signatures of every folder under ``folders`` that the page walk
    may enter and of every file in them whose text may be read, and the newest change time
    among them; None for a tree too large to sign."""
    signed = blogcache.signed_tree(
        folders, lambda here, name: not (name.startswith(".") or (
            name in skip and (here == root or name not in ROOT_ONLY))),
        lambda name: name.lower().endswith(READ_SUFFIXES))
    if signed is None:
        return None
    # The order a folder lists its entries in is no signature of it: sorted by path.
    lines = [f"{path} {' '.join(map(str, sig)) if sig else '-'}"
             for path, sig in sorted(signed.items())]
    newest = max((max(sig[1], sig[3]) for sig in signed.values() if sig), default=0)
    digest = blake2b("\n".join(lines).encode("utf-8", "surrogateescape"),
                             digest_size=16).hexdigest()
    return digest, newest

