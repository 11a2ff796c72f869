"""Hugo archetypes for `blog new`: found where Hugo looks, rendered as `hugo new content` would.

Hugo renders an archetype with Go templates. The actions archetypes use in practice are
rendered here without Hugo: fields (``.Date``, ``.Name``, ``.File.ContentBaseName``,
``.Section``, ``.Type``, ``.Site.Title``, ``.Site.Params.x``), ``now`` (``.Year``,
``.Format``), string literals, and the functions ``replace``, ``title``, ``lower``,
``upper``, ``humanize``, ``default``, ``printf "%s"``. Anything else (``if``, ``range``,
``with``, ``.Site.GetPage``...) is refused with the line, rather than guessed.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date, datetime
from pathlib import Path
from typing import Any, NamedTuple

from blogcli.errors import UsageError
from blogcli.gotime import go_format

_ACTION = re.compile(r"\{\{(-?)(.*?)(-?)\}\}", re.DOTALL)
_TOKEN = re.compile(r'"(?:[^"\\]|\\.)*"|`[^`]*`|\||[^\s|]+')
# AP style, Hugo's default titleCaseStyle: short function words stay lower case inside a title.
_SMALL = {"a", "an", "and", "as", "at", "but", "by", "for", "if", "in", "nor", "of", "on", "or",
          "so", "the", "to", "up", "yet", "vs", "via"}
NO_VALUE = "<no value>"  # what Go templates print for a missing map key


class Page(NamedTuple):
    """What an archetype can ask about the page being made (a named tuple: a dataclass's
    methods cost more to make than `blog new` spends rendering)."""

    name: str          # the content base name: the slug, or the bundle's folder
    file_name: str     # the file's base name: the slug, or "index" in a bundle
    section: str
    moment: datetime | date
    site_title: str
    params: dict[str, Any]


def find_archetype(root: Path, section: str, theme: str | None) -> Path | None:
    """The archetype Hugo would use: the section's, then default.md, the site's before the
    theme's (Hugo's documented lookup order)."""
    folders = [root / "archetypes"]
    if theme:
        folders.append(root / "themes" / theme / "archetypes")
    for name in (f"{section}.md", "default.md"):
        for folder in folders:
            if (folder / name).is_file():
                return folder / name
    return None


def render(source: str, origin: str, page: Page) -> str:
    """Render the archetype's actions; an action outside the subset is a UsageError."""

    pieces: list[str] = []
    trim_next = False
    position = 0
    for match in _ACTION.finditer(source):
        left, expr, right = match.groups()
        text = source[position:match.start()]
        text = text.lstrip() if trim_next else text
        pieces.append(text.rstrip() if left else text)
        line = source.count("\n", 0, match.start()) + 1
        expr = expr.strip()
        pieces.append("" if expr.startswith("/*") else _evaluate(expr, page, origin, line))
        trim_next, position = bool(right), match.end()
    rest = source[position:]
    pieces.append(rest.lstrip() if trim_next else rest)
    return "".join(pieces)


def rfc3339(moment: datetime | date) -> str:
    """A date as Go's time.RFC3339 writes it (``Z`` for UTC, as `hugo new` does)."""
    if not isinstance(moment, datetime):
        return moment.isoformat()
    text = moment.isoformat()
    return text[:-6] + "Z" if text.endswith("+00:00") else text


def _evaluate(expr: str, page: Page, origin: str, line: int) -> str:
    def refuse(why: str) -> UsageError:
        return UsageError(f"{origin}:{line}: `{{{{ {expr} }}}}`: {why}; blog renders only the "
                          "common archetype fields and functions (see `blog new --help`). "
                          "Simplify the archetype, or make the post with `hugo new content`")

    tokens = _TOKEN.findall(expr)
    commands: list[list[str]] = [[]]
    for token in tokens:
        if token == "|":
            commands.append([])
        else:
            commands[-1].append(token)
    value: Any = None
    for number, command in enumerate(commands):
        if not command:
            raise refuse("an empty command")
        piped = [] if number == 0 else [value]
        head = command[0]
        if head == "now.Format" and len(command) == 2 and not piped:
            layout = _operand(command[1], page, refuse)
            value = go_format(str(layout), datetime.now().astimezone())
        elif head in _FUNCTIONS:
            args = [_operand(t, page, refuse) for t in command[1:]] + piped
            try:
                value = _FUNCTIONS[head](*args)
            except (TypeError, ValueError) as err:
                raise refuse(f"{head} failed ({err})") from None
        elif len(command) == 1 and not piped:
            value = _operand(head, page, refuse)
        else:
            raise refuse(f"{head!r} is not a function blog knows")
    return _text(value)


def _operand(token: str, page: Page, refuse: Callable[[str], UsageError]) -> Any:
    if token.startswith('"'):
        return bytes(token[1:-1], "utf-8").decode("unicode_escape")
    if token.startswith("`"):
        return token[1:-1]
    if re.fullmatch(r"-?\d+", token):
        return int(token)
    if token in ("true", "false"):
        return token == "true"
    if token == "now" or token.startswith("now."):
        return _now_field(token[4:], refuse)
    if token.startswith("."):
        return _field(token, page, refuse)
    raise refuse(f"{token!r} is not a value blog knows")


def _field(token: str, page: Page, refuse: Callable[[str], UsageError]) -> Any:
    fields: dict[str, Any] = {
        ".Date": rfc3339(page.moment), ".PublishDate": rfc3339(page.moment),
        ".Name": page.name, ".File.ContentBaseName": page.name,
        ".File.BaseFileName": page.file_name, ".File.TranslationBaseName": page.file_name,
        ".File.LogicalName": f"{page.file_name}.md", ".Section": page.section,
        ".Type": page.section, ".Kind": "page", ".Site.Title": page.site_title,
        ".Title": page.name,
    }
    if token in fields:
        return fields[token]
    if token.startswith(".Site.Params."):
        value: Any = page.params
        for key in token.split(".")[3:]:
            # Hugo lower-cases params keys; templates may write them in any case.
            value = value.get(key.lower(), value.get(key)) if isinstance(value, dict) else None
            if value is None:
                return NO_VALUE
        return value
    raise refuse(f"{token} is not a field blog knows")


def _now_field(rest: str, refuse: Callable[[str], UsageError]) -> Any:
    moment = datetime.now().astimezone().replace(microsecond=0)
    if not rest:
        return moment
    if rest in ("Year", "Month", "Day"):
        return getattr(moment, rest.lower()) if rest != "Month" else moment.strftime("%B")
    raise refuse(f"now.{rest} is not a field blog knows")


def title_case(text: str) -> str:
    """Hugo's ``title`` in its default AP style: small words lower case inside the title."""
    words = text.split(" ")
    out = []
    for index, word in enumerate(words):
        inner = 0 < index < len(words) - 1
        out.append(word.lower() if inner and word.lower() in _SMALL
                   else word[:1].upper() + word[1:].lower())
    return " ".join(out)


def _text(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list):
        return "[" + " ".join(_text(v) for v in value) + "]"
    if isinstance(value, datetime | date):
        return str(value)
    return "" if value is None else str(value)


_FUNCTIONS: dict[str, Callable[..., Any]] = {
    "replace": lambda s, old, new: str(s).replace(str(old), str(new)),
    "title": lambda s: title_case(str(s)),
    "lower": lambda s: str(s).lower(),
    "upper": lambda s: str(s).upper(),
    "humanize": lambda s: (t := str(s).replace("-", " ").replace("_", " "))[:1].upper() + t[1:],
    "default": lambda fallback, value=None: fallback if value in (None, "", NO_VALUE) else value,
    "printf": lambda layout, *args: str(layout).replace("%s", "{}").replace("%v", "{}").format(
        *[_text(a) for a in args]),
    "dateFormat": lambda layout, moment: go_format(str(layout), moment),
}
