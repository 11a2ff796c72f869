"""blog check on a whole site of each layout: nothing silent, no shortcut, no false alarm."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from blogcli.check.checker import check_site
from blogcli.cli import app
from blogcli.site import find_site
from tests.helpers import make

SITES = Path(__file__).resolve().parent.parent / "fixtures" / "sites"
runner = CliRunner()
# For each fixture: a post to add a link to, a page there that exists (with one letter
# swapped for the typo), and the same page as a link relative to the post's URL.
TYPOS = {
    "hugo-dirs": ("content/en/blog/first-post.md", "/en/blog/first-post/", "../first-post/"),
    "hugo-suffix": ("content/posts/hello-world.md", "/site/2024/05/hello-world/",
                    "../hello-world/"),
    "jekyll": ("_posts/2024-01-02-first-post.md", "/2024/01/02/first-post/", "../first-post/"),
    "hexo": ("source/_posts/2024-01-02-hello-hexo.md", "/news/2024/01/02/hello-hexo/",
             "../hello-hexo/"),
    "zola": ("content/blog/2024-01-02-hello-world.md", "/blog/hello-world/", "../hello-world/"),
}


def copy(tmp_path: Path, name: str) -> Path:
    root = tmp_path / name
    shutil.copytree(SITES / name, root)
    return root


@pytest.mark.parametrize("name", sorted(TYPOS))
def test_each_fixture_site_checks_clean(name: str) -> None:
    # Its links were written against the URLs the engine published (golden.tsv).
    result = check_site(find_site(site_dir=SITES / name))
    errors = [(f.path, f.rule, f.target) for f in result.findings if f.severity == "error"]
    assert errors == []
    assert result.files == len([p for p in find_site(site_dir=SITES / name).pages()
                                if p.path.endswith((".md", ".markdown"))])


def test_an_undated_hugo_post_is_a_warning_unless_the_site_requires_a_date(
        tmp_path: Path) -> None:
    """Hugo publishes an undated post (at /1/01/…), so the build confirms no error; a site that
    wants every post dated says so in blog.toml and gets one."""
    root = copy(tmp_path, "hugo-suffix")
    def undated() -> list[tuple[str, str]]:
        return [(f.rule, f.severity) for f in check_site(find_site(site_dir=root)).findings
                if f.path == "content/posts/undated.md" and f.rule == "required-key"]
    assert undated() == [("required-key", "warning")]
    (root / "blog.toml").write_text('[check]\nrequired = ["title", "date"]\n', encoding="utf-8")
    assert undated() == [("required-key", "error")]


@pytest.mark.parametrize("name", sorted(TYPOS))
def test_a_typo_in_a_link_is_an_error_on_every_layout(tmp_path: Path, name: str) -> None:
    root = copy(tmp_path, name)
    post, good, relative = TYPOS[name]
    typo = good.replace("first-post", "firts-post").replace("hello-", "helo-")
    bad_relative = relative.replace("first-post", "firts-post").replace("hello-", "helo-")
    with (root / post).open("a", encoding="utf-8") as handle:
        handle.write(f"\n[a]({good}) [b]({relative}) [c]({typo}) [d]({bad_relative})\n")
    found = [(f.rule, f.target) for f in check_site(find_site(site_dir=root)).findings
             if f.path == post and f.target]
    assert found == [("link-missing", typo), ("link-missing", bad_relative)]


def test_a_relative_link_climbing_out_of_a_bundle_resolves_against_the_page_url(
        tmp_path: Path) -> None:
    root = copy(tmp_path, "hugo-dirs")
    bundle = root / "content/en/blog/bundle/index.md"
    # /en/blog/leaf-bundle/ + ../../about/ = /en/about/; as a file path it leaves content/en/blog.
    bundle.write_text(bundle.read_text() + "\n[about](../../about/) [gone](../../abuot/)\n")
    found = [(f.rule, f.target) for f in check_site(find_site(site_dir=root)).findings]
    assert found == [("link-missing", "../../abuot/")]


@pytest.mark.parametrize(("files", "where"), [
    ({"blog.toml": "[site]\n", "posts/": ""}, "looked in posts/"),
    ({"hugo.toml": 'title = "x"\n', "content/about.md": "# About\n"}, "looked in content/"),
    ({"_config.yml": "title: x\n", "_drafts/": ""}, "every _posts/ folder"),
    ({"blog.toml": '[site]\nposts_dir = ["notes"]\n', "posts/a.md": "# A\n"}, "notes/"),
])
def test_no_posts_is_exit_2_saying_where_blog_looked(tmp_path: Path, files: dict[str, str],
                                                     where: str) -> None:
    make(tmp_path, files)
    done = runner.invoke(app, ["--site", str(tmp_path), "check"])
    assert done.exit_code == 2
    assert done.stdout == ""
    assert "no posts found" in done.stderr and where in done.stderr
    assert "posts_dir" in done.stderr and "No problems found" not in done.output
    listed = runner.invoke(app, ["--site", str(tmp_path), "list"])
    assert (listed.exit_code, "no posts found" in listed.stderr, where in listed.stderr) == (
        0, True, True)


def test_checking_a_file_the_site_does_not_publish_says_so(tmp_path: Path) -> None:
    root = copy(tmp_path, "jekyll")
    done = runner.invoke(app, ["--site", str(root), "check", str(root / "private/notes.md"),
                               "--format", "github"])
    assert done.exit_code == 0
    assert done.stdout == (
        "::warning file=private/notes.md,line=1,col=1,title=not-published::private/notes.md "
        "is not a page this jekyll site publishes (Jekyll copies a file without front matter "
        "as it is, or excludes it), so it was not checked\n")



@pytest.mark.parametrize(("name", "post", "url"), [
    ("hugo-dirs", "content/en/blog/first-post.md", "/en/blog/leaf-bundle/"),
    ("jekyll", "_posts/2024-03-04-late-night.md", "/2024/01/02/first-post/"),
])
def test_a_folder_page_linked_as_a_html_file_is_a_404(tmp_path: Path, name: str, post: str,
                                                       url: str) -> None:
    """The engine writes /en/blog/leaf-bundle/index.html (permalink: pretty on Jekyll): no
    host answers /en/blog/leaf-bundle.html. (Pages written as files, Hugo uglyURLs and
    Jekyll's default style, are linked with .html: tests/check/test_published.py.)"""
    root = copy(tmp_path, name)
    html = f"{url.rstrip('/')}.html"
    with (root / post).open("a", encoding="utf-8") as handle:
        handle.write(f"\n[a]({url}) [b]({html})\n")
    found = [(f.rule, f.target) for f in check_site(find_site(site_dir=root)).findings
             if f.path == post and f.target and f.severity == "error"]
    assert found == [("link-missing", html)]
