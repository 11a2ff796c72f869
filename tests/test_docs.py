"""README stays true: its command reference is the real --help, its test command is CI's."""

from __future__ import annotations

import os
import re

import typer
from typer.testing import CliRunner

from blogcli.cli import app
from tests.conftest import REPO

README = REPO / "README.md"
START, END = "<!-- commands:start -->", "<!-- commands:end -->"


def reference() -> str:
    runner = CliRunner()
    parts = []
    names = sorted(typer.main.get_command(app).commands)  # type: ignore[attr-defined]
    for args in [[], *[[name] for name in names]]:
        result = runner.invoke(app, [*args, "--help"], env={"TERMINAL_WIDTH": "100"})
        assert result.exit_code == 0
        title = " ".join(["blog", *args])
        body = "\n".join(line.rstrip() for line in result.stdout.strip("\n").splitlines())
        parts.append(f"### `{title}`\n\n```text\n{body}\n```\n")
    return "\n".join(parts)


def test_readme_command_reference_is_current() -> None:
    text = README.read_text(encoding="utf-8")
    head, rest = text.split(START)
    _, tail = rest.split(END)
    fresh = f"{head}{START}\n{reference()}{END}{tail}"
    if os.environ.get("BLOG_UPDATE_README") == "1":
        README.write_text(fresh, encoding="utf-8")
    assert text == fresh, "README's command reference drifted: BLOG_UPDATE_README=1 pytest it"


def test_readme_test_command_is_what_ci_runs() -> None:
    text = README.read_text(encoding="utf-8")
    block = re.search(r"## Run the tests\n\n```sh\n(.+?)\n```", text, re.DOTALL)
    assert block is not None
    ci = (REPO / ".ci" / "run").read_text(encoding="utf-8")
    assert block.group(1) in ci.splitlines()


def test_readme_quick_start_is_the_first_sh_block() -> None:
    text = README.read_text(encoding="utf-8")
    first = re.search(r"```sh\n(.+?)\n```", text, re.DOTALL)
    assert first is not None
    for step in ("blog init", "blog new", "blog check", "blog publish", "git --git-dir"):
        assert step in first.group(1)


def test_every_help_example_works_on_the_blog_init_makes(tmp_path) -> None:
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
