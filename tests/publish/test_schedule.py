"""Scheduled publishing on real git repositories with a bare remote, with the clock injected
through BLOG_NOW: a post scheduled for tomorrow is `scheduled` today and due tomorrow."""

from __future__ import annotations

import json
import re
import shlex
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
import yaml
from typer.testing import CliRunner, Result

from blogcli.cli import app
from blogcli.errors import UsageError
from blogcli.publish.schedule import parse_since, parse_when
from tests.conftest import git, run_blog
from tests.helpers import REPO
from tests.helpers.gitsite import Blog, make_blog

TODAY = "2026-05-01T12:00:00+00:00"  # a Friday
TOMORROW = "2026-05-02T10:00:00+00:00"
NOW = datetime.fromisoformat(TODAY)
HUGO_DRAFT = "---\ntitle: Hello\ndate: 2026-04-01T10:00:00Z\ndraft: true\n---\n\nHi.\n"


def cli(blog: Blog, now: str, *args: str) -> Result:
    return CliRunner(env={"BLOG_NOW": now}).invoke(app, ["--site", str(blog.root), *args],
                                                   catch_exceptions=False)


def status_of(blog: Blog, now: str, post: str) -> str:
    result = cli(blog, now, "show", post, "--format", "json")
    assert result.exit_code == 0, result.output
    return str(json.loads(result.stdout)["status"])


@pytest.mark.parametrize(("text", "expected"), [
    ("2026-05-03T08:30", "2026-05-03T08:30:00+00:00"),
    ("2026-05-03 08:30:00 +0200", "2026-05-03T08:30:00+02:00"),
    ("2026-05-03", "2026-05-03T00:00:00+00:00"),
    ("tomorrow 09:00", "2026-05-02T09:00:00+00:00"),
    ("tomorrow", "2026-05-02T00:00:00+00:00"),
    ("today 5pm", "2026-05-01T17:00:00+00:00"),
    ("next monday 8am", "2026-05-04T08:00:00+00:00"),
    ("Friday noon", "2026-05-08T12:00:00+00:00"),  # a weekday is always a later day
    ("monday at 12:30am", "2026-05-04T00:30:00+00:00"),
    ("in 3 hours", "2026-05-01T15:00:00+00:00"),
    ("in 2 days", "2026-05-03T12:00:00+00:00"),
])
def test_when_is_read_in_the_site_zone(text: str, expected: str) -> None:
    assert parse_when(text, NOW, UTC).isoformat() == expected


def test_when_uses_the_zone_given() -> None:
    oslo = ZoneInfo("Europe/Oslo")
    assert parse_when("tomorrow 09:00", NOW, oslo).isoformat() == "2026-05-02T09:00:00+02:00"
    # Late in the evening UTC it is already the next day in Tokyo: "tomorrow" is Tokyo's.
    late = datetime(2026, 5, 1, 20, tzinfo=UTC)
    tokyo = timezone(timedelta(hours=9))
    assert parse_when("tomorrow 09:00", late, tokyo).isoformat() == "2026-05-03T09:00:00+09:00"


@pytest.mark.parametrize("text", ["someday", "tomorrow 25:00", "13pm", "next year", ""])
def test_bad_when_is_a_usage_error(text: str) -> None:
    with pytest.raises(UsageError, match="not a time blog understands"):
        parse_when(text, NOW, UTC)


def test_since_takes_spans_and_moments() -> None:
    assert parse_since("2h", NOW, UTC) == NOW - timedelta(hours=2)
    assert parse_since("90 minutes ago", NOW, UTC) == NOW - timedelta(minutes=90)
    assert parse_since("2026-04-30", NOW, UTC).isoformat() == "2026-04-30T00:00:00+00:00"


@pytest.fixture
def hugo(tmp_path: Path) -> Blog:
    blog = make_blog(tmp_path, "hugo", {"content/posts/hello.md": HUGO_DRAFT})
    return blog


def test_scheduled_tomorrow_is_scheduled_today_and_due_tomorrow(hugo: Blog) -> None:
    result = cli(hugo, TODAY, "publish", "hello", "--at", "tomorrow 09:00")
    assert result.exit_code == 0, result.output
    text = (hugo.root / "content/posts/hello.md").read_text(encoding="utf-8")
    assert text == HUGO_DRAFT.replace("2026-04-01T10:00:00Z", "2026-05-02T09:00:00+00:00") \
        .replace("draft: true", "draft: false")
    assert hugo.remote_head() == hugo.head() and hugo.status() == ""
    assert git("log", "-1", "--format=%s", cwd=hugo.root).strip() == \
        "Schedule: Hello for 2026-05-02T09:00:00+00:00"
    assert "Scheduled for 2026-05-02T09:00:00+00:00" in result.stderr

    assert status_of(hugo, TODAY, "hello") == "scheduled"
    listed = cli(hugo, TODAY, "list")
    assert "scheduled  Hello" in listed.stdout
    stats = cli(hugo, TODAY, "stats", "--format", "json")
    assert json.loads(stats.stdout)["scheduled"] == ["content/posts/hello.md"]
    checked = cli(hugo, TODAY, "check", "--format", "json")
    assert checked.exit_code == 0 and json.loads(checked.stdout)["findings"] == []

    today = cli(hugo, TODAY, "due", "--since", "1d")
    assert today.exit_code == 1
    assert today.stdout == ("Since 2026-04-30T12:00:00+00:00: nothing came due\n"
                            "Next: 2026-05-02T09:00:00+00:00  publish  content/posts/hello.md\n")
    tomorrow = cli(hugo, TOMORROW, "due", "--since", "2h")
    assert tomorrow.exit_code == 0
    assert tomorrow.stdout == ("Since 2026-05-02T08:00:00+00:00: 1 change came due\n"
                               "  2026-05-02T09:00:00+00:00  publish  content/posts/hello.md\n"
                               "Next: no scheduled change\n")
    # An hour later with a one-hour window: it came due before that window.
    assert cli(hugo, "2026-05-02T11:00:00+00:00", "due", "--since", "1h").exit_code == 1
    assert status_of(hugo, TOMORROW, "hello") == "published"


def test_publish_date_is_set_when_the_post_has_one(tmp_path: Path) -> None:
    post = ("+++\ntitle = \"Hello\"\ndate = 2026-04-01T10:00:00Z\n"
            "publishDate = 2026-04-01T10:00:00Z\ndraft = true\n+++\nHi.\n")
    blog = make_blog(tmp_path, "hugo", {"content/posts/hello.md": post})
    assert cli(blog, TODAY, "publish", "hello", "--at", "2026-06-01T08:00").exit_code == 0
    assert (blog.root / "content/posts/hello.md").read_text(encoding="utf-8") == post.replace(
        "publishDate = 2026-04-01T10:00:00Z", "publishDate = 2026-06-01T08:00:00+00:00") \
        .replace("draft = true", "draft = false")
    due = cli(blog, "2026-06-01T08:00:00+00:00", "due", "--format", "json")
    assert due.exit_code == 0
    assert json.loads(due.stdout)["due"] == [{"at": "2026-06-01T08:00:00+00:00", "change":
                                             "publish", "path": "content/posts/hello.md",
                                             "title": "Hello"}]


def test_the_hugo_time_zone_is_the_site_zone(tmp_path: Path) -> None:
    blog = make_blog(tmp_path, "hugo", {"hugo.toml": 'title = "T"\ntimeZone = "Europe/Oslo"\n',
                                        "content/posts/hello.md": HUGO_DRAFT})
    assert cli(blog, TODAY, "publish", "hello", "--at", "tomorrow 09:00").exit_code == 0
    assert "date: 2026-05-02T09:00:00+02:00\n" in \
        (blog.root / "content/posts/hello.md").read_text(encoding="utf-8")


def test_expiry_is_a_scheduled_change_too(tmp_path: Path) -> None:
    post = ("---\ntitle: Sale\ndate: 2026-01-01T00:00:00Z\nexpiryDate: 2026-05-03T00:00:00Z\n"
            "---\nx\n")
    blog = make_blog(tmp_path, "hugo", {"content/posts/sale.md": post})
    result = cli(blog, TODAY, "due")
    assert result.exit_code == 1
    assert result.stdout.endswith("Next: 2026-05-03T00:00:00+00:00  expire  "
                                  "content/posts/sale.md\n")
    assert cli(blog, "2026-05-03T00:30:00+00:00", "due", "--since", "1h").exit_code == 0


def test_jekyll_draft_moves_with_the_date_in_its_name(tmp_path: Path) -> None:
    draft = "---\ntitle: Hello\n---\nHi.\n"
    blog = make_blog(tmp_path, "jekyll", {"_drafts/hello.md": draft})
    result = cli(blog, TODAY, "publish", "hello", "--at", "2026-05-02 09:00")
    assert result.exit_code == 0, result.output
    moved = blog.root / "_posts/2026-05-02-hello.md"
    assert not (blog.root / "_drafts/hello.md").exists()
    assert moved.read_text(encoding="utf-8").startswith("---\ntitle: Hello\ndate: 2026-05-02T09")
    assert blog.committed_files() == ["D\t_drafts/hello.md", "A\t_posts/2026-05-02-hello.md"]
    assert blog.remote_head() == blog.head()
    assert status_of(blog, TODAY, "hello") == "scheduled"
    assert cli(blog, "2026-05-02T09:00:00", "due", "--since", "1h").exit_code == 0


def test_a_rescheduled_jekyll_post_is_renamed_to_its_new_date(tmp_path: Path) -> None:
    post = "---\ntitle: Hello\ndate: 2026-05-02 09:00:00 +0000\n---\nHi.\n"
    blog = make_blog(tmp_path, "jekyll", {"_posts/2026-05-02-hello.md": post})
    assert cli(blog, TODAY, "publish", "hello", "--at", "2026-05-09T09:00:00Z").exit_code == 0
    assert (blog.root / "_posts/2026-05-09-hello.md").read_text(encoding="utf-8") == \
        post.replace("2026-05-02 09:00:00 +0000", "2026-05-09T09:00:00+00:00")
    assert not (blog.root / "_posts/2026-05-02-hello.md").exists()


@pytest.mark.parametrize(("profile", "config", "files", "words"), [
    ("jekyll", {"_config.yml": "title: T\nfuture: true\n"},
     {"_drafts/hello.md": "---\ntitle: H\n---\nx\n"}, "future: true"),
    ("hexo", {}, {"source/_drafts/hello.md": "---\ntitle: H\n---\nx\n"}, "future: false"),
    ("hugo", {"hugo.toml": 'title = "T"\nbuildFuture = true\n'},
     {"content/posts/hello.md": HUGO_DRAFT}, "buildFuture"),
    ("zola", {}, {"content/posts/hello.md": "+++\ntitle = \"H\"\ndraft = true\n+++\nx\n"},
     "Zola builds every page"),
])
def test_a_site_that_would_show_it_early_is_refused(tmp_path: Path, profile: str,
                                                    config: dict[str, str],
                                                    files: dict[str, str], words: str) -> None:
    blog = make_blog(tmp_path, profile, {**config, **files})
    before = blog.head(), blog.status()
    result = cli(blog, TODAY, "publish", "hello", "--at", "tomorrow 09:00")
    assert result.exit_code == 2
    assert result.stderr.startswith("Error: cannot schedule on this site") and words in \
        result.stderr
    assert (blog.head(), blog.status()) == before
    for rel, text in files.items():
        assert (blog.root / rel).read_text(encoding="utf-8") == text


def test_hexo_with_future_false_schedules_under_new_post_name(tmp_path: Path) -> None:
    config = "title: T\nnew_post_name: ':year-:month-:day-:title.md'\nfuture: false\n"
    blog = make_blog(tmp_path, "hexo", {"_config.yml": config,
                                        "source/_drafts/hello.md": "---\ntitle: H\n---\nx\n"})
    result = cli(blog, TODAY, "publish", "hello", "--at", "tomorrow 9am")
    assert result.exit_code == 0, result.output
    assert (blog.root / "source/_posts/2026-05-02-hello.md").is_file()
    assert blog.remote_head() == blog.head()


def test_past_when_is_refused_and_nothing_changes(hugo: Blog) -> None:
    before = hugo.head(), hugo.status()
    result = cli(hugo, TODAY, "publish", "hello", "--at", "today 09:00")
    assert result.exit_code == 2 and "not after now" in result.stderr
    assert (hugo.head(), hugo.status()) == before


def test_dry_run_shows_the_diff_and_changes_nothing(hugo: Blog) -> None:
    before = hugo.head(), hugo.status()
    result = cli(hugo, TODAY, "publish", "hello", "--at", "tomorrow 09:00", "--dry-run")
    assert result.exit_code == 0
    assert "\n-date: 2026-04-01T10:00:00Z\n-draft: true\n+date: 2026-05-02T09:00:00+00:00\n" \
        "+draft: false\n" in result.stdout
    assert (hugo.head(), hugo.status()) == before


def test_plain_schedules_with_a_warning(tmp_path: Path) -> None:
    blog = make_blog(tmp_path, "plain", {"posts/hello.md": HUGO_DRAFT})
    result = cli(blog, TODAY, "publish", "hello", "--at", "tomorrow 09:00", "--no-push")
    assert result.exit_code == 0, result.output
    assert "post pages are served as soon as they are pushed" in result.stderr


def test_bad_blog_now_is_a_usage_error(hugo: Blog) -> None:
    result = cli(hugo, "next tuesday", "due")
    assert result.exit_code == 2 and "BLOG_NOW='next tuesday'" in result.stderr


def test_due_as_a_real_process(hugo: Blog) -> None:
    assert cli(hugo, TODAY, "publish", "hello", "--at", "tomorrow 09:00").exit_code == 0
    before = run_blog("due", "--since", "1d", cwd=hugo.root, env={"BLOG_NOW": TODAY})
    after = run_blog("due", "--since", "1d", cwd=hugo.root, env={"BLOG_NOW": TOMORROW})
    assert (before.returncode, after.returncode) == (1, 0)
    assert "content/posts/hello.md" in after.stdout and after.stderr == ""


def workflow() -> dict[str, object]:
    text = (REPO / "docs/scheduling.md").read_text(encoding="utf-8")
    block = re.search(r"```yaml\n(.*?)```", text, re.DOTALL)
    assert block is not None
    loaded = yaml.safe_load(block[1])
    assert isinstance(loaded, dict)
    return loaded


def test_the_documented_workflow_parses_and_its_due_step_runs(hugo: Blog) -> None:
    flow = workflow()
    assert flow[True]["schedule"][0]["cron"]  # type: ignore[index]  # YAML 1.1 reads `on` as True
    steps = flow["jobs"]["due"]["steps"]  # type: ignore[index]
    step = next(s for s in steps if "blog due" in s.get("run", ""))
    line = next(x for x in step["run"].splitlines() if x.strip().startswith("blog due"))
    words = shlex.split(line)
    args = words[1:words.index("||")] if "||" in words else words[1:]
    assert args[0] == "due"
    assert cli(hugo, TODAY, "publish", "hello", "--at", "tomorrow 09:00").exit_code == 0
    assert run_blog(*args, cwd=hugo.root, env={"BLOG_NOW": TODAY}).returncode == 1
    assert run_blog(*args, cwd=hugo.root,
                    env={"BLOG_NOW": "2026-05-02T09:20:00+00:00"}).returncode == 0
