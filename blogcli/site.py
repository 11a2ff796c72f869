"""The site a command runs in: its root, its profile, its settings and its posts."""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from dataclasses import FrozenInstanceError
from pathlib import Path
from typing import TYPE_CHECKING, Any

from blogcli.config import (
    HUGO_CONFIGS,
    BlogConfig,
    key_line,
    load_blog_config,
    load_engine_config,
)
from blogcli.errors import UsageError
from blogcli.files import is_within
from blogcli.pages import MARKDOWN_SUFFIXES, SKIP_DIRS, Page, find_pages

if TYPE_CHECKING:
    from blogcli.post import Post

__all__ = ["MARKDOWN_SUFFIXES", "SKIP_DIRS", "Page", "Site"]


_FIELDS = ("root", "profile", "config", "engine", "posts_dir", "drafts_dir", "static_dirs",
           "content_dir", "title", "author", "content_roots", "languages", "default_lang",
           "timezone", "posts_override")


# The Hugo release from which a front-matter key given twice is an error: its new YAML
# library refuses it; before, the last value was kept (gohugoio/hugo v0.152.0's notes).
HUGO_REFUSES_TWICE = (0, 152)
# Where a site pins the Hugo its host builds with: GitHub's Hugo workflow and peaceiris/
# actions-hugo, Netlify's and GitLab's settings (Cloudflare Pages keeps it in its dashboard).
_PIN_FILES = (".github/workflows/*.yml", ".github/workflows/*.yaml", "netlify.toml",
              ".gitlab-ci.yml")
_PIN = re.compile(r"""(?:HUGO_VERSION|hugo-version)['"]?\s*[:=]\s*['"]?v?(?:([0-9]+)\.([0-9]+)"""
                  r"(?:\.([0-9]+))?|(latest))")
_LATEST = (1 << 30,)  # ``hugo-version: latest`` (peaceiris/actions-hugo): the current release


def hugo_pin(root: Path) -> tuple[tuple[int, ...], str] | None:
    """The Hugo version the site's build files pin, and the file that pins it; None where none
    does, or they pin different ones."""
    found: dict[tuple[int, ...], str] = {}
    for pattern in _PIN_FILES:
        for path in sorted(root.glob(pattern)):
            try:
                text = path.read_text(encoding="utf-8", errors="replace")
            except OSError:
                continue
            for match in _PIN.finditer(text):
                version = _LATEST if match[4] else tuple(
                    int(part) for part in match.groups() if part is not None)
                found.setdefault(version, path.relative_to(root).as_posix())
    return next(iter(found.items())) if len(found) == 1 else None


class Site:
    """A blog on disk. Paths are absolute; ``config`` is blog.toml, ``engine`` its engine's."""

    # What @dataclass(frozen=True) would make (init, repr, eq, hash, no assignment), written
    # out: making them cost every command ~9 M instructions at import (4% of `blog new`).
    __slots__ = (*_FIELDS, "_memo")
    root: Path
    profile: str
    config: BlogConfig
    engine: dict[str, Any]
    posts_dir: Path
    drafts_dir: Path | None
    static_dirs: tuple[Path, ...]
    content_dir: Path
    title: str
    author: str
    # Where the engine reads content, per language ("" for a site in one language).
    content_roots: tuple[tuple[Path, str], ...]
    languages: tuple[str, ...]
    default_lang: str
    timezone: str
    posts_override: tuple[Path, ...]   # blog.toml's posts_dir folders
    _memo: dict[str, Any]

    def __init__(self, root: Path, profile: str, config: BlogConfig | None = None,
                 engine: dict[str, Any] | None = None, posts_dir: Path = Path(),
                 drafts_dir: Path | None = None, static_dirs: tuple[Path, ...] = (),
                 content_dir: Path = Path(), title: str = "", author: str = "",
                 content_roots: tuple[tuple[Path, str], ...] = (),
                 languages: tuple[str, ...] = (), default_lang: str = "", timezone: str = "",
                 posts_override: tuple[Path, ...] = ()) -> None:
        values: tuple[Any, ...] = (
            root, profile, BlogConfig() if config is None else config,
            {} if engine is None else engine, posts_dir, drafts_dir, static_dirs, content_dir,
            title, author, content_roots, languages, default_lang, timezone, posts_override, {})
        for name, value in zip(self.__slots__, values, strict=True):
            object.__setattr__(self, name, value)

    def _values(self) -> tuple[Any, ...]:
        return tuple(getattr(self, name) for name in _FIELDS)

    def __repr__(self) -> str:
        inner = ", ".join(f"{name}={getattr(self, name)!r}" for name in _FIELDS)
        return f"{type(self).__qualname__}({inner})"

    def __eq__(self, other: object) -> bool:
        if other.__class__ is not self.__class__:
            return NotImplemented
        return self._values() == other._values()

    def __hash__(self) -> int:
        return hash(self._values())

    def __setattr__(self, name: str, value: Any) -> None:
        raise FrozenInstanceError(f"cannot assign to field {name!r}")

    def __delattr__(self, name: str) -> None:
        raise FrozenInstanceError(f"cannot delete field {name!r}")

    def pages(self) -> list[Page]:
        """Every Markdown page the engine publishes (found once per Site)."""
        if "pages" not in self._memo:
            self._memo["pages"] = find_pages(self)
        found: list[Page] = self._memo["pages"]
        return found

    def page(self, rel: str) -> Page | None:
        """The page whose source is ``rel`` (relative to the root), or None."""
        if "by_rel" not in self._memo:
            self._memo["by_rel"] = {p.rel: p for p in self.pages()}
        found: Page | None = self._memo["by_rel"].get(rel)
        return found

    def remembered(self, key: str) -> dict[Any, Any]:
        """A dict kept with this site under ``key``, for answers that depend only on its
        settings (worked out once, not again for every post)."""
        found: dict[Any, Any] = self._memo.setdefault(key, {})
        return found

    def keeps_last_key(self) -> bool:
        """Whether the engine reads a front-matter key given twice as its last value (Jekyll,
        Hexo; Hugo before 0.152) rather than refusing the page (Zola, Hugo 0.152 and later).
        For Hugo, by the version the site pins for its build (``hugo_pin``); a site that pins
        none may be built by any (a host's default Hugo is old), so the page is read, and
        ``blog check`` warns (key-duplicate) instead of calling it an error the build may not
        confirm."""
        if self.profile == "zola":
            return False
        if self.profile != "hugo":
            return True
        if "pin" not in self._memo:
            self._memo["pin"] = hugo_pin(self.root)
        pin: tuple[tuple[int, ...], str] | None = self._memo["pin"]
        return pin is None or pin[0] < HUGO_REFUSES_TWICE

    def lang_prefix(self, lang: str) -> str:
        """The URL folder of a language ("/fr"), "" for the default one at the root."""
        if not lang or (lang == self.default_lang and not
                        self.engine.get("defaultContentLanguageInSubdir")):
            return ""
        languages = self.engine.get("languages")
        table = languages.get(lang) if isinstance(languages, dict) else None
        if isinstance(table, dict) and table.get("baseURL"):
            return ""  # one host per language: each at its own root
        return "/" + lang

    def posts_places(self) -> str:
        """Where posts were looked for, for the message that says none were found."""
        if self.posts_override:
            return ", ".join(self.rel(f) + "/" for f in self.posts_override)
        return {
            "hugo": f"{self._roots()} (the sections of params.mainSections, else the section "
                    "with most pages)",
            "jekyll": "every _posts/ folder and the collections of _config.yml",
            "hexo": f"{self.rel(self.posts_dir)}/ and {self.rel(self.posts_dir.parent)}/_drafts/",
            "zola": f"{self._roots()} (pages of the sections whose _index.md has "
                    'sort_by = "date", else the section with most pages)',
        }.get(self.profile, f"{self.rel(self.posts_dir)}/")

    def _roots(self) -> str:
        return ", ".join(self.rel(f) + "/" for f, _ in self.content_roots) or \
            self.rel(self.content_dir) + "/"

    def rel(self, path: Path) -> str:
        """``path`` relative to the site root, with forward slashes."""
        try:
            return path.relative_to(self.root).as_posix()
        except ValueError:
            return path.as_posix()


def find_site(start: Path | None = None, site_dir: Path | None = None) -> Site:
    """Find the site containing ``start`` (walking up), or open ``site_dir`` as given."""
    return open_site(find_root(start, site_dir))


def find_root(start: Path | None = None, site_dir: Path | None = None) -> Path:
    """The root of the site ``find_site`` opens, without reading its pages."""
    if site_dir is not None:
        root = site_dir.resolve()
        if not root.is_dir():
            raise UsageError(f"--site {site_dir}: no such folder")
        if detect_profile(root) is None:
            raise UsageError(f"{root} is not a blog: no blog.toml and no Hugo, Jekyll, Hexo or "
                             "Zola site there (run `blog init` to make one)")
        return root
    here = (start or Path.cwd()).resolve()
    for folder in (here, *here.parents):
        if detect_profile(folder) is not None:
            return folder
    raise UsageError(f"{here} is not inside a blog: no blog.toml and no Hugo, Jekyll, Hexo or "
                     "Zola site in it or above it (run `blog init`, or pass --site DIR)")


def detect_profile(root: Path) -> str | None:
    """The profile a folder's own files say it is, or None when it is not a site."""
    if (root / "blog.toml").is_file():
        return _profile_from_blog_toml(root) or _engine_profile(root) or "plain"
    return _engine_profile(root)


def _engine_profile(root: Path) -> str | None:
    if (root / "_config.yml").is_file() or (root / "_config.yaml").is_file():
        if (root / "source").is_dir():
            return "hexo"
        if _jekyll_site(root):
            return "jekyll"
    has_content = (root / "content").is_dir()
    if (root / "config.toml").is_file() and has_content and _is_zola_config(root / "config.toml"):
        return "zola"
    hugo_dir = (root / "config" / "_default").is_dir()
    if has_content and (hugo_dir or any((root / name).is_file() for name in HUGO_CONFIGS)):
        return "hugo"
    return None


def _jekyll_site(root: Path) -> bool:
    """Whether a folder with a ``_config.yml`` (not Hexo's) is a Jekyll site, by Jekyll's own
    folders or Gemfile: posts or drafts at its root or in a folder below (Jekyll reads
    ``en/news/_posts`` as posts in categories en and news: www.ruby-lang.org keeps them so),
    layouts or includes, or a Gemfile naming jekyll or github-pages. (Other tools keep a
    ``_config.yml`` too: Jupyter Book.)"""
    if any((root / name).is_dir() for name in ("_posts", "_drafts", "_layouts", "_includes")):
        return True
    try:
        gemfile = (root / "Gemfile").read_text(encoding="utf-8", errors="replace")
    except OSError:
        gemfile = ""
    if re.search(r"""['"](?:jekyll|github-pages)['"]""", gemfile[:100_000]):
        return True
    return _posts_below(str(root), 2)


def _posts_below(folder: str, depth: int) -> bool:
    """Whether a ``_posts`` folder is in a folder under ``folder``, ``depth`` levels down at
    most (hidden folders and those of installed packages and build output left out)."""
    try:
        with os.scandir(folder) as listing:
            below = [entry.path for entry in listing if entry.is_dir(follow_symlinks=False)
                     and not entry.name.startswith((".", "_")) and entry.name not in SKIP_DIRS]
    except OSError:
        return False
    return any(os.path.isdir(os.path.join(path, "_posts")) for path in below) or (
        depth > 1 and any(_posts_below(path, depth - 1) for path in below))


def _is_zola_config(path: Path) -> bool:
    try:
        text = path.read_text(encoding="utf-8", errors="replace")
    except OSError:
        return False
    return re.search(r"^\s*base_url\s*=", text, re.MULTILINE) is not None


def _profile_from_blog_toml(root: Path) -> str | None:
    return load_blog_config(root).site.profile


def open_site(root: Path) -> Site:
    """Build the Site for a folder already known to be one."""
    profile = detect_profile(root) or "plain"
    config = load_blog_config(root)
    engine = load_engine_config(root, profile)
    table = config.site
    content_dir, posts, drafts, static = _layout(root, profile, engine)
    override: tuple[Path, ...] = ()
    if table.posts_dir is not None:
        if not table.posts_dir:
            raise _config_error(root, "posts_dir", "must name a folder")
        override = tuple(_folder(root, name, "posts_dir") for name in table.posts_dir)
        posts = override[0]
    if table.drafts_dir:
        drafts = _folder(root, table.drafts_dir, "drafts_dir")
    if table.static_dirs is not None:
        static = tuple(_folder(root, name, "static_dirs") for name in table.static_dirs)
    languages, default = _languages(profile, engine)
    roots = _content_roots(root, profile, engine, content_dir, default)
    if profile == "hugo":
        content_dir = next((f for f, lang in roots if lang == default), content_dir)
        posts = _first_dir(content_dir, ("posts", "post", "blog")) or posts
    site = Site(
        root=root, profile=profile, config=config, engine=engine,
        posts_dir=posts, drafts_dir=drafts, static_dirs=static, content_dir=content_dir,
        title=str(table.title or engine.get("title") or root.name),
        author=str(table.author or engine_author(engine)),
        content_roots=roots,
        languages=languages, default_lang=default,
        timezone=str(engine.get("timeZone") or engine.get("timezone") or ""),
        posts_override=override,
    )
    if profile == "hugo" and not override:  # new posts go to the first main section
        main = sorted({p.group for p in site.pages() if p.kind == "post"})
        if main and not (posts.is_dir() and posts.name in main):
            object.__setattr__(site, "posts_dir", content_dir / main[0])
    return site


def _languages(profile: str, engine: dict[str, Any]) -> tuple[tuple[str, ...], str]:
    """The site's languages and its default one (Hugo ``languages``, Zola ``languages``)."""
    if profile == "hugo":
        default = str(engine.get("defaultContentLanguage") or "en").lower()
        table = engine.get("languages")
        names = [str(k).lower() for k in table] if isinstance(table, dict) else []
        return tuple(dict.fromkeys([default, *names])), default
    if profile == "zola":
        default = str(engine.get("default_language") or "en")
        table = engine.get("languages")
        names = [str(k) for k in table] if isinstance(table, dict) else []
        return tuple(dict.fromkeys([default, *names])), default
    return (), ""


def _content_roots(root: Path, profile: str, engine: dict[str, Any], content: Path,
                   default: str) -> tuple[tuple[Path, str], ...]:
    """Each folder content is read from and its language (Hugo: per-language contentDir and
    module mounts of content)."""
    if profile != "hugo":
        return ((content, ""),)
    roots: dict[Path, str] = {}
    languages = engine.get("languages")
    for lang, table in (languages.items() if isinstance(languages, dict) else []):
        if isinstance(table, dict) and table.get("contentDir"):
            roots.setdefault(root / str(table["contentDir"]), str(lang).lower())
    module = engine.get("module")
    mounts = module.get("mounts") if isinstance(module, dict) else None
    for mount in mounts if isinstance(mounts, list) else []:
        if isinstance(mount, dict) and str(mount.get("target", "")).strip("/") == "content":
            lang = mount.get("lang") or default
            roots.setdefault(root / str(mount.get("source", "content")), str(lang).lower())
    if not any(lang == default for lang in roots.values()) or not roots:
        roots.setdefault(content, default)
    return tuple((folder, lang) for folder, lang in roots.items() if is_within(folder, root))


def _layout(root: Path, profile: str,
            engine: dict[str, Any]) -> tuple[Path, Path, Path | None, tuple[Path, ...]]:
    """Content, posts, drafts and static folders as each engine lays them out."""
    if profile == "hugo":
        content = root / str(engine.get("contentDir", "content"))
        posts = _first_dir(content, ("posts", "post", "blog")) or content / "posts"
        static = engine.get("staticDir", "static")  # Hugo accepts a list of folders too
        folders = static if isinstance(static, list) else [static]
        return content, posts, None, tuple(root / str(folder) for folder in folders)
    if profile == "zola":
        content = root / "content"
        posts = _first_dir(content, ("posts", "blog", "post")) or content
        return content, posts, None, (root / "static",)
    if profile == "jekyll":
        return root, root / "_posts", root / "_drafts", (root,)
    if profile == "hexo":
        source = root / str(engine.get("source_dir", "source"))
        return source, source / "_posts", source / "_drafts", (source,)
    return root, root / "posts", None, (root / "static", root)


def _folder(root: Path, value: Any, key: str) -> Path:
    """A folder named in blog.toml: a relative path that stays inside the site."""
    if not isinstance(value, str) or not value.strip():
        raise _config_error(root, key, f"must be a folder name, not {value!r}")
    folder = root / value
    if Path(value).is_absolute() or not is_within(folder, root):
        raise _config_error(root, key, f"= {value!r} is outside the site; blog reads and "
                                       "writes only inside it")
    return folder


def _config_error(root: Path, key: str, problem: str) -> UsageError:
    path = root / "blog.toml"
    try:
        line = key_line(path.read_text(encoding="utf-8-sig"), key)
    except (OSError, UnicodeDecodeError):
        line = 1
    return UsageError(f"{path}:{line}: [site] {key} {problem}")


def _first_dir(base: Path, names: tuple[str, ...]) -> Path | None:
    return next((base / n for n in names if (base / n).is_dir()), None)


def engine_author(engine: dict[str, Any]) -> str:
    """An author from an engine config or front matter: a string, ``{name: …}`` or a list."""
    params = engine.get("params")
    author = engine.get("author") or (params.get("author", "") if isinstance(params, dict) else "")
    if isinstance(author, dict):
        author = author.get("name", "")
    if isinstance(author, list):
        author = ", ".join(str(a) for a in author)
    return str(author or "")


def iter_post_paths(site: Site, drafts: bool = True) -> list[Path]:
    """Every post's Markdown file, sorted; links are not followed out of the site."""
    return [Path(p) for p in iter_post_files(site, drafts)]


def iter_posts(site: Site, drafts: bool = True) -> Iterator[Post]:
    """Every readable post, in path order; one that cannot be read is left out (``blog check``
    is where it is reported)."""
    from blogcli.errors import BlogError
    from blogcli.post import load_post

    for path in iter_post_paths(site, drafts):
        try:
            yield load_post(path, site)
        except BlogError:
            continue


def iter_post_files(site: Site, drafts: bool = True) -> list[str]:
    """``iter_post_paths`` as absolute path strings: Path objects cost time by the thousand."""
    for folder in (site.posts_dir, site.drafts_dir, *site.posts_override):
        if folder is not None and folder.is_dir() and not is_within(folder, site.root):
            raise UsageError(f"{site.rel(folder)} is a link to {folder.resolve()}, "
                             "outside the site")
    return [p.path for p in site.pages() if p.kind == "post" and (drafts or not p.in_drafts)]


def walk_markdown(folder: Path, root: Path) -> list[Path]:
    """Markdown files under ``folder`` (links to folders not followed, ``_index.md`` out)."""
    from blogcli.pages import _markdown_under

    return [Path(p) for p in _markdown_under(str(folder), root)]


def find_post_path(site: Site, name: str, cwd: Path | None = None) -> Path:
    """The post named by a path (from ``cwd`` or the site root) or by its slug.

    A path must be a Markdown file inside the site's posts, content or drafts folder. A slug is
    matched against file names first (cheap for thousands of posts), then front-matter ``slug``.
    """
    for base in (cwd or Path.cwd(), site.root):
        candidate = (base / name).resolve()
        # exists(), not is_file(): a FIFO or folder named like a post is reported by its reader.
        if candidate.exists() and not candidate.is_dir():
            if not is_within(candidate, site.root):
                raise UsageError(f"{name} is outside the blog at {site.root}")
            page = site.page(site.rel(candidate))
            if page is None or page.kind != "post":
                what = "a page" if page is not None else "not a page the site publishes"
                raise UsageError(f"{name} is not a post ({what}): posts are the Markdown files "
                                 f"in {site.posts_places()}")
            return candidate
    from blogcli.post import post_slug

    paths = iter_post_paths(site)
    matches = [p for p in paths if post_slug(p, {}) == name]
    if not matches:
        matches = [post.path for post in iter_posts(site) if post.slug == name]
    if len(matches) > 1:
        listed = ", ".join(site.rel(p) for p in matches)
        raise UsageError(f"{name!r} names {len(matches)} posts ({listed}); give the path")
    if not matches:
        raise UsageError(f"no post with path or slug {name!r} (`blog list --drafts` shows them)")
    return matches[0]


def engine_name(site: Site) -> str:
    """The engine's name as its users write it, for messages."""
    return {"hugo": "Hugo", "jekyll": "Jekyll", "hexo": "Hexo", "zola": "Zola"}.get(
        site.profile, "the engine")
