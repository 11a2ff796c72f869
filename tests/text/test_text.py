"""Word counts, reading times and summaries: equal to what Hugo 0.111.3 itself computes.

tests/fixtures/hugo_diff/expected/*.json were made by real Hugo (``regen.sh``); this suite only
reads them, so it needs no Hugo.
"""

from __future__ import annotations

import html
import json
import re
import tomllib
from typing import Any

import pytest
import yaml
from hypothesis import example, given, settings
from hypothesis import strategies as st

from blogcli.errors import UsageError
from blogcli.post import split_front_matter
from blogcli.text import hugo as hugotext
from blogcli.text.attributes import heading_text
from blogcli.text.count import TextOptions, analyse, image_seconds, plain_text, words_only
from tests.helpers import FIXTURES

SITE = FIXTURES / "hugo_diff"
VARIANTS = ("hugo", "variant")


def expected(variant: str) -> list[dict[str, Any]]:
    path = SITE / "expected" / f"{variant}.json"
    data: list[dict[str, Any]] = json.loads(path.read_text("utf-8"))
    return data


def options_for(variant: str) -> TextOptions:
    engine = tomllib.loads((SITE / f"{variant}.toml").read_text("utf-8"))
    return TextOptions.from_site("hugo", engine, {})


def compute(variant: str, rel: str) -> dict[str, Any]:
    raw = (SITE / "content" / rel).read_bytes().decode("utf-8")
    meta, body, _, _ = split_front_matter(raw, rel)
    stats = analyse(body, meta, options_for(variant), source=raw)
    return {"words": stats.words, "minutes": stats.reading_time, "truncated": stats.truncated,
            "summary": hugotext.strip_html(stats.summary_html), "plain": stats.plain}


CASES = [(v, page["path"]) for v in VARIANTS for page in expected(v)]


@pytest.mark.parametrize(("variant", "rel"), CASES, ids=[f"{v}:{p}" for v, p in CASES])
def test_counts_and_summary_equal_hugo(variant: str, rel: str) -> None:
    want = next(p for p in expected(variant) if p["path"] == rel)
    got = compute(variant, rel)
    assert (got["words"], got["minutes"], got["truncated"]) == (
        want["words"], want["minutes"], want["truncated"])
    assert got["summary"] == want["summary"]


@pytest.mark.parametrize(("variant", "rel"), CASES, ids=[f"{v}:{p}" for v, p in CASES])
def test_words_only_equal_hugo(variant: str, rel: str) -> None:
    """What `blog list` shows without summaries comes from its own, shorter pass."""
    want = next(p for p in expected(variant) if p["path"] == rel)
    raw = (SITE / "content" / rel).read_bytes().decode("utf-8")
    meta, body, _, _ = split_front_matter(raw, rel)
    counted = words_only(body, meta, options_for(variant), source=raw)
    if counted is not None:  # None: a page with a summary divider, counted by analyse
        assert counted[:2] == (want["words"], want["minutes"])


def test_words_only_serves_most_fixture_pages() -> None:
    """The check above looks at something: a page without a divider is counted by it."""
    served = 0
    for page in expected("hugo"):
        raw = (SITE / "content" / page["path"]).read_bytes().decode("utf-8")
        meta, body, _, _ = split_front_matter(raw, page["path"])
        served += words_only(body, meta, options_for("hugo"), source=raw) is not None
    assert served >= len(expected("hugo")) * 3 // 4


@pytest.mark.parametrize(("variant", "rel"), CASES, ids=[f"{v}:{p}" for v, p in CASES])
def test_plain_text_equals_hugo(variant: str, rel: str) -> None:
    """Hugo's .Plain, character for character (entities still encoded, as Hugo keeps them)."""
    want = next(p for p in expected(variant) if p["path"] == rel)
    assert compute(variant, rel)["plain"] == want["plain"]


def test_fixture_covers_the_boundaries() -> None:
    words = {p["path"]: (p["words"], p["minutes"]) for p in expected("hugo")}
    assert words["posts/boundary-213.md"] == (213, 1)
    assert words["posts/boundary-214.md"] == (214, 2)
    assert words["posts/boundary-427.md"] == (427, 3)


def test_words_per_minute_and_cjk_rate_from_blog_toml() -> None:
    options = TextOptions.from_site("plain", {}, {"words_per_minute": 100,
                                                  "cjk_words_per_minute": 10})
    assert analyse("word " * 250, {}, options).reading_time == 3
    assert analyse("中文" * 25, {}, options).reading_time == 5


@pytest.mark.parametrize("profile", ["plain", "jekyll", "hexo", "zola"])
def test_one_cjk_character_does_not_make_an_english_post_cjk(profile: str) -> None:
    """Only Hugo has a rule (hasCJKLanguage: any such character); elsewhere a shrug in code
    (karpathy.github.io's bitcoin post) must not count 12,558 words at 501 a minute."""
    options = TextOptions.from_site(profile, {}, {})
    english = "word " * 1000 + "\n\n    # ¯\\_(ツ)_/¯\n"
    stats = analyse(english, {}, options)
    assert (stats.cjk, stats.reading_time) == (False, 5)  # 1,004 words at 213 a minute
    chinese = "这是一篇中文文章。" * 100 + " some English words"
    assert analyse(chinese, {}, options).cjk
    hugo = TextOptions.from_site("hugo", {"hasCJKLanguage": True}, {})
    assert analyse(english, {}, hugo).cjk  # Hugo's own rule, as its build counts


def test_medium_image_seconds() -> None:
    assert [image_seconds(n) for n in (0, 1, 2, 10, 11)] == [0, 12, 23, 75, 78]
    options = TextOptions(image_seconds=True, words_per_minute=200)
    body = "word " * 100 + "\n\n" + "![a](a.png)\n\n" * 3
    assert analyse(body, {}, options).reading_time == 2  # 30 s + 33 s


def test_front_matter_reading_time_wins() -> None:
    assert analyse("word " * 1000, {"reading_time": 7}).reading_time == 7


def test_paragraph_summary_mode_keeps_whole_paragraphs() -> None:
    options = TextOptions(summary_mode="paragraph", summary_length=5)
    stats = analyse("One two three.\n\nFour five six. Seven.\n\nEight.\n", {}, options)
    assert (stats.summary, stats.truncated) == ("One two three. Four five six. Seven.", True)


def test_hexo_more_comment_and_liquid_tags() -> None:
    options = TextOptions.from_site("hexo", {}, {})
    body = ("Intro {% post_link other %}.\n<!--   more   -->\n{% codeblock %}\nx = 1\n"
            "{% endcodeblock %}\n")
    stats = analyse(body, {}, options)
    assert (stats.summary, stats.truncated, stats.words) == ("Intro .", True, 5)


def test_jekyll_highlight_keeps_its_code_and_post_url_has_no_words() -> None:
    options = TextOptions.from_site("jekyll", {"excerpt_separator": "<!--x-->"}, {})
    body = ("See [this]({% post_url 2020-01-01-a %}).\n\n{% highlight python %}\nprint('a b')\n"
            "{% endhighlight %}\n<!--x-->\nRest.\n")
    stats = analyse(body, {}, options)
    assert stats.words == 5
    assert (stats.summary, stats.truncated) == ("See this. print('a b')", True)


def test_plain_text_decodes_entities_and_drops_markup() -> None:
    text = plain_text("I'm *here* -- [link](http://x) &amp; `code`\n")
    assert text == "I\u2019m here \u2013 link & code"


@pytest.mark.parametrize(("reading", "message"), [
    ({"words_per_minute": 0}, "[reading] words_per_minute must be a positive whole number, not 0"),
    ({"image_seconds": "yes"}, "[reading] image_seconds must be true or false, not 'yes'"),
    ({"summary_mode": "words"}, 'summary_mode must be "sentence" or "paragraph"'),
])
def test_bad_reading_settings_are_usage_errors(reading: dict[str, Any], message: str) -> None:
    with pytest.raises(UsageError, match=re.escape(message)):
        TextOptions.from_site("plain", {}, reading)


@settings(max_examples=150, deadline=None)
@given(st.text(alphabet=st.sampled_from(list("ab 中'\"-.<>*_[]()!`{}%#\n\r\t&;")), max_size=200))
def test_any_text_gives_counts_not_a_traceback(body: str) -> None:
    for options in (TextOptions(), TextOptions(unsafe_html=True, has_cjk_language=True),
                    TextOptions.from_site("jekyll", {}, {})):
        stats = analyse(body, {}, options)
        assert stats.words >= 0 and stats.reading_time >= 0
        assert isinstance(stats.summary, str)
        counted = words_only(body, {}, options)
        assert counted is None or counted == (stats.words, stats.reading_time, stats.cjk)


SHORTCODE_DOCS = st.lists(st.sampled_from([
    "word", "I'm", '"q"', "中文", "日本'語", "&amp;", "&nbsp;", "<b>x</b>", "`c`", "*e*",
    "{{< figure src=\"a.png\" caption=\"Cap 'x'\" >}}", '{{< ref "a.md" >}}',
    "{{% aside %}}a 'b'{{% /aside %}}", "<!--more-->", "{% raw %}x{% endraw %}",
    "{% highlight ruby %}\nputs 'x'\n{% endhighlight %}", "<!-- more -->", "\n\n", "\n- ",
    "\n```\n", "\n> ", "\n## ", "[l](u)", "x.", "--",
]), max_size=30).map(" ".join)


@settings(max_examples=300, deadline=None)
@given(SHORTCODE_DOCS, st.sampled_from(["hugo", "variant", "jekyll", "hexo", "zola", "cjk"]))
def test_words_only_equals_analyse(body: str, kind: str) -> None:
    """The listing's count-only pass gives analyse's words, minutes and CJK flag, dividers,
    shortcodes and Liquid tags included, on every kind of site."""
    if kind in ("hugo", "variant"):
        options = options_for(kind)
    elif kind == "cjk":
        options = TextOptions(has_cjk_language=True)
    else:
        options = TextOptions.from_site(kind, {}, {})
    stats = analyse(body, {}, options, html_summary=False)
    counted = words_only(body, {}, options)
    assert counted is None or counted == (stats.words, stats.reading_time, stats.cjk)


# Go's own table for html/template.stripTags (src/html/template/html_test.go, BSD licence).
GO_STRIP_TAGS = [
    ("", ""),
    ("Hello, World!", "Hello, World!"),
    ("foo&amp;bar", "foo&amp;bar"),
    ('Hello <a href="www.example.com/">World</a>!', "Hello World!"),
    ("Foo <textarea>Bar</textarea> Baz", "Foo Bar Baz"),
    ("Foo <!-- Bar --> Baz", "Foo  Baz"),
    ("<", "<"),
    ("foo < bar", "foo < bar"),
    ('Foo<script type="text/javascript">alert(1337)</script>Bar', "FooBar"),
    ('Foo<div title="1>2">Bar', "FooBar"),
    ("I <3 Ponies!", "I <3 Ponies!"),
    ("<script>foo()</script>", ""),
]


@pytest.mark.parametrize(("html", "text"), GO_STRIP_TAGS)
def test_strip_tags_equals_go(html: str, text: str) -> None:
    assert hugotext.strip_tags(html) == text


@pytest.mark.parametrize(("html", "text"), [
    ("a<td>x<y</td> gone", "ax"),                     # a "<" in an attribute name
    ("a <div class='it's'>gone</div>", "a "),         # a quote in an attribute name
    ('a <a href="x>gone</a>', "a "),                   # a quote never closed
    ("a <ab=x>gone", "a "),                           # '=' where a name must be
    ("a <b>kept</b> <!-- open", "a kept "),          # a comment never closed
])
def test_strip_tags_drops_the_rest_where_go_gives_up(html: str, text: str) -> None:
    assert hugotext.strip_tags(html) == text


HTML_PIECES = [*"ab<>/!-='\" \n\t", "<p>", "</p>", "<script>", "</script>", "<textarea>",
               "</title>", "<!--", "-->", ' href="', "='", "<a:b", "<x-1", "style", "<ab", "<b ",
               "a="]


@settings(max_examples=400, deadline=None)
@given(st.lists(st.sampled_from(HTML_PIECES), max_size=30).map("".join))
@example("<ab=>z")  # the tag name is "ab", so '=' is where Go gives up
@example("<a b=>z <c d='e'f>g")
def test_strip_tags_fast_path_agrees_with_the_tokenizer(html: str) -> None:
    """The one-regex pass is taken only where it gives what Go's tokenizer gives."""
    assert hugotext.strip_tags(html) == hugotext._tokenize(html)


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.sampled_from(list('ab {}#.=",[]-1\\`\n')), max_size=40),
       st.booleans())
def test_heading_attributes_only_ever_cut_the_end(content: str, atx: bool) -> None:
    """Goldmark drops a trailing attribute block and nothing else."""
    text = heading_text(content, atx)
    assert content.startswith(text)
    assert "\n" not in content[len(text):]


@pytest.mark.parametrize(("content", "text"), [
    ("Title {#id}", "Title"),
    ('Title {.a #b c="d e" n=-1.5e3 t=true arr=[1, "x"]}', "Title"),
    ("Title ## {#after-closing}", "Title"),
    ("Two {.a} {.b}", "Two {.a}"),
    ("Not {attributes here}", "Not {attributes here}"),
    ("Class {class=1}", "Class {class=1}"),
    ("Nested {a={b=1}}", "Nested {a={b=1}}"),
    ("Escaped \\{#kept}", "Escaped \\{#kept}"),
    ("line one {#x}\nline two {#y}", "line one {#x}\nline two"),
])
def test_heading_attributes_as_goldmark_reads_them(content: str, text: str) -> None:
    assert heading_text(content, atx=True) == text


JEKYLL = FIXTURES / "jekyll_excerpt"


def jekyll_excerpts() -> list[dict[str, str]]:
    data: list[dict[str, str]] = json.loads(
        (JEKYLL / "expected" / "excerpts.json").read_text("utf-8"))
    return data


@pytest.mark.parametrize("page", jekyll_excerpts(), ids=lambda p: p["path"])
def test_jekyll_excerpt_equals_jekyll(page: dict[str, str]) -> None:
    """The summary is the excerpt Jekyll 4.3.1 renders (expected/ made by regen.sh), reference
    links included. Kramdown's footnote back-link is U+21A9 where ours adds U+FE0E, and
    Liquid's normalize_whitespace keeps a no-break space."""
    raw = (JEKYLL / page["path"]).read_text("utf-8")
    meta, body, _, _ = split_front_matter(raw, page["path"])
    config = yaml.safe_load((JEKYLL / "_config.yml").read_text("utf-8"))
    stats = analyse(body, meta, TextOptions.from_site("jekyll", config, {}))
    want = " ".join(html.unescape(page["text"]).split())
    assert stats.summary.replace("\ufe0e", "") == want


def test_jekyll_excerpt_fixture_has_reference_links() -> None:
    excerpt = next(p for p in jekyll_excerpts() if "reference-links" in p["path"])
    assert excerpt["html"].count("<a href=") >= 3


HEXO = FIXTURES / "hexo_braces"
_BRACES = re.compile(r"\{\{.*?\}\}|\{%.*?%\}|\{#.*?#\}")


def test_hexo_keeps_liquid_braces_in_code_as_hexo_does() -> None:
    """The ``{{ }}``/``{% %}`` Hexo 8.1.2 leaves in its output (expected/ made by regen.sh) are
    the ones our text keeps: those in Markdown code. Jekyll's Liquid drops them all (``{# #}``
    is no Liquid syntax)."""
    data = json.loads((HEXO / "expected" / "posts.json").read_text("utf-8"))
    (post,) = data["posts"]
    raw = (HEXO / "source" / post["source"]).read_text("utf-8")
    meta, body, _, _ = split_front_matter(raw, post["source"])
    want = _BRACES.findall(html.unescape(hugotext.strip_tags(post["content"])))
    assert len(want) == 7
    assert _BRACES.findall(analyse(body, meta, TextOptions.from_site("hexo", {}, {})).plain) == want
    jekyll = analyse(body, meta, TextOptions.from_site("jekyll", {}, {})).plain
    assert _BRACES.findall(jekyll) == ["{# a comment #}"]


@pytest.mark.parametrize("profile", ["plain", "zola", "hugo"])
def test_engines_without_liquid_keep_every_brace(profile: str) -> None:
    body = "Use `{{ x }}` and {% y %}.\n\n```\n{{ z }}\n```\n\nText {{ w }} here.\n"
    plain = analyse(body, {}, TextOptions.from_site(profile, {}, {})).plain
    assert _BRACES.findall(plain) == ["{{ x }}", "{% y %}", "{{ z }}", "{{ w }}"]


@settings(max_examples=400, deadline=None)
@given(st.lists(st.sampled_from(["word ", "é", "Ж", "—", "\u2019", "“", "…", "日", "ᄀ", "ᇿ",
                                 "\u1200", "⺀", "한", "ｱ", "\U00020000", "\U0001b000", "🙂",
                                 "ไทย", "\u2e7f", "\n"]), max_size=30).map("".join))
def test_a_page_is_cjk_for_one_cjk_character(text: str) -> None:
    """With hasCJKLanguage a page is CJK for any one character of the CJK class, however
    many dashes, quotes and other letters come first (is_cjk_page looks at the first few
    alone before scanning with the class)."""
    from blogcli.text.count import _CJK_CHARS, is_cjk_page

    options = TextOptions(has_cjk_language=True)
    assert is_cjk_page(text, {}, options) == (re.search(_CJK_CHARS, text) is not None)
    assert is_cjk_page("— \u2019 “ …" * 5 + text, {}, options) == (
        re.search(_CJK_CHARS, text) is not None)
