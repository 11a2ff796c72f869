"""The resolver's shortcuts and its memos give the answers of the full resolution."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from blogcli.check import checker
from blogcli.check.confine import Confined
from blogcli.check.resolve import Resolver
from blogcli.check.scan import collect_facts
from blogcli.site import find_site
from tests.helpers import make

SITE = {
    "hugo.toml": 'baseURL = "https://blog.example.net/"\ntitle = "T"\n',
    "content/posts/a.md": "---\ntitle: A\ndate: 2024-01-01\n---\n# Setup\n\n## Run it\n\n"
                          "[b](../b/) [web](https://x.org/) [top](#setup)\n",
    "content/posts/b.md": "---\ntitle: B\ndate: 2024-01-02\n---\n# Notes {#own}\n",
    "static/img/x.png": "png",
}
# Pieces of targets: what the shortcuts look at (scheme, host, port, user, brackets,
# spaces, braces, the own host, fragments) and a little of everything else.
PIECES = ["#", "#setup", "#run-it", "#own", "#nope", "http", "https", "HTTPS", "hTtP", "://",
          ":/", ":///", "x.org", "blog.example.net", "BLOG.example.NET", "/", "?", "#", "@",
          ":8080", ":99999", "[", "]", "{", "{{", " ", "\t", "\u3000", "é", "%20", "a", "."]
TARGETS = st.lists(st.sampled_from(PIECES), min_size=1, max_size=6).map("".join)


@pytest.fixture(scope="module")
def resolver(tmp_path_factory: pytest.TempPathFactory) -> Resolver:
    root = make(tmp_path_factory.mktemp("site"), SITE)
    site = find_site(site_dir=root)
    rels = sorted(p.rel for p in site.pages() if p.path.endswith(".md"))
    facts = collect_facts(site, rels)
    return checker._resolver(site, facts, checker.site_urls(site, facts))


@given(target=TARGETS, kind=st.sampled_from(["link", "image", "html", "bare_url"]))
@settings(max_examples=400, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
def test_the_shortcuts_answer_as_the_full_resolution(resolver: Resolver, target: str,
                                                     kind: str) -> None:
    rel = "content/posts/a.md"
    assert resolver.check_target(target, kind, rel) == resolver._resolve(target, kind, rel)


@pytest.mark.parametrize(("target", "rule"), [
    ("#setup", None), ("#nope", "link-anchor"), ("https://x.org/a?b#c", None),
    ("https://blog.example.net/posts/b/#nope", "link-anchor"),
    ("https://x.org:99999/", "link-malformed"),
    ("https://me@x.org/", "link-malformed"), ("https:///x", "link-malformed")])
def test_the_shortcut_cases_and_their_neighbours(resolver: Resolver, target: str,
                                                 rule: str | None) -> None:
    problem = resolver.check_target(target, "link", "content/posts/a.md")
    assert (problem.rule if problem else None) == rule


def test_confined_answers_the_same_with_its_shortcut(tmp_path: Path) -> None:
    """``inside`` takes a path in a folder it has proven real on one lstat; a link there (in
    or out of the site) still takes the full walk."""
    root = make(tmp_path / "site", {"posts/a.md": "a", "posts/sub/b.md": "b"})
    (tmp_path / "outside.md").write_text("secret", encoding="utf-8")
    os.symlink(tmp_path / "outside.md", root / "posts" / "out.md")
    os.symlink("a.md", root / "posts" / "in.md")
    os.symlink(tmp_path, root / "posts" / "up")
    paths = [str(root / "posts" / name) for name in
             ("a.md", "out.md", "in.md", "up", "up/outside.md", "sub", "sub/b.md", "nope.md",
              "..", ".", "")]
    warm = Confined(str(root))
    warm.inside(str(root / "posts" / "a.md"))  # "posts" proven real: the shortcut applies
    for path in paths:
        assert warm.inside(path) == Confined(str(root)).inside(path), path
    assert not warm.inside(str(root / "posts" / "out.md"))
    assert warm.is_file(str(root / "posts" / "a.md"))
    assert warm.known_file(str(root / "posts" / "a.md"))
    assert not warm.known_file(str(root / "posts" / "in.md"))  # a link is no known file


def test_confined_told_what_the_signing_walk_saw_answers_the_same(tmp_path: Path) -> None:
    """Seeded with the folders and files reuse.tree found to be no symbolic link (a whole-site
    check does it, so that its resolver need not lstat them again), ``inside``, ``is_file``
    and ``known_file`` answer as from the disk; links (to files, folders, outside) are not in
    the seed and still take the full walk."""
    from blogcli.check.reuse import tree

    root = make(tmp_path / "site", {"posts/a.md": "a", "posts/sub/b.md": "b", "x.png": "p"})
    (tmp_path / "outside.md").write_text("secret", encoding="utf-8")
    os.symlink(tmp_path / "outside.md", root / "posts" / "out.md")
    os.symlink("a.md", root / "posts" / "in.md")
    os.symlink(tmp_path, root / "posts" / "up")
    os.symlink("sub", root / "posts" / "down")
    regular: set[str] = set()
    tree(root, regular)
    assert regular == {f"{root}/posts/", f"{root}/posts/sub/", f"{root}/posts/a.md",
                       f"{root}/posts/sub/b.md"}
    paths = [str(root / "posts" / name) for name in
             ("a.md", "out.md", "in.md", "up", "up/outside.md", "sub", "sub/b.md", "nope.md",
              "down", "down/b.md", "..", ".", "")] + [str(root / "x.png"), str(root)]
    seeded = Confined(str(root), regular)
    for path in paths:
        fresh = Confined(str(root))
        assert seeded.inside(path) == fresh.inside(path), path
        try:
            told = seeded.is_file(path)
        except Exception as err:  # (the same exception from both)
            told = type(err)
        try:
            found = fresh.is_file(path)
        except Exception as err:
            found = type(err)
        assert told == found, path
        assert seeded.known_file(path) == fresh.known_file(path), path
    assert Confined(str(root), regular).known_file(str(root / "posts" / "a.md"))
