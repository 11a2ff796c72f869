"""Hugo 0.111's own text helpers, ported: StripHTML, word counts, summaries.

Each function keeps Hugo's quirks on purpose (entities stay encoded in the plain text, every
space counts towards the summary length, a ``"`` ends a sentence): the point is to show the
numbers the published page shows.
"""

from __future__ import annotations

import math
import re

from blogcli.text.typographer import GO_SPACES, is_go_space

MORE_PLACEHOLDER = "HUGOMORE42"
_REPLACER = re.compile(r"\n|</p>|<br>|<br />")
_REPLACEMENTS = {"\n": " ", "</p>": "\n", "<br>": "\n", "<br />": "\n"}
_FIELDS = re.compile(f"[^{re.escape(''.join(sorted(GO_SPACES)))}]+")
_SENTENCE_END = frozenset('.?!"\n')


_WS = "".join(sorted(GO_SPACES)).replace("\\", "")
_COLLAPSE = re.compile(f"([{_WS}])[{_WS}]+")
_ATTRS = r"""(?:"[^"]*"|'[^']*'|[^'">])*"""
# Go's html/template stripTags, which Hugo uses: comments and script/style bodies go too, and a
# '>' inside a quoted attribute does not end the tag.
_MARKUP = re.compile(
    r"<!--.*?(?:-->|\Z)"
    rf"|<(script|style)\b{_ATTRS}>.*?(?=</(?i:\1)|\Z)"
    rf"|</?[A-Za-z][A-Za-z0-9:-]*{_ATTRS}(?:>|\Z)",
    re.S | re.I,
)


def strip_html(s: str) -> str:
    """Hugo's ``helpers.StripHTML`` (and the ``plainify`` template function)."""
    if "<" not in s and ">" not in s:
        return s
    s = _REPLACER.sub(lambda m: _REPLACEMENTS[m.group(0)], s)
    return _COLLAPSE.sub(r"\1", _MARKUP.sub("", s))


def fields(s: str) -> list[str]:
    """Go's ``strings.Fields``."""
    return _FIELDS.findall(s)


def cjk_word_count(words: list[str]) -> int:
    """On a CJK page an all-ASCII token is one word, any other token one word per character."""
    return sum(1 if w.isascii() else len(w) for w in words)


def reading_minutes(words: int, per_minute: int) -> int:
    """Hugo's ``(words + rate - 1) / rate``, that is ``ceil``."""
    return math.ceil(words / per_minute) if per_minute > 0 else 0


def truncate_to_sentence(s: str, length: int) -> tuple[str, bool]:
    """Hugo's ``TruncateWordsToWholeSentence``: ``length`` spaces, then on to a sentence end."""
    count, last = 0, -1
    for i, ch in enumerate(s):
        if is_go_space(ch):
            count += 1
            last = i
            if count >= length:
                break
    if last == -1:
        return s, False
    for j in range(last, len(s)):
        if s[j] in _SENTENCE_END:
            end = j + 1
            return s[:end].strip(GO_SPACES_STR), end < len(s)
    return s, False


GO_SPACES_STR = "".join(sorted(GO_SPACES))


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
