"""The publish fault matrix: blog is stopped by SIGINT, SIGTERM or SIGKILL while a given git
step runs (a `git` on PATH signals its parent, then runs the real git: tests/helpers/gitfault.py),
then run again. The rerun must finish the same plan: the post's final state in HEAD and on the
remote, the drafts-folder move with its deletion, a clean work tree, no lock or temporary file
left.

Jekyll and Hexo date a published draft with the moment of publishing (file name and front
matter): the first run and the rerun see different clocks (BLOG_NOW, a day apart), so a rerun
that did not continue the first run's plan would date a second copy.

The default run covers every step and signal of a Jekyll publish (a move) and a sample of the
rest; BLOG_FAULT_MATRIX=full runs every combination (5 engines x 2 actions x 3 signals x 7
steps = 210 cases, about 6 minutes here)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.conftest import REPO, git
from tests.helpers.gitfault import fault_env, settle
from tests.helpers.gitsite import Blog, make_blog

SIGNALS = {"INT": signal.SIGINT, "TERM": signal.SIGTERM, "KILL": signal.SIGKILL}
# Before any edit (check-ignore, fetch), after the edit (add), during and after the commit
# (commit, diff-tree), during and after the push (push, ls-remote).
STEPS = ("check-ignore", "fetch", "add", "commit", "diff-tree", "push", "ls-remote")


@dataclass(frozen=True)
class Case:
    profile: str
    action: str
    draft: str  # where the post is while a draft
    live: str  # where it is once published
    draft_text: str
    live_text: str
    dated: bool = False  # publishing names and dates the post with the moment it runs


def _md(flag: str) -> str:
    return f"---\ntitle: Faulty\ndate: 2024-02-03T09:00:00+00:00\n{flag}---\n\nBody.\n"


CASES = {
    "plain": Case("plain", "", "posts/faulty.md", "posts/faulty.md", _md("draft: true\n"),
                  _md("draft: false\n")),
    "hugo": Case("hugo", "", "content/posts/faulty.md", "content/posts/faulty.md",
                 _md("draft: true\n"), _md("draft: false\n")),
    "zola": Case("zola", "", "content/posts/faulty.md", "content/posts/faulty.md",
                 '+++\ntitle = "Faulty"\ndate = 2024-02-03\ndraft = true\n+++\nBody.\n',
                 '+++\ntitle = "Faulty"\ndate = 2024-02-03\ndraft = false\n+++\nBody.\n'),
    "jekyll": Case("jekyll", "", "_drafts/faulty.md", "_posts/2024-02-03-faulty.md", _md(""),
                   _md(""), dated=True),
    "hexo": Case("hexo", "", "source/_drafts/faulty.md", "source/_posts/2024-02-03-faulty.md",
                 _md(""), _md(""), dated=True),
}
# The first run's clock, and the rerun's: a later day, hour and second.
FIRST_NOW, AGAIN_NOW = "2024-03-01T10:00:00+00:00", "2024-03-02T11:30:07+00:00"


def published_at(case: Case, moment: str) -> tuple[str, str]:
    """Where a dated case's post is, and what it holds, once published at ``moment``."""
    return (case.live.replace("2024-02-03", moment[:10]),
            case.live_text.replace("2024-02-03T09:00:00+00:00", moment))


# The default run (about a minute): what a few hundred runs by hand showed to matter most.
DEFAULT = {
    ("jekyll", "publish"): {(sig, step) for sig in SIGNALS for step in STEPS},
    ("jekyll", "unpublish"): {(sig, step) for sig in SIGNALS for step in ("add", "commit")},
    ("plain", "publish"): {("KILL", "commit"), ("KILL", "push"), ("TERM", "add")},
    ("hugo", "publish"): {("KILL", "commit")}, ("hugo", "unpublish"): {("TERM", "commit")},
    ("zola", "publish"): {("INT", "commit")}, ("zola", "unpublish"): {("KILL", "push")},
    ("hexo", "publish"): {("TERM", "add")}, ("hexo", "unpublish"): {("INT", "add")},
}


def matrix() -> list[tuple[str, str, str, str]]:
    full = os.environ.get("BLOG_FAULT_MATRIX") == "full"
    return [(profile, action, sig, step) for profile in CASES
            for action in ("publish", "unpublish") for sig in SIGNALS for step in STEPS
            if full or (sig, step) in DEFAULT.get((profile, action), set())]


def run(blog: Blog, args: list[str], env: dict[str, str] | None = None,
        ) -> subprocess.CompletedProcess[str]:
    full = dict(os.environ, PYTHONPATH=str(REPO), **(env or {}))
    return subprocess.run([sys.executable, "-m", "blogcli", *args], cwd=blog.root, env=full,
                          capture_output=True, text=True, timeout=120, check=False)


def tree(blog: Blog, rev: str) -> set[str]:
    return set(git("ls-tree", "-r", "--name-only", rev, cwd=blog.root).split())


@pytest.mark.parametrize(("profile", "action", "sig", "step"), matrix())
def test_interrupted_then_run_again_finishes_the_plan(tmp_path: Path, profile: str,
                                                      action: str, sig: str,
                                                      step: str) -> None:
    case = CASES[profile]
    blog = make_blog(tmp_path, profile)
    start_at, start_text = (case.draft, case.draft_text) if action == "publish" \
        else (case.live, case.live_text)
    end_at, end_text = (case.live, case.live_text) if action == "publish" \
        else (case.draft, case.draft_text)
    blog.write(start_at, start_text)
    if profile == "plain":
        blog.write("index.md", "# T\n")
    blog.commit_all("start")
    blog.push()
    mark = tmp_path / "fired"
    env = {**fault_env(tmp_path, step, sig), "BLOG_NOW": FIRST_NOW}
    first = run(blog, [action, "faulty"], env)
    settle(blog.root)
    if case.dated and action == "publish":
        # The first run's dated copy, once written, is the plan the rerun must finish.
        copy = published_at(case, FIRST_NOW)
        end_at, end_text = copy if (blog.root / copy[0]).exists() else \
            published_at(case, AGAIN_NOW)
    assert "Traceback" not in first.stderr, first.stderr
    if mark.exists():
        assert first.returncode in (130, -SIGNALS[sig], 0, 3), first.stderr
        if first.returncode == 130:
            assert "interrupted" in first.stderr
            assert f"blog {action}" in first.stderr or "before anything" in first.stderr
    else:  # a step this publish never takes: no file was new to git, or no file moved
        never = step == "add" or (step == "check-ignore" and case.draft == case.live)
        assert never and first.returncode == 0, first.stderr
    again = run(blog, [action, "faulty"], {"BLOG_NOW": AGAIN_NOW})
    assert again.returncode == 0, (first.stderr, again.stdout, again.stderr)
    head = blog.head()
    assert blog.remote_head() == head
    files = tree(blog, head)
    assert [f for f in files if "faulty" in f] == [end_at]  # one copy: no second dated one
    assert git("show", f"HEAD:{end_at}", cwd=blog.root) == end_text
    assert blog.status() == "" and blog.staged() == ""
    assert (blog.root / end_at).read_text(encoding="utf-8") == end_text
    leftovers = [p.name for p in blog.root.rglob("*") if p.name.endswith(".tmp")
                 or p.name in ("index.lock", "blog.lock")]
    assert leftovers == []
