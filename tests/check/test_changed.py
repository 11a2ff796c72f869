"""`blog check --changed [REF]` on real git histories: a branch with edits, a rename, a delete."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from typer.testing import CliRunner

from blogcli.check.changed import changed_pages
from blogcli.cli import app
from blogcli.site import find_site
from tests.conftest import git, run_blog
from tests.helpers.gitsite import Blog, clone, make_blog


def post(title: str, body: str, extra: str = "") -> str:
    return f"---\ntitle: {title}\ndate: 2024-01-02T10:00:00+00:00\n{extra}---\n{body}\n"


START = {
    "posts/alpha.md": post("Alpha", "Plain."),
    "posts/moving.md": post("Moving", "I will be renamed."),
    "posts/doomed.md": post("Doomed", "I will be deleted.", "url: /writing/farewell/\n"),
    "posts/links-moving.md": post("Links moving", "See [the move](moving.md)."),
    # Found by the URL the deleted post had: no name of its file is in the link.
    "posts/links-doomed.md": post("Links doomed", "See [it](/writing/farewell/)."),
    "posts/old-broken.md": post("Old broken", "An old [mistake](nowhere.md)."),
    "posts/unrelated.md": post("Unrelated", "See [alpha](alpha.md)."),
}


def branch_with_changes(tmp_path: Path) -> Blog:
    """main as pushed; a feature branch that edits, adds, renames and deletes posts."""
    blog = make_blog(tmp_path, files=START)
    git("checkout", "-q", "-b", "feature", cwd=blog.root)
    blog.write("posts/alpha.md", post("Alpha", "Plain, and now [broken](missing.md)."))
    blog.write("posts/new.md", post("New", "Fresh, see [alpha](alpha.md)."))
    git("mv", "posts/moving.md", "posts/moved.md", cwd=blog.root)
    git("rm", "-q", "posts/doomed.md", cwd=blog.root)
    blog.commit_all("feature work")
    return blog


def report(root: Path, *args: str) -> tuple[int, list[tuple[str, str]], str]:
    result = CliRunner().invoke(app, ["--site", str(root), "check", "--format", "json", *args])
    document: dict[str, Any] = json.loads(result.stdout)
    found = [(f["path"], f["rule"]) for f in document["findings"]]
    return result.exit_code, found, result.stderr


def test_changed_checks_the_branch_and_the_pages_its_renames_break(tmp_path: Path) -> None:
    blog = branch_with_changes(tmp_path)
    base = blog.remote_head()[:10]
    # Meanwhile main moves on: its changes are not this branch's (hence the merge base).
    colleague = clone(blog, tmp_path / "colleague")
    (colleague / "posts" / "unrelated.md").write_text(post("U", "[z](zzz.md)"), encoding="utf-8")
    git("commit", "-qam", "elsewhere", cwd=colleague)
    git("push", "-q", "origin", "main", cwd=colleague)
    git("fetch", "-q", "origin", cwd=blog.root)
    changes = changed_pages(find_site(site_dir=blog.root), None)
    assert changes.changed == ["posts/alpha.md", "posts/moved.md", "posts/new.md"]
    assert changes.gone == {"posts/moving.md": "posts/moved.md", "posts/doomed.md": None}
    assert changes.linking == ["posts/links-doomed.md", "posts/links-moving.md"]
    code, found, err = report(blog.root, "--changed")
    assert code == 1
    # old-broken.md's old mistake is not this branch's: not reported.
    assert found == [("posts/alpha.md", "link-missing"),
                     ("posts/links-doomed.md", "link-missing"),
                     ("posts/links-moving.md", "link-missing")]
    assert err == (f"Checking 5 files: 3 changed since origin/main (merge base {base}), "
                   "2 linking to 2 renamed or deleted pages.\n")


def test_uncommitted_and_untracked_posts_count_as_changed(tmp_path: Path) -> None:
    blog = make_blog(tmp_path, files=START)
    blog.write("posts/draft-idea.md", post("Idea", "[x](nope.md)"))  # not even added
    blog.write("posts/unrelated.md", post("Unrelated", "Edited, [y](gone.md)."))
    code, found, err = report(blog.root, "--changed")
    assert (code, found) == (1, [("posts/draft-idea.md", "link-missing"),
                                 ("posts/unrelated.md", "link-missing")])
    assert err.startswith("Checking 2 files: 2 changed since origin/main.")


def test_an_explicit_ref_and_nothing_to_do(tmp_path: Path) -> None:
    blog = branch_with_changes(tmp_path)
    blog.write("posts/alpha.md", post("Alpha", "Fixed again."))
    blog.commit_all("fix alpha")
    code, found, err = report(blog.root, "--changed=HEAD~1")
    assert (code, found) == (0, [])
    assert err == "Checking 1 file: 1 changed since HEAD~1.\n"
    code, found, err = report(blog.root, "--changed", "HEAD")
    assert (code, found) == (0, [])
    assert err == "Nothing to check: no page changed since HEAD.\n"


def test_a_fresh_clone_finds_the_default_branch_through_origin_head(tmp_path: Path) -> None:
    blog = branch_with_changes(tmp_path)
    git("push", "-q", "origin", "feature", cwd=blog.root)
    other = clone(blog, tmp_path / "ci")
    git("checkout", "-q", "feature", cwd=other)
    done = run_blog("check", "--changed", "--format", "github", cwd=other)
    assert done.returncode == 1
    assert done.stdout.splitlines()[0].startswith("::error file=posts/alpha.md,line=5,")
    assert "posts/links-moving.md" in done.stdout and "old-broken" not in done.stdout


def test_changed_says_clearly_what_it_cannot_do(tmp_path: Path) -> None:
    blog = branch_with_changes(tmp_path)
    for args, message in [
        (["--changed=no-such-branch"], "'no-such-branch' is not a commit here"),
        (["--changed=--output=/tmp/x"], "cannot start with '-'"),
        (["posts/alpha.md", "--changed"], "give PATHs or --changed, not both"),
    ]:
        result = CliRunner().invoke(app, ["--site", str(blog.root), "check", *args])
        assert (result.exit_code, message in result.stderr) == (2, True), result.stderr
    git("remote", "remove", "origin", cwd=blog.root)
    result = CliRunner().invoke(app, ["--site", str(blog.root), "check", "--changed"])
    assert result.exit_code == 2 and "default branch of the remote 'origin'" in result.stderr
    loose = tmp_path / "loose"
    (loose / "posts").mkdir(parents=True)
    (loose / "blog.toml").write_text('[site]\ntitle = "T"\n', encoding="utf-8")
    done = run_blog("check", "--changed", cwd=loose, env={"GIT_CEILING_DIRECTORIES":
                                                          str(tmp_path)})
    assert done.returncode == 2 and "needs the site to be in a git repository" in done.stderr
    assert "Traceback" not in done.stderr
