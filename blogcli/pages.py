"""Every Markdown page an engine publishes, found by the engine's own rules.

Each engine decides differently which files are pages, which pages are posts and which language
a page is in; this module knows those rules from the file tree and the engine's config alone
(plus the few section files Zola keeps its sorting in), so listing, checking and publishing all
see the same set of pages. URLs are made from these facts in ``permalinks``.
"""

from __future__ import annotations

import os
import re
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from datetime import datetime

    from blogcli.site import Site

MARKDOWN_SUFFIXES = (".md", ".markdown", ".mdown", ".mkd", ".mkdn", ".mkdown")
# Folders no site engine renders and no post lives in.
SKIP_DIRS = {".git", "node_modules", "public", "_site", "resources", ".blog-cache", "vendor"}
# Of those, the ones that are build output only at the site's root: deeper down, a Hugo
# section may be called resources (gohugoio/hugoDocs: content/en/functions/resources/).
ROOT_ONLY = {"public", "_site", "resources", "vendor"}
JEKYLL_EXCLUDE = {"Gemfile", "Gemfile.lock", "node_modules", "vendor", "gemfiles",
                  ".sass-cache", ".jekyll-cache", "_site"}
TEMPLATES = ("scaffolds", "archetypes")  # blog's and Hugo's templates for new posts
# Jekyll reads node_modules, vendor, public and resources like any other folder.
JEKYLL_SKIP_DIRS = {".git", "_site", ".jekyll-cache", ".sass-cache", *TEMPLATES}
DATED_NAME = re.compile(r"^\d{4}-\d{1,2}-\d{1,2}-")
LANG_SUFFIX = re.compile(r"^(.+)\.([a-zA-Z]{2,3}(?:[-_][a-zA-Z0-9]{2,8})*)$")


@dataclass(frozen=True, init=False)
class Page:
    """One Markdown page of the site, as the engine sees it.

    ``kind`` is post, page or section; ``group`` is the Hugo top-level section, the Jekyll
    collection or the Zola section folder; ``root`` is the content folder (relative to the site)
    whose layout makes the URL; ``bundle`` says files beside it are published under its URL.
    """

    path: str
    rel: str
    kind: str
    lang: str = ""
    root: str = ""
    group: str = ""
    categories: tuple[str, ...] = ()
    bundle: bool = False
    in_drafts: bool = False
    dated: bool = False

    def __init__(self, path: str, rel: str, kind: str, lang: str = "", root: str = "",
                 group: str = "", categories: tuple[str, ...] = (), bundle: bool = False,
                 in_drafts: bool = False, dated: bool = False) -> None:
        # The frozen dataclass's own __init__ sets each field through object.__setattr__:
        # 2.7 us a page against 1.2 here, 7 ms of a 5,000-post walk (every publish walks).
        self.__dict__.update(path=path, rel=rel, kind=kind, lang=lang, root=root, group=group,
                             categories=categories, bundle=bundle, in_drafts=in_drafts,
                             dated=dated)


@dataclass(frozen=True)
class Availability:
    """Whether the engine's build writes a page now: ``live``, ``unpublished`` (a draft, an
    expired page, ``published: false``: no build writes it until the source changes) or
    ``scheduled`` (a later build writes it, from ``when``). ``why`` says which rule decided."""

    state: str
    why: str = ""
    when: datetime | None = None


LIVE = Availability("live")
# Hugo's default [frontmatter] sources for the publish and expiry dates (its docs, "Configure
# front matter"); ``date`` comes last, as the fallback for the publish date.
HUGO_PUBLISH_KEYS = ("publishdate", "pubdate", "published")
HUGO_EXPIRY_KEYS = ("expirydate", "unpublishdate")


def availability(site: Site, page: Page | None, meta: dict[str, Any], date: str | None,
                 now: datetime, cascade: tuple[dict[str, Any], ...] = ()) -> Availability:
    """Whether ``site``'s engine publishes ``page`` in a build at ``now``, by its own rules.

    ``meta`` is the page's front matter (Hugo's keys lower-cased), ``date`` its date as ISO text
    (a Jekyll file-name date counts), ``cascade`` the Hugo ``cascade`` tables of its sections,
    nearest first (hugo_cascade). Only the engine's defaults and the config switches that
    change them (``buildDrafts``, ``future``, ``render_drafts``, …) are read; a build run with
    ``-D``/``--drafts`` flags on the command line is not what the live site gets.
    """
    engine = site.engine
    in_drafts = page is not None and page.in_drafts
    if site.profile == "hugo":
        render = _hugo_render(meta, cascade)
        if render is not None:
            return Availability("unpublished", render)
        published = meta.get("published")
        if (meta.get("draft") is True or published is False) and \
                not _on(engine.get("buildDrafts")):
            # published: false was a draft to Hugo 0.111; 0.168 stops the build on it.
            return Availability("unpublished", "a draft (draft: true)" if meta.get("draft")
                                is True else "a draft (published: false; current Hugo "
                                "refuses it: published must be a date)")
        expiry = _moment(site, next((meta[k] for k in HUGO_EXPIRY_KEYS if meta.get(k)), None))
        if expiry is not None and expiry <= now and not _on(engine.get("buildExpired")):
            return Availability("unpublished", f"expired on {expiry.date().isoformat()} "
                                               "(expiryDate)")
        up = next((meta[k] for k in HUGO_PUBLISH_KEYS
                   if meta.get(k) and not isinstance(meta[k], bool)), None)
        return _scheduled(site, _moment(site, up if up is not None else date), now,
                          _on(engine.get("buildFuture")),
                          "publishDate" if up is not None else "date")
    if site.profile == "jekyll":
        if in_drafts and not _on(engine.get("show_drafts")):
            return Availability("unpublished", "a draft (in _drafts/)")
        if meta.get("published") is False and not _on(engine.get("unpublished")):
            return Availability("unpublished", "unpublished (published: false)")
        dated = page is not None and (page.kind == "post" or bool(page.group))
        return _scheduled(site, _moment(site, date), now, _on(engine.get("future")) or
                          not dated, "date")
    if site.profile == "hexo":
        if in_drafts and not _on(engine.get("render_drafts")):
            return Availability("unpublished", "a draft (in _drafts/)")
        if meta.get("published") is False:
            return Availability("unpublished", "unpublished (published: false)")
        return _scheduled(site, _moment(site, date), now, engine.get("future", True) is not False
                          or page is None or page.kind != "post", "date")
    if site.profile == "zola" and meta.get("draft") is True:
        return Availability("unpublished", "a draft (draft = true)")
    return LIVE


def _hugo_render(meta: dict[str, Any], cascade: tuple[dict[str, Any], ...]) -> str | None:
    """Why Hugo writes no page for this one (``build: {render: never}``, ``headless``), from
    its own front matter first, then its sections' cascades; None when it writes one."""
    for values in (meta, *cascade):
        for key in ("build", "_build"):  # _build: the name before Hugo 0.65
            options = values.get(key)
            render = options.get("render") if isinstance(options, dict) else None
            if render is not None:
                if str(render).lower() in ("never", "link", "false"):
                    return f"not rendered (build: render: {str(render).lower()})"
                return None
        if values.get("headless") is True:
            return "headless (headless: true)"
    return None


def hugo_cascade(pages: list[Page], metas: dict[str, dict[str, Any]]) -> dict[str, dict[str, Any]]:
    """The ``cascade`` of each Hugo section, by the section's folder (site-relative). A cascade
    that targets some pages only (``_target``/``target``) is left out: it is not known here
    which pages it reaches."""
    found: dict[str, dict[str, Any]] = {}
    for page in pages:
        cascade = metas.get(page.rel, {}).get("cascade") if page.kind == "section" else None
        entries = cascade if isinstance(cascade, list) else [cascade]
        merged: dict[str, Any] = {}
        for entry in entries:
            if isinstance(entry, dict) and not entry.get("_target") and not entry.get("target"):
                merged = {**entry, **merged}
        if merged:
            found[page.rel.rsplit("/", 1)[0]] = merged
    return found


def cascade_of(rel: str, cascades: dict[str, dict[str, Any]]) -> tuple[dict[str, Any], ...]:
    """The cascades that reach the page ``rel``, nearest section first."""
    out = []
    folder = rel
    while "/" in folder:
        folder = folder.rsplit("/", 1)[0]
        if folder in cascades:
            out.append(cascades[folder])
    return tuple(out)


def _scheduled(site: Site, up: datetime | None, now: datetime, shown: bool,
               key: str) -> Availability:
    if up is None or up <= now or shown:
        return LIVE
    return Availability("scheduled", f"scheduled ({key} {up.isoformat()})", up)


def _moment(site: Site, value: Any) -> datetime | None:
    """A front-matter date as the engine reads it: a date without a zone in the site's zone."""
    from datetime import date as day
    from datetime import datetime as moment

    from blogcli.clock import site_zone
    from blogcli.post import parse_date

    try:
        parsed = parse_date(value)
    except ValueError:
        return None
    if parsed is None:
        return None
    if not isinstance(parsed, moment) and isinstance(parsed, day):
        parsed = moment(parsed.year, parsed.month, parsed.day)
    return parsed if parsed.tzinfo is not None else parsed.replace(tzinfo=site_zone(site))


def _on(value: Any) -> bool:
    return value is True or (isinstance(value, str) and value.strip().lower() == "true")


def find_pages(site: Site) -> list[Page]:
    """Every page of ``site`` (posts, pages, section pages, translations), in path order."""
    finder = {"hugo": _hugo, "jekyll": _jekyll, "hexo": _hexo, "zola": _zola}.get(site.profile,
                                                                                   _plain)
    pages = finder(site)
    if site.posts_override:  # blog.toml [site] posts_dir: the user's word on which are posts
        pages = _override(site, pages)
    return sorted(pages, key=lambda p: p.path.replace("/", "\0"))


def _override(site: Site, pages: list[Page]) -> list[Page]:
    folders = [str(f).rstrip("/") + "/" for f in site.posts_override]
    known = {p.path for p in pages}
    out = [_as(p, "post" if p.path.startswith(tuple(folders)) and p.kind != "section"
               else ("page" if p.kind == "post" else p.kind)) for p in pages]
    for folder in site.posts_override:
        out += [Page(path, _rel(site, path), "post", root=site.rel(folder))
                for path in _markdown_under(str(folder), site.root) if path not in known]
    return out


def _as(page: Page, kind: str) -> Page:
    if page.kind == kind:
        return page
    return Page(page.path, page.rel, kind, page.lang, page.root, page.group, page.categories,
                page.bundle, page.in_drafts, page.dated)


def _markdown_under(folder: str, root: Path) -> list[str]:
    found: list[str] = []
    _walk(folder, root, lambda here, files, dirs: found.extend(
        os.path.join(here, name) for name in files
        if name.endswith(MARKDOWN_SUFFIXES) and not name.startswith(("_index.", "."))))
    return found


def _walk(here: str, root: Path, visit: Any, skip: set[str] = SKIP_DIRS) -> None:
    """Call ``visit(folder, files, folders)`` top-down; ``visit`` may prune ``folders``.

    Links to folders are not followed, and links to files only when they stay in the site.
    """
    try:
        with os.scandir(here) as listing:
            entries = list(listing)
    except OSError:
        return  # an unreadable folder holds no page we can read (os.walk skips it too)
    files: list[str] = []
    folders: list[str] = []
    for entry in entries:
        try:
            is_dir = entry.is_dir() and not entry.is_symlink()
            is_link = entry.is_symlink()
        except OSError:
            continue  # a link loop: nothing to read there
        if is_dir:
            skipped = entry.name in skip and (entry.name not in ROOT_ONLY or
                                              here == str(root))
            if not skipped and not entry.name.startswith("."):
                folders.append(entry.name)
        elif not is_link or _inside(entry.path, root):
            files.append(entry.name)
    files.sort()
    folders.sort()
    visit(here, files, folders)
    for name in folders:
        _walk(os.path.join(here, name), root, visit, skip)


def _rel(site: Site, path: str) -> str:
    """``site.rel`` by slicing: pathlib costs time by the thousand pages."""
    root = str(site.root) + os.sep
    return path[len(root):].replace(os.sep, "/") if path.startswith(root) else \
        site.rel(Path(path))


def _inside(path: str, root: Path) -> bool:
    real = os.path.realpath(path)
    return real == str(root) or real.startswith(str(root) + os.sep)


def is_markdown(name: str) -> bool:
    return name.lower().endswith(MARKDOWN_SUFFIXES)


# --- Hugo ------------------------------------------------------------------------------------


def _hugo(site: Site) -> list[Page]:
    # Each page's fields first, its Page made once its kind is known (the main sections are
    # counted over all of them): making every post twice was a third of a 5,000-post walk.
    found: list[tuple[str, str, str, str, str, str, bool]] = []
    languages = set(site.languages)
    for folder, lang in site.content_roots:
        root_rel = site.rel(folder)

        def visit(here: str, files: list[str], dirs: list[str], folder: Path = folder,
                  lang: str = lang, root_rel: str = root_rel) -> None:
            named = [(name, *_base(name, languages)) for name in files
                     if is_markdown(name) and not name.startswith(".")]
            index = any(base == "index" for _, base, _ in named)
            inner = os.path.relpath(here, folder)
            parts = [] if inner == "." else inner.split(os.sep)
            group = parts[0] if parts else ""
            # Each file's path and rel from its folder's (as in _plain: join and _rel per file
            # were a third of the walk).
            prefix = os.path.join(here, "")
            inner_rel = _rel(site, prefix)
            for name, base, own_lang in named:
                if index and base != "index":
                    continue  # a leaf bundle's other Markdown files are its resources
                kind = "section" if base == "_index" else "page"
                page_group = group if (parts and kind == "page") or kind == "section" else ""
                if kind == "page" and base == "index" and len(parts) == 1:
                    page_group = ""  # content/about/index.md is a page of the home section
                found.append((prefix + name, inner_rel + name, kind, own_lang or lang,
                              root_rel, page_group, base in ("index", "_index")))
            if index:
                dirs.clear()  # nothing under a leaf bundle is a page

        _walk(str(folder), site.root, visit)
    main = _hugo_main_sections(site, [(kind, group, lang)
                                      for _, _, kind, lang, _, group, _ in found])
    return [Page(path, rel, "post" if kind == "page" and group in main else kind, lang, root,
                 group, bundle=bundle) for path, rel, kind, lang, root, group, bundle in found]


def _base(name: str, languages: set[str]) -> tuple[str, str]:
    """A Hugo content file's name without suffix and language (``a.fr.md`` -> a, fr)."""
    stem = name.rsplit(".", 1)[0]
    match = LANG_SUFFIX.match(stem)
    if match and match[2].lower() in languages:
        return match[1], match[2].lower()
    return stem, ""


def _hugo_main_sections(site: Site, pages: list[tuple[str, str, str]]) -> set[str]:
    """``params.mainSections`` (or the top-level key), else the section with most pages (of
    ``pages``' kind, group and language)."""
    params = site.engine.get("params")
    for value in ((params.get("mainSections") if isinstance(params, dict) else None),
                  site.engine.get("mainSections")):
        if isinstance(value, str):
            value = [value]
        if isinstance(value, list) and value:
            return {str(v).lower() for v in value}
    counts = Counter(group for kind, group, lang in pages if kind == "page" and group
                     and lang in ("", site.default_lang))
    return {counts.most_common(1)[0][0]} if counts else set()


# --- Jekyll ----------------------------------------------------------------------------------


def _jekyll(site: Site) -> list[Page]:
    engine = site.engine
    root = str(site.root)
    exclude = JEKYLL_EXCLUDE | {str(e).strip("/") for e in _list(engine.get("exclude"))}
    include = {str(e).strip("/") for e in _list(engine.get("include"))}
    collections = jekyll_collections(engine)
    coll_dir = str(engine.get("collections_dir") or "").strip("/")
    pages: list[Page] = []

    def visit(here: str, files: list[str], dirs: list[str]) -> None:
        inner = os.path.relpath(here, root)
        inner = "" if inner == "." else inner.replace(os.sep, "/")
        within = inner if not coll_dir else inner[len(coll_dir):].lstrip("/") \
            if (inner + "/").startswith(coll_dir + "/") else None
        kept = []
        for name in dirs:
            rel = f"{inner}/{name}".lstrip("/")
            if rel in exclude or (name in exclude and rel not in include):
                continue
            if name == "_posts" or name == "_drafts":
                _jekyll_posts(site, os.path.join(here, name), inner, name == "_drafts", pages)
            elif name.startswith("_") and within == "" and name[1:] in collections:
                label = name[1:]
                if collections[label].get("output"):
                    _jekyll_docs(site, os.path.join(here, name), label, pages)
            elif not name.startswith(("_", "#")) or rel in include:
                kept.append(name)
        dirs[:] = kept
        for name in files:
            rel = f"{inner}/{name}".lstrip("/")
            if (not is_markdown(name) and not name.endswith(".html")) or \
                    (name.startswith(("_", ".", "#")) and rel not in include):
                continue
            if rel in exclude or not _has_front_matter(os.path.join(here, name)):
                continue  # without front matter Jekyll copies the file as it is
            pages.append(Page(os.path.join(here, name), rel, "page"))

    _walk(root, site.root, visit, JEKYLL_SKIP_DIRS)
    return pages


def jekyll_collections(engine: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """Jekyll's collections by label (a list or a mapping in ``_config.yml``), posts included."""
    value = engine.get("collections")
    found: dict[str, dict[str, Any]] = {}
    if isinstance(value, list):
        found = {str(label): {} for label in value}
    elif isinstance(value, dict):
        found = {str(k): (v if isinstance(v, dict) else {}) for k, v in value.items()}
    posts = found.get("posts", {})
    found["posts"] = {"output": True, **posts}
    return found


def _jekyll_posts(site: Site, folder: str, above: str, drafts: bool, pages: list[Page]) -> None:
    categories = tuple(p for p in above.split("/") if p) if above else ()

    def visit(here: str, files: list[str], dirs: list[str]) -> None:
        for name in files:
            if not is_markdown(name) or name.startswith((".", "_")):
                continue
            # An undated name is kept: Jekyll skips it, and blog check says so (post-name).
            path = os.path.join(here, name)
            pages.append(Page(path, _rel(site, path), "post", group="posts",
                              categories=categories, in_drafts=drafts))

    _walk(folder, site.root, visit)


def _jekyll_docs(site: Site, folder: str, label: str, pages: list[Page]) -> None:
    def visit(here: str, files: list[str], dirs: list[str]) -> None:
        for name in files:
            if is_markdown(name) and not name.startswith((".", "_")):
                path = os.path.join(here, name)
                pages.append(Page(path, _rel(site, path), "page", group=label,
                                  root=site.rel(Path(folder))))

    _walk(folder, site.root, visit)


def _has_front_matter(path: str) -> bool:
    try:
        with open(path, "rb") as handle:
            head = handle.read(8)
    except OSError:
        return True  # unreadable: blog check reports it
    return head.lstrip(b"\xef\xbb\xbf").startswith(b"---")


def _list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else ([value] if value else [])


# --- Hexo ------------------------------------------------------------------------------------


def _hexo(site: Site) -> list[Page]:
    source = site.content_dir
    pages: list[Page] = []
    skip = [str(s) for s in _list(site.engine.get("skip_render"))]
    source_rel = site.rel(source)

    def visit(here: str, files: list[str], dirs: list[str]) -> None:
        inner = os.path.relpath(here, source)
        inner = "" if inner == "." else inner.replace(os.sep, "/")
        if inner == "":
            for name in ("_posts", "_drafts"):
                if name in dirs:
                    _hexo_posts(site, os.path.join(here, name), name == "_drafts", pages)
        dirs[:] = [d for d in dirs if not d.startswith(("_", "."))]
        for name in files:
            rel = f"{inner}/{name}".lstrip("/")
            if (is_markdown(name) or (name.endswith(".html") and
                    _has_front_matter(os.path.join(here, name)))) and \
                    not name.startswith(("_", ".")) and \
                    not any(_glob(pattern, rel) for pattern in skip):
                path = os.path.join(here, name)
                pages.append(Page(path, _rel(site, path), "page", root=source_rel))

    _walk(str(source), site.root, visit)
    return pages


def _glob(pattern: str, rel: str) -> bool:
    import fnmatch

    return fnmatch.fnmatch(rel, pattern) or fnmatch.fnmatch(rel, pattern.replace("**/", ""))


def _hexo_posts(site: Site, folder: str, drafts: bool, pages: list[Page]) -> None:
    root = site.rel(Path(folder))
    for path in _markdown_under(folder, site.root):
        pages.append(Page(path, _rel(site, path), "post", root=root, in_drafts=drafts))


# --- Zola ------------------------------------------------------------------------------------


def _zola(site: Site) -> list[Page]:
    content = site.content_dir
    languages = set(site.languages)
    pages: list[Page] = []
    sections: dict[str, dict[str, Any]] = {}  # folder (relative to content) -> _index settings
    content_rel = site.rel(content)

    def visit(here: str, files: list[str], dirs: list[str]) -> None:
        inner = os.path.relpath(here, content)
        inner = "" if inner == "." else inner.replace(os.sep, "/")
        index = [n for n in files if n.endswith(".md") and _base(n, languages)[0] == "index"]
        if "_index.md" in files or inner == "":
            sections[inner] = zola_section(os.path.join(here, "_index.md"))
        for name in files:
            if not name.endswith(".md") or name.startswith("."):
                continue
            base, lang = _base(name, languages)
            if index and base != "index":
                continue
            if base == "_index" and zola_section(os.path.join(here, name)).get(
                    "render") is False:
                continue  # a section with render = false has no page of its own
            kind = "section" if base == "_index" else "page"
            folder = inner if kind == "section" or base != "index" else inner.rsplit("/", 1)[0] \
                if "/" in inner else ""
            path = os.path.join(here, name)
            pages.append(Page(path, _rel(site, path), kind, lang or site.default_lang,
                              content_rel, folder,
                              bundle=base in ("index", "_index")))
        if index:
            dirs.clear()

    _walk(str(content), site.root, visit)
    dated = {folder for folder in sections if _zola_sorts(folder, sections) }
    posts = [p for p in pages if p.kind == "page" and _zola_home(p.group, sections) in dated]
    if not posts:  # no section sorts by date: the section with most pages, as on Hugo
        counts = Counter(p.group for p in pages if p.kind == "page")
        best = counts.most_common(1)[0][0] if counts else None
        posts = [p for p in pages if p.kind == "page" and best is not None and p.group == best]
    chosen = {p.path for p in posts}
    return [Page(p.path, p.rel, "post" if p.path in chosen else p.kind, p.lang, p.root, p.group,
                 bundle=p.bundle, dated=_zola_home(p.group, sections) in dated)
            if p.kind == "page" else p for p in pages]


def zola_section(path: str) -> dict[str, Any]:
    """A Zola section's own settings (``sort_by``, ``transparent``, …) from its _index.md."""
    import tomllib

    try:
        with open(path, encoding="utf-8-sig") as handle:
            text = handle.read()
    except (OSError, UnicodeDecodeError):
        return {}
    match = re.match(r"\+\+\+[ \t]*\r?\n(.*?)\r?\n\+\+\+", text, re.DOTALL)
    if not match:
        return {}
    try:
        return tomllib.loads(match.group(1))
    except tomllib.TOMLDecodeError:
        return {}  # blog check reports the section's front matter itself


def _zola_home(folder: str, sections: dict[str, dict[str, Any]]) -> str:
    """The section a page in ``folder`` belongs to (its nearest section folder)."""
    while folder not in sections and folder:
        folder = folder.rsplit("/", 1)[0] if "/" in folder else ""
    return folder


def _zola_sorts(folder: str, sections: dict[str, dict[str, Any]]) -> bool:
    """True when the section's pages are sorted by date (a transparent one: by its parent)."""
    settings = sections.get(folder, {})
    if settings.get("sort_by") in ("date", "update_date"):
        return True
    if settings.get("transparent") and folder:
        parent = folder.rsplit("/", 1)[0] if "/" in folder else ""
        return _zola_sorts(_zola_home(parent, sections), sections)
    return False


# --- plain -----------------------------------------------------------------------------------


def _plain(site: Site) -> list[Page]:
    pages: list[Page] = []
    posts = str(site.posts_dir).rstrip("/") + "/"

    def visit(here: str, files: list[str], dirs: list[str]) -> None:
        bundle = here.startswith(posts) and "index.md" in files
        # Each file's path and rel as the folder's plus its name: os.path.join and _rel per
        # file were a third of a 5,000-post walk (blog publish walks the site every run).
        folder = os.path.join(here, "")
        inner = _rel(site, folder)
        kind = "post" if folder.startswith(posts) else "page"
        for name in files:
            if is_markdown(name) and not name.startswith((".", "_")) and \
                    (not bundle or name == "index.md"):
                pages.append(Page(folder + name, inner + name, kind, bundle=bundle))
        if bundle:
            dirs.clear()
        dirs[:] = [d for d in dirs if not d.startswith("_") and d not in
                   (*TEMPLATES, "static")]

    _walk(str(site.root), site.root, visit)
    return pages
