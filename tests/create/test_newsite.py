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
    assert "  kept     .gitignore (it was there; not changed)\n" in result.stdout
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


def test_init_lists_every_file_and_git_command(tmp_path: Path) -> None:
    result = runner.invoke(app, ["init", str(tmp_path / "lab"), "--author", "A"])
    assert result.exit_code == 0, result.output
    assert result.stdout == (
        f"Created a plain blog in {tmp_path / 'lab'}\n"
        "  created  blog.toml\n  created  .gitignore\n  created  posts/.gitkeep\n"
        "  created  index.md\n"
        "  ran      git init -b main\n"
        "  ran      git add -- blog.toml .gitignore posts/.gitkeep index.md\n"
        "  ran      git commit -m 'Start the blog'\n"
        f'Next: cd {tmp_path / "lab"} && blog new "My first post"\n')
    # what it says it created is exactly what is there
    root = tmp_path / "lab"
    made = [p.relative_to(root) for p in root.rglob("*") if p.is_file()]
    made = sorted(p.as_posix() for p in made if p.parts[0] != ".git")
    assert made == sorted(["blog.toml", ".gitignore", "posts/.gitkeep", "index.md"])


def test_quiet_init_prints_nothing_but_does_the_same(tmp_path: Path) -> None:
    result = runner.invoke(app, ["-q", "init", str(tmp_path / "lab"), "--author", "A"])
    assert result.exit_code == 0 and result.stdout == "" and result.stderr == ""
    assert git("log", "--format=%s", cwd=tmp_path / "lab") == "Start the blog\n"


def _hugo_site_outside_git(root: Path) -> None:
    (root / "content/posts").mkdir(parents=True)
    (root / "hugo.toml").write_text('title = "H"\n', encoding="utf-8")
    (root / "content/posts/a.md").write_text("---\ntitle: A\n---\nHi\n", encoding="utf-8")
    (root / "public").mkdir()
    (root / "public/index.html").write_text("<p>built</p>\n", encoding="utf-8")


def test_adopting_a_site_outside_git_makes_no_repository_and_says_so(tmp_path: Path) -> None:
    site = tmp_path / "site"
    _hugo_site_outside_git(site)
    done = run_blog("init", str(site), cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert done.stdout == f"Adopted a hugo blog in {site}\n  created  blog.toml\n"
    assert done.stderr == (f"Note: {site} is not in a git repository and none was made; `blog "
                           f"publish` needs one: run `blog init --git {site}` to make it with a "
                           "first commit of the whole site\n")
    assert not (site / ".git").exists()


@pytest.mark.parametrize("twice", [False, True], ids=["at-once", "after-adopting"])
def test_init_git_commits_the_whole_site_but_not_its_build(tmp_path: Path, twice: bool) -> None:
    site = tmp_path / "site"
    _hugo_site_outside_git(site)
    if twice:
        assert run_blog("init", str(site), cwd=tmp_path).returncode == 0
    done = run_blog("init", str(site), "--git", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert "  created  .gitignore\n  ran      git init -b main\n  ran      git add -A\n" \
        "  ran      git commit -m 'Track the site (blog init --git)'\n" in done.stdout
    assert git("ls-files", cwd=site).split() == [".gitignore", "blog.toml",
                                                  "content/posts/a.md", "hugo.toml"]
    assert git("status", "--porcelain", cwd=site) == ""
    from blogcli.create.site import untracked_site_config

    assert untracked_site_config(site, "hugo") == []


def test_untracked_engine_config_is_named_for_publish(tmp_path: Path) -> None:
    from blogcli.create.site import untracked_config_message, untracked_site_config

    site = tmp_path / "site"
    _hugo_site_outside_git(site)
    (site / "config/_default").mkdir(parents=True)
    (site / "config/_default/params.toml").write_text("x = 1\n", encoding="utf-8")
    assert untracked_site_config(site, "hugo") == []  # not in git: publish says that itself
    git("init", "-q", cwd=site)
    git("add", "content", cwd=site)
    git("commit", "-qm", "only the posts", cwd=site)
    assert untracked_site_config(site, "hugo") == ["hugo.toml", "config/_default"]
    git("add", "config", "hugo.toml", cwd=site)
    # staged is not committed: publish commits only the post, the config would stay behind
    assert untracked_site_config(site, "hugo") == ["hugo.toml", "config/_default"]
    git("commit", "-qm", "config", "--", "config", cwd=site)
    assert untracked_site_config(site, "hugo") == ["hugo.toml"]
    assert untracked_config_message(site, ["hugo.toml"]).endswith(
        f"git -C {site} add -- hugo.toml && git -C {site} commit -m 'Track the site config'")
    git("commit", "-qm", "config", cwd=site)
    assert untracked_site_config(site, "hugo") == []
