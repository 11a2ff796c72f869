"""The HTML reading of a post (native.scan_html, check/rendered.py) against the event walk
(native.walk): wherever the HTML reading answers, it must be the walk's answer exactly."""

from __future__ import annotations

from pathlib import Path

import pyromark
import pytest
from hypothesis import event, example, given, settings
from hypothesis import strategies as st

from blogcli.check import native, rendered
from blogcli.post import Post, parse_post

PROFILES = ("plain", "hugo", "jekyll", "hexo", "zola")


def post_of(text: str) -> Post:
    return parse_post(text.encode(), Path("/site/posts/a.md"), "posts/a.md")


def agree(text: str, profile: str = "plain", linkify: bool = True) -> bool:
    """Whether the HTML reading answered; when it did, it is the walk's answer."""
    post = post_of(text)
    fast = native.scan_html(post, profile, linkify)
    if fast is not None:
        slow = native.walk(post, profile, linkify)
        assert fast == slow
        assert list(fast.repeats.items()) == list(slow.repeats.items())
    return fast is not None


def test_escape_href_is_what_pulldown_cmark_writes() -> None:
    chars = [chr(c) for c in range(33, 127) if chr(c) not in "()<>\\&"] + ["é", "中", "😀"]
    for char in chars:
        html = pyromark.html(f"[a](x{char}y)")
        assert f'href="{rendered.escape_href(f"x{char}y")}"' in html, char


# Posts the HTML reading answers, and posts it leaves to the walk.
TAKEN = [
    "---\ntitle: t\n---\n# Title\n\nSee [b](b.md#setup) and ![pic](img/a.png \"t\").\n",
    "Intro [next](p-1.md) and *em* **strong** ~~del~~.\n\n## Details\n\n"
    "- [one](p-2.md#details)\n- `[code](not-a-link.md)`\n\n> Quote [q](https://e.org/x).\n\n"
    "```text\n[fence](nothing.md)\n```\n",
    "A [link](dest.md), [é](é.md), [p](a_(b)) and [e]().\n",
    "Setext `a\nb` heading\n===\n\n# With ![img](i.png) and [link](l.md)\n",
    "[same](x.md) and ![other](y.png) and [same again](x.md)\n",
]
LEFT = [
    "A bare https://e.org/x address.\n",            # linkify: a bare address in text
    "`[x](same.md)` and [x](same.md)\n",            # the code span's and the link's: 2 vs 1
    "[a](x.png) and ![b](x.png)\n",                  # a link and an image to one place
    "![a [b](c.md)](d.png)\n",                       # a link in an image's description
    "<b>html</b> [a](a.md)\n",
    "[a][r]\n\n[r]: r.md\n",
    "Note[^1].\n\n[^1]: n\n",
    "[a](b(c(d)))\n",                                # parentheses two deep
]


@pytest.mark.parametrize("text", TAKEN)
@pytest.mark.parametrize("profile", PROFILES)
def test_plain_posts_are_read_from_their_html_as_the_walk_reads_them(text: str,
                                                                     profile: str) -> None:
    assert agree(text, profile)


@pytest.mark.parametrize("text", LEFT)
def test_posts_the_html_could_mislead_on_are_left_to_the_walk(text: str) -> None:
    assert not agree(text)


@pytest.mark.parametrize("profile", ["hugo", "hexo", "zola"])
def test_a_destination_on_the_next_line_or_with_a_title_is_placed_there(profile: str) -> None:
    # (kramdown reads these as one link target with a space: jekyll and plain walk them)
    for text in ("A [link](\n  dest.md 't') across lines.\n", "> > [deep](\n> > quoted.md)\n"):
        assert agree(text, profile)
        assert native.scan_html(post_of(text), profile, True).links[0].line == 2  # type: ignore[union-attr]


def test_a_bare_address_is_no_obstacle_where_the_engine_links_none() -> None:
    assert agree("A bare https://e.org/x address.\n", "zola", linkify=False)
    assert agree("A bare https://e.org/x address.\n", "plain", linkify=False)


# ---- random Markdown, mostly of what the HTML reading takes ----

WORDS = ["a", "b c", "x.y", "*em*", "_u_", "**s**", "`code`", "``two``", "中文", "é", "~~s~~",
         "http://x.org/a", "www.w.org", "\"q\"", "'s'", ">", "!", "[", "]", "(", ")", "#", ":",
         "*", "_", "-", "  \n"]
DESTS = ["a.md", "../b.md#s", "/img/c.png", "https://e.org/p?q=1", "#top", "d%20e.md",
         "é.md", "a_(b)", "", "x'y", "x\"y", "a]b", "p.md \"title\"", "p.md 't'", "\n p.md",
         "c.md (t)"]


@st.composite
def inline(draw: st.DrawFn) -> str:
    kind = draw(st.sampled_from(["word", "word", "link", "image", "code", "nested"]))
    word = draw(st.sampled_from(WORDS))
    label = draw(st.sampled_from([*WORDS[:12], ""]))
    dest = draw(st.sampled_from(DESTS))
    return {
        "word": word,
        "link": f"[{label}]({dest})",
        "image": f"![{label}]({dest})",
        "code": f"`[{word}]({dest})`",
        "nested": f"[{label} ![{word}]({dest})]({draw(st.sampled_from(DESTS))})",
    }[kind]


@st.composite
def block(draw: st.DrawFn) -> str:
    text = " ".join(draw(st.lists(inline(), min_size=1, max_size=5)))
    form = draw(st.sampled_from(["para", "heading", "list", "quote", "fence", "indent",
                                 "setext", "rule", "item-code", "lazy"]))
    return {
        "para": text,
        "heading": f"## {text}" + draw(st.sampled_from(["", " ##"])),
        "list": f"- {text}\n  - {text}\n1. {text}",
        "quote": f"> {text}\n> {text}\n{text}",
        "fence": f"```\n{text}\n```",
        "indent": f"    {text}",
        "setext": f"{text}\n{text}\n" + draw(st.sampled_from(["---", "==="])),
        "rule": f"{text}\n\n***",
        "item-code": f"- ```\n  {text}\n  ```\n  {text}",
        "lazy": f"> - {text}\n{text}",
    }[form]


@settings(max_examples=500, deadline=None)
@given(st.lists(block(), min_size=1, max_size=6), st.booleans(), st.sampled_from(PROFILES),
       st.booleans())
def test_html_reading_equals_the_walk_on_random_markdown(
        blocks: list[str], front: bool, profile: str, linkify: bool) -> None:
    body = "\n\n".join(blocks) + "\n"
    event("read from its HTML" if agree(("---\ntitle: t\n---\n" if front else "") + body,
                                        profile, linkify) else "walked")


@settings(max_examples=500, deadline=None)
@given(st.lists(st.sampled_from([*"ab []()!`#-*>:/.%\"'_~=\n\t ", "中", "é", "http://x.y",
                                 "www.z.", "](", "![", "    "]), max_size=80).map("".join),
       st.sampled_from(PROFILES), st.booleans())
@example("[a](\n\n b)", "plain", True)
def test_html_reading_equals_the_walk_on_random_characters(body: str, profile: str,
                                                           linkify: bool) -> None:
    event("read from its HTML" if agree("---\ntitle: t\n---\n" + body, profile, linkify)
          else "walked")
