"""Every post as the site will show it: one record per post, newest first, for list/show/stats.

Counting is the slow part (Markdown rendering), so results are cached by content hash between
runs, and a cold run with many posts spreads the work over the machine's cores.
"""

from __future__ import annotations

import functools
import os
import re
import zlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, tzinfo
from pathlib import Path
from typing import TYPE_CHECKING, Any

from blogcli import __version__, clock
from blogcli.config import Folded
from blogcli.errors import ContentError, UsageError
from blogcli.listing.kept import microseconds
from blogcli.permalinks import page_urls
from blogcli.post import PostError, iso_date, parse_date, parse_post
from blogcli.site import Site, engine_author, find_post_path, iter_post_files

if TYPE_CHECKING:
    from blogcli.cache import FileCache, Signature
from blogcli.text.count import TextOptions, analyse, words_only

CACHE_VERSION = 6  # 4: Hugo keys case-insensitive; 5: Jekyll/Hexo ignore a draft: key;
# 6: summary, truncated and url may be None (a table run counts only): an older blog that
# shared the cache would take such a value for a whole one (JSON with "summary": null)
# A post as found: relative path, path, bytes and stat signature (None when the cache vouches
# for it or it is read where it is analysed), and the cached value when there is one.
Read = tuple[str, str, bytes | None, "Signature | None", dict[str, Any] | None]
# A post to analyse: relative path, path, and bytes and signature when already read.
Todo = tuple[str, str, bytes | None, "Signature | None"]
# What analysing one gives: content hash, signature and value, or why it cannot be read.
Analysed = tuple[str | None, "Signature | None", dict[str, Any] | str | None]
# Hugo's front-matter aliases: a post goes up at publishDate (else date), down at expiryDate.
PUBLISH_KEYS = ("publishDate", "publishdate", "pubdate", "published_at")
EXPIRY_KEYS = ("expiryDate", "expirydate", "unpublishdate", "expiry_date", "expires")


@dataclass(frozen=True)
class PostRecord:
    """One post, with exactly the fields of ``blog list --format json``."""

    path: str
    slug: str
    title: str
    date: str | None
    draft: bool
    status: str
    words: int
    reading_time: int
    summary: str | None  # None where collect was asked for no summaries
    truncated: bool | None
    tags: list[str]
    author: str
    url: str | None = ""  # None with the summary (see collect)
    lang: str = ""

    def __init__(self, path: str, slug: str, title: str, date: str | None, draft: bool,
                 status: str, words: int, reading_time: int, summary: str | None,
                 truncated: bool | None, tags: list[str], author: str, url: str | None = "",
                 lang: str = "") -> None:
        # As pages.Page: the frozen dataclass's own __init__ sets each field through
        # object.__setattr__, 1.5 us a record where this takes 0.6 (5,000 in a cold list).
        self.__dict__.update(path=path, slug=slug, title=title, date=date, draft=draft,
                             status=status, words=words, reading_time=reading_time,
                             summary=summary, truncated=truncated, tags=tags, author=author,
                             url=url, lang=lang)

    def to_json(self) -> dict[str, Any]:
        # By hand: dataclasses.asdict deep-copies and is slow over thousands of posts.
        return {"path": self.path, "slug": self.slug, "title": self.title, "date": self.date,
                "draft": self.draft, "status": self.status, "words": self.words,
                "reading_time": self.reading_time, "summary": self.summary,
                "truncated": self.truncated, "tags": list(self.tags), "author": self.author,
                "url": self.url, "lang": self.lang}


@dataclass
class Listing:
    """The records, newest first, and the posts that could not be read (as messages)."""

    records: list[PostRecord]
    problems: list[str] = field(default_factory=list)
    # The clock the statuses were decided by, and every moment (microseconds since 1970) at
    # which one of them would change: a post's publication and expiry.
    now: datetime | None = None
    moments: list[int] = field(default_factory=list)
    damaged: bool = False  # the cache was damaged (and rebuilt): said once, never kept


def text_options(site: Site) -> TextOptions:
    """How this site counts words and cuts summaries."""
    return TextOptions.from_site(site.profile, site.engine, site.config.reading)


def collect(site: Site, drafts: bool = True, now: datetime | None = None,
            only: list[Path] | None = None,
            meanwhile: Callable[[], None] | None = None, summaries: bool = True) -> Listing:
    """Read, count and sort every post of the site, or ``only`` these (cached by content
    hash). ``meanwhile`` runs once while the posts are counted: where workers count them,
    here as they start, so that the work is shared out instead of added after.
    ``summaries=False``, for what shows no summary: a post not in the cache is only counted
    (its summary and ``truncated`` None), in a pass several times shorter
    (count.words_only); with summaries, such a cached post is read and analysed again."""
    from blogcli.cache import FileCache

    options = text_options(site)
    # Counts depend on the site's settings and on this version's rules, not only on the file.
    fingerprint = repr((__version__, options, site.author, site.profile, str(site.drafts_dir),
                        site.keeps_last_key()))
    cache = FileCache(site.root, "listing", CACHE_VERSION * 1_000_000_000
                      + zlib.crc32(fingerprint.encode()) % 1_000_000_000, valid=valid_value)
    paths = only if only is not None else iter_post_files(site, drafts=drafts)
    files, unreadable = _read_all(site, paths, cache, summaries)
    values: dict[str, dict[str, Any]] = {}
    todo: list[Todo] = []
    for rel, text, data, sig, known in files:
        if known is None and data is not None:  # changed since cached: the same text again?
            known = _usable(cache.get_digest(rel, cache.digest(data), sig), summaries)
        if known is not None:
            values[rel] = known
        elif rel not in unreadable:
            todo.append((rel, text, data, sig))
    analysed = _analyse_all(site, options, todo, meanwhile or (lambda: None), summaries)
    for (rel, _, _, _), (digest, sig, value) in zip(todo, analysed, strict=True):
        if isinstance(value, str):
            unreadable[rel] = value
        elif value is not None:
            values[rel] = value
            if digest is not None and "problem" not in value:
                cache.put_digest(rel, digest, value, sig)
    cache.save()
    now = now or clock.now()
    zone = clock.site_zone(site)  # "scheduled" is decided in the zone the engine reads dates in
    # The files that cannot be read first, then those that do not parse, each in path order.
    problems = [unreadable[rel] for rel, *_ in files if rel in unreadable]
    records: list[PostRecord] = []
    moments: list[int] = []
    for rel, *_ in files:
        value = values.get(rel)
        if value is None:
            continue  # unreadable, or vanished since the folder was listed
        if "problem" in value:
            problems.append(str(value["problem"]))
        elif drafts or not value["draft"]:
            records.append(_record(value, now, zone))
            if not value["draft"]:
                moments += _moments(value, zone)
    if cache.damaged:
        problems.append(f"the listing cache {cache.path} was damaged; the posts were read "
                        "again and it was rebuilt")
    return Listing(sort_newest_first(records), problems, now, moments, cache.damaged)


def _moments(value: dict[str, Any], zone: tzinfo | None) -> list[int]:
    """The moments at which ``status_of`` of this value changes (see there)."""
    found = (when(value.get("expiry"), zone), when(value.get("publish") or value["date"], zone))
    return [microseconds(moment) for moment in found if moment is not None]


def _usable(value: dict[str, Any] | None, summaries: bool) -> dict[str, Any] | None:
    """A cached value, unless a summary is wanted and it has none (collect's summaries)."""
    if value is None or (summaries and value.get("summary", "") is None):
        return None
    return value


def _read_all(site: Site, paths: Sequence[Path | str], cache: FileCache,
              summaries: bool = True) -> tuple[list[Read], dict[str, str]]:
    """Each post as found here (see ``Read``), and messages for those that cannot be read,
    by path. A post the cache knows unchanged by its signature is not read (unless
    ``summaries`` are wanted and its value has none); nor is one it has no entry for
    (``_analyse_files`` reads it, in a worker where there are several).

    Read as ``blog check`` reads: a FIFO or device named *.md is reported, never waited on.
    """
    from blogcli.cache import signature

    files: list[Read] = []
    unreadable: dict[str, str] = {}
    prefix = str(site.root) + os.sep
    for path in paths:
        # Plain string slicing: Path.relative_to is slow over thousands of posts.
        text = str(path)
        rel = text[len(prefix):].replace(os.sep, "/") if text.startswith(prefix) \
            else site.rel(Path(path))
        if rel not in cache:  # nothing to look up: read where it is analysed
            files.append((rel, text, None, None, None))
            continue
        try:
            known = _usable(cache.lookup(rel, signature(os.stat(path))), summaries)
        except OSError:
            known = None  # read_file below says what is wrong with it
        if known is not None:
            files.append((rel, text, None, None, known))
            continue
        found = _read(rel, text)
        if isinstance(found, tuple):
            files.append((rel, text, *found, None))
        elif found is not None:
            unreadable[rel] = found
            files.append((rel, text, None, None, None))
    return files, unreadable


def _read(rel: str, path: str) -> tuple[bytes, Signature] | str | None:
    """A post's bytes and stat signature, or why it cannot be read; None if it vanished."""
    from blogcli.cache import signature
    from blogcli.files import read_file

    try:
        data, st = read_file(path)
    except FileNotFoundError:
        return None  # vanished since the folder was listed
    except OSError as err:
        return f"{rel}: cannot read it ({err.strerror or type(err).__name__})"
    return data, signature(st)


# Posts per process handed out at a time (fan_out's chunks): ~40 files of the real corpus's
# 5,000 (~6 ms of counting), so the two processes end within a few ms of each other.
CHUNKS = 64


def _analyse_all(site: Site, options: TextOptions, todo: list[Todo],
                 meanwhile: Callable[[], None], summaries: bool = True) -> list[Analysed]:
    from blogcli.workers import POOL_MIN_FILES, fan_out

    def job(start: int, stop: int) -> list[Analysed]:
        return _analyse_files(site, options, todo[start:stop], summaries)

    if len(todo) < POOL_MIN_FILES:
        meanwhile()
        return job(0, len(todo))
    # The counting's modules loaded before the fork, not in each process after it.
    if summaries:
        analyse("x\n", {}, options, source="x\n", html_summary=False)
    else:
        words_only("x\n", {}, options, source="x\n")
    # Read, hashed and counted where they are analysed, in chunks each process takes as it
    # comes free (this one read and hashed every post first while the other core waited,
    # then both took every other post).
    return fan_out(job, len(todo), meanwhile, chunks=CHUNKS)


def _analyse_files(site: Site, options: TextOptions, todo: list[Todo],
                   summaries: bool = True) -> list[Analysed]:
    """(content hash, stat signature, ``analyse_file``'s value) of each post, read first if
    it was not; (None, None, why) for one that cannot be read, (None, None, None) for one
    that vanished."""
    from blogcli.cache import FileCache

    out: list[Analysed] = []
    for rel, path, data, sig in todo:
        if data is None:
            found = _read(rel, path)
            if not isinstance(found, tuple):
                out.append((None, None, found))
                continue
            data, sig = found
        out.append((FileCache.digest(data), sig,
                    analyse_file(site, options, rel, data, summaries)))
    return out


def analyse_file(site: Site, options: TextOptions, rel: str, data: bytes,
                 summary: bool = True) -> dict[str, Any]:
    """Everything about one post that depends only on its bytes (what the cache keeps);
    without ``summary``, its summary, ``truncated`` and URL None where leaving them out is
    quicker (see collect: the table shows none of them)."""
    try:
        post = parse_post(data, site.root / rel, rel, site)
    except PostError as err:
        return {"problem": str(err)}
    meta = post.meta
    counted = None if summary else words_only(post.body, meta, options, source=post.text)
    if counted is not None:
        words, minutes, _ = counted
        text: str | None = None
        truncated: bool | None = None
        url: str | None = None
    else:
        stats = analyse(post.body, meta, options, source=post.text, html_summary=False)
        words, minutes, text, truncated = (stats.words, stats.reading_time, stats.summary,
                                           stats.truncated)
        url = page_urls(site, rel, meta, post.slug)[0]
    return {
        "path": rel, "slug": post.slug, "title": post.title, "date": iso_date(post.date),
        "draft": post.draft, "expiry": iso_date(_date_or_none(_first(meta, EXPIRY_KEYS))),
        "publish": iso_date(_date_or_none(_first(meta, PUBLISH_KEYS))),
        "words": words, "reading_time": minutes, "summary": text, "truncated": truncated,
        "tags": post.tags, "author": _author(meta) or site.author,
        "url": url, "lang": _lang(site, rel, meta),
    }


def _lang(site: Site, rel: str, meta: dict[str, Any]) -> str:
    """The page's language: from its file or folder (Hugo, Zola), else ``lang`` in front matter
    (Jekyll and Hexo sites keep it there), else the site's own."""
    page = site.page(rel)
    if page is not None and page.lang:
        return page.lang
    value = meta.get("lang") or meta.get("language")
    if isinstance(value, str) and value:
        return value
    return str(site.engine.get("language") or site.engine.get("lang") or site.default_lang)


def _first(meta: dict[str, Any], keys: tuple[str, ...]) -> Any:
    get = meta.get
    if type(meta) is Folded:
        # Its keys as stored, each once, asked of dict's own get (Folded's lower-cases each
        # key in a Python call: nine of them a post, for these two lists of aliases).
        get, keys = dict.get.__get__(meta), _stored_keys(keys)
    for key in keys:
        value = get(key)
        if value:
            return value
    return None


@functools.cache
def _stored_keys(keys: tuple[str, ...]) -> tuple[str, ...]:
    """``keys`` as a Folded mapping stores them (lower-cased), in order, each once."""
    return tuple(dict.fromkeys(key.lower() for key in keys))


def _date_or_none(value: Any) -> datetime | date | None:
    try:
        return parse_date(value)
    except ValueError:
        return None


def _author(meta: dict[str, Any]) -> str:
    # The site's own rule (a name, a list of names or a {name: ...} table) read on the post.
    return engine_author({"author": meta.get("author") or meta.get("authors")})


@functools.lru_cache(maxsize=65536)
def when(value: str | None, zone: tzinfo | None = None) -> datetime | None:
    """A record's date as an aware datetime; a date without a zone is read in ``zone`` (the
    site's, as its engine reads it), else in local time."""
    if value is None:
        return None
    parsed = _iso(value)
    if parsed is None:
        return None
    if not isinstance(parsed, datetime):
        parsed = datetime(parsed.year, parsed.month, parsed.day)
    if parsed.tzinfo is not None:
        return parsed
    return parsed.replace(tzinfo=zone) if zone is not None else _local(parsed)


def _iso(value: str) -> datetime | date | None:
    """``parse_date`` of a date the cache holds, which ``iso_date`` wrote: Python's own
    ``fromisoformat`` reads exactly those shapes the same, several times faster; anything
    else (a hand-edited cache) goes to ``parse_date``."""
    if _ISO.fullmatch(value):
        return datetime.fromisoformat(value) if len(value) > 10 else date.fromisoformat(value)
    return parse_date(value)


# What date.isoformat() and datetime.isoformat() write for the dates parse_date makes.
_ISO = re.compile(r"[0-9]{4}-(?:0[1-9]|1[0-2])-(?:0[1-9]|[12][0-9]|3[01])"
                  r"(?:T(?:[01][0-9]|2[0-3]):[0-5][0-9]:[0-5][0-9](?:\.[0-9]{6})?"
                  r"(?:[+-](?:[01][0-9]|2[0-3]):[0-5][0-9])?)?")


def _local(moment: datetime) -> datetime:
    """A zoneless moment in local time, as the engines read it."""
    try:
        return moment.astimezone()
    except (OverflowError, ValueError, OSError):
        # 0001-01-01 west of UTC or 9999-12-31 east of it is outside datetime's range in UTC;
        # that far out the zone changes nothing a reader sees, so keep the day as written.
        return moment.replace(tzinfo=UTC)


def status_of(value: dict[str, Any], now: datetime, zone: tzinfo | None = None) -> str:
    """draft, scheduled (dated in the future), expired (expiry date past) or published."""
    if value["draft"]:
        return "draft"
    expiry = when(value.get("expiry"), zone)
    if expiry is not None and expiry <= now:
        return "expired"
    posted = when(value.get("publish") or value["date"], zone)
    return "scheduled" if posted is not None and posted > now else "published"


# What analyse_file stores, by type: a cached value of another shape is not trusted.
SHAPE: dict[str, type | tuple[type, ...]] = {
    "path": str, "slug": str, "title": str, "date": (str, type(None)), "draft": bool,
    "expiry": (str, type(None)), "publish": (str, type(None)), "words": int,
    "reading_time": int, "summary": (str, type(None)), "truncated": (bool, type(None)),
    "tags": list, "author": str, "url": (str, type(None)), "lang": str}


_SHAPE_KEYS, _SHAPE_KINDS = tuple(SHAPE), tuple(SHAPE.values())


def valid_value(value: Any) -> bool:
    """True for a value ``analyse_file`` could have made."""
    if not isinstance(value, dict):
        return False
    if "problem" in value:
        return isinstance(value["problem"], str)
    # No Python-level loop: a warm run checks every cached post.
    return all(map(isinstance, map(value.get, _SHAPE_KEYS), _SHAPE_KINDS))


def _record(value: dict[str, Any], now: datetime, zone: tzinfo | None = None) -> PostRecord:
    v = value
    return PostRecord(v["path"], v["slug"], v["title"], v["date"], v["draft"],
                      status_of(value, now, zone), v["words"], v["reading_time"], v["summary"],
                      v["truncated"], v["tags"], v["author"], v["url"], v["lang"])


def sort_newest_first(records: list[PostRecord]) -> list[PostRecord]:
    """Newest first; undated posts last, by path."""
    def key(record: PostRecord) -> tuple[int, float, str]:
        moment = when(record.date)
        return (0, -moment.timestamp(), record.path) if moment else (1, 0.0, record.path)

    return sorted(records, key=key)


def find_post(site: Site, wanted: str, cwd: Path | None = None) -> PostRecord:
    """The post named by a path (from here or from the site root) or by its slug.

    Found as every command finds a post (``site.find_post_path``), then read on its own, so a
    post that does not parse is reported with its file and line however it was named.
    """
    path = find_post_path(site, wanted, cwd)
    listing = collect(site, only=[path])
    if listing.problems:
        raise ContentError(listing.problems[0])
    if not listing.records:
        raise UsageError(f"{site.rel(path)} vanished while it was being read")
    return listing.records[0]
