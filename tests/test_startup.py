"""What the quick commands load: only what they use (bench/bench_startup.py times them).

`blog --version` needs typer and nothing of blog's features; `blog new` needs the site's
config, a Jinja2 renderer and YAML (the written front matter is read back to check it), and
none of check's, list's or publish's machinery. Typer 0.29 imports pydantic for every command
with options (+180-340 ms per command measured here), which is why pyproject pins typer<0.29.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import REPO, run_blog

NEVER = ("pydantic", "rich", "markdown_it", "pyromark", "httpx", "asyncio", "git",
         "concurrent.futures", "multiprocessing", "blogcli.check", "blogcli.listing",
         "blogcli.publish", "blogcli.text", "blogcli.web")
PROBE = """
import runpy, sys
sys.argv = ["blog", *sys.argv[1:]]
try:
    runpy.run_module("blogcli", run_name="__main__")
except SystemExit as done:
    code = done.code
print(sorted(sys.modules), file=sys.stderr)
"""


def loaded(cwd: Path, *args: str) -> set[str]:
    done = subprocess.run([sys.executable, "-c", PROBE, *args], cwd=cwd, capture_output=True,
                          text=True, check=True, env=dict(os.environ, PYTHONPATH=str(REPO)))
    return set(eval(done.stderr.strip().splitlines()[-1]))  # a list literal we printed


def heavy(modules: set[str], names: tuple[str, ...]) -> list[str]:
    return sorted(m for m in modules if any(m == n or m.startswith(n + ".") for n in names))


def test_version_loads_typer_and_nothing_of_blogs_features(tmp_path: Path) -> None:
    modules = loaded(tmp_path, "--version")
    assert "typer" in modules
    assert heavy(modules, (*NEVER, "jinja2", "yaml", "frontmatter", "tomllib",
                           "blogcli.site", "blogcli.config", "blogcli.create")) == []


@pytest.mark.parametrize("profile", ["plain", "hugo"])
def test_new_loads_its_renderer_but_no_other_feature(tmp_path: Path, profile: str) -> None:
    site = tmp_path / "site"
    init = run_blog("init", str(site), "--profile", profile, "--title", "T", "--author", "A",
                    cwd=tmp_path)
    assert init.returncode == 0, init.stderr
    modules = loaded(site, "new", "Hello there", "--dry-run")
    assert {"jinja2", "blogcli.create.post"} <= modules
    assert heavy(modules, NEVER) == []
