"""`blog publish` on real git: the fault matrix of issue 6, each case asserting the exit code,
the message, the file bytes, the index and both refs."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner, Result

from blogcli.cli import app
from tests.conftest import git, run_blog
from tests.helpers import REPO
from tests.helpers.gitsite import DRAFT, Blog, clone, git_http_server, make_blog
from tests.publish.conftest import POST, PUBLISHED, blog_cli, snapshot


def assert_refused(blog: Blog, result: Result, before: tuple[str, ...], code: int,
                   words: str) -> None:
    assert result.exit_code == code, result.output
    assert words in result.stderr
    assert result.stderr.startswith("Error: ")
    assert (blog.root / POST).read_text(encoding="utf-8") == DRAFT
    assert snapshot(blog) == before


def test_publish_commits_only_the_post_and_pushes(blog: Blog) -> None:
    start = blog.head()
    result = blog_cli(blog, "publish", "hello-world")
    assert result.exit_code == 0, result.output
    assert (blog.root / POST).read_text(encoding="utf-8") == PUBLISHED
    assert blog.head() != start
    assert blog.remote_head() == blog.head()
    assert blog.committed_files() == [f"A\t{POST}"]
    assert git("log", "-1", "--format=%s", cwd=blog.root).strip() == "Publish: Hello World"
    assert blog.status() == "" and blog.staged() == ""
    assert result.stdout == (f"Published {POST} in {blog.head()[:12]} (Publish: Hello World)\n"
                             "Pushed to origin/main\n")


def test_publish_twice_second_run_does_nothing(blog: Blog) -> None:
    assert blog_cli(blog, "publish", POST).exit_code == 0
    before = snapshot(blog)
    again = blog_cli(blog, "publish", POST)
    assert again.exit_code == 0
    assert again.stdout == f"Nothing to do: {POST} already published and pushed\n"
    assert snapshot(blog) == before
    assert (blog.root / POST).read_text(encoding="utf-8") == PUBLISHED


def test_publish_refuses_when_remote_moved_on(blog: Blog, tmp_path: Path) -> None:
    other = clone(blog, tmp_path / "other")
    (other / "note.md").write_text("x\n", encoding="utf-8")
    git("add", "note.md", cwd=other)
    git("commit", "-q", "-m", "someone else", cwd=other)
    git("push", "-q", "origin", "main", cwd=other)
    moved = blog.remote_head()
    before = (blog.head(), blog.status(), blog.staged())
    result = blog_cli(blog, "publish", "hello-world")
    assert result.exit_code == 3
    assert "main is 1 commit behind origin/main" in result.stderr
    assert "git pull --rebase origin main" in result.stderr
    assert (blog.root / POST).read_text(encoding="utf-8") == DRAFT
    assert (blog.head(), blog.status(), blog.staged()) == before
    assert blog.remote_head() == moved


def hook(blog: Blog, name: str, script: str) -> None:
    path = blog.remote / "hooks" / name
    path.write_text("#!/bin/sh\n" + script, encoding="utf-8")
    path.chmod(0o755)


def test_publish_keeps_commit_when_pre_receive_hook_rejects(blog: Blog) -> None:
    hook(blog, "pre-receive", "echo 'main is protected: open a pull request'\nexit 1\n")
    remote_before = blog.remote_head()
    result = blog_cli(blog, "publish", "hello-world")
    assert result.exit_code == 3
    assert "remote: main is protected: open a pull request" in result.stderr
    assert "pre-receive hook declined" in result.stderr
    assert "the remote refused the push" in result.stderr
    assert "Nothing is lost: the commit" in result.stderr
    assert f"run `blog publish {POST}` again" in result.stderr
    assert (blog.root / POST).read_text(encoding="utf-8") == PUBLISHED
    assert blog.committed_files() == [f"A\t{POST}"]
    assert blog.remote_head() == remote_before
    assert blog.status() == ""
    # Fixed on the server: the same command now only pushes the kept commit.
    (blog.remote / "hooks" / "pre-receive").unlink()
    kept = blog.head()
    again = blog_cli(blog, "publish", "hello-world")
    assert again.exit_code == 0, again.output
    assert blog.head() == kept == blog.remote_head()
    assert again.stdout == "Pushed to origin/main\n"


def test_publish_keeps_commit_when_remote_dies_mid_push(blog: Blog) -> None:
    hook(blog, "pre-receive", "kill -9 $PPID\nsleep 5\n")
    remote_before = blog.remote_head()
    result = blog_cli(blog, "publish", "hello-world")
    assert result.exit_code == 3
    assert "could not push to origin" in result.stderr
    assert "fatal: the remote end hung up unexpectedly" in result.stderr
    assert "Nothing is lost" in result.stderr
    assert (blog.root / POST).read_text(encoding="utf-8") == PUBLISHED
    assert blog.committed_files() == [f"A\t{POST}"]
    assert blog.remote_head() == remote_before
    assert blog.status() == ""


def test_publish_refuses_when_remote_path_is_missing(blog: Blog, tmp_path: Path) -> None:
    git("remote", "set-url", "origin", str(tmp_path / "gone.git"), cwd=blog.root)
    before = (blog.head(), blog.remote_head(), blog.status(), blog.staged())
    result = blog_cli(blog, "publish", "hello-world")
    assert result.exit_code == 3
    assert "could not fetch from origin" in result.stderr
    assert "the remote is not reachable" in result.stderr
    assert (blog.root / POST).read_text(encoding="utf-8") == DRAFT
    assert (blog.head(), blog.remote_head(), blog.status(), blog.staged()) == before


def test_check_errors_are_said_before_an_unreachable_remote(blog: Blog, tmp_path: Path) -> None:
    # The fetch runs in a thread while the check runs: its failure still comes second.
    git("remote", "set-url", "origin", str(tmp_path / "gone.git"), cwd=blog.root)
    blog.write(POST, "---\ndraft: true\n---\nNo title\n")
    before = snapshot(blog)
    result = blog_cli(blog, "publish", POST)
    assert result.exit_code == 1, result.output
    assert "the check found errors" in result.stderr and "fetch" not in result.stderr
    assert snapshot(blog) == before


def test_an_unknown_post_is_said_before_an_unreachable_remote(blog: Blog, tmp_path: Path) -> None:
    git("remote", "set-url", "origin", str(tmp_path / "gone.git"), cwd=blog.root)
    result = blog_cli(blog, "publish", "no-such-post")
    assert result.exit_code == 2
    assert "no post with path or slug 'no-such-post'" in result.stderr


def test_local_refusals_are_said_before_an_unreachable_remote(blog: Blog,
                                                              tmp_path: Path) -> None:
    git("remote", "set-url", "origin", str(tmp_path / "gone.git"), cwd=blog.root)
    blog.write(".gitignore", "posts/hello-world.md\n")
    result = blog_cli(blog, "publish", "hello-world")
    assert result.exit_code == 3
    assert "is ignored by git" in result.stderr and "could not fetch" not in result.stderr
    assert (blog.root / POST).read_text(encoding="utf-8") == DRAFT


def test_publish_refuses_detached_head(blog: Blog) -> None:
    git("checkout", "-q", "--detach", cwd=blog.root)
    before = snapshot(blog)
    result = blog_cli(blog, "publish", "hello-world")
    assert_refused(blog, result, before, 3, "HEAD is detached")
    assert "git switch" in result.stderr


def test_publish_refuses_during_merge(blog: Blog) -> None:
    blog.write("a.txt", "base\n")
    blog.commit_all()
    git("switch", "-q", "-c", "side", cwd=blog.root)
    blog.write("a.txt", "side\n")
    blog.commit_all()
    git("switch", "-q", "main", cwd=blog.root)
    blog.write("a.txt", "main\n")
    blog.commit_all()
    blog.push()
    done = subprocess.run(["git", "merge", "side"], cwd=blog.root, capture_output=True,
                          check=False)
    assert done.returncode != 0
    before = snapshot(blog)
    result = blog_cli(blog, "publish", "hello-world")
    assert_refused(blog, result, before, 3, "a merge is in progress")
    assert "git merge --abort" in result.stderr


def test_publish_refuses_while_index_lock_is_held(blog: Blog) -> None:
    lock = blog.root / ".git" / "index.lock"
    lock.write_bytes(b"")
    before = (blog.head(), blog.remote_head())
    result = blog_cli(blog, "publish", "hello-world")
    assert result.exit_code == 3
    assert "index.lock exists: another git process is running" in result.stderr
    assert (blog.root / POST).read_text(encoding="utf-8") == DRAFT
    assert (blog.head(), blog.remote_head()) == before
    lock.unlink()
    assert blog.status() == f"?? {POST}\n"


def test_publish_refuses_without_identity(blog: Blog, monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("GIT_AUTHOR_NAME", "GIT_AUTHOR_EMAIL", "GIT_COMMITTER_NAME",
                 "GIT_COMMITTER_EMAIL", "EMAIL"):
        monkeypatch.delenv(name, raising=False)
    git("config", "--global", "--unset-all", "user.name", cwd=blog.root) \
        if "user.name" in git("config", "--global", "--list", cwd=blog.root) else None
    before = snapshot(blog)
    result = blog_cli(blog, "publish", "hello-world")
    assert_refused(blog, result, before, 3, "git does not know who you are")
    assert "git config --global user.email" in result.stderr


def test_publish_leaves_other_staged_and_unstaged_changes(blog: Blog) -> None:
    blog.write("notes.md", "one\n")
    blog.write("todo.md", "a\n")
    git("add", "notes.md", "todo.md", cwd=blog.root)
    git("commit", "-q", "-m", "notes", cwd=blog.root)
    blog.push()
    blog.write("notes.md", "one\ntwo staged\n")
    git("add", "notes.md", cwd=blog.root)
    blog.write("notes.md", "one\ntwo staged\nthree unstaged\n")
    blog.write("todo.md", "a\nb unstaged\n")
    blog.write("new.md", "staged new file\n")
    git("add", "new.md", cwd=blog.root)
    blog.write("scratch.txt", "untracked\n")
    staged, unstaged = blog.staged(), blog.unstaged()
    result = blog_cli(blog, "publish", "hello-world")
    assert result.exit_code == 0, result.output
    assert blog.committed_files() == [f"A\t{POST}"]
    assert blog.staged() == staged
    assert blog.unstaged() == unstaged
    assert blog.status() == "A  new.md\nMM notes.md\n M todo.md\n?? scratch.txt\n"
    assert blog.remote_head() == blog.head()


def test_publish_keeps_crlf_and_bom(blog: Blog) -> None:
    raw = b"\xef\xbb\xbf---\r\ntitle: Caf\xc3\xa9\r\ndraft: true\r\ndate: 2024-01-01\r\n---\r\n" \
          b"Body\r\nline\r\n"
    blog.write(POST, raw)
    result = blog_cli(blog, "publish", POST)
    assert result.exit_code == 0, result.output
    assert (blog.root / POST).read_bytes() == raw.replace(b"draft: true", b"draft: false")
    assert blog.remote_head() == blog.head()
    committed = subprocess.run(["git", "show", f"HEAD:{POST}"], cwd=blog.root,
                               capture_output=True, check=True).stdout
    assert committed == raw.replace(b"draft: true", b"draft: false")


def test_publish_keeps_yaml_comments_and_quoting(blog: Blog) -> None:
    text = ("---\n# written by hand\ntitle: 'It''s: \"quoted\"'\ntags: [a,  b]   # spaced\n"
            "draft:   yes   # not yet\nextra:\n  draft: true\n---\nBody with draft: true\n")
    blog.write(POST, text)
    result = blog_cli(blog, "publish", POST, "--no-push")
    assert result.exit_code == 0, result.output
    lines = (blog.root / POST).read_text(encoding="utf-8").split("\n")
    assert re.fullmatch(r"date: \d{4}-\d\d-\d\dT\d\d:\d\d:\d\d[+-]\d\d:\d\d", lines[3])
    expected = text.replace("draft:   yes", "draft:   no").split("\n")
    assert lines == [*expected[:3], lines[3], *expected[3:]]
    assert result.stdout.endswith("Not pushed (--no-push); run `git push` when ready\n")
    assert blog.remote_head() != blog.head()


def test_publish_toml_front_matter_in_zola(tmp_path: Path) -> None:
    blog = make_blog(tmp_path, "zola")
    text = ('+++\ntitle = "Zola post" # hi\ndate = 2024-05-01\ndraft = true\n\n'
            '[extra]\ndraft = true\n+++\nBody\n')
    blog.write("content/posts/z.md", text)
    result = blog_cli(blog, "publish", "z")
    assert result.exit_code == 0, result.output
    assert (blog.root / "content/posts/z.md").read_text(encoding="utf-8") == \
        text.replace("draft = true\n\n", "draft = false\n\n")
    assert blog.committed_files() == ["A\tcontent/posts/z.md"]
    assert blog.remote_head() == blog.head()


@pytest.mark.parametrize(("args", "name", "date", "similarity"), [
    # jekyll-compose's `publish`: _drafts/slug.md -> _posts/<publish date>-slug.md, dated then.
    ((), "2026-12-03-my-draft.md", "2026-12-03T18:40:05+00:00", "R050"),
    (("--keep-date",), "2024-02-03-my-draft.md", "2024-02-03 09:00:00 +0000", "R100"),
])
def test_publish_moves_jekyll_draft_into_posts(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                               args: tuple[str, ...], name: str, date: str,
                                               similarity: str) -> None:
    monkeypatch.setenv("BLOG_NOW", "2026-12-03T18:40:05+00:00")
    blog = make_blog(tmp_path, "jekyll")
    text = "---\ntitle: Jekyll Draft\ndate: 2024-02-03 09:00:00 +0000\n---\nBody\n"
    blog.write("_drafts/my-draft.md", text)
    blog.commit_all("draft")
    blog.push()
    result = blog_cli(blog, "publish", "my-draft", *args)
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith(f"Published _posts/{name} in ")
    moved = blog.root / "_posts" / name
    assert moved.read_text(encoding="utf-8") == text.replace("2024-02-03 09:00:00 +0000", date)
    assert not (blog.root / "_drafts" / "my-draft.md").exists()
    assert blog.committed_files() == [f"{similarity}\t_drafts/my-draft.md\t_posts/{name}"]
    assert blog.remote_head() == blog.head() and blog.status() == ""


def test_publish_date_is_the_day_in_the_sites_time_zone(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("BLOG_NOW", "2026-12-03T20:30:00+00:00")  # already the 4th in Tokyo
    blog = make_blog(tmp_path, "jekyll")
    blog.write("_config.yml", "title: T\ntimezone: Asia/Tokyo\n")
    blog.write("_drafts/late.md", "---\ntitle: Late\n---\nBody\n")
    blog.commit_all("draft")
    blog.push()
    result = blog_cli(blog, "publish", "late")
    assert result.exit_code == 0, result.output
    assert (blog.root / "_posts/2026-12-04-late.md").read_text(encoding="utf-8") == \
        "---\ntitle: Late\ndate: 2026-12-04T05:30:00+09:00\n---\nBody\n"


def test_dry_run_names_the_dated_file_the_real_run_writes(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("BLOG_NOW", "2026-12-03T18:40:05+00:00")
    blog = make_blog(tmp_path, "jekyll")
    blog.write("_drafts/plan.md", "---\ntitle: Plan\ndate: 2024-02-03\n---\nBody\n")
    blog.commit_all("draft")
    blog.push()
    dry = json.loads(blog_cli(blog, "publish", "plan", "--dry-run", "--format", "json").stdout)
    assert "write _posts/2026-12-03-plan.md (moved from _drafts/plan.md)" in dry["steps"]
    assert "+date: 2026-12-03T18:40:05+00:00\n" in "".join(dry["diffs"])
    real = json.loads(blog_cli(blog, "publish", "plan", "--format", "json").stdout)
    assert (real["steps"], real["files"], real["posts"]) == \
        (dry["steps"], dry["files"], dry["posts"])
    assert real["files"] == ["_drafts/plan.md", "_posts/2026-12-03-plan.md"]


def test_copy_left_by_an_interrupted_run_is_finished_on_a_later_day(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    blog = make_blog(tmp_path, "jekyll")
    text = "---\ntitle: Half\ndate: 2024-02-03\n---\nBody\n"
    blog.write("_drafts/half.md", text)
    blog.commit_all("draft")
    blog.push()
    # What a run killed between writing the copy and removing the draft leaves (the copy it
    # dated on the 1st), rerun on the 2nd.
    copy = "_posts/2026-12-01-half.md"
    blog.write(copy, text.replace("2024-02-03", "2026-12-01T23:59:59+00:00"))
    monkeypatch.setenv("BLOG_NOW", "2026-12-02T08:00:00+00:00")
    dry = blog_cli(blog, "publish", "_drafts/half.md", "--dry-run")
    assert f"write {copy} (moved from _drafts/half.md)" in dry.stdout
    result = blog_cli(blog, "publish", "_drafts/half.md")
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith(f"Published {copy} in ")
    assert sorted(p.name for p in (blog.root / "_posts").iterdir()) == \
        [".keep", "2026-12-01-half.md"]
    assert not (blog.root / "_drafts/half.md").exists()
    assert blog.status() == "" and blog.remote_head() == blog.head()


def test_at_and_keep_date_together_are_refused(tmp_path: Path) -> None:
    blog = make_blog(tmp_path, "jekyll")
    blog.write("_drafts/d.md", "---\ntitle: D\ndate: 2024-02-03\n---\nBody\n")
    result = blog_cli(blog, "publish", "d", "--at", "tomorrow 09:00", "--keep-date")
    assert result.exit_code == 2
    assert "cannot be used with --keep-date" in result.stderr
    assert (blog.root / "_drafts/d.md").is_file()


def test_publish_hexo_draft_gets_new_post_name_and_date(tmp_path: Path) -> None:
    blog = make_blog(tmp_path, "hexo")
    blog.write("source/_drafts/hexo-post.md", "---\ntitle: Hexo\ntags:\n---\nBody\n")
    result = blog_cli(blog, "publish", "hexo-post")
    assert result.exit_code == 0, result.output
    [moved] = (blog.root / "source/_posts").glob("*-hexo-post.md")
    lines = moved.read_text(encoding="utf-8").split("\n")
    assert lines[:2] == ["---", "title: Hexo"] and lines[2].startswith("date: ")
    assert moved.name == f"{lines[2][6:16]}-hexo-post.md"
    assert blog.committed_files() == [f"A\tsource/_posts/{moved.name}"]


def test_publish_refuses_post_that_fails_check(blog: Blog) -> None:
    blog.write(POST, "---\ndraft: true\n---\nNo title\n")
    before = snapshot(blog)
    result = blog_cli(blog, "publish", POST)
    assert result.exit_code == 1
    assert "the check found errors" in result.stderr
    assert f"{POST}:" in result.stderr and "title" in result.stderr
    assert (blog.root / POST).read_text(encoding="utf-8") == "---\ndraft: true\n---\nNo title\n"
    assert snapshot(blog) == before


def test_atomic_write_failure_leaves_the_original(blog: Blog,
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    git("add", POST, cwd=blog.root)
    git("commit", "-q", "-m", "draft", cwd=blog.root)
    blog.push()
    before = snapshot(blog)

    def broken_rename(src: str, dst: str) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "replace", broken_rename)
    result = blog_cli(blog, "publish", POST)
    assert result.exit_code == 1
    assert "cannot write" in result.stderr and "No space left on device" in result.stderr
    assert (blog.root / POST).read_text(encoding="utf-8") == DRAFT
    assert sorted(p.name for p in (blog.root / "posts").iterdir()) == [".keep", "hello-world.md"]
    assert snapshot(blog) == before


def test_dry_run_shows_diff_and_steps_and_changes_nothing(blog: Blog) -> None:
    before = snapshot(blog)
    result = blog_cli(blog, "publish", "hello-world", "--dry-run")
    assert result.exit_code == 0, result.output
    # The post is new to git: the commit adds it whole (issue 15: the diff is the commit's).
    assert "--- /dev/null\n+++ b/posts/hello-world.md\n" in result.stdout
    assert "+draft: false\n" in result.stdout and "draft: true" not in result.stdout
    assert "git commit --only -m 'Publish: Hello World' -- posts/hello-world.md" in result.stdout
    assert "git push origin main:main" in result.stdout
    assert (blog.root / POST).read_text(encoding="utf-8") == DRAFT
    assert snapshot(blog) == before


def test_json_reports_commit_ref_and_files(blog: Blog) -> None:
    result = blog_cli(blog, "publish", "hello-world", "--format", "json", "-m", "Go: {slug}")
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    assert report["commit"] == blog.head() == blog.remote_head()
    assert report["pushed"] == "origin/main" and report["ref"] == "refs/heads/main"
    assert report["remote"] == str(blog.remote) and report["committed"] is True
    assert report["files"] == [POST]
    assert report["message"] == "Go: hello-world"


def test_unpublish_makes_the_post_a_draft_again(blog: Blog) -> None:
    assert blog_cli(blog, "publish", "hello-world").exit_code == 0
    result = blog_cli(blog, "unpublish", "hello-world")
    assert result.exit_code == 0, result.output
    assert (blog.root / POST).read_text(encoding="utf-8") == DRAFT
    assert git("log", "-1", "--format=%s", cwd=blog.root).strip() == "Unpublish: Hello World"
    assert blog.remote_head() == blog.head()


def test_publish_commits_bundle_and_untracked_linked_image(tmp_path: Path) -> None:
    blog = make_blog(tmp_path, "hugo")
    blog.write("content/posts/trip/index.md",
               "---\ntitle: Trip\ndraft: true\ndate: 2024-01-01\n---\n![a](map.png)\n"
               "![b](/img/logo.png)\n")
    blog.write("content/posts/trip/map.png", b"\x89PNG")
    blog.write("static/img/logo.png", b"\x89PNG2")
    blog.write("static/img/unrelated.png", b"\x89PNG3")
    result = blog_cli(blog, "publish", "trip")
    assert result.exit_code == 0, result.output
    assert blog.committed_files() == ["A\tcontent/posts/trip/index.md",
                                      "A\tcontent/posts/trip/map.png", "A\tstatic/img/logo.png"]
    assert blog.status() == "?? static/img/unrelated.png\n"


def test_publish_without_names_off_terminal_is_usage_error(blog: Blog) -> None:
    result = blog_cli(blog, "publish")
    assert result.exit_code == 2
    assert "name the posts to publish by path or slug" in result.stderr


def test_unknown_post_is_usage_error(blog: Blog) -> None:
    result = blog_cli(blog, "publish", "nope")
    assert result.exit_code == 2
    assert "no post with path or slug 'nope'" in result.stderr


def test_missing_git_binary_is_a_clear_error(blog: Blog) -> None:
    done = run_blog("publish", "hello-world", cwd=blog.root, env={"PATH": "/nonexistent"})
    assert done.returncode == 3
    assert done.stderr.startswith("Error: git is not installed or not on PATH")
    assert "Traceback" not in done.stderr
    assert (blog.root / POST).read_text(encoding="utf-8") == DRAFT


CANARY = "ghp_CanaryToken1234567890abcdef"


@pytest.mark.parametrize("deny", ["all401", "all403", "push401"])
def test_http_auth_failure_is_fast_and_never_leaks_the_token(tmp_path: Path, deny: str) -> None:
    blog = make_blog(tmp_path)
    blog.write(POST, DRAFT)
    with git_http_server(tmp_path, deny, "blog:right-password") as host:
        url = f"http://blog:{CANARY}@{host}/remote.git"
        git("remote", "set-url", "origin", url, cwd=blog.root)
        before = (blog.head(), blog.remote_head())
        done = run_blog("publish", "hello-world", cwd=blog.root, timeout=30)
    assert done.returncode == 3, done.stdout + done.stderr
    assert "authentication failed (blog never asks for a password)" in done.stderr
    assert CANARY not in done.stdout + done.stderr
    assert "http://***@127.0.0.1" in done.stderr
    assert blog.remote_head() == before[1]
    if deny == "push401":  # fetch was allowed: the commit is made and kept
        assert "Nothing is lost" in done.stderr
        assert blog.committed_files() == [f"A\t{POST}"]
    else:
        assert (blog.head(), (blog.root / POST).read_text(encoding="utf-8")) == (before[0], DRAFT)


def test_http_publish_with_token_in_url_succeeds_without_echoing_it(tmp_path: Path) -> None:
    blog = make_blog(tmp_path)
    blog.write(POST, DRAFT)
    with git_http_server(tmp_path, "all401", f"blog:{CANARY}") as host:
        git("remote", "set-url", "origin", f"http://blog:{CANARY}@{host}/remote.git",
            cwd=blog.root)
        done = run_blog("publish", "hello-world", "--format", "json", cwd=blog.root, timeout=30)
    assert done.returncode == 0, done.stderr
    assert CANARY not in done.stdout + done.stderr
    assert json.loads(done.stdout)["commit"] == blog.head() == blog.remote_head()


def test_unpublish_moves_jekyll_post_back_to_drafts_keeping_its_date(tmp_path: Path) -> None:
    blog = make_blog(tmp_path, "jekyll")
    blog.write("_posts/2024-02-03-old.md", "---\ntitle: Old\n---\nBody\n")
    blog.commit_all("post")
    blog.push()
    result = blog_cli(blog, "unpublish", "old")
    assert result.exit_code == 0, result.output
    assert (blog.root / "_drafts/old.md").read_text(encoding="utf-8") == \
        "---\ntitle: Old\ndate: 2024-02-03\n---\nBody\n"
    assert not (blog.root / "_posts/2024-02-03-old.md").exists()
    assert blog.remote_head() == blog.head() and blog.status() == ""
    again = blog_cli(blog, "publish", "old", "--keep-date")
    assert again.exit_code == 0, again.output
    assert (blog.root / "_posts/2024-02-03-old.md").read_text(encoding="utf-8") == \
        "---\ntitle: Old\ndate: 2024-02-03\n---\nBody\n"


def test_no_push_then_publish_pushes_the_local_commit(blog: Blog) -> None:
    assert blog_cli(blog, "publish", "hello-world", "--no-push").exit_code == 0
    local = blog.head()
    assert blog.remote_head() != local
    result = blog_cli(blog, "publish", "hello-world")
    assert result.exit_code == 0, result.output
    assert blog.remote_head() == blog.head() == local
    assert result.stdout == "Pushed to origin/main\n"


def test_first_push_creates_the_remote_branch(tmp_path: Path) -> None:
    blog = make_blog(tmp_path)
    empty = tmp_path / "empty.git"
    git("init", "-q", "--bare", str(empty), cwd=tmp_path)
    git("remote", "set-url", "origin", str(empty), cwd=blog.root)
    git("branch", "-q", "--unset-upstream", cwd=blog.root)
    blog.write(POST, DRAFT)
    result = blog_cli(blog, "publish", "hello-world")
    assert result.exit_code == 0, result.output
    assert git("rev-parse", "main", cwd=empty).strip() == blog.head()


def test_no_remote_says_how_to_add_one(blog: Blog) -> None:
    git("remote", "remove", "origin", cwd=blog.root)
    result = blog_cli(blog, "publish", "hello-world")
    assert result.exit_code == 3
    assert "there is no git remote named 'origin'" in result.stderr
    assert (blog.root / POST).read_text(encoding="utf-8") == DRAFT


def test_token_in_remote_url_is_redacted_from_errors(blog: Blog, tmp_path: Path) -> None:
    git("remote", "set-url", "origin", f"https://x-access-token:{CANARY}@127.0.0.1:9/r.git",
        cwd=blog.root)
    result = blog_cli(blog, "publish", "hello-world")
    assert result.exit_code == 3
    assert CANARY not in result.output
    assert "https://***@127.0.0.1:9/r.git" in result.stderr


def test_terminal_lists_drafts_and_asks(blog: Blog) -> None:
    import pty
    import select

    main_fd, child_fd = pty.openpty()
    env = dict(os.environ, PYTHONPATH=str(REPO))
    env.pop("_TYPER_FORCE_DISABLE_TERMINAL", None)
    proc = subprocess.Popen([sys.executable, "-m", "blogcli", "publish"], cwd=blog.root,
                            stdin=child_fd, stdout=child_fd, stderr=child_fd, env=env)
    os.close(child_fd)
    seen = b""
    answered = False
    while True:
        ready, _, _ = select.select([main_fd], [], [], 30)
        if not ready:
            break
        try:
            chunk = os.read(main_fd, 4096)
        except OSError:
            break
        if not chunk:
            break
        seen += chunk
        if not answered and b"Publish which?" in seen:
            os.write(main_fd, b"1\n")
            answered = True
    assert proc.wait(timeout=30) == 0, seen.decode()
    os.close(main_fd)
    text = seen.decode()
    assert "1. Hello World  (posts/hello-world.md)" in text
    assert "Pushed to origin/main" in text
    assert blog.remote_head() == blog.head()


def test_move_interrupted_before_removing_the_draft_is_finished_by_next_run(
        tmp_path: Path) -> None:
    blog = make_blog(tmp_path, "jekyll")
    text = "---\ntitle: Half\ndate: 2024-02-03\n---\nBody\n"
    blog.write("_drafts/half.md", text)
    blog.write("_posts/2024-02-03-half.md", text)  # the copy an interrupted run had written
    result = blog_cli(blog, "publish", "_drafts/half.md")
    assert result.exit_code == 0, result.output
    assert not (blog.root / "_drafts/half.md").exists()
    assert blog.committed_files() == ["A\t_posts/2024-02-03-half.md"]


def test_move_onto_a_different_existing_post_is_refused(tmp_path: Path) -> None:
    blog = make_blog(tmp_path, "jekyll")
    blog.write("_drafts/same.md", "---\ntitle: Draft\ndate: 2024-02-03\n---\nNew\n")
    blog.write("_posts/2024-02-03-same.md", "---\ntitle: Other\n---\nOld\n")
    blog.commit_all("both")
    blog.push()
    before = snapshot(blog)
    result = blog_cli(blog, "publish", "_drafts/same.md", "--keep-date")
    assert result.exit_code == 1
    assert "which exists; rename one of them" in result.stderr
    assert snapshot(blog) == before


def test_a_file_that_is_not_a_post_is_refused(tmp_path: Path) -> None:
    blog = make_blog(tmp_path, "hugo")
    result = blog_cli(blog, "publish", "hugo.toml")
    assert result.exit_code == 2
    assert "hugo.toml is not a post" in result.stderr


def test_failing_pre_commit_hook_keeps_the_edit_and_says_how_to_retry(blog: Blog) -> None:
    hooks = blog.root / ".git" / "hooks"
    (hooks / "pre-commit").write_text("#!/bin/sh\necho 'lint failed' >&2\nexit 1\n",
                                      encoding="utf-8")
    (hooks / "pre-commit").chmod(0o755)
    before = (blog.head(), blog.remote_head())
    result = blog_cli(blog, "publish", "hello-world")
    assert result.exit_code == 3
    assert "lint failed" in result.stderr
    assert f"run `blog publish {POST}` again" in result.stderr
    assert (blog.root / POST).read_text(encoding="utf-8") == PUBLISHED
    assert (blog.head(), blog.remote_head()) == before
    (hooks / "pre-commit").unlink()
    again = blog_cli(blog, "publish", POST)
    assert again.exit_code == 0, again.output
    assert blog.committed_files() == [f"A\t{POST}"] and blog.remote_head() == blog.head()


def test_push_is_verified_where_it_went_when_pushurl_differs(blog: Blog, tmp_path: Path) -> None:
    mirror = tmp_path / "mirror.git"
    git("clone", "-q", "--bare", str(blog.remote), str(mirror), cwd=tmp_path)
    git("remote", "set-url", "--push", "origin", str(mirror), cwd=blog.root)
    result = blog_cli(blog, "publish", "hello-world")
    assert result.exit_code == 0, result.output
    assert git("rev-parse", "main", cwd=mirror).strip() == blog.head()
    assert blog.remote_head() != blog.head()


def test_git_environment_never_prompts(monkeypatch: pytest.MonkeyPatch) -> None:
    from blogcli.git import no_prompt_env

    monkeypatch.delenv("GIT_SSH_COMMAND", raising=False)
    monkeypatch.delenv("GIT_SSH", raising=False)
    env = no_prompt_env(None)
    assert env["GIT_TERMINAL_PROMPT"] == "0" and env["GCM_INTERACTIVE"] == "never"
    assert env["GIT_ASKPASS"] == "" and env["SSH_ASKPASS"] == ""
    assert env["GIT_LITERAL_PATHSPECS"] == "1"
    assert env["GIT_SSH_COMMAND"] == "ssh -o BatchMode=yes -o ConnectTimeout=20"
    assert no_prompt_env("ssh -i key")["GIT_SSH_COMMAND"].startswith("ssh -i key -o BatchMode")
    monkeypatch.setenv("GIT_SSH", "/usr/local/bin/my-ssh-wrapper")
    assert "GIT_SSH_COMMAND" not in no_prompt_env(None)


def test_the_cli_and_the_publish_module_load_no_git_module() -> None:
    code = ("import sys, blogcli.cli, blogcli.publish.flow; "
            "print(sorted(m for m in ('git', 'gitdb', 'blogcli.git') if m in sys.modules))")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          check=True, env=dict(os.environ, PYTHONPATH=str(
                              REPO)))
    assert done.stdout.strip() == "[]"


def test_push_that_hangs_is_stopped_by_the_timeout(blog: Blog) -> None:
    blog.write("blog.toml", '[site]\ntitle = "T"\nprofile = "plain"\n\n[publish]\ntimeout = 2\n')
    git("commit", "-q", "-am", "timeout", cwd=blog.root)
    blog.push()
    hook(blog, "pre-receive", "sleep 6\n")
    before = blog.remote_head()
    result = blog_cli(blog, "publish", "hello-world")
    assert result.exit_code == 3
    assert "git took too long" in result.stderr and "Nothing is lost" in result.stderr
    assert blog.remote_head() == before
    assert blog.committed_files() == [f"A\t{POST}"]


def test_bad_timeout_setting_is_a_usage_error(blog: Blog) -> None:
    blog.write("blog.toml", '[site]\nprofile = "plain"\n[publish]\ntimeout = "soon"\n')
    result = blog_cli(blog, "publish", "hello-world")
    assert result.exit_code == 2
    assert "[publish] timeout: expected a positive number, got 'soon'" in result.stderr


def test_two_posts_in_one_commit(blog: Blog) -> None:
    blog.write("posts/second.md", DRAFT.replace("Hello World", "Second"))
    result = blog_cli(blog, "publish", "hello-world", "posts/second.md", "-m",
                      "Publish {count}: {title}")
    assert result.exit_code == 0, result.output
    assert blog.committed_files() == [f"A\t{POST}", "A\tposts/second.md"]
    assert git("log", "-1", "--format=%s", cwd=blog.root).strip() == \
        "Publish 2: Hello World, Second"
    assert blog.remote_head() == blog.head()


def test_bad_message_template_is_a_usage_error(blog: Blog) -> None:
    result = blog_cli(blog, "publish", "hello-world", "-m", "Publish {nope}")
    assert result.exit_code == 2
    assert "commit message template 'Publish {nope}' is not valid" in result.stderr
    assert (blog.root / POST).read_text(encoding="utf-8") == DRAFT


def test_broken_internal_link_refuses_with_the_check_rule(blog: Blog) -> None:
    blog.write(POST, DRAFT.replace("Hi.", "See [the other post](missing.md)."))
    before = snapshot(blog)
    result = blog_cli(blog, "publish", "hello-world")
    assert result.exit_code == 1
    assert f"{POST}:7:22: missing.md: no such file beside the post [link-missing]" \
        in result.stderr
    assert snapshot(blog) == before


def test_check_warnings_do_not_refuse(blog: Blog) -> None:
    blog.write(POST, DRAFT.replace("date: 2024-03-01T10:00:00+01:00", "date: 2024-03-01 10:00"))
    result = blog_cli(blog, "publish", "hello-world")
    assert result.exit_code == 0, result.output
    assert blog.remote_head() == blog.head()


def test_hexo_draft_is_named_and_dated_when_published(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("BLOG_NOW", "2026-12-03T18:40:05+00:00")
    blog = make_blog(tmp_path, "hexo")
    blog.write("_config.yml", "title: T\nnew_post_name: ':year/:month/:title.md'\n")
    text = "---\ntitle: Nested\ndate: 2024-05-06 07:08:09\n---\nBody\n"
    blog.write("source/_drafts/nested.md", text)
    blog.commit_all("draft")
    blog.push()
    result = blog_cli(blog, "publish", "nested")
    assert result.exit_code == 0, result.output
    assert (blog.root / "source/_posts/2026/12/nested.md").read_text(encoding="utf-8") == \
        text.replace("2024-05-06 07:08:09", "2026-12-03T18:40:05+00:00")
    assert not (blog.root / "source/_drafts/nested.md").exists()
    assert blog.remote_head() == blog.head() and blog.status() == ""


def test_hexo_round_trip_with_date_folders(tmp_path: Path) -> None:
    blog = make_blog(tmp_path, "hexo")
    config = "title: T\nnew_post_name: ':year/:month/:title.md'\n"
    blog.write("_config.yml", config)
    blog.commit_all("nested names")
    blog.push()
    text = "---\ntitle: Nested\ndate: 2024-05-06 07:08:09\n---\nBody\n"
    blog.write("source/_drafts/nested.md", text)
    assert blog_cli(blog, "publish", "nested", "--keep-date").exit_code == 0
    assert (blog.root / "source/_posts/2024/05/nested.md").read_text(encoding="utf-8") == text
    result = blog_cli(blog, "unpublish", "source/_posts/2024/05/nested.md")
    assert result.exit_code == 0, result.output
    assert (blog.root / "source/_drafts/nested.md").read_text(encoding="utf-8") == text
    assert blog.remote_head() == blog.head() and blog.status() == ""


def test_site_in_a_subfolder_of_the_repository(tmp_path: Path) -> None:
    remote = tmp_path / "remote.git"
    git("init", "-q", "--bare", "-b", "main", str(remote), cwd=tmp_path)
    top = tmp_path / "repo"
    (top / "blog" / "posts").mkdir(parents=True)
    git("init", "-q", "-b", "main", cwd=top)
    git("remote", "add", "origin", str(remote), cwd=top)
    (top / "blog" / "blog.toml").write_text('[site]\nprofile = "plain"\n', encoding="utf-8")
    (top / "code.py").write_text("x = 1\n", encoding="utf-8")
    git("add", "-A", cwd=top)
    git("commit", "-q", "-m", "start", cwd=top)
    git("push", "-q", "-u", "origin", "main", cwd=top)
    (top / "blog" / POST).write_text(DRAFT, encoding="utf-8")
    (top / "code.py").write_text("x = 2\n", encoding="utf-8")
    result = CliRunner().invoke(app, ["--site", str(top / "blog"), "publish", "hello-world"],
                                catch_exceptions=False)
    assert result.exit_code == 0, result.output
    shown = git("show", "--name-status", "--format=", "HEAD", cwd=top).split()
    assert shown == ["A", f"blog/{POST}"]
    assert git("status", "--porcelain", cwd=top) == " M code.py\n"
    assert git("rev-parse", "main", cwd=remote) == git("rev-parse", "HEAD", cwd=top)


def test_plain_index_is_regenerated_and_committed_with_the_post(blog: Blog) -> None:
    pytest.importorskip("blogcli.listing.view")
    blog.write("index.md", "# T\n\nNo posts yet.\n")
    git("add", "index.md", cwd=blog.root)
    git("commit", "-q", "-m", "index", cwd=blog.root)
    blog.push()
    result = blog_cli(blog, "publish", "hello-world")
    assert result.exit_code == 0, result.output
    assert blog.committed_files() == ["M\tindex.md", f"A\t{POST}"]
    assert "Hello World" in (blog.root / "index.md").read_text(encoding="utf-8")
    assert blog.status() == ""


def test_plain_index_with_the_users_edits_is_left_alone(blog: Blog) -> None:
    pytest.importorskip("blogcli.listing.view")
    blog.write("index.md", "# T\n")
    git("add", "index.md", cwd=blog.root)
    git("commit", "-q", "-m", "index", cwd=blog.root)
    blog.push()
    blog.write("index.md", "# T\n\nMy own words.\n")
    result = blog_cli(blog, "publish", "hello-world")
    assert result.exit_code == 0, result.output
    assert blog.committed_files() == [f"A\t{POST}"]
    assert (blog.root / "index.md").read_text(encoding="utf-8") == "# T\n\nMy own words.\n"


def test_publish_never_loads_gitpython(blog: Blog) -> None:
    code = ("import sys; from blogcli.cli import main; sys.argv = ['blog', 'publish', "
            "'hello-world', '--{}']\ntry:\n    main()\nexcept SystemExit:\n    pass\n"
            "print('git' in sys.modules)")
    for flag in ("dry-run", "no-push", "push"):
        done = subprocess.run([sys.executable, "-c", code.format(flag)], cwd=blog.root,
                              capture_output=True, text=True, check=True,
                              env=dict(os.environ, PYTHONPATH=str(
                                  REPO)))
        assert done.stdout.strip().endswith("False"), done.stdout + done.stderr


def test_glob_characters_in_a_post_name_commit_only_that_file(blog: Blog) -> None:
    blog.write("posts/a*.md", DRAFT.replace("Hello World", "Star"))
    blog.write("posts/abc-private.md", "---\ntitle: Private\ndraft: true\n---\nSecret\n")
    result = blog_cli(blog, "publish", "posts/a*.md")
    assert result.exit_code == 0, result.output
    assert blog.committed_files() == ["A\tposts/a*.md"]
    assert blog.remote_head() == blog.head()
    assert "?? posts/abc-private.md\n" in blog.status()


def test_publish_refuses_without_committer_identity(blog: Blog,
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("GIT_COMMITTER_NAME", "GIT_COMMITTER_EMAIL", "EMAIL"):
        monkeypatch.delenv(name, raising=False)
    before = snapshot(blog)
    result = blog_cli(blog, "publish", "hello-world")
    assert_refused(blog, result, before, 3, "git does not know who you are (no committer")
    assert "git config --global user.email" in result.stderr


def settings_refused(blog: Blog, toml: str, args: list[str], words: str) -> None:
    blog.write("blog.toml", f'[site]\ntitle = "T"\nprofile = "plain"\n[publish]\n{toml}\n')
    blog.commit_all("settings")
    blog.write(POST, DRAFT)
    blog.push()
    before = snapshot(blog)
    result = blog_cli(blog, "publish", "hello-world", *args)
    assert_refused(blog, result, before, 2, words)


@pytest.mark.parametrize(("toml", "words"), [
    ("remote = 5", "[publish] remote: expected a string in quotes, got 5"),
    ("remote = '--upload-pack=touch pwned'", "must not start with '-'"),
    ("branch = '-f'", "must not start with '-'"),
])
def test_remote_or_branch_setting_that_git_would_read_as_an_option_is_refused(
        blog: Blog, toml: str, words: str) -> None:
    settings_refused(blog, toml, [], words)
    assert not (blog.root / "pwned").exists()


def test_destination_outside_the_site_is_refused_before_anything_is_touched(
        tmp_path: Path) -> None:
    blog = make_blog(tmp_path, "hexo", {
        "_config.yml": "title: T\nnew_post_name: '../../../escape/:title.md'\n"})
    blog.write("source/_drafts/out.md", "---\ntitle: Out\ndate: 2024-01-01\n---\nBody\n")
    before = snapshot(blog)
    result = blog_cli(blog, "publish", "out")
    assert result.exit_code == 2, result.output
    assert "outside the site" in result.stderr
    assert not (tmp_path / "escape").exists()
    assert (blog.root / "source/_drafts/out.md").is_file()
    assert snapshot(blog) == before


@pytest.mark.parametrize(("setting", "command", "start"), [
    ('posts_dir = "../escape"', "publish", "_drafts/d.md"),
    ('drafts_dir = "../escape"', "unpublish", "_posts/2024-01-01-d.md")])
def test_blog_toml_folder_outside_the_site_is_never_written(
        tmp_path: Path, setting: str, command: str, start: str) -> None:
    blog = make_blog(tmp_path, "jekyll", {"blog.toml": f"[site]\n{setting}\n"})
    (tmp_path / "escape").mkdir()
    blog.write(start, "---\ntitle: D\ndate: 2024-01-01\n---\nBody\n")
    blog.commit_all("post")
    blog.push()
    before = snapshot(blog)
    result = blog_cli(blog, command, "d")
    assert result.exit_code == 2, result.output
    assert "outside" in result.stderr
    assert list((tmp_path / "escape").iterdir()) == []
    assert (blog.root / start).is_file() and snapshot(blog) == before


@pytest.mark.parametrize("value", ["soon", "12345", "2022-010-10"])
def test_junk_date_is_the_checks_finding_not_a_crash(blog: Blog, value: str) -> None:
    blog.write(POST, DRAFT.replace("2024-03-01T10:00:00+01:00", value))
    before = snapshot(blog)
    result = blog_cli(blog, "publish", "hello-world")
    assert result.exit_code == 1, result.output
    assert "[date-invalid]" in result.stderr and f"{POST}:3:" in result.stderr
    assert snapshot(blog) == before


def test_junk_date_on_a_jekyll_draft_is_the_checks_finding(tmp_path: Path) -> None:
    blog = make_blog(tmp_path, "jekyll")
    blog.write("_drafts/d.md", "---\ntitle: D\ndate: soon\n---\nBody\n")
    before = snapshot(blog)
    result = blog_cli(blog, "publish", "d")
    assert result.exit_code == 1, result.output
    assert "[date-invalid]" in result.stderr
    assert snapshot(blog) == before


def test_untracked_index_md_of_the_users_is_never_overwritten(blog: Blog) -> None:
    blog.write("index.md", "# My own front page\n")
    result = blog_cli(blog, "publish", "hello-world")
    assert result.exit_code == 0, result.output
    assert blog.committed_files() == [f"A\t{POST}"]
    assert (blog.root / "index.md").read_text(encoding="utf-8") == "# My own front page\n"
    assert blog.status() == "?? index.md\n"


def test_index_left_by_a_failed_commit_is_committed_by_the_next_run(blog: Blog) -> None:
    blog.write("index.md", "# T\n\nNo posts yet.\n")
    blog.commit_all("index")
    blog.write(POST, DRAFT)
    blog.push()
    hooks = blog.root / ".git" / "hooks"
    (hooks / "pre-commit").write_text("#!/bin/sh\nexit 1\n", encoding="utf-8")
    (hooks / "pre-commit").chmod(0o755)
    assert blog_cli(blog, "publish", "hello-world").exit_code == 3
    assert "Hello World" in (blog.root / "index.md").read_text(encoding="utf-8")
    (hooks / "pre-commit").unlink()
    result = blog_cli(blog, "publish", POST)
    assert result.exit_code == 0, result.output
    assert blog.committed_files() == ["M\tindex.md", f"M\t{POST}"]
    assert blog.status() == "" and blog.remote_head() == blog.head()


@pytest.mark.parametrize("template", ["{{ posts + 1 }}\n", "{% if %}\n", b"\xff\xfe{{ x }}\n"])
def test_index_template_failure_leaves_everything_as_it_was(blog: Blog,
                                                            template: str | bytes) -> None:
    blog.write("index.md", "# T\n")
    blog.write("scaffolds/index.md", template)
    blog.commit_all("index")
    blog.write(POST, DRAFT)
    blog.push()
    before = snapshot(blog)
    result = blog_cli(blog, "publish", "hello-world")
    # The index is rendered while planning, before any file is touched: the template is the
    # site's configuration (exit 2, as in `blog index`).
    assert_refused(blog, result, before, 2, "scaffolds/index.md:")
    assert (blog.root / "index.md").read_text(encoding="utf-8") == "# T\n"


def test_index_template_failure_puts_a_moved_draft_back(tmp_path: Path) -> None:
    blog = make_blog(tmp_path, "plain", {
        "blog.toml": '[site]\ntitle = "T"\nprofile = "plain"\ndrafts_dir = "drafts"\n',
        "index.md": "# T\n", "scaffolds/index.md": "{{ posts + 1 }}\n"})
    text = "---\ntitle: Moving\ndate: 2024-02-03\n---\nBody\n"
    blog.write("drafts/moving.md", text)
    result = blog_cli(blog, "publish", "moving")
    assert result.exit_code in (1, 2), result.output
    assert (blog.root / "drafts/moving.md").read_text(encoding="utf-8") == text
    assert [p.name for p in (blog.root / "posts").iterdir()] == [".keep"]
    assert blog.status() == "?? drafts/moving.md\n"


@pytest.mark.parametrize(("args", "toml", "words"), [
    ([], "message = 5", "[publish] message: expected a string in quotes, got 5"),
    ([], "message = 'Go {title.upper}'", "blog.toml [publish] message: commit message template"),
    (["-m", "{title.foo}"], "", "unknown field {title.foo}"),
    (["-m", "{title[0]}"], "", "unknown field {title[0]}"),
    (["-m", "{title:d}"], "", "--message: commit message template '{title:d}' is not valid"),
])
def test_bad_message_template_setting_is_a_usage_error_naming_it(
        blog: Blog, args: list[str], toml: str, words: str) -> None:
    settings_refused(blog, toml, args, words)


def test_nothing_to_do_without_push_does_not_claim_a_push(blog: Blog) -> None:
    assert blog_cli(blog, "publish", "hello-world", "--no-push").exit_code == 0
    git("remote", "remove", "origin", cwd=blog.root)
    again = blog_cli(blog, "publish", "hello-world", "--no-push")
    assert again.exit_code == 0, again.output
    assert again.stdout == (f"Nothing to do: {POST} already published "
                            "(--no-push: the remote was not checked)\n")


def test_interrupted_copy_with_a_third_post_at_its_address_is_still_refused(
        tmp_path: Path) -> None:
    blog = make_blog(tmp_path, "jekyll")
    text = "---\ntitle: Half\ndate: 2024-02-03\n---\nBody\n"
    blog.write("_drafts/half.md", text)
    blog.write("_posts/2024-02-03-half.md", text)
    blog.write("_posts/2024-02-03-half.markdown", "---\ntitle: Other\n---\nOther\n")
    result = blog_cli(blog, "publish", "_drafts/half.md")
    assert result.exit_code == 1, result.output
    assert "[duplicate-slug]" in result.stderr or "[duplicate-output]" in result.stderr
    assert (blog.root / "_drafts/half.md").is_file()


def test_unrelated_local_commits_are_listed_and_refused(blog: Blog) -> None:
    blog.write("notes.md", "private\n")
    git("add", "notes.md", cwd=blog.root)
    git("commit", "-q", "-m", "WIP: private notes, do not push", cwd=blog.root)
    before = snapshot(blog)
    dry = blog_cli(blog, "publish", "hello-world", "--dry-run")
    assert dry.exit_code == 0, dry.output
    assert "refused without --include-unpushed" in dry.stdout
    assert "WIP: private notes, do not push" in dry.stdout
    result = blog_cli(blog, "publish", "hello-world")
    assert_refused(blog, result, before, 3, "main has 1 commit not on origin/main")
    assert "WIP: private notes, do not push" in result.stderr
    assert "git push origin main:main" in result.stderr
    assert "blog publish posts/hello-world.md --include-unpushed" in result.stderr
    forced = blog_cli(blog, "publish", "hello-world", "--include-unpushed", "--format", "json")
    assert forced.exit_code == 0, forced.output
    assert json.loads(forced.stdout)["unpushed"][0].endswith("WIP: private notes, do not push")
    assert blog.remote_head() == blog.head()


def test_publish_refuses_while_the_engines_config_is_not_committed(tmp_path: Path) -> None:
    draft = "---\ntitle: Hello\ndate: 2024-01-02T10:00:00Z\ndraft: true\n---\n\nHi.\n"
    blog = make_blog(tmp_path, "hugo", {"content/posts/hello.md": draft})
    git("rm", "-q", "--cached", "--", "hugo.toml", cwd=blog.root)
    git("commit", "-q", "-m", "untrack the config", cwd=blog.root)
    before = (blog.head(), blog.remote_head())
    result = blog_cli(blog, "publish", "hello")
    assert result.exit_code == 3
    assert "the site's own configuration is not committed (hugo.toml)" in result.stderr
    assert "add -- hugo.toml" in result.stderr
    assert (blog.root / "content/posts/hello.md").read_text(encoding="utf-8") == draft
    assert (blog.head(), blog.remote_head()) == before


@pytest.mark.parametrize("draft", [
    # A key given twice, on a site that pins no Hugo (one before 0.152 keeps the last value)
    "---\ntitle: Hello\nhide: false\ndate: 2024-01-02T10:00:00Z\ndraft: true\nhide: true\n---\n"
    "\nHi.\n",
    # Text after the closing delimiter, which Hugo's lexer reads as the body's start
    "---\ntitle: Hello\ndate: 2024-01-02T10:00:00Z\ndraft: true\n---pasted text\n\nHi.\n\n---\n"
    "\nmore: text\n",
])
def test_publish_edits_front_matter_as_the_site_reads_it(tmp_path: Path, draft: str) -> None:
    """What list and check read (Site.keeps_last_key, Hugo's closing line), publish edits:
    before, such a post was listed but publish said its front matter did not parse."""
    blog = make_blog(tmp_path, "hugo", {"content/posts/hello.md": draft})
    result = blog_cli(blog, "publish", "hello")
    assert result.exit_code == 0, result.output
    text = (blog.root / "content/posts/hello.md").read_text(encoding="utf-8")
    assert text == draft.replace("draft: true", "draft: false")
    assert blog.remote_head() == blog.head()
