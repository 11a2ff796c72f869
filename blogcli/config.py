"""Configuration, read once: blog.toml as typed tables, and the engines' own config files.

blog.toml is optional. Each table becomes a named tuple whose keys are checked here, with
the file and line of a bad value; a table or key blog does not know is a warning that names the
closest known one (``[publsh]`` -> ``[publish]``), because a typo silently ignored is a setting
silently lost. ``blog check --strict`` turns those warnings into a failure.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Mapping
from pathlib import Path
from types import MappingProxyType
from typing import Any, NamedTuple

from blogcli.errors import UsageError

PROFILES = ("hugo", "jekyll", "hexo", "zola", "plain")
HUGO_CONFIGS = ("hugo.toml", "hugo.yaml", "hugo.yml", "hugo.json",
                "config.toml", "config.yaml", "config.yml", "config.json")

# Every table and key blog.toml may hold. [links] keys are typed in web/settings.py, [reading]
# keys in text/count.py (each next to the code that uses them); the names all live here.
SCHEMA: dict[str, frozenset[str]] = {
    "site": frozenset({"title", "author", "profile", "posts_dir", "drafts_dir", "static_dirs",
                       "max_post_mb"}),
    "publish": frozenset({"remote", "branch", "message", "unpublish_message", "set_date",
                          "timeout"}),
    "check": frozenset({"rules", "required"}),
    "links": frozenset({"exclude", "allow_private", "concurrency", "per_host", "accept",
                        "unknown_status", "timeout", "connect_timeout", "retries",
                        "max_retry_after", "cache_max_age", "user_agent", "hosts",
                        "history", "broken_after_runs", "broken_after_days", "deadline"}),
    "reading": frozenset({"words_per_minute", "cjk_words_per_minute", "summary_length",
                          "image_seconds", "has_cjk_language", "unsafe_html", "summary_mode"}),
}
HOST_KEYS = frozenset({"accept", "unknown_status", "per_host"})


# The tables are named tuples, not frozen dataclasses: making a dataclass's methods costs
# ~5 M instructions a class at start-up (and importing dataclasses loads inspect).
class Notice(NamedTuple):
    """A configuration warning with the line it is about."""

    line: int
    message: str

    def __str__(self) -> str:
        return f"blog.toml:{self.line}: {self.message}"


class SiteTable(NamedTuple):
    title: str | None = None
    author: str | None = None
    profile: str | None = None
    posts_dir: tuple[str, ...] | None = None   # a list since sites keep posts in several places
    drafts_dir: str | None = None
    static_dirs: tuple[str, ...] | None = None
    max_post_mb: float = 8.0  # a larger post is a finding, not minutes of work


class PublishTable(NamedTuple):
    remote: str | None = None
    branch: str | None = None
    message: str | None = None
    unpublish_message: str | None = None
    set_date: bool = False
    timeout: float = 120.0


class CheckTable(NamedTuple):
    rules: Mapping[str, str] = MappingProxyType({})
    required: tuple[str, ...] = ("title", "date")


_EMPTY: Mapping[str, Any] = MappingProxyType({})


class BlogConfig(NamedTuple):
    """blog.toml, parsed and checked. ``links`` and ``reading`` stay mappings for the typed
    readers beside the code that uses them; ``raw`` is the whole file for scaffolds (without
    blog.toml, load_blog_config gives each its own empty dict; the defaults are read-only)."""

    path: Path | None = None
    site: SiteTable = SiteTable()
    publish: PublishTable = PublishTable()
    check: CheckTable = CheckTable()
    links: Mapping[str, Any] = _EMPTY
    reading: Mapping[str, Any] = _EMPTY
    raw: Mapping[str, Any] = _EMPTY
    notices: tuple[Notice, ...] = ()


class Table:
    """Typed reads from one table of a config file, each failure naming file, line and key."""

    def __init__(self, table: Mapping[str, Any], name: str, text: str = "",
                 path: str = "blog.toml") -> None:
        self.table, self.name, self.text, self.path = table, name, text, path

    def line(self, key: str) -> int:
        return key_line(self.text, key, self.name) if self.text else 1

    def bad(self, key: str, expected: str) -> UsageError:
        where = f"{self.path}:{self.line(key)}" if self.text else self.path
        return UsageError(f"{where}: [{self.name}] {key}: expected {expected}, "
                          f"got {self.table[key]!r}")

    def string(self, key: str) -> str | None:
        value = self.table.get(key)
        if value is not None and not isinstance(value, str):
            raise self.bad(key, "a string in quotes")
        return value

    def boolean(self, key: str, default: bool) -> bool:
        value = self.table.get(key, default)
        if not isinstance(value, bool):
            raise self.bad(key, "true or false")
        return value

    def number(self, key: str, default: float) -> float:
        value = self.table.get(key, default)
        if isinstance(value, bool) or not isinstance(value, int | float) or not 0 < value < 1e9:
            raise self.bad(key, "a positive number")
        return float(value)

    def strings(self, key: str) -> tuple[str, ...] | None:
        """A list of strings; a single string is a list of one."""
        value = self.table.get(key)
        if value is None:
            return None
        if isinstance(value, str):
            value = [value]
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise self.bad(key, "a list of strings")
        return tuple(value)


def load_blog_config(root: Path) -> BlogConfig:
    """Parse ``root/blog.toml`` (absent: every default); bad values are UsageErrors."""
    path = root / "blog.toml"
    if not path.is_file():
        return BlogConfig(check=CheckTable(rules={}), links={}, reading={}, raw={})
    text, raw = _read_toml(path)
    notices = _unknown(raw, text)
    get = {name: Table(_table(raw, name, text, path), name, text, str(path)) for name in SCHEMA}
    site, publish, check = get["site"], get["publish"], get["check"]
    return BlogConfig(
        path=path,
        site=SiteTable(title=site.string("title"), author=site.string("author"),
                       profile=_profile(site), posts_dir=site.strings("posts_dir"),
                       drafts_dir=site.string("drafts_dir") or None,
                       static_dirs=site.strings("static_dirs"),
                       max_post_mb=site.number("max_post_mb", 8.0)),
        publish=PublishTable(remote=publish.string("remote"), branch=publish.string("branch"),
                             message=publish.string("message"),
                             unpublish_message=publish.string("unpublish_message"),
                             set_date=publish.boolean("set_date", False),
                             timeout=publish.number("timeout", 120.0)),
        check=_check_table(check),
        links=get["links"].table, reading=get["reading"].table, raw=raw,
        notices=tuple(notices),
    )


def _read_toml(path: Path) -> tuple[str, dict[str, Any]]:
    try:
        text = path.read_text(encoding="utf-8-sig")
        return text, tomllib.loads(text)
    except UnicodeDecodeError as err:
        raise UsageError(f"{path}: not valid UTF-8 ({err.reason})") from None
    except tomllib.TOMLDecodeError as err:
        raise UsageError(f"{path}:{toml_error_line(err)}: not valid TOML: {toml_reason(err)}") \
            from None
    except OSError as err:
        raise UsageError(f"{path}: cannot read it ({err.strerror})") from None


def _table(raw: dict[str, Any], name: str, text: str, path: Path) -> dict[str, Any]:
    value = raw.get(name, {})
    if not isinstance(value, dict):
        raise UsageError(f"{path}:{key_line(text, name)}: {name} must be a table "
                         f"([{name}] with keys under it), not {value!r}")
    return value


def _unknown(raw: dict[str, Any], text: str) -> list[Notice]:
    """A notice for each table or key blog does not know, with the closest known name."""
    found: list[Notice] = []
    for name, value in raw.items():
        if name not in SCHEMA:
            found.append(Notice(key_line(text, name), f"unknown table [{name}]"
                                + _suggest(name, SCHEMA)))
            continue
        if not isinstance(value, dict):
            continue
        for key, inner in value.items():
            if key not in SCHEMA[name]:
                found.append(Notice(key_line(text, key, name), f"[{name}] has no setting {key!r}"
                                    + _suggest(key, SCHEMA[name])))
            elif key == "hosts" and isinstance(inner, dict):
                found += [Notice(key_line(text, k), f'[links.hosts."{host}"] has no setting '
                                 f"{k!r}" + _suggest(k, HOST_KEYS))
                          for host, table in inner.items() if isinstance(table, dict)
                          for k in table if k not in HOST_KEYS]
    return found


def _suggest(word: str, known: Mapping[str, Any] | frozenset[str]) -> str:
    import difflib  # only for a typo in blog.toml; `blog new` no longer loads typer's copy

    close = difflib.get_close_matches(word, sorted(known), n=1, cutoff=0.6)
    return f"; did you mean {close[0]!r}?" if close else f" (known: {', '.join(sorted(known))})"


def _profile(site: Table) -> str | None:
    profile = site.string("profile")
    if profile is not None and profile not in PROFILES:
        where = f"{site.path}:{site.line('profile')}"
        raise UsageError(f"{where}: [site] profile = {profile!r} is not one of "
                         f"{', '.join(PROFILES)}")
    return profile


def _check_table(table: Table) -> CheckTable:
    rules = table.table.get("rules", {})
    if not isinstance(rules, dict):
        raise table.bad("rules", 'a table like {"date-no-zone" = "off"}')
    if isinstance(table.table.get("required"), str):
        raise table.bad("required", 'a list of keys like ["title"]')
    required = table.strings("required")
    return CheckTable(rules={str(k): str(v) for k, v in rules.items()},
                      required=("title", "date") if required is None else required)


def key_line(text: str, key: str, table: str | None = None) -> int:
    """The line where ``key`` is set in a TOML or YAML text (1 when it cannot be found);
    with ``table``, the first such line after that table's header."""
    start = 0
    if table is not None:
        header = re.search(rf"^[ \t]*\[[ \t]*{re.escape(table)}[ \t]*\]", text, re.MULTILINE)
        start = header.end() if header else 0
    pattern = re.compile(rf"^[ \t]*(?:\[[ \t]*)?[\"']?{re.escape(key)}[\"']?[ \t]*[=:\]]",
                         re.MULTILINE)
    found = pattern.search(text, start) or pattern.search(text)
    return text.count("\n", 0, found.start()) + 1 if found else 1


def toml_error_line(err: tomllib.TOMLDecodeError) -> int:
    """The 1-based line a TOML error names (tomllib only says it in the message)."""
    found = re.search(r"at line (\d+)", str(err))
    return int(found.group(1)) if found else 1


def toml_reason(err: tomllib.TOMLDecodeError) -> str:
    """A TOML error's message without its position, for messages that give the position."""
    return re.sub(r"\s*\(at line \d+, column \d+\)", "", str(err))


# --- the engines' own configuration ---------------------------------------------------------


class Folded(dict[str, Any]):
    """A mapping whose keys are matched case-insensitively, as Hugo matches its config keys.

    Keys are stored lower-cased; ``get``, ``[]`` and ``in`` lower-case the key asked for, so
    ``engine.get("contentDir")`` finds ``contentdir = …`` and ``ContentDir: …`` alike.
    """

    def __getitem__(self, key: Any) -> Any:
        return super().__getitem__(key.lower() if isinstance(key, str) else key)

    def get(self, key: Any, default: Any = None) -> Any:
        return super().get(key.lower() if isinstance(key, str) else key, default)

    def __contains__(self, key: object) -> bool:
        return super().__contains__(key.lower() if isinstance(key, str) else key)


def lookup(table: Any, *keys: str) -> Any:
    """``table[k1][k2]...`` through nested config tables, each key matched in any case (Hugo's
    rule, also where a table is not Folded); None where one is missing or not a table."""
    for key in keys:
        if not isinstance(table, dict):
            return None
        lowered = key.lower()
        table = next((value for name, value in table.items()
                      if isinstance(name, str) and name.lower() == lowered), None)
    return table


def folded(value: Any) -> Any:
    """``value`` with every mapping in it made a Folded one (lists are walked too)."""
    if isinstance(value, dict):
        out = Folded()
        for key, inner in value.items():
            name = key.lower() if isinstance(key, str) else key
            if isinstance(inner, dict | list):  # (no call for a scalar: most values are)
                inner = folded(inner)
            # dict's own ``in``: ``name`` is already as stored (lower() of a lower-cased
            # text is that text), and Folded's is a Python call, for every key of every post.
            out[name] = merged(out[name], inner) if dict.__contains__(out, name) else inner
        return out
    if isinstance(value, list):
        return [folded(item) for item in value]
    return value


def merged(base: Any, over: Any) -> Any:
    """``over`` deep-merged onto ``base``: tables merge key by key, anything else replaces."""
    if not isinstance(base, dict) or not isinstance(over, dict):
        return over
    out = type(base)(base)
    for key, value in over.items():
        out[key] = merged(out[key], value) if key in out else value
    return out


def load_engine_config(root: Path, profile: str) -> dict[str, Any]:
    """The engine's own configuration as the engine reads it (Hugo: every file, merged)."""
    config: dict[str, Any] = {}
    if profile in ("jekyll", "hexo"):
        for name in ("_config.yml", "_config.yaml"):
            if (root / name).is_file():
                config = load_config_file(root / name)
                break
    elif profile == "zola":
        config = load_config_file(root / "config.toml")
    elif profile == "hugo":
        config = hugo_config(root)
    _check_site_addresses(root, config)
    return config


def _check_site_addresses(root: Path, config: dict[str, Any]) -> None:
    """A site address urllib cannot split ("https://[bad/") stops here, naming the file and
    line, as it stops the engine's own build (Hugo: "missing ']' in host"), instead of
    failing later in whatever command first reads it."""
    from urllib.parse import urlsplit

    languages = config.get("languages")
    tables = [config, *(languages.values() if isinstance(languages, dict) else ())]
    for table in tables:
        for key in ("baseURL", "baseurl", "url", "base_url"):
            value = table.get(key) if isinstance(table, dict) else None
            if not isinstance(value, str):
                continue
            try:
                urlsplit(value)
            except ValueError as err:
                raise UsageError(f"{_where(root, value)}: {key} {value!r} is not a web "
                                 f"address the engine can use ({err})") from None


def _where(root: Path, value: str) -> str:
    """``file:line`` of the config line that holds ``value`` (the site's root if none does)."""
    names = [*HUGO_CONFIGS, "_config.yml", "_config.yaml", "config.toml"]
    folders = [root / "config" / "_default", root / "config" / "production"]
    paths = [root / name for name in names] + \
        [p for folder in folders if folder.is_dir() for p in sorted(folder.iterdir())]
    for path in paths:
        try:
            lines = path.read_text(encoding="utf-8-sig").splitlines()
        except (OSError, UnicodeDecodeError):
            continue
        for number, line in enumerate(lines, 1):
            if value in line:
                return f"{path}:{number}"
    return str(root)


def hugo_config(root: Path) -> dict[str, Any]:
    """Hugo's config: ``config/_default/`` (each file under its own top-level key, so
    ``params.toml`` is ``[params]`` and ``menus.en.toml`` the ``en`` language's menus), then
    ``config/production/`` (what ``hugo`` builds), then the root ``hugo.*``/``config.*``; keys
    case-insensitive."""
    config: dict[str, Any] = Folded()
    for folder in (root / "config" / "_default", root / "config" / "production"):
        if folder.is_dir():
            for path in sorted(folder.iterdir()):
                if path.suffix in (".toml", ".yaml", ".yml", ".json") and path.is_file():
                    config = merged(config, folded(_hugo_config_part(path)))
    top = next((root / name for name in HUGO_CONFIGS if (root / name).is_file()), None)
    if top is not None:
        config = merged(config, folded(load_config_file(top)))
    return config


def _hugo_config_part(path: Path) -> dict[str, Any]:
    data = load_config_file(path)
    name, _, lang = path.stem.partition(".")
    if name.lower() in ("hugo", "config"):
        return data
    if lang:  # menus.en.toml, params.fr.yaml: settings of one language
        return {"languages": {lang: {name: data}}}
    return {name: data}


def load_config_file(path: Path) -> dict[str, Any]:
    """A TOML, YAML or JSON config file as a mapping; a broken one names file and line."""
    if path.suffix == ".json":
        import json

        try:
            loaded_json = json.loads(path.read_text(encoding="utf-8-sig"))
        except (OSError, UnicodeDecodeError):
            raise UsageError(f"{path}: cannot read it as UTF-8 text") from None
        except json.JSONDecodeError as err:
            raise UsageError(f"{path}:{err.lineno}: not valid JSON: {err.msg}") from None
        return loaded_json if isinstance(loaded_json, dict) else {}
    if path.suffix == ".toml":
        try:
            return tomllib.loads(path.read_text(encoding="utf-8-sig"))
        except (OSError, UnicodeDecodeError):
            raise UsageError(f"{path}: cannot read it as UTF-8 text") from None
        except tomllib.TOMLDecodeError as err:
            raise UsageError(f"{path}:{toml_error_line(err)}: not valid TOML: "
                             f"{toml_reason(err)}") from None
    import yaml  # PyYAML comes with python-frontmatter; only sites with YAML configs pay for it

    try:
        loaded = yaml.safe_load(path.read_text(encoding="utf-8-sig"))
    except (OSError, UnicodeDecodeError):
        raise UsageError(f"{path}: cannot read it as UTF-8 text") from None
    except yaml.YAMLError as err:
        mark = getattr(err, "problem_mark", None)
        line = mark.line + 1 if mark is not None else 1
        raise UsageError(f"{path}:{line}: not valid YAML: {getattr(err, 'problem', err)}") \
            from None
    return loaded if isinstance(loaded, dict) else {}


def load_lycheeignore(root: Path) -> tuple[str, ...]:
    """The regexes of ``root/.lycheeignore``, read as lychee reads it: one per line, blank
    lines and lines starting with ``#`` skipped. A bad regex names file and line."""
    path = root / ".lycheeignore"
    try:
        text = path.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        return ()
    except (OSError, UnicodeDecodeError):
        raise UsageError(f"{path}: cannot read it as UTF-8 text") from None
    patterns = []
    for number, line in enumerate(text.splitlines(), 1):
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        try:
            re.compile(line)
        except re.error as err:
            raise UsageError(f"{path}:{number}: bad regular expression {line!r}: {err}") from None
        patterns.append(line)
    return tuple(patterns)
