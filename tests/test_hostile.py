"""Issue 15 item 4: each hostile input that broke a command is a finding with its file and
line, in time, never a traceback (check, list, show, stats, new)."""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from typer.testing import CliRunner, Result

from blogcli.cli import app

BOMB = ("title: &a [x, x, x, x, x, x, x, x, x]\ntags: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]\n"
        "c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b]\nd: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c]\n"
        "e: &e [*d, *d, *d, *d, *d, *d, *d, *d, *d]\nf: &f [*e, *e, *e, *e, *e, *e, *e, *e, *e]\n"
        "g: [*f, *f, *f, *f, *f, *f, *f, *f, *f]\n")


def site(tmp_path: Path, posts: dict[str, str | bytes], toml: str = "") -> Path:
    root = tmp_path / "site"
    (root / "posts").mkdir(parents=True)
    (root / "blog.toml").write_text(f'[site]\ntitle = "T"\nprofile = "plain"\n{toml}',
                                    encoding="utf-8")
    for name, text in posts.items():
        data = text.encode("utf-8") if isinstance(text, str) else text
        (root / "posts" / name).write_bytes(data)
    return root


def blog(root: Path, *args: str) -> Result:
    return CliRunner().invoke(app, ["--site", str(root), *args])


def assert_no_crash(result: Result) -> None:
    assert result.exception is None or isinstance(result.exception, SystemExit), \
        repr(result.exception)
    assert result.exit_code in (0, 1, 2), result.output


@pytest.mark.parametrize(("front", "line", "words"), [
    (BOMB, 7, "expand to more than 100,000 values"),
    ("title: x\nn: " + "7" * 5000 + "\n", 3, "a number of 5000 digits"),
    ("title: x\nd: " + "[" * 5000 + "]" * 5000 + "\n", 2, "nested more than 100 levels"),
])
def test_hostile_yaml_is_a_finding_in_time(tmp_path: Path, front: str, line: int,
                                           words: str) -> None:
    root = site(tmp_path, {"bad.md": f"---\n{front}---\nBody\n"})
    for args in (["check"], ["list"], ["stats"]):
        started = time.monotonic()
        result = blog(root, *args)
        assert time.monotonic() - started < 10
        assert_no_crash(result)
    check = blog(root, "check")
    assert check.exit_code == 1
    assert f"posts/bad.md:{line}:" in check.output and words in check.output


def test_json_nested_5000_deep_is_a_finding(tmp_path: Path) -> None:
    root = site(tmp_path, {"deep.md": '{"title": ' + "[" * 5000 + "]" * 5000 + "}\nBody\n"})
    result = blog(root, "check")
    assert result.exit_code == 1 and "nested more than 100 levels" in result.output


@pytest.mark.parametrize("value", [".inf", "-.inf", ".nan", "99999999999999999999"])
def test_absurd_reading_time_is_ignored(tmp_path: Path, value: str) -> None:
    root = site(tmp_path, {"a.md": f"---\ntitle: A\ndate: 2024-01-01\nreading_time: {value}\n"
                                   "---\nOne two three.\n"})
    for args in (["list"], ["show", "a"], ["stats"], ["list", "--format", "json"]):
        result = blog(root, *args)
        assert_no_crash(result)
        assert result.exit_code == 0, result.output


def test_a_post_over_the_size_limit_is_a_finding_not_a_stall(tmp_path: Path) -> None:
    big = "---\ntitle: Big\ndate: 2024-01-01\n---\n" + "word " * 500_000  # 2.5 MB
    root = site(tmp_path, {"big.md": big}, "max_post_mb = 1\n")
    started = time.monotonic()
    result = blog(root, "check")
    assert time.monotonic() - started < 10
    assert result.exit_code == 1
    assert "posts/big.md:1:" in result.output and "over the 1 MB limit" in result.output
    listed = blog(root, "list")
    assert_no_crash(listed)


@pytest.mark.parametrize("target", ["a%00.md", "/a%00", "x" * 3000, "/" + "y" * 3000])
def test_nul_and_over_long_link_targets_are_findings(tmp_path: Path, target: str) -> None:
    root = site(tmp_path, {"a.md": f"---\ntitle: A\ndate: 2024-01-01\n---\n[x]({target})\n"
                                   f"![i]({target})\n<img src=\"{target}\">\n"})
    result = blog(root, "check")
    assert_no_crash(result)
    assert "posts/a.md:5:" in result.output


def test_over_long_slug_is_refused_and_a_243_byte_one_works(tmp_path: Path) -> None:
    root = site(tmp_path, {})
    long = blog(root, "new", "T", "--slug", "b" * 300)
    assert long.exit_code == 2 and "over the 255 file systems allow" in long.output
    ok = blog(root, "new", "T", "--slug", "c" * 240)
    assert ok.exit_code == 0, ok.output
    assert (root / "posts" / f"{'c' * 240}.md").is_file()
