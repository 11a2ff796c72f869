"""`blog new` read without typer (__main__._plain_new) does what the typer command does.

Every case runs twice as a real subprocess in two copies of the same site: once as the
console script runs (``python -m blogcli``: the quick path when the arguments are plain) and
once through cli.main (always typer); stdout, stderr, the exit status and every file of the
site must be the same bytes.
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from blogcli.__main__ import GLOBAL_FLAGS, NEW_DEFAULTS, NEW_FLAGS, NEW_VALUES, _plain_new
from tests.conftest import run_blog
from tests.helpers import quick

ENV = {"BLOG_NOW": "2026-03-04T05:06:07+01:00", "NO_COLOR": "1", "EDITOR": "true"}


def typer_blog(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return quick.typer_blog(*args, cwd=cwd, env=ENV)


def tree(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes()
            for p in sorted(root.rglob("*")) if p.is_file() and ".git" not in p.parts}


@pytest.fixture(scope="module")
def sites(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    base = tmp_path_factory.mktemp("sites")
    plain = base / "plain"
    assert run_blog("init", str(plain), "--title", "T", "--author", "A", cwd=base).returncode == 0
    (plain / "posts" / "taken.md").write_text("---\ntitle: Taken\n---\n")
    (plain / "scaffolds").mkdir()
    (plain / "scaffolds" / "note.md").write_text("---\ntitle: {{ title }}\n---\n# {{ title }}\n")
    hugo = base / "hugo"
    (hugo / "archetypes").mkdir(parents=True)
    (hugo / "content" / "posts").mkdir(parents=True)
    (hugo / "config.toml").write_text("baseURL = 'http://example.org/'\ntitle = 'S'\n")
    (hugo / "archetypes" / "default.md").write_text(
        '---\ntitle: "{{ replace .Name "-" " " | title }}"\ndate: {{ .Date }}\ndraft: true\n---\n')
    jekyll = base / "jekyll"
    (jekyll / "_posts").mkdir(parents=True)
    (jekyll / "_config.yml").write_text("title: J\n")
    (jekyll / "blog.toml").write_text("[site]\nauthr = 'typo'\n")  # a notice on stderr
    return {"plain": plain, "hugo": hugo, "jekyll": jekyll}


CASES = [
    ["new", "Hello there"],
    ["new", "Hello there", "--dry-run"],
    ["-q", "new", "Two tags", "--tag", "a", "--tag", "b c", "--dry-run"],
    ["new", "Verbose", "-v"],
    ["-v", "-q", "new", "Quiet wins", "--dry-run"],
    ["-C", "{site}", "new", "Elsewhere"],
    ["new", "After", "--site", "{site}", "--dry-run"],
    ["new", "Dated", "--slug", "own-slug", "--date", "2024-01-02"],
    ["new", "Bad date", "--date", "2024-13-45"],
    ["new", "Bundled", "--bundle"],
    ["new", "Edited", "--edit"],
    ["new", "Live", "--no-draft", "--force", "--no-bundle", "--no-dry-run", "--no-edit"],
    ["new", "Taken"],
    ["new", "Taken", "--force", "--dry-run"],
    ["new", "Page", "--scaffold", "page"],
    ["new", "No such", "--scaffold", "nope"],
    ["new", "!!!"],
    ["new", "Part 1: the plan", "--tag", "yes", "--dry-run"],
    ["new", "\x1b[31mRed\x1b[0m title", "--dry-run"],
    ["new", "\x1b[31mRed\x1b[0m title", "--scaffold", "note", "--dry-run"],
    ["new", "Über Café 日本語", "--dry-run"],
    ["new", "Gone", "--site", "{site}/missing"],
    ["new", "new", "--dry-run"],
    # not plain: typer reads these (help, usage errors, forms the quick path leaves alone)
    ["new"], ["new", "--help"], ["new", "T", "--bogus"], ["new", "T", "--slug=x"],
    ["new", "T", "--slug", "a", "--slug", "b"], ["new", "A", "B"], ["new", "T", "--tag"],
    ["new", "T", "--tag", "-x"], ["list", "new"], ["-C", "new", "new", "T", "-q"],
    ["new", "T", "--site", "{site}/blog.toml"], ["-Cx", "new", "T"], ["new", "--", "T"],
    ["-C", "list", "new", "T", "-q"],
]


@pytest.mark.parametrize("case", CASES, ids=[" ".join(c) for c in CASES])
@pytest.mark.parametrize("kind", ["plain", "hugo", "jekyll"])
def test_quick_new_is_the_typer_command(sites: dict[str, Path], tmp_path: Path, kind: str,
                                        case: list[str]) -> None:
    if kind != "plain" and case[:1] == ["list"]:
        pytest.skip("one site is enough for a case typer reads")
    quick_site, typer_site = tmp_path / "a" / kind, tmp_path / "b" / kind
    shutil.copytree(sites[kind], quick_site)
    shutil.copytree(sites[kind], typer_site)
    outcome = []
    for site, run in ((quick_site, run_blog), (typer_site, typer_blog)):
        args = [a.replace("{site}", str(site)) for a in case]
        done = run(*args, cwd=site, env=ENV) if run is run_blog else run(*args, cwd=site)
        text = (done.stdout + done.stderr).replace(str(site), "SITE")
        outcome.append((done.returncode, done.stdout.replace(str(site), "SITE"),
                        done.stderr.replace(str(site), "SITE"), tree(site), text))
    quick, slow = outcome
    assert quick[:4] == slow[:4], (quick[4], slow[4])


def test_quick_new_knows_the_typer_commands_options() -> None:
    """The option table of the quick path is the typer command's: names, flags, defaults."""
    _, new, flags, values, defaults, globals_ = quick.declared("new")
    arguments = [p for p in new.params if p.param_type_name == "argument"]
    assert [(p.name, p.required) for p in arguments] == [("title", True)]
    assert flags == NEW_FLAGS
    assert values == NEW_VALUES
    assert {k: ([] if v is None and k == "tag" else v) for k, v in defaults.items()} == \
        NEW_DEFAULTS
    assert globals_ == GLOBAL_FLAGS


def test_only_plain_arguments_take_the_quick_path() -> None:
    assert _plain_new(["new", "T"]) is not None
    assert _plain_new(["-q", "new", "T", "-C", "x", "--tag", "a", "--dry-run"]) == {
        **NEW_DEFAULTS, "quiet": True, "verbose": False, "site": "x", "title": "T",
        "tag": ["a"], "dry_run": True}
    for args in (["new"], ["new", "-h"], ["new", "T", "--help"], ["--version"], ["list"],
                 ["new", "T", "--draft", "--no-draft"], ["new", "T", "-q", "-q"], []):
        assert _plain_new(args) is None, args
