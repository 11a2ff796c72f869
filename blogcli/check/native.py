"""Links and anchors of one post in one pass of pulldown-cmark (pyromark), the parser Zola uses.

``scan_post`` here returns what ``links.scan_post`` returns (a differential test holds the two
equal), 20-40 times faster: every event carries its byte range in the body, so each link is
placed exactly instead of being searched for in the block's text. Engine tags (Hugo shortcodes,
Liquid) and raw-HTML attributes are still read with links.py's patterns.
"""

from __future__ import annotations

import bisect
import html
import re
from array import array
from collections import Counter
from functools import cache
from itertools import accumulate
from typing import TYPE_CHECKING, Any, NamedTuple, Protocol

from blogcli.check import bareurls, rendered
from blogcli.check.anchors import heading_ids
from blogcli.check.links import (
    A_CLOSE,
    A_OPEN,
    KRAMDOWN_SPACED,
    Link,
    Scan,
    _doubled,
    _engine_links,
    _kramdown,
    _split_id,
    drop_bare_in_tags,
    inside,
    spans,
    verbatim_lines,
)
from blogcli.text import blocks

if TYPE_CHECKING:
    import pyromark

    from blogcli.post import Post

HTML_TAG = re.compile(rb"<[a-zA-Z][^<>]*>", re.DOTALL)
HTML_COMMENT = (re.compile("<!--"), {"": re.compile("-->")})
HTML_ATTR = re.compile(rb"""\s(href|src|id|name)\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'=<>`]+))""",
                       re.IGNORECASE)
# What may sit between "](" or "]:" and the destination: blanks, one line break, the line's
# block-quote markers, and the "<" of a bracketed destination.
DEST_GAP = re.compile(rb"[ \t]*(?:\r?\n[ \t>]*)?<?")
# Reference-style uses: the definition is reported instead, where it can be fixed.
REFERENCE_USES = frozenset(("Reference", "Collapsed", "Shortcut"))
# The blocks whose first line decides, as markdown-it's token map does, whether they are code.
LEAVES = frozenset(("Paragraph", "TableCell", "HtmlBlock"))
BLOCK_STARTS = LEAVES | {"Heading", "Item"}
# Inline marks: they neither start a block line nor hold a place of their own.
INLINE_MARKS = frozenset(("Emphasis", "Strong", "Strikethrough"))
# The first bytes DEST_GAP can take: after any other, the destination starts right there.
GAP_STARTS = frozenset((b" ", b"\t", b"\r", b"\n", b"<"))
# The tail of links.KRAMDOWN_SPACED from its "](" on, which the regex engine finds by that
# literal: a file without a match has no spaced target, and most files are ruled out so.
# Possessive (``*+``): a destination's characters before its first blank are never given back
# one by one to look for the blank among them (none is one): 5 -> ~1 us on a bench post.
SPACED_HINT = re.compile(r"\]\([^()<>\n\s]*+\s[^()<>\n]*?\)")


@cache
def parser(tables: bool, footnotes: bool, attributes: bool) -> pyromark.Markdown:
    """CommonMark with strikethrough, and tables, footnotes and ``{#id}`` headings if asked."""
    import pyromark

    options = pyromark.Options.ENABLE_STRIKETHROUGH
    if tables:
        options |= pyromark.Options.ENABLE_TABLES
    if footnotes:
        options |= pyromark.Options.ENABLE_FOOTNOTES
    if attributes:
        options |= pyromark.Options.ENABLE_HEADING_ATTRIBUTES
    return pyromark.Markdown(options=options)


# More links than this to one target (of one kind) in one file are counted, not kept: their
# findings would all be the same, and 1.3 million Link objects took hundreds of megabytes.
KEEP = 100


class _Body(Protocol):
    @property
    def body(self) -> str: ...
    @property
    def body_line(self) -> int: ...


class _Piece(NamedTuple):
    body: str
    body_line: int


def scan_post(post: Post, profile: str, linkify: bool | None = None) -> Scan:
    """Links and anchors of ``post``, the same as ``links.scan_post`` gives them, except that
    past ``KEEP`` links to one target only the first of the rest is kept, in ``repeats``.

    A long body is read in pieces cut where no block runs across (text/blocks.py), so only
    one piece's events are in memory at a time."""
    source = post.body.replace("\r\n", "\n").replace("\r", " ")
    cut = blocks.pieces(source)
    if cut is None or (("{%" in source or "{{" in source) and verbatim_lines(source)):
        scan = _scan_whole(post, profile, linkify)
        if len(scan.links) > KEEP:  # (at most KEEP links in all: none to collapse)
            scan.links = _collapse(scan.links, {}, scan.repeats)
        return scan
    scan = Scan()
    kept: dict[tuple[str, str], int] = {}
    for start, end, line, column, plain in cut:
        if plain and "&" not in source[start:end] and "\\" not in source[start:end]:
            scan.links.extend(_plain_links(source, start, end, (post.body_line + line,
                                           start - column), kept, scan.repeats))
            continue
        part = _scan_whole(_Piece(source[start:end], post.body_line + line), profile, linkify)
        if column:  # a piece of one long line, all of it on that line
            part.links = [Link(k.target, k.line, k.column + column, k.kind) for k in part.links]
        scan.links.extend(_collapse(part.links, kept, scan.repeats))
        scan.anchors.extend(part.anchors[len(part.headings):])  # the ids are made below
        scan.headings.extend(part.headings)
        scan.anchors_certain = scan.anchors_certain and part.anchors_certain
    ids, _ = heading_ids(scan.headings, profile)
    scan.anchors = ids + scan.anchors
    return scan


def _plain_links(source: str, start: int, end: int, place: tuple[int, int],
                 kept: dict[tuple[str, str], int],
                 repeats: dict[tuple[str, str], tuple[Link, int]]) -> list[Link]:
    """``_collapse`` of the links in ``source[start:end]``, a piece of words and plain
    ``[text](dest)`` links only (blocks.py), each placed where its destination is written;
    ``place`` is the file line and where that line starts in ``source``."""
    counts = Counter(blocks.SIMPLE_DEST.findall(source, start, end))
    if all((dest, "link") in repeats for dest in counts):  # each only counted on: no Link made
        for dest, count in counts.items():
            first, more = repeats[dest, "link"]
            repeats[dest, "link"] = (first, more + count)
            kept[dest, "link"] += count
        return []
    line, begin = place
    return _collapse([Link(m.group(2), line, m.start(2) - begin + 1, "link")
                      for m in blocks.SIMPLE_LINK.finditer(source, start, end)], kept, repeats)


def _collapse(links: list[Link], kept: dict[tuple[str, str], int],
              repeats: dict[tuple[str, str], tuple[Link, int]]) -> list[Link]:
    """``links`` up to ``KEEP`` to each target and kind (counted on in ``kept``); each one past
    that counted in ``repeats``, the first of them kept there with the count."""
    out = []
    for link in links:
        key = (link.target, link.kind)
        count = kept.get(key, 0)
        kept[key] = count + 1
        if count < KEEP:
            out.append(link)
        elif key in repeats:
            first, more = repeats[key]
            repeats[key] = (first, more + 1)
        else:
            repeats[key] = (link, 1)
    return out


def _scan_whole(post: _Body, profile: str, linkify: bool | None) -> Scan:
    """``scan_post`` of a body parsed whole: read from its HTML where that is certain, else
    from its events."""
    if linkify is None:
        linkify = bareurls.linkify_on(profile, {})
    return scan_html(post, profile, linkify) or walk(post, profile, linkify)


def scan_html(post: _Body, profile: str, linkify: bool) -> Scan | None:
    """``walk(post, profile, linkify)`` read from the body's HTML (rendered.py), or None
    where the HTML could hold something else."""
    source = post.body.replace("\r\n", "\n").replace("\r", " ")
    if not rendered.eligible(source) or _spaced(source, profile):
        return None
    return rendered.scan(source, parser(False, False, profile == "zola").html(source),
                         post.body_line - 1, profile, linkify and bareurls.may_hold(source))


def walk(post: _Body, profile: str, linkify: bool) -> Scan:
    """``scan_post`` of a body parsed whole, from pulldown-cmark's events."""
    # A lone CR is a line break to CommonMark; editors and post.py do not break there.
    source = post.body.replace("\r\n", "\n").replace("\r", " ")
    raw = source.encode()
    walker = _Walker(raw, post.body_line - 1, verbatim_lines(source),
                     profile if linkify and bareurls.may_hold(source) else None)
    # Zola's headings take {#id} as pulldown-cmark reads it; the others' as links.py reads it.
    zola = profile == "zola"
    md = parser("|" in source, "[^" in source, zola)
    walker.walk(md.events_with_range(source), zola)
    if "]:" in source:  # a second, block-only pass; no definition is possible without "]:"
        walker.definitions(md.reference_definitions(source))
    walker.place()
    scan = walker.scan
    # kramdown (Jekyll, GitHub Pages) also reads {: #id} lists and link targets with spaces.
    kramdown = ("{:" in source and profile in ("jekyll", "plain")) or _spaced(source, profile)
    if "{" in source or kramdown or "]((" in source:
        lines = source.split("\n")
        if "{" in source:
            _engine_links(lines, walker.offset, walker.code, scan)
        if kramdown:
            _kramdown(lines, walker.offset, walker.code, scan)
        if "]((" in source:
            _doubled(lines, walker.offset, walker.code, scan)
        if walker.bare and "{" in source:
            scan.links = drop_bare_in_tags(lines, scan.links, post.body_line)
    if walker.code:
        scan.links = [k for k in scan.links if k.line - post.body_line not in walker.code]
    scan.links.sort(key=lambda link: (link.line, link.column))
    ids, certain = heading_ids(walker.headings, profile)
    scan.anchors = ids + scan.anchors
    scan.headings = walker.headings
    scan.anchors_certain = certain and "{{" not in source and "{%" not in source
    return scan


def _spaced(source: str, profile: str) -> bool:
    """Does kramdown read a link target with spaces in ``source``, where CommonMark reads text?"""
    return profile in ("jekyll", "plain") and "](" in source \
        and SPACED_HINT.search(source) is not None and KRAMDOWN_SPACED.search(source) is not None


class _Walker:
    """Reads the events of one body, keeping what ``Scan`` needs."""

    def __init__(self, raw: bytes, offset: int, code: set[int], bare: str | None) -> None:
        self.raw = raw
        self.offset = offset
        self.code = code
        self.bare = bare
        self.ascii = raw.isascii()
        self._starts: array[int] | None = None
        self.scan = Scan()
        self.found: list[tuple[str, int, str]] = []  # links as (target, byte index, kind)
        self.headings: list[tuple[str, str | None]] = []
        self.last = (-1, 0, 0)  # (row, byte index, column) of the last place given

    @property
    def starts(self) -> array[int]:
        """Where each line of the body starts: made when a place is first asked for (most
        of a long post's prose asks none), as machine integers (8 bytes a line, not 36)."""
        if self._starts is None:
            self._starts = array("q", [0])
            lines = self.raw.split(b"\n")
            lines.pop()  # the last line's end starts nothing
            self._starts.extend(accumulate(len(line) + 1 for line in lines))
        return self._starts

    def position(self, index: int) -> tuple[int, int]:
        """(line, column), 1-based in the file, of the body's byte ``index``."""
        row = bisect.bisect_right(self.starts, index) - 1
        start = self.starts[row]
        if self.ascii:
            return self.offset + row + 1, index - start + 1
        # Characters are counted on from the last place on the same line, so that many links
        # on one long non-ASCII line cost the line's length once, not once per link.
        last_row, last_index, last_column = self.last
        if last_row == row and last_index <= index:
            start, base = last_index, last_column
        else:
            base = 0
        column = base + len(self.raw[start:index].decode(errors="replace"))
        self.last = (row, index, column)
        return self.offset + row + 1, column + 1

    def line(self, index: int) -> int:
        """0-based body line of byte ``index``."""
        return bisect.bisect_right(self.starts, index) - 1

    def add(self, target: str, index: int, kind: str) -> None:
        """Keep a link found at the body's byte ``index``; ``place`` says where it is."""
        self.found.append((target, index, kind))

    def place(self) -> None:
        """Each link kept by ``add``, with its line and column, into the scan, in order."""
        out = self.scan.links
        if not self.ascii:
            for target, index, kind in self.found:
                line, column = self.position(index)
                out.append(Link(target, line, column, kind))
        elif self.found:
            starts, offset = self.starts, self.offset
            for target, index, kind in self.found:
                row = bisect.bisect_right(starts, index) - 1
                out.append(Link(target, offset + row + 1, index - starts[row] + 1, kind))
        self.found = []

    def walk(self, events: Any, zola: bool) -> None:
        """One pass over ``(event, range)`` pairs.

        Most of a cold check's scan is spent here, once per event (about 90 for a short
        post), so the common events (text, inline marks, paragraphs) take the fewest steps
        and ranges are read only where a place is needed.
        """
        raw = self.raw
        code_lines = self.code
        # Bare addresses are looked for only in text runs that hold "http" or "www." (a
        # hint): the next hint after a run's start is found when a run starts past the last
        # one, a search that moves forward through the body once.
        bare = self.bare is not None
        ahead = ahead_for = -1  # the first hint at or after ahead_for, the run's start
        nexts = [-1, -1]        # the first "http" and the first "www." at or after it
        skip = False    # inside a block that starts on a code line (markdown-it skips those)
        code = False    # inside a code block
        links: list[list[Any]] = []   # open links/images: [info, start, end of their text]
        heading: list[str] | None = None
        heading_id: str | None = None
        image = 0       # > 0 inside an image's alt text: no links or heading text there
        anchor = 0      # > 0 inside a link or a raw <a> element: no bare links there
        fresh = True    # nothing inline yet on this line of the block: a bare link may start
        run = -1        # start of the text run being read for bare links, -1 if none
        run_end = -1
        run_fresh = True
        for event, span in events:
            if type(event) is str:  # SoftBreak, HardBreak, Rule
                if run >= 0:
                    if ahead <= run_end - 4:
                        self._bare(run, run_end, run_fresh)
                    run = -1
                if heading is not None and not image:
                    heading.append(" ")
                fresh = True
                continue
            text = event.get("Text")
            if text is not None:
                if code or skip:
                    continue
                if links:
                    end = span["end"]
                    if end > links[-1][2]:
                        links[-1][2] = end
                if heading is not None and not image:
                    heading.append(text)
                if bare and not anchor and not image:
                    start = span["start"]
                    if run < 0 or start != run_end:
                        if run >= 0 and ahead <= run_end - 4:
                            self._bare(run, run_end, run_fresh)
                        run, run_fresh = start, fresh
                        if not ahead_for <= start <= ahead:  # runs come in order: rarely
                            if start < ahead_for:
                                nexts = [-1, -1]
                            ahead_for, ahead = start, _next_hint(raw, start, nexts)
                    run_end = span["end"]
                fresh = False
                continue
            if run >= 0:
                if ahead <= run_end - 4:
                    self._bare(run, run_end, run_fresh)
                run = -1
            tag = event.get("Start")
            if tag is not None:
                if type(tag) is str:
                    name = tag
                    if name in INLINE_MARKS:
                        if not skip and links:
                            end = span["end"]
                            if end > links[-1][2]:
                                links[-1][2] = end
                        continue
                else:
                    [name] = tag
                if name in BLOCK_STARTS:
                    skip = bool(code_lines) and self.line(span["start"]) in code_lines
                    fresh = True
                if skip:
                    continue
                if name == "Link" or name == "Image":
                    start = span["start"]
                    if links:
                        links[-1][2] = max(links[-1][2], span["end"])
                    if name == "Link":
                        anchor += 1
                        links.append([tag[name], start, start + 1])
                    else:
                        image += 1
                        links.append([tag[name], start, start + 2])
                    continue
                start, end = span["start"], span["end"]
                if links:
                    links[-1][2] = max(links[-1][2], end)
                if name == "CodeBlock":
                    code = True
                    code_lines.update(range(self.line(start), self.line(max(end - 1, start)) + 1))
                elif name == "HtmlBlock":
                    self._html(self.starts[self.line(start)], raw.find(b"\n", max(end - 1, start)))
                elif name == "Heading":
                    heading = []
                    heading_id = tag[name]["id"] if zola else None
                else:  # paragraphs, items, quotes, tables: a new line of the block
                    fresh = True
                continue
            tag = event.get("End")
            if tag is not None:
                name = tag if type(tag) is str else next(iter(tag))
                if name == "CodeBlock":
                    code = False
                if skip:
                    skip = name not in BLOCK_STARTS
                    continue
                if name == "Link" or name == "Image":
                    info, begin, text_end = links.pop()
                    self._link(info, begin, text_end, name)
                    if name == "Link":
                        anchor -= 1
                    else:
                        image -= 1
                elif name == "Heading" and heading is not None:
                    joined = "".join(heading)
                    if not zola:
                        self.headings.append(_split_id(joined))
                    else:  # the {#id} gone, as _split_id leaves it: no blank before it
                        self.headings.append((joined.rstrip() if heading_id else joined,
                                              heading_id))
                    heading = None
                if links:
                    links[-1][2] = max(links[-1][2], span["end"])
                fresh = False
                continue
            if code or skip:
                continue
            start, end = span["start"], span["end"]
            if links:
                links[-1][2] = max(links[-1][2], end)
            if "Code" in event:
                if heading is not None and not image:
                    heading.append(event["Code"])
            elif "InlineHtml" in event:
                content = event["InlineHtml"]
                if A_OPEN.match(content):
                    anchor += 1
                elif A_CLOSE.match(content) and anchor > 0:
                    anchor -= 1
                self._html(start, end)
            fresh = False
        if run >= 0 and ahead <= run_end - 4:
            self._bare(run, run_end, run_fresh)

    def _link(self, info: dict[str, Any], start: int, text_end: int, name: str) -> None:
        kind = info["link_type"]
        if kind in REFERENCE_USES:
            return
        target = info["dest_url"]
        if kind in ("Autolink", "Email"):
            # <me@example.org> is e-mail, kept as the mailto: link the engine writes.
            if kind == "Email" and not target.lower().startswith("mailto:"):
                target = "mailto:" + target
            self.add(target, start + 1, "link")
            return
        raw = self.raw
        bracket = raw.find(b"](", text_end)
        if bracket < 0:
            return
        at = bracket + 2
        if raw[at:at + 1] in GAP_STARTS:  # most destinations follow "](" at once
            gap = DEST_GAP.match(raw, at)
            at = gap.end() if gap else at
        self.add(target, at, "link" if name == "Link" else "image")

    def definitions(self, defs: dict[str, Any]) -> None:
        """Each reference definition, placed at its destination."""
        for info in defs.values():
            start = info["span"]["start"]
            if self.line(start) in self.code:
                continue
            colon = self.raw.find(b"]:", start)
            gap = DEST_GAP.match(self.raw, colon + 2)
            self.add(info["dest"], gap.end() if gap else colon + 2, "definition")

    def _html(self, start: int, end: int) -> None:
        """href/src as links, id/name as anchors, from the tags in raw HTML (comments skipped)."""
        text = self.raw[start:end if end >= 0 else len(self.raw)]
        hidden = spans(text.decode("latin-1"), HTML_COMMENT) if b"<!--" in text else []
        for tag in HTML_TAG.finditer(text):
            if inside(hidden, tag.start()):
                continue
            for attr in HTML_ATTR.finditer(tag.group(0)):
                group = next(g for g in (2, 3, 4) if attr.group(g) is not None)
                value = attr.group(group).decode()
                if attr.group(1).lower() in (b"id", b"name"):
                    self.scan.anchors.append(value)
                else:
                    self.add(html.unescape(value), start + tag.start() + attr.start(group),
                             "html")

    def _bare(self, start: int, end: int, fresh: bool) -> None:
        """Bare web addresses the engine links in the text between ``start`` and ``end``;
        ``fresh`` when nothing inline comes before it on its line of the block."""
        raw = self.raw
        if self.bare is None or (raw.find(b"http", start, end) < 0
                                 and raw.find(b"www.", start, end) < 0):
            return  # bareurls.may_hold, without decoding the run first
        text = raw[start:end].decode()
        before = "\n" if fresh or start == 0 else \
            self.raw[max(start - 4, 0):start].decode(errors="ignore")[-1:] or "x"
        done, at = 0, start
        for index, url in bareurls.find(text, self.bare, before):
            target = html.unescape(url) if "&" in url else url
            # bytes counted on from the last address, not from the run's start each time
            at += index - done if self.ascii else len(text[done:index].encode())
            done = index
            self.add(bareurls.target(target), at, "bare_url")


def _next_hint(raw: bytes, start: int, nexts: list[int]) -> int:
    """The first "http" or "www." at or after ``start`` (past the body if none); ``nexts``
    keeps the first of each found so far, searched again only once ``start`` passes it."""
    for index, word in enumerate((b"http", b"www.")):
        if nexts[index] < start:
            found = raw.find(word, start)
            nexts[index] = found if found >= 0 else len(raw) + 8
    return min(nexts)
