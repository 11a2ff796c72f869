"""Markdown to plain text, word count, reading time and summary, as the site computes them.

The defaults are Hugo 0.111's rules (the numbers a PaperMod front page shows); the other engines'
summary rules (Jekyll excerpts, Hexo/Zola ``<!-- more -->``) and Medium-style reading times are
options. Pure functions: no Site, no files.
"""

from __future__ import annotations

import functools
import html as htmllib
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from blogcli.text import hugo

HUGO_MORE = "<!--more-->"
HEXO_MORE = r"<!--\s*more\s*-->"
# Compiled when first needed (a few ms): a warm list counts nothing.
_CJK_CHARS = (
    "[\u1100-\u11ff\u2e80-\u2e99\u2e9b-\u2ef3\u2f00-\u2fd5\u3005\u3007\u3021-\u3029"
    "\u302e\u302f\u3038-\u303b\u3041-\u3096\u309d-\u309f\u30a1-\u30fa\u30fd-\u30ff"
    "\u3131-\u318e\u31f0-\u31ff\u3200-\u321e\u3260-\u327e\u32d0-\u32fe\u3300-\u3357"
    "\u3400-\u4dbf\u4e00-\u9fff\ua960-\ua97c\uac00-\ud7a3\ud7b0-\ud7fb\uf900-\ufa6d"
    "\ufa70-\ufad9\uff66-\uff6f\uff71-\uff9d\uffa0-\uffdc\U0001b000-\U0001b11f"
    "\U0001f200\U00020000-\U0003134f]"
)


@functools.cache
def _cjk() -> re.Pattern[str]:
    return re.compile(_CJK_CHARS)


# Where CJK characters are (U+1100-U+11FF, and from U+2E80 on), as the complement of where
# they are not: the class written as ranges took 3 ms to compile at every start (sre walks
# them), this 0.2. Dashes and quotes (U+2000-U+206F) are not in it.
_HIGH = re.compile("[^\u0000-\u10ff\u1200-\u2e7f]")
_IMAGES = re.compile(r"!\[[^\]]*\]\s*[(\[]|<img\b|\{\{[<%]\s*figure\b|\{%\s*(?:asset_)?img\b")
_SPACES = re.compile(r"\s+")
_DEFINITION_LINE = re.compile(r"^[ ]{0,3}:", re.MULTILINE)
_WORD_AFTER_SPACE = re.compile(r"(?<=\s)\S")
_SLAB = 1 << 20
_LINK_DEFINITION = re.compile(r"^ {0,3}(\[[^\]]+\])(:.+)$", re.M)


@dataclass(frozen=True)
class TextOptions:
    """How a site counts: Hugo's defaults unless blog.toml's ``[reading]`` says otherwise."""

    words_per_minute: int = 213
    cjk_words_per_minute: int = 501
    image_seconds: bool = False      # Medium: 12 s for the first image, down to 3 s
    summary_length: int = 70
    summary_mode: str = "sentence"   # "sentence" (Hugo <= 0.133) | "paragraph" (Hugo >= 0.134)
    has_cjk_language: bool = False   # detect CJK pages from their characters
    # Hugo's hasCJKLanguage makes a page CJK for one such character; the other engines have
    # no rule, and a shrug (ツ) in an English post's code must not count it at 501 words a
    # minute: there, a page is CJK when its CJK characters outnumber its other words.
    cjk_mostly: bool = False
    more: str = HUGO_MORE            # the summary divider; a regular expression unless Hugo's
    excerpt_separator: str | None = None  # Jekyll: the excerpt ends at this separator
    syntax: str = "hugo"             # "hugo" shortcodes | "liquid" (Jekyll) | "nunjucks" (Hexo)
    #                                  | "none": {{ }} is text, in code and out
    unsafe_html: bool = False        # Hugo renders raw HTML only with goldmark unsafe = true
    base_url: str = ""               # Hugo's baseURL, which the ref shortcode writes out

    @classmethod
    def from_site(cls, profile: str, engine: dict[str, Any],
                  reading: Mapping[str, Any]) -> TextOptions:
        """Options for a site: its profile, its engine's config and blog.toml's ``[reading]``.

        A bad ``[reading]`` value is a UsageError naming the key.
        """
        base: dict[str, Any] = {"has_cjk_language": profile != "hugo",
                                "cjk_mostly": profile != "hugo", "unsafe_html": True}
        if profile == "hugo":
            from blogcli.config import lookup  # (loaded already: the engine's config is read)

            length = _get(engine, "summaryLength", 70)
            base.update(has_cjk_language=_get(engine, "hasCJKLanguage", False) is True,
                        base_url=str(_get(engine, "baseURL", "") or ""),
                        summary_length=length if _positive(length) else 70,
                        unsafe_html=lookup(engine, "markup", "goldmark", "renderer",
                                           "unsafe") is True)
        elif profile in ("hexo", "zola"):
            base.update(more=HEXO_MORE, syntax="nunjucks" if profile == "hexo" else "none")
        elif profile == "jekyll":
            sep = engine.get("excerpt_separator", "\n\n")
            base.update(excerpt_separator=str(sep) if sep else "\n\n", syntax="liquid")
        else:
            base.update(syntax="none")
        base.update(_reading_table(reading))
        return cls(**base)


_READING_KEYS: dict[str, type] = {
    "words_per_minute": int, "cjk_words_per_minute": int, "summary_length": int,
    "image_seconds": bool, "has_cjk_language": bool, "unsafe_html": bool, "summary_mode": str}


def _positive(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and value > 0


def _reading_table(reading: Mapping[str, Any]) -> dict[str, Any]:
    """blog.toml's ``[reading]``, checked: a typo or a wrong type is an error, not a guess."""
    from blogcli.errors import UsageError

    for key, value in reading.items():
        kind = _READING_KEYS.get(key)
        if kind is None:
            continue  # config.py has warned about it, with the closest known name
        if kind is int and not _positive(value):
            raise UsageError(f"blog.toml: [reading] {key} must be a positive whole number, "
                             f"not {value!r}")
        if kind is bool and not isinstance(value, bool):
            raise UsageError(f"blog.toml: [reading] {key} must be true or false, not {value!r}")
        if key == "summary_mode" and value not in ("sentence", "paragraph"):
            raise UsageError(f"blog.toml: [reading] summary_mode must be \"sentence\" or "
                             f"\"paragraph\", not {value!r}")
    return {k: v for k, v in reading.items() if k in _READING_KEYS}


@dataclass(frozen=True)
class TextStats:
    """What a page shows: counts and its summary (plain text, entities decoded)."""

    words: int
    reading_time: int
    summary: str
    truncated: bool
    cjk: bool
    summary_html: str = ""   # the summary as Hugo's ``.Summary`` holds it
    # Hugo's ``.Plain`` (tags stripped, entities still encoded) before its white-space
    # collapse, which the counts do not need: ``plain`` does it when asked.
    text: str = ""

    @property
    def plain(self) -> str:
        """Hugo's ``.Plain``: tags stripped, entities still encoded."""
        return hugo.collapse(self.text)


def _get(mapping: dict[str, Any], key: str, default: Any) -> Any:
    """Hugo's config keys are case-insensitive."""
    lowered = key.lower()
    for k in mapping:
        if k.lower() == lowered:
            return mapping[k]
    return default


def is_cjk_page(source: str, meta: dict[str, Any], options: TextOptions) -> bool:
    """``isCJKLanguage`` in front matter wins; else any CJK character, if the site says so."""
    flag = _get(meta, "isCJKLanguage", None)
    if flag is not None:
        return str(flag).lower() in ("true", "1", "yes") if not isinstance(flag, bool) else flag
    if not options.has_cjk_language or source.isascii():
        return False
    # Every CJK character is in _HIGH: its scan finds the first such character three times
    # faster than the full class, which then looks on from there.
    high = _HIGH.search(source)
    cjk = _cjk()
    if high is None or cjk.search(source, high.start()) is None:
        return False
    if not options.cjk_mostly:
        return True
    count = len(cjk.findall(source))
    return count > len(source.split()) - count


def to_html(body: str, options: TextOptions) -> str:
    """The page's HTML as the engine renders it (shortcodes expanded, Goldmark's shape)."""
    return _render(*_expand(body, options), options)


def _expand(body: str, options: TextOptions) -> tuple[str, dict[str, str]]:
    """The body with its shortcodes or Liquid tags expanded, and the placeholders standing
    for shortcode output that goes in after rendering."""
    # Imported here: the parsers are only needed when something is rendered, not on warm runs.
    from blogcli.text.shortcodes import expand_hugo, expand_liquid

    if options.syntax == "hugo":
        return expand_hugo(body, options.base_url, options.unsafe_html)
    if options.syntax in ("liquid", "nunjucks"):
        return expand_liquid(body, keep_code=options.syntax == "nunjucks"), {}
    return body, {}


def _plain(body: str, placeholders: dict[str, str], options: TextOptions,
           settled: Callable[[list[str]], bool] | None = None,
           loose: bool = False, runs: bool = False) -> str | None:
    """``hugo.strip_html(_render(...))`` written straight from the Markdown without the HTML,
    but for the white-space collapse (``hugo.collapse``); None where only the HTML gives it
    exactly: shortcode output that is not tidy HTML or could land in an attribute, raw HTML
    kept, or a page pulldown-cmark reads otherwise than Goldmark. ``loose``: only its
    words are wanted, its white space may differ; ``runs``: only its words and which of its
    runs of white space start with a line break (see native.render)."""
    if "\1" in body or not all(_in_text(body, key) for key in placeholders):
        return None
    from blogcli.text import native

    text = native.render(body, options.unsafe_html, plain=True, settled=settled, loose=loose,
                         runs=runs)
    if text is None or ("\1" not in text and not placeholders):
        return text
    # Shortcode output goes in as the HTML path puts it in (replace_placeholders): a
    # placeholder alone in its paragraph (marked SOH by the walk) without the paragraph.
    for key, html in placeholders.items():
        piece = hugo.strip_piece(html)
        if piece is None or "HAHAHUGOSHORTCODE-" in html or text.count(key) != body.count(key):
            return None
        text = text.replace(f"\1{key}\n", piece).replace(key, piece)
    return text.replace("\1", "")


def _in_text(body: str, key: str) -> bool:
    """Every placeholder ``key`` in ``body`` stands between spaces or line ends, so never in a
    link, an image or a code fence's info (whose HTML attributes would take the output)."""
    at = body.find(key)
    while at != -1:
        end = at + len(key)
        if (at and body[at - 1] not in " \t\n") or (end < len(body) and body[end] not in " \t\r\n"):
            return False
        at = body.find(key, end)
    return True


def _render(body: str, placeholders: dict[str, str], options: TextOptions) -> str:
    from blogcli.text import native
    from blogcli.text.shortcodes import replace_placeholders

    html = native.render(body, options.unsafe_html)
    if html is None:  # where pulldown-cmark reads it otherwise than Goldmark (see native.py)
        from blogcli.text.goldmark import render

        html = render(body, options.unsafe_html)
    return replace_placeholders(html, placeholders)


def _plain_in_pieces(body: str, placeholders: dict[str, str],
                     options: TextOptions) -> str | None:
    """The plain text of a long body (shortcodes expanded), its HTML made and stripped a piece
    at a time (its whole HTML and the copies stripping makes took 150 MB for a 16 MB post);
    None for a short body or where pieces cannot be certain to give the whole's text
    (hugo.PlainParts)."""
    from blogcli.text import blocks, native
    from blogcli.text.shortcodes import replace_placeholders

    if len(body) <= blocks.SIZE:
        return None
    parts = hugo.PlainParts()

    def add(html: str) -> None:
        parts.add(replace_placeholders(html, placeholders) if placeholders else html)

    if native.render(body, options.unsafe_html, emit=add) is None:
        return None
    return parts.text()


def plain_text(body: str, options: TextOptions | None = None) -> str:
    """Markdown body to the plain text a reader sees (entities decoded, spaces collapsed)."""
    html = to_html(body, options or TextOptions())
    return _SPACES.sub(" ", htmllib.unescape(hugo.strip_html(html))).strip()


def present(summary_html: str) -> str:
    """A summary for people: tags stripped, entities decoded, whitespace collapsed."""
    return _squeeze(htmllib.unescape(hugo.strip_html(summary_html)))


def _squeeze(text: str) -> str:
    """``_SPACES.sub(" ", text).strip()``, a megabyte at a time: a long page without a
    sentence end is all summary, and one sub over it held a list of every word and space
    (250 MB for 9 MB of text). Cut before a word, no run of spaces is cut."""
    if len(text) <= _SLAB:
        # The same (re's \s, str.split and str.strip all take str.isspace's white space),
        # five times faster on a summary than the sub, which builds a piece per run.
        return " ".join(text.split())
    out, start, n = [], 0, len(text)
    while start < n:
        cut = _WORD_AFTER_SPACE.search(text, start + _SLAB) if n - start > _SLAB else None
        end = cut.start() if cut else n
        out.append(_SPACES.sub(" ", text[start:end]))
        start = end
    return "".join(out).strip()


def image_seconds(count: int) -> int:
    """Medium's rule: 12 s for the first image, one second less each, 3 s from the tenth."""
    return sum(max(12 - i, 3) for i in range(count))


def _split_more(body: str, options: TextOptions) -> tuple[str, bool, bool]:
    """Replace the summary divider with Hugo's marker: (body, has divider, text after it)."""
    m = re.search(re.escape(HUGO_MORE) if options.more == HUGO_MORE else options.more, body)
    if m is None:
        return body, False, False
    at, end = m.start(), m.end()
    # Hugo's lexer swallows the whitespace after the divider (an indented line stays text).
    end += len(body[end:]) - len(body[end:].lstrip(hugo.GO_SPACES_STR))
    if options.syntax == "hugo" and "{{" in body[:at]:
        from blogcli.text.shortcodes import inside_shortcode

        if inside_shortcode(body, at):  # Hugo drops it there, and there is no divider at all
            return body[:at] + body[end:], False, False
    marker = f"\n\n{hugo.MORE_PLACEHOLDER}\n\n"
    return body[:at] + marker + body[end:], True, bool(body[end:].strip())


def analyse(body: str, meta: dict[str, Any] | None = None, options: TextOptions | None = None,
            source: str | None = None, html_summary: bool = True) -> TextStats:
    """Count words, reading time and summary of a post body (``source``: the whole file, for
    CJK detection). ``html_summary=False``: only what a listing shows is wanted (the words,
    minutes and the summary as text), so a page with a divider may be cut in its plain text
    (``summary_html`` is then ""), and the text after its summary only counted (``text``
    is then not Hugo's .Plain there: its entities are left unescaped), a CJK page's text
    with its words only (its white space may differ from .Plain's)."""
    meta = meta or {}
    options = options or TextOptions()
    cjk = is_cjk_page(source if source is not None else body, meta, options)
    body, has_more, after_more = _split_more(body, options)
    expanded, placeholders = _expand(body, options)
    summary_html, truncated = "", False
    summary_text = None
    # Most pages: the plain text straight from the Markdown (its white space not yet collapsed,
    # which changes no count); a long one's HTML made and stripped a piece at a time; with a
    # divider, the HTML is cut at it first (as Hugo cuts it), or the plain text where that is
    # the same cut.
    plain = None
    if not has_more:
        settled = None if html_summary or cjk else _settled(meta, options, placeholders)
        # A CJK page's count and summary are taken from its words (cjk_word_count,
        # truncate_by_rune), whatever white space is between them.
        loose = not html_summary and cjk and not placeholders \
            and options.summary_mode == "sentence"
        # Another page's summary, by Hugo's sentence rule, reads only where its text's runs
        # of white space are and which start with a line break.
        runs = not html_summary and not cjk and not placeholders \
            and options.summary_mode == "sentence"
        plain = _plain_in_pieces(expanded, placeholders, options) or \
            _plain(expanded, placeholders, options, settled, loose, runs)
    elif not html_summary:
        cut = _plain_cut(expanded, placeholders, options, counted=not cjk)
        if cut is not None:
            summary_text, plain = cut
            truncated = after_more
    if plain is None:
        html = _render(expanded, placeholders, options)
        if has_more:
            summary_html, html = hugo.split_summary(html)
            truncated = after_more
        plain = hugo.strip_html(html)
        del html
    count = hugo.field_count(plain, cjk)
    # Only a CJK summary needs the words, and only the first of them.
    words = hugo.head_fields(plain, options.summary_length) if cjk else []
    if not has_more:
        summary_html, truncated = _summary(body, meta, plain, words, cjk, options)
    minutes = _minutes(body, meta, count, cjk, options)
    summary = present(summary_html) if summary_text is None else \
        _squeeze(htmllib.unescape(summary_text))
    return TextStats(count, minutes, summary, truncated, cjk, summary_html, plain)


def words_only(body: str, meta: dict[str, Any] | None = None,
               options: TextOptions | None = None,
               source: str | None = None) -> tuple[int, int, bool] | None:
    """``analyse``'s words, minutes and CJK flag, without its summary, for a listing that does
    not show summaries: the page's words counted, never written out for people (no escaping,
    no typographer, in one Rust pass where pulldown-cmark's HTML has the same words, see
    native.count_words). None where this takes no shorter way than ``analyse`` (a page with
    a summary divider, or one the plain pass does not serve)."""
    meta = meta or {}
    options = options or TextOptions()
    cjk = is_cjk_page(source if source is not None else body, meta, options)
    text, has_more, _ = _split_more(body, options)
    if has_more:
        return None
    expanded, placeholders = _expand(text, options)
    count = None
    if not placeholders:
        from blogcli.text import native

        count = native.count_words(expanded, cjk, options.unsafe_html)
    if count is None:
        # Counted from the first block on (not CJK: see _settled); a CJK page's words as
        # analyse takes them, whose characters count.
        plain = _plain_in_pieces(expanded, placeholders, options) or _plain(
            expanded, placeholders, options, None if cjk else _always,
            loose=cjk and not placeholders)
        if plain is None:
            return None
        count = hugo.field_count(plain, cjk)
    return count, _minutes(text, meta, count, cjk, options), cjk


def _always(parts: list[str]) -> bool:
    return True


def _settled(meta: dict[str, Any], options: TextOptions,
             placeholders: Mapping[str, str] | None = None
             ) -> Callable[[list[str]], bool] | None:
    """For the plain pass of a page (no divider, not CJK): whether the text written so far
    settles the summary ``_summary`` takes from it (then the rest need only be counted).
    From the start when the summary is not taken from the text; for Hugo's sentence rule
    once a sentence end follows the ``summary_length``-th space before the end of the text
    so far (what ``hugo.truncate_collapsed`` finds in a head), shortcode output put in as
    ``_plain`` puts it in (the text so far is whole blocks, so it holds whole placeholders
    and is the head of the page's text with them replaced)."""
    if _get(meta, "summary", None) or options.excerpt_separator is not None:
        return _always
    if options.summary_mode == "paragraph":
        return None
    pieces = [(key, hugo.strip_piece(html)) for key, html in (placeholders or {}).items()]
    if any(piece is None or "HAHAHUGOSHORTCODE-" in html
           for (_, piece), html in zip(pieces, (placeholders or {}).values(), strict=True)):
        return None  # _plain does not serve such a page: no pass to shorten
    length = options.summary_length
    head: list[str] = []  # the parts seen so far
    # Parts taken in; the spaces, newlines and NULs in them (at least as many as the white
    # space a look would count, so fewer means: not yet); the length at which to look again.
    state = [0, 0, 0]

    def settled(parts: list[str]) -> bool:
        for part in parts[state[0]:]:
            head.append(part)
            state[1] += part.count(" ") + part.count("\n") + part.count("\0")
        state[0] = len(parts)
        if state[1] < length:
            return False
        text = "".join(head)
        head[:] = [text]
        if len(text) < state[2] or len(text) > _HEAD_MAX:
            return False
        state[2] = len(text) + _HEAD_STEP  # a failed look is not repeated for every block
        text = text.replace("\n", " ").replace("\0", "\n")
        if pieces:
            for key, piece in pieces:
                text = text.replace(f"\1{key}\n", str(piece)).replace(key, str(piece))
            text = text.replace("\1", "")
        return summary_settled(text, length)

    return settled


def summary_settled(head: str, length: int) -> bool:
    """Whether ``hugo.truncate_collapsed`` of any text that starts with ``head`` is the same:
    a sentence end follows its ``length``-th space before the end of ``head`` collapsed
    (read here without collapsing it: a space there is a run of white space here, and a
    newline a sentence end only where it starts its run)."""
    if length < 1:
        return False
    words = _words_before(length).match(head)
    if words is None:
        return False
    stop = _SENTENCE_END_RUN.search(head, words.end())
    if stop is None:
        return False
    if stop.group() == "\n":  # the rest of its run goes in the collapse
        return _NOT_SPACE.search(head, stop.end()) is not None
    return stop.end() < len(head)


@functools.lru_cache(maxsize=8)
def _words_before(length: int) -> re.Pattern[str]:
    """Up to the ``length``-th run of white space (possessive: a run is never split)."""
    return re.compile(rf"(?:[^{hugo._WS}]*+[{hugo._WS}]++){{{length - 1}}}[^{hugo._WS}]*+"
                      rf"(?=[{hugo._WS}])")


_SENTENCE_END_RUN = re.compile(rf'[.?!"]|(?<![{hugo._WS}])\n')
_NOT_SPACE = re.compile(rf"[^{hugo._WS}]")
# A summary not settled by this much text is left to the whole pass; a look at the text so
# far is taken again only this much later (both keep the looks linear in a page's length).
_HEAD_MAX = 1 << 14
_HEAD_STEP = 256


def _plain_cut(body: str, placeholders: dict[str, str], options: TextOptions,
               counted: bool = False) -> tuple[str, str] | None:
    """(the summary's text, the page's text) of a page with the divider, from the plain pass:
    what ``hugo.split_summary`` cuts from its HTML when the divider is a paragraph of its own
    at the top level. None where it may not be (a footnote or a definition list could hold
    it; code or raw HTML hides it) or the plain pass does not serve. ``counted``: the text
    after the divider is only counted (see ``_settled``: not on a CJK page, whose count an
    entity changes), so it is neither escaped nor typeset; shortcode output still goes in
    after the pass, the summary before the divider being written out whole."""
    marker = hugo.MORE_PLACEHOLDER
    if "[^" in body or body.count(marker) != 1 or _DEFINITION_LINE.search(body):
        return None
    seen = [0]  # the top-level parts looked at so far

    def past_marker(parts: list[str]) -> bool:
        found = any(marker in part for part in parts[seen[0]:])
        seen[0] = len(parts)
        return found

    text = _plain(body, placeholders, options, past_marker if counted else None)
    if text is None or text.count(marker) != 1:
        return None
    at = text.find(marker)
    end = at + len(marker)
    # A paragraph's text ends in a NUL, a newline in the end (the walk's own line ends are
    # spaces by then): the marker alone in its paragraph, which starts after a blank line.
    if text[end:end + 1] != "\n" or (at and text[at - 1] != " "):
        return None
    return text[:at], text[:at] + text[end:]


def _summary(body: str, meta: dict[str, Any], plain: str, words: list[str], cjk: bool,
             options: TextOptions) -> tuple[str, bool]:
    fm_summary = _get(meta, "summary", None) or (
        _get(meta, "excerpt", None) if options.excerpt_separator is not None else None)
    if fm_summary:
        return hugo.trim_short_html(to_html(str(fm_summary), options)), False
    if options.excerpt_separator is not None:
        return _excerpt(body, meta, options)
    if options.summary_mode == "paragraph":
        return _paragraphs(hugo.collapse(plain), options.summary_length)
    if cjk:
        return hugo.truncate_by_rune(words, options.summary_length)
    return hugo.truncate_collapsed(plain, options.summary_length)


def _excerpt(body: str, meta: dict[str, Any], options: TextOptions) -> tuple[str, bool]:
    """Jekyll's excerpt: the body up to ``excerpt_separator`` (a post may set its own), with
    the post's link definitions whose label it uses, so ``[x][1]`` is a link there too."""
    sep = str(_get(meta, "excerpt_separator", options.excerpt_separator) or "\n\n")
    text = body.lstrip("\n").replace("\r\n", "\n")
    head, found, rest = text.partition(sep)
    if rest:
        # Jekyll's Excerpt#extract_markdown_link_reference_definitions, footnotes included
        used = [label + value for label, value in _LINK_DEFINITION.findall(rest) if label in head]
        head += "\n\n" + "\n".join(used) if used else ""
    return to_html(head, options), bool(found and rest.strip())


def _paragraphs(plain: str, length: int) -> tuple[str, bool]:
    """Hugo >= 0.134: whole paragraphs until ``length`` words."""
    paras = [p for p in plain.split("\n") if p.strip()]
    taken: list[str] = []
    count = 0
    for para in paras:
        taken.append(para)
        count += len(hugo.fields(para))
        if count >= length:
            break
    return "\n".join(taken), len(taken) < len(paras)


def _minutes(body: str, meta: dict[str, Any], words: int, cjk: bool, options: TextOptions) -> int:
    override = _get(meta, "reading_time", None)
    # .inf, NaN and 10**20 minutes are not reading times (int() of them raises, or stats
    # overflow): such an override is ignored, like a negative one.
    if isinstance(override, int | float) and not isinstance(override, bool) \
            and 0 <= override < 1_000_000:
        return int(override)
    rate = options.cjk_words_per_minute if cjk else options.words_per_minute
    if not options.image_seconds:
        return hugo.reading_minutes(words, rate)
    seconds = words * 60 / rate + image_seconds(len(_IMAGES.findall(body)))
    return int(-(-seconds // 60))
