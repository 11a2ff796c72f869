"""Slugs, file names and Jinja2 scaffolds for `blog new` and `blog init`."""

from __future__ import annotations

import os
import re
import unicodedata
from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, NamedTuple

from blogcli import templates
from blogcli.clock import NOW_VARIABLE, configured_zone
from blogcli.clock import now as clock_now
from blogcli.create import fields
from blogcli.create.fields import Bare as _Bare
from blogcli.create.fields import front_matter_value as _front_matter_value
from blogcli.errors import ContentError, UsageError
from blogcli.files import is_within, windows_problem, windows_safe, write_file

if TYPE_CHECKING:
    from blogcli.site import Site

# Letters NFKD does not take apart into ASCII.
TRANSLITERATE = str.maketrans({
    "ß": "ss", "æ": "ae", "Æ": "AE", "ø": "o", "Ø": "O", "œ": "oe", "Œ": "OE", "đ": "d",
    "Đ": "D", "ł": "l", "Ł": "L", "þ": "th", "Þ": "TH", "ð": "d", "Ð": "D", "\u0131": "i",
})
MAX_SLUG = 80
# What YAML or TOML refuse or read as a line break (controls, U+2028/9, surrogates, BOM,
# noncharacters): a value holding one may not survive quoting, so the result is read back.
# A pattern, compiled on first use by has_unusual: its ranges past U+00FF made compiling it
# ~1 ms of every `blog new`, and an ASCII front matter needs only its ASCII part.
UNUSUAL = ("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u2028\u2029\ud800-\udfff"
           "\ufeff\ufffe\uffff]")
_UNUSUAL_ASCII = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def has_unusual(text: str) -> bool:
    """Whether ``text`` holds a character of ``UNUSUAL``."""
    if text.isascii():
        return _UNUSUAL_ASCII.search(text) is not None
    return re.search(UNUSUAL, text) is not None


class NewPost(NamedTuple):
    """What `blog new` made (or would make, with --dry-run). A named tuple: a frozen
    dataclass's generated methods cost ~1 ms of start-up to make."""

    path: Path
    rel: str
    content: str
    written: bool


def slugify(text: str) -> str:
    """Lower-case ASCII slug: ``"Über Café"`` -> ``"uber-cafe"``.

    A title with no Latin letters or digits (Chinese, Japanese, Greek...) keeps its own letters,
    as Hugo and Hexo do: ``"日本語のタイトル"`` -> ``"日本語のタイトル"``. Only a title with no
    letters at all (punctuation, emoji) gives an empty slug.
    """
    ascii_text = unicodedata.normalize("NFKD", text.translate(TRANSLITERATE))
    ascii_text = ascii_text.encode("ascii", "ignore").decode("ascii").lower()
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_text).strip("-")
    if not slug:
        slug = re.sub(r"[\W_]+", "-", unicodedata.normalize("NFC", text).lower()).strip("-")
    if len(slug) > MAX_SLUG:
        slug = slug[:MAX_SLUG].rsplit("-", 1)[0] or slug[:MAX_SLUG]
    return slug


def clean_title(title: str) -> str:
    """A title on one line: newlines and runs of spaces become one space."""
    return " ".join(title.split())


def check_slug(slug: str) -> str:
    """Refuse a slug that could name a path outside the posts folder."""
    if not slug or slug in (".", "..") or slug.startswith(".") \
            or re.search(r"[/\\\x00-\x20\x7f]|\s", slug):
        raise UsageError(f"slug {slug!r} is not usable: use letters, digits and dashes "
                         "(no '/', spaces, control characters, '..' or leading '.')")
    reason = windows_problem(slug)
    if reason:
        raise UsageError(f"slug {slug!r} is not usable: {reason}, so the post could not be "
                         f"checked out or built there; pass another, e.g. --slug "
                         f"{windows_safe(slug)}")
    return slug


def new_post(site: Site, title: str, *, scaffold: str = "post", slug: str | None = None,
             tags: list[str] | None = None, when: str | None = None, bundle: bool = False,
             draft: bool = True, dry_run: bool = False, force: bool = False) -> NewPost:
    """Render a scaffold into the profile's folder and file name; never overwrite unless forced."""
    title = clean_title(title)
    if not title:
        raise UsageError("the title is empty")
    if slug is None:
        slug = slugify(title)
        if not slug:
            raise UsageError(f"the title {title!r} has no letters or digits to make a file name "
                             "from; pass one with --slug")
    check_slug(slug)
    stamp = _post_date(site, when)
    path = post_path(site, slug, stamp, scaffold=scaffold, bundle=bundle, draft=draft)
    too_long = [p for p in path.relative_to(site.root).parts if len(os.fsencode(p)) > 255]
    if too_long:
        raise UsageError(f"the file name {too_long[0][:40]}... is {len(os.fsencode(too_long[0]))} "
                         "bytes, over the 255 file systems allow; pass a shorter --slug")
    values = {
        "title": title, "slug": slug, "date": _Bare(stamp.isoformat()), "author": site.author,
        "tags": list(tags or []), "draft": draft,
        "site": {"title": site.title, "author": site.author, "profile": site.profile,
                 "config": site.config.raw},
    }
    content = _from_archetype(site, path, slug, stamp, scaffold, title, tags, draft)
    if content is None:
        source, origin = load_scaffold(site, scaffold)
        content = render_scaffold(source, origin, values, builtin=origin.startswith("built-in"))
        if origin.startswith("built-in"):
            content = _as_the_site_writes(site, content, origin, path)
    rel = site.rel(path)
    if dry_run:
        return NewPost(path, rel, content, written=False)
    if path.exists() and not force:
        raise ContentError(f"{rel} already exists; not overwriting it (use --force to replace it)")
    _write_post(site, path, content)
    return NewPost(path, rel, content, written=True)


def _from_archetype(site: Site, path: Path, slug: str, stamp: datetime | date, scaffold: str,
                    title: str, tags: list[str] | None, draft: bool) -> str | None:
    """A Hugo post from the site's archetype, as `hugo new content` makes it, then the title
    (and tags, draft) given on the command line set in its front matter. None: no archetype,
    or the site's own scaffolds/NAME.md, which wins as for every engine."""
    if site.profile != "hugo" or (site.root / "scaffolds" / f"{scaffold}.md").is_file():
        return None
    from blogcli.create import archetype

    folder = path.parent.parent if path.name == "index.md" else path.parent
    parts = folder.relative_to(site.content_dir).parts if folder.is_relative_to(
        site.content_dir) else ()
    section = parts[0] if parts else ""
    theme = site.engine.get("theme")
    theme = theme[0] if isinstance(theme, list) and theme else theme
    found = archetype.find_archetype(site.root, section, str(theme) if theme else None)
    if found is None:
        return None
    origin = site.rel(found)
    try:
        source = found.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as err:
        raise UsageError(f"{origin}: cannot read the archetype ({err})") from None
    params = site.engine.get("params")
    page = archetype.Page(name=slug, file_name=path.stem, section=section, moment=stamp,
                          site_title=site.title, params=params if isinstance(params, dict)
                          else {})
    content = archetype.render(source, origin, page)
    from blogcli.post import PostError

    try:
        content = fields.set_key(content, "title", title, origin)
        if tags:
            content = fields.set_key(content, "tags", list(tags), origin)
        if not draft:
            content = fields.set_key(content, "draft", False, origin)
    except PostError as err:
        raise UsageError(f"{origin}: the rendered front matter does not parse "
                         f"({err.detail}); fix the archetype") from None
    return content


def _as_the_site_writes(site: Site, content: str, origin: str, path: Path) -> str:
    """The built-in scaffold in the site's front-matter format; jekyll-compose's defaults."""
    content = fields.convert(content, fields.site_format(site), origin)
    if site.profile == "jekyll":
        in_drafts = site.drafts_dir is not None and path.is_relative_to(site.drafts_dir)
        content = fields.jekyll_defaults(content, site, "drafts" if in_drafts else "posts",
                                         origin)
    return content


def _post_date(site: Site, when: str | None) -> datetime | date:
    """Now, or ``--date``, in the zone the site's config names (as jekyll-compose and
    ``hugo new`` with a ``timeZone`` write it), else the machine's; BLOG_NOW stands for now."""
    zone = configured_zone(site)
    if when is None:
        if os.environ.get(NOW_VARIABLE, "").strip():
            moment = clock_now(site)
            return moment.astimezone(zone) if zone is not None else moment
        return (datetime.now(zone) if zone is not None else datetime.now().astimezone()
                ).replace(microsecond=0)
    from blogcli.post import parse_date

    try:
        parsed = parse_date(when)
    except ValueError as err:
        raise UsageError(f"--date: {err}") from None
    if parsed is None:
        raise UsageError("--date is empty")
    if isinstance(parsed, datetime) and parsed.tzinfo is None:
        try:
            # a date without a zone means the site's zone (else local time), written with it
            parsed = parsed.replace(tzinfo=zone) if zone is not None else parsed.astimezone()
        except (OverflowError, ValueError):
            raise UsageError(f"--date {when!r} is out of the range of dates") from None
    return parsed


def post_path(site: Site, slug: str, stamp: datetime | date, *, scaffold: str, bundle: bool,
              draft: bool) -> Path:
    """Where the profile keeps a new post with this slug."""
    if scaffold == "page":
        folder = site.content_dir
    elif draft and site.drafts_dir is not None:
        folder = site.drafts_dir  # Jekyll and Hexo drafts are known by their folder
    else:
        folder = site.posts_dir
    if bundle:
        if site.profile not in ("hugo", "zola", "plain"):
            raise UsageError(f"--bundle needs a Hugo or Zola site; this one is {site.profile}")
        name = f"{slug}/index.md"
    elif site.profile == "jekyll" and folder == site.posts_dir:
        name = f"{stamp:%Y-%m-%d}-{slug}.md"
    elif site.profile == "hexo" and folder == site.posts_dir:
        name = hexo_post_name(str(site.engine.get("new_post_name") or ":title.md"), slug, stamp,
                              str(site.engine.get("default_category") or "uncategorized"))
    else:
        name = f"{slug}.md"
    path = folder / name
    if not is_within(path.parent if path.parent.exists() else folder, site.root) \
            or ".." in Path(name).parts:
        raise UsageError(f"{site.rel(folder)} points outside the site ({folder.resolve()}); "
                         "blog writes only inside the site")
    return path


def hexo_post_name(pattern: str, slug: str, stamp: datetime | date,
                   default_category: str = "uncategorized") -> str:
    """Expand Hexo's ``new_post_name`` (``:year-:month-:day-:title.md`` and friends).

    A new post has no category yet, so ``:category`` takes Hexo's ``default_category``;
    any other placeholder is refused rather than written into a folder name.
    """
    moment = stamp if isinstance(stamp, datetime) else datetime(stamp.year, stamp.month, stamp.day)
    fields = {
        "year": f"{moment.year:04d}", "month": f"{moment.month:02d}", "i_month": str(moment.month),
        "day": f"{moment.day:02d}", "i_day": str(moment.day), "hour": f"{moment.hour:02d}",
        "minute": f"{moment.minute:02d}", "second": f"{moment.second:02d}", "title": slug,
        "post_title": slug, "category": slugify(default_category) or "uncategorized",
    }
    name = re.sub(r":([a-z_]+)", lambda m: fields.get(m.group(1), m.group(0)), pattern)
    if ".." in Path(name).parts or name.startswith("/"):
        raise UsageError(f"_config.yml: new_post_name {pattern!r} leads outside the site")
    unknown = re.search(r":[a-z_]+", name)
    if unknown:
        raise UsageError(f"_config.yml: new_post_name {pattern!r} cannot be used for a new post "
                         f"({unknown.group(0)} is not known)")
    return name if name.endswith(".md") else name + ".md"


def load_scaffold(site: Site, name: str) -> tuple[str, str]:
    """The scaffold's source and where it came from; the site's own scaffold wins."""
    if not re.fullmatch(r"[A-Za-z0-9_-]+", name):
        raise UsageError(f"scaffold name {name!r} is not valid (letters, digits, - and _)")
    builtin = templates.builtin_scaffold_dir()
    candidates = [site.root / "scaffolds" / f"{name}.md", builtin / site.profile / f"{name}.md",
                  builtin / f"{name}.md"]
    for path in candidates:
        if path.is_file():
            if path == candidates[0]:
                templates.check_site_file(path, site.root, site.rel(path))
            try:
                return path.read_text(encoding="utf-8-sig"), _origin(site, path)
            except (OSError, UnicodeDecodeError) as err:
                raise UsageError(f"{_origin(site, path)}: cannot read the scaffold ({err})") \
                    from None
    raise UsageError(f"no scaffold named {name!r} (looked in {site.rel(site.root / 'scaffolds')}/ "
                     "and the built-in ones: post, draft, page)")


def _origin(site: Site, path: Path) -> str:
    return site.rel(path) if is_within(path, site.root) else f"built-in scaffolds/{path.name}"


def render_scaffold(source: str, origin: str, values: dict[str, Any], *,
                    builtin: bool = False) -> str:
    """Render a scaffold; front-matter values are quoted so any title stays valid YAML or TOML.

    The result is read back, and refused when its front matter does not parse; not a built-in
    scaffold's made only of ordinary characters: that always parses (tests/create check it),
    and reading it back would cost `blog new` importing PyYAML (and blogcli.post).
    """
    fm_source, body_source, fm_format = _split_source(source)
    offset = fm_source.count("\n")
    front = _render(fm_source, origin, values, fm_format, 0) if fm_source else ""
    body = _render(body_source, origin, values, None, offset)
    content = front + body
    if builtin and not has_unusual(front):
        return content
    from blogcli.post import PostError, split_front_matter

    try:
        split_front_matter(content, origin)
    except PostError as err:
        raise UsageError(f"{origin}: the rendered front matter does not parse "
                         f"({err.detail}); fix the scaffold") from None
    return content


def _split_source(source: str) -> tuple[str, str, str | None]:
    lines = source.split("\n")
    opener = lines[0].strip() if lines else ""
    fm_format = {"---": "yaml", "+++": "toml"}.get(opener)
    if fm_format is None:
        return "", source, None
    for index in range(1, len(lines)):
        if lines[index].strip() == opener:
            return "\n".join(lines[: index + 1]) + "\n", "\n".join(lines[index + 1:]), fm_format
    return "", source, None


def _render(source: str, origin: str, values: dict[str, Any], fm_format: str | None,
            line_offset: int) -> str:
    finalize = (lambda v: _front_matter_value(v, fm_format)) if fm_format else _plain_value
    return templates.render(source, origin, values, finalize=finalize, line_offset=line_offset,
                            names="title, slug, date, author, tags, draft, site")


def _plain_value(value: Any) -> Any:
    if isinstance(value, list):
        return ", ".join(str(v) for v in value)
    return "" if value is None else value


def _write_post(site: Site, path: Path, content: str) -> None:
    write_file(path, content.encode("utf-8"), site.rel(path))
