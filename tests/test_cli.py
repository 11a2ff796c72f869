"""The command line as a whole: help, version, errors, colour, and a light import."""

from __future__ import annotations

import os
import shlex
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


@pytest.mark.parametrize("args", [["--version"], ["--version", "-q"], ["-q", "--version"]])
def test_version_as_a_command_is_typers_line(tmp_path: Path, args: list[str]) -> None:
    """`blog --version` alone is answered before typer loads (__main__.py): the same line,
    status and silence on stderr as typer's eager option gives."""
    done = run_blog(*args, cwd=tmp_path)
    assert (done.returncode, done.stdout, done.stderr) == (0, f"blog {__version__}\n", "")


@pytest.mark.parametrize("args", [["--version"], ["--version", "-q"]])
def test_version_into_a_closed_pipe_ends_quietly(tmp_path: Path, args: list[str]) -> None:
    """As click ends a command whose reader has gone: status 1, no traceback."""
    read, write = os.pipe()
    os.close(read)
    env = dict(os.environ, PYTHONPATH=str(REPO))
    try:
        done = subprocess.run([sys.executable, "-m", "blogcli", *args], cwd=tmp_path, env=env,
                              stdout=write, stderr=subprocess.PIPE, text=True, check=False)
    finally:
        os.close(write)
    assert (done.returncode, done.stderr) == (1, "")


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


@pytest.mark.parametrize(("name", "text", "line"), [
    ("hugo.toml", 'title = "T"\nbaseURL = "https://[bad/"\n', 2),
    ("_config.yml", "title: T\nurl: http://[x\n", 2),
    ("config.toml", 'base_url = "https://x]/"\ntitle = "T"\n', 1),
])
@pytest.mark.parametrize("command", [["check"], ["list"]])
def test_a_site_address_urllib_refuses_is_exit_2_with_line(
        tmp_path: Path, name: str, text: str, line: int, command: list[str]) -> None:
    (tmp_path / name).write_text(text, encoding="utf-8")
    posts = tmp_path / ("_posts" if name == "_config.yml" else "content/posts")
    posts.mkdir(parents=True)
    (posts / "2024-01-01-a.md").write_text("---\ntitle: A\ndate: 2024-01-01\n---\nA\n")
    done = run_blog(*command, cwd=tmp_path)
    assert (done.returncode, done.stdout) == (2, "")
    assert done.stderr.startswith(f"Error: {tmp_path / name}:{line}: ")
    assert "is not a web address the engine can use" in done.stderr
    assert "Traceback" not in done.stderr


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


@pytest.mark.parametrize("args", [
    ["--site", "{site}", "list"], ["list", "--site", "{site}"], ["list", "-C", "{site}"],
    ["-C", "{site}", "list"], ["list", "--site={site}"], ["list", "-C{site}"],
    ["list", "--format", "json", "-C", "{site}"],
])
def test_site_option_before_or_after_the_command(tmp_path: Path, args: list[str]) -> None:
    site = tmp_path / "lab"
    assert runner.invoke(app, ["-q", "init", str(site)]).exit_code == 0
    assert runner.invoke(app, ["-C", str(site), "new", "Hello there"]).exit_code == 0
    done = run_blog(*[a.replace("{site}", str(site)) for a in args], cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert "hello-there" in done.stdout or "Hello there" in done.stdout


def test_global_options_after_double_dash_are_left_alone() -> None:
    from blogcli.cli import hoist_global_options

    commands = {"new", "list"}
    assert hoist_global_options(["new", "-q", "--", "-v"], commands) == ["-q", "new", "--", "-v"]
    assert hoist_global_options(["-C", "x", "list"], commands) == ["-C", "x", "list"]


def test_verbose_names_the_site_and_quiet_silences_notes(tmp_path: Path) -> None:
    site = tmp_path / "lab"
    assert runner.invoke(app, ["-q", "init", str(site)]).exit_code == 0
    assert run_blog("new", "Hello", cwd=site).returncode == 0  # no post at all: check exits 2
    done = run_blog("list", "-v", cwd=site)
    assert done.stderr == f"Site: {site} (plain; posts in posts/)\n"
    clean = run_blog("check", cwd=site)
    assert clean.returncode == 0 and clean.stdout != ""
    quiet = run_blog("check", "-q", cwd=site)
    assert quiet.returncode == 0 and quiet.stdout == "" and quiet.stderr == ""


def _site_linking(tmp_path: Path, *urls: str) -> Path:
    site = tmp_path / "lab"
    assert runner.invoke(app, ["-q", "init", str(site)]).exit_code == 0
    (site / "blog.toml").write_text("[links]\nallow_private = true\nretries = 0\n",
                                    encoding="utf-8")
    links = "".join(f"See [x]({u}).\n" for u in urls)
    (site / "posts/a.md").write_text(f"---\ntitle: A\ndate: 2024-01-02T10:00:00Z\n---\n{links}",
                                     encoding="utf-8")
    return site


def test_exclude_and_lycheeignore_skip_web_addresses(tmp_path: Path, httpserver_ipv4) -> None:
    httpserver_ipv4.expect_request("/gone").respond_with_data("no", 404)
    httpserver_ipv4.expect_request("/old").respond_with_data("no", 410)
    gone, old = httpserver_ipv4.url_for("/gone"), httpserver_ipv4.url_for("/old")
    site = _site_linking(tmp_path, gone, old)
    args = ["check", "--external", "--no-cache", "--format", "json"]
    import json

    def broken(*extra: str) -> list[str]:
        done = run_blog(*args, *extra, cwd=site)
        assert done.returncode in (0, 1), done.stderr
        return [f["target"] for f in json.loads(done.stdout)["findings"]]

    assert broken() == [gone, old]
    assert broken("--exclude", "/gone$") == [old]
    assert broken("--exclude", "/gone$", "--exclude", "old") == []
    (site / ".lycheeignore").write_text("# lychee's own file\n\n/old$\n", encoding="utf-8")
    assert broken() == [gone]
    (site / ".lycheeignore").write_text("ok\n(unclosed\n", encoding="utf-8")
    done = run_blog(*args, cwd=site)
    assert done.returncode == 2
    assert done.stderr.startswith(f"Error: {site / '.lycheeignore'}:2: bad regular expression")
    bad = run_blog(*args, "--exclude", "[", cwd=site)
    assert bad.returncode == 2 and bad.stderr.startswith("Error: --exclude '[': bad regular")


def _terminal_env(tmp_path: Path, **extra: str) -> dict[str, str]:
    import os

    env = {k: v for k, v in os.environ.items()
           if k not in ("NO_COLOR", "TERMINAL_WIDTH", "_TYPER_FORCE_DISABLE_TERMINAL",
                        "COLUMNS", "LINES")}
    bindir = str(Path(sys.executable).parent)
    env.update(PATH=bindir + ":" + env.get("PATH", ""), TERM="xterm", PS1="$ ", **extra)
    env["PYTHONPATH"] = str(REPO)
    return env


def test_completion_installs_and_completes_in_a_real_bash(tmp_path: Path) -> None:
    from tests.helpers.terminal import terminal

    assert (Path(sys.executable).parent / "blog").is_file(), "needs the `blog` script installed"
    site = tmp_path / "lab"
    assert runner.invoke(app, ["-q", "init", str(site)]).exit_code == 0
    env = _terminal_env(tmp_path, HOME=str(tmp_path), SHELL="/bin/bash")
    with terminal(["bash", "--norc", "--noprofile", "-i"], cwd=site, env=env) as term:
        term.expect("$ ")
        term.send("blog --install-completion\n")
        term.expect("bash completion installed in")
        term.send("source ~/.bashrc\n")
        term.send("blog lis\t")  # "li" could be links or list
        term.expect("blog list")
        term.send("--form\t")
        term.expect("blog list --format")
        term.send("\x03")  # Ctrl-C: leave the half-typed line
        term.send("exit\n")
    assert (tmp_path / ".bash_completions/blog.sh").is_file()
    # Typer finds the shell among the process's parents: run under a bash that stays its
    # parent (`; true` stops bash from exec-ing the command), whatever ran the tests.
    shown = subprocess.run(["bash", "-c", f"{shlex.quote(sys.executable)} -m blogcli "
                            "--show-completion; true"], cwd=tmp_path, capture_output=True,
                           text=True, check=False, env=dict(os.environ, PYTHONPATH=str(REPO)))
    assert shown.returncode == 0 and "_BLOG_COMPLETE=complete_bash" in shown.stdout, shown.stderr


@pytest.mark.parametrize(("front", "where", "hint"), [
    ('title: "Part 1\ndate: 2024-01-01\n', "posts/a.md:2:", "YAML front matter does not parse "
     "at line 2, column 8: found unexpected end of stream; the quote opened at line 2, "
     "column 8 is never closed"),
    ("date: 2024-01-01\ntitle: Part 1: the plan\n", "posts/a.md:3:", "at line 3, column 14: "
     "mapping values are not allowed in this context; a value with ': ' in it must be quoted"),
    ("title: x\n\tdate: 1\n", "posts/a.md:3:", "at line 3, column 1: found a tab character "
     "that violates indentation; YAML does not allow tabs before a key: indent with spaces"),
])
def test_yaml_errors_say_the_parsers_line_column_and_a_hint(tmp_path: Path, front: str,
                                                           where: str, hint: str) -> None:
    site = tmp_path / "lab"
    assert runner.invoke(app, ["-q", "init", str(site)]).exit_code == 0
    (site / "posts/a.md").write_text(f"---\n{front}---\nHi\n", encoding="utf-8")
    done = run_blog("check", cwd=site)
    assert done.returncode == 1
    line = next(x for x in done.stdout.splitlines() if "front-matter-invalid" in x)
    assert where in line and hint in line, line
    shown = run_blog("show", "a", cwd=site)
    assert shown.returncode == 1 and where in shown.stderr and hint in shown.stderr


def test_an_interrupt_caught_inside_an_exec_still_ends_with_the_status_blog_chose(
        tmp_path: Path) -> None:
    """CPython sets its "unhandled KeyboardInterrupt" flag when an interrupt leaves any
    exec() of a string (dataclasses and namedtuple make their methods so while a module
    loads: a SIGTERM in publish's pre-flight landed there one run in seven), caught or not;
    `python -m` then ends the process by SIGINT, whatever its status. blog's own status
    (130, said as "interrupted") must be the one the shell sees."""
    (tmp_path / "probe.py").write_text(
        "import sys\n"
        "from blogcli import __main__ as blog\n"
        "from blogcli.errors import Interrupted\n"
        "def list_posts(opts):\n"
        "    def command():\n"
        "        try:\n"
        "            exec('raise KeyboardInterrupt')  # as a SIGTERM inside a dataclass\n"
        "        except KeyboardInterrupt:\n"
        "            raise Interrupted('interrupted before anything was changed') from None\n"
        "    blog._guarded(command)\n"
        "blog._list = list_posts\n"
        "sys.argv = ['blog', 'list']\n"
        "blog.run()\n", encoding="utf-8")
    done = subprocess.run([sys.executable, "-m", "probe"], cwd=tmp_path, capture_output=True,
                          text=True, env=dict(os.environ, PYTHONPATH=f"{REPO}{os.pathsep}."))
    assert (done.returncode, done.stderr) == (
        130, "Error: interrupted before anything was changed\n")
