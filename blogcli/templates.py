"""The one Jinja2 renderer: sandboxed, strict about undefined names, one error for every failure.

Scaffolds and the index template come with a cloned repository, so a template must not reach
Python internals (``cycler.__init__.__globals__.os`` and the like): the sandbox refuses those.
Every way a template can fail is a UsageError (exit 2) naming the file and line: a broken
template is the site's configuration, like a broken blog.toml, whichever command renders it.
"""

from __future__ import annotations

import functools
import re
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

from blogcli.errors import UsageError

if TYPE_CHECKING:
    from jinja2.sandbox import SandboxedEnvironment

# A scaffold or front page is a few KB rendered in milliseconds; these bounds only stop a
# hostile or broken template (nested range(100000) loops, 'x' * 10**9) from running unbounded.
MAX_SECONDS = 10.0
MAX_OUTPUT = 16 * 1024 * 1024


class _Bounds(Exception):
    """A template went past MAX_SECONDS or MAX_OUTPUT."""


def check_site_file(path: Path, root: Path, origin: str) -> None:
    """Refuse a site template that is (or is reached through) a link to outside the site: a
    cloned blog's ``scaffolds/index.md -> ~/.git-credentials`` must not be rendered and pushed."""
    try:
        real = path.resolve()
        inside = real.is_relative_to(root.resolve())
    except (OSError, RuntimeError):
        inside = False
    if not inside:
        raise UsageError(f"{origin} is a link to {path.resolve(strict=False)}, outside the site; "
                         "blog reads templates only from inside the site. Replace the link "
                         "with a file")


def builtin_scaffold_dir() -> Path:
    """Built-in scaffolds: inside the installed package, or the source checkout's top folder."""
    package = Path(__file__).resolve().parent
    packaged = package / "scaffolds"
    return packaged if packaged.is_dir() else package.parent / "scaffolds"


def environment(finalize: Callable[[Any], Any] | None = None) -> SandboxedEnvironment:
    """A sandboxed environment that refuses undefined names instead of printing blanks."""
    from jinja2 import StrictUndefined

    env: Any = _bounded_class()(undefined=StrictUndefined, keep_trailing_newline=True,
                                autoescape=False, finalize=finalize)
    env.globals["range"] = env.bounded_range
    bounded: SandboxedEnvironment = env
    return bounded


@functools.cache
def _bounded_class() -> type[SandboxedEnvironment]:
    from jinja2.sandbox import SandboxedEnvironment

    class BoundedEnvironment(SandboxedEnvironment):
        """The sandbox, with a deadline checked in loops and a cap on `*` and `**` results."""

        intercepted_binops = frozenset(["*", "**"])
        deadline = float("inf")

        def bounded_range(self, *args: int) -> Iterator[int]:
            from jinja2.sandbox import safe_range

            for count, value in enumerate(safe_range(*args)):
                if count % 1024 == 0 and time.monotonic() > self.deadline:
                    raise _Bounds(f"it ran for more than {MAX_SECONDS:g} s")
                yield value

        def call_binop(self, context: Any, operator: str, left: Any, right: Any) -> Any:
            if operator == "**" and isinstance(right, int) and abs(right) > 10_000:
                raise _Bounds(f"the power {right} is too large")
            if operator == "*":
                for seq, times in ((left, right), (right, left)):
                    if isinstance(seq, str | list | tuple) and isinstance(times, int) \
                            and len(seq) * times > MAX_OUTPUT:
                        raise _Bounds(f"it made a value over {MAX_OUTPUT // 2**20} MB")
            return super().call_binop(context, operator, left, right)

    return BoundedEnvironment


# Scaffolds are a few `{{ name }}` and `{% if %}` lines: rendering those without Jinja2 saves
# `blog new` importing it (a third of its start-up). Anything else is left to Jinja2.
_TAG = re.compile(r"\{\{(-?)(.*?)(-?)\}\}|\{%(-?)(.*?)(-?)%\}", re.DOTALL)
_WORD = re.compile(r"""\s*(?:"([^"\\]*)"|'([^'\\]*)'|([A-Za-z_]\w*(?:\.[A-Za-z_]\w*)*)|([(),]))""")
_KEYWORDS = {"and", "or", "not", "in", "is", "if", "else", "true", "false", "none", "True",
             "False", "None"}


class _NotQuick(Exception):
    """The template needs Jinja2 (or an error message only Jinja2 gives)."""


def quick_render(source: str, values: dict[str, Any],
                 finalize: Callable[[Any], Any] | None = None) -> str | None:
    """What Jinja2 renders for a template of only ``{{ a.b }}`` and ``{% if %}``/``{% else %}``/
    ``{% endif %}`` (conditions of names, ``not``, ``and``, ``in``/``not in`` a tuple of
    strings), with ``-`` whitespace control; None for any other template, or an undefined name.
    """
    if "{#" in source or "\r" in source:
        return None
    try:
        return _quick(source, values, finalize or (lambda value: value))
    except _NotQuick:
        return None


def _quick(source: str, values: dict[str, Any], finalize: Callable[[Any], Any]) -> str:
    out: list[str] = []
    shown = [True]  # one entry per open `if`: whether its current branch is written
    taken: list[bool] = []
    strip_next = False
    at = 0
    for tag in _TAG.finditer(source):
        text = source[at:tag.start()]
        if strip_next:
            text = text.lstrip()
        if tag.group(1) or tag.group(4):
            text = text.rstrip()
        _data(text, out, shown[-1])
        at = tag.end()
        strip_next = bool(tag.group(3) or tag.group(6))
        if tag.group(5) is None:
            if shown[-1]:
                out.append(str(finalize(_lookup(tag.group(2).strip(), values))))
            continue
        word, _, rest = tag.group(5).strip().partition(" ")
        if word == "if":
            truth = _condition(rest, values)
            taken.append(truth)
            shown.append(shown[-1] and truth)
        elif word == "else" and not rest and taken:
            shown[-1] = shown[-2] and not taken[-1]
        elif word == "endif" and not rest and taken:
            taken.pop()
            shown.pop()
        else:
            raise _NotQuick
    if taken:
        raise _NotQuick
    _data(source[at:].lstrip() if strip_next else source[at:], out, True)
    return "".join(out)


def _data(text: str, out: list[str], shown: bool) -> None:
    if "{{" in text or "{%" in text:
        raise _NotQuick  # an unclosed tag: Jinja2's syntax error
    if shown:
        out.append(text)


def _lookup(path: str, values: dict[str, Any]) -> Any:
    names = path.split(".")
    if not all(name.isidentifier() and name not in _KEYWORDS for name in names) \
            or names[0] not in values:
        raise _NotQuick
    value = values[names[0]]
    for name in names[1:]:
        # Jinja2 tries the attribute first (a dict's `items` is its method), then the key.
        if not isinstance(value, dict) or hasattr(value, name) or name not in value:
            raise _NotQuick
        value = value[name]
    return value


def _condition(text: str, values: dict[str, Any]) -> bool:
    words: list[tuple[str, str]] = []
    at = 0
    while at < len(text.rstrip()):
        match = _WORD.match(text, at)
        if match is None:
            raise _NotQuick
        at = match.end()
        if match.group(3) is not None:
            words.append(("name", match.group(3)))
        elif match.group(4) is not None:
            words.append(("punct", match.group(4)))
        else:
            words.append(("str", match.group(1) if match.group(1) is not None
                          else match.group(2)))
    truth, end = _conjunction(words, 0, values)
    if end != len(words):
        raise _NotQuick
    return truth


def _conjunction(words: list[tuple[str, str]], at: int, values: dict[str, Any]) -> \
        tuple[bool, int]:
    truth, at = _negation(words, at, values)
    while at < len(words) and words[at] == ("name", "and"):
        right, at = _negation(words, at + 1, values)
        truth = truth and right
    return truth, at


def _negation(words: list[tuple[str, str]], at: int, values: dict[str, Any]) -> \
        tuple[bool, int]:
    if at < len(words) and words[at] == ("name", "not"):
        truth, at = _negation(words, at + 1, values)
        return not truth, at
    if at >= len(words) or words[at][0] != "name":
        raise _NotQuick
    value = _lookup(words[at][1], values)
    at += 1
    negated = words[at:at + 2] == [("name", "not"), ("name", "in")]
    if negated or words[at:at + 1] == [("name", "in")]:
        choices, at = _strings(words, at + (2 if negated else 1))
        return (value in choices) != negated, at
    return bool(value), at


def _strings(words: list[tuple[str, str]], at: int) -> tuple[tuple[str, ...], int]:
    if words[at:at + 1] != [("punct", "(")]:
        raise _NotQuick
    found: list[str] = []
    commas = 0
    at += 1
    while at < len(words) and words[at][0] == "str":
        found.append(words[at][1])
        at += 1
        if words[at:at + 1] == [("punct", ",")]:
            commas += 1
            at += 1
    # ("a") is the string "a" (`in` it is a substring test), only ("a",) a tuple.
    if words[at:at + 1] != [("punct", ")")] or not found or not commas:
        raise _NotQuick
    return tuple(found), at + 1


def render(source: str, origin: str, values: dict[str, Any], *,
           env: SandboxedEnvironment | None = None,
           finalize: Callable[[Any], Any] | None = None, line_offset: int = 0,
           names: str = "") -> str:
    """Render ``source``; any failure is a UsageError at ``origin:line``.

    ``finalize`` maps each ``{{ value }}`` before it is written (with ``env``, the env's own);
    ``line_offset`` is added to template lines (a part rendered on its own); ``names`` lists
    the variables there are, for the message about an undefined one.
    """
    if env is None:
        quick = quick_render(source, values, finalize)
        if quick is not None:
            return quick
    import jinja2

    env = env or environment(finalize)
    try:
        return _bounded_render(env, source, values)
    except _Bounds as err:
        raise UsageError(f"{origin}: the template was stopped: {err}") from None
    except jinja2.TemplateSyntaxError as err:
        where = f"{origin}:{(err.lineno or 1) + line_offset}"
        raise UsageError(f"{where}: template syntax error: {err.message}") from None
    except jinja2.UndefinedError as err:
        hint = f" (variables: {names})" if names else ""
        raise UsageError(f"{origin}:{_line(err) + line_offset}: {err.message}{hint}") from None
    except jinja2.exceptions.SecurityError as err:
        raise UsageError(f"{origin}:{_line(err) + line_offset}: the template tried something "
                         f"unsafe: {err}") from None
    except jinja2.TemplateError as err:
        raise UsageError(f"{origin}:{_line(err) + line_offset}: {err.message or err}") from None
    except Exception as err:
        # The template is the site's own code: whatever its expressions raise (TypeError from
        # `posts + 1`, ZeroDivisionError, RecursionError...) is its author's mistake to report.
        raise UsageError(f"{origin}:{_line(err) + line_offset}: the template failed: "
                         f"{type(err).__name__}: {err}") from None


def _bounded_render(env: SandboxedEnvironment, source: str, values: dict[str, Any]) -> str:
    """Render chunk by chunk, stopping at MAX_SECONDS or MAX_OUTPUT."""
    template = env.from_string(source)
    deadline = time.monotonic() + MAX_SECONDS
    if hasattr(env, "deadline"):
        env.deadline = deadline
    parts: list[str] = []
    size = 0
    for chunk in template.generate(values):
        parts.append(chunk)
        size += len(chunk)
        if size > MAX_OUTPUT:
            raise _Bounds(f"its output passed {MAX_OUTPUT // 2**20} MB")
        if time.monotonic() > deadline:
            raise _Bounds(f"it ran for more than {MAX_SECONDS:g} s")
    return "".join(parts)


def _line(err: BaseException) -> int:
    import traceback  # a broken template only (it loads linecache, tokenize, textwrap)

    lines = [f.lineno for f in traceback.extract_tb(err.__traceback__)
             if f.filename == "<template>" and f.lineno]
    return lines[-1] if lines else 1
