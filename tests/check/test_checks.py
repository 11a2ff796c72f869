"""`blog check` rules: each one failing and passing, on real sites written into tmp_path."""

from __future__ import annotations

import json
import os
import shutil
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from blogcli.check import checker as checks
from blogcli.check.checker import check_site
from blogcli.check.findings import RULES
from blogcli.check.scan import collect_facts
from blogcli.errors import UsageError
from blogcli.site import Site, find_site
from blogcli.workers import Forked, fan_out
from tests.helpers import FIXTURES

GOOD = "---\ntitle: Good\ndate: 2024-01-02T10:00:00+01:00\n---\nText.\n"
LAYOUTS = {
    "plain": ({"blog.toml": '[site]\ntitle = "T"\nprofile = "plain"\n'}, "posts"),
    "hugo": ({"hugo.toml": 'baseURL = "https://example.org/"\ntitle = "T"\n'}, "content/posts"),
    "jekyll": ({"_config.yml": "title: T\n"}, "_posts"),
    "zola": ({"config.toml": 'base_url = "https://example.org"\ntitle = "T"\n'},
             "content/blog"),
    "hexo": ({"_config.yml": "title: T\n", "source/.keep": ""}, "source/_posts"),
}


def make_site(root: Path, profile: str, posts: dict[str, str | bytes],
              extra: dict[str, str | bytes] | None = None) -> Site:
    """A site of ``profile`` with ``posts`` in its posts folder and ``extra`` files at the root."""
    config, folder = LAYOUTS[profile]
    for rel, data in {**config, **{f"{folder}/{k}": v for k, v in posts.items()},
                      **(extra or {})}.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(data, bytes):
            path.write_bytes(data)
        else:
            path.write_text(data, encoding="utf-8")
    (root / folder).mkdir(parents=True, exist_ok=True)
    return find_site(site_dir=root)


def rules_of(site: Site, paths: list[Path] | None = None) -> list[tuple[str, int, str]]:
    return [(f.path.rsplit("/", 1)[-1], f.line, f.rule) for f in check_site(site, paths).findings]


def one_post(tmp_path: Path, text: str | bytes, profile: str = "plain",
             extra: dict[str, str | bytes] | None = None) -> list[tuple[str, int, str]]:
    return rules_of(make_site(tmp_path, profile, {"a.md": text}, extra))


def test_a_clean_post_has_no_findings(tmp_path: Path) -> None:
    assert one_post(tmp_path, GOOD) == []


@pytest.mark.parametrize(("text", "line", "rule"), [
    (b"\x00\x01binary", 1, "file-unreadable"),
    ("---\ntitle: Caf\xe9\n---\n".encode("latin-1"), 2, "file-unreadable"),
    ("---\ntitle: [unclosed\ndate: 2024-01-01\n---\nx\n", 3, "front-matter-invalid"),
    ("---\ntitle: x\n\nno closing line\n", 1, "front-matter-invalid"),
    ("---\n- a\n- b\n---\nx\n", 2, "front-matter-invalid"),
    ('+++\ntitle = "x"\ndate = \n+++\nx\n', 3, "front-matter-invalid"),
])
def test_unreadable_files_and_front_matter_are_findings(tmp_path: Path, text: str | bytes,
                                                         line: int, rule: str) -> None:
    assert one_post(tmp_path, text) == [("a.md", line, rule)]


def test_required_keys_default_to_title_and_date(tmp_path: Path) -> None:
    assert one_post(tmp_path, "---\ntags: [a]\n---\nx\n") == [
        ("a.md", 1, "required-key"), ("a.md", 1, "required-key")]


def test_required_keys_follow_blog_toml(tmp_path: Path) -> None:
    toml = '[site]\nprofile = "plain"\n[check]\nrequired = ["title", "summary"]\n'
    site = make_site(tmp_path, "plain", {"a.md": GOOD}, {"blog.toml": toml})
    assert [f.message for f in check_site(site).findings] == ["front matter has no 'summary'"]


def test_a_jekyll_date_in_the_file_name_counts_as_the_date(tmp_path: Path) -> None:
    site = make_site(tmp_path, "jekyll", {"2024-01-02-a.md": "---\ntitle: A\n---\nx\n",
                                          "b.md": "---\ntitle: B\n---\nx\n"})
    # b.md has no date in its name: Jekyll skips it, and blog says so besides the missing date.
    assert rules_of(site) == [("b.md", 1, "post-name"), ("b.md", 1, "required-key")]


def test_drafts_and_templates_need_no_date(tmp_path: Path) -> None:
    site = make_site(tmp_path, "jekyll", {}, {
        "_drafts/idea.md": "---\ntitle: Idea\n---\nx\n",
        "scaffolds/post.md": "---\ntitle: {{ title }}\n---\n[x](nowhere.md)\n"})
    # The template is not checked (it is no page), and blog says so rather than pass it.
    assert rules_of(site, [tmp_path / "_drafts/idea.md", tmp_path / "scaffolds/post.md"]) == [
        ("post.md", 1, "not-published")]


@pytest.mark.parametrize(("date", "rule"), [
    ("2022-010-10", "date-invalid"),
    ("yesterday", "date-invalid"),
    ("2024-01-02T10:00:00", "date-no-zone"),
    ("2024-01-02 10:00:00", "date-no-zone"),
    ("2999-01-01T00:00:00Z", "date-future"),
    ("2999-01-01", "date-future"),
])
def test_bad_dates_are_reported_on_their_line(tmp_path: Path, date: str, rule: str) -> None:
    assert one_post(tmp_path, f"---\ntitle: x\ndate: {date}\n---\nx\n") == [("a.md", 3, rule)]


@pytest.mark.parametrize("date", ["2024-01-02", "2024-01-02 10:00:00 +0000",
                                  "2024-01-02T10:00:00Z", "2024-01-02T10:00:00.5-05:00"])
def test_good_dates_pass(tmp_path: Path, date: str) -> None:
    assert one_post(tmp_path, f"---\ntitle: x\ndate: {date}\n---\nx\n") == []


@pytest.mark.parametrize("given", ["2026-06-15T12:00:00+00:00", "2026-06-15T00:30:00+14:00",
                                   "2026-06-15T23:30:00-12:00"])
def test_dates_days_around_now_are_future_exactly_when_after_now(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, given: str) -> None:
    # Days before today are ruled out by their text (checker._days_before): at the edges of
    # that rule, in the zones furthest from UTC, a date is in the future when it is after now.
    monkeypatch.setenv("BLOG_NOW", given)
    now = datetime.fromisoformat(given)
    posts: dict[str, str | bytes] = {}
    late = set()
    for days in range(-5, 5):
        day = now.date() + timedelta(days=days)
        for written in [f"{day}T{t}{z}" for t in ("00:00:00", "23:59:59")
                        for z in ("-12:00", "+14:00", "Z")] + [str(day)]:
            name = f"p{len(posts)}.md"
            posts[name] = f"---\ntitle: x\ndate: {written}\n---\nx\n"
            moment = datetime.fromisoformat(written.replace("Z", "+00:00"))
            if (moment > now) if "T" in written else (moment.date() > now.date()):
                late.add(name)
    site = make_site(tmp_path, "plain", posts)
    found = {Path(f.path).name for f in check_site(site).findings if f.rule == "date-future"}
    assert found == late and 0 < len(late) < len(posts)


def test_a_future_draft_is_fine(tmp_path: Path) -> None:
    assert one_post(tmp_path, "---\ntitle: x\ndate: 2999-01-01\ndraft: true\n---\nx\n") == []


@pytest.mark.parametrize(("line", "rule"), [
    ('draft: "false"', "draft-not-boolean"),
    ("published: no way", "draft-not-boolean"),
    ("tags: machine learning", "tags-string"),
    ("categories: notes, ideas", "tags-string"),
    ("tags: {a: 1}", "tags-invalid"),
    ("tags: [[a, b]]", "tags-invalid"),
    ("tittle: typo", "key-typo"),
    ("dates: 2024-01-01", "key-typo"),
])
def test_front_matter_value_rules(tmp_path: Path, line: str, rule: str) -> None:
    text = f"---\ntitle: x\ndate: 2024-01-02\n{line}\n---\nx\n"
    assert one_post(tmp_path, text) == [("a.md", 4, rule)]


# One word is one term to every engine that takes a string (Jekyll, Hugo, Hexo): nothing to say.
@pytest.mark.parametrize("line", ["draft: false", "tags: [a, b]", "tags: []", "tags:",
                                  "tags: python", "categories: notes",
                                  "categories: [x]", "series: [s]", "my_custom_key: 1",
                                  "Title2: x", "_comment: a note for editors", "_tags: [a]"])
def test_front_matter_values_that_pass(tmp_path: Path, line: str) -> None:
    assert one_post(tmp_path, f"---\ntitle: x\ndate: 2024-01-02\n{line}\n---\nx\n") == []


def test_zola_taxonomies_table_is_checked(tmp_path: Path) -> None:
    text = '+++\ntitle = "x"\ndate = 2024-01-02\n[taxonomies]\ntags = "one"\n+++\nx\n'
    assert one_post(tmp_path, text, "zola") == [("a.md", 5, "tags-string")]


def test_an_empty_body_is_a_warning(tmp_path: Path) -> None:
    assert one_post(tmp_path, "---\ntitle: x\ndate: 2024-01-02\n---\n") == \
        [("a.md", 4, "body-empty")]
    assert one_post(tmp_path, "") == [("a.md", 1, "body-empty"), ("a.md", 1, "required-key"),
                                      ("a.md", 1, "required-key")]


def test_duplicate_slugs_are_named_on_both_posts(tmp_path: Path) -> None:
    post = "---\ntitle: {0}\ndate: 2024-01-02\nslug: same\n---\nx\n"
    site = make_site(tmp_path, "hugo", {"a.md": post.format("A"), "b.md": post.format("B")})
    assert rules_of(site) == [("a.md", 4, "duplicate-slug"), ("b.md", 4, "duplicate-slug")]


def test_duplicate_output_paths_from_url_keys(tmp_path: Path) -> None:
    post = "---\ntitle: {0}\ndate: 2024-01-02\nurl: /same/\n---\nx\n"
    site = make_site(tmp_path, "hugo", {"a.md": post.format("A"), "b.md": post.format("B")})
    assert rules_of(site) == [("a.md", 4, "duplicate-output"), ("b.md", 4, "duplicate-output")]


def test_same_slug_in_different_jekyll_dates_is_fine(tmp_path: Path) -> None:
    post = "---\ntitle: T\n---\nx\n"
    site = make_site(tmp_path, "jekyll", {"2024-01-02-a.md": post, "2024-02-02-a.md": post})
    assert rules_of(site) == []


def link_post(body: str) -> str:
    return f"---\ntitle: T\ndate: 2024-01-02\n---\n{body}\n"


@pytest.mark.parametrize(("body", "rule"), [
    ("[x](missing.md)", "link-missing"),
    ("![x](img/missing.png)", "link-missing"),
    ("![x](/static/nope.png)", "link-missing"),
    ("[x](b.md#nowhere)", "link-anchor"),
    ("[x](#nowhere)", "link-anchor"),
    ("[x](ttps://example.com)", "link-malformed"),
    ("[x](https//example.com)", "link-malformed"),
    ("[x](https://me@example.com)", "link-malformed"),
    ("[x](<https://exa mple.com/a>)", "link-malformed"),
    ("[x](<http\t://[>)", "link-malformed"),  # urllib: "Invalid IPv6 URL", once a traceback
    ("[x](www.example.com)", "link-malformed"),
    ("[x](/some/page/)", "link-missing"),
    ("[x](/posts/my-firts-post/)", "link-missing"),
    ("[x](../my-firts-post/)", "link-missing"),
    ("[x]()", "link-empty"),
])
def test_broken_links_are_found(tmp_path: Path, body: str, rule: str) -> None:
    site = make_site(tmp_path, "plain", {"a.md": link_post(body), "b.md": link_post("# B")})
    assert rules_of(site, [tmp_path / "posts/a.md"]) == [("a.md", 5, rule)]


@pytest.mark.parametrize("body", [
    "[x](b.md) [y](./b.md#b) [z](../posts/b.md)", "[x](#here)\n\n## Here", "![x](img/ok.png)",
    "![x](/static/ok.png) ![y](../static/ok.png)", "[x](https://example.com/a?b=c#d)",
    "[x](mailto:me@example.com) [y](tel:+123) [z](data:text/plain,hi)", "[x](/posts/b.html)",
    "[y](/index.xml) [z](/)", "[x](b.md#top)", "<me@example.org>", "[x](/posts/b/)",
    "<a href=\"b.md\">x</a>", "[x](%62.md)", "`[x](missing.md)`",
    # a space in a path is sent as %20 (by the engine, or the browser for raw HTML)
    "[x](<https://example.com/a b>) <img src=\"https://example.com/ag grid.gif?raw=true\">",
])
def test_good_links_pass(tmp_path: Path, body: str) -> None:
    site = make_site(tmp_path, "plain", {"a.md": link_post(body), "b.md": link_post("# B")},
                     {"posts/img/ok.png": b"png", "static/ok.png": b"png"})
    assert rules_of(site, [tmp_path / "posts/a.md"]) == []


def test_hugo_permalinks_and_refs_resolve(tmp_path: Path) -> None:
    extra = {"hugo.toml": 'baseURL = "https://x.org/blog/"\n[permalinks]\nposts = '
                          '"/:year/:month/:slug/"\n', "content/about.md": "# About\n\n## Me\n"}
    a = link_post('[p](/2024/01/b-post/#setup) [q](/blog/2024/01/b-post/) [r](/about/#me)\n'
                  '{{< ref "b.md#setup" >}} {{< relref "/posts/b.md" >}} {{< ref "b" >}}\n'
                  '{{< ref "nope.md" >}} [s](/2024/01/b-post/#nope)')
    b = "---\ntitle: B\nslug: b-post\ndate: 2024-01-05\n---\n## Setup\n"
    site = make_site(tmp_path, "hugo", {"a.md": a, "b.md": b}, extra)
    # baseURL puts the site under /blog/: /2024/… and /about/ miss it (the built site 404s
    # there unless it is served at the root), which only the deployment can tell.
    assert rules_of(site) == [("a.md", 5, "link-uncertain"), ("a.md", 5, "link-uncertain"),
                              ("a.md", 7, "link-missing"), ("a.md", 7, "link-anchor")]


def test_hugo_page_bundle_resources_resolve(tmp_path: Path) -> None:
    site = make_site(tmp_path, "hugo", {"b/index.md": link_post("![x](pic.png) ![y](gone.png)"),
                                        "b/pic.png": b"png"})
    assert rules_of(site) == [("index.md", 5, "link-missing")]


def test_jekyll_post_url_link_and_permalinks(tmp_path: Path) -> None:
    extra = {"_config.yml": "permalink: pretty\n", "about.md": "# About\n"}
    a = ("---\ntitle: A\ncategories: [notes]\n---\n"
         "[b]({% post_url 2024-01-02-b %}) [c]({% post_url 2024-01-02-zzz %})\n"
         "[d]({% link about.md %}) [e]({% link gone.md %}) [f](/2024/01/02/b/#kramdown-id)\n")
    b = "---\ntitle: B\n---\n## Kramdown id!\n"
    site = make_site(tmp_path, "jekyll", {"2024-01-01-a.md": a, "2024-01-02-b.md": b}, extra)
    assert rules_of(site) == [("2024-01-01-a.md", 5, "link-missing"),
                              ("2024-01-01-a.md", 6, "link-missing")]


def test_zola_internal_links_resolve(tmp_path: Path) -> None:
    a = '+++\ntitle = "A"\ndate = 2024-01-02\n+++\n[b](@/blog/b.md#intro) [c](@/blog/c.md)\n'
    b = '+++\ntitle = "B"\ndate = 2024-01-02\n+++\n# Intro\n'
    site = make_site(tmp_path, "zola", {"a.md": a, "b.md": b})
    assert rules_of(site) == [("a.md", 5, "link-missing")]


def test_uncertain_anchors_are_warnings_not_errors(tmp_path: Path) -> None:
    a = link_post("[x](2024-01-01-b.md#hello-world) [y](2024-01-01-c.md#made-by-shortcode) "
                  "[z](2024-01-01-b.md#Hello-World)")
    b = link_post("# Hello World")
    c = link_post('{% include anchor.html id="made-by-shortcode" %}')
    site = make_site(tmp_path, "jekyll", {"2024-01-01-a.md": a, "2024-01-01-b.md": b,
                                          "2024-01-01-c.md": c})
    found = check_site(site, [site.posts_dir / "2024-01-01-a.md"]).findings
    assert [(f.rule, f.severity) for f in found] == [("link-uncertain", "warning")] * 2


def test_rules_can_be_switched_off_and_regraded(tmp_path: Path) -> None:
    toml = ('[site]\nprofile = "plain"\n[check]\nrules = {"date-no-zone" = "off", '
            '"link-missing" = "warning", "key-typo" = "error"}\n')
    text = "---\ntitle: x\ndate: 2024-01-02T10:00:00\ntittle: y\n---\n[a](gone.md)\n"
    site = make_site(tmp_path, "plain", {"a.md": text}, {"blog.toml": toml})
    assert [(f.rule, f.severity) for f in check_site(site).findings] == [
        ("key-typo", "error"), ("link-missing", "warning")]


@pytest.mark.parametrize("table", ['rules = {"no-such-rule" = "off"}',
                                   'rules = {"key-typo" = "loud"}', 'rules = "off"',
                                   'required = "title"'])
def test_bad_check_settings_are_usage_errors(tmp_path: Path, table: str) -> None:
    # Raised where blog.toml is read (config.py) or where the rules are applied: either way
    # before any finding is made.
    with pytest.raises(UsageError):
        site = make_site(tmp_path, "plain", {"a.md": GOOD},
                         {"blog.toml": f'[site]\nprofile = "plain"\n[check]\n{table}\n'})
        check_site(site)


def test_paths_limit_the_report_but_links_resolve_site_wide(tmp_path: Path) -> None:
    site = make_site(tmp_path, "plain", {"a.md": link_post("[b](b.md#b)"),
                                         "b.md": "---\ntitle: B\n---\n# B\n"})
    result = check_site(site, [tmp_path / "posts/a.md"])
    assert (result.files, result.findings) == (1, [])
    assert [f.rule for f in check_site(site).findings] == ["required-key"]


def test_paths_outside_the_site_or_missing_are_usage_errors(tmp_path: Path) -> None:
    site = make_site(tmp_path / "site", "plain", {"a.md": GOOD})
    (tmp_path / "elsewhere.md").write_text("x")
    for path in (tmp_path / "elsewhere.md", tmp_path / "site/posts/nope.md"):
        with pytest.raises(UsageError):
            check_site(site, [path])


@pytest.mark.parametrize(("profile", "config"), [
    ("hugo", {"hugo.toml": 'permalinks = "odd"\nbaseURL = 3\n'}),
    ("hugo", {"hugo.toml": '[permalinks]\nposts = 5\n[permalinks.page]\nposts = "/:year/"\n'}),
    ("jekyll", {"_config.yml": "permalink: [1, 2]\nbaseurl: 7\n"}),
    ("hexo", {"_config.yml": "permalink: null\nroot: /blog/\n"}),
])
def test_odd_engine_settings_never_raise(tmp_path: Path, profile: str,
                                         config: dict[str, str]) -> None:
    site = make_site(tmp_path, profile, {"2024-01-02-a.md": link_post("[x](/y/) [z](b.md)")},
                     config)
    assert {f.rule for f in check_site(site).findings} <= {"link-uncertain", "link-missing"}


def test_every_rule_has_a_stable_kebab_case_name() -> None:
    assert all(name == name.lower() and " " not in name and "_" not in name for name in RULES)
    assert set(RULES.values()) <= {"error", "warning"}


def test_messy_site_finds_exactly_the_planted_problems(tmp_path: Path) -> None:
    root = tmp_path / "messy"
    shutil.copytree(FIXTURES / "messy_site", root, symlinks=True)
    result = check_site(find_site(site_dir=root))
    got = [[f.path, f.line, f.column, f.rule, f.severity] + ([f.target] if f.target else [])
           for f in result.findings]
    expected = json.loads((FIXTURES / "messy_expected.json").read_text(encoding="utf-8"))
    assert got == expected


def test_links_resolved_on_every_core_give_the_same_findings(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root = tmp_path / "messy"
    shutil.copytree(FIXTURES / "messy_site", root, symlinks=True)
    site = find_site(site_dir=root)
    alone = check_site(site)
    monkeypatch.setattr(checks, "PARALLEL_LINKS", 0)  # fan out even for this small site
    assert check_site(site) == alone


def test_fan_out_covers_every_item_once_and_runs_meanwhile() -> None:
    ran: list[bool] = []
    assert sorted(fan_out(lambda a, b: list(range(a, b)), 1001, lambda: ran.append(True))) == \
        list(range(1001))
    assert ran == [True]


def test_forked_jobs_return_in_order_and_a_failed_one_gives_none() -> None:
    assert Forked([lambda: [1], lambda: ["two"]]).results() == [[1], ["two"]]
    # None: the caller then does the work itself
    assert Forked([lambda: [1], lambda: [1 // 0]]).results() is None


def test_warm_run_gives_the_same_findings(tmp_path: Path) -> None:
    root = tmp_path / "messy"
    shutil.copytree(FIXTURES / "messy_site", root, symlinks=True)
    site = find_site(site_dir=root)
    assert check_site(site) == check_site(site)


# --- bad input never raises -------------------------------------------------------------------

def test_bad_files_never_raise(tmp_path: Path) -> None:
    nested = "".join("  " * i + "- item\n" for i in range(400))
    posts: dict[str, str | bytes] = {
        "binary.md": bytes(range(256)) * 4, "utf8.md": b"---\ntitle: \xff\n---\n",
        "empty.md": b"", "big.md": link_post("[a](b.md) words " * 300_000),
        "nested.md": link_post(nested), "long.md": link_post("x" * 1_000_000 + " [a](b.md)"),
        "quotes.md": link_post("> " * 10 + "[a](deep.md)"),
        "deeper.md": link_post("> " * 5000 + "[a](deep.md)\n" + "[" * 10000), "b.md": GOOD,
    }
    site = make_site(tmp_path, "plain", posts)
    (site.posts_dir / "loop.md").symlink_to(site.posts_dir / "loop.md")
    (site.posts_dir / "dir.md").mkdir()
    os.mkfifo(site.posts_dir / "fifo.md")
    result = check_site(site)
    rules = {f.path.rsplit("/", 1)[-1]: f.rule for f in result.findings}
    assert rules["binary.md"] == "file-unreadable"
    assert rules["utf8.md"] == "file-unreadable"
    assert rules["quotes.md"] == "link-missing"
    assert rules["fifo.md"] == "file-unreadable"
    assert check_site(site, [site.posts_dir / "loop.md"]).findings[0].rule == "file-unreadable"


@pytest.mark.skipif(os.geteuid() == 0, reason="root reads every file")
def test_permission_denied_is_a_finding(tmp_path: Path) -> None:
    site = make_site(tmp_path, "plain", {"a.md": GOOD})
    (site.posts_dir / "a.md").chmod(0)
    try:
        assert rules_of(site) == [("a.md", 1, "file-unreadable")]
    finally:
        (site.posts_dir / "a.md").chmod(0o644)


def test_a_file_that_vanishes_mid_run_is_skipped(tmp_path: Path) -> None:
    site = make_site(tmp_path, "plain", {"a.md": GOOD, "b.md": GOOD})
    assert set(collect_facts(site, ["posts/a.md", "posts/gone.md"])) == {"posts/a.md"}
    # A file known to the cache that disappears before it is read again is skipped too.
    (site.posts_dir / "b.md").unlink()
    assert set(collect_facts(site, ["posts/a.md", "posts/b.md"])) == {"posts/a.md"}


def test_many_files_go_through_the_worker_pool(tmp_path: Path) -> None:
    posts = {f"p{i}.md": link_post(f"[n](p{i + 1}.md)") for i in range(320)}
    site = make_site(tmp_path, "plain", posts)
    assert rules_of(site) == [("p319.md", 5, "link-missing")]


def test_facts_scanned_in_chunks_over_the_cores_are_those_of_one_process(
        tmp_path: Path) -> None:
    """collect_facts hands the files out in small chunks (scan._scan); what comes back, in
    order, is what this process scans alone, file by file."""
    from blogcli.check.scan import scan_items

    posts = {f"p{i:03}.md": link_post(f"[n](p{i + 1:03}.md) and ## H{i}\n\n# Head {i}")
             for i in range(450)}
    site = make_site(tmp_path, "plain", posts)
    rels = [f"posts/p{i:03}.md" for i in range(450)]
    alone = {rel: fact for rel, (_, fact, _) in zip(
        rels, scan_items(site, [(rel, None, None) for rel in rels]), strict=True)}
    found = collect_facts(site, rels)
    assert list(found) == rels
    assert found == alone


@pytest.mark.parametrize("count", [5, 260])  # in this process, and over the worker pool
def test_urls_found_beside_the_facts_are_those_worked_out_after(tmp_path: Path,
                                                               count: int) -> None:
    """The workers work out each scanned page's URLs beside its facts (collect_facts' urls);
    site_urls takes them, and they are the URLs it works out from the facts itself."""
    posts: dict[str, str | bytes] = {
        f"p{i:03}.md": f"---\ntitle: P {i}\nslug: s{i % 7}\naliases: [/old/{i}/]\n---\nx\n"
        for i in range(count)}
    posts["bad.md"] = "---\ntitle: [\n---\n"  # no facts: its URLs from the path
    site = make_site(tmp_path, "hugo", posts)
    rels = sorted(p.rel for p in site.pages())
    urls: dict[str, list[str]] = {}
    facts = collect_facts(site, rels, urls=urls)
    assert len(urls) == count and all(rel in facts for rel in urls)
    assert checks.site_urls(site, facts, urls) == checks.site_urls(site, facts)


front_matter = st.dictionaries(
    st.sampled_from(["title", "date", "tags", "draft", "slug", "tittle", "categories", "url",
                     "permalink", "aliases", "lastmod", "published"]),
    st.one_of(st.text(max_size=12), st.integers(), st.booleans(), st.none(),
              st.lists(st.text(max_size=5), max_size=3)), max_size=5)
markdown = st.text(alphabet=st.sampled_from(
    [*list('ab #[]()!`<>\\-*|:/.{}%"\n\r\t'), "中", "é", "\x00", "\u2028"]), max_size=150)


@settings(max_examples=60, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(meta=front_matter, body=markdown, toml=st.booleans())
def test_check_never_raises_and_findings_point_at_real_lines(
        tmp_path: Path, meta: dict[str, object], body: str, toml: bool) -> None:
    import yaml

    fm = "+++\n" + "".join(f"{k} = {json.dumps(v)}\n" for k, v in meta.items()
                           if v is not None) + "+++\n" if toml else \
        "---\n" + yaml.safe_dump(meta, allow_unicode=True) + "---\n"
    root = tmp_path / "prop"
    shutil.rmtree(root, ignore_errors=True)
    site = make_site(root, "plain", {"a.md": fm + body})
    data = (site.posts_dir / "a.md").read_bytes()
    lines = data.split(b"\n")
    for finding in check_site(site).findings:
        assert 1 <= finding.line <= len(lines)
        assert finding.column >= 1


def test_template_expressions_in_targets_are_not_guessed(tmp_path: Path) -> None:
    a = ("---\ntitle: A\n---\n![x]({{site.baseurl}}/assets/ok.png) ![y]({{site.baseurl}}/gone.png)"
         "\n[z]({{page.url}}.png) [w]({{'/x.png'|relative_url}})\n")
    site = make_site(tmp_path, "jekyll", {"2024-01-01-a.md": a}, {"assets/ok.png": b"png"})
    assert rules_of(site) == [("2024-01-01-a.md", 4, "link-missing")]


def test_hexo_post_link_and_asset_tags(tmp_path: Path) -> None:
    a = link_post("{% post_link b %} {% post_link nope %}\n{% asset_img pic.png %} "
                  "{% asset_img gone.png A title %}")
    site = make_site(tmp_path, "hexo", {"a.md": a, "b.md": GOOD, "a/pic.png": b"png"})
    assert rules_of(site) == [("a.md", 5, "link-missing"), ("a.md", 6, "link-missing")]


def test_built_assets_and_theme_files_are_not_errors(tmp_path: Path) -> None:
    a = link_post('<link href="/css/site.css"> <script src="/js/gone.js"></script> '
                  "![t](/images/theme.png)")
    site = make_site(tmp_path, "hugo", {"a.md": a}, {"themes/t/static/css/site.css": "x",
                                                     "themes/t/static/images/theme.png": b"p"})
    found = check_site(site).findings
    assert [(f.rule, f.severity, f.target) for f in found] == [
        ("link-uncertain", "warning", "/js/gone.js")]


def test_paths_through_a_symlinked_folder_are_inside_the_site(tmp_path: Path) -> None:
    site = make_site(tmp_path / "real", "plain", {"a.md": link_post("[x](gone.md)")})
    (tmp_path / "alias").symlink_to(tmp_path / "real")
    assert rules_of(site, [tmp_path / "alias/posts/a.md"]) == [("a.md", 5, "link-missing")]


def test_engine_settings_that_change_heading_ids_make_anchors_uncertain(tmp_path: Path) -> None:
    hugo = ('baseURL = "https://x.org/"\n[markup.goldmark.parser]\n'
            'autoHeadingIDType = "github-ascii"\n')
    site = make_site(tmp_path, "hugo", {"a.md": link_post("[x](b.md#nope)"),
                                        "b.md": link_post("# B")}, {"hugo.toml": hugo})
    assert [(f.rule, f.severity) for f in check_site(site).findings] == [
        ("link-uncertain", "warning")]


def test_hugo_static_dir_lists_are_all_searched(tmp_path: Path) -> None:
    config = {"hugo.toml": 'staticDir = ["static", "assets2"]\n', "assets2/a.png": b"png"}
    site = make_site(tmp_path, "hugo", {"a.md": link_post("![a](/a.png) ![b](/b.png)")}, config)
    assert rules_of(site) == [("a.md", 5, "link-missing")]


def test_a_paragraph_of_unclosed_link_openers_is_checked(tmp_path: Path) -> None:
    site = make_site(tmp_path, "plain", {"a.md": link_post("[a](" * 40000 + "\n\n[b](gone.md)")})
    assert rules_of(site) == [("a.md", 7, "link-missing")]


def test_links_leaving_the_site_are_errors_and_never_followed(tmp_path: Path) -> None:
    (tmp_path / "outside2.md").write_text("# Secret heading\n")
    (tmp_path / "outdir").mkdir()
    (tmp_path / "outdir/x.md").write_text("# X\n")
    body = ("[a](../../outside2.md)\n[b](../../outside2.md#secret-heading)\n"
            "[c](leak.md#secret-heading)\n[d](updir/x.md#nope)\n![e](/leak.png)\n"
            "[f](../../outside2)\n")
    site = make_site(tmp_path / "site", "plain", {"a.md": link_post(body)})
    (site.posts_dir / "leak.md").symlink_to(tmp_path / "outside2.md")
    (site.posts_dir / "updir").symlink_to(tmp_path / "outdir")
    (site.root / "static").mkdir()
    (site.root / "static/leak.png").symlink_to(tmp_path / "outside2.md")
    found = check_site(site).findings
    assert [(f.line, f.rule, f.severity) for f in found] == [
        (line, "link-outside", "error") for line in range(5, 11)]
    assert found[1].message == ("../../outside2.md leads outside the site folder (not read: it "
                                "would not be published)")


def test_symlinks_that_stay_inside_the_site_are_followed(tmp_path: Path) -> None:
    body = "[a](alias.md#b) [b](same/b.md#b) [c](same/b.md#nope) [d](loop.md)"
    site = make_site(tmp_path, "plain", {"a.md": link_post(body), "b.md": link_post("# B")})
    (site.posts_dir / "alias.md").symlink_to("b.md")
    (site.posts_dir / "same").symlink_to(site.posts_dir)  # absolute, and inside the site
    (site.posts_dir / "loop.md").symlink_to("loop.md")
    assert [(f.rule, f.target) for f in check_site(site).findings] == [
        ("link-anchor", "same/b.md#nope"), ("link-missing", "loop.md")]


def test_named_paths_resolving_outside_the_site_are_refused_unread(tmp_path: Path) -> None:
    (tmp_path / "secret.md").write_text("---\ntitle: [not read\n---\n")
    (tmp_path / "outdir").mkdir()
    (tmp_path / "outdir/x.md").write_text("---\ntitle: [not read\n---\n")
    site = make_site(tmp_path / "site", "plain", {"a.md": GOOD})
    (site.posts_dir / "evil.md").symlink_to(tmp_path / "secret.md")
    (site.posts_dir / "evildir").symlink_to(tmp_path / "outdir")
    for name in ("evil.md", "evildir", "evildir/x.md"):
        with pytest.raises(UsageError, match="outside the site"):
            check_site(site, [site.posts_dir / name])
    result = check_site(site, [site.posts_dir])
    assert (result.files, result.findings) == (1, [])


def test_a_folder_is_checked_by_the_same_rules_as_the_whole_site(tmp_path: Path) -> None:
    site = make_site(tmp_path, "hugo", {
        "a.md": link_post("[a](b/)"), "_index.md": "---\ntitle: Posts\n---\n[x](gone.md)\n",
        "b/index.md": link_post("![p](p.png)"), "b/p.png": b"png",
        "b/notes.md": "[y](gone.md)\n"})
    # The section page is a page Hugo publishes: its links are checked like a post's.
    whole = check_site(site)
    section = [("content/posts/_index.md", "link-missing", "gone.md")]
    assert whole.files == 3
    assert [(f.path, f.rule, f.target) for f in whole.findings] == section
    for path in ("content/posts", "content", "."):
        named = check_site(site, [tmp_path / path])
        assert [(f.path, f.rule, f.target) for f in named.findings] == section, path
    assert check_site(site, [tmp_path / "content/posts"]).files == 3
    assert check_site(site, [tmp_path / "content/posts/b"]).findings == []
    assert check_site(site, [tmp_path / "content/posts/b"]).files == 1
    # A bundle's other Markdown file is a resource, not a page: named, it is said so.
    resource = check_site(site, [tmp_path / "content/posts/b/notes.md"])
    assert resource.files == 0
    assert [(f.rule, f.message) for f in resource.findings] == [(
        "not-published", "content/posts/b/notes.md is not a page this hugo site publishes (a "
        "file of a page bundle: only its index.md is a page), so it was not checked")]


def test_a_theme_linked_in_from_outside_the_site_is_not_looked_into(tmp_path: Path) -> None:
    (tmp_path / "theme/static/img").mkdir(parents=True)
    (tmp_path / "theme/static/img/t.png").write_bytes(b"png")
    site = make_site(tmp_path / "site", "hugo", {"a.md": link_post("![t](/img/t.png)")})
    (site.root / "themes").mkdir()
    (site.root / "themes/t").symlink_to(tmp_path / "theme")
    assert [(f.rule, f.target) for f in check_site(site).findings] == [
        ("link-missing", "/img/t.png")]


@pytest.mark.parametrize(("profile", "link"), [
    ("jekyll", "{% link ../../outside.md %}"), ("hugo", '{{< ref "../../../outside.md" >}}'),
    ("zola", "[z](@/../../outside.md)"), ("hexo", "{% asset_img ../../../../outside.md %}")])
def test_engine_link_forms_leaving_the_site_are_errors(tmp_path: Path, profile: str,
                                                       link: str) -> None:
    (tmp_path / "outside.md").write_text("# Out\n")
    site = make_site(tmp_path / "site", profile, {"2024-01-02-a.md": link_post(link)})
    assert [f.rule for f in check_site(site).findings] == ["link-outside"]


def test_file_and_javascript_links_are_findings_without_network(tmp_path: Path) -> None:
    text = ("---\ntitle: T\ndate: 2024-01-02T10:00:00+01:00\n---\n"
            "[a](file:///Users/me/pic.png)\n\n[b](javascript:void(0))\n\n"
            "[c](tel:+44123) [d](mailto:me@example.com)\n")
    assert one_post(tmp_path, text) == [("a.md", 5, "link-file"), ("a.md", 7, "link-scheme")]


def test_a_key_given_twice_is_a_warning_where_the_engine_keeps_the_last(tmp_path: Path) -> None:
    text = "---\ntitle: A\nauthor: x\ndate: 2024-01-02T10:00:00+00:00\nauthor: y\n---\nx\n"
    jekyll = make_site(tmp_path / "j", "jekyll", {"2024-01-02-a.md": text})
    assert rules_of(jekyll) == [("2024-01-02-a.md", 5, "key-duplicate")]
    hugo = make_site(tmp_path / "h", "hugo", {"a.md": text})
    # No Hugo pinned: the build's may keep the last value (before 0.152), so no error.
    assert [(f.line, f.rule, f.severity) for f in check_site(hugo).findings] == [
        (5, "key-duplicate", "warning")]
    (hugo.root / "netlify.toml").write_text('[build.environment]\nHUGO_VERSION = "0.152.0"\n',
                                            encoding="utf-8")
    pinned = find_site(site_dir=hugo.root)
    assert [(f.line, f.rule, f.severity) for f in check_site(pinned).findings] == [
        (5, "front-matter-invalid", "error")]
    # A list of tables at its key's indent repeats no key (WoojinJeonkr's _pages/tools.md).
    items = "---\ntitle: T\ntools:\n- title: A\n  link: x\n- title: B\n  link: y\n---\nx\n"
    listed = make_site(tmp_path / "l", "hugo", {"b.md": text.replace("author: y\n", "")},
                       {"content/tools.md": items})
    assert check_site(listed).findings == []
    # A page that is no post says so too (zzo's exampleSite: gallery/photo/index.md).
    page = make_site(tmp_path / "p", "hugo", {"b.md": text.replace("author: y\n", "")},
                     {"content/about.md": text})
    assert [(f.path, f.line, f.rule) for f in check_site(page).findings] == [
        ("content/about.md", 5, "key-duplicate")]


@pytest.mark.parametrize("target", ["((https://example.com/a))", "http\uff1a//example.com/",
                                    "(https://example.com/a"])
def test_doubled_parentheses_and_wide_colons_are_malformed(tmp_path: Path, target: str) -> None:
    assert one_post(tmp_path, link_post(f"<a href=\"{target}\">x</a>")) == [
        ("a.md", 5, "link-malformed")]


def test_nfc_and_nfd_spellings_of_one_slug_are_duplicates(tmp_path: Path) -> None:
    nfc, nfd = "caf\u00e9", "cafe\u0301"
    post = "---\ntitle: C\ndate: 2024-01-02T10:00:00Z\n---\n\nText.\n"
    site = make_site(tmp_path, "plain", {f"{nfc}.md": post, f"{nfd}.md": post})
    rules = {(f.path, f.rule) for f in check_site(site).findings}
    assert rules == {(f"posts/{nfc}.md", "duplicate-slug"), (f"posts/{nfd}.md", "duplicate-slug")}


def test_a_taxonomy_the_config_declares_is_no_key_typo(tmp_path: Path) -> None:
    """PaperMod's exampleSite: a language's own taxonomy (FAtags) is a front-matter key Hugo
    reads, not a misspelt tags; a key no taxonomy declares still is one."""
    config = ('baseURL = "https://example.org/"\ntitle = "T"\n[taxonomies]\nserie = "serie"\n'
              '[languages.en]\nweight = 1\n[languages.fa]\nweight = 2\n'
              '[languages.fa.taxonomies]\ntag = "FAtags"\n')
    text = "---\ntitle: x\ndate: 2024-01-02\nfatags: [a]\nserie: [b]\ntagz: [c]\n---\nx\n"
    site = make_site(tmp_path, "hugo", {"a.md": text}, {"hugo.toml": config})
    assert rules_of(site) == [("a.md", 6, "key-typo")]
    plain = make_site(tmp_path / "plain", "hugo", {"a.md": text})
    assert rules_of(plain) == [("a.md", 4, "key-typo"), ("a.md", 5, "key-typo"),
                               ("a.md", 6, "key-typo")]
