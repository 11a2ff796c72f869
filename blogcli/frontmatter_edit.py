"""Byte-exact front-matter edits: change one value or add one key, keep every other byte.

Re-serialising front matter loses comments, quoting and key order, so publishing edits single
lines instead and then re-parses the result to prove that only the intended keys changed.
"""

from __future__ import annotations

import json
import re
from datetime import date, datetime
from typing import TYPE_CHECKING, Any

from blogcli.errors import ContentError
from blogcli.post import PostError, decode, parse_date, reading_rules, split_front_matter

if TYPE_CHECKING:
    from blogcli.site import Site

BOM = b"\xef\xbb\xbf"
# YAML 1.1 booleans as PyYAML reads them, each with its opposite in the same spelling style.
YAML_BOOLS = {
    "true": "false", "True": "False", "TRUE": "FALSE", "yes": "no", "Yes": "No", "YES": "NO",
    "on": "off", "On": "Off", "ON": "OFF",
}
YAML_BOOLS.update({v: k for k, v in list(YAML_BOOLS.items())})
TRUTHY = {"true", "True", "TRUE", "yes", "Yes", "YES", "on", "On", "ON"}
TOML_TABLE = re.compile(r"^[ \t]*\[")
SEPARATOR = {"yaml": ":", "toml": "="}


class FrontMatterEdit:
    """A post's bytes opened for line edits; ``result()`` checks them and returns new bytes."""

    def __init__(self, raw: bytes, rel: str, fold_case: bool = False,
                 site: Site | None = None) -> None:
        self.rel = rel
        self.fold_case = fold_case  # Hugo reads `Draft:` as `draft:`
        # Read as the site's engine reads it, as parse_post does (a key given twice, Hugo's
        # closing line): a post the listing reads is one that can be edited.
        self.lenient, self.hugo = reading_rules(site)
        self.bom = raw.startswith(BOM)
        text, _ = decode(raw, rel)
        self.original = text
        self.meta, self.body, _, fm = split_front_matter(text, rel, self.lenient, self.hugo)
        self.fm_format = fm
        self.lines = re.findall(r"[^\n]*\n|[^\n]+\Z", text)
        self.newline = "\r\n" if "\r\n" in text[:4096] else "\n"
        self.changes: dict[str, Any] = {}
        self.removed: set[str] = set()  # keys renamed away
        self.start, self.end = self._region()

    def _region(self) -> tuple[int, int]:
        """Indices of the first key line and of the line after the last top-level key line."""
        if self.fm_format not in ("yaml", "toml"):
            return 0, 0
        opener = self.lines[0].strip()
        closers = ("---", "...") if opener == "---" else ("+++",)
        end = next(i for i in range(1, len(self.lines)) if self.lines[i].rstrip() in closers
                   or (self.hugo and self.lines[i].startswith(opener)))
        if self.fm_format == "toml":
            # Keys after the first [table] header belong to that table, not to the page.
            end = next((i for i in range(1, end) if TOML_TABLE.match(self.lines[i])), end)
        return 1, end

    def spell(self, key: str) -> str:
        """``key`` as this file writes it: another case of it when the engine folds case."""
        if self.fold_case and key not in self.meta:
            return next((k for k in self.meta if isinstance(k, str) and k.lower() == key), key)
        return key

    def _find(self, key: str) -> tuple[int, re.Match[str]] | None:
        sep = SEPARATOR[self.fm_format or "yaml"]
        key = re.escape(key)
        pattern = re.compile(
            rf"^(?P<head>(?:{key}|\"{key}\"|'{key}')[ \t]*{sep}[ \t]*)"
            r"(?P<value>\"[^\"\r\n]*\"|'[^'\r\n]*'|[^\s#]*(?:[ \t]+[^\s#]+)*)"
            r"(?P<tail>[^\r\n]*)(?P<eol>\r?\n?)$")
        for index in range(self.start, self.end):
            found = pattern.match(self.lines[index])
            if found:
                return index, found
        return None

    def set_bool(self, key: str, value: bool) -> bool:
        """Flip a boolean ``key`` to ``value`` in its own spelling; False when nothing to do."""
        key = self.spell(key)
        if self.meta.get(key) is not (not value):
            return False
        self._require_format(key)
        if self.fm_format == "json":
            if not self._json_replace(key, json.dumps(value)):
                raise self._cannot(key)
            self.changes[key] = value
            return True
        found = self._find(key)
        if found is None:
            raise self._cannot(key)
        index, match = found
        current = match["value"]
        if self.fm_format == "yaml" and current in YAML_BOOLS and (current in TRUTHY) != value:
            replacement = YAML_BOOLS[current]
        elif self.fm_format == "toml" and current in ("true", "false"):
            replacement = "true" if value else "false"
        else:
            raise self._cannot(key)
        self._replace_value(index, match, replacement)
        self.changes[key] = value
        return True

    def set_date(self, moment: datetime | date, key: str = "date") -> None:
        """Set ``date`` (or another date key such as ``publishDate``): replace its value,
        keeping its quotes, or add the key after the title."""
        key = self.spell(key)
        self._require_format(key)
        literal = moment.isoformat()
        if self.fm_format == "json":
            if not self._json_replace(key, json.dumps(literal)):
                self._json_insert(key, json.dumps(literal))
        elif key in self.meta and (found := self._find(key)) is not None:
            index, match = found
            quote = match["value"][:1] if match["value"][:1] in ("'", '"') else ""
            self._replace_value(index, match, f"{quote}{literal}{quote}")
        elif key in self.meta:
            raise self._cannot(key)
        else:
            self._insert(key, literal)
        self.changes[key] = moment

    def set_list(self, key: str, items: list[str]) -> None:
        """Replace the one-line scalar value of ``key`` with a list of strings (flow style)."""
        self._require_format(key)
        literal = "[" + ", ".join(_list_item(item, self.fm_format) for item in items) + "]"
        if self.fm_format == "json":
            if not self._json_replace(key, json.dumps(items, ensure_ascii=False)):
                raise self._cannot(key)
        elif (found := self._find(key)) is not None and not found[1]["value"].startswith("["):
            self._replace_value(found[0], found[1], literal)
        else:
            raise self._cannot(key)
        self.changes[key] = items

    def rename_key(self, old: str, new: str) -> None:
        """Write the key ``old`` as ``new``, its value and every other byte kept."""
        self._require_format(old)
        if new in self.meta or old not in self.meta:
            raise self._cannot(old)
        if self.fm_format == "json":
            head, rest = self._json_span()
            found = list(re.finditer(rf"\"{re.escape(old)}\"(?=\s*:)", head))
            if len(found) != 1:
                raise self._cannot(old)
            span = found[0]
            self._set_text(f"{head[:span.start()]}\"{new}\"{head[span.end():]}{rest}")
        else:
            sep = SEPARATOR[self.fm_format or "yaml"]
            pattern = re.compile(rf"^(?P<quote>[\"']?){re.escape(old)}(?P=quote)(?=[ \t]*{sep})")
            lines = [i for i in range(self.start, self.end) if pattern.match(self.lines[i])]
            if len(lines) != 1:
                raise self._cannot(old)
            index = lines[0]
            self.lines[index] = pattern.sub(lambda m: f"{m['quote']}{new}{m['quote']}",
                                            self.lines[index], count=1)
        self.removed.add(old)
        self.changes[new] = self.meta[old]

    def insert_bool(self, key: str, value: bool) -> None:
        """Add ``key`` with a boolean value (the key must be absent)."""
        self._require_format(key)
        if self.fm_format == "json":
            self._json_insert(key, json.dumps(value))
        else:
            self._insert(key, "true" if value else "false")
        self.changes[key] = value

    def _insert(self, key: str, literal: str) -> None:
        sep = ": " if self.fm_format == "yaml" else " = "
        line = f"{key}{sep}{literal}{self.newline}"
        self.lines.insert(self._insert_at(), line)
        self.end += 1

    def _insert_at(self) -> int:
        """After a one-line ``title``, else right after the opening delimiter."""
        found = self._find(self.spell("title"))
        if found is None:
            return self.start
        index = found[0]
        following = self.lines[index + 1] if index + 1 < self.end else ""
        if self.fm_format == "yaml" and following[:1] in (" ", "\t", "-"):
            return self.start  # the title continues on the next line (folded or block scalar)
        if '"""' in self.lines[index] or "'''" in self.lines[index]:
            return self.start
        return index + 1

    def _replace_value(self, index: int, match: re.Match[str], literal: str) -> None:
        self.lines[index] = f"{match['head']}{literal}{match['tail']}{match['eol']}"

    def _json_span(self) -> tuple[str, str]:
        end = json.JSONDecoder().raw_decode(self.original)[1]
        return self.original[:end], self.original[end:]

    def _json_replace(self, key: str, literal: str) -> bool:
        head, rest = self._json_span()
        value = r"(?:true|false|null|-?[0-9.eE+-]+|\"(?:[^\"\\]|\\.)*\")"
        pattern = re.compile(rf"(\"{re.escape(key)}\"\s*:\s*){value}")
        found = list(pattern.finditer(head))
        if not found:
            return False
        if len(found) > 1:
            raise self._cannot(key)
        span = found[0]
        self._set_text(head[:span.start()] + span[1] + literal + head[span.end():] + rest)
        return True

    def _json_insert(self, key: str, literal: str) -> None:
        head, rest = self._json_span()
        after_brace = head[1:]
        stripped = after_brace.lstrip()
        comma = "" if stripped.startswith("}") else ","
        layout = re.match(r"(\r?\n)([ \t]*)", after_brace)
        if layout and not stripped.startswith("}"):
            entry = f"{layout[1]}{layout[2]}\"{key}\": {literal}{comma}"
        else:
            entry = f"\"{key}\": {literal}{comma} "
        self._set_text("{" + entry + after_brace + rest)

    def _set_text(self, text: str) -> None:
        self.lines = re.findall(r"[^\n]*\n|[^\n]+\Z", text)
        self.original = text

    def _require_format(self, key: str) -> None:
        if self.fm_format is None:
            raise ContentError(f"{self.rel}:1: has no front matter to set `{key}` in; add a "
                               "front matter block (--- ... ---) with a title")

    def _cannot(self, key: str) -> ContentError:
        return ContentError(f"{self.rel}: cannot edit `{key}` safely in this front matter; "
                            f"change it by hand and run the command again")

    def result(self) -> bytes:
        """The edited bytes, after proving that only the intended keys changed."""
        text = "".join(self.lines)
        self._verify(text)
        return (BOM if self.bom else b"") + text.encode("utf-8")

    def _verify(self, text: str) -> None:
        try:
            meta, body, _, fm_format = split_front_matter(text, self.rel, self.lenient,
                                                          self.hugo)
        except PostError as err:
            raise ContentError(f"{self.rel}: the edited front matter would not parse "
                               f"({err.detail}); nothing was changed") from None
        touched = set(self.changes) | self.removed
        expected = {k: v for k, v in self.meta.items() if k not in touched}
        kept = {k: v for k, v in meta.items() if k not in touched}
        same = (fm_format == self.fm_format and body == self.body and kept == expected
                and set(meta) == (set(self.meta) - self.removed) | set(self.changes)
                and all(_same_value(meta[k], v) for k, v in self.changes.items()))
        if not same:
            raise ContentError(f"{self.rel}: cannot edit the front matter without changing "
                               "other values; edit it by hand; nothing was changed")


_PLAIN_ITEM = re.compile(r"^[A-Za-z0-9][A-Za-z0-9 _.+-]*$")
# YAML reads these plain words as booleans or null, not as the string tag.
_YAML_WORDS = frozenset(YAML_BOOLS) | {"null", "Null", "NULL", "~", "y", "Y", "n", "N"}


def _list_item(item: str, fm_format: str | None) -> str:
    """One list item as the format writes it: bare when YAML reads it back as the same string."""
    if fm_format == "yaml" and _PLAIN_ITEM.match(item) and item not in _YAML_WORDS \
            and not re.match(r"^[0-9.+-]", item):
        return item
    return json.dumps(item, ensure_ascii=False)  # a JSON string is valid YAML and TOML too


def _same_value(found: Any, wanted: Any) -> bool:
    if isinstance(wanted, bool):
        return found is wanted
    if not isinstance(wanted, datetime | date):
        return bool(found == wanted)
    try:
        return bool(parse_date(found) == wanted)
    except ValueError:
        return False
