"""Link extraction and heading ids: exact places, nothing from code, every engine's own forms."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from blogcli.check.anchors import github, goldmark, heading_ids, hexo, kramdown, other_ids, zola
from blogcli.check.links import Link, extract_links, parser, scan_post, simple_links
from blogcli.post import Post, parse_post


def post_of(text: str | bytes, name: str = "a.md") -> Post:
    raw = text.encode("utf-8") if isinstance(text, str) else text
    return parse_post(raw, Path("/site/posts") / name, f"posts/{name}")


def found(text: str) -> list[tuple[str, int, int, str]]:
    return [(k.target, k.line, k.column, k.kind) for k in extract_links(post_of(text))]


def test_inline_links_images_and_autolinks_have_line_and_column() -> None:
    text = ("---\ntitle: x\n---\n"
            "See [b](b.md#setup) and ![pic](img/a.png \"t\").\n"
            "Auto <https://example.com/x> here.\n")
    assert found(text) == [
        ("b.md#setup", 4, 9, "link"),
        ("img/a.png", 4, 32, "image"),
        ("https://example.com/x", 5, 7, "link"),
    ]


def test_links_in_lists_quotes_and_tables_point_into_the_file() -> None:
    text = ("- item [a](a.md)\n"
            "  - nested [b](b.md)\n"
            "> quoted [c](c.md)\n"
            "\n"
            "| h | i |\n|---|---|\n| [d](d.md) | x |\n")
    assert found(text) == [("a.md", 1, 12, "link"), ("b.md", 2, 16, "link"),
                           ("c.md", 3, 14, "link"), ("d.md", 7, 7, "link")]


def test_nothing_inside_code_counts() -> None:
    text = ("`[a](span.md)` and ``[b](double.md)``\n\n"
            "```\n[c](fence.md)\n```\n\n"
            "    [d](indented.md)\n\n"
            "{% highlight md %}\n[e](liquid.md)\n{% endhighlight %}\n\n"
            "{{< highlight md >}}\n[f](hugo.md)\n{{< /highlight >}}\n\n"
            "`{{< ref \"g.md\" >}}` and real [h](h.md)\n"
            "Text then\n{% highlight md %}\n[i](in-paragraph.md)\n{% endhighlight %}\n")
    assert found(text) == [("h.md", 17, 35, "link")]


def test_reference_definition_is_reported_once_where_it_is_defined() -> None:
    text = "Use [one][r] and [two][r] and [three][].\n\n[r]: ../r.md\n[three]: <t t.md>\n"
    assert found(text) == [("../r.md", 3, 6, "definition"), ("t t.md", 4, 11, "definition")]


def test_footnote_bodies_and_raw_html_are_read() -> None:
    text = ("Text[^1] <a href=\"/x.html\">x</a>.\n\n"
            "<div id=\"box\">\n<img src=\"pic.png\" alt=\"\">\n</div>\n\n"
            "<!-- <a href=\"hidden.md\">no</a> -->\n\n"
            "[^1]: A note with [a link](note.md).\n")
    assert found(text) == [("/x.html", 1, 19, "html"), ("pic.png", 4, 11, "html"),
                           ("note.md", 9, 28, "link")]


def test_engine_link_forms_are_extracted() -> None:
    text = ("See {{< ref \"a.md#x\" >}} {{< relref path=\"b.md\" >}} {{% ref c %}}\n"
            "[p]({% post_url 2010-07-21-name %}) {% link _posts/x.md %}\n"
            "{{< figure src=\"/img/f.png\" >}} [z](@/blog/post.md#top)\n")
    kinds = [(k.target, k.kind) for k in extract_links(post_of(text))]
    assert kinds == [("a.md#x", "ref"), ("b.md", "ref"), ("c", "ref"),
                     ("2010-07-21-name", "post_url"),
                     ("_posts/x.md", "liquid_link"), ("/img/f.png", "figure"),
                     ("@/blog/post.md#top", "link")]


def test_crlf_bom_and_toml_front_matter_keep_positions() -> None:
    raw = b"\xef\xbb\xbf+++\r\ntitle = \"x\"\r\n+++\r\n\r\nA [b](b.md) c.\r\n"
    assert [(k.target, k.line, k.column) for k in extract_links(post_of(raw))] == \
        [("b.md", 5, 7)]


def test_a_link_after_the_same_text_in_code_points_at_the_link() -> None:
    assert found("`[a](x.md)` then [b](x.md)\n\n`<b>` and [c](y.md) `(y.md)`\n") == [
        ("x.md", 1, 22, "link"), ("y.md", 3, 15, "link")]


def test_lone_carriage_return_does_not_shift_lines() -> None:
    text = "a\rb\n[x](x.md)\n"
    assert found(text) == [("x.md", 2, 5, "link")]


def test_link_is_external_only_for_web_addresses() -> None:
    assert Link("https://x.org", 1, 1, "link").external
    assert Link("//cdn.x.org/a.js", 1, 1, "html").external
    assert not Link("../a.md", 1, 1, "link").external
    assert not Link("mailto:a@b.c", 1, 1, "link").external


@pytest.mark.parametrize(("rule", "text", "expected"), [
    (github, "Hello, World! (2024)", "hello-world-2024"),
    (github, "C++ & Rust_lang", "c--rust_lang"),
    (goldmark, "Hello, World!", "hello-world"),
    (goldmark, "中文 标题", "中文-标题"),
    (kramdown, "1. Getting Started!", "getting-started"),
    (kramdown, "中文", "section"),
    (zola, "Hello,  World!", "hello-world"),
    (hexo, "Hello World", "Hello-World"),
])
def test_heading_ids_follow_each_engine(rule: object, text: str, expected: str) -> None:
    assert rule(text) == expected  # type: ignore[operator]


def test_duplicate_headings_are_numbered_and_explicit_ids_win() -> None:
    ids, certain = heading_ids([("Intro", None), ("Intro", None), ("Setup", "custom"),
                                ("Intro", None)], "hugo")
    assert ids == ["intro", "intro-1", "custom", "intro-2"]
    assert certain


def test_non_ascii_headings_are_uncertain_where_the_engine_transliterates() -> None:
    assert not heading_ids([("中文", None)], "zola")[1]
    assert heading_ids([("中文", None)], "hugo")[1]
    assert "hello-world" in other_ids([("Hello World", None)], "hexo")


def test_scan_collects_heading_and_html_anchors() -> None:
    text = "# Hello *World*\n\n## Setup {#custom}\n\n<a name=\"old\"></a>\n<p id=\"para\">x</p>\n"
    scan = scan_post(post_of(text), "hugo")
    assert scan.anchors == ["hello-world", "custom", "old", "para"]
    assert scan.headings == [("Hello World", None), ("Setup", "custom")]


def _markdown_it_links(content: str) -> list[tuple[str, str]]:
    md = parser()
    out = []
    for child in md.parseInline(content, {})[0].children or []:
        if child.type == "link_open":
            out.append(("link", str(child.attrs["href"])))
        elif child.type == "image":
            out.append(("image", str(child.attrs["src"])))
    return out


@settings(max_examples=400, deadline=None)
@given(st.text(alphabet="ab [](){}!`<>\\&*_\"'#:/.\n", max_size=40))
def test_simple_links_agree_with_markdown_it(content: str) -> None:
    fast = simple_links(content)
    if fast is not None:
        assert [item for item in fast if item[0] != "code"] == _markdown_it_links(content)


@settings(max_examples=150, deadline=None)
@given(st.text(alphabet=st.sampled_from([*list('ab []()!`<>\\#-*>|:/.{}%"\n\r\t'), "中", "é"]),
               max_size=200))
def test_extraction_never_raises_and_every_link_is_on_a_real_line(body: str) -> None:
    post = post_of("---\ntitle: t\n---\n" + body)
    lines = post.text.split("\n")
    for link in extract_links(post):
        assert 1 <= link.line <= len(lines)
        assert 1 <= link.column <= len(lines[link.line - 1]) + 1


def test_a_body_that_starts_with_a_shortcode_is_not_json_front_matter() -> None:
    assert found('{{< figure src="/a.png" >}}\n[x](y.md)\n') == [
        ("/a.png", 1, 17, "figure"), ("y.md", 2, 5, "link")]


def test_leaving_out_impossible_block_rules_changes_no_token() -> None:
    from hypothesis import given, settings
    from hypothesis import strategies as st

    from blogcli.check.links import absent_rules, parser

    pieces = ["# h\n", "> q\n", "```\nc\n```\n", "~~~\n", "[a]: /u\n", "<div>\n", "text\n",
              "- item\n", "  - sub\n", "\n", "para <b>x</b>\n", "1. one\n", "---\n", "| a |\n",
              "    code\n", "> # h\n", "[^1]: n\n", "setext\n===\n", "x > y\n", "#tag\n",
              ">     c\n", "- a\n\n      code\n", "\tcode\n", "   three\n", "1.  x\n"]

    @settings(max_examples=300, deadline=None)
    @given(st.lists(st.sampled_from(pieces), max_size=14))
    def same_tokens(parts: list[str]) -> None:
        source = "".join(parts)
        full = parser(True, "|" in source, "[^" in source).parse(source, {})
        trimmed = parser(True, "|" in source, "[^" in source, absent_rules(source)).parse(
            source, {})
        assert [(t.type, t.map, t.content, t.markup) for t in trimmed] == \
            [(t.type, t.map, t.content, t.markup) for t in full]

    same_tokens()


def test_plain_heading_text_is_what_markdown_it_gives() -> None:
    from hypothesis import given, settings
    from hypothesis import strategies as st

    from blogcli.check.links import _heading, _plain_text, _split_id, parser

    @settings(max_examples=300, deadline=None)
    @given(st.text(alphabet="aZ 9é中.,;'\"()/?|{}#-_*`[]<>&\\!:=\t", max_size=30))
    def same(content: str) -> None:
        if _plain_text(content):
            md = parser()
            assert _split_id(content) == _heading(md.inline.parse(content, md, {}, []))

    same()


def test_many_unclosed_link_openers_are_not_simple_and_finish() -> None:
    # UNSIMPLE used to rescan to the end of the text from every "](" (28 s for this paragraph).
    text = "[a](" * 40000
    assert simple_links(text) is None
    assert found("---\ntitle: t\n---\n" + text + "\n\n[b](c.md)\n") == [("c.md", 6, 5, "link")]


# ---- bare web addresses that the engine links by itself (linkify) ----

def bare(text: str, profile: str = "plain",
         linkify: bool | None = None) -> list[tuple[str, int, int]]:
    return [(k.target, k.line, k.column) for k in extract_links(post_of(text), profile, linkify)
            if k.kind == "bare_url"]


@pytest.mark.parametrize(("profile", "linked"), [
    ("hugo", True), ("plain", True), ("hexo", True), ("jekyll", False), ("zola", False)])
def test_bare_urls_are_links_only_where_the_engine_links_them(profile: str, linked: bool) -> None:
    text = "---\ntitle: x\n---\nSee https://example.com/page for details.\n"
    assert bare(text, profile) == ([("https://example.com/page", 4, 5)] if linked else [])


def test_hugo_linkify_can_be_turned_off_in_the_engine_config() -> None:
    from blogcli.check.bareurls import linkify_on

    off = {"markup": {"goldmark": {"extensions": {"linkify": False}}}}
    assert not linkify_on("hugo", off)
    assert linkify_on("hugo", {"markup": {"goldmark": {}}})
    assert not linkify_on("hexo", {"marked": {"autolink": False}})
    assert bare("x https://e.org\n", "hugo", linkify=False) == []


def test_bare_urls_have_exact_places_in_lists_quotes_and_after_markup() -> None:
    text = ("Intro [a](a.md) then https://one.org/x and\n"
            "- item *https://two.org/y*\n"
            "> quoted https://three.org\n\n"
            "| h |\n|---|\n| https://four.org |\n")
    assert bare(text) == [("https://one.org/x", 1, 22), ("https://two.org/y", 2, 9),
                          ("https://three.org", 3, 10), ("https://four.org", 7, 3)]


@pytest.mark.parametrize(("written", "url"), [
    ("https://x.org/a.", "https://x.org/a"),
    ("https://x.org/a?!,:", "https://x.org/a"),
    ("https://x.org/wiki/Foo_(bar)", "https://x.org/wiki/Foo_(bar)"),
    ("(https://x.org/a)", "https://x.org/a"),
    ("https://x.org/a_(b))", "https://x.org/a_(b)"),
    ("https://x.org/a&amp;b", "https://x.org/a&b"),
    ("www.example.com/help.", "http://www.example.com/help"),
])
@pytest.mark.parametrize("profile", ["hugo", "plain"])
def test_trailing_punctuation_is_trimmed_like_the_engine(written: str, url: str,
                                                         profile: str) -> None:
    assert [t for t, _, _ in bare(f"Go {written} now\n", profile)] == [url]


def test_hugo_needs_a_letters_domain_where_github_links_any_host() -> None:
    text = "http://localhost:1313/ and http://127.0.0.1:8080/x\n"
    assert bare(text, "hugo") == []
    assert bare(text, "plain") == [("http://localhost:1313/", 1, 1),
                                   ("http://127.0.0.1:8080/x", 1, 28)]


def test_no_bare_urls_in_code_links_html_tags_or_front_matter() -> None:
    text = ("---\nurl: https://front.org\n---\n"
            "`https://span.org` [https://label.org](a.md) <https://auto.org>\n"
            "<a href=\"x.html\">https://inside.org</a> x:https://glued.org\n\n"
            "```\nhttps://fence.org\n```\n\n    https://indented.org\n\n"
            "<div>\nhttps://block.org\n</div>\n\n"
            "{{< youtube https://shortcode.org >}} and https://real.org\n")
    assert bare(text, "hugo") == [("https://real.org", 17, 43)]
    assert ("https://auto.org", 4, 47, "link") in found(text)


def test_a_bare_url_after_the_same_url_in_code_or_a_link_points_at_itself() -> None:
    text = "`https://a.org` and [x](https://a.org) then https://a.org\n"
    assert bare(text) == [("https://a.org", 1, 45)]
    assert bare("`https://a.org` https://a.org\n") == [("https://a.org", 1, 17)]


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from([*" [](`*_<>.\\&;\n", "https://x.org/", "www.a.b", "a"]),
                max_size=20).map("".join))
def test_fast_path_finds_the_bare_urls_markdown_it_does(body: str) -> None:
    # The fast path turned off for a moment: markdown-it's inline parse is the reference.
    from blogcli.check import links

    post = post_of(body)
    fast = [extract_links(post, profile) for profile in ("plain", "hugo")]
    original = links._with_bare
    links._with_bare = lambda content, profile: None  # type: ignore[assignment]
    try:
        slow = [extract_links(post, profile) for profile in ("plain", "hugo")]
    finally:
        links._with_bare = original
    assert fast == slow
