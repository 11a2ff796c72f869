"""Markdown to HTML shaped like Hugo 0.111's Goldmark output, for counting words.

Hugo counts words on ``StripHTML(content)``, so what matters here is the text, the entities
Goldmark writes, and where a ``</p>`` or ``<br>`` (a sentence end for the summary) or a newline (a
plain space) falls. The HTML is not meant for browsers. markdown-it-py does the parsing.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any

from blogcli.text.typographer import Counter, substitute

if TYPE_CHECKING:  # imported when first parsing (25 ms): most pages never reach markdown-it
    from markdown_it import MarkdownIt
    from markdown_it.token import Token

# Block tags Goldmark follows with a newline (a plain space once tags are stripped).
_BLOCK_NEWLINE = {"heading_close", "blockquote_open", "blockquote_close", "bullet_list_open",
                  "bullet_list_close", "ordered_list_open", "ordered_list_close", "list_item_close",
                  "table_open", "table_close", "thead_open", "thead_close", "tbody_open",
                  "tbody_close", "tr_open", "tr_close", "th_close", "td_close", "dl_open",
                  "dl_close", "dt_close", "dd_close", "hr"}
_BLOCK_BARE = {"heading_open", "th_open", "td_open", "dt_open", "dd_open"}
_TASK_BOX = re.compile(r"\[([ \t\n\f\rxX])\][ \t\n\f\r]*")  # Go's \s is ASCII only
_CANDIDATE = re.compile(r"['\"]|--|\.\.\.|<<|>>")
_URL_TAIL = (r"[-a-zA-Z0-9@:%._+~#=]{1,256}\.[a-z]+(?::\d+)?"
             r"""(?:[/#?][-a-zA-Z0-9@:%_+.~#$!?&/=();,'">^{}\[\]`]*)?""")
# Goldmark's linkify (on in Hugo): typography never applies inside a bare URL.
_LINKIFY = re.compile(rf"(?:(?<=[\s*_~(])|^)(?:(?:https?|ftp)://|www\.){_URL_TAIL}")


@functools.lru_cache(maxsize=1)
def _parser() -> MarkdownIt:
    from markdown_it import MarkdownIt
    from mdit_py_plugins.deflist import deflist_plugin
    from mdit_py_plugins.footnote import footnote_plugin

    md = MarkdownIt("commonmark").enable(["table", "strikethrough"])
    md.use(footnote_plugin, inline=False).use(deflist_plugin)
    # Keep escapes and entities as their own tokens: Goldmark's typographer never sees them.
    md.core.ruler.disable("text_join")
    md.block.ruler.at("paragraph", _ascii_trimmed_paragraph)
    md.core.ruler.after("block", "heading_attributes", _heading_attributes)
    # Goldmark keeps every link (an unsafe URL just loses its href) and shows URLs as written;
    # markdown-it's URL checks and percent-decoding would change the text, and cost time.
    md.validateLink = lambda url: True  # type: ignore[method-assign]
    md.normalizeLink = lambda url: url  # type: ignore[method-assign]
    md.normalizeLinkText = lambda link: link  # type: ignore[method-assign]
    return md


def _ascii_trimmed_paragraph(state: Any, start: int, end: int, silent: bool) -> bool:
    """markdown-it's paragraph, trimmed like Goldmark's: ASCII spaces only (a trailing no-break
    space stays, and with it the space before the paragraph's end)."""
    from markdown_it.rules_block.paragraph import paragraph

    found = paragraph(state, start, end, silent)
    if found and not silent and state.tokens[-2].type == "inline":
        lines = state.getLines(start, state.line, state.blkIndent, False)
        state.tokens[-2].content = lines.strip(" \t\n\r\v\f")
    return found


def _heading_attributes(state: Any) -> None:
    """Hugo's Goldmark reads ``{#id .class}`` at a heading's end as attributes, not text."""
    from blogcli.text.attributes import heading_text

    tokens = state.tokens
    for i, tok in enumerate(tokens[:-1]):
        if tok.type == "heading_open" and "{" in tokens[i + 1].content:
            tokens[i + 1].content = heading_text(tokens[i + 1].content, tok.markup[:1] == "#")


def escape(text: str) -> str:
    """Goldmark's ``util.EscapeHTML``."""
    return (text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
            .replace('"', "&quot;"))


def go_escape(text: str) -> str:
    """Go's ``html.EscapeString`` (what Chroma writes in code blocks)."""
    return escape(text).replace("&quot;", "&#34;").replace("'", "&#39;")


def code_block(code: str, lang: str) -> str:
    """A fenced block as Hugo writes it. Chroma's highlighting only adds tags around each line,
    which vanish with the rest of the markup; what counts is its escaping (Go's)."""
    lang = go_escape(lang.split()[0]) if lang.strip() else ""
    attrs = f' class="language-{lang}" data-lang="{lang}"' if lang else ""
    return f'<pre tabindex="0"><code{attrs}>{go_escape(code)}</code></pre>'


def render(markdown: str, unsafe: bool = False) -> str:
    """Render Markdown to Goldmark-shaped HTML (raw HTML omitted unless ``unsafe``)."""
    tokens = _parser().parse(markdown)
    if "dd_open" in {t.type for t in tokens}:
        _tighten_definitions(tokens, markdown.split("\n"))
    # markdown-it reads CRLF as LF; Goldmark keeps the CR, one more character of look-ahead.
    newline = "\r\n" if "\r\n" in markdown else "\n"
    return _Renderer(unsafe, newline).blocks(tokens)


def _tighten_definitions(tokens: Sequence[Token], lines: list[str]) -> None:
    """Goldmark: a definition with no blank line before it is tight, and its first paragraph
    bare (it means all of them, but its loop stops after replacing the first)."""
    for i, tok in enumerate(tokens):
        if tok.type != "dd_open" or not tok.map:
            continue
        # The ':' line: markdown-it's dd map may start at the term's line.
        first = tokens[i + 1].map if i + 1 < len(tokens) else None
        start = first[0] if first else tok.map[0]
        tight = start == 0 or lines[start - 1].strip() != ""
        seen = 0
        for inner in tokens[i + 1:]:
            if inner.level <= tok.level:
                break
            if inner.level == tok.level + 1 and inner.type.startswith("paragraph_"):
                inner.hidden = tight and seen < 2  # the first paragraph's open and close
                seen += 1


class _Renderer:
    def __init__(self, unsafe: bool, newline: str = "\n") -> None:
        self.unsafe = unsafe
        self.newline = newline
        # Goldmark means to reset open quotes at each block's end, but its CloseBlock has the
        # wrong signature and is never called: the count runs through the whole page.
        self.counter = Counter()

    def blocks(self, tokens: Sequence[Token]) -> str:
        out: list[str] = []
        for i, tok in enumerate(tokens):
            out.append(self.block(tok, tokens, i))
        return "".join(out)

    def block(self, tok: Token, tokens: Sequence[Token], i: int) -> str:
        kind = tok.type
        if kind == "inline":
            return self.inline(tok.children or [], _task_item(tokens, i))
        if kind == "paragraph_open":
            return "" if tok.hidden else "<p>"
        if kind == "paragraph_close":
            if not tok.hidden:
                return "</p>\n"
            nxt = tokens[i + 1].type if i + 1 < len(tokens) else ""
            return "" if nxt in ("list_item_close", "dd_close") else "\n"
        if kind == "dd_open":
            return "<dd>" if i + 1 < len(tokens) and tokens[i + 1].hidden else "<dd>\n"
        if kind in _BLOCK_BARE:
            return f"<{tok.tag}>"
        if kind == "list_item_open":
            tight = i + 1 < len(tokens) and tokens[i + 1].hidden
            return "<li>" if tight else "<li>\n"
        if kind in ("fence", "code_block"):
            return self.code(tok)
        if kind == "html_block":
            return self.html_block(tok.content)
        if kind.startswith("footnote"):
            return _footnote_block(tok)
        if kind in _BLOCK_NEWLINE:
            return f"<{'/' if kind.endswith('close') else ''}{tok.tag}>\n"
        return ""

    def code(self, tok: Token) -> str:
        if tok.type == "code_block":  # indented code: plain Goldmark, no highlighter
            return f"<pre><code>{escape(tok.content)}</code></pre>\n"
        return code_block(tok.content, tok.info)

    def html_block(self, content: str) -> str:
        # Hugo omits raw HTML unless markup.goldmark.renderer.unsafe is set.
        return content.replace("\0", "\ufffd") if self.unsafe else "<!-- raw HTML omitted -->\n"

    def inline(self, children: Sequence[Token], task: bool) -> str:
        children = _merge_angles(children)
        flat = [_source(t, self.newline) for t in children]
        out: list[str] = []
        in_autolink = in_label = False
        depth = 0  # inside emphasis, a link...: Goldmark's task box needs the paragraph itself
        for k, tok in enumerate(children):
            if tok.type == "text" and not in_autolink:
                if task and depth == 0 and _TASK_BOX.search(tok.content):
                    out.append(self.task_text(tok.content, flat, k))
                else:
                    out.append(self.text(tok.content, flat, k, linkify=not in_label))
                continue
            depth += tok.nesting
            if tok.type == "link_open":
                in_autolink = tok.markup == "autolink"
                in_label = not in_autolink
                out.append(_link_open(tok))
            elif tok.type == "link_close":
                in_autolink = in_label = False
                out.append("</a>")
            else:
                out.append(self.other(tok))
        return "".join(out)

    def task_text(self, text: str, flat: list[str], k: int) -> str:
        """Goldmark's task list: a ``[ ]``, ``[x]`` or ``[X]`` anywhere in a list item's first
        paragraph is a check box, and it takes the spaces after it."""
        out: list[str] = []
        done = 0
        for m in _TASK_BOX.finditer(text):
            out.append(self.text(text[done:m.start()], flat, k, text[done - 1] if done else None))
            checked = 'checked="" ' if m.group(1) in "xX" else ""
            out.append(f'<input {checked}disabled="" type="checkbox"> ')
            done = m.end()
        out.append(self.text(text[done:], flat, k, text[done - 1] if done else None))
        return "".join(out)

    def text(self, text: str, flat: list[str], k: int, lead: str | None = None,
             linkify: bool = True) -> str:
        """Text with Goldmark's typography (``lead``: the source character before it).
        ``linkify``: not in a link's text, where Goldmark's linkify never looks (so an address
        written there is typeset: ``[spider--panel](...)`` has an en dash)."""
        if _CANDIDATE.search(text) is None:
            return escape(text)
        return typeset(text, _url_spans(text) if linkify else None,
                       lambda: lead or _last_char(flat, k),
                       lambda: _line_tail(flat, k), self.counter)

    def other(self, tok: Token) -> str:
        kind = tok.type
        if kind == "text":
            return escape(tok.content)
        if kind == "text_special":
            return escape(tok.content)
        if kind == "softbreak":
            return "\n"
        if kind == "hardbreak":
            return "<br>\n"
        if kind == "code_inline":
            return f"<code>{escape(tok.content)}</code>"
        if kind == "html_inline":
            return tok.content if self.unsafe else "<!-- raw HTML omitted -->"
        if kind == "image":
            return f'<img src="{escape(str(tok.attrs.get("src", "")))}" alt="">'
        if kind == "footnote_ref":
            n = int(tok.meta["id"]) + 1
            return (f'<sup id="fnref:{n}"><a href="#fn:{n}" class="footnote-ref" '
                    f'role="doc-noteref">{n}</a></sup>')
        if kind.endswith("_open") or kind.endswith("_close"):
            return f"<{'/' if kind.endswith('_close') else ''}{tok.tag}>"
        return ""


def _inside(urls: dict[int, int], i: int) -> int:
    """The end of the URL that covers position ``i``, else 0."""
    return next((end for start, end in urls.items() if start <= i < end), 0)


def _last_char(flat: list[str], k: int) -> str:
    prev = next((s for s in reversed(flat[:k]) if s), "")
    return prev[-1] if prev else "\n"


def _line_tail(flat: list[str], k: int) -> str:
    """The source after inline token ``k``, up to a few characters or the line's end."""
    tail = ""
    for part in flat[k + 1:]:
        tail += part
        if "\n" in tail or len(tail) >= 8:
            break
    return tail.split("\n", 1)[0] + "\n" if "\n" in tail else tail


def _url_spans(text: str) -> dict[int, int]:
    """Start -> end of the bare URLs Goldmark's linkify would turn into links."""
    spans: dict[int, int] = {}
    for m in _LINKIFY.finditer(text):
        url = m.group(0).rstrip(".")
        if url.endswith(")") and url.count(")") > url.count("("):
            url = url[: len(url) - (url.count(")") - url.count("("))]
        spans[m.start()] = m.start() + len(url)
    return spans


def _merge_angles(children: Sequence[Token]) -> list[Token]:
    """``<<x>>``: Goldmark reads ``<<`` as a quote mark before it can see a tag or autolink."""
    from markdown_it.token import Token

    out: list[Token] = []
    i = 0
    while i < len(children):
        tok, prev = children[i], (out[-1] if out else None)
        after_angle = prev is not None and prev.type == "text" and prev.content.endswith("<")
        if after_angle and tok.type == "link_open" and tok.markup == "autolink" \
                and i + 2 < len(children):
            tok = Token("text", "", 0, content=f"<{children[i + 1].content}>")
            i += 2  # the autolink's text and link_close become plain text too
        if prev is not None and prev.type == "text" and (
                tok.type == "text" or (tok.type == "html_inline" and after_angle)):
            out[-1] = Token("text", "", 0, content=prev.content + tok.content)
        else:
            out.append(tok)
        i += 1
    return out


def _source(tok: Token, newline: str = "\n") -> str:
    """Roughly the source text of an inline token, for the typographer's look-around."""
    if tok.type in ("text", "code_inline"):
        return tok.content if tok.type == "text" else f"`{tok.content}`"
    if tok.type == "softbreak":
        return newline
    if tok.type == "hardbreak":  # the two spaces (or backslash) before the newline
        return "  " + newline
    if tok.type == "text_special":
        return tok.markup or tok.content
    if tok.type == "link_close":
        return ")"
    if tok.type == "link_open":
        return "["
    if tok.type == "html_inline":
        return tok.content
    return tok.markup or "x"


def _link_open(tok: Token) -> str:
    href = escape(str(tok.attrs.get("href", "")))
    title = tok.attrs.get("title")
    return f'<a href="{href}" title="{escape(str(title))}">' if title else f'<a href="{href}">'


def _task_item(tokens: Sequence[Token], i: int) -> bool:
    """Is this inline the first line of a list item (where ``[ ]`` makes a task box)?"""
    return (i >= 2 and tokens[i - 1].type == "paragraph_open"
            and tokens[i - 2].type == "list_item_open")


def _footnote_block(tok: Token) -> str:
    kind = tok.type
    meta: dict[str, Any] = tok.meta or {}
    if kind == "footnote_block_open":
        return '<div class="footnotes" role="doc-endnotes">\n<hr>\n<ol>\n'
    if kind == "footnote_block_close":
        return "</ol>\n</div>\n"
    if kind == "footnote_open":
        return f'<li id="fn:{int(meta.get("id", 0)) + 1}">\n'
    if kind == "footnote_close":
        return "</li>\n"
    if kind == "footnote_anchor":
        n = int(meta.get("id", 0)) + 1
        return (f'&#160;<a href="#fnref:{n}" class="footnote-backref" '
                f'role="doc-backlink">&#x21a9;&#xfe0e;</a>')
    return ""


def typeset(text: str, urls: dict[int, int] | None, before: Callable[[], str],
            tail: Callable[[], str], counter: Counter) -> str:
    """``text`` escaped, with Goldmark's typography outside web addresses (``urls``);
    ``before`` gives the source character before the text, ``tail`` the rest of its line."""
    out: list[str] = []
    i = done = 0
    while (m := _CANDIDATE.search(text, i)) is not None:
        i = m.start()
        if urls and (url := _inside(urls, i)):
            i = url
            continue
        prev = text[i - 1] if i else before()
        # Goldmark looks at most a few characters ahead, within the source line.
        line = text[i:i + 8] if i + 8 < len(text) else text[i:] + tail()
        hit = substitute(line, prev, counter)
        if hit:
            out.append(escape(text[done:i]) + hit[0])
            done = i = i + hit[1]
        else:
            i += 1
    out.append(escape(text[done:]))
    return "".join(out)
