"""Publish asks git several questions per process: each batched answer equals what the separate
git commands it replaced say, on a real repository with a bare remote."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from blogcli import git as git_module
from blogcli.config import PublishTable
from blogcli.errors import redact
from blogcli.git import CONFIG_KEYS, GitRepo, spawn, spawn_together
from tests.conftest import git
from tests.helpers.gitsite import DRAFT, Blog, clone, make_blog


def _commit(root: Path, rel: str, text: str, message: str) -> None:
    (root / rel).parent.mkdir(parents=True, exist_ok=True)
    (root / rel).write_text(text, encoding="utf-8")
    git("add", "--", rel, cwd=root)
    git("commit", "-q", "-m", message, cwd=root)


def _diverged(tmp_path: Path) -> tuple[Blog, GitRepo]:
    """Two local commits (one a rename, one holding a token in its subject) and one commit
    someone else pushed."""
    blog = make_blog(tmp_path)
    other = clone(blog, tmp_path / "other")
    _commit(other, "posts/theirs.md", "theirs\n", "Theirs")
    git("push", "-q", "origin", "main", cwd=other)
    _commit(blog.root, "posts/a.md", "a\n", "Add a")
    git("mv", "posts/a.md", "posts/b.md", cwd=blog.root)
    git("commit", "-q", "-m", "Move with https://user:s3cret@example.com/x", cwd=blog.root)
    return blog, GitRepo(blog.root)


def test_one_log_answers_ahead_behind_and_the_unpushed_commits(tmp_path: Path) -> None:
    blog, repo = _diverged(tmp_path)
    target = repo.target("main", PublishTable())
    assert repo.fetch_behind(target) == (2, 1)
    # What rev-list --left-right --count and a log of tracking..HEAD say on their own:
    tracking = "refs/remotes/origin/main"
    counts = git("rev-list", "--left-right", "--count", f"HEAD...{tracking}", cwd=blog.root)
    assert counts.split() == ["2", "1"]
    alone = git("log", "--format=%h %s", f"{tracking}..HEAD", cwd=blog.root).splitlines()
    batched = repo.unpushed(target)  # the answer the fetch's log kept
    assert [c for c, _ in batched] == [redact(line) for line in alone]
    assert "s3cret" not in repr(batched)
    assert batched[0][1] == ["posts/b.md"] and batched[1][1] == ["posts/a.md"]
    # Kept once: asked again, git is asked again, with the same answer.
    assert repo.unpushed(target) == batched


def test_behind_only_and_nothing_to_send(tmp_path: Path) -> None:
    blog = make_blog(tmp_path)
    other = clone(blog, tmp_path / "other")
    _commit(other, "posts/theirs.md", "theirs\n", "Theirs")
    git("push", "-q", "origin", "main", cwd=other)
    repo = GitRepo(blog.root)
    target = repo.target("main", PublishTable())
    assert repo.fetch_behind(target) == (0, 1)
    assert repo.unpushed(target) == []


def test_a_branch_with_no_commit_yet(tmp_path: Path) -> None:
    blog = make_blog(tmp_path)
    git("switch", "-q", "--orphan", "fresh", cwd=blog.root)
    repo = GitRepo(blog.root)
    target = repo.target("fresh", PublishTable(branch="fresh"))
    # The remote has no such branch: the first push makes it.
    assert repo.fetch_behind(target) == (1, 0)


def test_commands_asked_along_the_fetch_answer_as_alone(tmp_path: Path) -> None:
    """The survey asks who commits and where the push goes side by side with the log that
    follows the fetch: the same answers, and the same (ahead, behind, commits to send)."""
    blog, repo = _diverged(tmp_path)
    target = repo.target("main", PublishTable())
    along = [*repo.identity_commands(), repo.push_urls_command("origin")]
    assert repo.fetch_behind(target, along=along) == (2, 1)
    early = repo.unpushed(target)
    again = GitRepo(blog.root)
    assert again.fetch_behind(target) == (2, 1) and again.unpushed(target) == early
    alone = spawn_together(along, repo.top, repo.env)
    assert [(d.returncode, d.stdout) for d in repo.along_answers] == \
        [(d.returncode, d.stdout) for d in alone]
    repo.check_identity(repo.along_answers[:2])
    repo.remember_push_urls("origin", repo.along_answers[2])
    assert repo.push_urls("origin") == again.push_urls("origin") == [str(blog.remote)]


def test_commands_along_a_fetch_of_a_branch_the_remote_lacks(tmp_path: Path) -> None:
    blog = make_blog(tmp_path)
    git("switch", "-q", "--orphan", "fresh", cwd=blog.root)
    repo = GitRepo(blog.root)
    target = repo.target("fresh", PublishTable(branch="fresh"))
    assert repo.fetch_behind(target, along=repo.identity_commands()) == (1, 0)
    assert [d.returncode for d in repo.along_answers] == [0, 0]


def test_a_failed_fetch_asks_nothing_along(tmp_path: Path) -> None:
    blog = make_blog(tmp_path)
    git("remote", "set-url", "origin", str(tmp_path / "gone.git"), cwd=blog.root)
    messages = []
    for along in (GitRepo(blog.root).identity_commands(), None):
        repo = GitRepo(blog.root)
        target = repo.target("main", PublishTable())
        with pytest.raises(git_module.GitError) as caught:
            repo.fetch_behind(target, along=along)
        assert repo.along_answers == []
        messages.append(str(caught.value))
    assert messages[0] == messages[1] and "the remote is not reachable" in messages[0]


def test_identity_asked_early_is_refused_as_when_asked_alone(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    blog = make_blog(tmp_path)
    for name in ("GIT_AUTHOR_NAME", "GIT_AUTHOR_EMAIL", "GIT_COMMITTER_NAME",
                 "GIT_COMMITTER_EMAIL", "EMAIL"):
        monkeypatch.delenv(name, raising=False)
    if "user.name" in git("config", "--global", "--list", cwd=blog.root):
        git("config", "--global", "--unset-all", "user.name", cwd=blog.root)
    repo = GitRepo(blog.root)
    messages = []
    for answers in (spawn_together(repo.identity_commands(), repo.top, repo.env), None):
        with pytest.raises(git_module.GitError) as caught:
            repo.check_identity(answers)
        messages.append(str(caught.value))
    assert messages[0] == messages[1] and "git does not know who you are" in messages[0]


def test_a_status_started_first_answers_as_one_run_alone(tmp_path: Path) -> None:
    """The survey starts the status, asks ls-tree and ls-files, then finishes it: the same
    entries (untracked, ignored, changed, a rename's both sides) as status on its own."""
    blog = make_blog(tmp_path, files={".gitignore": "*.tmp\n", "posts/kept.md": "kept\n",
                                      "posts/old.md": "old\n"})
    blog.write("posts/new.md", DRAFT)
    blog.write("posts/x.tmp", "ignored\n")
    blog.write("posts/kept.md", "changed\n")
    git("mv", "posts/old.md", "posts/moved.md", cwd=blog.root)
    repo = GitRepo(blog.root)
    for ignored in (True, False):
        started = repo.start_status(["posts"], ignored=ignored)
        assert repo.tracked(["posts"])  # something else asked meanwhile
        early = repo.status(["posts"], ignored=ignored, started=started)
        assert early == repo.status(["posts"], ignored=ignored)
        assert ("!!", "posts/x.tmp") in early if ignored else ("??", "posts/new.md") in early
    # A failing status fails the same way begun early.
    with pytest.raises(git_module.GitError) as early_failure:
        repo.status(["../outside"], started=repo.start_status(["../outside"]))
    with pytest.raises(git_module.GitError) as alone:
        repo.status(["../outside"])
    assert str(early_failure.value) == str(alone.value)


@pytest.mark.parametrize("post", ["posts/new.md", "posts/broken.md"])
def test_the_switch_interval_is_put_back(tmp_path: Path, post: str) -> None:
    """The survey hands the GIL over sooner while it runs; after the plan, published or
    refused, the interpreter's interval is what it was."""
    from blogcli.errors import BlogError
    from blogcli.publish.flow import publish
    from blogcli.site import find_site

    blog = make_blog(tmp_path)
    blog.write("posts/new.md", DRAFT)
    blog.write("posts/broken.md", DRAFT.replace("title:", "titel:"))
    before = sys.getswitchinterval()
    site = find_site(site_dir=blog.root)
    try:
        publish(site, [post], cwd=blog.root)
    except BlogError:
        assert post == "posts/broken.md"
    else:
        assert post == "posts/new.md" and blog.remote_head() == blog.head()
    assert sys.getswitchinterval() == before


def test_commit_only_files_is_the_new_head_and_its_files(tmp_path: Path) -> None:
    blog = make_blog(tmp_path)
    blog.write("posts/new.md", "new\n")
    blog.write("posts/other.md", "left alone\n")
    repo = GitRepo(blog.root)
    repo.add(["posts/new.md"])
    made = repo.commit_only_files(["posts/new.md"], "New")
    assert made is not None
    sha, files = made
    assert sha == git("rev-parse", "HEAD", cwd=blog.root).strip()
    assert files == repo.commit_files(sha) == ["posts/new.md"]
    assert "posts/other.md" in blog.status()
    # Nothing changed: no commit.
    assert repo.commit_only_files(["posts/new.md"], "Again") is None
    assert git("rev-parse", "HEAD", cwd=blog.root).strip() == sha


def test_commit_only_files_on_a_first_commit(tmp_path: Path) -> None:
    root = tmp_path / "first"
    git("init", "-q", "-b", "main", str(root), cwd=tmp_path)
    (root / "a.md").write_text("a\n", encoding="utf-8")
    (root / "b.md").write_text("b\n", encoding="utf-8")
    repo = GitRepo(root)
    repo.add(["a.md", "b.md"])
    made = repo.commit_only_files(["a.md", "b.md"], "First")
    assert made is not None
    assert made[0] == git("rev-parse", "HEAD", cwd=root).strip()
    assert made[1] == ["a.md", "b.md"]


def test_git_run_side_by_side_answers_in_order_as_alone(tmp_path: Path) -> None:
    blog = make_blog(tmp_path)
    repo = GitRepo(blog.root)
    commands = [["git", "rev-parse", "--show-toplevel", "--absolute-git-dir"],
                ["git", "config", "-z", "--get-regexp", CONFIG_KEYS],
                ["git", "-c", "user.useConfigOnly=true", "var", "GIT_COMMITTER_IDENT"],
                ["git", "cat-file", "-e", "HEAD:no-such-file"]]
    together = spawn_together(commands, blog.root, repo.env)
    alone = [spawn(argv, blog.root, repo.env, None) for argv in commands]
    assert [(d.args, d.returncode, d.stdout) for d in together] == \
        [(d.args, d.returncode, d.stdout) for d in alone]
    assert together[3].returncode != 0  # a failure is an answer, not an exception
    # What GitRepo read side by side is what git says.
    assert repo.top == blog.root.resolve()
    assert repo.config["remote.origin.url"] == str(blog.remote)


def test_git_run_side_by_side_is_stopped_by_an_interrupt(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Ctrl-C while the first waits: every one is stopped and waited for, none left."""
    started: list[subprocess.Popen[str]] = []
    real_start = git_module._start

    def start(*args: Any) -> subprocess.Popen[str]:
        proc = real_start(*args)
        started.append(proc)  # only recorded: they are real git processes
        return proc

    def interrupt(signum: int, frame: object) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(git_module, "_start", start)
    old = signal.signal(signal.SIGALRM, interrupt)
    try:
        signal.setitimer(signal.ITIMER_REAL, 0.3)
        with pytest.raises(KeyboardInterrupt):
            # A git alias that runs for two seconds, unless stopped.
            spawn_together([["git", "-c", "alias.wait=!sleep 2", "wait"], ["git", "version"]],
                           tmp_path, dict(os.environ))
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, old)
    assert len(started) == 2
    assert started[0].returncode is not None and started[0].returncode != 0  # stopped
    assert started[1].returncode == 0


def _git_commands(trace: Path) -> list[str]:
    """The git commands blog started (GIT_TRACE's "built-in: git ..." lines of top-level
    processes; git's own children, such as upload-pack, left out)."""
    own = ("upload-pack", "receive-pack", "pack-objects", "unpack-objects", "rev-list --objects",
           "maintenance", "for-each-ref", "gc --auto", "index-pack")
    lines = [line.split("built-in: ", 1)[1] for line in trace.read_text().splitlines()
             if "built-in: git " in line]
    return [line for line in lines if not any(f"git {name}" in line for name in own)]


def _publish_traced(blog: Blog, rel: str, tmp_path: Path) -> list[str]:
    trace = tmp_path / f"trace-{rel.replace('/', '-')}"
    done = subprocess.run([sys.executable, "-m", "blogcli", "publish", rel], cwd=blog.root,
                          env=dict(os.environ, GIT_TRACE=str(trace)), capture_output=True,
                          text=True, check=False)
    assert done.returncode == 0, done.stderr
    return _git_commands(trace)


def test_a_new_draft_is_committed_with_one_status(tmp_path: Path) -> None:
    """A draft git does not know yet: the status asked while planning serves the commit."""
    blog = make_blog(tmp_path)
    blog.write("posts/new/index.md", DRAFT)
    blog.write("posts/new/photo.png", b"\x89PNG")
    commands = _publish_traced(blog, "posts/new/index.md", tmp_path)
    assert sum(c.startswith("git status") for c in commands) == 1
    assert blog.committed_files() == ["A\tposts/new/index.md", "A\tposts/new/photo.png"]
    assert blog.remote_head() == blog.head()
    assert blog.status() == ""


def test_a_committed_draft_is_asked_about_again(tmp_path: Path) -> None:
    """A draft git knows: after the edit git is asked again (its entry changed)."""
    blog = make_blog(tmp_path)
    blog.write("posts/known.md", DRAFT)
    blog.write("posts/other.md", "---\ntitle: Other\n---\n\nUnrelated work.\n")
    git("add", "posts/known.md", cwd=blog.root)
    git("commit", "-q", "-m", "draft", cwd=blog.root)
    commands = _publish_traced(blog, "posts/known.md", tmp_path)
    assert sum(c.startswith("git status") for c in commands) == 2
    assert blog.committed_files() == ["M\tposts/known.md"]
    assert blog.status() == "?? posts/other.md\n"


def test_git_processes_of_a_plain_publish(tmp_path: Path) -> None:
    """What a publish of a new draft asks of git, in order: each safety step is still there."""
    blog = make_blog(tmp_path)
    blog.write("posts/new.md", DRAFT)
    names = [c.split()[1] if c.split()[1] != "-c" else c.split()[3]
             for c in _publish_traced(blog, "posts/new.md", tmp_path)]
    # rev-parse and config run side by side; after the fetch, so do its log, the two `var`s
    # and the push URLs (nothing of the plan is needed to ask them): their order may vary.
    assert sorted(names[:2]) == ["config", "rev-parse"]
    assert names[2] == "fetch" and sorted(names[3:7]) == ["log", "remote", "var", "var"]
    # Whether git ignores the post, its status says: no check-ignore for a file that is there.
    # The status runs while ls-tree asks whether the site's config is committed.
    assert sorted(names[7:9]) == ["ls-tree", "status"]
    # What else is staged is asked while the post is added.
    assert sorted(names[9:11]) == ["add", "diff-index"]
    assert names[11:] == ["commit", "diff-tree", "push", "ls-remote"]


def _commits_made(commands: list[str]) -> list[str]:
    return [c for c in commands if " commit " in f"{c} "]


def test_with_nothing_else_staged_the_index_is_committed_as_it_is(tmp_path: Path) -> None:
    """Nothing else staged: the index after the add is HEAD plus the post, and is committed
    without `--only` (which builds a second index from HEAD's tree)."""
    blog = make_blog(tmp_path)
    blog.write("posts/known.md", DRAFT)
    blog.write("posts/other.md", "---\ntitle: Other\n---\n\nUnrelated work.\n")
    git("add", "posts/known.md", cwd=blog.root)
    git("commit", "-q", "-m", "draft", cwd=blog.root)
    blog.write("notes.md", "unstaged, untracked\n")
    commands = _publish_traced(blog, "posts/known.md", tmp_path)
    assert [c for c in _commits_made(commands) if "--only" in c] == []
    assert blog.committed_files() == ["M\tposts/known.md"]
    assert "draft: false" in git("show", "HEAD:posts/known.md", cwd=blog.root)
    assert blog.status() == "?? notes.md\n?? posts/other.md\n" and blog.staged() == ""
    assert blog.remote_head() == blog.head()


def test_with_other_work_staged_only_the_post_is_committed_and_the_rest_stays(
        tmp_path: Path) -> None:
    blog = make_blog(tmp_path)
    blog.write("posts/new.md", DRAFT)
    blog.write("notes.md", "staged, not for this commit\n")
    git("add", "notes.md", cwd=blog.root)
    commands = _publish_traced(blog, "posts/new.md", tmp_path)
    assert ["--only" in c for c in _commits_made(commands)] == [True]
    assert blog.committed_files() == ["A\tposts/new.md"]
    assert "+staged, not for this commit" in blog.staged()
    assert blog.remote_head() == blog.head()


def test_the_post_staged_before_is_committed_as_the_work_tree_has_it(tmp_path: Path) -> None:
    """The draft staged by hand, then edited by publish: what is committed is the edit."""
    blog = make_blog(tmp_path)
    blog.write("posts/new.md", DRAFT)
    git("add", "posts/new.md", cwd=blog.root)
    commands = _publish_traced(blog, "posts/new.md", tmp_path)
    assert [c for c in _commits_made(commands) if "--only" in c] == []
    assert "draft: false" in git("show", "HEAD:posts/new.md", cwd=blog.root)
    assert blog.status() == "" and blog.staged() == ""
