"""More byte-exact front-matter edits for schedule and rename: a text value, a moment under any
key (``publishDate``), and one more item in a list (``aliases``, ``redirect_from``).

Built on FrontMatterEdit: each edit changes single lines, and ``result()`` re-parses the file to
prove that only the intended keys changed.
"""

from __future__ import annotations

import json
import re
from datetime import date, datetime

from blogcli.frontmatter_edit import FrontMatterEdit

# A YAML plain scalar that reads back as the same string (no quotes needed).
YAML_PLAIN = re.compile(r"^[A-Za-z0-9_/][\w\-./]*(?: [\w\-./]+)*$")
YAML_WORDS = {"true", "false", "yes", "no", "on", "off", "null", "~", "y", "n"}


class FieldEdit(FrontMatterEdit):
    """FrontMatterEdit plus text, any-key dates and list items."""

    def set_text(self, key: str, value: str) -> None:
        """Set ``key`` to the string ``value`` (replace it in place, or add it after the title)."""
        self._require_format(key)
        if self.fm_format == "json":
            if not self._json_replace(key, json.dumps(value, ensure_ascii=False)):
                self._json_insert(key, json.dumps(value, ensure_ascii=False))
        elif key in self.meta and (found := self._find(key)) is not None:
            index, match = found
            if not isinstance(self.meta[key], str | int | float) or "\n" in value:
                raise self._cannot(key)
            quote = match["value"][:1]
            self._replace_value(index, match, self._literal(value, quote))
        elif key in self.meta:
            raise self._cannot(key)
        else:
            self._insert(key, self._literal(value, ""))
        self.changes[key] = value

    def set_moment(self, key: str, moment: datetime | date) -> None:
        """Set a date key (``date``, ``publishDate``) to ``moment``, keeping its quotes."""
        self.set_date(moment, key)

    def add_item(self, key: str, item: str) -> None:
        """Add ``item`` to the list ``key`` (made when absent; a single string becomes a list)."""
        self._require_format(key)
        current = self.meta.get(key)
        items = [current] if isinstance(current, str) else list(current or [])
        if item in items:
            return
        if not isinstance(current, list | str | type(None)):
            raise self._cannot(key)
        wanted = [*items, item]
        quoted = json.dumps(item, ensure_ascii=False)
        if self.fm_format == "json":
            if not self._json_replace(key, json.dumps(wanted, ensure_ascii=False)) \
                    and current is None:
                self._json_insert(key, json.dumps(wanted, ensure_ascii=False))
        elif current is None and key not in self.meta:
            self._insert(key, f"[{quoted}]")
        else:
            self._add_to_existing(key, quoted)
        self.changes[key] = wanted

    def _add_to_existing(self, key: str, quoted: str) -> None:
        found = self._find(key)
        if found is None:
            raise self._cannot(key)
        index, match = found
        value = match["value"]
        if value.startswith("[") and value.endswith("]"):  # a flow list on one line
            inner = value[1:-1].rstrip()
            self._replace_value(index, match, f"[{inner}{', ' if inner else ''}{quoted}]")
        elif value and not value.startswith(("[", "{", "|", ">")):  # one string
            self._replace_value(index, match, f"[{json.dumps(self.meta[key])}, {quoted}]")
        elif not value and self.fm_format == "yaml":  # a block list below the key
            last = index
            while last + 1 < self.end and re.match(r"^[ \t]*-[ \t]", self.lines[last + 1]):
                last += 1
            if last == index:
                raise self._cannot(key)
            indent = re.match(r"^[ \t]*", self.lines[last])
            prefix = indent[0] if indent else ""
            self.lines.insert(last + 1, f"{prefix}- {quoted}{self.newline}")
            self.end += 1
        else:
            raise self._cannot(key)

    def _literal(self, value: str, quote: str) -> str:
        if self.fm_format == "yaml" and quote == "'" and "'" not in value:
            return f"'{value}'"
        if self.fm_format == "yaml" and quote not in ("'", '"') and YAML_PLAIN.match(value) \
                and value.lower() not in YAML_WORDS and not value[:1].isdigit():
            return value
        return json.dumps(value, ensure_ascii=False)
