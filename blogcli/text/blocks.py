"""Where a long Markdown body may be cut into pieces that parse, one at a time, exactly as the
whole body parses: at a blank line that no block runs across.

pulldown-cmark hands back the events of a whole body at once, several hundred bytes for each
link or word run, so a 16 MB post of links took over a gigabyte. Cut at such a blank line, each
piece gives the events, links and HTML the whole would give for that stretch (a differential
test holds ``check`` and ``list`` to it), and only one piece's events are alive at a time.

A cut is made only where it is certain, and a body where it could be uncertain is not cut at all:

- the blank line is at the top level and the next line starts with a letter in its first
  column: that ends every list, quote and indented code block, and starts none (a list item
  starts with a marker, a quote with ``>``, a heading, fence, table or HTML block otherwise);
- no fenced code block (``` or ~~~, closed by a fence of its own kind and at least its length)
  and no HTML block that runs to its end marker (CommonMark's kinds 1-5: ``<script``, ``<pre``,
  ``<style``, ``<textarea``, ``<!--``, ``<?``, ``<!X``, ``<![CDATA[``) is open there; an
  unclosed one runs to the end of the body;
- a line starting with ``<`` otherwise opens a block that ends at the next blank line (an HTML
  block of kind 6 or 7, or a paragraph: which, depends on the line before, so inside it a fence
  or a kind 1-5 opener, which means different things in the two, stops the cutting);
- a fence or ``<`` opener indented one to three spaces may sit in a list item: no cutting;
- link reference definitions and footnotes (``]:``, ``[^``) apply across the whole document,
  definition lists (a line starting with ``:``) join across blank lines, and a lone carriage
  return breaks lines where ``\\n`` does not: a body with any of them is not cut.
"""

from __future__ import annotations

import re
from itertools import pairwise
from typing import NamedTuple

# Bodies up to this size are parsed whole; longer ones in pieces of about PIECE characters.
SIZE = 1 << 20
PIECE = 1 << 16

_DEFINITION = re.compile(r"\n[ \t]*:")
_LONE_CR = re.compile(r"\r(?!\n)")
# A line that opens a fence or starts with "<" (group 1, its indent, starts at the line's
# start): a pattern that starts with "\n" is searched ten times faster than one with "^".
_OPENER = re.compile(r"\n( {0,3})(?:(`{3,}|~{3,})|<)")
_FIRST_OPENER = re.compile(r"( {0,3})(?:(`{3,}|~{3,})|<)")
_CUT = re.compile(r"\n[ \t]*\r?\n(?=[A-Za-z])")
_BLANK = re.compile(r"^[ \t]*\r?$", re.MULTILINE)
# A link with plain text and a plain destination, as markdown-it's simple_links reads it.
SIMPLE_LINK = re.compile(r"\[([^\[\]\n]*)\]\(([^()\s<>\"'`]*)\)")
SIMPLE_DEST = re.compile(r"\[[^\[\]\n]*\]\(([^()\s<>\"'`]*)\)")
# A line of words and such links, to be cut between words: nothing that opens inline markup or
# a typographer's quote, no bare address the engine may link (in text or link text).
_WORD = r"""(?!http|www\.|--|\.\.)[^\[\]`*_~<>&\\!{}|^'"\t$@%\r\n]"""
_PLAIN = re.compile(rf"""(?:{_WORD}|\[(?:{_WORD})*+\]\([^()\s<>"'`]*\))*+""")
# A single space between two words, where one line may be cut.
_SPLIT = re.compile(r"(?<=[A-Za-z0-9).,;:?])[ ](?=[A-Za-z0-9\[])")
# CommonMark's HTML blocks of kinds 1-5: the opener at the line's start, and what ends them.
_RUNS_TO_END = (
    (re.compile(r"<(?:script|pre|style|textarea)(?:[ \t>]|\r?$)", re.IGNORECASE | re.MULTILINE),
     re.compile(r"</(?:script|pre|style|textarea)>", re.IGNORECASE)),
    (re.compile("<!--"), re.compile("-->")),
    (re.compile(r"<\?"), re.compile(r"\?>")),
    (re.compile(r"<!\[CDATA\["), re.compile(r"\]\]>")),
    (re.compile(r"<![A-Za-z]"), re.compile(">")),
)
# Inside a block that ends at a blank line: a line that would open a longer block there.
_HAZARD = re.compile(r"^ {0,3}(?:`{3,}|~{3,}|<(?:script|pre|style|textarea)(?:[ \t>]|\r?$)"
                     r"|<!--|<\?|<!\[CDATA\[|<![A-Za-z])", re.IGNORECASE | re.MULTILINE)


class Piece(NamedTuple):
    """``source[start:end]``, which starts on line ``line`` (0-based) at ``column`` characters
    into it: 0 for a piece of whole blocks; more for the second and later pieces of one long
    paragraph line, whose HTML is the line's paragraph cut at a space (see ``_in_line``).
    """

    start: int
    end: int
    line: int
    column: int
    plain: bool = False  # only words and [text](dest) links: a piece of a cut line


def cuts(source: str, piece: int) -> list[int] | None:
    """Where ``source`` may be cut (string indexes, each at a line's start, ascending, after
    about ``piece`` characters each), or None where no cut can be made certain."""
    if "]:" in source or "[^" in source or ("\r" in source and _LONE_CR.search(source)) \
            or _DEFINITION.search(source) or source.lstrip(" \t").startswith(":"):
        return None
    found: list[int] = []
    pos, last, end = 0, 0, len(source)
    opener = _FIRST_OPENER.match(source) or _OPENER.search(source)
    while pos < end:
        if opener is not None and opener.start(1) < pos:
            opener = _OPENER.search(source, pos - 1)
        stop = opener.start(1) if opener else end
        if stop - last > piece:  # a cut in the plain stretch before the next opener
            cut = _CUT.search(source, max(pos, last + piece) - 1, stop)
            if cut is not None:
                found.append(cut.end())
                pos = last = cut.end()
                continue
        if opener is None:
            break
        if opener.group(1):
            return None  # maybe inside a list item: which block it opens is not certain here
        eol = line_end(source, opener.start(1))
        if opener.group(2):
            pos = after_fence(source, opener.group(2), opener.end(), eol)
        else:
            pos = after_html(source, opener.start(1), eol)
        if pos < 0:
            return None
    return found


def pieces(source: str) -> list[Piece] | None:
    """The pieces of ``source`` when it is longer than ``SIZE`` and can be cut; else None
    (parse it whole)."""
    if len(source) <= SIZE:
        return None
    found = cuts(source, PIECE)
    if found is None:
        return None
    bounds = [0, *found, len(source)]
    out: list[Piece] = []
    line = 0
    for start, stop in pairwise(bounds):
        out.extend(_in_line(source, start, stop, line) if stop - start > PIECE
                   else [Piece(start, stop, line, 0)])
        line += source.count("\n", start, stop)
    return out if len(out) > 1 else None


def _in_line(source: str, start: int, stop: int, line: int) -> list[Piece]:
    """A stretch that is one long paragraph line of plain words and ``[text](dest)`` links,
    cut at single spaces between words (outside links) into pieces of that line; any other
    stretch whole."""
    end = source.find("\n", start, stop)
    end = stop if end < 0 else end
    if source[end:stop].strip(" \t\r\n") or not source[start:start + 1].isascii() \
            or not source[start:start + 1].isalpha() or not _PLAIN.fullmatch(source, start, end):
        return [Piece(start, stop, line, 0)]
    out: list[Piece] = []
    at = start
    while (space := _SPLIT.search(source, at + PIECE, end)) is not None:
        # Brackets here are links' only: a space after a "[" and before its "]" is in one.
        while source.rfind("[", at, space.start()) > source.rfind("]", at, space.start()):
            after = source.find(")", source.find("]", space.start())) + 1
            space = _SPLIT.search(source, after, end)
            if space is None:
                break
        if space is None:
            break
        out.append(Piece(at, space.start(), line, at - start, True))
        at = space.end()
    out.append(Piece(at, stop, line, at - start, bool(out)))
    return out


def line_end(source: str, at: int) -> int:
    """The index just after the line holding ``at`` (its ``\\n`` included)."""
    newline = source.find("\n", at)
    return len(source) if newline < 0 else newline + 1


def after_fence(source: str, fence: str, info: int, eol: int) -> int:
    """Where the fenced block opened by ``fence`` ends (the next line's start); the body's
    end when it is never closed. A ``` line with a backtick after it is text, not a fence."""
    if fence[0] == "`" and "`" in source[info:eol]:
        return eol
    closer = re.compile(rf"^ {{0,3}}{re.escape(fence[0])}{{{len(fence)},}}[ \t]*\r?$",
                        re.MULTILINE)
    close = closer.search(source, eol)
    return len(source) if close is None else line_end(source, close.start())


def after_html(source: str, start: int, eol: int) -> int:
    """Where the block that a line starting with ``<`` opens ends, or -1 when that is not
    certain (see the module's docstring)."""
    for opener, closer in _RUNS_TO_END:
        found = opener.match(source, start)
        if found:
            close = closer.search(source, found.end())
            early = closer.search(source, start + 1)
            if (close and close.start()) != (early and early.start()):
                return -1  # "<!-->", "<?>": parsers differ on whether that ends the block
            return len(source) if close is None else line_end(source, close.start())
    blank = _BLANK.search(source, eol)
    stop = blank.start() if blank else len(source)
    if _HAZARD.search(source, eol, stop):
        return -1
    return stop
