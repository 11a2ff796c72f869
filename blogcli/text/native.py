"""Goldmark-shaped HTML from one pulldown-cmark pass (pyromark), for counting words.

The same HTML that ``goldmark.render`` makes with markdown-it-py, several times faster: the
parse is Rust, and the typographer reads its look-around straight from the source by the byte
ranges pulldown-cmark gives every event (Goldmark, too, looks at the raw source line).

Where pulldown-cmark reads Markdown otherwise than Goldmark, ``render`` returns None and the
caller renders that file with markdown-it-py (``goldmark.render``), whose rules the Hugo fixtures
and the fuzz comparison hold to Hugo's figures. Each is detected on the way, at no extra pass:

- a NUL character (markdown-it replaces it, pulldown-cmark keeps it);
- a paragraph or a line that starts with ``:`` and a space or tab where pulldown-cmark
  reads no definition (Goldmark's definition list, which pulldown-cmark nests otherwise); a
  definition pulldown-cmark reads after a lone ``:``, or after ``:x`` but for one term and
  one inline definition (Goldmark's paragraph, which the walk writes); a term of several
  lines with a span or a hard break across them (Goldmark parses each line as a term of its
  own, which the walk does too where nothing crosses a line);
- a heading whose line ends in ``{...}`` that may be Goldmark's ``{#id .class}`` attributes
  (see attributes.py);
- a line right after a table that pulldown-cmark ends the table at (a lone ``|``);
- a footnote label written in two spellings (pulldown-cmark folds case, markdown-it does not);
- an event this module does not know.

Where only a page's words are wanted (a listing's table), ``count_words`` counts them from
pulldown-cmark's own HTML instead, wherever that HTML has the words the walk would write.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable
from itertools import filterfalse, repeat
from typing import Any

from blogcli.text import blocks, hugo
from blogcli.text.goldmark import _url_spans, code_block, escape, go_escape, typeset
from blogcli.text.typographer import Counter

_ASCII_PUNCT = frozenset(b"!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~")
_CANDIDATE = re.compile(r"['\"]|--|\.\.\.|<<|>>")
_TASK_BOX = re.compile(r"\[([ \t\n\f\rxX])\][ \t\n\f\r]*")  # Go's \s is ASCII only
# A ``:`` alone on the last line of a paragraph (Goldmark needs a space after it for a
# definition: to it this is the paragraph's text).
_LONE_COLON = re.compile(rb":(?:\Z|\r?\n[ \t]*(?:\r?\n|\Z))")
_SETEXT = re.compile(rb"[ ]{0,3}(?:-+|=+)[ \t]*(?:\r?\n|\Z)")
_BLANK_END = re.compile(rb"\n[ \t]*\r?\n\Z")
# What follows a ``:`` that Goldmark reads as a definition: a space or a tab (``:x``, or a
# ``:`` that ends its line, is text to it).
_GAP = (b" ", b"\t")
# Characters escaping or the typographer change: text without them is written as it is.
_CHANGED = re.compile(r"""[&<>"']|--|\.\.\.""")
_INLINE_TAGS = {"Emphasis": "em", "Strong": "strong", "Strikethrough": "s"}
_LEAVES = frozenset({"Text", "Code", "InlineHtml", "SoftBreak", "HardBreak",
                     "FootnoteReference"})
_SPANS = frozenset({"Emphasis", "Strong", "Strikethrough", "Link", "Image"})
_BACKREF = ('&#160;<a href="#fnref:{n}" class="footnote-backref" '
            'role="doc-backlink">&#x21a9;&#xfe0e;</a>')
# An event as used here: (key, name, payload, start byte, end byte, inline?). ``key`` is
# Start/End/Text/SoftBreak/...; ``name`` the container of a Start or End (Paragraph, Link...).
Event = tuple[str, str, Any, int, int, bool]
Token = tuple[str, Any, int, int]


class _Fallback(Exception):
    """Something pulldown-cmark reads otherwise than Goldmark: render with markdown-it."""


@functools.lru_cache(maxsize=1)
def _parser() -> Any:
    import pyromark

    opts = (pyromark.Options.ENABLE_TABLES | pyromark.Options.ENABLE_FOOTNOTES
            | pyromark.Options.ENABLE_STRIKETHROUGH | pyromark.Options.ENABLE_DEFINITION_LIST)
    return pyromark.Markdown(options=opts)


def render(markdown: str, unsafe: bool = False, plain: bool = False,
           emit: Callable[[str], object] | None = None,
           settled: Callable[[list[str]], bool] | None = None,
           loose: bool = False, runs: bool = False) -> str | None:
    """Goldmark-shaped HTML (raw HTML omitted unless ``unsafe``), or None where pulldown-cmark
    and Goldmark part ways (then ``goldmark.render`` is the one to use).

    ``plain``: instead of the HTML, its text as Hugo's StripHTML leaves it before the last
    step, the white-space collapse (``hugo.collapse`` of it is ``hugo.strip_html`` of the HTML,
    but that a paragraph holding only a shortcode placeholder comes with a SOH before it, for
    count.py to put the shortcode's output there as Hugo does); None also where raw HTML is
    kept (``unsafe``), which only Go's tokenizer strips right. The plain pass is for bodies
    up to blocks.SIZE; a longer one is never cut into pieces in it. ``settled`` (plain only),
    asked with the text so far after each top-level block: once it says yes, the rest is
    written only to be counted, its words neither escaped nor typeset (which changes no
    field: both replace characters with entities, never with white space or none).

    ``loose`` (plain only): only the words of the text are wanted, not its white space
    (a run of text is then written as it is where escaping and typesetting leave it so).
    ``runs`` (plain only): as ``loose``, but the white space may differ only in runs that do
    not start with a line break, which a sentence summary reads as the same (see
    ``counted_text``).

    With ``emit``, the HTML is handed to it in pieces of whole elements, one after another
    (a long body's HTML is never whole), and "" is returned."""
    if "\0" in markdown:
        return None
    if plain:
        try:
            walk = _Walk(markdown, unsafe, plain)
            walk.settled = settled
            walk.loose = loose
            walk.runs = runs
            return walk.run()
        except _Fallback:
            return None
    cut = blocks.pieces(markdown)
    out = list[str]()
    give = out.append if emit is None else emit
    try:
        if cut is None:
            give(_Walk(markdown, unsafe).run())
            return "".join(out)
        # A long body in pieces cut between blocks (blocks.py): the HTML of each, one after
        # another, is the whole's; the typographer's quote count runs on across them.
        counter, last = Counter(), ""
        for start, end, _, column, simple in cut:
            piece = markdown[start:end]
            if simple and "&" not in piece and "\\" not in piece:
                # Words and [text](dest) links only (blocks.py): nothing to escape or typeset.
                html = "<p>" + _plain_html(piece.rstrip(" \t\n")) + "</p>\n"
            else:
                walk = _Walk(piece, unsafe)
                walk.counter = counter
                html = walk.run()
            if column:  # the same paragraph as the piece before, cut at a space
                if not (last.endswith("</p>\n") and html.startswith("<p>")):
                    if emit is not None:
                        raise _Fallback
                    return _Walk(markdown, unsafe).run()
                last, html = last[:-5], " " + html[3:]
            if last:
                give(last)
            last = html
        give(last)
        return "".join(out)
    except _Fallback:
        return None


def count_words(markdown: str, cjk: bool, unsafe: bool = False) -> int | None:
    """Hugo's word count of the page (``hugo.field_count`` of its plain text), taken from
    pulldown-cmark's own HTML, made in Rust: most of a short post's time went into walking
    its events in Python. None where that HTML may hold other words than the walk writes
    (``_counted_as_is``; in the HTML, a definition pulldown-cmark did not read, or read
    otherwise than Goldmark, see _odd_list), or on a CJK page a word of other characters
    with a quote or ``<<``/``>>`` in it (where a CJK word counts one a character, and the
    typographer's entities, or code escaped by Go's rules, are not the length pulldown-cmark
    writes; dashes and ellipses are written as the typographer writes them, see
    _dashes_typeset), and for a body the plain pass does not take whole (blocks.SIZE).
    ``unsafe``: raw HTML is kept (else Goldmark leaves it out, see _not_plain)."""
    if len(markdown) > blocks.SIZE or "\0" in markdown or not _counted_as_is(markdown, unsafe):
        return None
    html = _parser().html(markdown)
    if (_AFTER_TAG_OR_LINE.search(html) is not None
            and _HTML_COLON.search(_CODE.sub("", html)) is not None) \
            or ("<dl>" in html and _odd_list(html)):
        return None
    words = hugo.fields(_TAG.sub("", html))
    if not cjk:
        return len(words)
    other = "\n".join(filterfalse(str.isascii, words))  # (no Python call a word)
    if "'" in other or '"' in other or "&lt;&lt;" in other or "&gt;&gt;" in other:
        return None
    if "--" in other or "..." in other:
        typeset = _dashes_typeset(html, markdown)
        if typeset is None:
            return None
        words = typeset
    return hugo.cjk_word_count(words)


def _dashes_typeset(html: str, markdown: str) -> list[str] | None:
    """The words of pulldown-cmark's HTML with Goldmark's typographer's dashes and ellipses
    (``--``, ``---``, ``...``: the same wherever they stand in text, unlike quotes) written
    as its entities, outside code; None where one may not be typeset so: from an entity or
    an escape, in a word with a URL or an address (Goldmark's linkify makes a link of it,
    which keeps them), or raw ``<code>`` in the source (its text is typeset, not code)."""
    if "&#" in markdown or "&period;" in markdown or "\\-" in markdown \
            or "\\." in markdown or "<code" in markdown:
        return None
    parts = _CODE_ELEMENT.split(html)  # text, code, text, ...
    for i in range(len(parts)):
        if i % 2 or ("--" not in parts[i] and "..." not in parts[i]):
            parts[i] = _TAG.sub("", parts[i])
            continue
        runs = _TAG_SPLIT.split(parts[i])[0::2]  # the runs of text between its tags
        tokens = _SPACES.split("".join(runs))  # words and the white space between them
        last = len(tokens) - 1
        for k, token in enumerate(tokens):
            if ("--" in token or "..." in token) \
                    and ("://" in token or "www." in token or "@" in token) \
                    and (not token.isascii() or k in (0, last)):
                # Perhaps in a URL Goldmark's linkify makes a link, which keeps them (a URL
                # never runs on past white space). A word of ASCII on its own, not next to
                # code, is one word, entities or not.
                return None
        # Typeset where the marks stand together in one run of text (Goldmark reads them
        # from the source line: split by a tag, ``*a-*-b``, they are no dash).
        parts[i] = "".join(_DASHES.sub(_dash_entity, run) for run in runs)
    return hugo.fields("".join(parts))


def _dash_entity(found: re.Match[str]) -> str:
    return _ENTITIES[found.group()]


# Left to right, the longer first, as Goldmark's typographer takes them.
_DASHES = re.compile(r"---|--|\.\.\.")
_ENTITIES = {"---": "&mdash;", "--": "&ndash;", "...": "&hellip;"}
_CODE_ELEMENT = re.compile(r"(<code[^>]*>.*?</code>)", re.DOTALL)
_SPACES = re.compile(r"(\s+)")


# What ``_counted_as_is`` looks for, each only where a character it needs is in the text
# (str's ``in`` is fast; one search for many alternatives at every position is not). All but
# the first start with a newline: such a pattern is searched many times faster than with "^".
_TAG_OPEN = re.compile(r"<(?=[A-Za-z/!?])(?![A-Za-z][A-Za-z0-9+.\-]{1,31}:[^\x00-\x20<>]*>)")
_BOX = re.compile(r"\[[ \t\n\f\rxX]\]")
_LONE_CR = re.compile(r"\r(?!\n)")
# Any line whose first character but for those a _COLON_LINE may have before its ":" is
# one: found four times faster, in a class of its own, and only a few posts have one.
_COLON_START = re.compile(r"\n[ \t>\-+*0-9.)]*:")
_COLON_LINE = re.compile(r"\n[ \t>]*(?:(?:[-+*]|[0-9]{1,9}[.)])[ \t]+[ \t>]*)*:")
# (Its lookaheads look only as far as the row's own characters go: over the whole line at
# every newline, they took half as long again as the rest of _not_plain.)
_DELIMITER_ROW = re.compile(r"\n[ \t>]*(?=[|:\- \t]*\|)(?=[|:\- \t]*-)[|:\- \t]+\r?(?=\n|\Z)")
# A heading whose line ends in ``}``: an ATX one (its ``#`` first on the line, after quote
# marks, list markers and indentation), or a setext one's text.
_ATTRIBUTES = re.compile(r"\n[ \t>]*(?:(?:[-+*]|[0-9]{1,9}[.)])[ \t]+[ \t>]*)*#[^\n]*\}"
                         r"[#=\- \t\r]*(?=\n|\Z)"
                         r"|\}[#=\- \t\r]*\n[ \t>]*(?:=+|-+)[ \t\r]*(?=\n|\Z)")
# A line that ends in ``}`` after a ``#``: _ATTRIBUTES's first part found anywhere on the
# line, searched ten times faster.
_CLOSING_BRACE = re.compile(r"#[^\n]*\}[#=\- \t\r]*(?=\n|\Z)|\}[#=\- \t\r]*\n[ \t>]*[=-]")
_FENCE = re.compile(r"\n( *)(`{3,}|~{3,})")


def _counted_as_is(markdown: str, unsafe: bool = False) -> bool:
    """Whether pulldown-cmark's HTML of the body, stripped of its tags, has the words the walk
    writes for it (``render(plain=True)``): nothing ``_not_plain`` outside fenced code blocks
    that start a line, or that are indented (in a list item) and closed at their own indent
    with every line between indented as far (inside them, code is text to both)."""
    text = "\n" + markdown
    pos = 0
    while True:
        fence = _FENCE.search(text, pos)
        stop = len(text) if fence is None else fence.start()
        if _not_plain(text[pos:stop], unsafe):
            return False
        if fence is None:
            return True
        eol = blocks.line_end(text, fence.start() + 1)
        indent, marks = fence.groups()
        if marks[0] == "`" and "`" in text[fence.end():eol]:
            return False  # not a fence: a line of text with backticks, left to the walk
        if indent:
            pos = _after_indented_fence(text, indent, marks, eol)
            if pos < 0:
                return False
            continue
        pos = blocks.after_fence(text, marks, fence.end(), eol) - 1
        if pos >= len(text) - 1:
            return True  # code to the end


def _after_indented_fence(text: str, indent: str, marks: str, eol: int) -> int:
    """Where an indented fenced block (a list item's, or indented code) that opens on the line
    ending at ``eol`` is closed: the ``\n`` before the line after its closing line, which
    has the same indent and marks (and nothing else but spaces). -1 where it is not closed
    so, or a line between is indented less: where the list item, and with it the block,
    may end before it (an unclosed fence in a list item makes markdown-it's list loose)."""
    close = re.compile(rf"\n{indent}{re.escape(marks)}[ ]*(?=\r?\n|\Z)").search(text, eol - 1)
    if close is None:
        return -1
    for line in text[eol:close.start()].split("\n"):
        if line.strip() and not line.startswith(indent):
            return -1
    return blocks.line_end(text, close.start() + 1) - 1


def _not_plain(text: str, unsafe: bool = False) -> bool:
    """Whether this stretch of the body (outside fenced code, after a newline) holds what may
    make the walk write other words than pulldown-cmark's HTML, or hand the page over to
    markdown-it (see the module's docstring): raw HTML (a ``<`` before a letter, ``/``, ``!``
    or ``?`` that does not start an autolink; but for inline tags Goldmark leaves out, see
    _inline_tags_only), a table, a task box, a footnote, a definition the two may read
    otherwise (_odd_colons), a heading that may end in attributes, a fence neither at the
    line's start nor closed at its list item's indent (see _counted_as_is: an unclosed one
    makes markdown-it's list loose), a lone carriage return, a control character. (Not
    among them: tildes, as strikethrough only drops them and leaves the same words; and
    entities, which the walk decodes as pulldown-cmark does.)"""
    return ("\0" in text or "\1" in text or "[^" in text or "```" in text or "~~~" in text
            or ("<" in text and _TAG_OPEN.search(text) is not None
                and (unsafe or not _inline_tags_only(text)))
            or ("\r" in text and _LONE_CR.search(text) is not None)
            or ("[" in text and _BOX.search(text) is not None)
            or (":" in text and _COLON_START.search(text) is not None and _odd_colons(text))
            or ("|" in text and _DELIMITER_ROW.search(text) is not None)
            or ("}" in text and _CLOSING_BRACE.search(text) is not None
                and _ATTRIBUTES.search(text) is not None))


# A line whose first character, after quote marks, list markers and indentation, is "<":
# where an HTML block may start (or an indented code line holds one: not told apart here).
_LINE_TAG = re.compile(r"\n[ \t>]*(?:(?:[-+*]|[0-9]{1,9}[.)])[ \t]+[ \t>]*)*"
                       + _TAG_OPEN.pattern)  # (an autolink first on a line is inline text)
# A tag as far as it goes on from a "<" that can open one (up to its ">", or the next "<").
_OPENED_TAG = re.compile(_TAG_OPEN.pattern + r"[^<>]*>?")
# What starts an HTML block (CommonMark 0.31, Goldmark's and pulldown-cmark's lists, with
# "source" and "meta" that only some read so): a comment, declaration or processing
# instruction, one of the raw tags, or a block-level tag name, opening or closing.
_BLOCK_TAG = re.compile(
    r"<(?:[!?]|(?:script|pre|style|textarea)(?![A-Za-z0-9-])|/?(?:address|article|aside|"
    r"base|basefont|blockquote|body|caption|center|col|colgroup|dd|details|dialog|dir|div|"
    r"dl|dt|fieldset|figcaption|figure|footer|form|frame|frameset|h[1-6]|head|header|hr|"
    r"html|iframe|legend|li|link|main|menu|menuitem|meta|nav|noframes|ol|optgroup|option|"
    r"p|param|search|section|source|summary|table|tbody|td|tfoot|th|thead|title|tr|track|"
    r"ul)(?=[ \t\r\n>]|/>|\Z))", re.IGNORECASE)
# A tag alone on its line (CommonMark's 7th kind of HTML block, where not in a paragraph).
_ALONE = re.compile(r"<[^<>\n]*>[ \t]*\r?(?=\n|\Z)")


def _inline_tags_only(text: str) -> bool:
    """Whether every raw HTML tag in this stretch is inline and simple: Goldmark (its raw HTML
    not kept) writes a comment in its place and keeps the text around it, as the walk does,
    so pulldown-cmark's HTML with the tag itself stripped has the same words. Not where a
    line starts with ``<`` (an HTML block, which Goldmark leaves out whole, text and all);
    nor for a comment, a processing instruction or a declaration, a tag not closed on its
    line, or one with a quote left open (a ``>`` inside it would end it early here).

    A tag first on its line starts an HTML block (CommonMark's rules, which both parsers
    follow) only as a block-level tag, or alone on its line; any other, with text after
    it on the line (``<abbr title="...">15:30 JST</abbr> ...``), starts a paragraph. A
    block of tags alone, first on its line up to a blank one (a release post's
    ``<video ...>`` with its ``<source ...>``), has no word to either: pulldown-cmark writes
    it as it is and its tags are stripped, Goldmark leaves it out. So has any other HTML
    block first on its line (a comment, ``<!DOCTYPE html>``) that holds tags alone, up to
    where blocks.after_html finds it ends, within this stretch."""
    skip = 0  # the end of the last HTML block
    spans: list[tuple[int, int]] = []  # the HTML blocks, whose tags are not inline
    for line in _LINE_TAG.finditer(text):
        at = line.end() - 1
        if at < skip or not (_BLOCK_TAG.match(text, at) or _ALONE.match(text, at)):
            continue
        if at != line.start() + 1:
            return False  # in a container
        skip = blocks.after_html(text, at, blocks.line_end(text, at))
        if skip < 0 or skip >= len(text) or _TAG.sub("", text[at:skip]).strip():
            return False  # uncertain, on past this stretch, or text in it
        spans.append((at, skip))
    start = text.find("<")
    for at, end in spans:  # the tags between them, and after the last
        if not _inline_only(text, start, at):
            return False
        start = end
    return _inline_only(text, start, len(text))


def _inline_only(text: str, start: int, end: int) -> bool:
    """Whether every tag in ``text[start:end]`` is inline and simple (see _inline_tags_only).
    A ``<`` that opens no tag (``<= 0.1.5``, ``a < b``) is text to both, escaped alike."""
    for tag in _OPENED_TAG.finditer(text, start, end):
        found = tag.group()
        if found[1:2] in ("!", "?") or not found.endswith(">") or "\n" in found \
                or found.count('"') % 2 or found.count("'") % 2:
            return False
    return True


def _plain_html(text: str) -> str:
    """The HTML of words and plain ``[text](dest)`` links (blocks.py): each link an ``<a>``,
    all else as it is (nothing in it to escape or typeset), made without a call per link."""
    parts = blocks.SIMPLE_LINK.split(text)  # text, (link text, destination, text)...
    links = zip(parts[0::3], repeat('<a href="'), parts[2::3], repeat('">'), parts[1::3],
                repeat("</a>"), strict=False)
    return "".join(map("".join, links)) + parts[-1]


def events(markdown: str) -> list[Event]:
    """pulldown-cmark's events with their byte ranges, flattened into tuples."""
    out: list[Event] = []
    append = out.append
    spans, leaves = _SPANS, _LEAVES
    # Each event dict has one key (and a Start or End's dict one name): popitem takes it
    # without a loop (the dicts are fresh, made for this call).
    for event, span in _parser().events_with_range(markdown):
        if type(event) is str:  # SoftBreak, HardBreak, Rule
            append((event, "", None, span["start"], span["end"], event != "Rule"))
            continue
        key, value = event.popitem()
        if key == "Start" or key == "End":
            if type(value) is str:
                append((key, value, None, span["start"], span["end"], value in spans))
            else:
                name, payload = value.popitem()
                append((key, name, payload, span["start"], span["end"], name in spans))
        else:
            append((key, "", value, span["start"], span["end"], key in leaves))
    return out


def _odd_colons(text: str) -> bool:
    """Whether a line of this stretch that starts with ``:`` may be read otherwise by Goldmark
    and pulldown-cmark. Not where both read a definition the same way: a ``:``, a space or a
    tab and more, first on a line outside any container, or in a list item at its content's
    indent (``* SIZE`` then ``  : 9043825 bytes``), after its term or another definition
    (the HTML is checked too, see _odd_list). Elsewhere, and a ``:`` in a quote, after a list
    marker, or indented otherwise, Goldmark's definition list and pulldown-cmark's differ."""
    for found in _COLON_LINE.finditer(text):
        indent = found.end() - found.start() - 2
        if text[found.start() + 1:found.end() - 1] != " " * indent or indent > 3 \
                or _DEFINITION.match(text, found.end()) is None:
            return True
        if _colon_context(text, found.start(), indent):
            return True
    return False


def _colon_context(text: str, end: int, indent: int) -> bool:
    """Whether the lines before a definition's ``:`` (indented ``indent``, its line starting
    after ``end``) may put it elsewhere than in a definition list of the document, or of the
    list item whose marker line (first on its line, its content at ``indent``) holds it: any
    line before it up to a blank one (or that marker line) that starts a block, or a line
    indented less than the definition but for that marker line."""
    seen_text = seen = False
    while end > 0:
        start = text.rfind("\n", 0, end) + 1
        line = text[start:end]
        end = start - 1
        if not line.strip():
            if not indent and seen:
                return not seen_text
            continue
        seen = True
        lead = len(line) - len(line.lstrip(" "))
        if lead < indent:
            marker = _MARKER.match(line)
            return marker is None or marker.end() != indent or "\t" in line
        if "\t" in line[:lead + 1]:
            return True
        content = line[lead:]
        if lead == indent:
            if content[0] == ":":
                if _DEFINITION.match(content, 1) is None:
                    return True
            elif _BLOCK_START.match(content):
                return True
            seen_text = True
    return bool(indent) or not seen_text


# What follows a definition's ``:``; a list item's marker line; a line that starts a block.
_DEFINITION = re.compile(r"[ \t]+[^ \t\r\n]")
_MARKER = re.compile(r"(?:[-+*]|[0-9]{1,9}[.)]) +(?=[^ \t\r\n])")
_BLOCK_START = re.compile(r"[>#|<`~=_]|[-+*](?:[ \t]|$)|[0-9]{1,9}[.)](?:[ \t]|$)"
                          r"|[-*_](?:[ \t]*[-*_]){2}|\[[^\]]*\]:")


def _odd_list(html: str) -> bool:
    """Whether pulldown-cmark's definition list may hold other words than the walk writes:
    a term of several lines with a span or a hard break across them (Goldmark reads each
    line as a term of its own, see _Walk.term_lines), or a list followed by a line of ``-`` or
    ``=`` (a setext heading to Goldmark)."""
    for term in _TERM.findall(html):
        if "\n" in term and "<" in term:
            if "<br" in term:
                return True
            for line in term.split("\n"):
                if len(_OPENED.findall(line)) != line.count("</"):
                    return True  # a span runs on over the line break
    return _AFTER_LIST.search(html) is not None


# A ``:`` and a space first on a line of the HTML or of a block: a definition pulldown-cmark
# did not read (Goldmark may have), left to the walk.
_HTML_COLON = re.compile(r"(?:\n|<(?:p|li|dd|dt|h[1-6]|td|th)>):[ \t]")
_AFTER_TAG_OR_LINE = re.compile(r":(?<=[\n>]:)[ \t]")  # the same, searched ten times faster
_CODE = re.compile(r"<pre><code[^>]*>.*?</code></pre>", re.DOTALL)  # code, as both read it
_TERM = re.compile(r"<dt>(.*?)</dt>", re.DOTALL)
_OPENED = re.compile(r"<(?!/|img )[a-z]")  # a tag that opens a span (an image's is void)
_AFTER_LIST = re.compile(r"</dl>\n(?:</[a-z]+>\n)*(?:<hr|<ul|<p>[-=])")


@functools.lru_cache(maxsize=256)
def _stripped(html: str) -> str:
    """Markup the walk writes, as StripHTML leaves it: tags dropped, ``</p>`` and ``<br>`` a
    NUL (a line break once the newlines have become spaces), newlines kept till then."""
    return _TAG.sub("", html.replace("</p>", "\0").replace("<br>", "\0"))


_TAG = re.compile(r"<[^>]*>")
_TAG_SPLIT = re.compile(f"({_TAG.pattern})")  # the text between tags, and the tags
# A shortcode's placeholder (shortcodes.PLACEHOLDER) alone in a paragraph: Hugo puts the
# shortcode's output there without the <p>, so the plain walk marks such a paragraph (SOH).
_PLACEHOLDER = re.compile(r"HAHAHUGOSHORTCODE-s[0-9]+-HBHB")


class _Walk:
    def __init__(self, markdown: str, unsafe: bool, plain: bool = False) -> None:
        self.src = markdown.encode("utf-8")
        self.events = events(markdown)
        self.unsafe = unsafe
        # Plain: the text of the HTML, written straight away rather than stripped after. The
        # walk's own text is escaped (no ``<`` in it), so StripHTML would only drop the tags
        # written here, turn newlines into spaces and ``</p>``/``<br>`` into newlines.
        self.plain = plain
        self.tag: Callable[[str], str] = _stripped if plain else str
        self.counter = Counter()  # Goldmark never resets it between blocks (see goldmark.py)
        self.cell_tag = "td"
        self.notes: dict[str, list[str]] = {}   # footnote label -> its rendered blocks
        self.ids: dict[str, int] = {}           # footnote label -> number, by first reference
        self.refs: dict[str, int] = {}          # footnote label -> how many references
        self.spellings: dict[str, bytes] = {}
        self.tildes: list[int] = []             # ends of ``~one tilde~`` spans being read
        self.settled: Callable[[list[str]], bool] | None = None  # see render
        self.counted = False  # the text is now only counted: see render
        self.loose = False  # only the words are wanted: see render
        self.runs = False  # the words and where a run of white space is a line: see render
        self.top: list[str] = []

    def run(self) -> str:
        out = self.top
        self.blocks(0, out)
        if self.ids:
            out.append(self.footnotes())
        if self.plain:
            return "".join(out).replace("\n", " ").replace("\0", "\n")
        return "".join(out)

    def blocks(self, i: int, out: list[str]) -> int:
        """Render block events from ``i`` up to the End that closes their container (or the
        last event); return its index."""
        events = self.events
        n = len(events)
        while i < n:
            key, name, payload, start, stop, inline = events[i]
            if inline:  # a tight list item's text: a paragraph with no tags
                end = self.inline_run(i)
                first = i > 0 and events[i - 1][1] == "Item"
                out.append(self.inline(i, end, start, first))
                if end < n and events[end][0] != "End":
                    out.append("\n")
                i = end
            elif key == "Start":
                i = self.block(name, payload, start, stop, i, out)
                if self.settled is not None and out is self.top and self.settled(out):
                    self.settled, self.counted = None, True
            elif key == "End":
                return i
            elif key == "Rule":
                out.append(self.tag("<hr>\n"))
                i += 1
            else:
                raise _Fallback
        return i

    def inline_run(self, i: int) -> int:
        """The end of the inline events that start at ``i`` (a tight item's paragraph)."""
        events = self.events
        depth = 0
        n = len(events)
        while i < n:
            event = events[i]
            if not event[5]:
                if depth:
                    raise _Fallback
                return i
            depth += (event[0] == "Start") - (event[0] == "End")
            i += 1
        return i

    @staticmethod
    def no_attributes(line: bytes) -> None:
        """Raise _Fallback where Goldmark may read heading attributes (attributes.py): a
        ``{...}`` that ends the heading's line. A ``{`` anywhere else is only text, and so is
        one that ends a one-line ATX heading but does not parse as attributes."""
        if not line.rstrip(b"#=- \t\r\n").endswith(b"}"):
            return
        if line.endswith(b"}") and b"\n" not in line and line.lstrip(b" ").startswith(b"#"):
            from blogcli.text.attributes import heading_text

            content = line.decode("utf-8", "replace").lstrip(" ").lstrip("#").strip(" \t")
            if heading_text(content, True) == content:
                return
        raise _Fallback

    def colon_line(self, i: int, out: list[str]) -> int | None:
        """A definition list pulldown-cmark reads where Goldmark reads a paragraph: one term
        and one definition after ``:x`` (no space after the colon), both inline only, as in
        ``set it through the\\n:ssl_ca_cert option``; or an empty one, a ``:`` alone on the
        last line of a paragraph (French puts a space before a colon, and a line wrapped
        there leaves it alone: ``comme celui-ci\\n:``). Written as that paragraph (its lines
        and the colon as text); returns the index after the list, or None for another list."""
        events, src = self.events, self.src
        n = len(events)
        if events[i + 1][1] != "DefinitionListTitle":
            return None
        title = self._end(i + 2)
        if title + 1 >= n or events[title + 1][1] != "DefinitionListDefinition":
            return None
        colon = events[title + 1][3]
        if src[colon] != 58:
            return None
        if src[colon + 1:colon + 2] in (b"", b" ", b"\t", b"\r", b"\n") and not (
                events[title + 2][:2] == ("End", "DefinitionListDefinition")
                and _LONE_COLON.match(src, colon)):
            return None
        definition = self._end(title + 2)
        if definition + 1 >= n or events[definition + 1][:2] != ("End", "DefinitionList") \
                or self.inline_run(i + 2) != title or self.inline_run(title + 2) != definition:
            return None
        for stop in (events[definition][4], events[definition + 1][4]):
            if _SETEXT.match(src, stop):
                raise _Fallback  # ``-`` or ``=`` under it: a heading to Goldmark
        nl = src.rfind(b"\n", events[i][3], colon)
        if nl == -1:
            raise _Fallback
        tokens = self.tokens(i + 2, title)
        self.line_break(tokens, nl, colon)
        self.append_text(tokens, ":", colon, colon + 1)
        for token in self.tokens(title + 2, definition):
            if token[0] == "text":
                self.append_text(tokens, token[1], token[2], token[3])
            else:
                tokens.append(token)
        first = i > 0 and events[i - 1][1] == "Item"
        text = self.inline(i + 2, title, events[i][3], first, tokens=tokens)
        out.append(self.paragraph(text) if self.plain else "<p>" + text + "</p>\n")
        return definition + 2

    def term_lines(self, i: int, end: int) -> list[tuple[int, int]]:
        """The inline events ``i:end`` of a term, cut at its line breaks: Goldmark parses each
        line of the paragraph before a ``:`` as a term of its own, so a span that runs on over
        a line break, or a hard break (whose marks Goldmark trims as the line's end), is read
        otherwise there (left to markdown-it)."""
        events = self.events
        lines = []
        depth = 0
        first = i
        for k in range(i, end):
            key = events[k][0]
            if key == "SoftBreak":
                if depth:
                    raise _Fallback
                lines.append((first, k))
                first = k + 1
            elif key == "Start":
                depth += 1
            elif key == "End":
                depth -= 1
            elif key == "HardBreak":
                raise _Fallback
        lines.append((first, end))
        return lines

    def _end(self, i: int) -> int:
        """The index of the End event that closes the container whose content starts at i."""
        events = self.events
        depth = 0
        while True:
            key = events[i][0]
            if key == "Start":
                depth += 1
            elif key == "End":
                if not depth:
                    return i
                depth -= 1
            i += 1

    def block(self, name: str, payload: Any, start: int, stop: int, i: int,
              out: list[str]) -> int:
        src = self.src
        if name == "Paragraph":
            if src[start] == 58 and src[start + 1:start + 2] in _GAP:
                raise _Fallback  # a definition (Goldmark's definition list)
            end = self._end(i + 1)
            first = i > 0 and self.events[i - 1][1] == "Item"
            text = self.inline(i + 1, end, start, first)
            out.append(self.paragraph(text) if self.plain else "<p>" + text + "</p>\n")
            return end + 1
        if name == "Item":
            tight = self.events[i + 1][5]
            out.append(self.tag("<li>" if tight else "<li>\n"))
            end = self.blocks(i + 1, out)
            if tight and end + 1 < len(self.events) and self.events[end + 1][1] == "Item" \
                    and not (self.counted or self.loose) \
                    and _BLANK_END.search(src, max(start, stop - 16), stop):
                # an item that ends in a blank line (an unclosed fence's) makes the list
                # loose to markdown-it and Goldmark, not to pulldown-cmark (which changes
                # where paragraphs end, not a word: counted, it is read on)
                raise _Fallback
            out.append(self.tag("</li>\n"))
            return end + 1
        if name == "List":
            tag = "ul" if payload is None else "ol"
            out.append(self.tag(f"<{tag}>\n"))
            end = self.blocks(i + 1, out)
            out.append(self.tag(f"</{tag}>\n"))
            return end + 1
        if name == "Heading":
            if b"{" in src[start:stop]:
                self.no_attributes(src[start:stop].rstrip(b" \t\r\n"))
            level = payload["level"][1]
            end = self._end(i + 1)
            text = self.inline(i + 1, end, start, strip=True)
            out.append(text + "\n" if self.plain else f"<h{level}>{text}</h{level}>\n")
            return end + 1
        if name == "CodeBlock":
            end = self._end(i + 1)
            code = "".join(e[2] for e in self.events[i + 1:end])
            if payload == "Indented":
                out.append(escape(code) + "\n" if self.plain
                           else f"<pre><code>{escape(code)}</code></pre>\n")
            elif self.plain:
                out.append(go_escape(code))
            else:
                out.append(code_block(code, payload["Fenced"]))
            return end + 1
        if name == "BlockQuote":
            out.append(self.tag("<blockquote>\n"))
            end = self.blocks(i + 1, out)
            out.append(self.tag("</blockquote>\n"))
            return end + 1
        if name == "HtmlBlock":
            end = self._end(i + 1)
            if self.unsafe and self.plain:
                raise _Fallback  # kept raw HTML: for Go's tokenizer to strip (hugo.strip_html)
            html = "".join(e[2] for e in self.events[i + 1:end])
            out.append(html if self.unsafe else self.tag("<!-- raw HTML omitted -->\n"))
            return end + 1
        if name == "Table":
            return self.table(i, out)
        if name in ("TableHead", "TableRow"):
            out.append(self.tag("<thead>\n<tr>\n" if name == "TableHead" else "<tr>\n"))
            end = self.blocks(i + 1, out)
            out.append(self.tag("</tr>\n</thead>\n" if name == "TableHead" else "</tr>\n"))
            return end + 1
        if name == "TableCell":
            end = self._end(i + 1)
            tag = self.cell_tag
            text = self.inline(i + 1, end, start, cell=stop)
            out.append(text + "\n" if self.plain else f"<{tag}>{text}</{tag}>\n")
            return end + 1
        if name == "DefinitionList":
            colon = self.colon_line(i, out)
            if colon is not None:
                return colon
            out.append(self.tag("<dl>\n"))
            end = self.blocks(i + 1, out)
            out.append(self.tag("</dl>\n"))
            if _SETEXT.match(src, self.events[end][4]):
                raise _Fallback  # ``-`` or ``=`` under it: a heading to markdown-it
            return end + 1
        if name == "DefinitionListTitle":
            end = self._end(i + 1)
            for head, tail in self.term_lines(i + 1, end):
                # a term of several lines: Goldmark makes each line a term of its own
                text = self.inline(head, tail, start if head == i + 1
                                   else self.events[head][3], strip=True)
                out.append(text + "\n" if self.plain else "<dt>" + text + "</dt>\n")
            return end + 1
        if name == "DefinitionListDefinition":
            return self.definition(i, start, out)
        if name == "FootnoteDefinition":
            self._spelling(payload, start)
            note: list[str] = []
            end = self.blocks(i + 1, note)
            self.notes[payload] = note  # markdown-it keeps the last definition of a label
            return end + 1
        raise _Fallback

    @staticmethod
    def paragraph(text: str) -> str:
        """A paragraph's plain text: its ``</p>`` a NUL, and a placeholder alone marked."""
        if text.startswith("HAHAHUGOSHORTCODE-") and _PLACEHOLDER.fullmatch(text):
            return "\1" + text + "\0\n"
        return text + "\0\n"

    def definition(self, i: int, start: int, out: list[str]) -> int:
        """A definition as Goldmark writes it: tight (its first paragraph bare) when no blank
        line comes before its ``:``, whatever pulldown-cmark thinks."""
        src = self.src
        eol = src.find(b"\n", start)
        if src[start + 1:start + 2] not in (b" ", b"\t") \
                or not src[start + 1:eol if eol != -1 else len(src)].strip():
            raise _Fallback  # ``:smile:`` or ``:`` alone is a definition to pulldown-cmark only
        line = src.rfind(b"\n", 0, start)
        tight = line == -1 or src[src.rfind(b"\n", 0, line) + 1:line].strip() != b""
        events = self.events
        end = self._end(i + 1)
        j = i + 1
        if j < end and (events[j][5] or events[j][1] == "Paragraph"):
            bare = events[j][5]
            stop = self.inline_run(j) if bare else self._end(j + 1)
            text = self.inline(j if bare else j + 1, stop, events[j][3])
            j = stop if bare else stop + 1
            if tight:
                out.append(self.tag("<dd>") + text + ("" if j == end else "\n"))
            elif self.plain:
                out.append("\n" + self.paragraph(text))
            else:
                out.append("<dd>\n<p>" + text + "</p>\n")
        else:
            out.append(self.tag("<dd>\n"))
        j = self.blocks(j, out)
        out.append(self.tag("</dd>\n"))
        return j + 1

    def table(self, i: int, out: list[str]) -> int:
        events = self.events
        out.append(self.tag("<table>\n"))
        self.cell_tag = "th"
        i += 1
        body = False
        while events[i][0] != "End":
            _, name, payload, start, stop, _ = events[i]
            if name == "TableRow" and not body:
                out.append(self.tag("<tbody>\n"))
                body = True
                self.cell_tag = "td"
            i = self.block(name, payload, start, stop, i, out)
        out.append(self.tag("</tbody>\n</table>\n" if body else "</table>\n"))
        if i + 1 < len(events) and events[i + 1][3] == events[i][4] \
                and events[i + 1][1] == "Paragraph":
            raise _Fallback  # a line pulldown-cmark ends the table at (``|`` alone), Goldmark not
        return i + 1

    def _spelling(self, label: str, start: int) -> None:
        """markdown-it matches footnote labels as written, pulldown-cmark folds case."""
        written = self.src[start:self.src.find(b"]", start)]
        if self.spellings.setdefault(label.casefold(), written) != written:
            raise _Fallback

    def footnotes(self) -> str:
        tag = self.tag
        out = [tag('<div class="footnotes" role="doc-endnotes">\n<hr>\n<ol>\n')]
        para = tag("</p>\n")  # how a paragraph ends, here a NUL and a newline when plain
        for label, n in self.ids.items():
            blocks = list(self.notes.get(label, []))
            back = tag(_BACKREF.format(n=n)) * self.refs[label]
            if blocks and blocks[-1].endswith(para):
                blocks[-1] = blocks[-1][:-len(para)] + back + para
            else:
                blocks.append(back)
            out.append(tag(f'<li id="fn:{n}">\n') + "".join(blocks) + tag("</li>\n"))
        out.append(tag("</ol>\n</div>\n"))
        return "".join(out)

    # -- inline --------------------------------------------------------------------------

    def inline(self, i: int, end: int, start: int, first: bool = False, cell: int = 0,
               strip: bool = False, tokens: list[Token] | None = None) -> str:
        """The inline events ``i:end`` as Goldmark writes them (``start``: where their
        container starts; ``first``: a list item's first paragraph, where ``[ ]`` is a task
        box; ``cell``: a table cell's end; ``strip``: a heading or cell, trimmed; ``tokens``:
        those of the events, when made already)."""
        if (self.counted or self.loose or self.runs) and tokens is None:
            # A list item's first paragraph too, where no ``[`` can make a task box.
            counted = self.counted_text(i, end, self.runs and not (self.counted or self.loose))
            if counted is not None and (self.counted or _CHANGED.search(counted) is None) \
                    and not (first and "[" in counted):
                return counted
        if tokens is None:
            tokens = self.tokens(i, end)
        if strip and tokens:  # markdown-it strips a heading as Python does (NBSP too)
            if tokens[0][0] == "text":
                tokens[0] = ("text", tokens[0][1].lstrip(), *tokens[0][2:])
            if tokens[-1][0] == "text":
                tokens[-1] = ("text", tokens[-1][1].rstrip(), *tokens[-1][2:])
        out: list[str] = []
        depth = label = 0  # label: inside a link's text (not an autolink's)
        autolink = False
        skip = 0
        for k, (kind, text, begin, stop) in enumerate(tokens):
            if skip:
                skip += (kind == "open") - (kind == "close")
            elif kind == "text":
                if self.counted and not (first and depth == 0 and "[" in text):
                    out.append(text)
                elif autolink or (_CANDIDATE.search(text) is None and not (
                        first and depth == 0 and "[" in text)):
                    out.append(escape(text))
                else:
                    before = self.char_before(begin) if begin > start else "\n"
                    tail = self.tail(stop, tokens, k, cell)
                    if first and depth == 0 and _TASK_BOX.search(text):
                        out.append(self.task_text(text, before, tail))
                    else:
                        out.append(self.text(text, before, tail, linkify=not label))
            elif kind == "br" or kind == "close":
                out.append(self.tag(text))
                if kind == "close":
                    depth -= 1
                    label -= text == "</a>" and label > 0
                    autolink = False
            elif kind == "special":
                out.append(escape(text))
            elif kind == "code":
                out.append(escape(text) if self.plain else f"<code>{escape(text)}</code>")
            elif kind == "html":
                if self.unsafe and self.plain:
                    raise _Fallback  # kept raw HTML: for Go's tokenizer to strip
                out.append(text if self.unsafe else self.tag("<!-- raw HTML omitted -->"))
            elif kind == "open":
                if not self.plain:
                    out.append(self.open(text, begin))
                if text[0] == "Image":
                    skip = 1  # its alt text is not shown
                else:
                    depth += 1
                    autolink = text[1] is not None and text[1]["link_type"] in (
                        "Autolink", "Email")
                    label += text[0] == "Link" and not autolink
            elif kind == "note":
                out.append(self.note(text, begin))
        return "".join(out)

    def counted_text(self, i: int, end: int, breaks: bool = False) -> str | None:
        """Once the text is only counted: the inline events ``i:end`` as plain text with the
        same words as ``inline`` writes (only white space may differ), where they are text,
        code, line breaks, emphasis and written links alone; else None (``inline`` it is).
        No tokens made, nothing escaped or typeset. ``breaks``: where the white space may
        differ only in runs that do not start with a line break (``render``'s ``runs``): None
        for a hard break (``inline`` writes a NUL there, a sentence end once it is a line
        break, after any tab kept before it), and for a soft break ``line_break`` reads as one
        (after two spaces or a backslash); a soft break is a newline either way, and the rest
        of the white space ``line_break`` keeps before it, tabs and spaces, starts no line."""
        events, src = self.events, self.src
        parts = []
        broken = False
        for k in range(i, end):
            key, name, value, begin, _, _ = events[k]
            if key == "Text":
                if broken and value[:1] == ":" and src[begin + 1:begin + 2] in _GAP:
                    return None  # perhaps a definition: see tokens
                parts.append(value)
                broken = False
            elif key == "SoftBreak" or key == "HardBreak":
                if breaks and (key == "HardBreak" or src[begin - 1] == 92
                               or src[begin - 2:begin] == b"  "):
                    return None
                parts.append("\n")
                broken = True
            elif key == "Code":
                parts.append(value)
                broken = False
            elif key == "Start" or key == "End":
                # emphasis, strong and a written link add only tags; an autolink, an image
                # (its alt text is not shown) and ``~one tilde~`` are inline()'s to write
                if name == "Link":
                    if key == "Start" and value["link_type"] in ("Autolink", "Email"):
                        return None
                elif name != "Emphasis" and name != "Strong":
                    return None
            else:
                return None
        return "".join(parts)

    def open(self, info: tuple[str, Any], begin: int) -> str:
        name, payload = info
        if name == "Image":
            return f'<img src="{escape(payload["dest_url"])}" alt="">'
        if name == "Link":
            mailto = "mailto:" if payload["link_type"] == "Email" else ""
            href = escape(mailto + payload["dest_url"])
            title = payload["title"]
            return f'<a href="{href}" title="{escape(title)}">' if title else f'<a href="{href}">'
        return f"<{_INLINE_TAGS[name]}>"

    def note(self, label: str, begin: int) -> str:
        self._spelling(label, begin)
        n = self.ids.setdefault(label, len(self.ids) + 1)
        self.refs[label] = self.refs.get(label, 0) + 1
        if self.plain:
            return str(n)
        return (f'<sup id="fnref:{n}"><a href="#fn:{n}" class="footnote-ref" '
                f'role="doc-noteref">{n}</a></sup>')

    def tokens(self, i: int, end: int) -> list[Token]:
        """The inline events as markdown-it's tokens: contiguous text joined, an escaped
        character or an entity on its own (Goldmark's typographer never sees them)."""
        src = self.src
        out: list[Token] = []
        events = self.events
        last_end = -1  # where the last leaf event ended
        while i < end:
            key, name, value, begin, stop, _ = events[i]
            i += 1
            if key == "Text":
                if not value:
                    continue  # pulldown-cmark's empty text (``### `x` ###``): nothing there
                if begin and src[begin - 1] == 92 and src[begin] in _ASCII_PUNCT \
                        and last_end != begin:  # a backslash escape
                    out.append(("special", value[0], begin - 1, begin + 1))
                    value, begin = value[1:], begin + 1
                    if not value:
                        last_end = stop
                        continue
                if src[begin:stop].decode("utf-8", "replace") != value:
                    out.append(("special", value, begin, stop))  # an entity
                elif out and out[-1][3] == begin and out[-1][0] == "text":
                    out[-1] = ("text", out[-1][1] + value, out[-1][2], stop)
                else:
                    if value[0] == ":" and out and out[-1][0] == "br" \
                            and src[begin + 1:begin + 2] in _GAP:
                        raise _Fallback  # a definition (Goldmark's definition list)
                    out.append(("text", value, begin, stop))
            elif key == "SoftBreak" or key == "HardBreak":
                self.line_break(out, begin, stop)
            elif key == "Code":
                out.append(("code", value, begin, stop))
            elif key == "InlineHtml":
                if out and out[-1][3] == begin and out[-1][0] == "text" \
                        and out[-1][1].endswith("<"):
                    # ``<<b>``: Goldmark reads ``<<`` as a quote mark before it sees a tag
                    out[-1] = ("text", out[-1][1] + value, out[-1][2], stop)
                else:
                    out.append(("html", value, begin, stop))
            elif key == "FootnoteReference":
                out.append(("note", value, begin, stop))
            elif key == "Start":
                if name == "Link" and value["link_type"] in ("Autolink", "Email") and out \
                        and out[-1][3] == begin and out[-1][0] == "text" \
                        and out[-1][1].endswith("<"):
                    # ``<<https://x>>``: the autolink is text after Goldmark's ``<<``
                    close = self._end(i)
                    stop = events[close][4]
                    out[-1] = ("text", out[-1][1] + src[begin:stop].decode(), out[-1][2], stop)
                    i = close + 1
                    last_end = stop
                    continue
                if name == "Strikethrough" and src[begin + 1] != 126:
                    # ``~one tilde~``: text to Goldmark, its tildes too
                    self.tildes.append(stop)
                    self.append_text(out, "~", begin, begin + 1)
                    last_end = begin + 1
                    continue
                out.append(("open", (name, value), begin, stop))
                continue
            elif key == "End":
                if name == "Strikethrough" and self.tildes and self.tildes[-1] == stop:
                    self.tildes.pop()
                    self.append_text(out, "~", stop - 1, stop)
                    last_end = stop
                    continue
                tag = "</a>" if name == "Link" else (
                    "" if name == "Image" else f"</{_INLINE_TAGS[name]}>")
                out.append(("close", tag, begin, stop))
                continue
            else:
                raise _Fallback
            last_end = stop
        return out

    @staticmethod
    def append_text(out: list[Token], text: str, begin: int, stop: int) -> None:
        """Add text, joined to the text before it when they touch in the source."""
        if out and out[-1][3] == begin and out[-1][0] == "text":
            out[-1] = ("text", out[-1][1] + text, out[-1][2], stop)
        else:
            out.append(("text", text, begin, stop))

    def line_break(self, out: list[Token], begin: int, stop: int) -> None:
        """A line break as markdown-it makes it: hard after ``\\`` or two spaces, and the other
        white space before the newline kept as text (one trailing space dropped)."""
        src = self.src
        nl = src.find(b"\n", begin, stop)
        end = nl - 1 if nl > 0 and src[nl - 1] == 13 else nl
        at = end
        while at > 0 and src[at - 1] in b" \t":
            at -= 1
        ws = src[at:end]
        if ws.endswith(b"  "):
            kept, tag = ws.rstrip(b" "), "<br>\n"
        elif not ws and at > 0 and src[at - 1] == 92 and begin < end:
            kept, tag = b"", "<br>\n"
        else:
            kept, tag = (ws[:-1] if ws.endswith(b" ") else ws), "\n"
        if kept:
            text = kept.decode()
            if out and out[-1][0] == "text" and out[-1][3] == at:
                out[-1] = ("text", out[-1][1] + text, out[-1][2], at + len(kept))
            else:
                out.append(("text", text, at, at + len(kept)))
        out.append(("br", tag, begin, stop))

    def char_before(self, at: int) -> str:
        """The character that ends just before byte ``at``."""
        src = self.src
        i = at - 1
        while i > 0 and src[i] & 0xC0 == 0x80:
            i -= 1
        return src[i:at].decode("utf-8", "replace")

    def tail(self, stop: int, tokens: list[Token], k: int, cell: int) -> str:
        """The source after a text up to its line's end, as Goldmark peeks at it: with the
        newline unless the paragraph ends on this line; inside a cell, up to the cell's end."""
        src = self.src
        if cell:
            return src[stop:min(cell, stop + 16)].rstrip(b" \t\r\n").decode("utf-8", "ignore")
        eol = src.find(b"\n", stop, stop + 16)
        chunk = src[stop:stop + 16] if eol == -1 else src[stop:eol + 1]
        if not any(t[0] == "br" for t in tokens[k + 1:]):  # the paragraph's last line
            chunk = chunk.rstrip(b" \t\r\n")
        return chunk.decode("utf-8", "ignore")

    def text(self, text: str, before: str, tail: str, lead: str | None = None,
             linkify: bool = True) -> str:
        """Text with Goldmark's typography (``before``: the source character before it);
        ``linkify``: not in a link's text (see goldmark.Renderer.text)."""
        if _CANDIDATE.search(text) is None:
            return escape(text)
        urls = _url_spans(text) if linkify and ("://" in text or "www." in text) else None
        return typeset(text, urls, lambda: lead or before, lambda: tail, self.counter)

    def task_text(self, text: str, before: str, tail: str) -> str:
        """Goldmark's task list: a ``[ ]``, ``[x]`` or ``[X]`` anywhere in a list item's first
        paragraph is a check box, and it takes the spaces after it."""
        out: list[str] = []
        done = 0
        for m in _TASK_BOX.finditer(text):
            out.append(self.text(text[done:m.start()], text[done - 1] if done else before, tail))
            checked = 'checked="" ' if m.group(1) in "xX" else ""
            out.append(" " if self.plain else f'<input {checked}disabled="" type="checkbox"> ')
            done = m.end()
        out.append(self.text(text[done:], text[done - 1] if done else before, tail))
        return "".join(out)
