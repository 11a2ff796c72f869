"""The native scan (pulldown-cmark) against the markdown-it one: the same links, places, anchors.

``blog check`` uses the native scan; markdown-it's stays as the reference it is held to
(and for publish's link rewrites). Where the two differ, the native one is right, and each
such case has its own test below: a link's place is where its destination is written in the
file.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from blogcli.check import links, native
from blogcli.post import Post, PostError, parse_post

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"
PROFILES = ("plain", "hugo", "jekyll", "hexo", "zola")
# Files of the fixture sites where markdown-it's scan misplaces a link (see the tests below).
MISPLACED = {
    "hugo_diff/content/posts/links.md": "an image inside a link",
    "hugo_diff/content/posts/real-world.md": "an image inside a link",
    "fix_blog/input/content/posts/links.md": "a reference use placed at earlier matching text",
    "messy_site/content/about.md": "a <mailto:...> autolink placed at the line start",
}
# Zola's headings are pulldown-cmark's: {#id} and {.class} attributes leave the id as Zola's.
ZOLA_HEADINGS = {"hugo_diff/content/posts/heading-attributes.md"}


def post_of(text: str | bytes, name: str = "a.md") -> Post:
    raw = text.encode("utf-8") if isinstance(text, str) else text
    return parse_post(raw, Path("/site/posts") / name, f"posts/{name}")


def both(text: str | bytes, profile: str = "plain") -> tuple[links.Scan, links.Scan]:
    post = post_of(text)
    return links.scan_post(post, profile), native.scan_post(post, profile)


def placed(post: Post, scan: links.Scan) -> list[links.Link]:
    """Links whose file text at (line, column) is not the target as written (an e-mail
    autolink ``<me@x.org>`` is written without the ``mailto:`` its target has)."""
    lines = post.text.split("\n")
    return [k for k in scan.links if k.kind in ("link", "image", "definition")
            and not lines[k.line - 1][k.column - 1:].startswith(k.target)
            and not ("<" + lines[k.line - 1][k.column - 1:]).startswith("<" + k.target[7:])]


EXAMPLES = [
    "---\ntitle: x\n---\nSee [b](b.md#setup) and ![pic](img/a.png \"t\").\n"
    "Auto <https://example.com/x> here.\n",
    "- item [a](a.md)\n  - nested [b](b.md)\n> quoted [c](c.md)\n\n"
    "| h | i |\n|---|---|\n| [d](d.md) | x |\n",
    "`[a](span.md)` and ``[b](double.md)``\n\n```\n[c](fence.md)\n```\n\n    [d](indented.md)\n\n"
    "{% highlight md %}\n[e](liquid.md)\n{% endhighlight %}\n\n"
    "{{< highlight md >}}\n[f](hugo.md)\n{{< /highlight >}}\n\n"
    "`{{< ref \"g.md\" >}}` and real [h](h.md)\n"
    "Text then\n{% highlight md %}\n[i](in-paragraph.md)\n{% endhighlight %}\n",
    "Use [one][r] and [two][r] and [three][].\n\n[r]: ../r.md\n[three]: <t t.md>\n",
    "Text[^1] <a href=\"/x.html\">x</a>.\n\n<div id=\"box\">\n<img src=\"pic.png\" alt=\"\">\n"
    "</div>\n\n<!-- <a href=\"hidden.md\">no</a> -->\n\n[^1]: A note with [a link](note.md).\n",
    "See {{< ref \"a.md#x\" >}} {{< relref path=\"b.md\" >}} {{% ref c %}}\n"
    "[p]({% post_url 2010-07-21-name %}) {% link _posts/x.md %}\n"
    "{{< figure src=\"/img/f.png\" >}} [z](@/blog/post.md#top)\n",
    "`[a](x.md)` then [b](x.md)\n\n`<b>` and [c](y.md) `(y.md)`\n",
    "a\rb\n[x](x.md)\n",
    "# Hello *World*\n\n## Setup {#custom}\n\n<a name=\"old\"></a>\n<p id=\"para\">x</p>\n",
    "Setext *heading*\n===\n\n- a <me@x.org> b\\_c &amp; https://x.com/a&amp;b\n  soft\n",
    "See https://x.com/a_b. and www.y.org, *https://z.io* <a href='q'>https://no.pe</a>\n"
    "中文 https://ü.de/ü x [中](中.md) ![é](é.png)\n",
    "Intro [a](a.md) then https://one.org/x and\n- item *https://two.org/y*\n"
    "> quoted https://three.org\n\n| h |\n|---|\n| https://four.org |\n",
    "{{< youtube https://shortcode.org >}} and https://real.org\n",
    "[a](\n  b.md) [c]( <d e.md> \"t\") [f]() > [g](\n> h.md)\n",
    # kramdown's own: {: #id} lists and link targets with spaces (Jekyll and plain only)
    "## Setup\n{: #set-up .wide}\n\nSee [the notes](my notes.md) and [b](b.md).\n"
    "`[code](in span.md)` then [x](a b.md \"title\")\n\n```\n[f](in fence.md)\n```\n",
    # [x]((https://...)): a doubled parenthesis, placed once whether or not a link
    "See [a]((https://a.org)) and [b](( https://b.org)) and [c]((www.c.org).\n",
]


@pytest.mark.parametrize("profile", PROFILES)
@pytest.mark.parametrize("text", EXAMPLES)
def test_native_scan_equals_markdown_it_scan_on_examples(text: str, profile: str) -> None:
    old, new = both(text, profile)
    assert new == old


def test_crlf_bom_and_front_matter_keep_positions() -> None:
    raw = b"\xef\xbb\xbf+++\r\ntitle = \"x\"\r\n+++\r\n\r\nA [b](b.md) c.\r\n"
    assert [(k.target, k.line, k.column) for k in native.scan_post(post_of(raw), "hugo").links] \
        == [("b.md", 5, 7)]


def test_columns_count_characters_not_bytes() -> None:
    scan = native.scan_post(post_of("---\nt: x\n---\n中文 é [a](b.md) https://x.org\n"), "hugo")
    assert [(k.target, k.line, k.column) for k in scan.links] == [
        ("b.md", 4, 10), ("https://x.org", 4, 16)]


def fixture_posts() -> list[tuple[str, Post]]:
    out = []
    for path in sorted(FIXTURES.rglob("*.md")):
        try:
            out.append((path.relative_to(FIXTURES).as_posix(),
                        parse_post(path.read_bytes(), path, path.name)))
        except PostError:
            continue  # a fixture of broken front matter: neither scan sees it
    return out


@pytest.mark.parametrize("profile", PROFILES)
def test_native_scan_equals_markdown_it_scan_on_the_fixture_sites(profile: str) -> None:
    posts = fixture_posts()
    assert len(posts) > 50
    differ = []
    for rel, post in posts:
        old, new = links.scan_post(post, profile), native.scan_post(post, profile)
        assert placed(post, new) == [], rel
        if old != new:
            differ.append(rel)
            if profile == "zola" and rel in ZOLA_HEADINGS:
                continue
            assert (old.anchors, old.headings) == (new.anchors, new.headings)
    expected = set(MISPLACED) | (ZOLA_HEADINGS if profile == "zola" else set())
    assert sorted(differ) == sorted(expected)


# ---- where markdown-it's scan is wrong and the native one right ----

def test_an_image_inside_a_link_is_placed_at_its_own_source() -> None:
    text = "[![badge](https://b.org/x.svg)](https://b.org)\n"
    old, new = both(text)
    assert [(k.target, k.column, k.kind) for k in new.links] == [
        ("https://b.org/x.svg", 11, "image"), ("https://b.org", 33, "link")]
    assert old.links[0] == links.Link("https://b.org", 1, 11, "link")  # the image's place


def test_a_code_span_in_link_text_does_not_push_the_link_past_its_place() -> None:
    text = "See [`a`](#a) then [`b`](#b) and later `b` and `a` again.\n"
    old, new = both(text)
    assert [(k.target, k.column) for k in new.links] == [("#a", 11), ("#b", 26)]
    assert old.links != new.links


def test_a_reference_use_is_not_a_link_where_its_address_is_the_text() -> None:
    text = "Go to [https://buddy.works][home].\n\n[home]: https://buddy.works\n"
    old, new = both(text)
    assert [(k.target, k.line, k.kind) for k in new.links] == [
        ("https://buddy.works", 3, "definition")]
    assert len(old.links) == 2  # also the use, at its text, as if it were an inline link


def test_mailto_autolinks_are_e_mail_and_placed() -> None:
    text = "Write to <mailto:me@example.org> or <me@example.org>.\n"
    old, new = both(text)
    assert [(k.target, k.column) for k in new.links] == [
        ("mailto:me@example.org", 11), ("mailto:me@example.org", 38)]
    assert old.links[1].target == new.links[1].target


def test_zola_heading_attributes_are_read_as_pulldown_cmark_reads_them() -> None:
    # Zola renders with pulldown-cmark: {.class} is an attribute, not heading text.
    text = "## Try it now {.centered-text}\n\n## Setup {#custom .wide}\n"
    old, new = both(text, "zola")
    assert new.anchors == ["try-it-now", "custom"]
    assert old.anchors == ["try-it-now-centered-text", "custom"]
    assert both(text, "hugo")[1].anchors == ["try-it-now-centered-text", "custom"]


# ---- random Markdown ----

WORDS = ["a", "b c", "x.y", "*em*", "_u_", "`code`", "&amp;", "中文", "é", "\\*", "~~s~~"]
# No empty destination: markdown-it's scan places "[a]()" at the paragraph's first "(".
DESTS = ["a.md", "../b.md#s", "/img/c.png", "https://e.org/p?q=1", "#top", "d%20e.md"]


@st.composite
def inline(draw: st.DrawFn) -> str:
    kind = draw(st.sampled_from(["word", "link", "image", "auto", "bare", "html", "code"]))
    word = draw(st.sampled_from(WORDS))
    label = draw(st.sampled_from(WORDS[:5]))  # no code span in link text (see above)
    dest = draw(st.sampled_from(DESTS))
    return {
        "word": word,
        "link": f"[{label}]({dest})",
        "image": f"![{word}]({dest} \"t\")",
        "auto": "<https://auto.org/x>",
        "bare": draw(st.sampled_from(["https://bare.org/p.", "www.w.org/a", "(https://p.org)"])),
        "html": f'<a href="{dest}">{label}</a>',
        "code": f"`[{word}]({dest})`",
    }[kind]


@st.composite
def block(draw: st.DrawFn) -> str:
    text = " ".join(draw(st.lists(inline(), min_size=1, max_size=5)))
    form = draw(st.sampled_from(["para", "heading", "list", "quote", "fence", "indent", "table",
                                 "html", "def", "footnote", "setext", "shortcode"]))
    n = draw(st.integers(1, 9))
    return {
        "para": text,
        "heading": f"## {text}" + draw(st.sampled_from(["", " {#id-x}"])),
        "list": f"- {text}\n  - {text}",
        "quote": f"> {text}\n> {text}",
        "fence": f"```\n{text}\n```",
        "indent": f"    {text}",
        "table": f"| h | i |\n|---|---|\n| {text} | x |",
        "html": f'<div id="d{n}">\n<img src="i{n}.png">\n</div>',
        "def": f"Use [r{n}][r{n}].\n\n[r{n}]: def-{n}.md",
        "footnote": f"Note[^{n}].\n\n[^{n}]: {text}",
        "setext": f"{text}\n---",
        "shortcode": f'{{{{< figure src="/f{n}.png" >}}}} {text}',
    }[form]


@settings(max_examples=300, deadline=None)
@given(st.lists(block(), min_size=1, max_size=6),
       st.sampled_from(["\n", "\r\n"]), st.booleans(), st.sampled_from(PROFILES))
def test_native_scan_equals_markdown_it_scan_on_random_markdown(
        blocks: list[str], newline: str, front: bool, profile: str) -> None:
    body = "\n\n".join(blocks) + "\n"
    text = ("---\ntitle: t\n---\n" if front else "") + body
    post = post_of(text.replace("\n", newline))
    old, new = links.scan_post(post, profile), native.scan_post(post, profile)
    assert placed(post, new) == []
    assert new == old


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from([*'ab []()!`<>\\#-*>|:/.{}%"\n\r\t', "中", "é", "http://x.y",
                                 "[^1]", "]: "]), max_size=120).map("".join))
def test_native_scan_never_raises_and_places_links_on_real_lines(body: str) -> None:
    post = post_of("---\ntitle: t\n---\n" + body)
    lines = post.text.split("\n")
    for link in native.scan_post(post, "hugo").links:
        assert 1 <= link.line <= len(lines)
        assert 1 <= link.column <= len(lines[link.line - 1]) + 1
