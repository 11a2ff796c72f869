"""Reports (text, JSON, GitHub annotations) and the `blog check` command's output and exit codes."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from blogcli.check.findings import CheckResult, Finding
from blogcli.check.report import as_json, as_text, github_line, render
from blogcli.cli import app
from tests.conftest import git, run_blog
from tests.helpers import REPO

ERROR = Finding("posts/a.md", 12, 5, "link-missing", "error", "b.md: no such file", "b.md")
WARNING = Finding("posts/a.md", 3, 1, "date-no-zone", "warning", "date has no time zone")
OTHER = Finding("posts/z.md", 1, 1, "required-key", "error", "front matter has no 'title'")
RESULT = CheckResult([WARNING, ERROR, OTHER], files=2, links=7)
GOOD = "---\ntitle: Good\ndate: 2024-01-02T10:00:00+01:00\n---\nText.\n"


def test_text_groups_by_file_with_path_line_and_column() -> None:
    assert as_text(RESULT) == (
        "posts/a.md\n"
        "  posts/a.md:3:1: warning date has no time zone  (date-no-zone)\n"
        "  posts/a.md:12:5: error   b.md: no such file  (link-missing)\n"
        "\n"
        "posts/z.md\n"
        "  posts/z.md:1:1: error   front matter has no 'title'  (required-key)\n"
        "\n"
        "2 errors, 1 warning (2 files, 7 links).\n")


def test_text_says_so_when_clean_and_colours_only_when_asked() -> None:
    assert as_text(CheckResult([], files=1, links=1)) == "No problems found (1 file, 1 link).\n"
    assert "\x1b[" not in as_text(RESULT)
    assert "\x1b[31merror  \x1b[0m" in as_text(RESULT, color=True)


def test_json_follows_the_fixed_schema() -> None:
    data = json.loads(as_json(RESULT))
    assert data["version"] == 1
    assert data["summary"] == {"files": 2, "links": 7, "errors": 2, "warnings": 1}
    assert data["findings"][1] == {"path": "posts/a.md", "line": 12, "column": 5,
                                   "rule": "link-missing", "severity": "error",
                                   "message": "b.md: no such file", "target": "b.md"}
    assert "target" not in data["findings"][0]


def test_github_annotations_escape_their_fields() -> None:
    assert github_line(ERROR) == ("::error file=posts/a.md,line=12,col=5,title=link-missing::"
                                  "b.md: no such file")
    quiet = Finding("a.md", 1, 1, "link-anchor", "error", "no such heading", "b.md#x")
    assert github_line(quiet).endswith("::no such heading [b.md#x]")
    odd = Finding("a,b:c.md", 1, 2, "key-typo", "warning", "50% off\nnext line")
    assert github_line(odd) == ("::warning file=a%2Cb%3Ac.md,line=1,col=2,title=key-typo::"
                                "50%25 off%0Anext line")
    assert render(CheckResult([]), "github") == ""


# --- the command ------------------------------------------------------------------------------

runner = CliRunner()


def site(tmp_path: Path, posts: dict[str, str]) -> Path:
    (tmp_path / "blog.toml").write_text('[site]\ntitle = "T"\nprofile = "plain"\n')
    for name, text in posts.items():
        path = tmp_path / "posts" / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return tmp_path


def invoke(root: Path, *args: str) -> tuple[int, str, str]:
    done = runner.invoke(app, ["--site", str(root), "check", *args])
    return done.exit_code, done.stdout, done.stderr


def test_check_exits_0_when_clean(tmp_path: Path) -> None:
    code, out, err = invoke(site(tmp_path, {"a.md": GOOD}))
    assert (code, out, err) == (0, "No problems found (1 file, 0 links).\n", "")


def test_check_exits_1_on_errors_and_on_warnings_only_when_strict(tmp_path: Path) -> None:
    root = site(tmp_path, {"a.md": GOOD.replace("+01:00", "")})
    assert invoke(root)[0] == 0
    assert invoke(root, "--strict")[0] == 1
    (root / "posts/b.md").write_text(GOOD + "[x](gone.md)\n")
    code, out, _ = invoke(root, "--format", "json")
    assert code == 1
    assert json.loads(out)["summary"] == {"files": 2, "links": 1, "errors": 1, "warnings": 1}


def test_check_paths_and_github_format(tmp_path: Path) -> None:
    root = site(tmp_path, {"a.md": GOOD + "[x](gone.md)\n", "b.md": GOOD + "[y](gone.md)\n"})
    code, out, _ = invoke(root, "--format", "github", str(root / "posts/b.md"))
    assert (code, out) == (1, "::error file=posts/b.md,line=6,col=5,title=link-missing::"
                              "gone.md: no such file beside the post\n")


@pytest.mark.parametrize(("args", "message"), [
    (["nowhere.md"], "Error: nowhere.md: no such file or folder\n"),
])
def test_check_usage_errors_exit_2(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                   args: list[str], message: str) -> None:
    monkeypatch.chdir(site(tmp_path, {"a.md": GOOD}))
    code, out, err = invoke(tmp_path, *args)
    assert (code, out, err) == (2, "", message)


def test_bad_rule_settings_exit_2(tmp_path: Path) -> None:
    root = site(tmp_path, {"a.md": GOOD})
    (root / "blog.toml").write_text('[check]\nrules = {"no-such" = "off"}\n')
    code, _, err = invoke(root)
    assert code == 2
    assert err.startswith("Error: blog.toml: [check] rules: no rule named 'no-such'")


def test_bad_format_is_a_usage_error(tmp_path: Path) -> None:
    code, _, _ = invoke(site(tmp_path, {"a.md": GOOD}), "--format", "xml")
    assert code == 2


def test_check_runs_as_a_real_subprocess(tmp_path: Path) -> None:
    root = site(tmp_path, {"a.md": GOOD + "[x](gone.md)\n"})
    done = run_blog("check", cwd=root / "posts")
    assert done.returncode == 1
    assert "posts/a.md:6:5: error" in done.stdout
    assert done.stderr == ""


def test_check_outside_a_blog_exits_2(tmp_path: Path) -> None:
    done = run_blog("check", cwd=tmp_path)
    assert done.returncode == 2
    assert done.stderr.startswith("Error: ")


def test_github_paths_start_at_the_repository_root(tmp_path: Path,
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "blog").mkdir()
    root = site(tmp_path / "blog", {"a.md": GOOD + "[x](gone.md)\n"})
    monkeypatch.chdir(tmp_path)
    code, out, _ = invoke(root, "--format", "github")
    assert code == 1, out
    assert out.startswith("::error file=blog/posts/a.md,line=6,col=5,title=link-missing::")


def test_importing_the_cli_leaves_the_checker_unloaded() -> None:
    import subprocess
    import sys

    code = ("import sys, blogcli.cli; print(sorted(m for m in ('blogcli.check.checker', "
            "'markdown_it', 'yaml', 'concurrent.futures.process') if m in sys.modules))")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          check=True, cwd=REPO)
    assert done.stdout.strip() == "[]"


def test_check_refuses_a_post_linked_to_a_file_outside_the_site(tmp_path: Path) -> None:
    (tmp_path / "passwd").write_text("root:x:0:0:root:/root:/bin/bash\n")
    (tmp_path / "blog").mkdir()
    root = site(tmp_path / "blog", {"a.md": GOOD})
    (root / "posts/evil.md").symlink_to(tmp_path / "passwd")
    code, out, err = invoke(root, str(root / "posts/evil.md"))
    assert (code, out) == (2, "")
    assert err == f"Error: {root / 'posts/evil.md'} is outside the site {root}\n"
    assert invoke(root, str(root / "posts")) == (0, "No problems found (1 file, 0 links).\n", "")


def test_github_paths_are_relative_to_the_git_top_level_in_a_monorepo(tmp_path: Path) -> None:
    git("init", "-q", str(tmp_path / "repo"), cwd=tmp_path)
    (tmp_path / "repo/sites/blog").mkdir(parents=True)
    root = site(tmp_path / "repo/sites/blog", {"a.md": GOOD + "[x](gone.md)\n"})
    for cwd in (root, root / "posts", tmp_path):
        done = run_blog("--site", str(root), "check", "--format", "github", cwd=cwd)
        assert (done.returncode, done.stdout) == (
            1, "::error file=sites/blog/posts/a.md,line=6,col=5,title=link-missing::"
               "gone.md: no such file beside the post\n"), cwd


def test_past_a_hundred_links_to_one_target_one_finding_counts_the_rest(tmp_path: Path) -> None:
    body = "".join(f"Line {n} [l](/x) and ![i](/x)\n" for n in range(1, 251)) + "[y](/y)\n"
    root = site(tmp_path, {"a.md": GOOD + body})
    code, out, _ = invoke(root, "--format", "json")
    data = json.loads(out)
    assert code == 1
    assert data["summary"] == {"files": 1, "links": 501, "errors": 203, "warnings": 0}
    places = [(f["line"], f["column"], f["target"]) for f in data["findings"]]
    # the first 100 links and the first 100 images to /x, each; then one for the rest of each
    assert places[:2] == [(6, 12, "/x"), (6, 25, "/x")]
    assert places[198:] == [(105, 14, "/x"), (105, 27, "/x"), (106, 14, "/x"),
                            (106, 27, "/x"), (256, 5, "/y")]
    more = data["findings"][200]
    assert more["rule"] == "link-missing" and more["message"].startswith(
        "… and 150 more links to /x in this file, from here on: /x: the site publishes no ")
    code, out, _ = invoke(root)
    assert out.endswith("203 errors, 0 warnings (1 file, 501 links).\n")
    assert "posts/a.md:106:27: error   … and 150 more links to /x" in out
