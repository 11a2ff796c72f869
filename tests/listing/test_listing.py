"""blog list, show, index and stats on real Hugo, Jekyll, Hexo, Zola and plain sites."""

from __future__ import annotations

import json
import os
from datetime import UTC, datetime
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from blogcli.cli import app
from blogcli.listing.records import EXPIRY_KEYS, PUBLISH_KEYS, _first, collect
from blogcli.site import open_site
from tests.conftest import run_blog

LONG = ("I used to be very up to date on self-supervised learning, but I'm not anymore. "
        "Joint-embedding predictive architectures are the return of SSL, as some call it, and "
        "they predict representations rather than pixels, at the slight cost of having to model "
        "high-frequency pixel details. That is the gist of it, and the rest of this post is "
        "the detail. Here it comes, in a few more words than the summary can hold, which is "
        "the point of this sentence. The end.\n\nA second paragraph with more words in it.\n")


def write(root: Path, files: dict[str, str]) -> Path:
    for rel, text in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(text.encode("utf-8"))
    return root


def invoke(root: Path, *args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(app, ["--site", str(root), *args], env={"COLUMNS": "100"})
    return result.exit_code, result.stdout, result.stderr


@pytest.fixture
def plain(tmp_path: Path) -> Path:
    return write(tmp_path / "plain", {
        "blog.toml": '[site]\ntitle = "Lab Notes"\nauthor = "Tyler Zhu"\n',
        "posts/jepa.md": "---\ntitle: Thoughts on JEPA\ndate: 2026-04-09T10:00:00-07:00\n"
                         "tags: [ml, ssl]\n---\n" + LONG,
        "posts/old.md": "---\ntitle: An old note\ndate: 2020-01-05\ntags: ml\n---\n"
                        "Short and *sweet*.\n",
        "posts/wip.md": "---\ntitle: Work in progress\ndraft: true\n---\nNot yet.\n",
        "posts/later.md": "---\ntitle: From the future\ndate: 2999-01-01\n---\nSoon.\n",
        "posts/gone.md": "---\ntitle: Expired\ndate: 2019-05-01\nexpiryDate: 2020-01-01\n---\n"
                         "Old news.\n",
    })


def test_list_table_is_newest_first_with_status(plain: Path) -> None:
    code, out, err = invoke(plain, "list")
    assert (code, err) == (0, "")
    assert out == (
        "date        status     title             words  min  tags\n"
        "2999-01-01  scheduled  From the future       1    1\n"
        "2026-04-09  published  Thoughts on JEPA     90    1  ml, ssl\n"
        "2020-01-05  published  An old note           3    1  ml\n"
        "2019-05-01  expired    Expired               2    1\n"
        "            draft      Work in progress      2    1\n"
    )


def test_list_json_has_exactly_the_design_fields(plain: Path) -> None:
    code, out, _ = invoke(plain, "list", "--no-drafts", "--format", "json")
    records = json.loads(out)
    assert code == 0
    assert [r["path"] for r in records] == ["posts/later.md", "posts/jepa.md", "posts/old.md",
                                            "posts/gone.md"]
    assert set(records[1]) == {"path", "slug", "title", "date", "draft", "status", "words",
                               "reading_time", "summary", "truncated", "tags", "author", "url",
                               "lang"}
    jepa = records[1]
    # Where GitHub Pages publishes a plain blog's post; a plain site names no language.
    assert (jepa["url"], jepa["lang"]) == ("/posts/jepa.html", "")
    assert jepa["date"] == "2026-04-09T10:00:00-07:00"
    assert records[2]["date"] == "2020-01-05"
    assert jepa["summary"].startswith("I used to be very up to date on self-supervised "
                                      "learning, but I\u2019m not anymore.")
    assert jepa["summary"].endswith("which is the point of this sentence.")
    assert (jepa["truncated"], jepa["author"], jepa["tags"]) == (True, "Tyler Zhu", ["ml", "ssl"])


def test_show_prints_the_front_page_entry(plain: Path) -> None:
    code, out, _ = invoke(plain, "show", "jepa")
    assert code == 0
    assert out == (
        "Thoughts on JEPA\n\n"
        "I used to be very up to date on self-supervised learning, but I\u2019m not anymore. "
        "Joint-embedding\npredictive architectures are the return of SSL, as some call it, and "
        "they predict representations\nrather than pixels, at the slight cost of having to model "
        "high-frequency pixel details. That is the\ngist of it, and the rest of this post is the "
        "detail. Here it comes, in a few more words than the\nsummary can hold, which is the "
        "point of this sentence. ...\n\n"
        "April 9, 2026 · 1 min · Tyler Zhu\n\n"
        "90 words · published · posts/jepa.md\n"
    )


def test_show_by_path_and_json(plain: Path) -> None:
    code, out, _ = invoke(plain, "show", str(plain / "posts" / "old.md"), "--format", "json")
    assert code == 0
    assert json.loads(out)["summary"] == "Short and sweet."


def test_show_unknown_post_is_a_usage_error(plain: Path) -> None:
    code, out, err = invoke(plain, "show", "nope")
    assert (code, out) == (2, "")
    assert err == "Error: no post with path or slug 'nope' (`blog list --drafts` shows them)\n"


def test_index_writes_the_plain_front_page(plain: Path) -> None:
    code, out, _ = invoke(plain, "index")
    assert (code, out) == (0, "index.md\n")
    page = (plain / "index.md").read_text(encoding="utf-8")
    assert page.startswith("# Lab Notes\n\n## [Thoughts on JEPA](posts/jepa.md)\n\nI used to be")
    assert "the point of this sentence. ...\n\nApril 9, 2026 · 1 min · Tyler Zhu\n" in page
    assert page.endswith("## [An old note](posts/old.md)\n\nShort and sweet.\n\n"
                         "January 5, 2020 · 1 min · Tyler Zhu\n")
    assert "Work in progress" not in page and "From the future" not in page


def test_index_uses_the_sites_own_scaffold(plain: Path) -> None:
    write(plain, {"scaffolds/index.md": "{% for p in posts %}- {{ p.title }}\n{% endfor %}"})
    code, out, _ = invoke(plain, "index", "--stdout")
    assert (code, out) == (0, "- Thoughts on JEPA\n- An old note\n")


def test_index_scaffold_with_undefined_variable_names_file_and_line(plain: Path) -> None:
    write(plain, {"scaffolds/index.md": "ok\n{{ nope }}\n"})
    code, _, err = invoke(plain, "index", "--stdout")
    # A broken template is the site's configuration: exit 2, as in `blog new`.
    assert (code, err) == (2, "Error: scaffolds/index.md:2: 'nope' is undefined\n")


def test_stats_shows_months_minutes_tags_and_drafts(plain: Path) -> None:
    code, out, _ = invoke(plain, "stats")
    assert code == 0
    # scheduled (2999) and expired (2019) posts are not what readers see: not counted
    assert out.startswith("2 posts, 93 words\n\nPosting calendar\n")
    assert "\nPosts per month\n  2020-01  " in out
    assert "\nMost used tags\n  ml   ████████████████████████████████████████ 2\n" in out
    assert out.endswith("Drafts waiting: 1\n  posts/wip.md  Work in progress\n\n"
                        "Scheduled: 1\n  2999-01-01  posts/later.md  From the future\n")


def test_hugo_site_counts_cjk_and_reads_summary_length(tmp_path: Path) -> None:
    root = write(tmp_path / "hugo", {
        "hugo.toml": 'title = "H"\nhasCJKLanguage = true\nsummaryLength = 5\n',
        "content/posts/zh.md": "+++\ntitle = \"中文\"\ndate = 2024-01-01\n+++\n"
                               "Hugo静态网站生成器是一个工具。第二句话。\n",
        "content/posts/bundle/index.md": "---\ntitle: Bundle\ndate: 2024-02-01\n---\n"
                                         "One two three four five six. Seven.\n",
        "content/posts/bundle/notes.md": "not a post\n",
    })
    code, out, _ = invoke(root, "list", "--format", "json")
    records = {r["slug"]: r for r in json.loads(out)}
    assert code == 0 and set(records) == {"zh", "bundle"}
    # one token of 22 characters: Hugo counts each, and cuts the summary inside it
    assert (records["zh"]["words"], records["zh"]["summary"]) == (22, "Hugo静")
    assert records["bundle"]["summary"] == "One two three four five six."


def test_jekyll_excerpt_is_the_first_paragraph(tmp_path: Path) -> None:
    root = write(tmp_path / "jekyll", {
        "_config.yml": "title: J\nauthor: Jay\n",
        "_posts/2024-01-02-hello.md": "---\ntitle: Hello\n---\nFirst {% link a.md %} para.\n\n"
                                      "{% highlight ruby %}\nputs 'hi'\n{% endhighlight %}\n",
        "_posts/2024-01-03-sep.md": "---\ntitle: Sep\nexcerpt_separator: <!--cut-->\n---\n"
                                    "One\n\ntwo <!--cut--> three\n",
        "_drafts/wip.md": "---\ntitle: WIP\n---\nDraft text.\n",
    })
    code, out, _ = invoke(root, "list", "--format", "json")
    records = {r["slug"]: r for r in json.loads(out)}
    assert code == 0
    assert (records["hello"]["summary"], records["hello"]["truncated"]) == ("First /a/ para.", True)
    assert records["hello"]["words"] == 5
    assert records["sep"]["summary"] == "One two"
    assert (records["wip"]["status"], records["hello"]["author"]) == ("draft", "Jay")


def test_hexo_and_zola_use_the_more_comment(tmp_path: Path) -> None:
    hexo = write(tmp_path / "hexo", {
        "_config.yml": "title: X\n",
        "source/_posts/a.md": "---\ntitle: A\ndate: 2024-01-02 10:00:00 +0000\ntags:\n---\n"
                              "Before.\n<!-- more -->\nAfter.\n",
    })
    zola = write(tmp_path / "zola", {
        "config.toml": 'base_url = "https://example.com"\ntitle = "Z"\n',
        "content/posts/b.md": "+++\ntitle = \"B\"\ndate = 2024-01-02\n[taxonomies]\n"
                              "tags = [\"z\"]\n+++\nIntro.\n\n<!-- more -->\n\nRest.\n",
    })
    (_, out_h, _), (_, out_z, _) = invoke(hexo, "list", "--format", "json"), \
        invoke(zola, "list", "--format", "json")
    a, b = json.loads(out_h)[0], json.loads(out_z)[0]
    assert (a["summary"], a["truncated"], a["date"], a["words"]) == (
        "Before.", True, "2024-01-02T10:00:00+00:00", 2)
    assert (b["summary"], b["tags"], b["words"]) == ("Intro.", ["z"], 2)


def test_index_refuses_to_write_for_engine_sites(tmp_path: Path) -> None:
    root = write(tmp_path / "hugo", {"hugo.toml": 'title = "H"\n', "content/posts/a.md": "x\n"})
    code, _, err = invoke(root, "index")
    assert code == 2
    assert err == ("Error: a hugo site builds its own front page; use `blog index --stdout` to "
                   "print this one\n")


def test_broken_post_is_a_warning_not_a_traceback(plain: Path) -> None:
    write(plain, {"posts/broken.md": "---\ntitle: [unclosed\n---\nText.\n"})
    code, out, err = invoke(plain, "list", "--format", "json")
    assert code == 0 and len(json.loads(out)) == 5
    assert err.startswith("Warning: posts/broken.md:3: YAML front matter does not parse")


def test_warm_run_uses_the_cache_and_sees_edits(plain: Path) -> None:
    site = open_site(plain)
    now = datetime(2026, 5, 1, tzinfo=UTC)
    first = collect(site, now=now)
    assert list(Path.home().glob(".cache/blog/*/listing.cache"))
    assert collect(site, now=now).records == first.records
    (plain / "posts" / "old.md").write_text("---\ntitle: Edited\ndate: 2020-01-05\n---\nA B C D.\n",
                                            encoding="utf-8")
    edited = next(r for r in collect(site, now=now).records if r.slug == "old")
    assert (edited.title, edited.words) == ("Edited", 4)


def test_table_counts_without_summaries_and_json_still_gets_them(plain: Path) -> None:
    """The table shows no summary, so its cold run only counts; a later JSON run, and `show`,
    read the posts the table left without one and have their summaries all the same."""
    site = open_site(plain)
    now = datetime(2026, 5, 1, tzinfo=UTC)
    table = collect(site, now=now, summaries=False).records
    assert {r.slug: (r.summary, r.url) for r in table}["jepa"] == (None, None)
    full = collect(site, now=now).records  # the same cache: summaries wanted now
    jepa = next(r for r in full if r.slug == "jepa")
    assert jepa.summary is not None and jepa.summary.startswith("I used to be very up to date")
    assert jepa.truncated is True and jepa.url
    assert [(r.slug, r.words, r.reading_time) for r in table] == \
        [(r.slug, r.words, r.reading_time) for r in full]
    # Kept with their summaries: a table run now takes them as they are.
    assert collect(site, now=now, summaries=False).records == full


def test_json_after_the_table_equals_json_alone(plain: Path, tmp_path: Path,
                                                monkeypatch: pytest.MonkeyPatch) -> None:
    code, _, _ = invoke(plain, "list")
    assert code == 0
    _, after_table, _ = invoke(plain, "list", "--format", "json")
    _, shown, _ = invoke(plain, "show", "jepa")
    assert "I used to be very up to date" in shown
    alone = tmp_path / "alone"
    alone.mkdir()
    monkeypatch.setenv("XDG_CACHE_HOME", str(alone))  # a cold cache of its own
    _, json_alone, _ = invoke(plain, "list", "--format", "json")
    assert json.loads(after_table) == json.loads(json_alone)
    assert all(isinstance(item["summary"], str) for item in json.loads(json_alone))


def test_many_posts_are_counted_in_parallel_like_serially(tmp_path: Path) -> None:
    files = {"blog.toml": '[site]\ntitle = "Many"\n'}
    for i in range(220):
        files[f"posts/p{i:03}.md"] = f"---\ntitle: P{i}\ndate: 2024-01-01\n---\n" + "word " * i
    site = open_site(write(tmp_path / "many", files))
    records = collect(site).records
    assert len(records) == 220
    assert {r.slug: r.words for r in records}["p219"] == 219


def _many(root: Path, count: int) -> Path:
    """A plain site of ``count`` posts, every 40th with front matter that does not parse."""
    files = {"blog.toml": '[site]\ntitle = "Many"\n'}
    for i in range(count):
        head = "title: [unclosed" if i % 40 == 7 else f"title: P{i}\ndate: 2024-01-{i % 28 + 1:02}"
        files[f"posts/p{i:03}.md"] = f"---\n{head}\n---\n" + "word " * i + "\n"
    return write(root, files)


def _answers(site_root: Path) -> tuple[list[object], list[str]]:
    listing = collect(open_site(site_root), now=datetime(2026, 5, 1, tzinfo=UTC))
    return [r.to_json() for r in listing.records], listing.problems


def test_many_posts_read_in_the_workers_list_as_each_on_its_own(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Posts no cache knows are read where they are counted (forked workers, in chunks); the
    records, and the problems in order (those that cannot be read first, then those that do
    not parse, each in path order), are those of each post listed alone, in this process."""
    from blogcli.workers import POOL_MIN_FILES

    root = _many(tmp_path / "many", POOL_MIN_FILES + 40)
    for name in ("p150-pipe.md", "p005-pipe.md"):
        os.mkfifo(root / "posts" / name)
    site = open_site(root)
    now = datetime(2026, 5, 1, tzinfo=UTC)
    alone = [collect(site, now=now, only=[root / "posts" / p.name])
             for p in sorted((root / "posts").iterdir())]
    # newest first, then by path (every post here is dated)
    by_path = sorted((r.to_json() for one in alone for r in one.records), key=lambda r: r["path"])
    expected = sorted(by_path, key=lambda r: r["date"], reverse=True)
    problems = [p for one in alone for p in one.problems]
    assert [p for p in problems if "cannot read it" in p] == [
        "posts/p005-pipe.md: cannot read it (not a regular file)",
        "posts/p150-pipe.md: cannot read it (not a regular file)"]
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cold"))
    records, found = _answers(root)
    assert records == expected
    assert found == sorted(problems, key=lambda p: ("cannot read it" not in p, p))


def test_posts_changed_since_cached_are_read_here_and_counted_like_new_ones(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A warm run after most posts were rewritten (the same text for some, new text for
    others): what it reads itself and has the workers count answers as a cold run does."""
    from blogcli.workers import POOL_MIN_FILES

    root = _many(tmp_path / "many", POOL_MIN_FILES + 60)
    _answers(root)
    for i, path in enumerate(sorted((root / "posts").iterdir())):
        text = path.read_text(encoding="utf-8")
        path.write_text(text if i % 5 == 0 else text + "more words here\n", encoding="utf-8")
    warm = _answers(root)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cold"))
    assert warm == _answers(root)
    assert any(r["words"] > 0 for r in warm[0])


def test_list_in_a_subprocess(plain: Path) -> None:
    done = run_blog("list", "--no-drafts", cwd=plain / "posts", env={"COLUMNS": "100"})
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines()[2].split() == ["2026-04-09", "published", "Thoughts", "on",
                                                   "JEPA", "90", "1", "ml,", "ssl"]


def test_bad_reading_setting_is_a_usage_error(plain: Path) -> None:
    write(plain, {"blog.toml": '[site]\ntitle = "x"\n[reading]\nwords_per_minute = "fast"\n'})
    code, out, err = invoke(plain, "list")
    assert (code, out) == (2, "")
    assert err == ("Error: blog.toml: [reading] words_per_minute must be a positive whole "
                   "number, not 'fast'\n")


def test_reading_speed_from_blog_toml_changes_minutes(plain: Path) -> None:
    write(plain, {"blog.toml": '[site]\ntitle = "x"\nauthor = "A"\n[reading]\n'
                               "words_per_minute = 30\n"})
    _, out, _ = invoke(plain, "show", "jepa", "--format", "json")
    assert json.loads(out)["reading_time"] == 3  # 90 words at 30 a minute


def test_show_by_path_reads_only_that_post_and_reports_it_broken(plain: Path) -> None:
    write(plain, {"posts/broken.md": "---\ntitle: [unclosed\n---\nText.\n"})
    code, out, err = invoke(plain, "show", "posts/broken.md")
    assert (code, out) == (1, "")
    assert err.startswith("Error: posts/broken.md:3: YAML front matter does not parse")


def test_show_by_slug_reports_broken_front_matter_like_by_path(plain: Path) -> None:
    write(plain, {"posts/broken.md": "---\ntitle: [unclosed\n---\nText.\n"})
    by_path, by_slug = invoke(plain, "show", "posts/broken.md"), invoke(plain, "show", "broken")
    assert by_slug == by_path
    assert by_slug[0] == 1
    assert by_slug[2].startswith("Error: posts/broken.md:3: YAML front matter does not parse")


def test_fifo_named_md_is_reported_not_waited_on(plain: Path) -> None:
    os.mkfifo(plain / "posts" / "pipe.md")
    listed = run_blog("list", "--format", "json", cwd=plain, timeout=20)
    assert listed.returncode == 0
    assert listed.stderr == "Warning: posts/pipe.md: cannot read it (not a regular file)\n"
    assert len(json.loads(listed.stdout)) == 5
    shown = run_blog("show", "pipe", cwd=plain, timeout=20)
    assert (shown.returncode, shown.stdout) == (1, "")
    assert shown.stderr == "Error: posts/pipe.md: cannot read it (not a regular file)\n"


def test_publish_date_in_the_future_is_scheduled(plain: Path) -> None:
    write(plain, {"posts/pub.md": "---\ntitle: P\ndate: 2020-01-01\npublishDate: 2999-01-01\n---\n"
                                  "x\n"})
    _, out, _ = invoke(plain, "show", "pub", "--format", "json")
    assert json.loads(out)["status"] == "scheduled"


def test_show_wraps_cjk_summaries_by_terminal_columns(tmp_path: Path) -> None:
    root = write(tmp_path / "zh", {
        "blog.toml": '[site]\ntitle = "Z"\n',
        "posts/zh.md": "---\ntitle: 中文\n---\n" + "中文句子。" * 30 + "\n",
    })
    _, out, _ = invoke(root, "show", "zh")
    lines = out.split("\n\n")[1].splitlines()
    assert [len(line) for line in lines] == [50, 24]  # 70 characters cut, then " ..."


def test_stats_json(plain: Path) -> None:
    code, out, _ = invoke(plain, "stats", "--format", "json")
    data = json.loads(out)
    assert code == 0
    assert (data["posts"], data["tags"], data["drafts"]) == (2, {"ml": 2, "ssl": 1},
                                                              ["posts/wip.md"])
    months = data["per_month"]
    # every month from the first post to the last, the empty ones as 0
    assert (list(months)[:3], months["2026-04"], len(months)) == (
        ["2020-01", "2020-02", "2020-03"], 1, 12 * 6 + 4)
    assert sum(months.values()) == 2 and data["per_day"] == {"2020-01-05": 1, "2026-04-09": 1}
    assert (data["reading_time"]["1 min"], data["scheduled"]) == (2, ["posts/later.md"])


def test_jekyll_published_false_is_a_draft_and_no_drafts_hides_it(tmp_path: Path) -> None:
    root = write(tmp_path / "jekyll", {
        "_config.yml": "title: J\n",
        "_posts/2024-01-02-a.md": "---\ntitle: A\npublished: false\n---\nx\n",
        "_posts/2024-01-03-b.md": "---\ntitle: B\n---\ny\n",
    })
    _, out, _ = invoke(root, "list", "--format", "json")
    assert [(r["slug"], r["status"], r["date"]) for r in json.loads(out)] == [
        ("b", "published", "2024-01-03"), ("a", "draft", "2024-01-02")]
    _, out, _ = invoke(root, "list", "--no-drafts", "--format", "json")
    assert [r["slug"] for r in json.loads(out)] == ["b"]


def test_empty_site_lists_nothing(tmp_path: Path) -> None:
    root = write(tmp_path / "empty", {"blog.toml": '[site]\ntitle = "E"\n'})
    assert invoke(root, "list", "--format", "json")[:2] == (0, "[]\n")
    assert invoke(root, "index", "--stdout")[1] == "# E\n\nNo posts yet.\n"


@pytest.mark.parametrize("zone", ["America/New_York", "Asia/Tokyo"])
def test_extreme_dates_never_crash_in_any_time_zone(tmp_path: Path, zone: str) -> None:
    root = write(tmp_path / "edge", {
        "blog.toml": '[site]\ntitle = "E"\n',
        "posts/first.md": "---\ntitle: First\ndate: 0001-01-01\n---\nx\n",
        "posts/last.md": "---\ntitle: Last\ndate: 9999-12-31T23:59:59\n---\ny\n",
        "posts/gone.md": "---\ntitle: Gone\ndate: 0001-01-01T00:00:00\n"
                         "expiryDate: 0001-01-02T00:00:00\n---\nz\n",
    })
    env = {"TZ": zone, "COLUMNS": "100"}
    listed = run_blog("list", "--format", "json", cwd=root, env=env)
    assert listed.returncode == 0, listed.stderr
    assert [(r["slug"], r["status"]) for r in json.loads(listed.stdout)] == [
        ("last", "scheduled"), ("first", "published"), ("gone", "expired")]
    shown = run_blog("show", "first", cwd=root, env=env)
    assert (shown.returncode, shown.stderr) == (0, "")
    assert "January 1, 1 · 1 min" in shown.stdout
    for args in (("show", "last"), ("stats",), ("index", "--stdout")):
        done = run_blog(*args, cwd=root, env=env)
        assert (done.returncode, done.stderr) == (0, ""), args


def test_post_author_is_read_like_the_site_author(plain: Path) -> None:
    write(plain, {"posts/two.md": "---\ntitle: Two\nauthor: [Ann, Bo]\n---\nx\n",
                  "posts/table.md": "---\ntitle: T\nauthors:\n  name: Cy\n---\nx\n",
                  "posts/blank.md": "---\ntitle: B\nauthor: ''\n---\nx\n"})
    _, out, _ = invoke(plain, "list", "--format", "json")
    authors = {r["slug"]: r["author"] for r in json.loads(out)}
    assert (authors["two"], authors["table"], authors["blank"]) == ("Ann, Bo", "Cy", "Tyler Zhu")


def test_index_scaffold_cannot_reach_python_internals(plain: Path) -> None:
    target = plain / "pwned"
    write(plain, {"scaffolds/index.md":
                  f"# {{{{ cycler.__init__.__globals__.os.popen('touch {target}').read() }}}}\n"})
    code, out, err = invoke(plain, "index", "--stdout")
    assert (code, out) == (2, "")
    assert err == ("Error: scaffolds/index.md:1: the template tried something unsafe: access to "
                   "attribute '__init__' of 'type' object is unsafe.\n")
    assert not target.exists()


@pytest.mark.parametrize(("source", "message"), [
    (b"ok\n{{ posts + 1 }}\n",
     '2: the template failed: TypeError: can only concatenate list (not "int") to list'),
    (b"{{ posts | length / 0 }}", "1: the template failed: ZeroDivisionError: division by zero"),
    (b"{{ posts[99].title }}", "1: list object has no element 99"),
    (b"ok\n\xff\n", "2: is not valid UTF-8 (byte 0xff on line 2); save it as UTF-8"),
])
def test_index_template_failures_are_errors_naming_the_file(plain: Path, source: bytes,
                                                            message: str) -> None:
    (plain / "scaffolds").mkdir()
    (plain / "scaffolds" / "index.md").write_bytes(source)
    assert invoke(plain, "index") == (2, "", f"Error: scaffolds/index.md:{message}\n")
    assert not (plain / "index.md").exists()


def test_index_md_that_is_a_folder_is_an_error_not_a_traceback(plain: Path) -> None:
    (plain / "index.md").mkdir()
    assert invoke(plain, "index") == (
        1, "", "Error: cannot write index.md (it is a folder); nothing was changed\n")


def test_index_links_reach_files_with_spaces_and_parentheses(plain: Path) -> None:
    from urllib.parse import unquote

    from markdown_it import MarkdownIt

    write(plain, {"posts/my post (1).md": "---\ntitle: Mine\ndate: 2024-01-01\n---\nx\n"})
    assert invoke(plain, "index")[0] == 0
    tokens = MarkdownIt().parse((plain / "index.md").read_text(encoding="utf-8"))
    hrefs = [child.attrs["href"] for t in tokens for child in t.children or []
             if child.type == "link_open"]
    assert "posts/my%20post%20%281%29.md" in hrefs
    assert all((plain / unquote(str(href))).is_file() for href in hrefs)


def test_a_zoneless_date_is_scheduled_in_the_sites_time_zone(tmp_path: Path) -> None:
    """Hugo reads a date without a zone in its timeZone: 10:00 in Tokyo is 01:00 UTC."""
    site = tmp_path / "site"
    write(site, {"hugo.toml": 'title = "T"\ntimeZone = "Asia/Tokyo"\n',
                 "content/posts/a.md": "---\ntitle: A\ndate: 2026-05-01T10:00:00\n---\n\nText.\n"})
    env = {"BLOG_NOW": "2026-05-01T02:00:00+00:00"}  # 11:00 in Tokyo: the post is out
    done = run_blog("list", "--format", "json", cwd=site, env=env)
    assert json.loads(done.stdout)[0]["status"] == "published", done.stderr
    env = {"BLOG_NOW": "2026-05-01T00:30:00+00:00"}  # 09:30 in Tokyo: not yet
    done = run_blog("list", "--format", "json", cwd=site, env=env)
    assert json.loads(done.stdout)[0]["status"] == "scheduled", done.stderr


_ALIASES = [*EXPIRY_KEYS, *PUBLISH_KEYS, "ExpiryDate", "PUBLISHDATE", "Expires", "title"]


@settings(max_examples=300, deadline=None)
@given(st.dictionaries(st.sampled_from(_ALIASES),
                       st.sampled_from([None, "", 0, False, "2024-01-02", "2025-03-04", 7]),
                       max_size=6),
       st.sampled_from([EXPIRY_KEYS, PUBLISH_KEYS]))
def test_first_of_folded_front_matter_asks_as_folded_get_does(meta: dict[str, object],
                                                               keys: tuple[str, ...]) -> None:
    """A Hugo page's first alias with a value, looked up by the keys as stored: the value that
    asking Folded.get each alias in turn gives (and a plain mapping's own keys as written)."""
    from blogcli.config import folded

    for mapping in (folded(meta), meta):
        expected = next((mapping.get(key) for key in keys if mapping.get(key)), None)
        assert _first(mapping, keys) == expected
