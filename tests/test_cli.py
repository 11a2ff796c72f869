"""The command line as a whole: help, version, errors, colour, and a light import."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
import typer
from typer.testing import CliRunner

from blogcli import __version__
from blogcli.cli import app
from tests.conftest import REPO, run_blog

runner = CliRunner()


def command_names() -> list[str]:
    group = typer.main.get_command(app)
    return sorted(group.commands)  # type: ignore[attr-defined]


def test_version() -> None:
    result = runner.invoke(app, ["--version"])
    assert result.exit_code == 0 and result.stdout == f"blog {__version__}\n"


@pytest.mark.parametrize("name", command_names())
def test_every_command_has_help(name: str) -> None:
    result = runner.invoke(app, [name, "--help"])
    assert result.exit_code == 0
    assert "Usage: blog " in result.stdout
    doc = typer.main.get_command(app).commands[name].help  # type: ignore[attr-defined]
    assert doc and doc.strip().split("\n")[0].endswith(".")


def test_outside_a_blog_is_exit_2_without_traceback(tmp_path: Path) -> None:
    done = run_blog("new", "X", cwd=tmp_path)
    assert done.returncode == 2
    assert done.stderr.startswith(f"Error: {tmp_path} is not inside a blog")
    assert "Traceback" not in done.stderr
    assert done.stdout == ""


def test_unknown_option_is_exit_2(tmp_path: Path) -> None:
    assert run_blog("new", "--nope", cwd=tmp_path).returncode == 2


def test_invalid_blog_toml_is_exit_2_with_line(tmp_path: Path) -> None:
    (tmp_path / "blog.toml").write_text("[site\n", encoding="utf-8")
    done = run_blog("new", "X", cwd=tmp_path)
    assert done.returncode == 2
    assert done.stderr.startswith(f"Error: {tmp_path / 'blog.toml'}:1: not valid TOML")


def test_python_dash_m_and_no_colour_when_piped(tmp_path: Path) -> None:
    done = run_blog("--help", cwd=tmp_path, env={"NO_COLOR": ""})
    assert done.returncode == 0
    assert "\x1b[" not in done.stdout  # not a terminal: no colour codes


def test_import_stays_light() -> None:
    code = ("import sys, blogcli.cli; heavy = {'git', 'jinja2', 'httpx', 'asyncio',"
            " 'markdown_it', 'yaml', 'frontmatter'}; "
            "print(sorted(m for m in heavy if m in sys.modules))")
    done = subprocess.run([sys.executable, "-c", code], cwd=REPO, capture_output=True,
                          text=True, check=True)
    assert done.stdout == "[]\n"
