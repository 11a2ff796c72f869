"""Links to pages the engine does not publish (drafts, expired, scheduled), generated archive
pages and uglyURLs, checked against what the real engines wrote: each fixture's golden.tsv,
published.tsv and archives.tsv come from Hugo and Jekyll builds (tests/fixtures/sites/regen.py).
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from pathlib import Path
from urllib.parse import urljoin

import pytest
from typer.testing import CliRunner

from blogcli import clock
from blogcli.check.checker import check_site
from blogcli.check.scan import collect_facts, open_cache
from blogcli.cli import app
from blogcli.pages import availability
from blogcli.site import find_site
from tests.helpers import make

SITES = Path(__file__).resolve().parent.parent / "fixtures" / "sites"
STATED = sorted(p.parent.name for p in SITES.glob("*/published.tsv"))
LINK = re.compile(r"\]\(([^)\s]+)\)")
ARCHIVE_SHAPE = re.compile(r"^/(tags|category)/|^/\d{4}/(\d{2}/)?$")
HUGO = [h for h in (shutil.which("hugo"), "/work/realblogs/hugo-new") if h and Path(h).is_file()]
JEKYLL = shutil.which("jekyll")
runner = CliRunner()


def table(name: str, file: str) -> dict[str, str]:
    """A fixture's two-column file written by the engine's build (regen.py)."""
    lines = (SITES / name / file).read_text(encoding="utf-8").splitlines()
    return dict(line.split("\t") for line in lines if line)


def links(name: str, rel: str) -> list[tuple[int, str]]:
    """(line, target) of each Markdown link in a fixture page."""
    text = (SITES / name / rel).read_text(encoding="utf-8")
    return [(number, match[1]) for number, line in enumerate(text.split("\n"), start=1)
            for match in LINK.finditer(line)]


def findings(name: str, rule: str) -> set[tuple[str, int, str | None, str]]:
    result = check_site(find_site(site_dir=SITES / name))
    return {(f.path, f.line, f.target, f.severity) for f in result.findings if f.rule == rule}


@pytest.mark.parametrize("name", STATED)
def test_each_pages_state_is_the_engines(name: str) -> None:
    # live: the plain build wrote it; scheduled: only the build with future posts did.
    site = find_site(site_dir=SITES / name)
    engine = table(name, "published.tsv")
    facts = collect_facts(site, sorted(engine), open_cache(site))
    now = clock.now(site)
    ours = {rel: availability(site, site.page(rel), facts[rel]["meta"], facts[rel]["date"],
                              now).state for rel in engine}
    assert ours == engine
    assert {"live", "scheduled", "unpublished"} <= set(engine.values()) or \
        name not in ("hugo-states", "jekyll-states")


@pytest.mark.parametrize("name", ["hugo-states", "jekyll-states"])
def test_a_live_page_linking_to_an_unpublished_one_is_the_404_the_build_makes(name: str) -> None:
    # Every link in these fixtures is to a page. Where the plain build wrote no page at the
    # link's address, the live site 404s: an error, or a warning when the build with future
    # posts wrote it (scheduled). A page no build writes (render: never, headless) is in no
    # golden at all.
    urls, engine = table(name, "golden.tsv"), table(name, "published.tsv")
    live = {url for rel, url in urls.items() if engine[rel] == "live"}
    later = {url for rel, url in urls.items() if engine[rel] == "scheduled"}
    expected = set()
    for rel in (rel for rel, state in engine.items() if state == "live"):
        for line, target in links(name, rel):
            address = urljoin(urls[rel], target)
            if ARCHIVE_SHAPE.match(address):
                continue  # jekyll-archives pages: test_jekyll_archives_pages_are_the_plugins
            if address not in live:
                expected.add((rel, line, target, "warning" if address in later else "error"))
    ours = findings(name, "link-unpublished")
    assert {f for f in ours if engine[f[0]] == "live"} == expected
    assert len(expected) >= 3


def test_links_between_unpublished_pages_are_warnings() -> None:
    # A draft's link to an expired page breaks when the draft is published; a post scheduled
    # for 2098 links to one scheduled for 2099 (a year of 404s); the 2099 post links back to
    # the 2098 one, which is up by then; the draft's link to a scheduled post is left alone.
    ours = findings("hugo-states", "link-unpublished")
    assert {f for f in ours if f[3] == "warning" and "live" not in f[0]} == {
        ("content/posts/draft.md", 6, "/posts/expired/", "warning"),
        ("content/posts/early.md", 5, "/posts/future/", "warning"),
    }
    assert ("_drafts/idea.md", 4, "/2024/01/04/unpublished/", "warning") in \
        findings("jekyll-states", "link-unpublished")


def test_a_scheduled_target_names_the_day() -> None:
    result = check_site(find_site(site_dir=SITES / "hugo-states"))
    messages = {f.target: f.message for f in result.findings if f.rule == "link-unpublished"}
    assert "publishes it from 2099-01-02 " in messages["../future/"]
    assert "from 2099-03-04T05:06:07+00:00" in messages["/posts/publish-later/"]
    assert "expired on 2001-01-01" in messages["/posts/expired/"]


def test_jekyll_archives_pages_are_the_plugins() -> None:
    made = set(table("jekyll-states", "archives.tsv"))  # written by jekyll-archives 2.2.1
    post = "_posts/2024-01-10-live.md"
    shaped = {t for _, t in links("jekyll-states", post) if ARCHIVE_SHAPE.match(t)}
    assert len(made & shaped) >= 5 and len(shaped - made) >= 4
    warned = {target for path, _, target, _ in findings("jekyll-states", "link-uncertain")
              if path == post}
    assert warned == shaped - made
    errors = [f for f in check_site(find_site(site_dir=SITES / "jekyll-states")).findings
              if f.target in made]
    assert errors == []


def test_archives_need_the_plugin(tmp_path: Path) -> None:
    root = tmp_path / "site"
    shutil.copytree(SITES / "jekyll-states", root)
    config = root / "_config.yml"
    config.write_text(config.read_text(encoding="utf-8").replace(
        "plugins: [jekyll-archives]", "plugins: []"), encoding="utf-8")
    result = check_site(find_site(site_dir=root))
    missing = {f.target for f in result.findings if f.rule == "link-missing"}
    assert {"/tags/real-tag/", "/2024/", "/category/news/"} <= missing


@pytest.mark.parametrize("name", ["hugo-ugly", "hugo-ugly-map"])
def test_ugly_urls_resolve_as_the_built_site_does(name: str) -> None:
    urls = table(name, "golden.tsv")
    written = set(urls.values())
    expected = set()
    for rel, url in urls.items():
        for line, target in links(name, rel):
            address = urljoin(url, target)
            if address not in written and not address.endswith(".png"):
                expected.add((rel, line, target, "error"))
    assert findings(name, "link-missing") == expected
    assert len(expected) >= 2


def test_ugly_bundle_resources_are_beside_the_page_file() -> None:
    # Hugo writes /posts/bundle.html and the bundle's files under /posts/bundle/.
    assert not [f for f in check_site(find_site(site_dir=SITES / "hugo-ugly")).findings
                if f.target and f.target.endswith(".png")]


def _hugo_site(root: Path, link: str, target_front: str) -> Path:
    return make(root, {
        "hugo.toml": 'baseURL = "https://example.org/"\ntitle = "t"\n',
        "layouts/_default/single.html": "{{ .Content }}",
        "layouts/_default/list.html": "list",
        "content/posts/live.md": f"---\ntitle: Live\ndate: 2024-01-02\n---\n[x]({link})\n",
        "content/posts/target.md": f"---\ntitle: T\n{target_front}\n---\nbody\n",
    })


@pytest.mark.parametrize("front", ["date: 2024-01-01\ndraft: true", "date: 2099-01-01",
                                   "date: 2024-01-01\nExpiryDate: 2001-01-01"])
def test_a_ref_to_an_unpublished_page_stops_the_hugo_build(tmp_path: Path, front: str) -> None:
    # Even a scheduled target: Hugo looks the page up while building this one.
    root = _hugo_site(tmp_path / "s", '{{< ref "target.md" >}}', front)
    found = [(f.rule, f.severity) for f in check_site(find_site(site_dir=root)).findings
             if f.path == "content/posts/live.md"]
    assert found == [("link-unpublished", "error")]
    for hugo in HUGO:
        done = subprocess.run([hugo, "-d", str(tmp_path / "out")], cwd=root,
                              capture_output=True, text=True, check=False)
        assert done.returncode != 0 and "REF_NOT_FOUND" in done.stdout + done.stderr


def test_a_ref_from_a_draft_is_a_warning(tmp_path: Path) -> None:
    root = _hugo_site(tmp_path / "s", '{{< ref "target.md" >}}', "date: 2024-01-01\ndraft: true")
    live = root / "content/posts/live.md"
    live.write_text(live.read_text(encoding="utf-8").replace("title: Live", "title: Live\n"
                                                               "draft: true"), encoding="utf-8")
    found = [(f.rule, f.severity) for f in check_site(find_site(site_dir=root)).findings
             if f.path == "content/posts/live.md"]
    assert found == [("link-unpublished", "warning")]
    for hugo in HUGO:  # a draft is not built, so its ref is not looked up
        done = subprocess.run([hugo, "-d", str(tmp_path / "out")], cwd=root,
                              capture_output=True, text=True, check=False)
        assert done.returncode == 0, done.stdout + done.stderr


@pytest.mark.parametrize("target", ["2099-01-02-future", "2024-01-02-unpub"])
def test_a_post_url_to_an_unpublished_post_stops_the_jekyll_build(tmp_path: Path,
                                                                  target: str) -> None:
    root = make(tmp_path / "j", {
        "_config.yml": "title: t\n",
        "_posts/2099-01-02-future.md": "---\ntitle: F\n---\nf\n",
        "_posts/2024-01-02-unpub.md": "---\ntitle: U\npublished: false\n---\nu\n",
        "_posts/2024-01-03-live.md": f"---\ntitle: L\n---\n[x]({{% post_url {target} %}})\n",
    })
    found = [(f.rule, f.severity) for f in check_site(find_site(site_dir=root)).findings
             if f.path == "_posts/2024-01-03-live.md"]
    assert found == [("link-unpublished", "error")]
    if JEKYLL:
        done = subprocess.run([JEKYLL, "build", "-s", str(root), "-d", str(tmp_path / "out")],
                              capture_output=True, text=True, check=False)
        assert done.returncode != 0 and "Could not find post" in done.stdout + done.stderr


def test_build_switches_publish_what_they_name(tmp_path: Path) -> None:
    root = _hugo_site(tmp_path / "s", "/posts/target/", "date: 2024-01-01\ndraft: true")
    assert [f.rule for f in check_site(find_site(site_dir=root)).findings] == \
        ["link-unpublished"]
    config = root / "hugo.toml"
    config.write_text(config.read_text(encoding="utf-8") + "buildDrafts = true\n",
                      encoding="utf-8")
    assert check_site(find_site(site_dir=root)).findings == []


# --- Hugo reads front-matter keys in any case ---------------------------------------------


@pytest.mark.parametrize("name", STATED)
def test_list_says_what_the_engine_publishes(name: str) -> None:
    """`blog list` calls a post published exactly when the engine's build wrote it (Jekyll and
    Hexo ignore a `draft: true` key: the draft-key posts are live in their builds)."""
    result = runner.invoke(app, ["--site", str(SITES / name), "list", "--drafts",
                                 "--format", "json"])
    assert result.exit_code == 0, result.output
    engine = table(name, "published.tsv")
    listed = {r["path"]: r["status"] for r in json.loads(result.stdout)}
    assert listed, "no post listed"
    expected = {"live": {"published"}, "scheduled": {"scheduled"},
                "unpublished": {"draft", "expired"}}
    wrong = {rel: (status, engine[rel]) for rel, status in listed.items()
             if rel in engine and status not in expected[engine[rel]]}
    assert wrong == {}


def test_list_reads_hugo_keys_in_any_case() -> None:
    result = runner.invoke(app, ["--site", str(SITES / "hugo-states"), "list", "--drafts",
                                 "--format", "json"])
    assert result.exit_code == 0, result.output
    rows = {r["path"]: r for r in json.loads(result.stdout)}
    urls = table("hugo-states", "golden.tsv")
    draft, expired, live = (rows[f"content/posts/{n}.md"] for n in
                            ("caps-draft", "caps-expired", "caps-live"))
    assert (draft["title"], draft["date"], draft["status"]) == ("Caps Draft", "2024-01-06",
                                                                 "draft")
    assert (expired["title"], expired["status"]) == ("Caps Expired", "expired")
    assert (live["title"], live["status"], live["tags"]) == ("Caps Live", "published", ["Case"])
    assert live["url"] == urls["content/posts/caps-live.md"] == "/posts/capital-slug/"


def test_check_reads_hugo_keys_in_any_case(tmp_path: Path) -> None:
    root = make(tmp_path / "s", {
        "hugo.toml": 'baseURL = "https://example.org/"\ntitle = "t"\n',
        "content/posts/a.md": "---\nTitle: A\nDraft: false\nDate: 2024-01-02T10:00:00\n"
                              "Tags: [x]\n---\n[b](/posts/b/)\n",
        "content/posts/b.md": "---\nTITLE: B\nDATE: 2024-01-01\nDRAFT: true\n---\nb\n",
    })
    result = runner.invoke(app, ["--site", str(root), "check", "--format", "json"])
    found = [(f["path"], f["line"], f["rule"]) for f in json.loads(result.stdout)["findings"]]
    # Title and date are there (no required-key); the zoneless date is named at its own line.
    assert found == [("content/posts/a.md", 4, "date-no-zone"),
                     ("content/posts/a.md", 7, "link-unpublished")]


def test_other_engines_keep_keys_as_written(tmp_path: Path) -> None:
    # Jekyll's front matter is case-sensitive: Title is not title.
    root = make(tmp_path / "j", {"_config.yml": "title: t\n",
                                 "_posts/2024-01-02-a.md": "---\nTitle: A\n---\nx\n"})
    found = [(f.rule, f.message.split(" (")[0]) for f in
             check_site(find_site(site_dir=root)).findings]
    assert ("required-key", "front matter has no 'title'") in found


def test_zola_and_hexo_drafts(tmp_path: Path) -> None:
    # Zola: draft = true pages are not built, and an @/ link to a missing page stops the build
    # (getzola.org/documentation/content/page/ and .../linking/; no zola binary here).
    zola = make(tmp_path / "z", {
        "config.toml": 'base_url = "https://example.org"\n',
        "content/blog/_index.md": '+++\nsort_by = "date"\n+++\n',
        "content/blog/live.md": '+++\ntitle = "L"\ndate = 2024-01-02\n+++\n[d](@/blog/d.md) '
                                "[url](/blog/d/)\n",
        "content/blog/d.md": '+++\ntitle = "D"\ndate = 2024-01-01\ndraft = true\n+++\nd\n',
    })
    assert [(f.rule, f.severity, f.target) for f in check_site(find_site(site_dir=zola)).findings
            if f.target] == [("link-unpublished", "error", "@/blog/d.md"),
                             ("link-unpublished", "error", "/blog/d/")]
    # Hexo: published: false hides a post; draft: true is not Hexo's (the fixture's engine
    # states say so too); a future post is scheduled only with future: false.
    hexo = make(tmp_path / "h", {
        "_config.yml": "title: t\npermalink: :title/\nfuture: false\n",
        "source/_posts/live.md": "---\ntitle: L\ndate: 2024-01-02\n---\n[h](/hidden/) "
                                 "[k](/draft-key/) [f](/later/)\n",
        "source/_posts/hidden.md": "---\ntitle: H\ndate: 2024-01-01\npublished: false\n---\nh\n",
        "source/_posts/draft-key.md": "---\ntitle: K\ndate: 2024-01-01\ndraft: true\n---\nk\n",
        "source/_posts/later.md": "---\ntitle: F\ndate: 2099-01-01\n---\nf\n",
    })
    assert [(f.severity, f.target) for f in check_site(find_site(site_dir=hexo)).findings
            if f.rule == "link-unpublished"] == [("error", "/hidden/"), ("warning", "/later/")]
