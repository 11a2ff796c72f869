"""Hugo 0.111's own text helpers, ported: StripHTML, word counts, summaries.

Each function keeps Hugo's quirks on purpose (entities stay encoded in the plain text, every
space counts towards the summary length, a ``"`` ends a sentence): the point is to show the
numbers the published page shows.
"""

from __future__ import annotations

import math
import re
from itertools import filterfalse

from blogcli.text.typographer import GO_SPACES

MORE_PLACEHOLDER = "HUGOMORE42"
_FIELDS = re.compile(f"[^{re.escape(''.join(sorted(GO_SPACES)))}]+")
_SENTENCE_END = re.compile('[.?!"\n]')


_WS = "".join(sorted(GO_SPACES)).replace("\\", "")
_COLLAPSE = re.compile(f"([{_WS}])[{_WS}]+")
_SPACE = re.compile(f"[{_WS}]")


def strip_html(s: str) -> str:
    """Hugo's ``helpers.StripHTML`` (and the ``plainify`` template function)."""
    if "<" not in s and ">" not in s:
        return s
    # One pass of Go's strings.NewReplacer; chained, since no replacement makes another match.
    s = s.replace("\n", " ").replace("</p>", "\n").replace("<br>", "\n").replace("<br />", "\n")
    return collapse(strip_tags(s))


def strip_piece(html: str) -> str | None:
    """``strip_html`` of a piece of HTML but for the collapse, where it strips the same on its
    own as inside a page: None when a ``<`` in it is no tag it closes itself (with what comes
    after it, it could become one) or an element hides its text (Go's tokenizer's part)."""
    s = html.replace("\n", " ").replace("</p>", "\n").replace("<br>", "\n").replace("<br />", "\n")
    if _SPECIAL_START.search(s) is not None or "\0" in s or "\1" in s:
        return None
    text = _PLAIN_MARKUP.sub("", s)
    return None if "<" in text else text


def collapse(s: str) -> str:
    """StripHTML's last step: a run of white space becomes its first character."""
    # split keeps the group (each run's first character) between the pieces, all in C; sub's
    # r"\1" template is expanded in Python for every run (3.11), 2.6 times slower here.
    return "".join(_COLLAPSE.split(s))


class PlainParts:
    """``strip_html`` of HTML handed over a piece at a time, each piece whole elements, so
    that a long page's HTML is never whole. Where a piece is not tidy HTML (``strip_tags``
    would need its tokenizer, whose state runs on across pieces), ``text`` is None and the
    whole HTML is the one to strip."""

    def __init__(self) -> None:
        self.parts: list[str] = []
        self.tagged = False  # without a tag anywhere, strip_html gives the HTML unchanged
        self.tidy = True
        self.space = False   # the text so far ends in a space (a run across pieces is one)

    def add(self, html: str) -> None:
        """Strip the next piece."""
        if not self.tidy:
            return
        self.tagged = self.tagged or "<" in html or ">" in html
        s = html.replace("\n", " ").replace("</p>", "\n").replace("<br>", "\n") \
            .replace("<br />", "\n")
        text = _PLAIN_MARKUP.sub("", s) if _SPECIAL_START.search(s) is None else None
        if text is None or _MARKUP_START.search(text) is not None:
            self.tidy = False
            self.parts.clear()
            return
        text = collapse(text)
        if self.space and _SPACE.match(text):
            text = text[1:]
        if text:
            self.space = _SPACE.match(text, len(text) - 1) is not None
            self.parts.append(text)

    def text(self) -> str | None:
        """``strip_html`` of all the pieces, or None (see the class)."""
        return "".join(self.parts) if self.tidy and self.tagged else None


# Go's html/template stripTags, which Hugo uses, is a small HTML tokenizer: it keeps `I <3 you`
# and `<div title="1>2">` right and drops script and style bodies; and once it meets what it
# cannot read (a `<`, `'` or `"` in an attribute name, a quote never closed) it drops all the
# rest of the page. So a raw `<td>x<y</td>` ends the text Hugo counts.
_TEXT, _TAG, _ATTR_NAME, _AFTER_NAME, _BEFORE_VALUE, _COMMENT, _RCDATA, _HIDDEN, _ERROR = range(9)
_IN_TAG = (_TAG, _ATTR_NAME, _AFTER_NAME, _BEFORE_VALUE)
_CONTENT = {"script": _HIDDEN, "style": _HIDDEN, "textarea": _RCDATA, "title": _RCDATA}
_DELIM_END = {'"': re.compile('"'), "'": re.compile("'"), " ": re.compile("[ \t\n\f\r>]")}
_TAG_NAME = re.compile("[A-Za-z](?:[A-Za-z0-9]|[:-][A-Za-z0-9])*+")
_ATTR_NAME_END = re.compile("[ \t\n\f\r=>'\"<]")
_HTML_SPACES = re.compile("[ \t\n\f\r]*")
_END_TAG = {name: re.compile(f"</{name}[> \t\n\f/]", re.I) for name in _CONTENT}
_Context = tuple[int, str, str]  # state, special element, attribute delimiter
# The rest of a tag that the tokenizer reads to its '>' without trouble (possessive, so a long
# attribute name cannot make it backtrack).
_VALUE = r"""(?>"[^"]*+"|'[^']*+'|[^ \t\n\f\r>'"][^ \t\n\f\r>]*+)?+"""
_TAG_REST = (rf"""(?>[ \t\n\f\r]*+[^ \t\n\f\r=>'"<]++(?>[ \t\n\f\r]*+=[ \t\n\f\r]*+{_VALUE})?+)*+"""
             r"[ \t\n\f\r]*+>")
_PLAIN_MARKUP = re.compile(rf"<!--.*?-->|</?{_TAG_NAME.pattern}{_TAG_REST}", re.S)
_SPECIAL_START = re.compile(r"<(?i:script|style|textarea|title)(?![A-Za-z0-9]|[:-][A-Za-z0-9])")
# What the one-regex pass leaves that the tokenizer would have read as markup.
_MARKUP_START = re.compile("<(?:[A-Za-z]|/[A-Za-z]|!--)")


def strip_tags(s: str) -> str:
    """Go's ``html/template.stripTags``: one regex pass where the HTML is tidy (most pages),
    else its tokenizer, transition by transition."""
    if _SPECIAL_START.search(s) is None:
        text = _PLAIN_MARKUP.sub("", s)
        if _MARKUP_START.search(text) is None:
            return text
    return _tokenize(s)


def _tokenize(s: str) -> str:
    out: list[str] = []
    ctx: _Context = (_TEXT, "", "")
    i, n, all_text = 0, len(s), True
    while i != n:
        state, element, delim = ctx
        if delim:  # an attribute value: skip to its end
            m = _DELIM_END[delim].search(s, i)
            if m is None:
                break
            ctx, i = (_TAG, element, ""), m.start() + (delim != " ")
            continue
        new, end = _transition(_RCDATA if element and state not in _IN_TAG else state, ctx, s, i)
        if state in (_TEXT, _RCDATA):
            stop = end
            if new[0] != state:  # the text ends where the tag or comment starts
                lt = s.rfind("<", i, end)
                stop = lt if lt != -1 else end
            out.append(s[i:stop])
        else:
            all_text = False
        ctx, i = new, end
    if all_text:
        return s
    if ctx[0] in (_TEXT, _RCDATA) and not ctx[2]:
        out.append(s[i:])
    return "".join(out)


def _transition(st: int, ctx: _Context, s: str, i: int) -> tuple[_Context, int]:
    """The next context and where it starts: Go's ``transitionFunc[st]``."""
    element = ctx[1]
    if st == _TEXT:
        return _text(ctx, s, i)
    if st in (_TAG, _AFTER_NAME, _BEFORE_VALUE):
        i = _spaces_end(s, i)
        if i == len(s):
            return ctx, i
    if st == _TAG:
        if s[i] == ">":
            return (_CONTENT.get(element, _TEXT), element, ""), i + 1
        j = _attr_name_end(s, i)
        if j <= i:
            return (_ERROR, "", ""), len(s)
        return (_ATTR_NAME if j == len(s) else _AFTER_NAME, element, ""), j
    if st == _ATTR_NAME:
        j = _attr_name_end(s, i)
        if j < 0:
            return (_ERROR, "", ""), len(s)
        return ((_AFTER_NAME, element, "") if j != len(s) else ctx), j
    if st == _AFTER_NAME:  # a valueless attribute, or the '=' before a value
        return ((_BEFORE_VALUE, element, ""), i + 1) if s[i] == "=" else ((_TAG, element, ""), i)
    if st == _BEFORE_VALUE:
        quoted = s[i] in "'\""
        return (_TAG, element, s[i] if quoted else " "), i + quoted
    if st == _COMMENT:
        end = s.find("-->", i)
        return ((_TEXT, "", ""), end + 3) if end != -1 else (ctx, len(s))
    if st == _RCDATA and element:  # script, style, textarea, title: on to the end tag
        m = _END_TAG[element].search(s, i)
        return ((_TEXT, "", ""), m.start()) if m else (ctx, len(s))
    return ctx, len(s)


def _text(ctx: _Context, s: str, i: int) -> tuple[_Context, int]:
    """Go's ``tText``: on to the next tag or comment (a ``<`` that starts neither is text)."""
    n = len(s)
    while True:
        lt = s.find("<", i)
        if lt == -1 or lt + 1 == n:
            return ctx, n
        if s.startswith("<!--", lt):
            return (_COMMENT, "", ""), lt + 4
        i = lt + 1
        closing = s[i] == "/"
        if closing:
            if i + 1 == n:
                return ctx, n
            i += 1
        m = _TAG_NAME.match(s, i)
        if m:
            name = m.group(0).lower()
            return (_TAG, "" if closing or name not in _CONTENT else name, ""), m.end()


def _spaces_end(s: str, i: int) -> int:
    m = _HTML_SPACES.match(s, i)
    return m.end() if m else i


def _attr_name_end(s: str, i: int) -> int:
    """Go's ``eatAttrName``: where the name ends, or -1 at a quote or ``<`` inside it."""
    m = _ATTR_NAME_END.search(s, i)
    if m is None:
        return len(s)
    return -1 if s[m.start()] in "'\"<" else m.start()


def fields(s: str) -> list[str]:
    """Go's ``strings.Fields``."""
    # str.split's white space is Go's plus \x1c-\x1f; without those it is the same, and fast.
    if "\x1c" in s or "\x1d" in s or "\x1e" in s or "\x1f" in s:
        return _FIELDS.findall(s)
    return s.split()


_CHUNK = 1 << 20


def _cut(s: str, at: int) -> int:
    """The first Go space at or after ``at`` (or the end): fields never straddle it."""
    m = _SPACE.search(s, at)
    return m.start() if m else len(s)


def field_count(s: str, cjk: bool = False) -> int:
    """``len(fields(s))`` (``cjk_word_count`` on a CJK page) a megabyte at a time: the word
    list of a 16 MB post alone took over 150 MB."""
    total, start, n = 0, 0, len(s)
    while start < n:
        end = n if n - start <= _CHUNK else _cut(s, start + _CHUNK)
        words = fields(s[start:end])
        total += cjk_word_count(words) if cjk else len(words)
        start = end
    return total


def head_fields(s: str, count: int) -> list[str]:
    """The first fields of ``s``: more than ``count`` of them, or all there are."""
    end = _cut(s, 4096)
    while True:
        words = fields(s[:end])
        if len(words) > count or end == len(s):
            return words
        end = _cut(s, 4 * end)


def cjk_word_count(words: list[str]) -> int:
    """On a CJK page an all-ASCII token is one word, any other token one word per character."""
    other = list(filterfalse(str.isascii, words))  # no Python call a word
    return len(words) - len(other) + sum(map(len, other))


def reading_minutes(words: int, per_minute: int) -> int:
    """Hugo's ``(words + rate - 1) / rate``, that is ``ceil``."""
    return math.ceil(words / per_minute) if per_minute > 0 else 0


def truncate_to_sentence(s: str, length: int) -> tuple[str, bool]:
    """Hugo's ``TruncateWordsToWholeSentence``: ``length`` spaces, then on to a sentence end."""
    last = -1
    for count, space in enumerate(_SPACE.finditer(s), 1):
        last = space.start()
        if count >= length:
            break
    if last == -1:
        return s, False
    stop = _SENTENCE_END.search(s, last)
    if stop is None:
        return s, False
    end = stop.end()
    return s[:end].strip(GO_SPACES_STR), end < len(s)


GO_SPACES_STR = "".join(sorted(GO_SPACES))


def truncate_collapsed(s: str, length: int) -> tuple[str, bool]:
    """``truncate_to_sentence(collapse(s), length)``, collapsing only as much of ``s`` as it
    reads: the collapse of a head of ``s`` is a head of the collapse of ``s``, so a sentence
    end found before that head's last character is the one the whole text gives."""
    k = 1024  # 70 words and the rest of their sentence, mostly
    spaces = _spaces(length) if length > 0 else None
    while k < len(s) and spaces is not None:
        head = collapse(s[:k])
        # The ``length``-th space (a run is one character once collapsed), in one match.
        found = spaces.match(head)
        if found is not None:
            stop = _SENTENCE_END.search(head, found.end() - 1)
            if stop is not None and stop.end() < len(head):
                return head[:stop.end()].strip(GO_SPACES_STR), True
        k *= 4
    return truncate_to_sentence(collapse(s), length)


def _spaces(length: int) -> re.Pattern[str]:
    """Up to and with the ``length``-th white-space character."""
    pattern = _SPACES_UP_TO.get(length)
    if pattern is None:
        pattern = _SPACES_UP_TO[length] = re.compile(f"(?:[^{_WS}]*+[{_WS}]){{{length}}}")
    return pattern


_SPACES_UP_TO: dict[int, re.Pattern[str]] = {}


def truncate_by_rune(words: list[str], length: int) -> tuple[str, bool]:
    """Hugo's ``TruncateWordsByRune`` for CJK pages: exactly ``length`` words, no sentence rule."""
    count = 0
    for index, word in enumerate(words):
        if count >= length:
            return " ".join(words[:index]), True
        runes = len(word)
        if word.isascii():
            count += 1
        elif count + runes < length:
            count += runes
        else:
            for ri in range(runes):
                if count >= length:
                    return " ".join([*words[:index], word[:ri]]), True
                count += 1
    return " ".join(words), False


def split_summary(html: str) -> tuple[str, str]:
    """Hugo's ``splitUserDefinedSummaryAndContent``: (summary HTML, content HTML) at the divider.

    When the divider was swallowed (inside raw HTML that Hugo omits), Hugo ends up with no
    summary and no content at all; so does this.
    """
    at = html.find(MORE_PLACEHOLDER)
    if at == -1:
        return "", ""
    start = html.rfind("<p", 0, at)
    end = html.find("</p", at)
    start = at if start == -1 else start
    end = at + len(MORE_PLACEHOLDER) if end == -1 else at + end - at + 4
    without = html[:start] + html[end:].strip("\n")
    return without[:start].strip(), without.strip()


def trim_short_html(html: str) -> str:
    """Hugo's ``TrimShortHTML``: drop the ``<p>`` around a one-paragraph summary."""
    first, last = html.find("<p"), html.rfind("<p")
    if first == last and html.rfind("</p>") == html.rfind("</"):
        html = html.strip()
        html = html.removeprefix("<p>").removesuffix("</p>")
        html = html.strip()
    return html
