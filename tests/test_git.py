"""The one git runner: plain git, no prompts, progress read from git's own stderr."""

from __future__ import annotations

from pathlib import Path

from blogcli.config import PublishTable
from blogcli.git import GitRepo, repo_top, run_git
from tests.conftest import git


def repo_with_remote(tmp_path: Path) -> Path:
    git("init", "-q", "--bare", str(tmp_path / "host.git"), cwd=tmp_path)
    work = tmp_path / "work"
    git("init", "-q", "-b", "main", str(work), cwd=tmp_path)
    for n in range(40):
        (work / f"f{n}.txt").write_text(f"{n}\n" * 50, encoding="utf-8")
    git("add", ".", cwd=work)
    git("commit", "-q", "-m", "files", cwd=work)
    git("remote", "add", "origin", str(tmp_path / "host.git"), cwd=work)
    return work


def test_push_reports_git_progress_and_verifies_the_remote(tmp_path: Path) -> None:
    work = repo_with_remote(tmp_path)
    repo = GitRepo(work)
    target = repo.target("main", PublishTable())
    stages: list[tuple[str, float | None, float | None]] = []
    report = repo.push(target, repo.head(), lambda *seen: stages.append(seen))
    assert git("rev-parse", "main", cwd=tmp_path / "host.git").strip() == repo.head()
    assert report.summary == "[new branch]"
    assert any(stage.startswith("Writing objects") and done == total
               for stage, done, total in stages)


def test_repo_top_and_run_git(tmp_path: Path) -> None:
    work = repo_with_remote(tmp_path)
    (work / "a" / "b").mkdir(parents=True)
    assert repo_top(work / "a" / "b") == work
    assert repo_top(tmp_path) is None
    assert run_git(work, "rev-parse", "--abbrev-ref", "HEAD").stdout.strip() == "main"
