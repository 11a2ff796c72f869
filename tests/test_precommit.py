"""The pre-commit hook, run by real pre-commit in a real git repository."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from tests.conftest import REPO, git

pytest.importorskip("pre_commit")

GOOD = "---\ntitle: Good\ndate: 2024-01-02T10:00:00+01:00\n---\nSee [b](b.md).\n"
BAD = "---\ntitle: Bad\ndate: 2024-01-02T10:00:00+01:00\n---\nSee [gone](gone.md).\n"


def hook() -> dict[str, object]:
    hooks = yaml.safe_load((REPO / ".pre-commit-hooks.yaml").read_text(encoding="utf-8"))
    return next(h for h in hooks if h["id"] == "blog-check")


def test_hook_definition_runs_blog_check_on_markdown() -> None:
    found = hook()
    assert found["entry"] == "blog check"
    assert found["types"] == ["markdown"]
    assert found["language"] == "python"


def pre_commit(repo: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ, PYTHONPATH=str(REPO))
    return subprocess.run([sys.executable, "-m", "pre_commit", *args], cwd=repo, env=env,
                          capture_output=True, text=True, timeout=120, check=False)


@pytest.fixture
def blog_repo(tmp_path: Path) -> Path:
    """A plain blog in git whose pre-commit config runs this checkout's hook definition."""
    repo = tmp_path / "blog"
    (repo / "posts").mkdir(parents=True)
    (repo / "blog.toml").write_text('[site]\ntitle = "T"\nprofile = "plain"\n')
    (repo / "posts/b.md").write_text(GOOD.replace("[b](b.md)", "nothing"))
    (repo / "posts/old.md").write_text(BAD)  # committed before the hook: not this commit's
    # The hook as published, with the installed `blog` replaced by this checkout.
    local = dict(hook(), language="system", entry=f"{sys.executable} -m blogcli check")
    config = {"repos": [{"repo": "local", "hooks": [local]}]}
    (repo / ".pre-commit-config.yaml").write_text(yaml.safe_dump(config))
    git("init", "-q", cwd=repo)
    git("add", "-A", cwd=repo)
    git("commit", "-qm", "start", cwd=repo)
    return repo


def test_hook_fails_a_commit_with_a_broken_link_and_passes_it_fixed(blog_repo: Path) -> None:
    done = pre_commit(blog_repo, "install")
    assert done.returncode == 0, done.stderr
    (blog_repo / "posts/new.md").write_text(BAD)
    git("add", "posts/new.md", cwd=blog_repo)
    env = dict(os.environ, PYTHONPATH=str(REPO))
    refused = subprocess.run(["git", "commit", "-qm", "new"], cwd=blog_repo, env=env,
                             capture_output=True, text=True, check=False)
    assert refused.returncode != 0
    assert "posts/new.md:5:12: error" in refused.stdout + refused.stderr
    assert "old.md" not in refused.stdout + refused.stderr  # only the changed file is checked

    (blog_repo / "posts/new.md").write_text(GOOD)
    git("add", "posts/new.md", cwd=blog_repo)
    accepted = subprocess.run(["git", "commit", "-qm", "new"], cwd=blog_repo, env=env,
                              capture_output=True, text=True, check=False)
    assert accepted.returncode == 0, accepted.stdout + accepted.stderr


def test_hook_skips_commits_without_markdown(blog_repo: Path) -> None:
    (blog_repo / "notes.txt").write_text("[x](gone.md)\n")
    git("add", "notes.txt", cwd=blog_repo)
    done = pre_commit(blog_repo, "run")
    assert done.returncode == 0, done.stdout
    assert "Skipped" in done.stdout
