"""`blog publish` read without typer (__main__._plain_publish) does what the typer command does.

Every case runs twice as a real subprocess, each in its own copy of the same repository and
bare remote: once as the console script runs (``python -m blogcli``: the quick path when the
arguments are plain) and once through cli.main (always typer). stdout, stderr, the exit
status, every file of the work tree, the index, every ref of the repository and of the remote
(commits included: their dates are fixed, so equal work makes equal hashes) must be the same.
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from blogcli.__main__ import (
    COMMANDS,
    GLOBAL_FLAGS,
    PUBLISH_DEFAULTS,
    PUBLISH_FLAGS,
    PUBLISH_VALUES,
    _plain_publish,
)
from tests.conftest import git
from tests.helpers import quick
from tests.helpers.gitsite import DRAFT, make_blog

STAMP = "2026-03-04T05:06:07+01:00"
ENV = {"BLOG_NOW": STAMP, "NO_COLOR": "1", "GIT_AUTHOR_DATE": STAMP,
       "GIT_COMMITTER_DATE": STAMP}
BROKEN = DRAFT.replace("Hi.", "See [the missing post](missing.md).").replace("Hello World",
                                                                              "Broken")


def typer_blog(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return quick.typer_blog(*args, cwd=cwd, env=ENV)


def state(base: Path) -> dict[str, object]:
    """Everything a publish may change: files, index, refs here and on the remote."""
    site = base / "site"
    files = {p.relative_to(site).as_posix(): p.read_bytes()
             for p in sorted(site.rglob("*")) if p.is_file() and ".git" not in p.parts}
    return {"files": files,
            "index": git("ls-files", "--stage", cwd=site),
            "status": git("status", "--porcelain=v1", "--untracked-files=all", cwd=site),
            "refs": git("for-each-ref", "--format=%(refname) %(objectname)", cwd=site),
            "remote": git("for-each-ref", "--format=%(refname) %(objectname)",
                          cwd=base / "remote.git"),
            "log": git("log", "--all", "--format=%H %ad %cd %an %s", cwd=site)}


@pytest.fixture(scope="module")
def repos(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """Bases (a site and its bare remote) to copy: a plain blog with drafts, the same with a
    local commit not pushed, and a Jekyll site whose draft moves out of _drafts/."""
    made: dict[str, Path] = {}
    for kind, profile in (("plain", "plain"), ("ahead", "plain"), ("jekyll", "jekyll")):
        base = tmp_path_factory.mktemp(kind)
        blog = make_blog(base, profile)
        if profile == "plain":
            blog.write("posts/hello-world.md", DRAFT)
            blog.write("posts/second.md", DRAFT.replace("Hello World", "Second"))
            blog.write("posts/broken.md", BROKEN)
            blog.write("posts/live.md", DRAFT.replace("draft: true", "draft: false"))
        else:
            blog.write("_drafts/hello.md", DRAFT.replace("draft: true\n", ""))
        blog.commit_all("drafts")
        blog.push()
        if kind == "ahead":
            blog.write("notes.txt", "kept local\n")
            blog.commit_all("local only")
        blog.write("scratch.md", "the user's own work, never committed\n")
        made[kind] = base
    return made


def copy(base: Path, to: Path, remote: str = "") -> Path:
    shutil.copytree(base, to, symlinks=True)
    url = str(to / "remote.git") if not remote else str(to / remote)
    git("remote", "set-url", "origin", url, cwd=to / "site")
    return to


PLAIN = [
    ["publish", "posts/hello-world.md"],
    ["publish", "hello-world"],
    ["publish", "hello-world", "--dry-run"],
    ["publish", "hello-world", "--no-push"],
    ["publish", "hello-world", "-m", "Up: {title} ({count})"],
    ["publish", "hello-world", "--message", "{nope}"],
    ["publish", "hello-world", "--format", "json"],
    ["publish", "hello-world", "--format", "text", "--dry-run", "--no-push"],
    ["-q", "publish", "hello-world", "second"],
    ["-v", "publish", "hello-world", "--no-dry-run", "--push"],
    ["-C", "{site}", "publish", "hello-world"],
    ["publish", "hello-world", "--site", "{site}", "-v", "-q"],
    ["publish", "hello-world", "hello-world"],
    ["publish", "no-such-post"],
    ["publish", "broken"],
    ["publish", "live"],
    ["publish", "live", "--format", "json"],
    ["publish", "scratch.md"],
    ["publish", "hello-world", "--at", "2030-01-02 09:00"],
    ["publish", "hello-world", "--at", "2030-01-02 09:00", "--dry-run", "--format", "json"],
    ["publish", "hello-world", "--at", "2001-01-01"],
    ["publish", "hello-world", "--at", "tomorrow", "--keep-date"],
    ["publish", "hello-world", "--site", "{site}/missing"],
    ["publish", "hello-world", "--site", "{site}/blog.toml"],
    # not plain: typer reads these (help, usage errors, forms the quick path leaves alone)
    ["publish"], ["publish", "--help"], ["publish", "hello-world", "--bogus"],
    ["publish", "hello-world", "--format", "yaml"], ["publish", "hello-world", "--format=json"],
    ["publish", "hello-world", "-m", "a", "-m", "b"], ["publish", "--", "hello-world"],
    ["publish", "hello-world", "-m"], ["publish", "hello-world", "--message", ""],
    ["-C", "list", "publish", "hello-world", "-q"], ["publish", "hello-world", "-mX"],
]
CASES = [("plain", case) for case in PLAIN] + [
    ("ahead", ["publish", "hello-world"]),
    ("ahead", ["publish", "hello-world", "--include-unpushed"]),
    ("gone", ["publish", "hello-world"]),
    ("gone", ["publish", "hello-world", "--no-push"]),
    ("jekyll", ["publish", "_drafts/hello.md"]),
    ("jekyll", ["publish", "hello", "--keep-date", "--format", "json"]),
    ("jekyll", ["publish", "hello", "--dry-run"]),
]


@pytest.mark.parametrize(("kind", "case"), CASES, ids=[f"{k}: {' '.join(c)}" for k, c in CASES])
def test_quick_publish_is_the_typer_command(repos: dict[str, Path], tmp_path: Path, kind: str,
                                            case: list[str]) -> None:
    outcome = []
    for name in ("quick", "typer"):
        # The same path for both copies: messages name the site, and the cache is keyed by it.
        base = tmp_path / "base"
        copy(repos["plain" if kind == "gone" else kind], base,
             remote="missing.git" if kind == "gone" else "")
        site = base / "site"
        args = [a.replace("{site}", str(site)) for a in case]
        done = typer_blog(*args, cwd=site) if name == "typer" else \
            quick.quick_blog(*args, cwd=site, env=ENV, taken=_plain_publish(args) is not None,
                             scratch=tmp_path)
        outcome.append((done.returncode, done.stdout, done.stderr, state(base), name))
        shutil.rmtree(base)
    fast, slow = outcome
    assert fast[:4] == slow[:4], (fast[1:3], slow[1:3])


def test_quick_publish_knows_the_typer_commands_options() -> None:
    """The option table of the quick path is the typer command's: names, flags, defaults;
    and its list of commands is the app's."""
    group, command, flags, values, defaults, globals_ = quick.declared("publish")
    assert set(COMMANDS) == set(group.commands)
    arguments = [p for p in command.params if p.param_type_name == "argument"]
    assert [(p.name, p.required, p.nargs) for p in arguments] == [("posts", False, -1)]
    assert flags == PUBLISH_FLAGS
    assert values == PUBLISH_VALUES
    assert {k: getattr(v, "value", v) for k, v in defaults.items()} == PUBLISH_DEFAULTS
    output = command.params[[p.name for p in command.params].index("output")].type
    assert list(output.choices) == ["text", "json"] and output.case_sensitive
    assert globals_ == GLOBAL_FLAGS


def test_only_plain_arguments_take_the_quick_path() -> None:
    assert _plain_publish(["publish", "a"]) == {**PUBLISH_DEFAULTS, "quiet": False,
                                                "verbose": False, "site": None,
                                                "posts": ["a"]}
    assert _plain_publish(["-q", "publish", "a", "b", "-C", "x", "-m", "M", "--no-push"]) == {
        **PUBLISH_DEFAULTS, "quiet": True, "verbose": False, "site": "x", "posts": ["a", "b"],
        "message": "M", "push": False}
    for args in (["publish"], ["publish", "-h"], ["publish", "a", "--help"], ["new", "a"],
                 ["publish", "a", "--push", "--no-push"], ["publish", "a", "--format", "x"],
                 ["publish", "a", "-q", "--quiet"], ["--site", "new", "publish", "a"],
                 ["publish", "a", "--at"], ["publish", ""], []):
        assert _plain_publish(args) is None, args
