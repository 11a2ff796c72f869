"""Front matter of a new post in the site's own format, with the values `blog new` was given.

A site's archetype or scaffold is kept as written; only the keys the user gave on the command
line are set, line by line. The built-in scaffold is YAML: it is rewritten in TOML (or JSON)
when that is what the site's posts use.
"""

from __future__ import annotations

import re
from datetime import date, datetime
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from blogcli.site import Site

_OPENERS = {b"---": "yaml", b"+++": "toml", b"{": "json"}
SAMPLE = 50  # posts looked at to tell the site's front-matter format


def site_format(site: Site) -> str:
    """yaml, toml or json: what most of the site's posts use, else what its engine defaults to."""
    from blogcli.site import iter_post_files

    counts = {"yaml": 0, "toml": 0, "json": 0}
    for rel in iter_post_files(site)[:SAMPLE]:
        try:
            with open(site.root / rel, "rb") as handle:
                first = handle.readline().lstrip(b"\xef\xbb\xbf").strip()
        except OSError:
            continue
        fmt = _OPENERS.get(first[:3]) or _OPENERS.get(first[:1])
        if fmt:
            counts[fmt] += 1
    if any(counts.values()):
        return max(counts, key=lambda k: counts[k])
    if site.profile == "zola":
        return "toml"
    if site.profile == "hugo":
        # Hugo's own default archetype is written in its config file's format.
        for name in ("hugo.toml", "config.toml", "hugo.yaml", "hugo.yml", "config.yaml",
                     "config.yml"):
            if (site.root / name).is_file() or (site.root / "config/_default" / name).is_file():
                return "toml" if name.endswith(".toml") else "yaml"
    return "yaml"


def convert(content: str, to: str, origin: str) -> str:
    """The same front matter written in ``to`` (yaml, toml or json); the body is kept."""
    opener = content.split("\n", 1)[0].strip()
    if {"---": "yaml", "+++": "toml"}.get(opener, "json" if opener == "{" else None) == to:
        return content  # already so (and PyYAML need not be loaded to see it)
    from blogcli.post import split_front_matter

    meta, body, _, fmt = split_front_matter(content, origin)
    if fmt in (None, to):
        return content
    if to == "toml":
        return "+++\n" + toml_text(meta) + "+++\n" + body
    if to == "json":
        plain = {k: _jsonable(v) for k, v in meta.items()}
        return _dumps(plain, ensure_ascii=False, indent=2) + "\n" + body
    return content


def toml_text(meta: dict[str, Any]) -> str:
    """A flat mapping (plus one level of tables) as TOML."""
    lines = [f"{_key(k)} = {_toml_value(v)}" for k, v in meta.items() if not isinstance(v, dict)]
    for name, table in meta.items():
        if isinstance(table, dict):
            lines += ["", f"[{_key(name)}]"]
            lines += [f"{_key(k)} = {_toml_value(v)}" for k, v in table.items()]
    return "\n".join(lines) + "\n"


def _key(key: str) -> str:
    return key if re.fullmatch(r"[A-Za-z0-9_-]+", key) else _dumps(key)


def _toml_value(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, datetime | date | int | float):
        return value.isoformat() if isinstance(value, datetime | date) else str(value)
    if isinstance(value, list):
        return "[" + ", ".join(_toml_value(v) for v in value) + "]"
    if value is None:
        return '""'
    return _dumps(str(value), ensure_ascii=False)


def _jsonable(value: Any) -> Any:
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, list):
        return [_jsonable(v) for v in value]
    return value


def set_key(content: str, key: str, value: Any, origin: str) -> str:
    """Set a top-level key of the front matter to ``value`` (added after the opener when the
    template has no such key); every other line stays as the template wrote it."""
    from blogcli.post import split_front_matter

    meta, _, body_line, fmt = split_front_matter(content, origin)
    if fmt not in ("yaml", "toml") or meta.get(key) == value:
        return content  # already so: keep the template's own quoting
    lines = content.split("\n")
    end = body_line - 2  # the closing delimiter's index
    text = f"{key}: {_yaml_value(value)}" if fmt == "yaml" else f"{key} = {_toml_value(value)}"
    pattern = re.compile(rf"^{re.escape(key)}\s*{':' if fmt == 'yaml' else '='}")
    for index in range(1, end):
        if fmt == "toml" and lines[index].lstrip().startswith("["):
            end = index  # past the top-level keys: a new one goes before the first table
            break
        if pattern.match(lines[index]):
            stop = index + 1
            while fmt == "yaml" and stop < end and re.match(r"^(\s+|-\s)", lines[stop]):
                stop += 1  # the value's block lines (a list written one item a line)
            lines[index:stop] = [text]
            return "\n".join(lines)
    while end > 1 and not lines[end - 1].strip():
        end -= 1  # after the last key, not after the blank lines before a table
    lines.insert(end, text)
    return "\n".join(lines)


def _dumps(value: Any, **options: Any) -> str:
    """json.dumps, with json loaded on first use: the usual `blog new` (a plain title, no
    tags) writes nothing that needs quoting, and importing json cost it ~1 ms."""
    import json

    return json.dumps(value, **options)


def _yaml_value(value: Any) -> str:
    return str(front_matter_value(value, "yaml"))


class Bare(str):
    """A string the front-matter renderer writes unquoted (dates are dates, not strings)."""


def front_matter_value(value: Any, fm_format: str | None) -> Any:
    """Write a value so front matter means exactly it (Hexo quotes scaffold values too)."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if value is None:
        return "" if fm_format == "yaml" else '""'
    if isinstance(value, Bare | int | float):
        return str(value)
    if isinstance(value, list | tuple):
        return _dumps([str(v) for v in value], ensure_ascii=False) if value else "[]"
    text = str(value)
    if fm_format == "yaml" and _yaml_plain_ok(text):
        return text
    return _dumps(text, ensure_ascii=False)


# Words, spaces and punctuation that means nothing in a plain YAML scalar, after a letter: such
# a text reads back as itself unless it is one of YAML 1.1's booleans or nulls. Deciding that
# without PyYAML keeps `blog new` from importing it for the usual title.
_PLAIN = re.compile(r"[^\W\d_][\w .,!?'()&/-]*")
_YAML_WORDS = {"yes", "no", "true", "false", "on", "off", "null", "y", "n"}


def _yaml_plain_ok(text: str) -> bool:
    """True when ``text`` written bare reads back in YAML as the same string."""
    if _PLAIN.fullmatch(text) and text == text.strip() and text.lower() not in _YAML_WORDS:
        return True
    import yaml

    if not text or text != text.strip() or "\n" in text:
        return False
    try:
        return bool(yaml.safe_load(f"k: {text}") == {"k": text})
    except yaml.YAMLError:
        return False


def jekyll_defaults(content: str, site: Site, kind: str, origin: str) -> str:
    """jekyll-compose's front matter: ``layout: post`` and ``default_front_matter.<kind>`` of
    _config.yml (kind is posts or drafts), for the keys the post does not set already."""
    from blogcli.post import split_front_matter

    meta, _, body_line, fmt = split_front_matter(content, origin)
    if fmt != "yaml":
        return content
    compose = site.engine.get("jekyll_compose")
    table = compose.get("default_front_matter") if isinstance(compose, dict) else None
    extra = table.get(kind) if isinstance(table, dict) else None
    import yaml

    lines = content.split("\n")
    # As jekyll-compose writes it: layout first, the configured defaults after its own keys.
    defaults = {k: v for k, v in (extra or {}).items() if k not in meta} \
        if isinstance(extra, dict) else {}
    if defaults:
        text = yaml.safe_dump(defaults, allow_unicode=True, sort_keys=False,
                              default_flow_style=False)
        lines[body_line - 2:body_line - 2] = text.rstrip("\n").split("\n")
    if "layout" not in meta and "layout" not in defaults:
        lines.insert(1, "layout: post")
    return "\n".join(lines)
