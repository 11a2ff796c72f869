"""Every scan of a post is linear in its size: hostile text is a finding or nothing, never a stall.

Patterns of the shape ``opener.*?closer`` retried each later opener against the rest of the text
when no closer followed: a body of unclosed ``<!--`` took 36 s for 156 KB. ``links.spans`` gives
what those patterns gave (property tests against the patterns themselves), in linear time; the
posts below, 400 KB and more, are scanned within a bound that the quadratic scans missed by far.
"""

from __future__ import annotations

import re
import signal
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from blogcli.check import bareurls, links, native
from blogcli.post import Post, parse_post

# The patterns links.py used before, as the reference for what spans() must find.
OLD_VERBATIM = re.compile(r"\{%-?\s*(highlight|raw|comment)\b.*?\{%-?\s*end\1\s*-?%\}|"
                          r"\{\{[<%]\s*highlight\b.*?\{\{[<%]\s*/highlight\s*[>%]\}\}", re.DOTALL)
OLD_COMMENT = re.compile(r"<!--.*?-->", re.DOTALL)
OLD_TEMPLATE = re.compile(r"\{\{.*?\}\}|\{%.*?%\}")
PIECES = ["{% highlight md %}", "{%- raw -%}", "{% comment %}", "{% endhighlight %}",
          "{%- endraw %}", "{% endcomment -%}", "{{< highlight go >}}", "{{% /highlight %}}",
          "{{< /highlight >}}", "<!--", "-->", "<!-- x -->", "{{", "}}", "{%", "%}", "{", "}",
          "%", "<", ">", "-", "x", " ", "\n", "{{< ref a >}}"]


@settings(max_examples=400, deadline=None)
@given(st.lists(st.sampled_from(PIECES), max_size=30).map("".join))
def test_spans_are_what_the_old_patterns_found(text: str) -> None:
    assert links.spans(text, links.VERBATIM) == [m.span() for m in OLD_VERBATIM.finditer(text)]
    assert links.spans(text, links.HTML_COMMENT) == [m.span() for m in OLD_COMMENT.finditer(text)]
    line = text.replace("\n", " ")
    assert links.spans(line, links.TEMPLATE_PAIRS) == [
        m.span() for m in OLD_TEMPLATE.finditer(line)]


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(["a", "1", "&", ";", "(", ")", ".", ",", "'", "é", "_"]),
                max_size=14).map("".join))
def test_gfm_trimming_is_cmark_gfms_rule(tail: str) -> None:
    url = "https://x.org/" + tail
    expected = url
    while expected:  # the rule as cmark-gfm's autolink_delim states it, one step at a time
        last = expected[-1]
        entity = re.search(r"&[a-zA-Z0-9]+;$", expected)
        if last in bareurls.GFM_PUNCT:
            expected = expected[:-1]
        elif last == ";":
            expected = expected[:entity.start()] if entity else expected[:-1]
        elif last == ")" and expected.count(")") > expected.count("("):
            expected = expected[:-1]
        else:
            break
    assert bareurls.trim_gfm(url) == expected


@contextmanager
def within(seconds: int) -> Iterator[None]:
    """Fail instead of hanging: the quadratic scans took minutes on these posts."""
    def stop(signum: int, frame: object) -> None:
        raise TimeoutError(f"scan took over {seconds} s")
    previous = signal.signal(signal.SIGALRM, stop)
    signal.alarm(seconds)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)


def post_of(body: str) -> Post:
    text = "---\ntitle: t\n---\n" + body
    return parse_post(text.encode(), Path("/site/posts/a.md"), "posts/a.md")


def places(body: str, profile: str = "plain") -> list[tuple[str, int, int]]:
    with within(20):
        scan = native.scan_post(post_of(body), profile)
    return [(k.target, k.line, k.column) for k in scan.links]


N = 80_000  # 400 KB and more of each hostile piece


def test_unclosed_comments_inline_and_in_a_block() -> None:
    assert places("x <!-- " * N + "[a](b.md)\n") == [("b.md", 4, 7 * N + 5)]
    body = "<div>\n" + "<!-- " * N + '<a href="c.md">\n</div>\n'
    assert places(body) == [("c.md", 5, 5 * N + 10)]


def test_closed_comments_still_hide_their_links() -> None:
    body = "<div>\n" + '<!-- <a href="no.md"> -->' * (N // 4) + '<a href="c.md">\n</div>\n'
    assert places(body) == [("c.md", 5, 25 * (N // 4) + 10)]


@pytest.mark.parametrize("opener", ["{{< highlight go >}}", "{% highlight md %}", "{% raw %}"])
def test_unclosed_highlight_and_raw_tags(opener: str) -> None:
    body = (opener + "\n") * (N // 4) + "[a](b.md)\n"
    assert places(body, "hugo" if "<" in opener else "jekyll") == [("b.md", N // 4 + 4, 5)]


def test_unclosed_kramdown_attribute_lists_and_brackets() -> None:
    assert places("{: #" * N + "\n\n" + "[" * N + "x](a b.md)\n", "jekyll") == [
        ("a b.md", 6, N + 4)]
    scan = native.scan_post(post_of("## H\n{: #real}\n" + "{: " * N + "\n"), "jekyll")
    assert scan.anchors == ["h", "real"]


def test_unclosed_shortcodes_and_tags() -> None:
    body = "{{< figure " * N + "\n\n" + "{{ " * N + " https://x.org\n\n" + "{% " * N + "\n"
    assert places(body, "hugo") == [("https://x.org", 6, 3 * N + 2)]


def test_many_links_on_one_non_ascii_line_are_placed() -> None:
    with within(20):
        scan = native.scan_post(post_of("é [a](b.md) https://x.org/ " * (N // 4)), "plain")
    # The first KEEP links to each target are kept; the rest counted, the first of them placed.
    assert len(scan.links) == 2 * native.KEEP
    first, more = scan.repeats["https://x.org/", "bare_url"]
    assert (first.line, first.column, more) == (4, 27 * native.KEEP + 13, N // 4 - native.KEEP)


def test_a_long_tail_of_punctuation_after_an_address() -> None:
    assert places("See https://x.org/a" + "." * N + ")" * N + "\n") == [
        ("https://x.org/a", 4, 5)]


def test_a_long_heading_of_spaces() -> None:
    scan = native.scan_post(post_of("## a" + " " * N + "b {#id}\n"), "hugo")
    assert scan.anchors == ["id"]
