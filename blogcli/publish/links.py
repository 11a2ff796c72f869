"""Rewrite every internal link to a moved post, byte-exactly, in every form the engines know.

Links are found by `blog check`'s own reader (so never inside code spans, code blocks or
highlight tags), at the line and column where their destination is written. A destination is
replaced only when the file holds exactly that text there; a link written some other way
(percent-encoded, an HTML entity) is reported, not guessed at.
"""

from __future__ import annotations

import os
import posixpath
import re
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from urllib.parse import unquote, urlsplit

from blogcli.permalinks import base_path, normalize
from blogcli.post import JEKYLL_NAME, Post, load_post
from blogcli.site import MARKDOWN_SUFFIXES, SKIP_DIRS, Site

URL_KINDS = ("link", "image", "html", "definition")


@dataclass(frozen=True)
class Names:
    """How a post is named before and after the move, in each form a link may use."""

    old_rel: str  # site-relative source path: content/posts/old.md, or old/index.md
    new_rel: str
    old_url: str  # its permalink path: /posts/old/
    new_url: str
    bundle: bool  # the post is a bundle folder's index.md: links may name the folder

    def swaps(self) -> dict[str, str]:
        """Path segments that name the post, old -> new (file name, stem, bundle folder)."""
        old, new = PurePosixPath(self.old_rel), PurePosixPath(self.new_rel)
        if self.bundle:
            return {old.parent.name: new.parent.name}
        found = {old.name: new.name, old.stem: new.stem}
        match, after = JEKYLL_NAME.match(old.stem), JEKYLL_NAME.match(new.stem)
        if match and after:  # `post_link` and `ref` may name a dated post without its date
            found[match[4]] = after[4]
        return found


@dataclass(frozen=True)
class Rewrite:
    """One destination to replace: file, 1-based line and column, the old and new text."""

    rel: str
    line: int
    column: int
    old: str
    new: str
    kind: str


def markdown_files(site: Site) -> list[Path]:
    """Every Markdown file that may link to a post: posts, drafts, pages, section pages."""
    tops = {site.content_dir, site.posts_dir, *([site.drafts_dir] if site.drafts_dir else [])}
    found: set[Path] = set()
    for top in tops:
        for folder, dirs, files in os.walk(top):
            dirs[:] = sorted(d for d in dirs if d not in SKIP_DIRS and not d.startswith("."))
            found.update(Path(folder) / f for f in files
                         if f.endswith(MARKDOWN_SUFFIXES) and not f.startswith("."))
    return sorted(found)


def find_rewrites(site: Site, names: Names, skip: set[str]) -> tuple[list[Rewrite], list[str]]:
    """Every link to the post across the site, and the places that could not be rewritten."""
    rewrites: list[Rewrite] = []
    problems: list[str] = []
    from blogcli.errors import BlogError

    for path in markdown_files(site):
        rel = site.rel(path)
        if rel in skip:
            continue
        try:
            post = load_post(path, site)
        except BlogError:
            continue  # `blog check` reports unreadable files; they hold no link we can edit
        found, bad = rewrites_in(site, post, names)
        rewrites += found
        problems += bad
    return rewrites, problems


def rewrites_in(site: Site, post: Post, names: Names,
                as_rel: str | None = None) -> tuple[list[Rewrite], list[str]]:
    """The rewrites of one file (``as_rel``: where it will be, for the moved post itself)."""
    from blogcli.check.links import extract_links
    from blogcli.permalinks import page_urls

    lines = post.text.split("\n")
    found: list[Rewrite] = []
    problems: list[str] = []
    page = page_urls(site, post.rel, post.meta, post.slug)[0]
    for link in extract_links(post, site.profile):
        new = new_target(site, names, link.target, link.kind, as_rel or post.rel, page)
        if new is None or new == link.target:
            continue
        text = lines[link.line - 1] if link.line <= len(lines) else ""
        if text[link.column - 1:link.column - 1 + len(link.target)] != link.target:
            problems.append(f"{post.rel}:{link.line}:{link.column}: the link {link.target!r} "
                            "is written differently from how it reads (an escape or an "
                            "entity); change it by hand")
            continue
        found.append(Rewrite(post.rel, link.line, link.column, link.target, new, link.kind))
    return found, problems


def apply_rewrites(raw: bytes, rewrites: list[Rewrite]) -> bytes:
    """The file's bytes with each destination replaced, every other byte kept."""
    bom = raw.startswith(b"\xef\xbb\xbf")
    lines = raw[3 if bom else 0:].decode("utf-8").split("\n")
    for change in sorted(rewrites, key=lambda r: (r.line, r.column), reverse=True):
        text = lines[change.line - 1]
        start = change.column - 1
        assert text[start:start + len(change.old)] == change.old  # checked when planned
        lines[change.line - 1] = text[:start] + change.new + text[start + len(change.old):]
    return (b"\xef\xbb\xbf" if bom else b"") + "\n".join(lines).encode("utf-8")


def new_target(site: Site, names: Names, target: str, kind: str, rel: str,
               page: str = "/") -> str | None:
    """The destination ``target`` (in the file ``rel``, published at ``page``) becomes, or
    None when it is not a link to the post."""
    cut = re.search(r"[?#]", target)
    path, tail = (target[:cut.start()], target[cut.start():]) if cut else (target, "")
    if not path:
        return None
    if kind == "ref":
        return _ref(site, names, path, rel, tail)
    if kind in ("post_url", "post_link"):
        return _named(names, path, tail)
    if kind == "liquid_link":
        return names.new_rel + tail if unquote(path).lstrip("/") == names.old_rel else None
    if kind not in URL_KINDS:
        return None
    if path.startswith("@/"):
        return _content_path(site, names, path[2:], "@/", tail)
    if "://" in path or path.startswith("//"):
        return _full_url(site, names, path, tail)
    if path.startswith("/"):
        return _absolute(site, names, path, tail)
    return _relative(site, names, path, rel, tail) or _relative_url(names, path, page, tail)


def _named(names: Names, path: str, tail: str) -> str | None:
    """`post_url` / `post_link`: a post named by its file name without suffix."""
    head, _, last = path.rpartition("/")
    old = PurePosixPath(names.old_rel)
    if last not in (old.stem, (JEKYLL_NAME.match(old.stem) or [None] * 5)[4]):
        return None
    swapped = names.swaps().get(last)
    return f"{head}/{swapped}{tail}" if head else f"{swapped}{tail}"


def _swap(path: str, names: Names) -> str:
    """``path`` with the last segment that names the post renamed."""
    parts = path.split("/")
    swaps = names.swaps()
    for index in range(len(parts) - 1, -1, -1):
        if parts[index] in swaps:
            parts[index] = swaps[parts[index]]
            break
    return "/".join(parts)


def _is_post(site: Site, names: Names, rel: str) -> bool:
    """True when the site-relative ``rel`` names the post's file (or its bundle folder)."""
    rel = rel.rstrip("/")
    old = PurePosixPath(names.old_rel)
    targets = {names.old_rel}
    if names.bundle:
        targets |= {str(old.parent)}
    return rel in targets


def _content_path(site: Site, names: Names, path: str, prefix: str, tail: str) -> str | None:
    content = site.rel(site.content_dir)
    rel = posixpath.normpath(posixpath.join(content, unquote(path)))
    return prefix + _swap(path, names) + tail if _is_post(site, names, rel) else None


def _ref(site: Site, names: Names, path: str, rel: str, tail: str) -> str | None:
    """Hugo ref/relref: from the page's folder, from the content root, or by file name."""
    content = site.rel(site.content_dir)
    clean = unquote(path)
    candidates = [posixpath.join(content, clean.lstrip("/"))]
    if not clean.startswith("/"):
        candidates.append(posixpath.join(posixpath.dirname(rel), clean))
    for candidate in candidates:
        normal = posixpath.normpath(candidate)
        if _is_post(site, names, normal) or _is_post(site, names, normal + ".md"):
            return _swap(path, names) + tail
    last = clean.rstrip("/").rpartition("/")[2]
    if "/" not in clean.strip("/") and last in names.swaps():
        return _swap(path, names) + tail  # a bare name Hugo finds anywhere (when unique)
    return None


def _relative(site: Site, names: Names, path: str, rel: str, tail: str) -> str | None:
    """A relative link: to the source file (or bundle folder), or to the page's URL."""
    clean = unquote(path)
    as_file = posixpath.normpath(posixpath.join(posixpath.dirname(rel), clean))
    if _is_post(site, names, as_file):
        return _swap(path, names) + tail
    return None


def _relative_url(names: Names, path: str, page: str, tail: str) -> str | None:
    """A link relative to the page's own URL (``../old/`` from ``/posts/other/``)."""
    from urllib.parse import urljoin

    if normalize(urljoin(page, path)) != normalize(names.old_url):
        return None
    old, new = names.old_url.strip("/").split("/"), names.new_url.strip("/").split("/")
    if len(old) != len(new):
        return None
    swaps = {o: n for o, n in zip(old, new, strict=True) if o != n}
    parts = path.split("/")
    for index in range(len(parts) - 1, -1, -1):
        stem, dot, suffix = parts[index].partition(".")
        if stem in swaps:
            parts[index] = swaps[stem] + dot + suffix
            return "/".join(parts) + tail
    return None


def _absolute(site: Site, names: Names, path: str, tail: str) -> str | None:
    base = base_path(site)
    inner = path
    if base and normalize(path).startswith(base.lower() + "/"):
        inner = "/" + path.lstrip("/")[len(base):].lstrip("/")
    if normalize(inner) != normalize(names.old_url):
        return None
    return path[: len(path) - len(inner)] + _styled(inner, names.new_url) + tail


def _full_url(site: Site, names: Names, url: str, tail: str) -> str | None:
    engine = site.engine
    base = str(engine.get("baseURL") or engine.get("baseurl") or engine.get("base_url")
               or engine.get("url") or "")
    if not base or "://" not in base:
        return None
    ours, theirs = urlsplit(base), urlsplit(url if "://" in url else "https:" + url)
    if ours.hostname != theirs.hostname:
        return None
    found = _absolute(site, names, theirs.path or "/", "")
    if found is None:
        return None
    return url[: len(url) - len(theirs.path)] + found + tail


def _styled(written: str, new_url: str) -> str:
    """``new_url`` written the way ``written`` was: trailing slash, .html or neither."""
    if written.endswith((".html", ".htm")) or new_url.endswith((".html", ".htm")):
        return new_url
    if written.endswith("/"):
        return new_url if new_url.endswith("/") else new_url + "/"
    return new_url.rstrip("/") or "/"
