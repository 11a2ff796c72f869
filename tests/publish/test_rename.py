"""`blog rename` on real git repositories with a bare remote, on fixture sites whose links
reach the post in every form; built by the real Hugo and Jekyll before and after when they are
installed (the built URL lists are committed goldens: tests/fixtures/rename/regen.sh)."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from typer.testing import CliRunner, Result

from blogcli.cli import app
from blogcli.publish.rename import JOURNAL, recover
from blogcli.site import find_site
from tests.conftest import git, run_blog
from tests.helpers import REPO
from tests.helpers.gitfault import fault_env, settle
from tests.helpers.gitsite import Blog, make_blog

FIXTURES = REPO / "tests/fixtures/rename"
HUGO = shutil.which("hugo")
JEKYLL = shutil.which("jekyll")
# The Jekyll fixture redirects the old URL with the jekyll-redirect-from plugin (Debian's
# ruby-jekyll-redirect-from); a jekyll without it cannot build the fixture at all.
JEKYLL_REDIRECTS = JEKYLL is not None and subprocess.run(
    ["ruby", "-e", 'require "jekyll-redirect-from"'], capture_output=True, check=False,
).returncode == 0
HREF = re.compile(r"""(?:href|src)=["']?([^"' >]+)""")


def fixture_blog(tmp_path: Path, name: str) -> Blog:
    files = {p.relative_to(FIXTURES / name).as_posix(): p.read_text(encoding="utf-8")
             for p in sorted((FIXTURES / name).rglob("*")) if p.is_file()}
    return make_blog(tmp_path, {"hugo": "hugo", "jekyll": "jekyll"}[name], files)


def cli(blog: Blog, *args: str) -> Result:
    return CliRunner().invoke(app, ["--site", str(blog.root), *args], catch_exceptions=False)


def tree(blog: Blog) -> dict[str, bytes]:
    return {p.relative_to(blog.root).as_posix(): p.read_bytes()
            for p in sorted(blog.root.rglob("*")) if p.is_file() and ".git" not in p.parts}


def build(blog: Blog, engine: str, out: Path) -> list[str]:
    """Build the site with the real engine; the sorted site-relative files it wrote."""
    if engine == "hugo":
        cmd = ["hugo", "--quiet", "-d", str(out)]
    else:
        cmd = ["jekyll", "build", "--quiet", "-d", str(out)]
    subprocess.run(cmd, cwd=blog.root, check=True, capture_output=True, timeout=120)
    lock = blog.root / ".hugo_build.lock"
    lock.unlink(missing_ok=True)
    return sorted(p.relative_to(out).as_posix() for p in out.rglob("*") if p.is_file())


def missing_pages(out: Path) -> list[str]:
    """Every internal href/src of the built site that leads to no built file."""
    missing = []
    for page in sorted(out.rglob("*.html")):
        for target in HREF.findall(page.read_text(encoding="utf-8")):
            target = target.split("#")[0].split("?")[0]
            if target.startswith("https://example.org"):
                target = target[len("https://example.org"):] or "/"
            if not target.startswith("/"):
                continue
            path = out / target.lstrip("/")
            if not (path.is_file() or (path / "index.html").is_file()):
                missing.append(f"{page.relative_to(out)} -> {target}")
    return missing


def golden(engine: str, before: list[str], after: list[str]) -> dict[str, list[str]]:
    """The committed URL list of ``engine``'s builds (rewritten by regen.sh)."""
    path = FIXTURES / "built-urls.json"
    data = json.loads(path.read_text(encoding="utf-8")) if path.is_file() else {}
    if os.environ.get("BLOG_REGEN_RENAME_GOLDEN") == "1":
        data[engine] = {"before": before, "after": after}
        path.write_text(json.dumps(data, indent=2, sort_keys=True) + "\n", encoding="utf-8")
    return dict(data.get(engine, {}))


def test_hugo_rename_rewrites_every_form_in_one_commit(tmp_path: Path) -> None:
    blog = fixture_blog(tmp_path, "hugo")
    start, remote = blog.head(), blog.remote_head()
    result = cli(blog, "rename", "old-post", "new-post")
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith("Renamed to content/posts/new-post.md in ")
    assert git("rev-list", "--count", f"{start}..HEAD", cwd=blog.root).strip() == "1"
    assert blog.remote_head() == remote  # no push without --push
    assert blog.status() == ""
    assert sorted(blog.committed_files()) == [
        "M\tcontent/about.md", "M\tcontent/posts/linker.md",
        "R084\tcontent/posts/old-post.md\tcontent/posts/new-post.md"] or \
        [f.split("\t")[0][0] for f in sorted(blog.committed_files())] == ["M", "M", "R"]
    old = (FIXTURES / "hugo/content/posts/linker.md").read_text(encoding="utf-8")
    new = (blog.root / "content/posts/linker.md").read_text(encoding="utf-8")
    code = ("Not links, left alone: `[code](/posts/old-post/)` and\n\n```\n"
            "[fenced](/posts/old-post/)\n```\n")
    assert code in old and code in new  # never inside code
    # Byte-exact: outside the code, exactly "old-post" became "new-post", nothing else moved.
    assert new.replace("new-post", "old-post") == old
    assert new.count("new-post") == 7
    post = (blog.root / "content/posts/new-post.md").read_text(encoding="utf-8")
    assert post.startswith('---\ntitle: Old Post\naliases: ["/posts/old-post/"]\ndate: ')
    assert "[top](/posts/new-post/#setup)" in post
    assert "[the old post](../posts/new-post/)" in \
        (blog.root / "content/about.md").read_text(encoding="utf-8")
    checked = cli(blog, "check", "--format", "json")
    assert json.loads(checked.stdout)["summary"]["errors"] == 0


@pytest.mark.skipif(HUGO is None, reason="hugo is not installed")
def test_hugo_builds_before_and_after_with_the_old_url_redirecting(tmp_path: Path) -> None:
    blog = fixture_blog(tmp_path, "hugo")
    before = build(blog, "hugo", tmp_path / "before")
    assert missing_pages(tmp_path / "before") == []
    assert cli(blog, "rename", "old-post", "new-post").exit_code == 0
    after = build(blog, "hugo", tmp_path / "after")
    assert missing_pages(tmp_path / "after") == []
    assert {"before": before, "after": after} == golden("hugo", before, after)
    alias = (tmp_path / "after/posts/old-post/index.html").read_text(encoding="utf-8")
    assert 'http-equiv="refresh" content="0; url=https://example.org/posts/new-post/"' in alias


@pytest.mark.skipif(not JEKYLL_REDIRECTS,
                    reason="jekyll or its jekyll-redirect-from plugin is not installed")
def test_jekyll_builds_before_and_after_with_the_old_url_redirecting(tmp_path: Path) -> None:
    blog = fixture_blog(tmp_path, "jekyll")
    before = build(blog, "jekyll", tmp_path / "before")
    assert missing_pages(tmp_path / "before") == []
    assert cli(blog, "rename", "old-post", "new-post").exit_code == 0
    after = build(blog, "jekyll", tmp_path / "after")
    assert missing_pages(tmp_path / "after") == []
    assert {"before": before, "after": after} == golden("jekyll", before, after)
    redirect = (tmp_path / "after/2024/01/01/old-post.html").read_text(encoding="utf-8")
    assert 'url=https://example.org/2024/01/01/new-post.html"' in redirect
    linker = (tmp_path / "after/2024/01/02/linker.html").read_text(encoding="utf-8")
    assert linker.count('href="/2024/01/01/new-post.html') == 5  # inline, tags, ref, html


def test_jekyll_rename_rewrites_every_form(tmp_path: Path) -> None:
    blog = fixture_blog(tmp_path, "jekyll")
    result = cli(blog, "rename", "old-post", "new-post")
    assert result.exit_code == 0, result.output
    assert not (blog.root / "_posts/2024-01-01-old-post.md").exists()
    post = (blog.root / "_posts/2024-01-01-new-post.md").read_text(encoding="utf-8")
    assert 'redirect_from: ["/2024/01/01/old-post.html"]\n' in post
    old = (FIXTURES / "jekyll/_posts/2024-01-02-linker.md").read_text(encoding="utf-8")
    new = (blog.root / "_posts/2024-01-02-linker.md").read_text(encoding="utf-8")
    assert new.replace("new-post", "old-post") == old
    assert "{% post_url 2024-01-01-new-post %}" in new
    assert "{% link _posts/2024-01-01-new-post.md %}" in new
    assert "`[code](/2024/01/01/old-post.html)`" in new
    assert "Warning" not in result.stderr


def test_jekyll_without_the_redirect_plugin_is_warned(tmp_path: Path) -> None:
    blog = fixture_blog(tmp_path, "jekyll")
    blog.write("_config.yml", "title: T\nurl: https://example.org\n")
    blog.commit_all("no plugin")
    result = cli(blog, "rename", "old-post", "new-post")
    assert result.exit_code == 0
    assert "the site lacks jekyll-redirect-from" in result.stderr


def test_dry_run_shows_every_diff_and_changes_nothing(tmp_path: Path) -> None:
    blog = fixture_blog(tmp_path, "hugo")
    files, head = tree(blog), blog.head()
    result = cli(blog, "rename", "old-post", "new-post", "--dry-run")
    assert result.exit_code == 0
    out = result.stdout
    assert out.startswith("rename from content/posts/old-post.md\n"
                          "rename to content/posts/new-post.md\n")
    for header in ("--- a/content/posts/old-post.md\n+++ b/content/posts/new-post.md\n",
                   "--- a/content/about.md\n+++ b/content/about.md\n",
                   "--- a/content/posts/linker.md\n+++ b/content/posts/linker.md\n"):
        assert header in out
    assert "\n-- relative URL: [up](../old-post/)\n" in out
    assert "\n+- relative URL: [up](../new-post/)\n" in out
    assert "git mv -- content/posts/old-post.md content/posts/new-post.md" in out
    assert (tree(blog), blog.head(), blog.status()) == (files, head, "")


def test_push_only_with_push(tmp_path: Path) -> None:
    blog = fixture_blog(tmp_path, "hugo")
    result = cli(blog, "rename", "old-post", "new-post", "--push")
    assert result.exit_code == 0, result.output
    assert blog.remote_head() == blog.head()
    assert "Pushed to origin/main" in result.stdout


def test_a_draft_just_moves(tmp_path: Path) -> None:
    draft = "---\ntitle: Idea\ndraft: true\n---\nx\n"
    other = "---\ntitle: O\ndate: 2024-01-01\n---\n[i](/posts/idea/)\n"
    blog = make_blog(tmp_path, "hugo", {"content/posts/idea.md": draft,
                                        "content/posts/other.md": other})
    result = cli(blog, "rename", "idea", "better-idea", "--title", "A better idea")
    assert result.exit_code == 0, result.output
    assert (blog.root / "content/posts/better-idea.md").read_text(encoding="utf-8") == \
        "---\ntitle: A better idea\ndraft: true\n---\nx\n"
    assert "a draft: it just moves" in result.stderr
    assert "[i](/posts/better-idea/)" in \
        (blog.root / "content/posts/other.md").read_text(encoding="utf-8")


def test_a_bundle_moves_whole_and_relative_file_links_follow(tmp_path: Path) -> None:
    post = "---\ntitle: B\ndate: 2024-01-01\nslug: trip\n---\n![p](photo.png)\n"
    other = ("---\ntitle: O\ndate: 2024-01-02\n---\n[a](trip/index.md) [b](trip/) "
             "{{< ref \"trip\" >}} [c](/posts/trip/) [d](../trip/index.md)\n")
    blog = make_blog(tmp_path, "hugo", {"content/posts/trip/index.md": post,
                                        "content/posts/trip/photo.png": "png",
                                        "content/trip/index.md": "---\ntitle: T\n---\nx\n",
                                        "content/posts/other.md": other})
    result = cli(blog, "rename", "trip", "journey")
    assert result.exit_code == 0, result.output
    moved = blog.root / "content/posts/journey"
    assert sorted(p.name for p in moved.iterdir()) == ["index.md", "photo.png"]
    assert not (blog.root / "content/posts/trip").exists()
    assert (moved / "index.md").read_text(encoding="utf-8") == (
        '---\ntitle: B\naliases: ["/posts/trip/"]\ndate: 2024-01-01\nslug: journey\n---\n'
        "![p](photo.png)\n")
    # ../trip/index.md is content/trip/index.md, another page: left alone.
    assert (blog.root / "content/posts/other.md").read_text(encoding="utf-8") == (
        "---\ntitle: O\ndate: 2024-01-02\n---\n[a](journey/index.md) [b](journey/) "
        "{{< ref \"journey\" >}} [c](/posts/journey/) [d](../trip/index.md)\n")


def test_zola_links_and_aliases(tmp_path: Path) -> None:
    post = "+++\ntitle = \"Old\"\ndate = 2024-01-01\n+++\nx\n"
    other = "+++\ntitle = \"O\"\ndate = 2024-01-02\n+++\n[a](@/posts/old.md#x) `@/posts/old.md`\n"
    blog = make_blog(tmp_path, "zola", {"content/posts/old.md": post,
                                        "content/posts/other.md": other})
    assert cli(blog, "rename", "old", "new").exit_code == 0
    assert (blog.root / "content/posts/new.md").read_text(encoding="utf-8") == \
        "+++\ntitle = \"Old\"\naliases = [\"/posts/old/\"]\ndate = 2024-01-01\n+++\nx\n"
    assert (blog.root / "content/posts/other.md").read_text(encoding="utf-8") == \
        other.replace("[a](@/posts/old.md#x)", "[a](@/posts/new.md#x)")


def test_hexo_says_what_it_needs(tmp_path: Path) -> None:
    post = "---\ntitle: Old\ndate: 2024-01-01 10:00:00\n---\nx\n"
    other = "---\ntitle: O\ndate: 2024-01-02 10:00:00\n---\n{% post_link 2024-01-01-old %}\n"
    blog = make_blog(tmp_path, "hexo", {"source/_posts/2024-01-01-old.md": post,
                                        "source/_posts/2024-01-02-o.md": other})
    result = cli(blog, "rename", "old", "new")
    assert result.exit_code == 0, result.output
    assert "Hexo makes no redirects of its own" in result.stderr
    assert "hexo-generator-alias" in result.stderr
    assert "{% post_link 2024-01-01-new %}" in \
        (blog.root / "source/_posts/2024-01-02-o.md").read_text(encoding="utf-8")


def test_uncommitted_changes_in_a_touched_file_refuse(tmp_path: Path) -> None:
    blog = fixture_blog(tmp_path, "hugo")
    blog.write("content/about.md", "---\ntitle: About\n---\nmine [x](/posts/old-post/)\n")
    files, head = tree(blog), blog.head()
    result = cli(blog, "rename", "old-post", "new-post")
    assert result.exit_code == 3
    assert "uncommitted changes" in result.stderr and "content/about.md" in result.stderr
    assert (tree(blog), blog.head()) == (files, head)


@pytest.mark.parametrize("bad", ["a/b", "new.md", "a b", ""])
def test_a_bad_slug_is_a_usage_error(tmp_path: Path, bad: str) -> None:
    blog = fixture_blog(tmp_path, "hugo")
    result = cli(blog, "rename", "old-post", bad)
    assert result.exit_code == 2 and "is not a slug" in result.stderr


def test_an_existing_destination_refuses(tmp_path: Path) -> None:
    blog = fixture_blog(tmp_path, "hugo")
    result = cli(blog, "rename", "old-post", "linker")
    assert result.exit_code == 1 and "content/posts/linker.md exists" in result.stderr


# Where a rename is killed, seen from outside: while `git mv` runs (the move is done, no file
# rewritten yet), or just before `git commit` (every file rewritten, nothing committed).
BEFORE_COMMIT = [("mv", True), ("commit", False)]


@pytest.mark.parametrize(("step", "run_git"), BEFORE_COMMIT)
def test_a_killed_rename_is_rolled_back_to_the_old_state(tmp_path: Path, step: str,
                                                          run_git: bool) -> None:
    blog = fixture_blog(tmp_path, "hugo")
    files, head = tree(blog), blog.head()
    killed = run_blog("rename", "old-post", "new-post", cwd=blog.root,
                      env=fault_env(tmp_path, step, "KILL", run_git=run_git))
    assert killed.returncode == -9, killed.stderr
    settle(blog.root)
    assert (blog.root / ".git" / JOURNAL).is_file()
    assert blog.status() != ""  # half-way: the move and maybe the writes were done
    said = recover(find_site(blog.root))
    assert said is not None and said.startswith("Rolled back an interrupted rename")
    assert (tree(blog), blog.head(), blog.status()) == (files, head, "")
    assert not (blog.root / ".git" / JOURNAL).exists()


def test_a_rename_killed_after_its_commit_keeps_it(tmp_path: Path) -> None:
    blog = fixture_blog(tmp_path, "hugo")
    # Killed as `git commit` starts, which then commits alone: the journal outlives the commit.
    killed = run_blog("rename", "old-post", "new-post", cwd=blog.root,
                      env=fault_env(tmp_path, "commit", "KILL"))
    assert killed.returncode == -9
    settle(blog.root)
    assert (blog.root / ".git" / JOURNAL).is_file()
    committed = blog.head()
    again = run_blog("rename", "linker", "linking", cwd=blog.root)
    assert again.returncode == 0, again.stderr
    assert "An interrupted rename had committed" in again.stderr
    assert git("rev-parse", "HEAD~1", cwd=blog.root).strip() == committed
    assert (blog.root / "content/posts/new-post.md").is_file() and blog.status() == ""


def test_the_same_command_after_a_kill_finishes_the_rename(tmp_path: Path) -> None:
    blog = fixture_blog(tmp_path, "hugo")
    assert run_blog("rename", "old-post", "new-post", cwd=blog.root,
                    env=fault_env(tmp_path, "commit", "KILL", run_git=False)).returncode == -9
    settle(blog.root)
    dry = run_blog("rename", "old-post", "new-post", "--dry-run", cwd=blog.root)
    assert dry.returncode == 3 and "a dry run changes nothing" in dry.stderr
    again = run_blog("rename", "old-post", "new-post", cwd=blog.root)
    assert again.returncode == 0, again.stderr
    assert "Rolled back an interrupted rename" in again.stderr
    assert blog.status() == "" and (blog.root / "content/posts/new-post.md").is_file()
