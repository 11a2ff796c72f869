"""Issue 15: publish verifies what it committed and never does more than asked. Each test is
a case an adversarial pass broke, on real git, real bare remotes, hooks, submodules and links."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from tests.conftest import REPO, git, run_blog
from tests.helpers.gitfault import held_env
from tests.helpers.gitsite import DRAFT, Blog, make_blog
from tests.publish.conftest import POST, PUBLISHED, blog_cli, snapshot


def start_blog(*args: str, cwd: Path,
               env: dict[str, str] | None = None) -> subprocess.Popen[str]:
    env = dict(os.environ, PYTHONPATH=str(REPO), **(env or {}))
    return subprocess.Popen([sys.executable, "-m", "blogcli", *args], cwd=cwd, env=env,
                            text=True, stdout=subprocess.PIPE, stderr=subprocess.PIPE)


def wait_for(path: Path, seconds: float = 20) -> None:
    deadline = time.monotonic() + seconds
    while not path.exists():
        assert time.monotonic() < deadline, f"{path} never appeared"
        time.sleep(0.02)


@contextmanager
def held_fetch(blog: Blog, flags: Path) -> Iterator[Path]:
    """Make the remote's upload-pack wait until ``flags/go`` exists (a slow fetch)."""
    flags.mkdir()
    script = flags / "upload-pack"
    script.write_text(f"#!/bin/sh\ntouch {flags}/started.$$\n"
                      f"while [ ! -e {flags}/go ]; do sleep 0.02; done\n"
                      'exec git upload-pack "$@"\n', encoding="utf-8")
    script.chmod(0o755)
    git("config", "remote.origin.uploadpack", str(script), cwd=blog.root)
    try:
        yield flags
    finally:
        (flags / "go").touch()


def started(flags: Path) -> int:
    return len(list(flags.glob("started.*")))


def local_hook(blog: Blog, name: str, script: str) -> None:
    path = blog.root / ".git" / "hooks" / name
    path.write_text("#!/bin/sh\n" + script, encoding="utf-8")
    path.chmod(0o755)


# --- lost work and races ----------------------------------------------------------------------

def test_edit_saved_while_publish_waits_on_git_is_kept(blog: Blog, tmp_path: Path) -> None:
    # A slow git step after blog has read the post and planned its edit (the fetch runs
    # while blog reads, so a held fetch no longer proves the post was read).
    flags = tmp_path / "flags"
    flags.mkdir()
    proc = start_blog("publish", "hello-world", cwd=blog.root,
                      env=held_env(flags, "status"))
    try:
        wait_for(flags / "started")
        mine = DRAFT.replace("Hi.", "Hi, with the sentence I just saved.")
        (blog.root / POST).write_text(mine, encoding="utf-8")
    finally:
        (flags / "go").touch()
    out, err = proc.communicate(timeout=60)
    assert proc.returncode == 1, (out, err)
    assert f"{POST} changed while blog was publishing it" in err
    assert (blog.root / POST).read_text(encoding="utf-8") == mine
    assert blog.committed_files() == ["A\tblog.toml", "A\tposts/.keep"]
    assert "Traceback" not in err


def test_two_publish_runs_at_once_are_serialised(blog: Blog, tmp_path: Path) -> None:
    blog.write("index.md", "# T\n\nNo posts yet.\n")
    blog.write("posts/second.md", DRAFT.replace("Hello World", "Second Post"))
    blog.commit_all("two drafts and an index")
    blog.push()
    with held_fetch(blog, tmp_path / "flags") as flags:
        first = start_blog("publish", "hello-world", cwd=blog.root)
        while not started(flags):
            time.sleep(0.02)
        second = start_blog("publish", "second", cwd=blog.root)
        time.sleep(1.5)
        assert second.poll() is None and started(flags) == 1  # waiting on the lock, not git
        (flags / "go").touch()
        _, err1 = first.communicate(timeout=60)
        _, err2 = second.communicate(timeout=60)
    assert first.returncode == 0 and second.returncode == 0, (err1, err2)
    assert "waiting for another blog run" in err2
    index = git("show", "main:index.md", cwd=blog.remote)
    assert "Hello World" in index and "Second Post" in index
    assert blog.status() == "" and blog.staged() == ""
    assert not (blog.root / ".git" / "blog.lock").exists()


def test_lock_left_by_a_killed_run_is_taken_over(blog: Blog) -> None:
    dead = subprocess.Popen(["true"])
    dead.wait()
    (blog.root / ".git" / "blog.lock").write_text(f"{dead.pid} {socket.gethostname()}\n",
                                                  encoding="utf-8")
    result = run_blog("publish", "hello-world", cwd=blog.root)
    assert result.returncode == 0, result.stderr
    assert blog.remote_head() == blog.head()


# --- selected paths git would not commit as asked ----------------------------------------------

def test_post_in_a_submodule_is_refused(tmp_path: Path) -> None:
    inner = tmp_path / "posts-repo"
    inner.mkdir()
    git("init", "-q", "-b", "main", cwd=inner)
    (inner / "hello-world.md").write_text(DRAFT, encoding="utf-8")
    git("add", "-A", cwd=inner)
    git("commit", "-q", "-m", "posts", cwd=inner)
    blog = make_blog(tmp_path)
    git("rm", "-q", "posts/.keep", cwd=blog.root)
    git("-c", "protocol.file.allow=always", "submodule", "add", "-q", str(inner), "posts",
        cwd=blog.root)
    blog.commit_all("posts as a submodule")
    blog.push()
    before = snapshot(blog)
    result = blog_cli(blog, "publish", "hello-world")
    assert result.exit_code == 3, result.output
    assert "posts/hello-world.md is inside the git submodule posts" in result.stderr
    assert (blog.root / POST).read_text(encoding="utf-8") == DRAFT
    assert snapshot(blog) == before


def test_post_that_is_a_symlink_is_refused_naming_the_real_file(blog: Blog) -> None:
    blog.write("src/real.md", DRAFT.replace("Hello World", "Linked"))
    (blog.root / "posts" / "link.md").symlink_to("../src/real.md")
    blog.commit_all("a linked post")
    blog.push()
    before = snapshot(blog)
    for name in ("link", "posts/link.md"):
        result = blog_cli(blog, "publish", name)
        assert result.exit_code == 3, result.output
        assert "posts/link.md is a symbolic link" in result.stderr
        assert "would edit src/real.md" in result.stderr
        assert (blog.root / "posts" / "link.md").is_symlink()
        assert snapshot(blog) == before


@pytest.mark.parametrize(("rules", "reason"), [
    ("posts/hello-world.md\n", ".gitignore:1: posts/hello-world.md"),
    ("/posts/\n", ".gitignore:1: /posts/"),  # the folder's rule, not the file's
])
def test_post_that_gitignore_covers_is_refused_by_that_rule(blog: Blog, rules: str,
                                                            reason: str) -> None:
    blog.write(".gitignore", rules)
    blog.commit_all("ignore")
    blog.push()
    before = snapshot(blog)
    result = blog_cli(blog, "publish", "hello-world")
    assert result.exit_code == 3, result.output
    assert f"{POST} is ignored by git ({reason})" in result.stderr
    assert (blog.root / POST).read_text(encoding="utf-8") == DRAFT
    assert snapshot(blog) == before


def test_post_a_negated_rule_keeps_is_published(blog: Blog) -> None:
    """`!path` after a rule that covers it: git commits the post, so publish does too (git
    check-ignore -v names the negation; it is not a reason to refuse)."""
    blog.write(".gitignore", "posts/*.md\n!posts/hello-world.md\n")
    git("add", ".gitignore", cwd=blog.root)
    git("commit", "-q", "-m", "ignore the others", cwd=blog.root)
    blog.push()
    result = blog_cli(blog, "publish", "hello-world")
    assert result.exit_code == 0, result.output
    assert blog.committed_files() == [f"A\t{POST}"]
    assert blog.remote_head() == blog.head()


def test_jekyll_draft_whose_new_place_a_negated_rule_keeps_is_published(tmp_path: Path) -> None:
    blog = make_blog(tmp_path, "jekyll", {".gitignore": "_posts/*.md\n!_posts/*-hello.md\n"})
    blog.write("_drafts/hello.md", "---\ntitle: Hello\n---\n\nHi.\n")
    blog.commit_all("draft")
    blog.push()
    result = blog_cli(blog, "publish", "_drafts/hello.md")
    assert result.exit_code == 0, result.output
    assert blog.remote_head() == blog.head()


def test_jekyll_draft_whose_new_place_is_ignored_is_refused(tmp_path: Path) -> None:
    """A move's new file is not there yet: git check-ignore is asked about it by name."""
    blog = make_blog(tmp_path, "jekyll", {".gitignore": "_posts/*-hello.md\n"})
    blog.write("_drafts/hello.md", "---\ntitle: Hello\n---\n\nHi.\n")
    blog.commit_all("draft")
    blog.push()
    before = snapshot(blog)
    result = blog_cli(blog, "publish", "_drafts/hello.md")
    assert result.exit_code == 3, result.output
    assert "is ignored by git (.gitignore:1: _posts/*-hello.md)" in result.stderr
    assert snapshot(blog) == before


# --- hooks that change what is committed --------------------------------------------------------

def test_hook_that_stages_unrelated_work_is_undone_and_not_pushed(blog: Blog) -> None:
    blog.write("notes.md", "committed\n")
    blog.commit_all("notes")
    blog.push()
    blog.write("notes.md", "my unfinished unrelated work\n")
    local_hook(blog, "pre-commit", "git add -u\n")
    start, remote = blog.head(), blog.remote_head()
    result = blog_cli(blog, "publish", "hello-world")
    assert result.exit_code == 3, result.output
    assert "a git hook added notes.md to the commit" in result.stderr
    assert blog.head() == start and blog.remote_head() == remote
    assert (blog.root / POST).read_text(encoding="utf-8") == PUBLISHED  # the edit is kept
    assert blog.unstaged().count("my unfinished unrelated work") == 1
    assert blog.staged() == ""


def test_hook_that_adds_a_new_file_leaves_no_staged_deletion(blog: Blog) -> None:
    local_hook(blog, "pre-commit", "echo generated > gen.txt\ngit add gen.txt\n")
    start = blog.head()
    result = blog_cli(blog, "publish", "hello-world")
    assert result.exit_code == 3, result.output
    assert "a git hook added gen.txt to the commit" in result.stderr
    assert blog.head() == start and blog.staged() == ""
    assert "?? gen.txt" in blog.status()


def test_slow_commit_hook_is_given_the_time_it_needs(blog: Blog) -> None:
    blog.write("blog.toml", '[site]\ntitle = "T"\nprofile = "plain"\n\n[publish]\ntimeout = 1\n')
    blog.commit_all("timeout")
    blog.push()
    local_hook(blog, "pre-commit", "sleep 2\n")
    result = blog_cli(blog, "publish", "hello-world")
    assert result.exit_code == 0, result.output
    assert not (blog.root / ".git" / "index.lock").exists()
    assert blog.remote_head() == blog.head() and blog.status() == ""


def test_commit_failure_is_reported_with_gits_own_message(blog: Blog) -> None:
    local_hook(blog, "pre-commit", "echo 'trailing whitespace in posts/hello-world.md'\nexit 1\n")
    result = blog_cli(blog, "publish", "hello-world")
    assert result.exit_code == 3
    assert "`git -c` failed" not in result.stderr and "no message from git" not in result.stderr
    assert "`git commit` failed: trailing whitespace in posts/hello-world.md" in result.stderr


# --- pushes that did not all arrive -------------------------------------------------------------

def test_second_push_url_unreachable_is_named_and_the_rerun_pushes_it(blog: Blog,
                                                                      tmp_path: Path) -> None:
    mirror = tmp_path / "mirror.git"
    git("config", "--add", "remote.origin.pushurl", str(blog.remote), cwd=blog.root)
    git("config", "--add", "remote.origin.pushurl", str(mirror), cwd=blog.root)
    result = blog_cli(blog, "publish", "hello-world")
    assert result.exit_code == 3, result.output
    assert f"could not push to origin ({mirror})" in result.stderr
    assert "does not appear to be a git repository" in result.stderr
    assert blog.remote_head() == blog.head()
    again = blog_cli(blog, "publish", "hello-world")
    assert again.exit_code == 3, again.output
    assert str(mirror) in again.stderr
    git("init", "-q", "--bare", "-b", "main", str(mirror), cwd=tmp_path)
    third = blog_cli(blog, "publish", "hello-world")
    assert third.exit_code == 0, third.output
    assert git("rev-parse", "main", cwd=mirror).strip() == blog.head()


def test_second_post_changed_meanwhile_puts_the_first_back(blog: Blog, tmp_path: Path) -> None:
    second = blog.write("posts/second.md", DRAFT.replace("Hello World", "Second"))
    blog.commit_all("drafts")
    blog.push()
    flags = tmp_path / "flags"
    flags.mkdir()
    proc = start_blog("publish", "hello-world", "second", cwd=blog.root,
                      env=held_env(flags, "status"))  # after both posts were read
    try:
        wait_for(flags / "started")
        second.write_text("---\ntitle: Second\ndraft: true\n---\nRewritten.\n", encoding="utf-8")
    finally:
        (flags / "go").touch()
    _, err = proc.communicate(timeout=60)
    assert proc.returncode == 1, err
    assert "posts/second.md changed while blog was publishing it" in err
    assert "nothing was changed" in err
    assert (blog.root / POST).read_text(encoding="utf-8") == DRAFT
    assert second.read_text(encoding="utf-8").endswith("Rewritten.\n")
    assert blog.status() == " M posts/second.md\n"


# --- engines' own key rules ----------------------------------------------------------------------

def test_hugo_draft_key_is_matched_case_insensitively(tmp_path: Path) -> None:
    blog = make_blog(tmp_path, "hugo")
    text = "---\ntitle: Upper\ndate: 2024-03-01T10:00:00+01:00\nDraft: true\n---\n\nHi.\n"
    blog.write("content/posts/upper.md", text)
    result = blog_cli(blog, "publish", "upper")
    assert result.exit_code == 0, result.output
    assert (blog.root / "content/posts/upper.md").read_text(encoding="utf-8") == \
        text.replace("Draft: true", "Draft: false")
    assert blog.remote_head() == blog.head()


# --- dry run ----------------------------------------------------------------------------------

def test_dry_run_shows_uncommitted_edits_the_commit_will_carry(blog: Blog) -> None:
    blog.commit_all("draft")
    blog.push()
    blog.write(POST, DRAFT.replace("Hi.", "Hi, an edit not yet committed."))
    result = blog_cli(blog, "publish", "--dry-run", "hello-world")
    assert result.exit_code == 0, result.output
    assert "-Hi.\n+Hi, an edit not yet committed.\n" in result.stdout
    assert "-draft: true\n+draft: false\n" in result.stdout


def test_dry_run_on_a_published_post_says_nothing_to_do(blog: Blog) -> None:
    assert blog_cli(blog, "publish", "hello-world").exit_code == 0
    result = blog_cli(blog, "publish", "--dry-run", "hello-world")
    assert result.exit_code == 0, result.output
    assert result.stdout == f"Nothing to do: {POST} already published and pushed\n"


def test_dry_run_includes_the_index_the_commit_carries(blog: Blog) -> None:
    blog.write("index.md", "# T\n\nNo posts yet.\n")
    blog.commit_all("index")
    blog.push()
    dry = blog_cli(blog, "publish", "--dry-run", "--format", "json", "hello-world")
    plan = json.loads(dry.stdout)
    real = blog_cli(blog, "publish", "--format", "json", "hello-world")
    done = json.loads(real.stdout)
    assert plan["files"] == done["files"] == ["posts/hello-world.md", "index.md"]
    assert "+++ b/index.md" in "".join(plan["diffs"])
    assert plan["steps"] == done["steps"]
    assert sorted(f.split("\t")[-1] for f in blog.committed_files()) == sorted(plan["files"])


# --- start-up ---------------------------------------------------------------------------

# Python's own start-up (site, runpy) is before any code of blog's and cannot be helped;
# from the moment blogcli starts loading, Ctrl-C must end it quietly.
START = ("import runpy, sys, blogcli; sys.argv = ['blog', 'list']; print('go', file=sys.stderr, "
         "flush=True); runpy.run_module('blogcli', run_name='__main__')")


@pytest.mark.parametrize("delay", [0.06, 0.1, 0.2, 0.4])
def test_ctrl_c_during_start_up_is_not_a_traceback(blog: Blog, delay: float) -> None:
    env = dict(os.environ, PYTHONPATH=str(REPO))
    proc = subprocess.Popen([sys.executable, "-c", START], cwd=blog.root, env=env, text=True,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    assert proc.stderr is not None
    assert proc.stderr.readline() == "go\n"
    time.sleep(delay)
    proc.send_signal(2)
    _, err = proc.communicate(timeout=30)
    assert "Traceback" not in err and "KeyboardInterrupt" not in err, err
    assert proc.returncode in (0, 130)
