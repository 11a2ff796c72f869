"""Finding the site, detecting its profile, reading blog.toml, listing posts."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from blogcli.errors import UsageError
from blogcli.site import detect_profile, find_site, iter_post_paths
from tests.helpers import make


@pytest.mark.parametrize(
    ("files", "profile"),
    [
        ({"hugo.toml": 'title = "x"\n', "content/posts/": ""}, "hugo"),
        ({"config.yaml": "title: x\n", "content/": ""}, "hugo"),
        ({"config.toml": 'baseURL = "https://x/"\n', "content/": ""}, "hugo"),
        ({"config.toml": 'base_url = "https://x"\n', "content/": ""}, "zola"),
        ({"_config.yml": "title: x\n", "_posts/": ""}, "jekyll"),
        ({"_config.yml": "title: x\n", "source/_posts/": ""}, "hexo"),
        ({"blog.toml": "[site]\n"}, "plain"),
        ({"blog.toml": '[site]\nprofile = "jekyll"\n'}, "jekyll"),
        ({"README.md": "hi\n"}, None),
    ],
)
def test_detect_profile(tmp_path: Path, files: dict[str, str], profile: str | None) -> None:
    assert detect_profile(make(tmp_path, files)) == profile


def test_find_site_walks_up(tmp_path: Path) -> None:
    make(tmp_path, {"hugo.toml": 'title = "Lab"\n[params]\nauthor = "Ann"\n',
                    "content/posts/a/": ""})
    site = find_site(start=tmp_path / "content" / "posts" / "a")
    assert site.root == tmp_path.resolve()
    assert site.profile == "hugo"
    assert site.title == "Lab" and site.author == "Ann"
    assert site.posts_dir == tmp_path.resolve() / "content" / "posts"


def test_outside_any_blog_names_the_folder(tmp_path: Path) -> None:
    with pytest.raises(UsageError, match=f"{tmp_path} is not inside a blog"):
        find_site(start=tmp_path)


def test_site_option_must_be_a_site(tmp_path: Path) -> None:
    with pytest.raises(UsageError, match="is not a blog"):
        find_site(site_dir=tmp_path)


def test_invalid_blog_toml_names_file_and_line(tmp_path: Path) -> None:
    (tmp_path / "blog.toml").write_text('[site]\ntitle = "x"\nauthor = \n', encoding="utf-8")
    with pytest.raises(UsageError) as caught:
        find_site(start=tmp_path)
    assert f"{tmp_path / 'blog.toml'}:3: not valid TOML" in str(caught.value)


def test_unknown_profile_in_blog_toml(tmp_path: Path) -> None:
    (tmp_path / "blog.toml").write_text('[site]\nprofile = "gatsby"\n', encoding="utf-8")
    with pytest.raises(UsageError, match="'gatsby' is not one of"):
        find_site(start=tmp_path)


def test_blog_toml_overrides_folders(tmp_path: Path) -> None:
    make(tmp_path, {"blog.toml": '[site]\nposts_dir = "writing"\nstatic_dirs = ["img"]\n'})
    site = find_site(start=tmp_path)
    assert site.posts_dir == tmp_path.resolve() / "writing"
    assert site.static_dirs == (tmp_path.resolve() / "img",)


def test_iter_posts_skips_section_pages_and_bundle_resources(tmp_path: Path) -> None:
    make(tmp_path, {
        "hugo.toml": "", "content/posts/_index.md": "", "content/posts/a.md": "",
        "content/posts/b/index.md": "", "content/posts/b/notes.md": "",
        "content/posts/.hidden.md": "", "content/posts/c.markdown": "",
    })
    site = find_site(start=tmp_path)
    assert [site.rel(p) for p in iter_post_paths(site)] == [
        "content/posts/a.md", "content/posts/b/index.md", "content/posts/c.markdown"]


def test_jekyll_drafts_listed_only_when_asked(tmp_path: Path) -> None:
    make(tmp_path, {"_config.yml": "", "_posts/2024-01-01-a.md": "", "_drafts/b.md": ""})
    site = find_site(start=tmp_path)
    assert len(iter_post_paths(site)) == 2
    assert [site.rel(p) for p in iter_post_paths(site, drafts=False)] == ["_posts/2024-01-01-a.md"]


def test_posts_folder_linked_outside_is_refused(tmp_path: Path) -> None:
    outside = tmp_path / "outside"
    make(outside, {"x.md": "---\ntitle: x\n---\n"})
    site_root = tmp_path / "site"
    make(site_root, {"blog.toml": ""})
    os.symlink(outside, site_root / "posts")
    site = find_site(start=site_root)
    with pytest.raises(UsageError, match="outside the site"):
        iter_post_paths(site)


def test_symlink_loop_is_not_followed(tmp_path: Path) -> None:
    make(tmp_path, {"blog.toml": "", "posts/a.md": ""})
    os.symlink(tmp_path / "posts", tmp_path / "posts" / "loop")
    site = find_site(start=tmp_path)
    assert [site.rel(p) for p in iter_post_paths(site)] == ["posts/a.md"]


@pytest.mark.parametrize(
    ("text", "line", "words"),
    [
        ('title = "x"\nsite = "x"\n', 2, "site must be a table"),
        ('[site]\nposts_dir = "../escape"\n', 2, "is outside the site"),
        ('[site]\nposts_dir = "/etc"\n', 2, "is outside the site"),
        ("[site]\ntitle = 'x'\nposts_dir = 5\n", 3, "posts_dir: expected a list of strings, got 5"),
        ("[site]\nstatic_dirs = 3\n", 2, "static_dirs: expected a list of strings, got 3"),
        ('links = 1\n', 1, "links must be a table"),
    ],
)
def test_badly_shaped_blog_toml(tmp_path: Path, text: str, line: int, words: str) -> None:
    (tmp_path / "blog.toml").write_text(text, encoding="utf-8")
    with pytest.raises(UsageError) as caught:
        find_site(start=tmp_path)
    assert str(caught.value).startswith(f"{tmp_path / 'blog.toml'}:{line}: ")
    assert words in str(caught.value)


def test_static_dirs_as_one_string(tmp_path: Path) -> None:
    (tmp_path / "blog.toml").write_text('[site]\nstatic_dirs = "static"\n', encoding="utf-8")
    assert find_site(start=tmp_path).static_dirs == (tmp_path.resolve() / "static",)


@pytest.mark.parametrize("params", ["params:\n", "params: 3\n", "params: [a]\n"])
def test_odd_hugo_params_do_not_crash(tmp_path: Path, params: str) -> None:
    make(tmp_path, {"hugo.yaml": "title: T\n" + params, "content/posts/": ""})
    site = find_site(start=tmp_path)
    assert (site.title, site.author) == ("T", "")


def test_jekyll_config_yaml_and_hugo_config_dir(tmp_path: Path) -> None:
    jekyll = make(tmp_path / "j", {"_config.yaml": "title: Jay\n", "_posts/": ""})
    assert find_site(start=jekyll).title == "Jay"
    hugo = make(tmp_path / "h", {"config/_default/hugo.yaml": "title: Hue\n", "content/": ""})
    assert find_site(start=hugo).title == "Hue"


SITES = Path(__file__).parent / "fixtures" / "sites"


@pytest.mark.parametrize(("name", "posts"), [
    ("hugo-dirs", ["content/en/blog/bundle/index.md", "content/en/blog/first-post.md",
                   "content/en/blog/nested/Deep Page.md", "content/ko/blog/first-post.md"]),
    ("hugo-suffix", ["content/posts/bundle/index.fr.md", "content/posts/bundle/index.md",
                     "content/posts/hello-world.fr.md", "content/posts/hello-world.md",
                     "content/posts/undated.md"]),
    ("jekyll", ["_drafts/an-idea.md", "_posts/2024-01-02-first-post.md",
                "_posts/2024-02-03-second-post.markdown", "_posts/2024-03-04-late-night.md",
                "en/news/_posts/2024-04-05-release.md"]),
    ("hexo", ["source/_drafts/draft-one.md", "source/_posts/2024-01-02-hello-hexo.md",
              "source/_posts/2024-05-05-hidden.md", "source/_posts/2024-05-06-draft-key.md",
              "source/_posts/plain-name.md", "source/_posts/sub/nested-post.md"]),
    ("zola", ["content/blog/2024-01-02-hello-world.md", "content/blog/archive/old.md",
              "content/blog/bundle-post/index.fr.md", "content/blog/bundle-post/index.md",
              "content/blog/Ünïcode Title.md"]),
])
def test_posts_are_the_pages_the_engine_lists_as_posts(name: str, posts: list[str]) -> None:
    site = find_site(site_dir=SITES / name)
    assert sorted(p.rel for p in site.pages() if p.kind == "post") == sorted(posts)


def test_hugo_config_folder_is_merged_with_keys_in_any_case() -> None:
    site = find_site(site_dir=SITES / "hugo-dirs")
    assert site.engine.get("params")["mainSections"] == ["blog"]
    assert [(site.rel(f), lang) for f, lang in site.content_roots] == [
        ("content/en", "en"), ("content/ko", "ko")]
    assert site.engine.get("languages")["en"].get("contentDir") == "content/en"
    assert site.engine.get("languages")["en"].get("menus")["main"][0]["url"] == "/blog/"
    assert (site.languages, site.default_lang, site.lang_prefix("en")) == (
        ("en", "ko"), "en", "/en")


def test_every_page_has_its_kind_and_language() -> None:
    pages = {p.rel: (p.kind, p.lang) for p in find_site(site_dir=SITES / "hugo-suffix").pages()}
    assert pages["content/about.fr.md"] == ("page", "fr")
    assert pages["content/posts/bundle/index.fr.md"] == ("post", "fr")
    assert pages["content/docs/guide.md"] == ("page", "en")
    zola = {p.rel: p.kind for p in find_site(site_dir=SITES / "zola").pages()}
    assert zola["content/blog/_index.md"] == "section"
    assert "content/pages/_index.md" not in zola  # render = false: no page of its own


def test_blog_toml_posts_dir_is_a_list_of_folders(tmp_path: Path) -> None:
    make(tmp_path, {"blog.toml": '[site]\nposts_dir = ["notes", "essays"]\n',
                    "notes/a.md": "---\ntitle: A\n---\n", "essays/b.md": "---\ntitle: B\n---\n",
                    "about.md": "---\ntitle: About\n---\n"})
    site = find_site(start=tmp_path)
    assert [Path(p).name for p in iter_post_paths(site)] == ["b.md", "a.md"]
    assert {p.rel: p.kind for p in site.pages()}["about.md"] == "page"


def test_a_jekyll_site_with_its_posts_in_folders_below_is_found(tmp_path: Path) -> None:
    """www.ruby-lang.org keeps its posts in en/news/_posts, ja/news/_posts ...: no _posts
    at its root. Jekyll's own folders or Gemfile say it is a Jekyll site; a _config.yml
    alone does not (Jupyter Book keeps one too)."""
    post = "---\ntitle: Released\ndate: 2024-04-05\n---\nText.\n"
    below = make(tmp_path / "below", {"_config.yml": "title: Ruby\n",
                                      "en/news/_posts/2024-04-05-release.md": post})
    site = find_site(site_dir=below)
    assert site.profile == "jekyll"
    assert [p.rel for p in site.pages() if p.kind == "post"] == [
        "en/news/_posts/2024-04-05-release.md"]
    for evidence in ({"_layouts/post.html": "{{ content }}"},
                     {"Gemfile": 'source "https://rubygems.org"\ngem "github-pages"\n'}):
        root = make(tmp_path / str(len(evidence)) / next(iter(evidence)).split("/")[0],
                    {"_config.yml": "title: T\n", "index.md": "# Home\n", **evidence})
        assert find_site(site_dir=root).profile == "jekyll"
    book = make(tmp_path / "book", {"_config.yml": "title: Book\n", "_toc.yml": "root: intro\n",
                                    "intro.md": "# Intro\n"})
    with pytest.raises(UsageError, match="is not a blog"):
        find_site(site_dir=book)
