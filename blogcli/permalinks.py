"""The URL each engine publishes a page at, so root-absolute links can be matched to posts."""

from __future__ import annotations

import re
from datetime import date, datetime
from pathlib import PurePosixPath
from typing import Any
from urllib.parse import unquote, urlsplit

from blogcli.post import JEKYLL_NAME, parse_date
from blogcli.site import Site

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
    path = urlsplit(str(base)).path if "://" in str(base) else str(base)
    return path.strip("/")


def page_urls(site: Site, rel: str, meta: dict[str, Any], slug: str) -> list[str]:
    """Every URL path a page answers at: its permalink first, then aliases and redirects."""
    urls = [_permalink(site, rel, meta, slug)]
    for key in ("aliases", "redirect_from"):
        extra = meta.get(key)
        if isinstance(extra, str):
            extra = [extra]
        if isinstance(extra, list):
            urls.extend(str(a) for a in extra if isinstance(a, str | int))
    return [u for u in urls if u]


def _permalink(site: Site, rel: str, meta: dict[str, Any], slug: str) -> str:
    for key in ("url", "permalink", "path"):
        value = meta.get(key)
        if isinstance(value, str) and value.strip():
            return "/" + value.strip().lstrip("/")
    builder = {"hugo": _hugo, "jekyll": _jekyll, "hexo": _hexo, "zola": _zola}.get(site.profile)
    return builder(site, rel, meta, slug) if builder else _plain(rel)


def _source(site: Site, rel: str, base: str) -> PurePosixPath:
    """The page's path under ``base`` (its content folder), without the .md suffix."""
    path = PurePosixPath(rel)
    if base and rel.startswith(base + "/"):
        path = PurePosixPath(rel[len(base) + 1:])
    return path.with_suffix("")


def _values(meta: dict[str, Any], rel: str, slug: str, stem: str) -> dict[str, str]:
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
    day = when.date() if isinstance(when, datetime) else when
    title = str(meta.get("title") or "")
    values = {"slug": slug, "title": slug, "filename": stem, "contentbasename": stem,
              "slugorfilename": slug, "slugorcontentbasename": slug, "name": stem,
              "output_ext": ".html", "post_title": _urlize(title) or slug}
    if day is not None:
        values.update(year=f"{day.year:04d}", month=f"{day.month:02d}", day=f"{day.day:02d}",
                      i_month=str(day.month), i_day=str(day.day),
                      short_year=f"{day.year % 100:02d}", monthname=day.strftime("%B").lower(),
                      y_day=f"{day.timetuple().tm_yday:03d}")
    return values


def _fill(pattern: str, values: dict[str, str]) -> str:
    return TOKEN.sub(lambda m: values.get(m.group(1), m.group(0)), pattern)


def _hugo(site: Site, rel: str, meta: dict[str, Any], slug: str) -> str:
    content = site.rel(site.content_dir)
    source = _source(site, rel, content)
    bundle = source.name in ("index", "_index")
    stem = source.parent.name if bundle else source.name
    section = source.parts[0] if len(source.parts) > 1 else ""
    permalinks = site.engine.get("permalinks")
    permalinks = permalinks if isinstance(permalinks, dict) else {}
    if isinstance(permalinks.get("page"), dict):  # Hugo >= 0.120 nests them by page kind
        permalinks = permalinks["page"]
    pattern = permalinks.get(section) if isinstance(permalinks, dict) else None
    own_slug = meta.get("slug") if isinstance(meta.get("slug"), str) else None
    if isinstance(pattern, str):
        values = _values(meta, rel, _urlize(own_slug or str(meta.get("title") or stem)), stem)
        values.update(section=section, sections="/".join(source.parent.parts[:-1] if bundle
                                                          else source.parent.parts))
        values["slugorfilename"] = values["slugorcontentbasename"] = own_slug or stem
        url = _fill(pattern, values)
    else:
        folder = source.parent.parent if bundle else source.parent
        url = f"/{folder.as_posix()}/{own_slug or stem}/".replace("/./", "/")
    return url if site.engine.get("disablePathToLower") else url.lower()


def _jekyll(site: Site, rel: str, meta: dict[str, Any], slug: str) -> str:
    style = str(site.engine.get("permalink") or "date")
    pattern = JEKYLL_STYLES.get(style, style)
    values = _values(meta, rel, slug, slug)
    values["categories"] = "/".join(_categories(meta))
    return re.sub(r"/+", "/", _fill(pattern, values))


def _categories(meta: dict[str, Any]) -> list[str]:
    value = meta.get("categories", meta.get("category"))
    if isinstance(value, str):
        return value.split()
    if isinstance(value, list):
        return [str(v) for v in value if isinstance(v, str | int)]
    return []


def _hexo(site: Site, rel: str, meta: dict[str, Any], slug: str) -> str:
    pattern = str(site.engine.get("permalink") or ":year/:month/:day/:title/")
    posts = site.rel(site.posts_dir)
    title = str(_source(site, rel, posts))
    values = _values(meta, rel, slug, PurePosixPath(rel).stem)
    values["title"] = slug if meta.get("slug") else title
    return "/" + _fill(pattern, values).lstrip("/")


def _zola(site: Site, rel: str, meta: dict[str, Any], slug: str) -> str:
    source = _source(site, rel, site.rel(site.content_dir))
    bundle = source.name == "index"
    folder = source.parent.parent if bundle else source.parent
    stem = re.sub(r"^\d{4}-\d{2}-\d{2}[-_]", "", slug)
    return f"/{folder.as_posix()}/{_zola_slug(stem)}/".replace("/./", "/")


def _zola_slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-") or text


def _plain(rel: str) -> str:
    stem, dot, suffix = rel.rpartition(".")
    return f"/{stem}.html" if dot and "/" not in suffix else f"/{rel}.html"


def _urlize(text: str) -> str:
    return URLIZE_DROP.sub("", text.strip().lower()).replace(" ", "-")
