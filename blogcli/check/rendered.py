"""Links and headings of a plain post read from pulldown-cmark's HTML, which pyromark renders in
Rust: on the check bench's posts the HTML takes 8 us and reading it ~45 us, where building
and walking the events in Python (native._Walker) took ~155 us, most of a cold check's scan.

Only a post in which the HTML cannot mean anything else is read so (``scan`` says None
otherwise, and native.py walks the events as before; a differential test and
bench/native_diff.py hold the two equal). Such a post has no raw HTML, entity, backslash
escape, engine tag, reference definition, footnote, table or control character, so each
``<a href>`` and ``<img src>`` is an inline link of its own, and each destination is written
in the source as the link has it. The HTML says which ``](dest`` of the source are links; the
source says where they are: a destination counted as often in the HTML as after a ``](`` of
the source is at those places, and one counted otherwise sends the post to the walk.
"""

from __future__ import annotations

import html
import re
from collections import Counter

from blogcli.check.anchors import heading_ids
from blogcli.check.links import Link, Scan

# Anything that would let the HTML hold what the walk reads otherwise, or not hold what the
# walk reads: raw HTML and autolinks, entities, escapes, engine tags and kramdown's {: },
# reference and footnote definitions, tables, images in links, doubled "]((" links.
# (The characters here, the pairs in ``eligible``.) Control characters end a destination.
BLOCKED = re.compile(r"[<&\\{|\x00-\x08\x0b-\x1f\x7f]")
HREF = re.compile(r'<a href="([^"]*)"')
SRC = re.compile(r'<img src="([^"]*)"')
# An image whose description may hold a link (``![a [b](c)](d)``), which the walk reads and
# the HTML has as text, in ``alt``: its "[" comes before the first "](" after the "![" (a
# "](" before it would close the image or belong to another "[").
LINK_IN_IMAGE = re.compile(r"!\[(?:[^\[\]]|\](?!\())*\[")
HEADING_TAG = re.compile(r"<h[1-6]>(.*?)</h[1-6]>", re.DOTALL)
TAG = re.compile(r"<[^>]*>")
# At each "](" of the source: the blanks, one line break and a quote's markers before the
# destination (GAP: skipped as native._Walker._link skips them), then the destination as
# CommonMark reads it where it holds no space and parentheses only one deep. A lookahead, so
# that every "](" is matched, even one inside the destination before it.
# The gap and the destination in groups of their own, so that neither is looked for again.
DESTINATION = re.compile(r"\]\((?=([ \t]*(?:\n[ \t>]*)?)"
                         r"([^ \t\n()]*(?:\([^ \t\n()]*\)[^ \t\n()]*)*))")
# The ASCII characters pulldown-cmark writes into an href as they are; the others and every
# non-ASCII byte are percent-encoded, except & and ' (entities): escape_href in
# pulldown-cmark-escape (a test holds this to pyromark's output).
HREF_SAFE = frozenset("!#$%()*+,-./0123456789:;=?@ABCDEFGHIJKLMNOPQRSTUVWXYZ^_"
                      "abcdefghijklmnopqrstuvwxyz~")
UNSAFE = re.compile(r"[^!#$%()*+,\-./0-9:;=?@A-Z^_a-z~]")


def eligible(source: str) -> bool:
    """Could ``scan`` read ``source`` (the CR-free body) from its HTML?"""
    return BLOCKED.search(source) is None and "]:" not in source and "[^" not in source \
        and "[!" not in source and "]((" not in source and LINK_IN_IMAGE.search(source) is None


def scan(source: str, rendered: str, offset: int, profile: str, bare: bool) -> Scan | None:
    """What native.walk gives for an ``eligible`` ``source`` whose HTML is ``rendered``, or
    None where the HTML and the source do not agree on every link.

    ``offset`` is the file line before the body's first; ``bare`` when the engine links
    bare addresses and the source may hold one (then each must be inside a link's
    destination, where no engine links it, or None)."""
    out = Scan()
    hrefs = HREF.findall(rendered)
    srcs = SRC.findall(rendered)
    if hrefs or srcs:
        counts, images = _counted(hrefs), _counted(srcs)
        if images:
            if not counts.keys().isdisjoint(images):
                return None  # a link and an image to one place: which is which, the order says
            counts.update(images)
        placed = _placed(source, counts, images, offset)
        if placed is None:
            return None
        out.links = placed
    if bare:  # (a line break joins the targets: no address runs across two of them)
        targets = "\n".join([link.target for link in out.links])
        if targets.count("http") + targets.count("www.") != \
                source.count("http") + source.count("www."):
            return None  # not every address is inside a link's destination: some are in text
    if "<h" in rendered:
        out.headings = [(_text(inner), None) for inner in HEADING_TAG.findall(rendered)]
    out.anchors, out.anchors_certain = heading_ids(out.headings, profile)
    return out


def _counted(items: list[str]) -> dict[str, int]:
    """How many times each of ``items`` comes (most come once)."""
    counts = dict.fromkeys(items, 1)
    return counts if len(counts) == len(items) else dict(Counter(items))


def _placed(source: str, counts: dict[str, int], images: dict[str, int],
            offset: int) -> list[Link] | None:
    """The links at each "](" of ``source`` whose destination is one of ``counts`` (as an
    href; the ``images`` ones are images), each with its 1-based file line and column; None
    unless each is found as many times as ``counts`` says."""
    out: list[Link] = []
    append, new = out.append, tuple.__new__
    find, lines, get = source.find, source.count, counts.get
    at = -2
    line, line_start, counted = offset + 1, 0, 0
    for gap, dest in DESTINATION.findall(source):  # one for each "](", in order
        at = find("](", at + 2)
        href = dest
        count = get(dest)
        if count is None:
            # An href holds only safe characters (and entities, of no "&" here): a
            # destination with others is looked for as pulldown-cmark writes it.
            if UNSAFE.search(dest) is None:
                continue
            href = escape_href(dest)
            count = get(href)
            if count is None:
                continue
        if not count:
            return None  # more of them in the source than in the HTML
        counts[href] = count - 1
        index = at + 2 + len(gap)
        breaks = lines("\n", counted, index)
        if breaks:
            line += breaks
            line_start = source.rfind("\n", counted, index) + 1
        counted = index
        # tuple.__new__, not Link(...): a C call, where the named tuple's own __new__ is a
        # Python function (a tenth of this loop's time)
        append(new(Link, (dest, line, index - line_start + 1,
                          "image" if href in images else "link")))
    return None if any(counts.values()) else out


def escape_href(dest: str) -> str:
    """``dest`` as pulldown-cmark writes it into an ``href``."""
    out = []
    for char in dest:
        if char in HREF_SAFE:
            out.append(char)
        elif char == "&":
            out.append("&amp;")
        elif char == "'":
            out.append("&#x27;")
        else:
            out.extend(f"%{byte:02X}" for byte in char.encode())
    return "".join(out)


def _text(inner: str) -> str:
    """A heading's text as the walk joins it: tags (and an image's alt) gone, each line
    break (soft, or after <br />) one space, entities read."""
    text = TAG.sub("", inner) if "<" in inner else inner
    text = text.replace("\n", " ")
    return html.unescape(text) if "&" in text else text
