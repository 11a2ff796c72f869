"""Links and anchors of one post, read from markdown-it tokens, each with its place in the file.

markdown-it parses every block (so code blocks, lists and quotes are what CommonMark says). Its
inline parser is most of the cost, so a paragraph made only of plain ``[text](dest)`` links and
single-backtick code spans is read by ``simple_links`` instead, whose answer is the same by
construction (a property test compares the two); anything else goes to markdown-it.
"""

from __future__ import annotations

import bisect
import html
import re
from dataclasses import dataclass, field
from functools import cache
from typing import TYPE_CHECKING, Any, NamedTuple

from blogcli.check import bareurls
from blogcli.check.anchors import heading_ids

if TYPE_CHECKING:
    from markdown_it import MarkdownIt
    from markdown_it.token import Token

    from blogcli.post import Post

# An opener pattern and the closer pattern for each kind of opener (see ``spans``).
Pairs = tuple[re.Pattern[str], dict[str, re.Pattern[str]]]
HTML_TAG = re.compile(r"<[a-zA-Z][^<>]*>", re.DOTALL)
HTML_ATTR = re.compile(r"""\s(href|src|id|name)\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'=<>`]+))""",
                       re.IGNORECASE)
EXPLICIT_ID = re.compile(r"\{\s*#([^\s{}]+)[^{}]*\}\s*$")
HUGO_REF = re.compile(r"\{\{[<%]\s*(?:rel)?ref\s+(?:path=)?"
                      r"(?:\"([^\"]*)\"|'([^']*)'|([^\s\"'}>%]+))")
# [^{}], not [^}]: an unclosed shortcode must not make each later one scan to the end.
HUGO_FIGURE = re.compile(
    r"\{\{[<%]\s*figure\s[^{}]*?\bsrc=(?:\"([^\"]*)\"|'([^']*)'|([^\s\"'}>%]+))")
LIQUID_LINK = re.compile(r"\{%-?\s*(post_url|link|post_link|asset_img|asset_link|asset_path)"
                         r"\s+([^\s%]+)")
LIQUID_KINDS = {"post_url": "post_url", "link": "liquid_link", "post_link": "post_link",
                "asset_img": "asset", "asset_link": "asset", "asset_path": "asset"}
NEWLINE = re.compile("\n")
A_OPEN = re.compile(r"<a[\s>]", re.IGNORECASE)
A_CLOSE = re.compile(r"</a\s*>", re.IGNORECASE)
# Shortcodes and Liquid/Nunjucks tags on a line: what r"\{\{.*?\}\}|\{%.*?%\}" matches.
TEMPLATE_PAIRS = (re.compile(r"\{\{|\{%"), {"{{": re.compile(r"\}\}"), "{%": re.compile(r"%\}")})
# A destination with a space or a bracket before its ")" is not simple. The scan after "](" stops
# at the next bracket, so the pattern stays linear on text like "[a](" * 40000.
UNSIMPLE = re.compile(r"[\\&<]|\]\s*[\[(][^)\s\[\]]*[\s\[\]]|\[\^")
SIMPLE_LINK = re.compile(r"(!?)\[[^\[\]]*\]\(([^()\s<>\"']*)\)")
CODE_PAIR = re.compile(r"`[^`]*`")
CODE_SPAN = re.compile(r"(`+)(?!`).*?(?<!`)\1(?!`)")
# Engine blocks whose content is code, not Markdown: their links are examples, not links.
# What r"\{%-?\s*(highlight|raw|comment)\b.*?\{%-?\s*end\1\s*-?%\}|\{\{[<%]\s*highlight\b.*?
# \{\{[<%]\s*/highlight\s*[>%]\}\}" (DOTALL) matches, found by spans() in linear time.
VERBATIM = (re.compile(r"\{%-?\s*(highlight|raw|comment)\b|\{\{[<%]\s*highlight\b"),
            {kind: re.compile(r"\{%-?\s*end" + kind + r"\s*-?%\}")
             for kind in ("highlight", "raw", "comment")}
            | {"": re.compile(r"\{\{[<%]\s*/highlight\s*[>%]\}\}")})
HTML_COMMENT = (re.compile("<!--"), {"": re.compile("-->")})


class Link(NamedTuple):
    """One link as written in a post (a named tuple: made twice as fast as a frozen
    dataclass, and a cold check makes ten for each post).

    ``target`` is the destination as written (``../b.md#setup``, ``https://…``); ``line`` and
    ``column`` are 1-based in the source file, front matter counted. ``kind`` is ``link``,
    ``image``, ``html`` (an ``href``/``src`` in raw HTML), ``definition`` (a reference-style
    definition), ``ref`` (Hugo ref/relref), ``figure`` (Hugo figure src), ``post_url`` and
    ``liquid_link`` (Jekyll tags), ``post_link`` and ``asset`` (Hexo tags), ``bare_url`` (an
    address in text that the engine links by itself; a ``www.`` one gets ``http://``).
    """

    target: str
    line: int
    column: int
    kind: str

    @property
    def external(self) -> bool:
        """True for http(s) and protocol-relative links, the ones only the network can check."""
        lower = self.target[:8].lower()
        return lower.startswith(("http://", "https://", "//"))


@dataclass
class Scan:
    """What a post offers and asks: its links, and the anchors other pages may link to."""

    links: list[Link] = field(default_factory=list)
    anchors: list[str] = field(default_factory=list)       # ids under the engine's own rules
    headings: list[tuple[str, str | None]] = field(default_factory=list)  # text, {#id}
    anchors_certain: bool = True   # False when templates or unsupported text may add ids
    # (target, kind) -> (the first link past native.KEEP to it, how many past KEEP there are)
    repeats: dict[tuple[str, str], tuple[Link, int]] = field(default_factory=dict)


def spans(text: str, pairs: Pairs) -> list[tuple[int, int]]:
    """Spans of ``opener.*?closer`` (DOTALL) in ``text``, left to right, as ``re.finditer``
    gives them, in time linear in ``text``: ``pairs`` is an opener pattern and, by the
    opener's group 1 (or "" without one, or the opener's text), the closer's pattern.

    A regex of that shape retries every later opener against the rest of the text when no
    closer follows, so a file of unclosed ``<!--`` took quadratic time; here the first closer
    found after a point is remembered, and with none left no opener of that kind is tried.
    """
    opener, closers = pairs
    found: list[tuple[int, int]] = []
    after: dict[str, tuple[int, int, int]] = {}  # kind -> (searched from, closer start, end)
    pos = 0
    while (start := opener.search(text, pos)) is not None:
        kind = start.group(1) if start.re.groups else start.group(0)
        kind = kind if kind in closers else ""
        since, begin, end = after.get(kind, (-1, -1, -1))
        if since < 0 or since > start.end() or 0 <= begin < start.end():
            close = closers[kind].search(text, start.end())
            since, begin, end = (start.end(), close.start(), close.end()) if close \
                else (start.end(), -1, -1)
            after[kind] = (since, begin, end)
        if begin < 0:
            pos = start.start() + 1  # no closer: this opener matches nothing
            continue
        found.append((start.start(), end))
        pos = max(end, start.start() + 1)
    return found


def inside(places: list[tuple[int, int]], index: int) -> bool:
    """Is ``index`` in one of ``places`` (sorted, not overlapping spans ``[a, b)``)?"""
    at = bisect.bisect_right(places, (index, float("inf"))) - 1
    return at >= 0 and places[at][0] <= index < places[at][1]


@cache
def parser(blocks_only: bool = False, tables: bool = True, footnotes: bool = True,
           absent: tuple[str, ...] = ()) -> MarkdownIt:
    """CommonMark with tables, strikethrough and footnotes; link destinations kept as written.

    ``blocks_only`` leaves inline parsing to the caller; leaving out tables or footnotes (for a
    text with no ``|`` or ``[^``), or the block rules in ``absent`` (see ``absent_rules``),
    only saves time, since those rules could not match there.
    """
    from markdown_it import MarkdownIt
    from mdit_py_plugins.footnote import footnote_plugin

    md = MarkdownIt("commonmark").enable(["table", "strikethrough"] if tables
                                         else ["strikethrough"])
    if footnotes:
        md.use(footnote_plugin)
    md.normalizeLink = lambda url: url  # type: ignore[method-assign]
    md.validateLink = lambda url: True  # type: ignore[method-assign]
    if blocks_only:
        # footnote_tail keeps only footnotes that inline parsing saw used; keep them all here.
        md.core.ruler.disable(["inline", "footnote_tail"] if footnotes else ["inline"])
    if absent:
        md.block.ruler.disable(list(absent))
    return md


# Block rules and the text each one needs to match at all: a rule is tried on every line (and
# as a paragraph terminator), so leaving out the impossible ones makes parsing ~25% faster.
RULE_MARKS = (("html_block", ("<",)), ("reference", ("]:",)), ("blockquote", (">",)),
              ("fence", ("```", "~~~")), ("heading", ("#",)),
              ("code", ("    ", "\t")))  # an indented code block: four columns of white space


def absent_rules(source: str) -> tuple[str, ...]:
    """The block rules of ``RULE_MARKS`` that cannot match anywhere in ``source``."""
    return tuple(rule for rule, marks in RULE_MARKS if not any(m in source for m in marks))


def simple_links(content: str) -> list[tuple[str, str]] | None:
    """(kind, destination) of each link in inline ``content``, or None when it is not simple.

    Simple means: no backslash, entity, ``<`` or backtick run longer than one, every backtick
    paired, and every bracket part of a ``[text](dest)`` or ``![alt](src)`` whose text has no
    brackets and whose destination has no spaces, parentheses or quotes. In that text CommonMark
    has no other reading, so the result equals markdown-it's. Code spans come back too, as
    ``("code", text)``, so that callers can step over them when placing links.
    """
    items = _simple_items(content)
    return None if items is None else [(kind, text) for _, kind, text in items]


def _simple_items(content: str) -> list[tuple[int, str, str]] | None:
    """``simple_links`` with the index in ``content`` where each item starts."""
    if "[" not in content:
        return [] if "<" not in content and "\\" not in content else None
    if UNSIMPLE.search(content):
        return None
    spans: list[tuple[int, str, str]] = []
    masked = content
    if "`" in content:
        if "``" in content or content.count("`") % 2:
            return None
        spans = [(m.start(), "code", m.group(0)) for m in CODE_PAIR.finditer(content)]
        masked = CODE_PAIR.sub(lambda m: " " * len(m.group(0)), content)
    found = [(m.start(), "image" if m.group(1) else "link", m.group(2))
             for m in SIMPLE_LINK.finditer(masked)]
    rest = SIMPLE_LINK.sub("", masked)
    if "[" in rest or "]" in rest:
        return None
    return sorted(spans + found)


def _with_bare(content: str, profile: str) -> list[tuple[str, str]] | None:
    """``simple_links`` plus the bare web addresses the engine links (``bare_url`` items),
    or None when only markdown-it can tell where they are."""
    items = _simple_items(content)
    if items is None:
        return None
    masked = content
    if "`" in content:
        if "``" in content or content.count("`") % 2:
            return None
        if "[" not in content:  # _simple_items left code spans out: nothing to step over
            items = [(m.start(), "code", m.group(0)) for m in CODE_PAIR.finditer(content)]
        masked = CODE_PAIR.sub(_mask, masked)
    if "[" in masked:
        masked = SIMPLE_LINK.sub(_mask, masked)
    for index, url in bareurls.find(masked, profile):
        end = masked[index + len(url):index + len(url) + 1]
        if "\0" in url + end or any(c in url + end for c in "*_~"):
            return None  # runs into a link, code or emphasis: markdown-it decides
        items.append((index, "bare_url", url))
    return [(kind, text) for _, kind, text in sorted(items)]


def _mask(match: re.Match[str]) -> str:
    # Not a space: an address right after a link or code span does not start a bare link.
    return "\0" * len(match.group(0))


def extract_links(post: Post, profile: str = "plain", linkify: bool | None = None) -> list[Link]:
    """Every link, image and engine link tag in ``post``, in file order (see ``scan_post``)."""
    return scan_post(post, profile, linkify).links


def scan_post(post: Post, profile: str, linkify: bool | None = None) -> Scan:
    """Links and anchors of ``post``; ``profile`` picks the engine's heading-id rules.

    ``linkify`` says whether the engine links bare web addresses in text (``bare_url``
    links); None means what ``profile`` does by default.
    """
    # markdown-it treats a lone CR as a line break; editors and post.py do not.
    source = post.body.replace("\r\n", "\n").replace("\r", " ")
    lines = source.split("\n")
    offset = post.body_line - 1
    env: dict[str, Any] = {}
    md = parser(True, "|" in source, "[^" in source, absent_rules(source))
    tokens = md.parse(source, env)
    scan = Scan()
    code = _code_lines(tokens, source)
    headings: list[tuple[str, str | None]] = []
    if linkify is None:
        linkify = bareurls.linkify_on(profile, {})
    bare = profile if linkify and bareurls.may_hold(source) else None
    _walk(tokens, _Context(lines, offset, code, scan, headings, env, bare))
    _definitions(env, lines, offset, scan)
    if "{" in source:
        _engine_links(lines, offset, code, scan)
    if profile in ("jekyll", "plain"):
        _kramdown(lines, offset, code, scan)
    if "]((" in source:
        _doubled(lines, offset, code, scan)
    if bare and "{" in source:  # a shortcode's or tag's argument is not text the engine links
        scan.links = drop_bare_in_tags(lines, scan.links, post.body_line)
    if code:  # a highlight tag may sit inside a paragraph: drop what its lines held
        scan.links = [k for k in scan.links if k.line - post.body_line not in code]
    scan.links.sort(key=lambda link: (link.line, link.column))
    ids, certain = heading_ids(headings, profile)
    scan.anchors = ids + scan.anchors
    scan.headings = headings
    scan.anchors_certain = certain and "{{" not in source and "{%" not in source
    return scan


# [^{}] and [^[\]], not [^}] and [^\]]: a line of unclosed "{:" or "[" stays linear to scan.
KRAMDOWN_IAL = re.compile(r"\{:\s*[^{}]*?#([A-Za-z][\w:.-]*)")
# kramdown takes a destination with spaces, where CommonMark leaves the text as it is.
KRAMDOWN_SPACED = re.compile(r"(?<![\\!])\[[^\[\]\n]+\]\(([^()<>\n\s]*\s[^()<>\n]*?)\)")


def _kramdown(lines: list[str], offset: int, code: set[int], scan: Scan) -> None:
    """kramdown's own syntax: ``{: #id}`` attribute lists (anchors) and spaced link targets."""
    for number, line in enumerate(lines):
        if number in code or ("{:" not in line and "](" not in line):
            continue
        scan.anchors.extend(m.group(1) for m in KRAMDOWN_IAL.finditer(line))
        tick = line.find("`") if "](" in line else -1
        for match in KRAMDOWN_SPACED.finditer(line) if "](" in line else ():
            target = match.group(1).strip()
            if not any(c in target for c in "\"'{") and not 0 <= tick < match.start():
                scan.links.append(Link(target, number + offset + 1, match.start(1) + 1, "link"))


DOUBLED = re.compile(r"\]\((\(+\s*(?:https?:|www\.)[^)\s]*)")


def _doubled(lines: list[str], offset: int, code: set[int], scan: Scan) -> None:
    """``[x]((https://…))``: a link most renderers leave as text or send to a page path."""
    known = {(link.line, link.column) for link in scan.links}
    for number, line in enumerate(lines):
        if number in code or "]((" not in line:
            continue
        for match in DOUBLED.finditer(line):
            place = (number + offset + 1, match.start(1) + 1)
            if place not in known:
                scan.links.append(Link(match.group(1), *place, "link"))


def _code_lines(tokens: list[Token], source: str) -> set[int]:
    """0-based body lines holding code: fenced and indented blocks, highlight/raw tags."""
    code: set[int] = set()
    for token in tokens:
        if token.type in ("fence", "code_block") and token.map:
            code.update(range(token.map[0], token.map[1]))
    code.update(verbatim_lines(source))
    return code


def verbatim_lines(source: str) -> set[int]:
    """0-based lines of ``source`` inside highlight/raw/comment tags."""
    lines: set[int] = set()
    if "{%" not in source and "{{" not in source:
        return lines
    first, counted = 0, 0
    for start, end in spans(source, VERBATIM):
        first += source.count("\n", counted, start)  # counted once, left to right
        last = first + source.count("\n", start, end)
        lines.update(range(first, last + 1))
        first, counted = last, end
    return lines


@dataclass
class _Context:
    """One file's scan as it goes: its lines, where the front matter ends, its code lines."""

    lines: list[str]
    offset: int
    code: set[int]
    scan: Scan
    headings: list[tuple[str, str | None]]
    env: dict[str, Any]
    bare: str | None = None  # the profile whose rules find bare web addresses, if linked


def _walk(tokens: list[Token], ctx: _Context) -> None:
    refs = ctx.env.get("references", {}).values()
    defined = frozenset(str(ref.get("href", "")) for ref in refs)
    for index, token in enumerate(tokens):
        if token.map is None or token.map[0] in ctx.code:
            continue
        if token.type == "html_block":
            block = _Block(ctx.lines, token.map[0], token.map[1], ctx.offset)
            _html(block, block.text, 0, ctx.scan)
        elif token.type == "inline":
            heading = index > 0 and tokens[index - 1].type == "heading_open"
            bare = ctx.bare is not None and bareurls.may_hold(token.content)
            if heading and not bare and _plain_text(token.content):
                ctx.headings.append(_split_id(token.content))  # what markdown-it would give
                continue
            if heading:
                simple = None
            elif bare and ctx.bare:
                simple = _with_bare(token.content, ctx.bare)
            else:
                simple = simple_links(token.content)
            if simple == []:
                continue  # most paragraphs: nothing to place, so no need to index their lines
            block = _Block(ctx.lines, token.map[0], token.map[1], ctx.offset)
            block.defined = defined
            _inline_token(token, heading, simple, block, ctx)


def _inline_token(token: Token, heading: bool, simple: list[tuple[str, str]] | None,
                  block: _Block, ctx: _Context) -> None:
    """Links of one paragraph, cell or heading: the fast path if it can, else markdown-it's."""
    if simple is not None:
        for kind, text in simple:
            if kind == "code":
                block.find(text)  # step over it so its text is not matched
            elif kind == "bare_url":
                _add_bare(ctx.scan, block, text, ctx.bare or "plain")
            else:
                _add(ctx.scan, block, text, kind, False)
        return
    md = parser()
    children = md.inline.parse(token.content, md, ctx.env, [])
    _inline(children, block, ctx.scan, ctx.bare)
    if heading:
        ctx.headings.append(_heading(children))


def _inline(children: list[Token], block: _Block, scan: Scan, bare: str | None = None) -> None:
    inside = 0  # > 0 within a link's text or a raw <a> element: no bare links there
    for index, child in enumerate(children):
        if child.type == "text" and bare and not inside and bareurls.may_hold(child.content):
            before = _char_before(children[index - 1]) if index else "\n"
            for _, url in bareurls.find(child.content, bare, before):
                _add_bare(scan, block, url, bare)
        elif child.type == "link_close":
            inside -= 1
        if child.type == "link_open":
            inside += 1
            href = str(child.attrs.get("href", ""))
            if child.markup == "autolink" and href.startswith("mailto:"):
                # <me@example.org> is e-mail: found in the text as written, kept as mailto:
                _add(scan, block, href[len("mailto:"):], "link", True)
                last = scan.links[-1]
                scan.links[-1] = Link(href, last.line, last.column, last.kind)
            else:
                _add(scan, block, href, "link", child.markup == "autolink")
        elif child.type == "image":
            _add(scan, block, str(child.attrs.get("src", "")), "image", False)
        elif child.type == "html_inline":
            inside += A_OPEN.match(child.content) is not None
            inside -= A_CLOSE.match(child.content) is not None and inside > 0
            start = block.find(child.content)
            if start is not None:
                _html(block, child.content, start, scan)
        elif child.type == "code_inline":  # step over it so its text is not matched
            block.find_code(child.markup, child.content)


def _add(scan: Scan, block: _Block, href: str, kind: str, autolink: bool) -> None:
    needles = ("<" + href,) if autolink else ("(" + href, "(<" + href, href)
    for needle in needles:
        start = block.find(needle)
        if start is not None:
            start += len(needle) - len(href)
            break
    else:
        # A reference-style use: the definition carries the place to fix.
        if kind == "link" and href in block.defined:
            return
        start = block.cursor
    line, column = block.position(start)
    scan.links.append(Link(href, line, column, kind))


def _char_before(token: Token) -> str:
    """The source character just before the token after ``token`` (near enough for linkify:
    a line break, an emphasis mark, or something that is neither)."""
    if token.type in ("softbreak", "hardbreak"):
        return "\n"
    if token.type == "text" and token.content:
        return token.content[-1]
    return token.markup[-1:] if token.markup[-1:] in bareurls.OPENERS else "x"


def _add_bare(scan: Scan, block: _Block, url: str, profile: str) -> None:
    """A bare address, placed by its text."""
    start = block.find(url)
    if start is None:
        return  # escapes made the text differ from the source: leave it
    if "&" in block.text[start:start + len(url) + 1]:  # markdown-it split it at an entity
        source = bareurls.match_at(block.text, start, profile) or url
        if html.unescape(source).startswith(url):
            block.cursor = start + len(source)
            url = source
        url = html.unescape(url)  # the href the engine writes, as a browser reads it
    line, column = block.position(start)
    scan.links.append(Link(bareurls.target(url), line, column, "bare_url"))


def in_tags(lines: list[str], links: list[Link], first: int) -> list[bool]:
    """For each link, is it inside a Hugo shortcode or a Liquid/Nunjucks tag on its line?
    ``first`` is the file line of ``lines[0]``; each line's tags are found once."""
    tags: dict[int, list[tuple[int, int]]] = {}
    out = []
    for link in links:
        row = link.line - first
        if row not in tags:
            tags[row] = spans(lines[row], TEMPLATE_PAIRS) if "{" in lines[row] else []
        out.append(inside(tags[row], link.column - 1))
    return out


def drop_bare_in_tags(lines: list[str], links: list[Link], first: int) -> list[Link]:
    """``links`` but the bare addresses inside shortcodes and tags (their arguments)."""
    bare = [k for k in links if k.kind == "bare_url"]
    dropped = {id(k) for k, tagged in zip(bare, in_tags(lines, bare, first), strict=True)
               if tagged}
    return [k for k in links if id(k) not in dropped]


def _html(block: _Block, text: str, base: int, scan: Scan) -> None:
    """href/src as links, id/name as anchors, from the tags in ``text`` (comments skipped)."""
    hidden = spans(text, HTML_COMMENT) if "<!--" in text else []
    for tag in HTML_TAG.finditer(text):
        if inside(hidden, tag.start()):
            continue
        for attr in HTML_ATTR.finditer(tag.group(0)):
            name = attr.group(1).lower()
            group = next(g for g in (2, 3, 4) if attr.group(g) is not None)
            value = attr.group(group)
            if name in ("id", "name"):
                scan.anchors.append(value)
                continue
            line, column = block.position(base + tag.start() + attr.start(group))
            scan.links.append(Link(html.unescape(value), line, column, "html"))


def _heading(children: list[Token]) -> tuple[str, str | None]:
    """The heading's plain text and its explicit ``{#id}``, if any."""
    parts = []
    for child in children:
        if child.type in ("text", "text_special", "code_inline"):
            parts.append(child.content)
        elif child.type in ("softbreak", "hardbreak"):
            parts.append(" ")
    return _split_id("".join(parts))


def _split_id(text: str) -> tuple[str, str | None]:
    match = EXPLICIT_ID.search(text) if "{" in text else None
    if match:  # what "\s*" in front of the pattern gave, without its quadratic search
        return text[:match.start()].rstrip(), match.group(1)
    return text, None


def _plain_text(content: str) -> bool:
    """True when markdown-it's inline parse of ``content`` is one text token of it all: no
    character that lets any inline rule start (its own ``terminator_re``) is in it."""
    terminators = getattr(parser().inline, "terminator_re", None)
    return terminators is not None and terminators.search(content) is None


def _definitions(env: dict[str, Any], lines: list[str], offset: int, scan: Scan) -> None:
    for ref in env.get("references", {}).values():
        first = ref.get("map", [0])[0]
        href = str(ref.get("href", ""))
        block = _Block(lines, first, ref.get("map", [first, first + 1])[1], offset)
        colon = block.text.find("]:")
        block.cursor = max(colon, 0)
        _add(scan, block, href, "definition", False)


def _engine_links(lines: list[str], offset: int, code: set[int], scan: Scan) -> None:
    """Hugo ref/relref and figure, Jekyll and Hexo tags: found in text, not in code."""
    for index, text in enumerate(lines):
        if "{" not in text or index in code:
            continue
        codes = [m.span() for m in CODE_SPAN.finditer(text)] if "`" in text else []
        for pattern, kind in ((HUGO_REF, "ref"), (HUGO_FIGURE, "figure"), (LIQUID_LINK, "")):
            for match in pattern.finditer(text):
                if inside(codes, match.start()):
                    continue
                group = 2 if not kind else next(g for g in (1, 2, 3)
                                                if match.group(g) is not None)
                name = kind or LIQUID_KINDS[match.group(1)]
                scan.links.append(Link(match.group(group), index + offset + 1,
                                       match.start(group) + 1, name))


class _Block:
    """Source lines of one block, searched left to right to place each link in the file."""

    def __init__(self, lines: list[str], first: int, end: int, offset: int) -> None:
        self.first = first + offset
        self.text = "\n".join(lines[first:max(end, first + 1)])
        self.starts = [0, *(m.end() for m in NEWLINE.finditer(self.text))]
        self.cursor = 0
        self.defined: frozenset[str] = frozenset()

    def find(self, needle: str) -> int | None:
        """Where ``needle`` next occurs from the cursor (which moves past it), or None."""
        if not needle:
            return None
        found = self.text.find(needle, self.cursor)
        if found < 0:
            return None
        self.cursor = found + len(needle)
        return found

    def find_code(self, markup: str, content: str) -> None:
        """Step over a code span, also one that markdown-it joined from several lines."""
        if self.find(markup + content) is not None or "\n" not in self.text:
            return
        spaced = re.escape(content).replace("\\ ", "[ \n]")
        pattern = re.compile(f"{re.escape(markup)}[ \n]?{spaced}[ \n]?{re.escape(markup)}")
        found = pattern.search(self.text, self.cursor)
        if found:
            self.cursor = found.end()

    def position(self, index: int) -> tuple[int, int]:
        """(line, column), 1-based in the file, of a character of this block."""
        row = bisect.bisect_right(self.starts, index) - 1
        return self.first + row + 1, index - self.starts[row] + 1
