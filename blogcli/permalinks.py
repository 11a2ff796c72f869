"""The URL each engine publishes a page at, so root-absolute links can be matched to posts."""

from __future__ import annotations

import re
from datetime import date, datetime, tzinfo
from fnmatch import fnmatch
from pathlib import PurePosixPath
from typing import Any
from urllib.parse import unquote, urlsplit

from blogcli.clock import configured_zone
from blogcli.post import JEKYLL_NAME, parse_date
from blogcli.site import MARKDOWN_SUFFIXES, Page, Site

JEKYLL_STYLES = {
    "date": "/:categories/:year/:month/:day/:title:output_ext",
    "pretty": "/:categories/:year/:month/:day/:title/",
    "ordinal": "/:categories/:year/:y_day/:title:output_ext",
    "weekdate": "/:categories/:year/W:week/:short_day/:title:output_ext",
    "none": "/:categories/:title:output_ext",
}
TOKEN = re.compile(r":([a-z_]+)")
URLIZE_DROP = re.compile(r"[^\w\- ]")


def normalize(url: str) -> str:
    """A URL path as compared: no query, no index.html or .html, no slashes at the ends, lower."""
    # Runs for every page of the site on every check: each step only when it can change a thing.
    path = url.split("#", 1)[0] if "#" in url else url
    if "?" in path:
        path = path.split("?", 1)[0]
    if "://" in path:
        path = urlsplit(path).path
    path = (unquote(path) if "%" in path else path).lower()
    if path.endswith((".html", ".htm")):
        for suffix in ("/index.html", "/index.htm", "index.html", ".html", ".htm"):
            if path.endswith(suffix):
                path = path[: -len(suffix)]
                break
    return path.strip("/")


def base_path(site: Site) -> str:
    """The path part of the site's base URL (``/blog`` for ``https://x.org/blog/``), or ''."""
    engine = site.engine
    base = engine.get("baseURL") or engine.get("baseurl") or engine.get("base_url") or ""
    if site.profile == "hexo":
        base = engine.get("root") or ""
    if site.profile == "jekyll":
        base = engine.get("baseurl") or ""
    path = urlsplit(str(base)).path if "://" in str(base) else str(base)
    return path.strip("/")


def page_urls(site: Site, rel: str, meta: dict[str, Any], slug: str) -> list[str]:
    """Every URL path a page answers at: its permalink first, then aliases and redirects."""
    page = site.page(rel) or guess_page(site, rel)
    urls = [page_url(site, page, meta, slug)]
    for key in ("aliases", "redirect_from"):
        extra = meta.get(key)
        if isinstance(extra, str):
            extra = [extra]
        if isinstance(extra, list):
            urls.extend(_alias(site, page, str(a)) for a in extra if isinstance(a, str | int))
    return [u for u in urls if u]


def _alias(site: Site, page: Page, alias: str) -> str:
    if site.profile == "hugo" and not alias.startswith("/"):
        return page_url(site, page, {}, "").rsplit("/", 2)[0] + "/" + alias
    if site.profile == "hugo":
        return site.lang_prefix(page.lang) + alias
    return alias


def guess_page(site: Site, rel: str) -> Page:
    """A Page for a file the site's walk did not find (named on the command line, or a Site
    made by hand): a post when it is under the posts folder."""
    path = site.root / rel
    posts = [site.posts_dir, *site.posts_override, *([site.drafts_dir] if site.drafts_dir
                                                     else [])]
    kind = "post" if any(path.is_relative_to(f) for f in posts) else "page"
    if PurePosixPath(rel).name.startswith("_index."):
        kind = "section"
    root = site.rel(site.content_dir) if site.profile in ("hugo", "zola", "hexo") else ""
    if site.profile == "hexo" and kind == "post":
        root = site.rel(site.drafts_dir if site.drafts_dir and
                        path.is_relative_to(site.drafts_dir) else site.posts_dir)
    above = rel.split("/_posts/", 1)[0] if "/_posts/" in rel else ""
    group = PurePosixPath(rel[len(root) + 1:] if root else rel).parts[0] \
        if site.profile == "hugo" and "/" in rel[len(root) + 1:] else ""
    if site.profile == "zola":
        inner = PurePosixPath(rel[len(root) + 1:])
        group = str(inner.parent.parent if inner.stem == "index" else inner.parent)
        group = "" if group == "." else group
    return Page(str(path), rel, kind, site.default_lang, root, group or
                ("posts" if site.profile == "jekyll" and kind == "post" else ""),
                tuple(p for p in above.split("/") if p), bundle=path.stem in ("index", "_index"))


def page_url(site: Site, page: Page, meta: dict[str, Any], slug: str) -> str:
    """The URL path the engine publishes ``page`` at (site-relative, without the base path)."""
    if site.profile == "hugo":
        return _hugo(site, page, meta, slug)
    if site.profile == "jekyll":
        return _jekyll(site, page, meta, slug)
    for key in ("permalink", "url", "path"):
        value = meta.get(key)
        if isinstance(value, str) and value.strip():
            if site.profile == "zola" and key == "path":
                return _zola_path(site, page, value)
            return "/" + value.strip().lstrip("/")
    if site.profile == "hexo":
        return _hexo(site, page, meta, slug)
    if site.profile == "zola":
        return _zola(site, page, meta, slug)
    return _plain(page.rel)


def _inner(page: Page) -> PurePosixPath:
    """The page's path under its content root, without the suffix."""
    rel = page.rel[len(page.root) + 1:] if page.root and page.rel.startswith(page.root + "/") \
        else page.rel
    return PurePosixPath(rel).with_suffix("")


def _date_of(meta: dict[str, Any], rel: str, zone: tzinfo | None = None) -> date | None:
    try:
        when = parse_date(meta.get("date"))
    except ValueError:
        when = None
    if when is None:
        match = JEKYLL_NAME.match(PurePosixPath(rel).stem)
        if match:
            try:
                when = date(int(match[1]), int(match[2]), int(match[3]))
            except ValueError:
                when = None
    if isinstance(when, datetime):
        if zone is not None and when.tzinfo is not None:
            when = when.astimezone(zone)
        return when.date()
    return when


def _values(meta: dict[str, Any], rel: str, slug: str, stem: str,
            zone: tzinfo | None = None) -> dict[str, str]:
    day = _date_of(meta, rel, zone)
    title = str(meta.get("title") or "")
    values = {"slug": slug, "title": slug, "filename": stem, "contentbasename": stem,
              "slugorfilename": slug, "slugorcontentbasename": slug, "name": stem,
              "output_ext": ".html", "post_title": _urlize(title) or slug}
    if day is not None:
        values.update(year=f"{day.year:04d}", month=f"{day.month:02d}", day=f"{day.day:02d}",
                      i_month=str(day.month), i_day=str(day.day),
                      short_year=f"{day.year % 100:02d}", monthname=day.strftime("%B").lower(),
                      y_day=f"{day.timetuple().tm_yday:03d}",
                      week=f"{day.isocalendar()[1]:02d}", short_day=day.strftime("%a"),
                      long_day=day.strftime("%A"), short_month=day.strftime("%b"),
                      long_month=day.strftime("%B"))
    return values


def _fill(pattern: str, values: dict[str, str]) -> str:
    return TOKEN.sub(lambda m: values.get(m.group(1), m.group(0)), pattern)


def _hugo(site: Site, page: Page, meta: dict[str, Any], slug: str) -> str:
    source = _inner(page)
    name = _hugo_base(site, source.name)
    bundle = name in ("index", "_index")
    stem = source.parent.name if bundle else name
    folder = source.parent.parent if bundle and name == "index" else source.parent
    if name == "_index":
        folder = source.parent
    # What depends only on the site's config, looked up once per language or section (it
    # was some 25 case-folded config lookups a page: 0.1 s of a 5,000-post listing).
    prefixes = site.remembered("permalinks.prefix")
    prefix = prefixes.get(page.lang)
    if prefix is None:
        prefix = prefixes[page.lang] = site.lang_prefix(page.lang)
    url_value = meta.get("url")
    if isinstance(url_value, int) and not isinstance(url_value, bool):
        url_value = str(url_value)  # url: 14943 (YAML reads a number): Hugo writes /14943/
    if isinstance(url_value, str) and url_value.strip():
        # As written: no language folder, its case kept (Hugo 0.111 and 0.168 alike write
        # url: Adapter to /Adapter/, where they lower-case a slug's or a folder's), and a
        # folder unless it has a dot anywhere (then it is the file: foo.html, v1.2, a.b/c).
        url = "/" + url_value.strip().lstrip("/")
        return url if url.endswith("/") or "." in url else url + "/"
    own_slug = meta.get("slug") if isinstance(meta.get("slug"), str) and meta["slug"].strip() \
        else None
    kind = "section" if name == "_index" else "page"
    section = page.group or (source.parts[0] if len(source.parts) > 1 else "")
    sections = site.remembered("permalinks.section")
    if (section, kind) not in sections:
        sections[section, kind] = _hugo_pattern(site, section, kind), _hugo_ugly(site, section)
    pattern, ugly = sections[section, kind]
    if isinstance(pattern, str) and (kind == "page" or name == "_index"):
        values = {"year": "1", "month": "01", "day": "01"}  # Hugo's zero date, for undated pages
        values |= _values(meta, page.rel, _urlize(own_slug or str(meta.get("title") or stem)),
                          stem)
        parts = folder.parts if folder.as_posix() != "." else ()
        values.update(section=parts[0] if parts else "", sections="/".join(parts))
        values["slugorfilename"] = values["slugorcontentbasename"] = own_slug or stem
        values["title"] = _urlize(str(meta.get("title") or stem))
        url = _fill(pattern, values)
    elif name == "_index":
        url = f"/{folder.as_posix()}/" if folder.as_posix() != "." else "/"
    else:
        url = f"/{folder.as_posix()}/{own_slug.strip() if own_slug else stem}/"
    url = url.replace("/./", "/").replace(" ", "-")
    if "//" in url:
        url = _SLASHES.sub("/", url)
    if kind == "page" and url.endswith("/") and url != "/" and ugly:
        url = url[:-1] + ".html"
    return _hugo_case(site, prefix + url if url != "/" or not prefix else prefix + "/")


def _hugo_ugly(site: Site, section: str) -> bool:
    """Hugo's ``uglyURLs``: for every page (``true``) or per section (``{posts = true}``);
    a page is then ``/posts/a.html``. List pages keep their folder, as current Hugo writes
    them (0.111 wrote ``/posts.html``; links to either resolve alike)."""
    value = site.engine.get("uglyURLs")
    if isinstance(value, dict):
        value = value.get(section.lower())
    return value is True or (isinstance(value, str) and value.strip().lower() == "true")


def _hugo_case(site: Site, url: str) -> str:
    known = site.remembered("permalinks.case")
    keep = known.get("keep")
    if keep is None:
        keep = known["keep"] = bool(site.engine.get("disablePathToLower"))
    return url if keep else url.lower()


def _hugo_base(site: Site, name: str) -> str:
    """``a.fr`` -> ``a`` (a language suffix is not part of the page's name), where fr is one
    of the site's languages, as pages._base reads it: golang-sync.map is a page's name."""
    stem, dot, lang = name.rpartition(".")
    return stem if dot and _LANG_SUFFIX.fullmatch(lang) and lang.lower() in site.languages \
        else name


_LANG_SUFFIX = re.compile(r"[a-zA-Z]{2,3}(?:[-_][a-zA-Z0-9]{2,8})*")
_SLASHES = re.compile(r"/+")


def _hugo_pattern(site: Site, section: str, kind: str) -> str | None:
    permalinks = site.engine.get("permalinks")
    if not isinstance(permalinks, dict):
        return None
    nested = permalinks.get(kind)
    if isinstance(nested, dict):  # Hugo >= 0.120 nests them by page kind
        permalinks = nested
    elif kind != "page":
        return None
    pattern = permalinks.get(section)
    return pattern if isinstance(pattern, str) else None


def _jekyll(site: Site, page: Page, meta: dict[str, Any], slug: str) -> str:
    from blogcli.pages import jekyll_collections

    meta = {**jekyll_defaults(site, page), **meta}
    own = meta.get("permalink")
    style = str(site.engine.get("permalink") or "date")
    label = page.group or ("posts" if page.kind == "post" else "")
    collection = jekyll_collections(site.engine).get(label, {}) if label else {}
    if isinstance(own, str) and own.strip():
        pattern = JEKYLL_STYLES.get(own.strip(), own.strip())
    elif label == "posts":
        pattern = str(collection.get("permalink") or JEKYLL_STYLES.get(style, style))
        pattern = JEKYLL_STYLES.get(pattern, pattern)
    elif label:
        pattern = str(collection.get("permalink") or _suffixed("/:collection/:path", style))
    else:
        inner = _inner(page)
        if inner.name == "index":
            pattern = "/:path/"
        elif not page.rel.endswith((*MARKDOWN_SUFFIXES, ".html")):
            pattern = "/:path/:basename:output_ext"
        else:
            pattern = _suffixed("/:path/:basename", style)
    if page.in_drafts and not meta.get("date"):
        meta = {**meta, "date": _mtime(site, page)}  # Jekyll dates a draft by its file
    values = _values(meta, page.rel, slug, slug, configured_zone(site))
    inner = _inner(page)
    title = meta.get("slug") if isinstance(meta.get("slug"), str) else slug
    values.update(title=str(title), slug=_jekyll_slug(str(title)), collection=label,
                  path="/".join(inner.parts[:-1]) if not label else inner.as_posix(),
                  basename=inner.name, name=_jekyll_slug(inner.name))
    values["categories"] = "/".join(dict.fromkeys(
        c.lower() for c in (*page.categories, *_categories(meta))))
    url = _fill(pattern, values)
    return re.sub(r"/+", "/", "/" + url)


def _mtime(site: Site, page: Page) -> datetime | None:
    import os

    try:
        stamp = os.stat(page.path).st_mtime
    except OSError:
        return None
    return datetime.fromtimestamp(stamp, configured_zone(site)).replace(tzinfo=None)


def _suffixed(template: str, style: str) -> str:
    """Jekyll's ``add_permalink_suffix``: a page or document template in the site's style."""
    if style in ("pretty",) or (style not in JEKYLL_STYLES and style.endswith("/")):
        return template + "/"
    if style in JEKYLL_STYLES or style.endswith(":output_ext"):
        return template + ":output_ext"
    return template


def jekyll_defaults(site: Site, page: Page) -> dict[str, Any]:
    """The front-matter values ``defaults`` in _config.yml give this page (later ones win)."""
    found: dict[str, Any] = {}
    defaults = site.engine.get("defaults")
    kind = "drafts" if page.in_drafts else (page.group or ("posts" if page.kind == "post"
                                                           else "pages"))
    for entry in defaults if isinstance(defaults, list) else []:
        if not isinstance(entry, dict) or not isinstance(entry.get("values"), dict):
            continue
        scope: dict[str, Any] = entry["scope"] if isinstance(entry.get("scope"), dict) else {}
        where = str(scope.get("path") or "").strip("/")
        if where and not (page.rel == where or page.rel.startswith(where + "/")) and \
                not fnmatch(page.rel, where) and not fnmatch(page.rel, where + "/*"):
            continue
        if scope.get("type") and str(scope["type"]) != kind:
            continue
        found.update(entry["values"])
    return found


def _jekyll_slug(text: str) -> str:
    # Jekyll's slugify in "pretty" mode, cased: drops what a URL path cannot hold as it is.
    return re.sub(r"[^\w._~!$&'()+,;=@]+", "-", text).strip("-")


def _categories(meta: dict[str, Any]) -> list[str]:
    value = meta.get("categories", meta.get("category"))
    if isinstance(value, str):
        return value.split()
    if isinstance(value, list):
        return [str(v) for v in value if isinstance(v, str | int)]
    return []


def _hexo(site: Site, page: Page, meta: dict[str, Any], slug: str) -> str:
    inner = _inner(page)
    if page.kind != "post":  # a page is published at its path (index pages at the folder)
        url = "/" + inner.as_posix() + ".html"
        return url[: -len("index.html")] if inner.name == "index" else url
    pattern = str(site.engine.get("permalink") or ":year/:month/:day/:title/")
    name = hexo_name(str(site.engine.get("new_post_name") or ":title.md"), inner.as_posix())
    values = _values(_hexo_local(site, meta), page.rel, name.get("title", slug),
                     PurePosixPath(page.rel).stem)
    values.update({k: v for k, v in name.items() if k != "title"})
    values.update(title=name.get("title", slug), name=PurePosixPath(name.get("title", slug)).name,
                  post_title=_hexo_slug(str(meta.get("title") or "")))
    category = _categories(meta)
    values["category"] = _hexo_slug(category[-1]) if category else \
        str(site.engine.get("default_category") or "uncategorized")
    return "/" + _fill(pattern, values).lstrip("/")


def _hexo_local(site: Site, meta: dict[str, Any]) -> dict[str, Any]:
    """``meta`` with its date as Hexo formats it in URLs: read in the site's ``timezone``,
    written in the build machine's zone (moment's default)."""
    try:
        when = parse_date(meta.get("date"))
    except ValueError:
        return meta
    if not isinstance(when, datetime):
        return meta
    if when.tzinfo is None:
        zone = configured_zone(site)
        if zone is None:
            return meta
        when = when.replace(tzinfo=zone)
    return {**meta, "date": when.astimezone()}


def hexo_name(rule: str, path: str) -> dict[str, str]:
    """What Hexo reads from a post's file name by its ``new_post_name`` (title, year, …)."""
    rule = rule.rsplit(".", 1)[0] if "." in PurePosixPath(rule).name else rule
    segments = {"year": r"(\d{4})", "month": r"(\d{2})", "day": r"(\d{2})",
                "i_month": r"(\d{1,2})", "i_day": r"(\d{1,2})", "hash": r"([0-9a-f]{12})"}
    names: list[str] = []

    def token(match: re.Match[str]) -> str:
        names.append(match.group(1))
        return segments.get(match.group(1), "(.+?)")

    regex = re.sub(r":(\w+)", token, re.escape(rule).replace("\\:", ":"))
    found = re.match(f"^{regex}$", path)
    if found is None:
        return {"title": _hexo_slug(path)}
    values = dict(zip(names, found.groups(), strict=True))
    values.setdefault("title", _hexo_slug(path))
    return values


def _hexo_slug(text: str) -> str:
    # hexo-util's slugize: runs of these characters become one "-".
    return re.sub(r"[\s~`!@#$%^&*()\-_+=\[\]{}|\\;:\"'<>,.?/]+", "-", text).strip("-")


def _zola(site: Site, page: Page, meta: dict[str, Any], slug: str) -> str:
    inner = _inner(page)
    name = _hugo_base(site, inner.name)
    prefix = site.lang_prefix(page.lang) if page.lang != site.default_lang else ""
    if name == "_index":
        folder = inner.parent.as_posix()
        return prefix + ("/" if folder == "." else f"/{folder}/")
    stem = inner.parent.name if name == "index" else name
    own = meta.get("slug")
    stem = re.sub(r"^\d{4}-\d{2}-\d{2}(?:[T ]\d{2}[:\d]*)?[-_]", "", stem)
    text = str(own) if isinstance(own, str) and own.strip() else stem
    folder = page.group
    return prefix + (f"/{folder}/" if folder else "/") + zola_slug(site, text) + "/"


def _zola_path(site: Site, page: Page, value: str) -> str:
    # ``path`` is the whole path: a translation names its language in it (path = "/ar/about").
    path = value.strip().strip("/")
    return "/" + path + ("" if path.endswith(".html") or not path else "/")


def zola_slug(site: Site, text: str) -> str:
    """Zola's slug of ``text`` under ``[slugify] paths`` (on, safe or off)."""
    table = site.engine.get("slugify")
    mode = table.get("paths", "on") if isinstance(table, dict) else "on"
    if mode == "off":
        return text
    if mode == "safe":
        return re.sub(r"[<>:/|?*#\\\"\x00-\x1f]", "", text).strip()
    import unicodedata

    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-") or text


def _plain(rel: str) -> str:
    stem, dot, suffix = rel.rpartition(".")
    if stem == "index" or stem.endswith("/index"):
        return "/" + stem[: -len("index")]
    return f"/{stem}.html" if dot and "/" not in suffix else f"/{rel}.html"


def _urlize(text: str) -> str:
    return URLIZE_DROP.sub("", text.strip().lower()).replace(" ", "-")
