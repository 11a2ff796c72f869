"""`blog list` read without typer (__main__._plain_list) does what the typer command does.

Every case runs twice as a real subprocess in two copies of the same site, each with an empty
cache: once as the console script runs (``python -m blogcli``: the quick path when the
arguments are plain, with typer made unimportable) and once through cli.main (always typer);
stdout, stderr, the exit status and every file of the site must be the same bytes, and so
must the output kept for the next run.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from blogcli.__main__ import GLOBAL_FLAGS, LIST_DEFAULTS, LIST_FLAGS, LIST_VALUES, _plain_list
from tests.helpers import quick

ENV = {"BLOG_NOW": "2026-03-04T05:06:07+01:00", "NO_COLOR": "1", "COLUMNS": "80"}
POST = "---\ntitle: {title}\ndate: {date}\n{extra}---\n# {title}\n\n{body}\n"


@pytest.fixture(scope="module")
def sites(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """A plain blog with a draft, a post that does not parse, a CJK title and a blog.toml
    notice; a Hugo site with no posts."""
    base = tmp_path_factory.mktemp("sites")
    plain = base / "plain"
    (plain / "posts").mkdir(parents=True)
    (plain / "blog.toml").write_text('[site]\ntitle = "T"\nprofile = "plain"\nauthr = "x"\n')
    posts = {"a.md": POST.format(title="A post", date="2024-01-02", extra="tags: [x, y]\n",
                                 body="Some words here. " * 40),
             "b.md": POST.format(title="Ruby 3.3.0 リリース", date="2025-12-25T10:00:00+09:00",
                                 extra="", body="リリースしました。" * 30),
             "c.md": POST.format(title="Later", date="2999-01-01", extra="", body="Soon."),
             "d.md": POST.format(title="Draft", date="2024-05-01", extra="draft: true\n",
                                 body="Not yet.")}
    for name, text in posts.items():
        (plain / "posts" / name).write_text(text, encoding="utf-8")
    (plain / "posts" / "e.md").write_text("---\ntitle: [unclosed\n---\nText.\n")
    hugo = base / "hugo"
    (hugo / "content").mkdir(parents=True)
    (hugo / "hugo.toml").write_text("baseURL = 'http://example.org/'\ntitle = 'S'\n")
    return {"plain": plain, "hugo": hugo}


CASES = [
    ["list"],
    ["list", "--format", "json"],
    ["list", "--format", "text", "--no-drafts"],
    ["list", "--drafts", "--format", "json"],
    ["list", "--no-drafts", "--format", "json"],
    ["-q", "list"],
    ["-v", "list"],
    ["-v", "-q", "list", "--format", "json"],
    ["-C", "{site}", "list"],
    ["list", "--site", "{site}", "--format", "json"],
    ["list", "--site", "{site}/missing"],
    ["list", "--site", "{site}/blog.toml"],
    # not plain: typer reads these (help, usage errors)
    ["list", "--help"], ["list", "--format", "yaml"], ["list", "--format=json"],
    ["list", "--drafts", "--drafts"], ["list", "--bogus"], ["list", "posts/a.md"],
    ["list", "--format"], ["-C", "list", "list"], ["list", "--format", "JSON"],
]


@pytest.mark.parametrize("case", CASES, ids=[" ".join(c) for c in CASES])
@pytest.mark.parametrize("kind", ["plain", "hugo"])
def test_quick_list_is_the_typer_command(sites: dict[str, Path], tmp_path: Path, kind: str,
                                         case: list[str]) -> None:
    if kind != "plain" and _plain_list(case) is None:
        pytest.skip("one site is enough for a case typer reads")
    quick_run, slow = quick.both_ways(
        sites[kind], tmp_path, case, ENV, _plain_list,
        also=lambda cache: sorted(p.read_bytes().split(b"\n", 1)[1]
                                  for p in cache.rglob("list-*.kept")))
    assert quick_run[:5] == slow[:5], (quick_run[1:3], slow[1:3])


def test_quick_list_knows_the_typer_commands_options() -> None:
    """The options the quick path reads are the typer command's: names, flags, defaults."""
    _, command, flags, values, defaults, globals_ = quick.declared("list")
    assert [p for p in command.params if p.param_type_name == "argument"] == []
    assert flags == LIST_FLAGS
    assert values == LIST_VALUES
    assert {k: getattr(v, "value", v) for k, v in defaults.items()} == LIST_DEFAULTS
    output = command.params[[p.name for p in command.params].index("output")].type
    assert list(output.choices) == ["text", "json"] and output.case_sensitive
    assert globals_ == GLOBAL_FLAGS


def test_only_plain_arguments_take_the_quick_path() -> None:
    assert _plain_list(["list"]) == {**LIST_DEFAULTS, "quiet": False, "verbose": False,
                                     "site": None}
    assert _plain_list(["-q", "list", "-C", "x", "--format", "json", "--no-drafts"]) == {
        "quiet": True, "verbose": False, "site": "x", "output": "json", "drafts": False}
    for args in (["list", "-h"], ["list", "a.md"], ["list", "--format", "github"],
                 ["list", "--drafts", "--no-drafts"], ["list", "-q", "--quiet"],
                 ["--site", "list", "list"], ["list", ""], ["show", "x"], []):
        assert _plain_list(args) is None, args
