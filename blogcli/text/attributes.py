"""Goldmark's heading attributes (``## Title {#id .class key=value}``), which Hugo turns on.

Hugo 0.111 (Goldmark 1.5) reads a ``{...}`` at the end of a heading as attributes and drops it
from the text, so it is not words. What parses is Goldmark's rule, ported here: ``#id`` and
``.class`` (letters, digits, ``_-:.``), and ``name=value`` where the value is a quoted string,
a number, a bare word, an array or a nested ``{...}``; anything else leaves the braces as text.
"""

from __future__ import annotations

import re

_SPACE = " \t\n\v\f\r"  # goldmark's util.IsSpace
_PUNCT = frozenset("!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~")
_NAME = re.compile("[A-Za-z_:][A-Za-z0-9_:.-]*")
_NUMBER = re.compile(r"[-+]?([0-9]+(?:\.[0-9]*)?(?:[eE][-+]?[0-9]*)?)")


def heading_text(content: str, atx: bool) -> str:
    """A heading's inline text with its attribute block, if any, taken off its last line."""
    head, newline, last = content.rpartition("\n")
    has_id = False
    if atx:
        last, has_id = _closing_then_attributes(last)
    if not has_id:
        last = _last_line_attributes(last)
    return head + newline + last


def _closing_then_attributes(line: str) -> tuple[str, bool]:
    """``## Title ## {#id}``: attributes after a closing sequence (Goldmark's ATX Open)."""
    stop = len(line.rstrip(_SPACE))
    j = 0
    while j < stop:
        if line[j] == "\\" and j + 1 < len(line) and line[j + 1] in _PUNCT:
            j += 2
        elif line[j] in _SPACE and j < stop - 1 and line[j + 1] == "#":
            k = j + 1
            while k < stop and line[k] == "#":
                k += 1
            end, has_id = parse_attributes(line, k)
            if end >= 0 and not line[end:].strip(_SPACE):
                return line[:j + 1].rstrip(_SPACE), has_id
            break
        else:
            j += 1
    return line, False


def _last_line_attributes(line: str) -> str:
    """Goldmark's ``parseLastLineAttributes``: the last unescaped ``{`` must open attributes
    that run to the end of the line."""
    start = end = -1
    i = 0
    while i < len(line):
        if line[i] == "\\":
            i += 2 if line[i + 1:i + 2] == "{" else 1
            continue
        if line[i] == "{":
            start = i
            end = parse_attributes(line, i)[0]
        i += 1
    if start >= 0 and end >= 0 and not line[end:].strip(_SPACE):
        return line[:start].rstrip(_SPACE)
    return line


def _skip(s: str, i: int) -> int:
    while i < len(s) and s[i] in _SPACE:
        i += 1
    return i


def parse_attributes(s: str, i: int) -> tuple[int, bool]:
    """Goldmark's ``ParseAttributes`` from ``i``: (the end of the block or -1, has an id)."""
    i = _skip(s, i)
    if s[i:i + 1] != "{":
        return -1, False
    i += 1
    has_id = False
    while True:
        if s[i:i + 1] == "}":
            return i + 1, has_id
        i, name = _attribute(s, i)
        if i < 0:
            return -1, False
        has_id = has_id or name == "id"
        i = _skip(s, i)
        if s[i:i + 1] == ",":
            i = _skip(s, i + 1)


def _attribute(s: str, i: int) -> tuple[int, str]:
    i = _skip(s, i)
    if s[i:i + 1] in ("#", "."):
        name = "id" if s[i] == "#" else "class"
        i += 1
        while i < len(s) and s[i] not in _SPACE and (s[i] not in _PUNCT or s[i] in "_-:."):
            i += 1
        return i, name
    m = _NAME.match(s, i)
    if m is None:
        return -1, ""
    i = _skip(s, m.end())
    if s[i:i + 1] != "=":
        return -1, ""
    end, is_string = _value(s, _skip(s, i + 1))
    if end < 0 or (m.group(0) == "class" and not is_string):
        return -1, ""
    return end, m.group(0)


def _value(s: str, i: int) -> tuple[int, bool]:
    """(where a value ends or -1, whether it is a string)."""
    i = _skip(s, i)
    c = s[i:i + 1]
    if c == "{":
        return parse_attributes(s, i)[0], False
    if c == "[":
        return _array(s, i + 1), False
    if c == '"':
        return _string(s, i + 1), True
    if c and (c in "-+" or (c.isascii() and c.isdigit())):
        return _number(s, i), False
    m = _NAME.match(s, i)
    if m is None:
        return -1, False
    return m.end(), m.group(0) not in ("true", "false", "null")


def _array(s: str, i: int) -> int:
    first = True
    while True:
        c = s[i:i + 1]
        comma = not first and c == ","
        i += comma
        if c == "]":
            return i + 1
        end = _value(s, _skip(s, i))[0]
        if end < 0:
            return -1
        i, first = _skip(s, end), False


def _string(s: str, i: int) -> int:
    while i < len(s):
        if s[i] == "\\" and i != len(s) - 1:
            i += 2 if s[i + 1] in '"/\\bfnrt' else 1
        elif s[i] == '"':
            return i + 1
        else:
            i += 1
    return -1


def _number(s: str, i: int) -> int:
    m = _NUMBER.match(s, i)
    if m is None:
        return -1
    try:
        float(m.group(1))
    except ValueError:  # "1e" or "1e+": Go's ParseFloat refuses them too
        return -1
    return m.end()
