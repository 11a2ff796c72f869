"""What one file tells the checker, as plain JSON data: cached by content hash, made in workers.

Everything here depends only on the file's bytes, its path and the site's profile, so a cached
result stays true while the file is unchanged. Rules that need the whole site or the clock
(duplicates, required keys, future dates, link targets) run later, in ``checks``.
"""

from __future__ import annotations

import marshal
import re
from collections.abc import Iterator, Mapping
from datetime import date, datetime
from pathlib import Path
from typing import Any

from blogcli.check.bareurls import linkify_on
from blogcli.check.native import scan_post
from blogcli.post import Post, PostError, iso_date, parse_date, parse_post
from blogcli.site import Site

VERSION = 8
DATE_KEYS = ("date", "lastmod", "publishDate", "publishdate", "expiryDate", "expirydate",
             "updated", "modified")
TAXONOMIES = ("tags", "categories")
KNOWN_KEYS = frozenset((
    "title", "date", "lastmod", "publishDate", "publishdate", "expiryDate", "expirydate",
    "updated", "modified", "draft", "published", "tags", "tag", "categories", "category",
    "slug", "url", "aliases", "redirect_from", "redirect_to", "permalink", "path",
    "description", "summary", "excerpt", "excerpt_separator", "author", "authors", "images",
    "image", "cover", "featured_image", "thumbnail", "layout", "weight", "keywords", "series",
    "toc", "math", "katex", "mathjax", "comments", "type", "linkTitle", "menu", "params",
    "taxonomies", "extra", "template", "render", "build", "outputs", "markup", "headless",
    "resources", "cascade", "translationKey", "lang", "language", "isCJKLanguage", "canonical",
    "canonicalURL", "sitemap", "hidden", "pinned", "sticky", "top", "disqus", "photos", "link",
    "subtitle", "header", "footer", "showToc", "TocOpen", "hideSummary", "searchHidden",
    "ShowReadingTime", "ShowBreadCrumbs", "ShowPostNavLinks", "ShowWordCount",
    "ShowShareButtons", "UseHugoToc", "disableShare", "disableHLJS", "hidemeta", "comment",
    "mermaid", "readingTime", "read_time", "in_search_index", "insert_anchor_links",
    "transparent", "page_template", "aliases_to", "sort_by", "paginate_by",
))
KNOWN_LOWER = frozenset(k.lower() for k in KNOWN_KEYS)
PERMALINK_KEYS = ("title", "slug", "url", "permalink", "path", "date", "categories", "category",
                  "aliases", "redirect_from", "tags", "taxonomies", "series", "authors",
                  # whether the engine publishes the page (pages.availability)
                  "draft", "published", "publishdate", "pubdate", "expirydate", "unpublishdate",
                  "build", "_build", "headless", "cascade")
# KEY_PATTERNS["yaml"] for every line at once: nothing it matches crosses a line break. (A
# line that starts "- " is an item of a list, which YAML allows at its key's indent: no key.)
YAML_KEYS = re.compile(r"^(?!-\s)['\"]?([^\s:'\"#][^:'\"\n]*?)['\"]?[^\S\n]*:", re.MULTILINE)
KEY_PATTERNS = {
    "yaml": re.compile(r"^(?!-\s)['\"]?([^\s:'\"#][^:'\"]*?)['\"]?\s*:"),
    "toml": re.compile(r"^([A-Za-z0-9_\-]+)\s*="),
    "json": re.compile(r"^\s*\"([^\"]+)\"\s*:"),
}
TOML_TABLE = re.compile(r"^\[([A-Za-z0-9_\-.]+)\]")
UNREADABLE = re.compile(r"cannot read|binary file|not valid UTF-8")


# What scan_bytes stores for a readable file, by type: a cached fact of another shape is not
# trusted (a damaged cache is rebuilt, never a traceback).
FACT_SHAPE: dict[str, type] = {"keys": dict, "fm": list, "slug": str, "meta": dict,
                               "draft": bool, "links": list, "anchors": list,
                               "headings": list, "repeats": list}


def valid_fact(value: Any) -> bool:
    """True for a value ``scan_bytes`` could have made."""
    if not isinstance(value, dict):
        return False
    error = value.get("error")
    if error is not None:
        return isinstance(error, list) and len(error) == 3 and isinstance(error[0], str)
    return all(isinstance(value.get(key), kind) for key, kind in FACT_SHAPE.items()) and all(
        isinstance(item, list) and len(item) == 4 for item in [*value["links"], *value["fm"]]) \
        and all(isinstance(item, list) and len(item) == 5 for item in value["repeats"])


def packed(fact: dict[str, Any] | None) -> dict[str, Any] | bytes | None:
    """``fact`` as the site index keeps it: marshalled, to be read only where a check needs
    it (``Facts``); an unreadable page's as it is, which ``Facts.readable`` must see."""
    return marshal.dumps(fact) if fact is not None and not fact.get("error") else fact


def unpacked(value: dict[str, Any] | bytes | None) -> dict[str, Any] | None:
    """The fact ``packed`` made ``value`` of."""
    return marshal.loads(value) if type(value) is bytes else value  # type: ignore[return-value]


class Facts(Mapping[str, dict[str, Any]]):
    """Pages' facts by path, those of the site index unpacked when first read: a post's
    links lead to a few pages, whose facts are all its check reads of the site's thousands
    (unpacking all of 5,000 pages took 14 ms, a tenth of a publish)."""

    def __init__(self, values: dict[str, dict[str, Any] | bytes]) -> None:
        self._values = values

    def __getitem__(self, rel: str) -> dict[str, Any]:
        value = self._values[rel]
        if type(value) is bytes:
            value = self._values[rel] = marshal.loads(value)
        return value  # type: ignore[return-value]

    def __contains__(self, rel: object) -> bool:
        return rel in self._values

    def __iter__(self) -> Iterator[str]:
        return iter(self._values)

    def __len__(self) -> int:
        return len(self._values)

    def readable(self) -> Facts:
        """These facts but the unreadable pages' (found without unpacking: see ``packed``)."""
        return Facts({rel: value for rel, value in self._values.items()
                      if isinstance(value, bytes) or not value.get("error")})


def scan_bytes(site: Site, path: Path, rel: str, raw: bytes) -> dict[str, Any]:
    """The facts of one file: front-matter findings, links, anchors, permalink inputs."""
    try:
        post = parse_post(raw, path, rel, site)
    except PostError as err:
        rule = "file-unreadable" if UNREADABLE.search(err.detail) else "front-matter-invalid"
        return {"error": [rule, err.line, err.detail]}
    scan = scan_post(post, site.profile, linkify_on(site.profile, site.engine))
    repeats: list[tuple[str, int, int]] = []
    keys = key_lines(post, _found_keys(post, repeats))
    meta = post.meta
    return {
        "error": None,
        "keys": keys,
        "fm": front_matter_findings(post, keys, repeats),
        "slug": post.slug,
        # (a title or a slug, most values, is kept as it is without a call)
        "meta": {k: value if type(value := meta[k]) is str else _jsonable(value)
                 for k in PERMALINK_KEYS if k in meta},
        "date": iso_date(post.date),
        "draft": post.draft,
        "empty": _blank(post.body),
        "links": [list(k) for k in scan.links],  # [target, line, column, kind]
        # past native.KEEP links to one target: the first of the rest, and how many there are
        "repeats": [[k.target, k.line, k.column, k.kind, count]
                    for k, count in scan.repeats.values()],
        "anchors": scan.anchors,
        "headings": scan.headings,
        "certain": scan.anchors_certain,
    }


def key_lines(post: Post, found: dict[str, int] | None = None) -> dict[str, int]:
    """The file line of each front-matter key (its opening line when not found).

    Top-level keys by name; keys inside a TOML table also as ``table.key``. ``found`` is
    what ``_found_keys`` gives, when the caller has it already.
    """
    if not post.meta:
        return {}
    if found is None:
        found = _found_keys(post)
    folded: dict[str, int] | None = None  # made for the first key not found as written
    top: dict[str, int] = {}
    for key in post.meta:
        name = str(key)
        number = found.get(name)
        if number is None:
            if folded is None:  # Hugo's keys are read lower-cased (post.fold_keys)
                folded = {}
                for written, line in found.items():
                    folded.setdefault(written.lower(), line)
            number = folded.get(name.lower(), 1)
        top[name] = number
    dotted = [k for k in found if "." in k]
    return top | {k: found[k] for k in dotted} if dotted else top


def _found_keys(post: Post, repeats: list[tuple[str, int, int]] | None = None) -> dict[str, int]:
    """The first line of each key written at the start of a front-matter line; each key
    written again is added to ``repeats`` as (key, line, first line)."""
    found: dict[str, int] = {}
    head = _head(post.text, post.body_line - 1)
    if post.fm_format == "yaml":  # one search of the front matter, not a match per line
        number, at = 1, 0
        for match in YAML_KEYS.finditer(head):
            number += head.count("\n", at, match.start())
            at = match.start()
            key = match.group(1)
            first = found.setdefault(key, number)
            if repeats is not None and first != number:
                repeats.append((key, number, first))
        return found
    regex = KEY_PATTERNS.get(post.fm_format or "")
    table = ""
    for number, text in enumerate(head.split("\n"), start=1):
        header = TOML_TABLE.match(text) if post.fm_format == "toml" else None
        if header:
            table = header.group(1)
            found.setdefault(table, number)
            continue
        line = regex.match(text) if regex else None
        if line:
            found.setdefault(f"{table}.{line.group(1)}" if table else line.group(1), number)
    return found


def _head(text: str, count: int) -> str:
    """The first ``count`` lines of ``text`` (all of it if it has fewer), without the line
    break after the last: ``"\n".join(text.split("\n")[:count])`` without splitting the body."""
    end = -1
    for _ in range(count):
        end = text.find("\n", end + 1)
        if end < 0:
            return text
    return text[:end] if count > 0 else ""


def _blank(text: str) -> bool:
    """``not text.strip()`` without copying the text."""
    return not text or text.isspace()


def front_matter_findings(post: Post, keys: dict[str, int],
                          repeats: list[tuple[str, int, int]] | None = None) -> list[list[Any]]:
    """Findings about front-matter values: [rule, line, column, message]; ``repeats`` as
    ``_found_keys`` gives them, when the caller has them already."""
    out: list[list[Any]] = []
    meta = post.meta
    for key in DATE_KEYS:
        if key in meta:
            out.extend(_date_findings(key, meta[key], keys.get(key, 1)))
    for key in ("draft", "published"):
        if key in meta and not isinstance(meta[key], bool):
            out.append(["draft-not-boolean", keys.get(key, 1), 1,
                        f"{key}: {meta[key]!r} is not true or false (write {key}: true)"])
    taxonomies = {k: (meta[k], keys.get(k, 1)) for k in TAXONOMIES if k in meta}
    if isinstance(meta.get("taxonomies"), dict):  # Zola keeps them in a [taxonomies] table
        taxonomies.update({f"taxonomies.{k}": (v, keys.get(f"taxonomies.{k}", 1))
                           for k, v in meta["taxonomies"].items()})
    for key, (value, line) in taxonomies.items():
        out.extend(_taxonomy_findings(key, value, line))
    for key in meta:
        if key not in KNOWN_KEYS:  # (most keys: no call made for them)
            out.extend(_typo_findings(str(key), keys.get(str(key), 1)))
    out.extend(_twice(post, repeats))
    if _blank(post.body) and not post.draft:
        out.append(["body-empty", post.body_line if post.body else max(post.body_line - 1, 1), 1,
                    "the post has no text after its front matter"])
    return out


def _twice(post: Post, repeats: list[tuple[str, int, int]] | None) -> list[list[Any]]:
    """A warning for each top-level YAML key given again (the reader kept the last value)."""
    if post.fm_format != "yaml":
        return []
    if repeats is None:
        repeats = []
        _found_keys(post, repeats)
    return [["key-duplicate", number, 1, f"key {key!r} is given twice (first on line "
             f"{first}): the engine keeps this last value; current Hugo refuses such a page"]
            for key, number, first in repeats]


def _date_findings(key: str, value: Any, line: int) -> list[list[Any]]:
    try:
        parsed = parse_date(value)
    except ValueError:
        return [["date-invalid", line, 1, f"{key}: {value!r} is not a date the engine can read "
                                          "(write 2024-01-31 or 2024-01-31T10:00:00+01:00)"]]
    if key == "date" and isinstance(parsed, datetime) and parsed.tzinfo is None:
        return [["date-no-zone", line, 1, f"date {value} has no time zone"]]
    return []


def _taxonomy_findings(key: str, value: Any, line: int) -> list[list[Any]]:
    if value is None or (isinstance(value, list) and all(
            item is None or (isinstance(item, str | int | float) and not isinstance(item, bool))
            for item in value)):  # an empty entry (``tags: [""]``, ``- ``) is skipped by engines
        return []
    if isinstance(value, str):
        # One word is one term to Jekyll, Hugo and Hexo alike; words apart (Jekyll splits
        # them, the others keep one term) or a comma are read differently. Zola refuses any
        # string in [taxonomies].
        if key.startswith("taxonomies.") or "," in value or any(c.isspace() for c in value):
            return [["tags-string", line, 1, f"{key} is a single string {value!r}; write a "
                                             f"list ({key}: [a, b]) so every engine reads the "
                                             "same terms"]]
        return []
    return [["tags-invalid", line, 1, f"{key} must be a list of words, not "
                                      f"{type(value).__name__} {value!r}"[:200]]]


def _typo_findings(key: str, line: int) -> list[list[Any]]:
    close = suggest_key(key)
    if close is None:
        return []
    return [["key-typo", line, 1, f"unknown key {key!r}: did you mean {close!r}?"]]


def suggest_key(key: str) -> str | None:
    """The known key ``key`` is most likely a typo of (``tittle`` -> ``title``), or None.

    A key starting with ``_`` is kept out on purpose (``_comment``, ``_build``: a note, or a
    key the engine reads in its own way), never a slip of the keyboard."""
    if key in KNOWN_KEYS or key.lower() in KNOWN_LOWER or len(key) < 3 or key[0] == "_":
        return None
    from difflib import get_close_matches  # only for a key that looks like a typo

    close = get_close_matches(key, KNOWN_KEYS, n=1, cutoff=0.8)
    return close[0] if close else None


def _jsonable(value: Any) -> Any:
    if type(value) is str:  # most values: titles, slugs, tags
        return value
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, list):
        return [_jsonable(v) for v in value]
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, str | int | float | bool) or value is None:
        return value
    return str(value)
