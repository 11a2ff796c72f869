"""A long body read in pieces (text/blocks.py) gives exactly what the whole body gives: the same
links at the same places, anchors and headings for `check`, the same HTML, words, reading time
and summary for `list`.

The size from which a body is cut is lowered here so that small generated documents are cut
(into pieces of a few characters to a few lines), and each answer is compared with the answer
for the same document read whole.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from blogcli.check import native as check_native
from blogcli.post import Post, PostError, parse_post
from blogcli.text import blocks, count
from blogcli.text import native as text_native
from tests.helpers import FIXTURES

PROFILES = ("plain", "hugo", "jekyll", "hexo", "zola")


@contextmanager
def cut_from(size: int, piece: int) -> Iterator[None]:
    """Bodies longer than ``size`` cut into pieces of about ``piece`` characters."""
    saved = blocks.SIZE, blocks.PIECE
    blocks.SIZE, blocks.PIECE = size, piece
    try:
        yield
    finally:
        blocks.SIZE, blocks.PIECE = saved


def post_of(body: str) -> Post:
    text = "---\ntitle: t\ndate: 2024-01-01\n---\n" + body
    return parse_post(text.encode(), Path("/site/posts/a.md"), "posts/a.md")


def scan_facts(post: Post, profile: str) -> tuple[object, ...]:
    scan = check_native.scan_post(post, profile)
    return (scan.links, sorted(scan.anchors), scan.headings, scan.anchors_certain,
            scan.repeats)


def shown(stats: count.TextStats) -> count.TextStats:
    """The stats as read: the plain text's white space collapsed (the whole body's plain
    pass leaves that to ``TextStats.plain``; the pieces' stripped HTML has it done)."""
    return dataclasses.replace(stats, text=stats.plain)


def assert_same(body: str, piece: int) -> None:
    """Cut into pieces of ``piece`` characters or read whole, every answer is the same."""
    post = post_of(body)
    whole_html = text_native.render(body)
    whole_stats = shown(count.analyse(body))
    whole = {p: scan_facts(post, p) for p in PROFILES}
    with cut_from(0, piece):
        assert text_native.render(body) == whole_html
        assert shown(count.analyse(body)) == whole_stats
        for profile in PROFILES:
            assert scan_facts(post, profile) == whole[profile], profile


# Blocks of every kind that can run across a blank line, or look as if they might.
BLOCK = st.sampled_from([
    "Plain words here.", "word [l](/x) word [two words](b.md) and [l](/x).", "A line\nand more",
    "- item\n- item [a](a.md)", "- loose\n\n- list", "1. one\n\n   still one",
    "> quote\n> [q](q.md)", "> lazy\ncontinued", "# Heading", "## Heading", "Setext\n===",
    "```\ncode [c](c.md)\n\nmore\n```",
    "```\nunclosed fence\n\nword", "~~~~\n```\n\n~~~\n\nin\n~~~~", "```js`x\nnot a fence",
    "    indented [i](i.md)\n\n    more", "<!-- comment\n\n[h](h.md) -->", "<!-- unclosed\n\nx",
    "<!-->\n\nafter", "<?php\n\n?>", "<![CDATA[\n\n]]>", "<!DOCTYPE\n\n>", "<div>\n\n</div>",
    "<div>\n```\n\ncode", "<script>\n\n[s](s.md)\n</script>", "<pre>x</pre>", "<span>x</span> text",
    "  ```\n  indented fence", "  <!--\n\nx", "| a | b |\n|---|---|\n| [t](t.md) | x |",
    "Term\n: definition", "[r]: /ref.md", "Foot[^1]\n\n[^1]: note", "{{< ref \"x.md\" >}}",
    "{% highlight md %}\n\n[v](v.md)\n\n{% endhighlight %}", "http://bare.example/x word",
    "*emphasis\n\nacross*", "`code\n\nspan`", "a\r\nb", "lone\rcr", "\t[tab](t.md)",
    "é [ü](/ü) word " * 3, "word [l](/x) " * 12, "'quote' -- and... \"more\"",
    "<https://auto.example/>", "Heading {#id}\n---", "word  \nhard break",
])
SEPARATOR = st.sampled_from(["\n\n", "\n", "\n\n\n", "\n  \n"])
DOCS = st.lists(st.tuples(BLOCK, SEPARATOR), min_size=1, max_size=10).map(
    lambda parts: "".join(b + s for b, s in parts))


@settings(max_examples=300, deadline=None)
@given(DOCS, st.integers(min_value=1, max_value=60))
def test_pieces_give_what_the_whole_gives_on_random_markdown(body: str, piece: int) -> None:
    assert_same(body, piece)


LINKS = st.lists(st.sampled_from(["word", "w2.", "x)", "[l](/x)", "[a b](b.md)", "[](e)",
                                  "[é](/é)", "(p)", "[x](/a&b)", "end;"]), min_size=1,
                 max_size=40).map(lambda words: " ".join(["Start", *words]) + "\n")


@settings(max_examples=200, deadline=None)
@given(LINKS, st.integers(min_value=1, max_value=30))
def test_one_long_line_of_words_and_links_cut_between_words(body: str, piece: int) -> None:
    assert_same(body, piece)


def fixture_bodies() -> list[Path]:
    return sorted(p for p in FIXTURES.rglob("*.md") if p.stat().st_size < 200_000)


@pytest.mark.parametrize("path", fixture_bodies(), ids=lambda p: str(p.relative_to(FIXTURES)))
def test_pieces_give_what_the_whole_gives_on_the_fixture_corpora(path: Path) -> None:
    try:
        post = parse_post(path.read_bytes(), path, path.name)
    except PostError:
        return
    for piece in (1, 200):
        assert_same(post.body, piece)


def test_a_long_body_is_cut_only_where_no_block_runs_across() -> None:
    prose = "Words of a paragraph.\n\n" * 4
    with cut_from(0, 30):
        assert [(p.start, p.plain) for p in blocks.pieces(prose) or []] == [(0, False),
                                                                             (46, False)]
    with cut_from(0, 1):
        # a fence, an HTML comment and a list item hold their blank lines
        fenced = "A\n\n```\nx\n\ny\n```\n\nB\n\nC\n"
        assert [fenced[p.start] for p in blocks.pieces(fenced) or []] == ["A", "B", "C"]
        assert blocks.pieces("A\n\n<!--\n\nB\n\nC\n") is None
        assert blocks.pieces("- a\n\n  b\n\n  c\n") is None
        # document-wide definitions and uncertain openers: not cut at all
        for body in ("A\n\nB\n\n[r]: /x\n", "A[^1]\n\nB\n\n[^1]: n\n", "A\n\n  ```\n\nB\n",
                     "A\n\n<b>\n```\n\nB\n", "A\n\nB\n: d\n"):
            assert blocks.pieces(body) is None, body
        line = "word [a b](/x) " * 10
        cut = blocks.pieces(line) or []
        assert len(cut) == 20  # before each link and after it, never at the space inside
        assert all(p.plain and line[p.start] in "w[" for p in cut)
        assert {line[p.start - 1] for p in cut[1:]} == {" "}
    assert blocks.pieces(prose) is None  # short bodies are read whole


def test_the_bench_post_shape_is_cut_and_read_without_the_parser() -> None:
    body = "word [l](/x) " * 200_000  # 2.6 MB on one line, over blocks.SIZE
    cut = blocks.pieces(body)
    assert cut is not None and len(cut) > 30
    scan = check_native.scan_post(post_of(body), "plain")
    assert len(scan.links) == check_native.KEEP
    first, more = scan.repeats["/x", "link"]
    assert (first.line, first.column, more) == (5, 13 * check_native.KEEP + 10,
                                                200_000 - check_native.KEEP)
    stats = count.analyse(body)
    assert (stats.words, stats.reading_time) == (400_000, 1878)


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=" \t\n\r\v\f\x1c\x85\u00a0\u2028\u3000ab.", max_size=60),
       st.integers(min_value=1, max_value=80))
def test_spaces_are_squeezed_a_slab_at_a_time_as_in_one_pass(text: str, slab: int) -> None:
    saved = count._SLAB
    count._SLAB = slab
    try:
        assert count._squeeze(text) == count._SPACES.sub(" ", text).strip()
    finally:
        count._SLAB = saved
