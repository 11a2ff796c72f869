"""Hugo link cases met on gohugoio/hugoDocs (built by Hugo 0.168 in /work/realblogs): a section
named resources, a link render hook, bare addresses on the site's own host, disableAliases."""

from __future__ import annotations

from pathlib import Path

import pytest

from blogcli.check.checker import check_site
from blogcli.site import find_site
from tests.helpers import make

CONFIG = 'baseURL = "https://docs.example.net/"\ntitle = "t"\n'
HOOK = "layouts/_markup/render-link.html"


def post(body: str, extra: str = "", date: str = "2024-01-02") -> str:
    return f"---\ntitle: A\ndate: {date}\n{extra}---\n{body}\n"


def links(root: Path) -> list[tuple[str, str, str | None]]:
    return [(f.rule, f.severity, f.target) for f in check_site(find_site(site_dir=root)).findings
            if f.target]


def test_a_section_called_resources_is_content(tmp_path: Path) -> None:
    # Only the resources folder at the site's root is Hugo's output (generated assets).
    root = make(tmp_path / "s", {
        "hugo.toml": CONFIG,
        "content/functions/resources/get.md": post("x"),
        "content/functions/cast/toint.md": post("[get](/functions/resources/get/)"),
        "resources/_gen/stale.md": post("not content"),
    })
    site = find_site(site_dir=root)
    rels = {p.rel for p in site.pages()}
    assert "content/functions/resources/get.md" in rels
    assert not any(rel.startswith("resources/") for rel in rels)
    assert links(root) == []


@pytest.mark.parametrize("hook", [HOOK, "layouts/_default/_markup/render-link.html",
                                  "themes/t/layouts/_markup/render-link.html"])
def test_a_render_hook_makes_bare_words_and_page_paths_uncertain(tmp_path: Path,
                                                                 hook: str) -> None:
    root = make(tmp_path / "s", {
        "hugo.toml": CONFIG + ('theme = "t"\n' if hook.startswith("themes/") else ""),
        hook: "{{ .Destination }}",
        "content/methods/page/date.md": post("x"),
        "content/templates/intro.md": post("[term](g) [date](methods/page/date/) "
                                           "[menus](other/) [typo](methods/page/daet/)"),
        "content/templates/other.md": post("x"),
    })
    found = links(root)
    assert [(rule, target) for rule, _, target in found] == [
        ("link-uncertain", "g"), ("link-uncertain", "methods/page/date/"),
        ("link-uncertain", "other/"), ("link-missing", "methods/page/daet/")]
    assert hook in check_site(find_site(site_dir=root)).findings[0].message


def test_without_a_render_hook_those_links_are_404s(tmp_path: Path) -> None:
    root = make(tmp_path / "s", {
        "hugo.toml": CONFIG,
        "content/methods/page/date.md": post("x"),
        "content/templates/intro.md": post("[term](g) [date](methods/page/date/)"),
    })
    assert [(rule, target) for rule, _, target in links(root)] == [
        ("link-missing", "g"), ("link-missing", "methods/page/date/")]


def test_a_bare_address_on_the_sites_own_host_is_one_of_its_pages(tmp_path: Path) -> None:
    # Goldmark links bare addresses; on the site's own host they are its pages.
    root = make(tmp_path / "s", {
        "hugo.toml": CONFIG,
        "content/posts/a.md": post("See https://docs.example.net/posts/b/ and "
                                   "https://docs.example.net/posts/c/ and https://example.org/x"),
        "content/posts/b.md": post("x"),
    })
    assert links(root) == [("link-missing", "error", "https://docs.example.net/posts/c/")]


def test_disable_aliases_leaves_an_alias_to_the_host(tmp_path: Path) -> None:
    files = {
        "hugo.toml": CONFIG,
        "content/posts/a.md": post("[old](/old/b/) [new](/posts/b/)"),
        "content/posts/b.md": post("x", "aliases: [/old/b/]\n"),
    }
    assert links(make(tmp_path / "with", files)) == []
    files["hugo.toml"] = CONFIG + "disableAliases = true\n"
    assert links(make(tmp_path / "without", files)) == [
        ("link-uncertain", "warning", "/old/b/")]


@pytest.mark.parametrize("use", ["always", "never"])
def test_hugos_embedded_hook_finds_a_page_by_its_file_name(tmp_path: Path, use: str) -> None:
    """wiloon/blog (Hugo 0.168, useEmbedded = "always"): from a leaf bundle, ./x.md found
    x.md beside the bundle, and ./bundle.md the bundle; the built site links both. Hugo's
    embedded hook looks them up by GetPage, as a site's own hook would: uncertain, not
    missing. A path that names no page's file stays an error; so does all of it without
    the hook."""
    embedded = f'[markup.goldmark.renderHooks.link]\nuseEmbedded = "{use}"\n'
    root = make(tmp_path / "s", {
        "hugo.toml": CONFIG + embedded,
        "content/post/cloud/node/index.md": post("[d](./descheduler.md) [typo](./deschedler.md)"),
        "content/post/cloud/descheduler.md": post("[back](./node.md)"),
    })
    rules = {target: rule for rule, _, target in links(root)}
    expected = "link-uncertain" if use == "always" else "link-missing"
    assert rules == {"./descheduler.md": expected, "./deschedler.md": "link-missing",
                     "./node.md": expected}
