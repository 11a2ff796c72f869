"""The GitHub Actions workflow of docs/workflows/blog-links.yml: it parses, and the `blog`
commands of its steps run as written (bash, a real git history, a real 127.0.0.1 server)."""

from __future__ import annotations

import os
import subprocess
import sys
import tomllib
from pathlib import Path
from typing import Any

import yaml

from tests.conftest import REPO, git
from tests.helpers.gitsite import make_blog
from tests.helpers.webservers import Reply, scripted_server

WORKFLOW = REPO / "docs" / "workflows" / "blog-links.yml"


def load() -> dict[str, Any]:
    data: dict[str, Any] = yaml.safe_load(WORKFLOW.read_text(encoding="utf-8"))
    data["on"] = data.pop(True, data.get("on"))  # YAML 1.1 reads the key `on` as true
    return data


def step(job: str, name: str) -> dict[str, Any]:
    found: dict[str, Any] = next(s for s in load()["jobs"][job]["steps"] if s.get("name") == name)
    return found


def run_step(job: str, name: str, cwd: Path, tmp: Path,
             env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    """The step's `run:` script under bash -e, as Actions runs it, `blog` being this checkout."""
    shim = tmp / "bin" / "blog"
    if not shim.exists():
        shim.parent.mkdir(parents=True)
        shim.write_text(f'#!/bin/sh\nexec "{sys.executable}" -m blogcli "$@"\n', encoding="utf-8")
        shim.chmod(0o755)
    # ``env`` stands for what Actions gives the step (its ${{ }} expressions evaluated).
    full = dict(os.environ, PATH=f"{shim.parent}{os.pathsep}{os.environ['PATH']}",
                PYTHONPATH=str(REPO), **(env or {}))
    return subprocess.run(["bash", "-e", "-c", step(job, name)["run"]], cwd=cwd, env=full,
                          capture_output=True, text=True, timeout=120, check=False)


def test_the_workflow_parses_and_has_both_jobs() -> None:
    data = load()
    assert set(data["on"]) == {"pull_request", "schedule", "workflow_dispatch"}
    assert data["permissions"] == {"contents": "read"}
    assert set(data["jobs"]) == {"changed", "weekly"}
    for job in data["jobs"].values():
        for each in job["steps"]:
            assert ("uses" in each) != ("run" in each), each
            assert "uses" not in each or "@v" in each["uses"]  # pinned to a major version
    assert step("changed", "Check the changed pages")["env"] == {"BASE": "${{ github.base_ref }}"}
    checkout = data["jobs"]["changed"]["steps"][0]
    assert checkout["with"]["fetch-depth"] == 0  # --changed needs the merge base
    pyproject = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))
    assert step("weekly", "Install blog")["run"] == f"pip install {pyproject['project']['name']}"
    history = {s["with"]["path"] for s in data["jobs"]["weekly"]["steps"]
               if "actions/cache" in s.get("uses", "")}
    assert history == {".blog/links.json"}  # the default history path of blog.toml [links]
    assert step("weekly", "Keep the link history")["if"] == "always()"


def test_the_pull_request_step_annotates_what_the_branch_changed(tmp_path: Path) -> None:
    post = "---\ntitle: {0}\ndate: 2024-01-02T10:00:00+00:00\n---\n{1}\n"
    blog = make_blog(tmp_path, files={"posts/old.md": post.format("Old", "[x](nowhere.md)"),
                                      "posts/a.md": post.format("A", "Fine.")})
    git("checkout", "-q", "-b", "feature", cwd=blog.root)
    clean = run_step("changed", "Check the changed pages", blog.root, tmp_path,
                     {"BASE": "main"})
    assert (clean.returncode, clean.stdout) == (0, ""), clean.stderr
    assert "Nothing to check: no page changed since origin/main." in clean.stderr
    blog.write("posts/a.md", post.format("A", "Now [broken](missing.md)."))
    blog.commit_all("break a")
    done = run_step("changed", "Check the changed pages", blog.root, tmp_path, {"BASE": "main"})
    assert done.returncode == 1
    assert done.stdout.startswith("::error file=posts/a.md,line=5,col=")
    assert "old.md" not in done.stdout  # an old mistake, not this pull request's


def test_the_weekly_steps_keep_history_and_summarise_a_weeks_failures(tmp_path: Path) -> None:
    with scripted_server(lambda method, path: Reply(404 if path == "/dead" else 200)) as server:
        post = f"---\ntitle: A\ndate: 2024-01-02T10:00:00+00:00\n---\n[d]({server.url}/dead)\n"
        blog = make_blog(tmp_path, files={
            "blog.toml": '[site]\ntitle = "T"\nprofile = "plain"\n\n[links]\n'
                         "allow_private = true\nretries = 0\n",
            "posts/a.md": post})
        codes = []
        for day in ("05", "08", "12"):
            now = {"BLOG_NOW": f"2026-01-{day}T06:17:00Z"}
            done = run_step("weekly", "Check every web link", blog.root, tmp_path, now)
            codes.append(done.returncode)
            summary = tmp_path / f"summary-{day}.md"
            summarised = run_step("weekly", "Summary of links failing for a week or more",
                                  blog.root, tmp_path, {**now, "GITHUB_STEP_SUMMARY": str(summary)})
            assert summarised.returncode == 0, summarised.stderr
        assert codes == [0, 0, 1]  # warnings, warnings, then an error: 3 runs over 7 days
        assert done.stdout.startswith("::error file=posts/a.md,line=5,col=5,title=external-broken")
        assert (tmp_path / "summary-08.md").read_text(encoding="utf-8") == \
            "### Web links failing (0)\n\nNone.\n"
        text = (tmp_path / "summary-12.md").read_text(encoding="utf-8")
        assert f"| 2026-01-05 | 3 | 7 | broken | <{server.url}/dead> | HTTP 404 |" in text
