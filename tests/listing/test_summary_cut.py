"""A post with Hugo's summary divider, as ``blog list`` counts it: cut in its plain text
(``analyse(..., html_summary=False)``) where that is the cut Hugo makes in its HTML, and
through the HTML where it may not be. Either way the words, minutes, summary and whether it
was truncated are the HTML path's, which tests/text holds to Hugo's own figures."""

from __future__ import annotations

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from blogcli.post import split_front_matter
from blogcli.text import hugo
from blogcli.text.count import (
    TextOptions,
    _expand,
    _plain_cut,
    _split_more,
    analyse,
    summary_settled,
)
from blogcli.text.typographer import GO_SPACES
from tests.helpers import FIXTURES
from tests.text.test_native import DOCS, RUNS_DOCS

MORE = "<!--more-->"
OPTIONS = TextOptions(syntax="hugo")
POSTS = sorted((FIXTURES / "hugo_diff" / "content").rglob("*.md"))


def shown(body: str, html_summary: bool) -> tuple[int, int, str, bool]:
    stats = analyse(body, {}, OPTIONS, html_summary=html_summary)
    return stats.words, stats.reading_time, stats.summary, stats.truncated


def assert_same_cut(body: str) -> bool:
    """The plain cut says what the HTML cut says; True when the plain cut was taken."""
    assert shown(body, False) == shown(body, True)
    marked, has_more, _ = _split_more(body, OPTIONS)
    return has_more and _plain_cut(*_expand(marked, OPTIONS), OPTIONS) is not None


@pytest.mark.parametrize(("body", "plain"), [
    ("First paragraph.\n\n<!--more-->\n\nThe rest, with words.\n", True),
    ("<!--more-->\n\nAll after.\n", True),
    ("All before.\n\n<!--more-->", True),
    ("Text right before<!--more-->and after.\n", True),
    ("# Heading\n\nIt's \"quoted\" -- and... more.\n<!--more-->\nRest &amp; end.\n", True),
    ("- a list\n- of items\n\n<!--more-->\n\n> quoted\n", True),
    ("> quoted\n<!--more-->\nlazy?\n", True),
    ("```\ncode\n\n<!--more-->\n\nstill code\n```\nAfter.\n", False),
    ("<pre>\nraw\n\n<!--more-->\n\n</pre>\nAfter.\n", False),
    ("<div>\n<!--more-->\n</div>\n\nAfter.\n", True),  # the HTML block ends before it
    ("A note[^1].\n\n<!--more-->\n\n[^1]: The note.\n", False),
    ("Term\n: its definition\n\n<!--more-->\n\nAfter.\n", False),
    ("Before {{< x >}} after.\n\n<!--more-->\n\nRest.\n", True),
    ("One <!--more--> two <!--more--> three.\n", True),
    ("HUGOMORE42 in the text.\n\n<!--more-->\n\nRest.\n", False),
])
def test_the_plain_cut_is_the_html_cut(body: str, plain: bool) -> None:
    assert assert_same_cut(body) == plain


@pytest.mark.parametrize("post", POSTS, ids=lambda p: p.name)
def test_each_fixture_cut_at_a_divider_is_counted_as_through_the_html(post: object) -> None:
    raw = (FIXTURES / "hugo_diff" / "content" / str(post)).read_bytes().decode("utf-8")
    _, body, _, _ = split_front_matter(raw, str(post))
    paragraphs = body.split("\n\n")
    for at in sorted({0, 1, len(paragraphs) // 2, len(paragraphs)}):
        assert_same_cut("\n\n".join([*paragraphs[:at], MORE, *paragraphs[at:]]))


@settings(max_examples=300, deadline=None)
@given(DOCS, DOCS, st.sampled_from(["\n\n", "\n", "", " "]))
def test_a_divider_anywhere_is_counted_as_through_the_html(before: str, after: str,
                                                            gap: str) -> None:
    assert_same_cut(before + gap + MORE + gap + after)


TEXT = st.lists(st.sampled_from(["w", "ab", " ", "  ", "\n", "\t", "\u00a0", ".", "!", '"',
                                 "&amp;", "x.y", "\u3000", "?"]), max_size=40).map("".join)


@settings(max_examples=500, deadline=None)
@given(TEXT, TEXT, TEXT, st.integers(1, 8))
@example("a b\n  ", "", "x", 1)  # a newline then only white space: its end is the text's
@example("a b. ", "", "x", 1)
def test_a_settled_head_settles_the_summary_of_any_text_after_it(
        head: str, tail: str, other: str, length: int) -> None:
    """What list's plain pass relies on to only count the text after a summary."""
    if summary_settled(head, length):
        cut = hugo.truncate_collapsed(head + tail, length)
        assert cut == hugo.truncate_collapsed(head + other, length)
        assert cut == hugo.truncate_to_sentence(hugo.collapse(head + tail), length)
        assert cut[1]


@settings(max_examples=300, deadline=None)
@given(DOCS)
def test_a_post_counted_after_its_summary_is_listed_as_one_written_out(body: str) -> None:
    assert shown(body, False) == shown(body, True)


@settings(max_examples=300, deadline=None)
@given(RUNS_DOCS, st.integers(1, 12))
def test_a_post_of_every_kind_of_line_break_is_listed_as_one_written_out(
        body: str, length: int) -> None:
    """Its head written as runs (a paragraph's text as it is where nothing in it is escaped
    or typeset), the rest only counted: the words and summary of the HTML path."""
    options = TextOptions(syntax="hugo", summary_length=length)
    fast, slow = (analyse(body, {}, options, html_summary=h) for h in (False, True))
    assert (fast.words, fast.reading_time, fast.summary, fast.truncated) == \
        (slow.words, slow.reading_time, slow.summary, slow.truncated)


@pytest.mark.parametrize("post", POSTS, ids=lambda p: p.name)
def test_each_fixture_counted_after_its_summary_is_listed_as_written_out(post: object) -> None:
    raw = (FIXTURES / "hugo_diff" / "content" / str(post)).read_bytes().decode("utf-8")
    _, body, _, _ = split_front_matter(raw, str(post))
    for length in (1, 5, 70):
        options = TextOptions(syntax="hugo", summary_length=length)
        fast, slow = (analyse(body, {}, options, html_summary=h) for h in (False, True))
        assert (fast.words, fast.summary, fast.truncated) == \
            (slow.words, slow.summary, slow.truncated)


@settings(max_examples=300, deadline=None)
@given(TEXT, TEXT, st.integers(0, 400), st.integers(1, 80))
@example("w ", "a. b", 300, 70)  # the sentence end well past the first 1,024 characters
@example("ab\u3000 \n", ".", 200, 70)
def test_a_long_text_is_cut_as_collapsed_whole(unit: str, tail: str, times: int,
                                               length: int) -> None:
    """truncate_collapsed reads heads of 1,024 characters and more, four times longer each
    time, and finds the length-th space in one match: the whole text's cut all the same."""
    text = unit * times + tail
    assert hugo.truncate_collapsed(text, length) == \
        hugo.truncate_to_sentence(hugo.collapse(text), length)


SHORTCODE_WORDS = st.sampled_from([
    "one", "two.", "three!", '"four"', "five?", "it's", "a -- b", "x...",
    '{{< figure src="a.png" caption="Caption words. More" >}}', '{{< figure src="b.png" >}}',
    '{{< ref "post.md" >}}', '{{< highlight go >}}x := 1{{< /highlight >}}', "{{< unknown >}}",
    "\n\n<!--more-->\n\n",
])
SHORTCODE_DOCS = st.lists(
    st.tuples(st.sampled_from(["", "- ", "> ", "## "]),
              st.lists(SHORTCODE_WORDS, min_size=1, max_size=8).map(" ".join),
              st.sampled_from(["\n", "\n\n"])),
    max_size=10).map(lambda parts: "".join(p + t + e for p, t, e in parts))


@settings(max_examples=300, deadline=None)
@given(SHORTCODE_DOCS, st.integers(1, 12))
@example("{{< figure src=\"a.png\" caption=\"Caption words. More\" >}}\n\none two.\n\nthree\n", 2)
@example("one {{< figure src=\"b.png\" >}} two. three\n\nfive?\n", 1)
# a shortcode with no output, read as a word, would settle the summary one block early
@example('one {{< unknown >}} two. {{< figure src="b.png" >}}\n\n"four"\n\nx...\n', 2)
def test_a_post_with_shortcode_output_is_counted_after_its_summary_as_written_out(
        body: str, length: int) -> None:
    """The summary is settled with the shortcodes' output put in (as _plain puts it in), or
    cut at the divider: then the rest is only counted, and the listing is the one the whole
    pass gives."""
    options = TextOptions(syntax="hugo", summary_length=length)
    fast, slow = (analyse(body, {}, options, html_summary=h) for h in (False, True))
    assert (fast.words, fast.reading_time, fast.summary, fast.truncated) == \
        (slow.words, slow.reading_time, slow.summary, slow.truncated)


@settings(max_examples=500, deadline=None)
@given(st.text(alphabet=" \t\n\r\v\f\x1c\x85\u00a0\u2028\u3000\u2009ab.", max_size=80))
def test_a_run_of_white_space_collapses_to_its_first_character(text: str) -> None:
    """StripHTML's collapse of Go's white space (not \\x1c, which str.isspace would take)."""
    out, last = [], False
    for ch in text:
        space = ch in GO_SPACES
        if not (space and last):
            out.append(ch)
        last = space
    assert hugo.collapse(text) == "".join(out)
