"""A post on disk: its front matter, its body, and where each starts in the file."""

from __future__ import annotations

import functools
import re
import tomllib
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta, timezone
from pathlib import Path
from typing import TYPE_CHECKING, Any, NamedTuple

from blogcli.errors import ContentError

if TYPE_CHECKING:
    from blogcli.site import Site

DELIMITERS = {"---": "yaml", "+++": "toml"}
JEKYLL_NAME = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})-(.+)$")
DATE_RE = re.compile(
    r"^(\d{4})-(\d{2})-(\d{2})"
    r"(?:[T ](\d{1,2}):(\d{2})(?::(\d{2})(?:[.,](\d{1,9}))?)?)?"
    r"\s*(Z|[+-]\d{2}(?::?\d{2})?)?$"
)


class PostError(ContentError):
    """A post that cannot be read; carries the file and line for findings and messages."""

    def __init__(self, path: str, line: int, detail: str) -> None:
        super().__init__(f"{path}:{line}: {detail}")
        self.path = path
        self.line = line
        self.detail = detail


@dataclass
class Post:
    """A post as written. ``body_line`` is the 1-based file line where the body starts."""

    path: Path
    rel: str
    text: str
    meta: dict[str, Any]
    body: str
    body_line: int
    fm_format: str | None
    bom: bool
    crlf: bool
    slug: str
    in_drafts_dir: bool = False
    # Jekyll and Hexo know drafts by their folder and ignore a ``draft:`` key (both publish
    # such a post); ``published: false`` they honour.
    reads_draft_key: bool = True

    @property
    def title(self) -> str:
        value = self.meta.get("title")
        return "" if value is None else str(value)

    @property
    def date(self) -> datetime | date | None:
        """The post's date, or the Jekyll file-name date; None when absent or unreadable."""
        try:
            found = parse_date(self.meta.get("date"))
        except ValueError:
            return None
        if found is None:
            match = JEKYLL_NAME.match(self.path.stem)
            if match:
                try:
                    return date(int(match[1]), int(match[2]), int(match[3]))
                except ValueError:
                    return None
        return found

    @property
    def draft(self) -> bool:
        return (self.in_drafts_dir or (self.reads_draft_key and self.meta.get("draft") is True)
                or self.meta.get("published") is False)

    @property
    def tags(self) -> list[str]:
        value = self.meta.get("tags")
        if value is None and isinstance(self.meta.get("taxonomies"), dict):
            value = self.meta["taxonomies"].get("tags")  # Zola keeps tags under [taxonomies]
        if isinstance(value, str):
            return [t for t in re.split(r"[,\s]+", value) if t]
        if isinstance(value, list):
            return [str(t) for t in value if t is not None]
        return []


def load_post(path: Path, site: Site) -> Post:
    """Read and split one post; unreadable files raise PostError with the line to look at."""
    rel = site.rel(path)
    from blogcli.files import read_file

    try:
        raw, _ = read_file(path)
    except OSError as err:
        raise PostError(rel, 1, f"cannot read it ({err.strerror or 'not a regular file'})") \
            from None
    return parse_post(raw, path, rel, site)


def parse_post(raw: bytes, path: Path, rel: str, site: Site | None = None) -> Post:
    """Build a Post from the file's bytes."""
    guard_size(raw, rel, site)
    text, bom = decode(raw, rel)
    meta, body, body_line, fm_format = split_front_matter(text, rel, *reading_rules(site))
    if site is not None and site.profile == "hugo":
        meta = fold_keys(meta)
    drafts_dir = site.drafts_dir if site is not None else None
    in_drafts = drafts_dir is not None and path.is_relative_to(drafts_dir)
    # (No CR byte, no CRLF: most files are asked in one memchr, not a scan of their text.)
    crlf = b"\r" in raw and "\r\n" in text[:4096]
    return Post(
        path=path, rel=rel, text=text, meta=meta, body=body, body_line=body_line,
        fm_format=fm_format, bom=bom, crlf=crlf, slug=post_slug(path, meta),
        in_drafts_dir=in_drafts,
        reads_draft_key=site is None or site.profile not in ("jekyll", "hexo"),
    )


def reading_rules(site: Site | None) -> tuple[bool, bool]:
    """``split_front_matter``'s ``lenient`` and ``hugo`` as the site's engine reads front
    matter: Jekyll and Hexo (and GitHub Pages, for plain sites) keep the last of a key given
    twice, and so does Hugo before 0.152 (Site.keeps_last_key); Hugo ends it at a line that
    starts with its delimiter."""
    if site is None:
        return False, False
    return site.keeps_last_key(), site.profile == "hugo"


def fold_keys(meta: dict[str, Any]) -> dict[str, Any]:
    """Front matter as Hugo reads it: keys lower-cased (``Draft: true`` is ``draft``), and
    looked up without regard to case (``meta.get("publishDate")`` finds ``publishdate``)."""
    from blogcli.config import folded

    found: dict[str, Any] = folded(meta)
    return found


def decode(raw: bytes, rel: str) -> tuple[str, bool]:
    """Decode UTF-8 (with or without BOM); say which line holds the first bad byte."""
    bom = raw.startswith(b"\xef\xbb\xbf")
    if bom:
        raw = raw[3:]
    if b"\x00" in raw[:8192]:
        raise PostError(rel, 1, "is a binary file, not Markdown text")
    try:
        return raw.decode("utf-8"), bom
    except UnicodeDecodeError as err:
        line = raw.count(b"\n", 0, err.start) + 1
        raise PostError(rel, line, f"is not valid UTF-8 (byte 0x{raw[err.start]:02x} "
                                   f"on line {line}); save it as UTF-8") from None


def split_front_matter(text: str, rel: str, lenient: bool = False,
                       hugo: bool = False) -> tuple[dict[str, Any], str, int, str | None]:
    """Return (meta, body, body_line, format) for YAML ``---``, TOML ``+++`` or JSON ``{``.
    ``hugo``: as Hugo's page lexer splits it, the front matter ends at the first line that
    starts with its delimiter, whatever follows on that line (which is the body's start)."""
    # Split on "\n" only: str.splitlines also breaks on form feeds and U+2028, which would
    # make our line numbers disagree with every editor's. Lines are found with str.find, not
    # split into a list: only the front matter's are looked at.
    if not text:
        return {}, "", 1, None
    end = text.find("\n")
    first = (text if end < 0 else text[:end]).strip()
    # "{{< shortcode >}}" or "{% tag %}" on line 1 is body text, not JSON front matter.
    if first == "{" or (first.startswith("{") and first.endswith("}")
                        and not first.startswith(("{{", "{%"))):
        return _split_json(text, rel)
    fm_format = DELIMITERS.get(first)
    if fm_format is None:
        return {}, text, 1, None
    closers = ("---", "...") if fm_format == "yaml" else ("+++",)
    opened, index = end + 1, 1  # where line 2 starts; the 0-based number of the line at end + 1
    while end >= 0:
        start = end + 1
        end = text.find("\n", start)
        line = text[start:] if end < 0 else text[start:end]
        alone = line.rstrip() in closers
        if alone or (hugo and line.startswith(first)):
            meta = _parse_mapping(text[opened:start], fm_format, rel, first_line=2,
                                  lenient=lenient)
            if not alone:  # Hugo's: the rest of the closing line starts the body
                return meta, text[start + 3:], index + 1, fm_format
            return meta, text[end + 1:] if end >= 0 else "", index + 2, fm_format
        index += 1
    raise PostError(rel, 1, f"front matter opened with {first} on line 1 is never closed "
                            f"(add a line {first} after the last key)")


def _split_json(text: str, rel: str) -> tuple[dict[str, Any], str, int, str | None]:
    import json  # JSON front matter is rare: `blog new` in a Hugo site saves loading it

    guard_front_matter(_json_object(text), "json", rel, 1)
    try:
        meta, end = json.JSONDecoder().raw_decode(text)
    except RecursionError:
        raise _too_deep(rel, 1) from None
    except json.JSONDecodeError as err:
        raise PostError(rel, err.lineno, f"JSON front matter does not parse: {err.msg}") from None
    if not isinstance(meta, dict):
        raise PostError(rel, 1, "front matter must be a mapping of keys to values")
    consumed = text[:end]
    rest = text[end:]
    newline = rest.find("\n")
    body = rest[newline + 1:] if newline >= 0 else ""
    return meta, body, consumed.count("\n") + 2, "json"


def _parse_mapping(fm_text: str, fm_format: str, rel: str, first_line: int,
                   lenient: bool = False) -> dict[str, Any]:
    guard_front_matter(fm_text, fm_format, rel, first_line)
    try:  # (a try, not a context manager: this runs for every post of a cold check)
        return _parse_checked(fm_text, fm_format, rel, first_line, lenient)
    except RecursionError:
        raise _too_deep(rel, first_line) from None


def _parse_checked(fm_text: str, fm_format: str, rel: str, first_line: int,
                   lenient: bool = False) -> dict[str, Any]:
    if fm_format == "toml":
        try:
            meta: Any = tomllib.loads(fm_text)
        except tomllib.TOMLDecodeError as err:
            from blogcli.config import toml_error_line, toml_reason

            line = first_line - 1 + toml_error_line(err)
            raise PostError(rel, line, f"TOML front matter does not parse: {toml_reason(err)}") \
                from None
    else:
        meta = _load_yaml(fm_text, rel, first_line, lenient)
    if meta is None:
        return {}
    if not isinstance(meta, dict):
        kind = "a list" if isinstance(meta, list) else f"a single {type(meta).__name__} value"
        raise PostError(rel, first_line, f"front matter is {kind}, not a mapping of keys "
                                         "to values (write `key: value` lines)")
    return meta


def _load_yaml(fm_text: str, rel: str, first_line: int, lenient: bool = False) -> Any:
    simple = _simple_yaml(fm_text, lenient)
    if isinstance(simple, Twice):  # PyYAML's error, as the except below words it
        raise _yaml_error(rel, first_line + simple.line, 1, given_twice(simple.key))
    if simple is not None:
        return simple
    import yaml
    from frontmatter.default_handlers import YAMLHandler

    try:
        return YAMLHandler().load(fm_text, Loader=_yaml_loader(lenient))
    except yaml.YAMLError as err:
        # PyYAML's own marks (0-based, counted in the front matter) become file positions;
        # an unclosed quote is reported where it opens, not where the stream ended.
        problem_mark = getattr(err, "problem_mark", None)
        context_mark = getattr(err, "context_mark", None)
        problem = getattr(err, "problem", None) or str(err).splitlines()[0]
        context = getattr(err, "context", None) or ""
        quote = "quoted scalar" in context and context_mark is not None
        mark = context_mark if quote else problem_mark or context_mark
        line = first_line + (mark.line if mark is not None else 0)
        column = mark.column + 1 if mark is not None else 1
        if quote:
            hint = (f"the quote opened at line {line}, column {column} is never closed: close "
                    "it on the same line")
        elif "mapping values are not allowed" in problem:
            hint = "a value with ': ' in it must be quoted, e.g. title: \"Part 1: the plan\""
        elif "tab character" in problem or "'\\t'" in problem:  # (not a key named "tabs")
            hint = "YAML does not allow tabs before a key: indent with spaces"
        else:
            raise _yaml_error(rel, line, column, f"{context} {problem}".strip()) from None
        raise _yaml_error(rel, line, column, f"{problem}; {hint}") from None


def _yaml_error(rel: str, line: int, column: int, what: str) -> PostError:
    return PostError(rel, line, f"YAML front matter does not parse at line {line}, column "
                                f"{column}: {what}")


# The front matter most posts have: top-level ``key: value`` lines whose values are one-line
# plain or quoted scalars, or flow lists of them. _simple_yaml reads those without PyYAML's
# parser (a fifth of a cold check's scan went there); anything else goes to PyYAML.
# (Greedy, not ``(.*?) *``: a lazy group tries the rest at every character, three times
# slower; a line of spaces after the colon gives None instead of "", read alike.)
_SIMPLE_LINE = re.compile(r"([A-Za-z_][A-Za-z0-9_.-]*):(?: +(.*[^ ])?)? *")
# A one-line plain scalar: no indicator first (a "-" only before a digit), no ": " or " #"
# in it, no ":" at its end, no flow brackets or tabs.
_FIRST = r"(?:[^-?:,\[\]{}#&*!|>'\"%@`\s]|-[0-9])"
# (Unrolled, ``A*(?:BA*)*`` for ``(?:A|B)*``: the same texts, the plain characters taken
# by one repeat instead of an alternation each.)
_PLAIN = re.compile(rf"{_FIRST}[^:#\[\]{{}}\t]*(?:(?::(?=[^ ])|(?<! )#)[^:#\[\]{{}}\t]*)*")
_ITEM = re.compile(r"( *)-(?: +(.*?))? *")  # an item of a block list: "- value", "  - value"
# A one-line quoted scalar: double-quoted with no escape but \" \\ and \/, or single-quoted
# ('' for a quote mark).
_QUOTED = re.compile(r"\"((?:[^\"\\]|\\[\"\\/])*)\"|'((?:[^']|'')*)'")
_ESCAPE = re.compile(r"\\(.)")
_FLOW_ITEM = rf"(?:\"[^\"\\,]*\"|'[^',]*'|{_FIRST}[^:#\[\]{{}},'\"\t]*?)"
_FLOW = re.compile(rf"\[ *(?:{_FLOW_ITEM}(?: *, *{_FLOW_ITEM})*)? *\]")
_FLOW_ITEMS = re.compile(rf"{_FLOW_ITEM}(?= *[,\]])")
# Characters after which PyYAML reads text differently from a split on "\n" (tabs, CR and
# other line breaks, BOMs), and those its reader refuses; written as the complement of its
# NON_PRINTABLE class, which compiles ten times slower.
_NOT_SIMPLE = re.compile("[\x00-\x09\x0b-\x1f\x7f-\x9f\u2028\u2029\ud800-\udfff\ufeff\ufffe\uffff]")


class Twice(NamedTuple):
    """A key given twice in front matter that is otherwise read, and its line (from 0)."""

    key: str
    line: int


def given_twice(key: object) -> str:
    return (f"key {key!r} is given twice (Hugo since 0.152 and Zola refuse the page; older "
            "Hugo kept the last value)")


def _simple_yaml(fm_text: str, lenient: bool) -> dict[str, Any] | Twice | None:
    """What PyYAML with ``_yaml_loader(lenient)`` gives ``fm_text``, when the text is one of
    the simple shapes above; None for any other text (a property test holds the two equal).
    Not ``lenient``, a key given twice in such a text is ``Twice``: PyYAML's error there."""
    if _NOT_SIMPLE.search(fm_text):
        return None
    out: dict[str, Any] = {}
    key = ""
    items: list[Any] | None = None  # the block list under ``key``, once an item is read
    indent = -1                     # its items' indent; -1 where no list may follow
    twice: Twice | None = None
    lines = fm_text.split("\n")
    folded = 0  # the lines up to here that a quoted value over several lines took
    for number, line in enumerate(lines):
        if number < folded:
            continue
        if not line:
            indent = -1  # a list after a blank line is left to PyYAML
            continue
        item = _ITEM.fullmatch(line) if indent >= 0 and line.lstrip(" ")[:1] == "-" else None
        if item is not None:
            if items is None:
                out[key] = items = []
                indent = len(item.group(1))
            elif len(item.group(1)) != indent:
                return None
            value = _value(item.group(2), lenient)
            if value is _NO or isinstance(value, list):
                return None
            items.append(value)
            continue
        match = _SIMPLE_LINE.fullmatch(line)
        if match is None:
            return None
        key, text = match.group(1), match.group(2)
        if _scalar(key, True) != key:
            return None  # a key like "yes" or "null"
        if key in out and not lenient and twice is None:
            # Refused (current Hugo, Zola) once the rest has been read as PyYAML reads it
            # all before it builds the mapping: a later line it refuses is the error then.
            twice = Twice(key, number)
        value = _value(text, lenient)
        if value is _NO:
            if text is None or text[0] not in "\"'":
                return None
            value, folded = _folded(text, lines, number + 1)
            if value is None:
                return None
        out[key] = value  # given twice (Jekyll, Hexo): the last value, where the first was
        items, indent = None, -1 if text else 0
    return twice or out


def _folded(text: str, lines: list[str], at: int) -> tuple[str | None, int]:
    """A quoted value that opens in ``text`` (a quote mark and the rest of its line) and
    closes, with only spaces after it, on one of ``lines`` from ``at``: folded as YAML folds
    a flow scalar (a line break and the spaces around it one space, or a newline for each
    blank line), and the number of the line after it. (None, 0) where any line holds more
    than this reads: an escape, a quote mark that is not the closing one (but ``''``), or a
    line that may end the document."""
    quote = text[0]
    middle, last = _FOLD_LINE[quote], _FOLD_LAST[quote]
    if middle.fullmatch(text, 1) is None:
        return None, 0
    out, blank = text[1:].rstrip(" "), 0
    for number in range(at, len(lines)):
        line = lines[number]
        if line[:3] in ("---", "...") and line[3:4] in ("", " "):
            return None, 0
        closed = last.fullmatch(line)
        if closed is None and middle.fullmatch(line) is None:
            return None, 0
        part = (closed.group(1) if closed is not None else line).lstrip(" ")
        if closed is None and not part.strip(" "):
            blank += 1
            continue
        out += ("\n" * blank if blank else " ") + (part if closed else part.rstrip(" "))
        blank = 0
        if closed is not None:
            return (out.replace("''", "'") if quote == "'" else out), number + 1
    return None, 0


# A line inside a quoted value (after the opening mark), and its closing line (then spaces).
_FOLD_LINE = {'"': re.compile(r'[^"\\]*'), "'": re.compile(r"(?:[^']|'')*")}
_FOLD_LAST = {'"': re.compile(r'([^"\\]*)" *'), "'": re.compile(r"((?:[^']|'')*)' *")}


def _value(text: str | None, lenient: bool) -> Any:
    """A one-line value: empty, quoted, plain, or a flow list; _NO for any other."""
    if not text:
        return None
    quoted = _QUOTED.fullmatch(text)
    if quoted is not None:
        double, single = quoted.groups()
        if double is not None:
            return _ESCAPE.sub(r"\1", double) if "\\" in double else double
        return single.replace("''", "'")
    if text[0] == "[":
        if _FLOW.fullmatch(text) is None:
            return _NO
        items = []
        for item in _FLOW_ITEMS.findall(text):
            items.append(item[1:-1] if item[0] in "\"'" else _scalar(item, lenient))
            if items[-1] is _NO:
                return _NO
        return items
    return _scalar(text, lenient) if _PLAIN.fullmatch(text) else _NO


_NO = object()  # a plain scalar _scalar leaves to PyYAML


@functools.lru_cache(maxsize=4096)  # keys and common values repeat from post to post
def _scalar(text: str, lenient: bool) -> Any:
    """A plain scalar as the loader resolves and constructs it (PyYAML's own rules); every
    value it can give is immutable, so one may be shared."""
    known = _known_scalar(text)
    if known is not _NO:
        return known
    first, wildcard = _resolvers(lenient)
    tag = next((tag for tag, regexp in first.get(text[0], wildcard) if regexp.match(text)), None)
    if tag is None:
        return text
    construct = _yaml_loader(lenient).yaml_constructors.get(tag)
    if construct is None or tag in ("tag:yaml.org,2002:merge", "tag:yaml.org,2002:value"):
        return _NO
    import yaml

    try:
        return construct(_constructor(), yaml.ScalarNode(tag, text))
    except (ValueError, yaml.YAMLError):
        return _NO


# The characters PyYAML's implicit resolvers start from (yaml.resolver.Resolver, which
# tests/test_post_yaml.py holds this to), and the words of its bool and null resolvers: the
# usual keys and values are resolved here without importing PyYAML, which cost `blog new`
# in a Hugo site ~16 ms (a title, `draft: true` and a date read back from the archetype).
_RESOLVED_FIRST = frozenset("!&*+-.0123456789<=FNOTYfnoty~")
_WORDS = {**dict.fromkeys(("yes", "Yes", "YES", "true", "True", "TRUE", "on", "On", "ON"), True),
          **dict.fromkeys(("no", "No", "NO", "false", "False", "FALSE", "off", "Off", "OFF"),
                          False),
          **dict.fromkeys(("~", "null", "Null", "NULL"), None)}


def _known_scalar(text: str) -> Any:
    """What ``_scalar`` gives ``text`` when that is sure without PyYAML: a text no resolver
    starts from, a bool or null word, a decimal integer, or a timestamp; else _NO."""
    if text[0] not in _RESOLVED_FIRST:
        return text
    if text in _WORDS:
        return _WORDS[text]
    if text[0] in "FNOTYfnoty":
        return text  # only the bool and null resolvers start from these letters
    if _NO_NUMBER.search(text):
        return text  # a character no number, timestamp or ``<<`` has ("7riatsu", "3rd")
    if "." in text or "_" in text or (":" not in text and len(text) > 18):
        return _NO  # floats, digit separators, long numbers: PyYAML's own rules
    if re.fullmatch(_DECIMAL, text):
        return int(text)  # neither float (no dot) nor octal, binary, hex or sexagesimal
    if text[0] in "0123456789" and re.fullmatch(_TIMESTAMP, text):
        return _timestamp(text)
    if " " in text or "\t" in text:
        # Of the resolvers, only the timestamp's takes white space (no number, bool or null
        # has any): "2009-12-25 10:41:06 +0000", which that one refuses, is text.
        return text
    return _NO


# What the int, float and timestamp resolvers (the others start from letters, ``~``, ``<<``
# and ``=``) never take: any character but these.
_NO_NUMBER = re.compile(r"[^0-9_.:+\-a-fA-FxXtTZinIN \t<=~]")
# Patterns, compiled by re on first use (most commands that import this module read no YAML).
_DECIMAL = r"[-+]?(?:0|[1-9][0-9]*)"
# PyYAML's timestamp resolver (what is a timestamp), then its constructor's parts.
_TIMESTAMP = (r"[0-9]{4}-[0-9]{2}-[0-9]{2}|[0-9]{4}-[0-9]{1,2}-[0-9]{1,2}"
              r"(?:[Tt]|[ \t]+)[0-9]{1,2}:[0-9]{2}:[0-9]{2}(?:\.[0-9]*)?"
              r"(?:[ \t]*(?:Z|[-+][0-9]{1,2}(?::[0-9]{2})?))?")
_STAMP_PARTS = (r"([0-9]{4})-([0-9]{1,2})-([0-9]{1,2})(?:(?:[Tt]|[ \t]+)([0-9]{1,2})"
                r":([0-9]{2}):([0-9]{2})(?:\.([0-9]*))?(?:[ \t]*(Z|([-+])([0-9]{1,2})"
                r"(?::([0-9]{2}))?))?)?")


def _timestamp(text: str) -> Any:
    """SafeConstructor.construct_yaml_timestamp, and as _yaml_loader's: the text itself for
    an impossible date."""
    found = re.fullmatch(_STAMP_PARTS, text)
    assert found is not None  # every text _TIMESTAMP takes
    year, month, day, hour, minute, second, fraction, tz, sign, tz_hour, tz_minute = \
        found.groups()
    try:
        if not hour:
            return date(int(year), int(month), int(day))
        zone = None
        if sign:
            delta = timedelta(hours=int(tz_hour), minutes=int(tz_minute or 0))
            zone = timezone(-delta if sign == "-" else delta)
        elif tz:
            zone = UTC
        micro = int(fraction[:6].ljust(6, "0")) if fraction else 0
        return datetime(int(year), int(month), int(day), int(hour), int(minute), int(second),
                        micro, tzinfo=zone)
    except ValueError:
        return text


@functools.cache
def _resolvers(lenient: bool) -> tuple[dict[str, list[Any]], list[Any]]:
    """The loader's implicit resolvers by first character, each list followed by the
    wildcard ones, as BaseResolver.resolve tries them; and the wildcard ones alone."""
    table = _yaml_loader(lenient).yaml_implicit_resolvers
    wildcard = list(table.get(None, []))
    return {k: [*v, *wildcard] for k, v in table.items() if k is not None}, wildcard


@functools.cache
def _constructor() -> Any:
    import yaml

    return yaml.constructor.SafeConstructor()


@functools.cache
def _yaml_loader(lenient: bool = False) -> Any:
    """python-frontmatter's safe loader, stricter and more tolerant where engines are.

    An impossible date (``2024-13-45``) stays text: PyYAML raises ValueError from deep inside
    for those, and as text the check's date rules report them on their own line. A key given
    twice is an error at the second one (current Hugo and Zola refuse such a page), unless
    ``lenient``: Jekyll's and Hexo's readers keep the last value, as PyYAML does (blog check
    warns about it from the key lines).
    """
    import yaml
    from frontmatter.default_handlers import SafeLoader

    def timestamp(loader: Any, node: Any) -> Any:
        try:
            return yaml.SafeLoader.construct_yaml_timestamp(loader, node)
        except ValueError:
            return loader.construct_scalar(node)

    def construct_mapping(loader: Any, node: Any, deep: bool = False) -> Any:
        if isinstance(node, yaml.MappingNode):
            loader.flatten_mapping(node)
            seen: set[Any] = set()
            for key_node, _ in node.value:
                key = loader.construct_object(key_node, deep=True)
                if not isinstance(key, str | int | float | bool):
                    continue  # unhashable keys are PyYAML's own error to report
                if key in seen and not lenient:
                    raise yaml.constructor.ConstructorError(
                        None, None, given_twice(key), key_node.start_mark)
                seen.add(key)
        return yaml.SafeLoader.construct_mapping(loader, node, deep=deep)

    loader: Any = type("BlogYAMLLoader", (SafeLoader,), {"construct_mapping": construct_mapping})
    loader.add_constructor("tag:yaml.org,2002:timestamp", timestamp)
    return loader


# Limits in the spirit of hardened YAML loaders: front matter is a few hundred bytes of keys;
# these only stop input built to exhaust the parser (alias bombs, deep nesting, huge numbers).
MAX_FRONT_MATTER = 1024 * 1024
MAX_DEPTH = 100
MAX_NODES = 100_000
MAX_DIGITS = 4000  # Python refuses int() of more than 4300 digits
# Unquoted, where a value starts: quoted digits are text and parse fine.
_LONG_NUMBER = re.compile(rf"(?:^|[:=,\[-])[ \t]*[+-]?(\d{{{MAX_DIGITS + 1},}})", re.MULTILINE)


def guard_size(raw: bytes, rel: str, site: Site | None) -> None:
    """A post over [site] max_post_mb is a finding: every scan is linear, but a 100 MB
    "post" is not one, and reading it would take minutes."""
    limit = site.config.site.max_post_mb if site is not None else 8.0
    if len(raw) > limit * 1024 * 1024:
        raise PostError(rel, 1, f"is {len(raw) / 2**20:.1f} MB, over the {limit:g} MB limit for "
                                "a post (blog.toml [site] max_post_mb)")


def guard_front_matter(fm_text: str, fm_format: str, rel: str, first_line: int) -> None:
    """Refuse front matter that would exhaust the parser, with the line it is on: over
    MAX_FRONT_MATTER, a number of thousands of digits, brackets nested past MAX_DEPTH, or YAML
    aliases that expand past MAX_NODES values (a "billion laughs")."""
    if len(fm_text) > MAX_FRONT_MATTER:
        raise PostError(rel, first_line, f"front matter is over {MAX_FRONT_MATTER // 1024} KB; "
                                         "no engine needs that much")
    found = _LONG_NUMBER.search(fm_text)
    if found:
        line = first_line + fm_text.count("\n", 0, found.start())
        raise PostError(rel, line, f"a number of {len(found[1])} digits, more than any "
                                   "engine reads; write it in quotes if it is text")
    depth = deepest = 0
    # depth never passes the number of openers: most front matter has a handful
    openers = fm_text.count("[") + fm_text.count("{")
    for char in fm_text if openers > MAX_DEPTH else "":
        if char in "[{":
            depth += 1
            deepest = max(deepest, depth)
        elif char in "]}":
            depth = max(depth - 1, 0)
    if deepest > MAX_DEPTH:
        raise PostError(rel, first_line, f"front matter is nested more than {MAX_DEPTH} levels "
                                         "deep")
    if fm_format == "yaml" and "&" in fm_text and "*" in fm_text:
        _guard_aliases(fm_text, rel, first_line)


def _guard_aliases(fm_text: str, rel: str, first_line: int) -> None:
    """Count the values the YAML would expand to, following aliases, without building them."""
    import yaml

    try:
        loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
        root = yaml.compose(fm_text, Loader=loader)
    except (yaml.YAMLError, RecursionError):
        return  # the loader reports it with its line
    sizes: dict[int, int] = {}

    def size(node: Any, depth: int) -> int:
        if id(node) in sizes:
            return sizes[id(node)]
        if depth > MAX_DEPTH:
            raise PostError(rel, first_line + node.start_mark.line,
                            f"front matter is nested more than {MAX_DEPTH} levels deep")
        total = 1
        if isinstance(node, yaml.SequenceNode):
            total += sum(size(child, depth + 1) for child in node.value)
        elif isinstance(node, yaml.MappingNode):
            total += sum(size(k, depth + 1) + size(v, depth + 1) for k, v in node.value)
        if total > MAX_NODES:
            raise PostError(rel, first_line + node.start_mark.line,
                            f"YAML aliases here expand to more than {MAX_NODES:,} values "
                            "(an alias bomb?); write the values out")
        sizes[id(node)] = total
        return total

    if root is not None:
        size(root, 0)


def _json_object(text: str) -> str:
    """The leading JSON object (up to its closing brace), by a scan that never recurses."""
    depth, quoted, escaped = 0, False, False
    for index, char in enumerate(text[:MAX_FRONT_MATTER + 1]):
        if quoted:
            escaped, quoted = (False, True) if escaped else (char == "\\", char != '"')
        elif char == '"':
            quoted = True
        elif char in "[{":
            depth += 1
        elif char in "]}":
            depth -= 1
            if depth <= 0:
                return text[:index + 1]
    return text[:MAX_FRONT_MATTER + 1]


def _too_deep(rel: str, line: int) -> PostError:
    """Nesting the scan above cannot see (YAML block indentation) ends as a finding."""
    return PostError(rel, line, "front matter is nested too deeply to read")


def iso_date(value: datetime | date | None) -> str | None:
    """ISO 8601, and without a zone when the post gave none."""
    return None if value is None else value.isoformat()


def post_slug(path: Path, meta: dict[str, Any]) -> str:
    """The slug the engine would use: front-matter ``slug``, else the bundle or file name."""
    slug = meta.get("slug")
    if isinstance(slug, str) and slug.strip():
        return slug.strip()
    stem = path.parent.name if path.stem == "index" else path.stem
    match = JEKYLL_NAME.match(stem)
    return match[4] if match else stem


def parse_date(value: Any) -> datetime | date | None:
    """Parse a front-matter date the way the engines accept it; ValueError for junk.

    Accepts YAML/TOML native dates and strings like ``2024-01-02``, ``2024-01-02T10:00:00Z`` and
    ``2024-01-02 10:00:00 +0000`` (Jekyll and Hexo write the zone after a space).
    """
    if value is None or value == "":
        return None
    if isinstance(value, datetime | date):
        return value
    if not isinstance(value, str):
        raise ValueError(f"{value!r} is not a date")
    match = DATE_RE.match(value.strip())
    if not match:
        raise ValueError(f"{value!r} is not a date (write YYYY-MM-DD or YYYY-MM-DDTHH:MM:SS+00:00)")
    year, month, day, hour, minute, second, fraction, zone = match.groups()
    if hour is None:
        return date(int(year), int(month), int(day))
    micro = int((fraction or "0")[:6].ljust(6, "0"))
    return datetime(int(year), int(month), int(day), int(hour), int(minute), int(second or 0),
                    micro, tzinfo=_zone(zone))


@functools.lru_cache(maxsize=256)  # a site writes its dates in a few zones, post after post
def _zone(text: str | None) -> timezone | None:
    if text is None:
        return None
    if text == "Z":
        return UTC
    digits = text[1:].replace(":", "")
    hours, minutes = int(digits[:2]), int(digits[2:4] or 0)
    offset = timedelta(hours=hours, minutes=minutes)
    return timezone(-offset if text[0] == "-" else offset)
