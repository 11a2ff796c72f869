"""`blog check` read without typer (__main__._plain_check) does what the typer command does.

Every case runs twice as a real subprocess in two copies of the same site, each with an empty
cache: once as the console script runs (``python -m blogcli``: the quick path when the
arguments are plain, with typer made unimportable) and once through cli.main (always typer);
stdout, stderr, the exit status and every file of the site must be the same bytes.
"""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from blogcli.__main__ import CHECK_DEFAULTS, CHECK_FLAGS, CHECK_VALUES, GLOBAL_FLAGS, _plain_check
from tests.helpers import quick

ENV = {"BLOG_NOW": "2026-03-04T05:06:07+01:00", "NO_COLOR": "1"}
POST = "---\ntitle: {title}\ndate: 2024-01-02T03:04:05+00:00\n---\n# {title}\n\n{body}\n"


def typer_blog(*args: str, cwd: Path, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return quick.typer_blog(*args, cwd=cwd, env=env)


@pytest.fixture(scope="module")
def sites(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """A plain blog with a broken link, a date without a zone and a blog.toml notice; the same
    blog clean; a Hugo site with no posts."""
    base = tmp_path_factory.mktemp("sites")
    plain = base / "plain"
    (plain / "posts").mkdir(parents=True)
    (plain / "blog.toml").write_text('[site]\ntitle = "T"\nprofile = "plain"\nauthr = "x"\n')
    (plain / "posts" / "a.md").write_text(POST.format(title="A", body="See [b](b.md#b)."))
    (plain / "posts" / "b.md").write_text(POST.format(title="B", body="[gone](missing.md)"))
    (plain / "posts" / "c.md").write_text("---\ntitle: C\ndate: 2024-01-02 10:00\n---\nHi.\n")
    clean = base / "clean"
    (clean / "posts").mkdir(parents=True)
    (clean / "blog.toml").write_text('[site]\ntitle = "T"\nprofile = "plain"\n')
    (clean / "posts" / "a.md").write_text(POST.format(title="A", body="Fine."))
    hugo = base / "hugo"
    (hugo / "content").mkdir(parents=True)
    (hugo / "hugo.toml").write_text("baseURL = 'http://example.org/'\ntitle = 'S'\n")
    return {"plain": plain, "clean": clean, "hugo": hugo}


CASES = [
    ["check"],
    ["check", "--format", "json"],
    ["check", "--format", "text", "--strict"],
    ["check", "--strict", "--format", "json"],
    ["-q", "check"],
    ["check", "-q", "--format", "json"],
    ["-v", "check"],
    ["-v", "-q", "check"],
    ["-C", "{site}", "check"],
    ["check", "--site", "{site}", "--format", "json"],
    ["check", "posts/a.md"],
    ["check", "posts/b.md", "posts/a.md", "--format", "json"],
    ["check", "posts"],
    ["check", "posts/nope.md"],
    ["check", "blog.toml"],
    ["check", "../outside.md"],
    ["check", "--site", "{site}/missing"],
    ["check", "--site", "{site}/blog.toml"],
    # not plain: typer reads these (help, usage errors, the options the quick path leaves)
    ["check", "--help"], ["check", "--format", "github"], ["check", "--format", "yaml"],
    ["check", "--format=json"], ["check", "--strict", "--strict"], ["check", "--fix"],
    ["check", "--changed"], ["check", "--bogus"], ["check", "--", "posts/a.md"],
    ["check", "--format"], ["-C", "list", "check"],
]


@pytest.mark.parametrize("case", CASES, ids=[" ".join(c) for c in CASES])
@pytest.mark.parametrize("kind", ["plain", "clean", "hugo"])
def test_quick_check_is_the_typer_command(sites: dict[str, Path], tmp_path: Path, kind: str,
                                          case: list[str]) -> None:
    if kind != "plain" and _plain_check(case) is None:
        pytest.skip("one site is enough for a case typer reads")
    quick_run, slow = quick.both_ways(sites[kind], tmp_path, case, ENV, _plain_check)
    assert quick_run[:4] == slow[:4], (quick_run[1:3], slow[1:3])


def test_quick_check_knows_the_typer_commands_options() -> None:
    """The options the quick path reads are the typer command's: names, flags, defaults."""
    _, command, flags, values, defaults, globals_ = quick.declared("check")
    arguments = [p for p in command.params if p.param_type_name == "argument"]
    assert [(p.name, p.required, p.nargs) for p in arguments] == [("paths", False, -1)]
    assert {k: flags[k] for k in CHECK_FLAGS} == CHECK_FLAGS
    assert {k: values[k] for k in CHECK_VALUES} == CHECK_VALUES
    assert {k: getattr(defaults[k], "value", defaults[k]) for k in CHECK_DEFAULTS} == \
        CHECK_DEFAULTS
    output = command.params[[p.name for p in command.params].index("output")].type
    assert list(output.choices)[:2] == ["text", "json"] and output.case_sensitive
    assert globals_ == GLOBAL_FLAGS


def test_only_plain_arguments_take_the_quick_path() -> None:
    assert _plain_check(["check"]) == {**CHECK_DEFAULTS, "quiet": False, "verbose": False,
                                       "site": None, "paths": []}
    assert _plain_check(["-q", "check", "a.md", "-C", "x", "--format", "json", "--strict"]) == {
        **CHECK_DEFAULTS, "quiet": True, "verbose": False, "site": "x", "paths": ["a.md"],
        "output": "json", "strict": True}
    for args in (["check", "-h"], ["check", "--external"], ["check", "--format", "github"],
                 ["check", "--no-cache"], ["check", "--exclude", "x"], ["list"],
                 ["check", "-q", "--quiet"], ["--site", "check", "check"], ["check", ""], []):
        assert _plain_check(args) is None, args
