"""Where each engine publishes a post, so root-absolute links can be matched to posts."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

import pytest

from blogcli import clock
from blogcli.check.checker import site_urls
from blogcli.check.scan import collect_facts, open_cache
from blogcli.pages import availability, cascade_of, hugo_cascade
from blogcli.permalinks import normalize, page_urls
from blogcli.site import MARKDOWN_SUFFIXES, Site, find_site


def site_of(profile: str, engine: dict[str, Any], root: Path = Path("/s")) -> Site:
    content = root / "content" if profile in ("hugo", "zola") else root
    posts = {"hugo": content / "posts", "zola": content / "blog", "jekyll": root / "_posts",
             "hexo": root / "source/_posts", "plain": root / "posts"}[profile]
    return Site(root=root, profile=profile, engine=engine, posts_dir=posts, content_dir=content)


@pytest.mark.parametrize(("profile", "engine", "rel", "meta", "slug", "url"), [
    ("hugo", {}, "content/posts/My-Post.md", {}, "My-Post", "/posts/my-post/"),
    ("hugo", {}, "content/posts/b/index.md", {"slug": "bee"}, "bee", "/posts/bee/"),
    ("hugo", {"permalinks": {"posts": "/:year/:month/:slug/"}}, "content/posts/a.md",
     {"date": "2024-03-05", "title": "A Title"}, "a", "/2024/03/a-title/"),
    ("hugo", {"permalinks": {"page": {"posts": "/:section/:filename/"}}},
     "content/posts/a.md", {}, "a", "/posts/a/"),
    ("hugo", {}, "content/posts/a.md", {"url": "/custom/"}, "a", "/custom/"),
    # Hugo 0.111 and 0.168 both wrote these (a url keeps its case; one with a dot anywhere
    # is a file): /Adapter/index.html, /foo.html, /notes/v1.2, /a.b/c. The golden of
    # sites/hugo-suffix holds the first; regen.py lists HTML files only.
    ("hugo", {}, "content/posts/a.md", {"url": "Adapter"}, "a", "/Adapter/"),
    ("hugo", {}, "content/posts/a.md", {"url": "foo.html"}, "a", "/foo.html"),
    ("hugo", {}, "content/posts/a.md", {"url": "notes/v1.2"}, "a", "/notes/v1.2"),
    ("hugo", {}, "content/posts/a.md", {"url": "a.b/c"}, "a", "/a.b/c"),
    # wiloon/blog built by Hugo 0.168: url: 14943 (a number to YAML) is /14943/, and a
    # file named golang-sync.map.md (map is no language of the site) keeps its whole name.
    ("hugo", {}, "content/posts/a.md", {"url": 14943}, "a", "/14943/"),
    ("hugo", {}, "content/posts/golang-sync.map.md", {}, "golang-sync.map",
     "/posts/golang-sync.map/"),
    ("jekyll", {}, "_posts/2024-01-02-hello.md", {"categories": "x y"}, "hello",
     "/x/y/2024/01/02/hello.html"),
    ("jekyll", {"permalink": "pretty"}, "_posts/2024-01-02-hello.md", {}, "hello",
     "/2024/01/02/hello/"),
    ("jekyll", {"permalink": "/blog/:title/"}, "_posts/2024-01-02-hello.md", {}, "hello",
     "/blog/hello/"),
    ("jekyll", {}, "_posts/2024-01-02-hello.md", {"permalink": "/p/"}, "hello", "/p/"),
    ("hexo", {}, "source/_posts/hello.md", {"date": "2024-01-02 10:00:00"}, "hello",
     "/2024/01/02/hello/"),
    ("zola", {}, "content/blog/2024-01-02-hello-world.md", {}, "2024-01-02-hello-world",
     "/blog/hello-world/"),
    ("zola", {}, "content/blog/a.md", {"path": "elsewhere"}, "a", "/elsewhere/"),
    ("plain", {}, "posts/hello.md", {}, "hello", "/posts/hello.html"),
])
def test_each_engine_permalink(profile: str, engine: dict[str, Any], rel: str,
                               meta: dict[str, Any], slug: str, url: str) -> None:
    assert page_urls(site_of(profile, engine), rel, meta, slug)[0] == url


def test_aliases_and_redirects_are_urls_too() -> None:
    urls = page_urls(site_of("hugo", {}), "content/posts/a.md",
                     {"aliases": ["/old/", 7], "redirect_from": "/older/"}, "a")
    # A relative alias is relative to the page's folder, as Hugo writes it.
    assert urls == ["/posts/a/", "/old/", "/posts/7", "/older/"]


@pytest.mark.parametrize(("url", "normal"), [
    ("/Posts/A/", "posts/a"), ("/posts/a/index.html", "posts/a"), ("/posts/a.html", "posts/a"),
    ("/posts/a/?x=1#top", "posts/a"), ("https://x.org/posts/%61/", "posts/a"), ("/", ""),
])
def test_urls_compare_without_case_suffix_or_slashes(url: str, normal: str) -> None:
    assert normalize(url) == normal


SITES = Path(__file__).parent / "fixtures" / "sites"


def golden(name: str) -> dict[str, str]:
    """The fixture's golden: source path -> URL, as the real engine wrote it (regen.py)."""
    lines = (SITES / name / "golden.tsv").read_text(encoding="utf-8").splitlines()
    return dict(line.split("\t") for line in lines if line)


@pytest.mark.parametrize("name", sorted(p.name for p in SITES.iterdir() if p.is_dir()))
def test_the_url_map_is_the_engines(name: str, monkeypatch: pytest.MonkeyPatch) -> None:
    # The goldens were built with TZ=UTC; Hexo writes URL dates in the machine's zone.
    monkeypatch.setenv("TZ", "UTC")
    time.tzset()
    site = find_site(site_dir=SITES / name)
    facts = collect_facts(site, [p.rel for p in site.pages()
                                 if p.path.endswith(MARKDOWN_SUFFIXES)], open_cache(site))
    ours = {rel: urls[0] for rel, urls in site_urls(site, facts).items()}
    expected = golden(name)
    # A draft's date (so its URL) is the day it is built; blog cannot know that day.
    drafts = {rel for rel in expected if "_drafts/" in rel}
    # Pages no build writes (Hugo build: render: never, headless) are in no golden.
    cascades = hugo_cascade(site.pages(), {rel: f.get("meta", {}) for rel, f in facts.items()})
    never = {rel for rel in ours if rel in facts and availability(
        site, site.page(rel), facts[rel]["meta"], facts[rel]["date"], clock.now(site),
        cascade_of(rel, cascades) if site.profile == "hugo" else ()).why.startswith(
        ("not rendered", "headless"))}
    assert never.isdisjoint(expected)
    assert {rel: url for rel, url in ours.items() if rel not in drafts | never} == {
        rel: url for rel, url in expected.items() if rel not in drafts}
    assert drafts <= set(ours)
