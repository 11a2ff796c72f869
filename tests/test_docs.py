"""The docs stay true: the reference is generated from the code, the README's tables name what
the code has, its quick start prints what it shows, its test command is CI's."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import typer

from blogcli import __version__
from blogcli.check.findings import RULES
from blogcli.cli import app
from tests.conftest import REPO

README = REPO / "README.md"


def readme() -> str:
    return README.read_text(encoding="utf-8")


def first_sh_block() -> str:
    found = re.search(r"```sh\n(.+?)\n```", readme(), re.DOTALL)
    assert found is not None
    return found.group(1)


def test_reference_is_generated_from_the_code() -> None:
    sys.path.insert(0, str(REPO / "docs"))
    try:
        import generate  # type: ignore[import-not-found]
    finally:
        sys.path.remove(str(REPO / "docs"))
    fresh = generate.reference()
    if os.environ.get("BLOG_UPDATE_DOCS") == "1":
        generate.TARGET.write_text(fresh, encoding="utf-8")
    assert generate.TARGET.read_text(encoding="utf-8") == fresh, \
        "docs/reference.md is stale: run python docs/generate.py"


def test_readme_is_a_tour_not_a_reference() -> None:
    text = readme()
    assert len(text[:text.index("## More")].encode()) <= 10_000
    assert "Usage: blog" not in text  # --help boxes live in docs/reference.md


def test_readme_command_table_names_every_command() -> None:
    group = typer.main.get_command(app)
    table = readme().split("## Commands")[1].split("\n## ")[0]
    listed = set(re.findall(r"^\| `blog (\w+)", table, re.MULTILINE))
    listed |= set(re.findall(r"/ `blog (\w+)", table))
    assert listed == set(group.commands)  # type: ignore[attr-defined]


def test_readme_rule_table_names_every_rule_with_its_severity() -> None:
    table = readme().split("## Check rules")[1].split("\n## ")[0]
    found: dict[str, str] = {}
    for row in re.findall(r"^\| (`[a-z-]+`.*?) \| ([a-z /]+) \|", table, re.MULTILINE):
        names = re.findall(r"`([a-z-]+)`", row[0])
        severities = [s.strip() for s in row[1].split("/")]
        if len(severities) == 1:
            severities *= len(names)
        found.update(zip(names, severities, strict=True))
    assert found == RULES


def test_readme_precommit_snippet_is_this_hook_at_this_version() -> None:
    text = readme()
    snippet = text.split("## As a pre-commit hook")[1].split("\n## ")[0]
    assert f"rev: v{__version__}" in snippet
    hooks = (REPO / ".pre-commit-hooks.yaml").read_text(encoding="utf-8")
    hook = re.search(r"id: ([\w-]+)", snippet)
    assert hook is not None and f"- id: {hook.group(1)}\n" in hooks


def test_readme_test_command_is_what_ci_runs() -> None:
    block = re.search(r"## Run the tests\n\n```sh\n(.+?)\n```", readme(), re.DOTALL)
    assert block is not None
    ci = (REPO / ".ci" / "run").read_text(encoding="utf-8")
    assert block.group(1) in ci.splitlines()


def _normal(text: str) -> str:
    text = re.sub(r"/tmp/[\w./-]+?(?=/lab-notes|/host\.git)", "TMP", text)
    text = re.sub(r"\b[0-9a-f]{12,40}\b", "SHA", text)
    text = re.sub(r"^Date: .*$", "Date: DATE", text, flags=re.MULTILINE)
    return re.sub(r"\d{4}-\d\d-\d\d", "YYYY-MM-DD", text)


def test_readme_quick_start_prints_what_the_readme_shows(tmp_path: Path) -> None:
    """Steps 2-4 of the quick start, run as written (step 1 installs; CI runs it all)."""
    steps = first_sh_block().split("# 2.", 1)
    assert len(steps) == 2 and "pip install" in steps[0]
    script = tmp_path / "quickstart.sh"
    script.write_text("# 2." + steps[1] + "\n", encoding="utf-8")
    env = dict(os.environ, PATH=f"{Path(sys.executable).parent}:{os.environ['PATH']}",
               TMPDIR=str(tmp_path), PYTHONPATH=str(REPO))
    for name in ("GIT_AUTHOR_NAME", "GIT_AUTHOR_EMAIL", "GIT_COMMITTER_NAME",
                 "GIT_COMMITTER_EMAIL"):
        env[name] = "You" if name.endswith("NAME") else "you@example.com"
    done = subprocess.run(["bash", "-e", str(script)], cwd=tmp_path, env=env,
                          capture_output=True, text=True, timeout=120, check=False)
    assert done.returncode == 0, done.stderr
    shown = readme().split("compares):\n\n```text\n")[1].split("```")[0]
    assert _normal(done.stdout) == _normal(shown)


def test_every_help_example_works_on_the_blog_init_makes(tmp_path: Path) -> None:
    """Run each command's `Example:` line, in order of a blogger's day, on a fresh blog."""
    import shlex

    from tests.conftest import git, run_blog

    group = typer.main.get_command(app)
    examples = {name: re.search(r"Example: (blog .+)", cmd.help or "")  # type: ignore[attr-defined]
                for name, cmd in group.commands.items()}  # type: ignore[attr-defined]
    assert all(examples.values()), [n for n, m in examples.items() if not m]
    git("init", "-q", "--bare", str(tmp_path / "host.git"), cwd=tmp_path)
    order = ["init", "new", "check", "links", "list", "show", "index", "stats", "publish",
             "due", "rename", "unpublish"]
    assert sorted(order) == sorted(examples)
    for name in order:
        args = shlex.split(examples[name].group(1))[1:]  # type: ignore[union-attr]
        cwd = tmp_path if name == "init" else tmp_path / "lab-notes"
        done = run_blog(*args, cwd=cwd)
        assert done.returncode == 0, (name, done.stdout, done.stderr)
        if name == "init":
            git("remote", "add", "origin", str(tmp_path / "host.git"), cwd=cwd / "lab-notes")
