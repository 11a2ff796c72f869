"""Goldmark's default Typographer (v1.5.4, the one Hugo 0.111 ships), ported rule for rule.

Goldmark replaces quotes, dashes and ellipses with HTML entities (``&rsquo;`` ...) while it parses
inline text; the entities end up in Hugo's plain text, where they change CJK rune counts and the
summary. The quirks (``'90s``, ``I'm``, ``Smiths'``) are Goldmark's, kept on purpose.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Callable
from dataclasses import dataclass

# Go's unicode.IsSpace: Python's str.isspace also takes \x1c-\x1f, Go does not.
GO_SPACES = frozenset("\t\n\v\f\r \x85\xa0\u1680\u2028\u2029\u202f\u205f\u3000") | frozenset(
    chr(c) for c in range(0x2000, 0x200B)
)
_ASCII_PUNCT = frozenset("!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~")
_ASCII_SPACE = frozenset(" \t\n\v\f\r")

LSQUO, RSQUO, LDQUO, RDQUO = "&lsquo;", "&rsquo;", "&ldquo;", "&rdquo;"


def is_go_space(ch: str) -> bool:
    """Go's ``unicode.IsSpace``."""
    return ch in GO_SPACES


def _is_punct(ch: str) -> bool:
    """Go's ``unicode.IsPunct`` (categories P*)."""
    return unicodedata.category(ch).startswith("P")


def _is_punct_rune(ch: str) -> bool:
    """Goldmark's ``util.IsPunctRune``: ASCII punctuation or Unicode P*."""
    return ch in _ASCII_PUNCT or _is_punct(ch)


def _is_space_rune(ch: str) -> bool:
    return ch in _ASCII_SPACE or is_go_space(ch)


def _is_letter(ch: str) -> bool:
    return unicodedata.category(ch).startswith("L")


def _flanking(line: str, before: str) -> tuple[bool, bool]:
    """Goldmark's ``ScanDelimiter`` for a run of quote characters: (can open, can close)."""
    j = 1
    while j < len(line) and line[j] == line[0]:
        j += 1
    after = line[j] if j < len(line) else " "
    b_punct, b_space = _is_punct_rune(before), _is_space_rune(before)
    a_punct, a_space = _is_punct_rune(after), _is_space_rune(after)
    left = not a_space and (not a_punct or b_space or b_punct)
    right = not b_space and (not b_punct or a_space or a_punct)
    return left, right


@dataclass
class Counter:
    """Unclosed quotes in the current block (Goldmark resets it at each block's end)."""

    single: int = 0
    double: int = 0


# Goldmark works on bytes: lengths count UTF-8 bytes and line[2] may be inside a character.
def _at(raw: bytes, i: int) -> str:
    return chr(raw[i]) if i < len(raw) else ""


def _asciip(raw: bytes, i: int) -> bool:
    """``util.IsPunct(line[i]) || util.IsSpace(line[i])`` on the byte at ``i``."""
    ch = _at(raw, i)
    return bool(ch) and (ch in _ASCII_PUNCT or ch in _ASCII_SPACE)


def _maybe_close(line: str, raw: bytes, can_open: bool, can_close: bool) -> bool:
    return can_close and can_open and len(raw) > 1 and _is_punct(line[1]) and (
        len(raw) == 2 or _asciip(raw, 2))


def _single(line: str, raw: bytes, before: str, opens: tuple[bool, bool], n: Counter) -> str | None:
    can_open, can_close = opens
    decade = raw[1:3].isdigit() and raw[3:4] == b"s"
    if can_open and not can_close and decade:
        after = line[4] if len(line) > 4 else " "
        if _is_space_rune(after) or _is_punct_rune(after):
            return RSQUO  # decade: '90s
    if len(raw) > 1 and (_is_punct(before) or is_go_space(before)) and line[1] in "tenl":
        return RSQUO  # 'twas, 'em, 'net
    if len(raw) > 1 and (unicodedata.category(before) == "Nd" or _is_letter(before)) \
            and _is_letter(line[1]):
        return RSQUO  # an apostrophe between letters
    if can_open and not can_close:
        kind = LSQUO
        if len(raw) > 1 and line[1] in "smtd" and (len(raw) < 3 or _asciip(raw, 2)):
            kind = RSQUO
        if raw[1:3] in (b"ve", b"ll", b"re") and (len(raw) < 4 or _asciip(raw, 3)):
            kind = RSQUO
        if kind == LSQUO:
            n.single += 1
        return kind
    # Goldmark's operator precedence makes this true for nearly every remaining quote.
    if len(raw) > 2 and unicodedata.category(line[1]) != "Nd":
        return RSQUO
    if n.single > 0 and ((can_close and not can_open)
                         or _maybe_close(line, raw, can_open, can_close)):
        n.single -= 1
        return RSQUO
    return None


def _double(line: str, raw: bytes, before: str, opens: tuple[bool, bool], n: Counter) -> str | None:
    can_open, can_close = opens
    if can_open and not can_close:
        n.double += 1
        return LDQUO
    if n.double > 0 and ((can_close and not can_open)
                         or _maybe_close(line, raw, can_open, can_close)):
        if len(raw) > 1 and line[1] == '"' and unicodedata.category(before) == "Nd":
            return None  # Monitor 21""
        n.double -= 1
        return RDQUO
    return None


def substitute(line: str, before: str, n: Counter) -> tuple[str, int] | None:
    """The entity for the punctuation at ``line[0]`` and how many characters it replaces.

    ``line`` is the rest of the source line (with its newline unless the block ends there) and
    ``before`` the character before it, as Goldmark's inline parser sees them.
    """
    c = line[0]
    if len(line) > 2 and c == "-" and line[1] == "-" and line[2] == "-":
        return "&mdash;", 3
    if c == ".":
        return ("&hellip;", 3) if len(line) > 2 and line[1] == "." and line[2] == "." else None
    if len(line) > 1:
        if c == "<":
            return ("&laquo;", 2) if line[1] == "<" else None
        if c == ">":
            return ("&raquo;", 2) if line[1] == ">" else None
        if c == "-" and line[1] == "-":
            return "&ndash;", 2
    if c not in "'\"":
        return None
    rule: Callable[[str, bytes, str, tuple[bool, bool], Counter], str | None] = (
        _single if c == "'" else _double)
    entity = rule(line, line.encode("utf-8"), before, _flanking(line, before), n)
    return (entity, 1) if entity else None
