"""`blog init`: new blogs of every profile, adopting sites, never overwriting."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from blogcli.cli import app
from blogcli.site import find_site, iter_post_paths
from tests.conftest import git, run_blog

runner = CliRunner()


def test_init_plain_blog_with_first_commit(tmp_path: Path) -> None:
    result = runner.invoke(app, ["init", str(tmp_path / "lab"), "--title", "Lab Notes",
                                 "--author", "Tyler Zhu"])
    assert result.exit_code == 0, result.output
    root = tmp_path / "lab"
    assert result.stdout.startswith(f"Created a plain blog in {root}\n")
    assert git("log", "--format=%s", cwd=root) == "Start the blog\n"
    assert git("status", "--porcelain", cwd=root) == ""
    tracked = git("ls-files", cwd=root).split()
    assert tracked == [".gitignore", "blog.toml", "index.md", "posts/.gitkeep"]
    site = find_site(start=root)
    assert (site.profile, site.title, site.author) == ("plain", "Lab Notes", "Tyler Zhu")


@pytest.mark.parametrize(
    ("profile", "marker"),
    [("hugo", "hugo.toml"), ("jekyll", "_config.yml"), ("hexo", "_config.yml"),
     ("zola", "config.toml")],
)
def test_init_each_profile_is_detected_again(tmp_path: Path, profile: str, marker: str) -> None:
    root = tmp_path / profile
    result = runner.invoke(app, ["init", str(root), "--profile", profile, "--title", 'A "q"'])
    assert result.exit_code == 0, result.output
    assert (root / marker).is_file()
    (root / "blog.toml").unlink()  # the engine's own files alone must say what it is
    assert find_site(start=root).profile == profile
    new = runner.invoke(app, ["--site", str(root), "new", "First"])
    assert new.exit_code == 0, new.output
    assert len(iter_post_paths(find_site(start=root))) == 1


def test_init_sets_remote(tmp_path: Path) -> None:
    bare = tmp_path / "remote.git"
    git("init", "--bare", "-q", str(bare), cwd=tmp_path)
    result = runner.invoke(app, ["init", str(tmp_path / "b"), "--remote", str(bare)])
    assert result.exit_code == 0
    assert git("remote", "get-url", "origin", cwd=tmp_path / "b").strip() == str(bare)


def test_init_refuses_an_existing_blog(tmp_path: Path) -> None:
    (tmp_path / "blog.toml").write_text("[site]\ntitle = 'mine'\n", encoding="utf-8")
    result = runner.invoke(app, ["init", str(tmp_path)])
    assert result.exit_code == 1
    assert result.stderr == f"Error: {tmp_path} already holds a blog (blog.toml is there); " \
                            "nothing to do\n"
    assert (tmp_path / "blog.toml").read_text(encoding="utf-8") == "[site]\ntitle = 'mine'\n"


def test_init_adopts_a_hugo_site_as_it_is(tmp_path: Path) -> None:
    (tmp_path / "hugo.toml").write_text('title = "Mine"\n', encoding="utf-8")
    (tmp_path / "content/posts").mkdir(parents=True)
    (tmp_path / "content/posts/a.md").write_text("---\ntitle: A\n---\n", encoding="utf-8")
    git("init", "-q", cwd=tmp_path)
    result = runner.invoke(app, ["init", str(tmp_path)])
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith(f"Adopted a hugo blog in {tmp_path}")
    assert sorted(p.name for p in tmp_path.iterdir()) == [".git", "blog.toml", "content",
                                                         "hugo.toml"]
    assert 'profile = "hugo"' in (tmp_path / "blog.toml").read_text(encoding="utf-8")
    assert git("status", "--porcelain", cwd=tmp_path).count("??") == 3  # nothing committed


def test_init_refuses_to_change_a_sites_profile(tmp_path: Path) -> None:
    (tmp_path / "_config.yml").write_text("title: J\n", encoding="utf-8")
    (tmp_path / "_posts").mkdir()
    result = runner.invoke(app, ["init", str(tmp_path), "--profile", "hugo"])
    assert result.exit_code == 2 and "already a jekyll site" in result.stderr
    assert not (tmp_path / "blog.toml").exists()


def test_init_never_overwrites_files(tmp_path: Path) -> None:
    (tmp_path / ".gitignore").write_text("secret.txt\n", encoding="utf-8")
    result = runner.invoke(app, ["init", str(tmp_path)])
    assert result.exit_code == 0
    assert "kept existing .gitignore" in result.stderr
    assert (tmp_path / ".gitignore").read_text(encoding="utf-8") == "secret.txt\n"


def test_init_unknown_profile(tmp_path: Path) -> None:
    result = runner.invoke(app, ["init", str(tmp_path / "x"), "--profile", "gatsby"])
    assert result.exit_code == 2 and "'gatsby' is not one of" in result.stderr
    assert not (tmp_path / "x").exists()


def test_init_without_identity_says_what_to_do(tmp_path: Path, monkeypatch) -> None:
    for name in ("GIT_AUTHOR_NAME", "GIT_COMMITTER_NAME", "GIT_AUTHOR_EMAIL",
                 "GIT_COMMITTER_EMAIL"):
        monkeypatch.delenv(name)
    monkeypatch.setenv("EMAIL", "")
    done = run_blog("init", "b", "--author", "A", cwd=tmp_path,
                    env={"GIT_CONFIG_GLOBAL": str(tmp_path / "none"), "EMAIL": ""})
    if done.returncode == 0:
        pytest.skip("git found an identity from the system (hostname-based); nothing to test")
    assert done.returncode == 3
    assert "git could not commit" in done.stderr and "user.name" in done.stderr
    assert "Traceback" not in done.stderr
    assert (tmp_path / "b/blog.toml").is_file()


@pytest.mark.parametrize("url", ["https://user:ghp_SECRETSECRETSECRET1234@host/x.git",
                                 "https://x-access-token:SECRETSECRET@host/x.git",
                                 "https://oauth2:glpat-SECRETSECRET12@gitlab.example/x.git"])
def test_remote_with_credentials_is_refused_and_never_stored(tmp_path: Path, url: str) -> None:
    done = run_blog("init", "b", "--remote", url, cwd=tmp_path)
    assert done.returncode == 2
    assert "credential helper" in done.stderr
    assert "SECRET" not in done.stdout + done.stderr
    assert not (tmp_path / "b").exists()  # refused before anything was made


def test_remote_without_credentials_is_kept(tmp_path: Path) -> None:
    done = run_blog("init", "b", "--remote", "https://user@host/x.git", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert git("remote", "get-url", "origin", cwd=tmp_path / "b").strip() == \
        "https://user@host/x.git"


def test_adopted_site_keeps_engine_title_and_author(tmp_path: Path) -> None:
    (tmp_path / "hugo.toml").write_text('title = "H"\n[params]\nauthor = "P"\n', encoding="utf-8")
    (tmp_path / "content/posts").mkdir(parents=True)
    assert runner.invoke(app, ["init", str(tmp_path)]).exit_code == 0
    site = find_site(start=tmp_path)
    assert (site.title, site.author) == ("H", "P")
    assert "\nremote =" not in (tmp_path / "blog.toml").read_text(encoding="utf-8")
