"""`blog check --fix`: exactly the expected bytes, code untouched, idempotent, --dry-run."""

from __future__ import annotations

import os
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner

from blogcli.cli import app
from tests.conftest import REPO
from tests.helpers.webservers import Reply, Scripted, dual_server, trusted_certificate

FIXTURE = REPO / "tests" / "fixtures" / "fix_blog"


def route(method: str, path: str) -> Reply:
    """http and https alike, except /http-only (no https) and what is not there."""
    page = path.removeprefix("https:")
    if page == "/old":
        return Reply(301, {"Location": "/new"}, b"")
    if page in ("/new", "/plain") or path == "/http-only":
        return Reply(200)
    return Reply(404)


@pytest.fixture
def server(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Scripted]:
    context, cert = trusted_certificate(tmp_path)
    monkeypatch.setenv("SSL_CERT_FILE", str(cert))  # trust the test certificate, as a CA
    with dual_server(route, context) as running:
        yield running


def copy_site(where: Path, port: str) -> Path:
    shutil.copytree(FIXTURE / "input", where)
    for path in where.rglob("*.md"):
        path.write_bytes(path.read_bytes().replace(b"PORT", port.encode()))
    return where


def expected(rel: str, port: str) -> bytes:
    source = FIXTURE / "expected" / rel
    return source.read_bytes().replace(b"PORT", port.encode())


def fix(root: Path, *args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(app, ["--site", str(root), "check", "--fix", *args])
    return result.exit_code, result.stdout, result.stderr


POSTS = ["json.md", "links.md", "meta.md", "new-name.md", "toml.md"]


def test_fix_gives_exactly_the_expected_bytes_and_is_idempotent(
        tmp_path: Path, server: Scripted) -> None:
    port = server.url.rsplit(":", 1)[1]
    root = copy_site(tmp_path / "site", port)
    code, out, err = fix(root, "--external")
    for name in POSTS:
        rel = f"content/posts/{name}"
        if os.environ.get("BLOG_UPDATE_FIXTURES") == "1":  # then review `git diff`
            (FIXTURE / "expected" / rel).parent.mkdir(parents=True, exist_ok=True)
            (FIXTURE / "expected" / rel).write_bytes(
                (root / rel).read_bytes().replace(f"127.0.0.1:{port}".encode(),
                                                  b"127.0.0.1:PORT"))
        assert (root / rel).read_bytes() == expected(rel, port), rel
    fixed = [line for line in err.splitlines() if line.startswith("Fixed ")]
    assert len(fixed) == 15
    assert f"Fixed content/posts/links.md:7: http://127.0.0.1:{port}/old#part -> " \
           f"https://127.0.0.1:{port}/new#part (moved permanently)" in fixed
    assert "Fixed content/posts/meta.md:2: key 'tittle' -> 'title'" in fixed
    assert "Not fixed content/posts/meta.md:5: 'one, two' has commas, but the engine reads " \
           "one term; split it by hand" in err
    assert err.endswith("15 fixes in 4 files\n")
    # What is left is reported as usual: the real broken links and the comma.
    assert code == 1
    assert "(link-missing)" in out and "(external-failing)" in out and "(tags-string)" in out
    assert "(date-no-zone)" not in out and "(key-typo)" not in out and "required-key" not in out
    before = {name: (root / "content/posts" / name).read_bytes() for name in POSTS}
    code, _, err = fix(root, "--external")
    assert err.endswith("0 fixes in 0 files\n")
    assert {name: (root / "content/posts" / name).read_bytes() for name in POSTS} == before


def test_dry_run_prints_the_diff_that_the_fix_would_make(tmp_path: Path, server: Scripted) -> None:
    port = server.url.rsplit(":", 1)[1]
    root = copy_site(tmp_path / "site", port)
    untouched = {p: p.read_bytes() for p in root.rglob("*.md")}
    result = CliRunner().invoke(app, ["--site", str(root), "check", "--fix", "--external",
                                      "--dry-run"])
    code, diff, err = result.exit_code, result.stdout_bytes, result.stderr  # CRLF kept
    assert {p: p.read_bytes() for p in root.rglob("*.md")} == untouched
    assert err.endswith("15 fixes in 4 files (dry run: nothing written)\n")
    assert "Would fix content/posts/toml.md:4: tags: 'x y' -> ['x y']" in err
    assert code == 1  # the findings no fix removes
    # The diff is a real patch: applied, it gives the expected bytes.
    subprocess.run(["git", "init", "-q"], cwd=root, check=True)
    subprocess.run(["git", "apply", "-"], cwd=root, input=diff, check=True)
    for name in POSTS:
        rel = f"content/posts/{name}"
        assert (root / rel).read_bytes() == expected(rel, port), rel


def test_offline_fix_leaves_web_links_and_says_so(tmp_path: Path) -> None:
    root = copy_site(tmp_path / "site", "9")  # no server: nothing may be fetched
    code, _, err = fix(root)
    assert code == 1  # /old-name/x.png is missing: no fix for that
    assert "Note: web links are fixed only with --external (redirects, https)." in err
    assert err.endswith("10 fixes in 4 files\n")
    links = (root / "content/posts/links.md").read_text(encoding="utf-8")
    assert "[old](http://127.0.0.1:9/old)" in links  # web links as they were
    assert "[the moved post](/posts/new-name/#intro)" in links and "[r]: /posts/new-name/" in links
    meta = (root / "content/posts/meta.md").read_bytes()
    assert meta == expected("content/posts/meta.md", "9")


def test_dry_run_needs_fix(tmp_path: Path) -> None:
    root = copy_site(tmp_path / "site", "9")
    result = CliRunner().invoke(app, ["--site", str(root), "check", "--dry-run"])
    assert result.exit_code == 2 and "--dry-run goes with --fix" in result.stderr


def test_past_a_hundred_links_to_one_alias_each_run_fixes_the_hundred_it_lists(
        tmp_path: Path) -> None:
    root = copy_site(tmp_path / "site", "9")
    many = "---\ntitle: Many\ndate: 2024-01-01T00:00:00Z\n---\n" + "[m](/old-name/)\n" * 130
    (root / "content/posts/many.md").write_text(many, encoding="utf-8")
    fix(root)
    text = (root / "content/posts/many.md").read_text(encoding="utf-8")
    assert (text.count("(/posts/new-name/)"), text.count("(/old-name/)")) == (100, 30)
    _, out, err = fix(root)  # the 30 left are the ones listed now
    text = (root / "content/posts/many.md").read_text(encoding="utf-8")
    assert (text.count("(/posts/new-name/)"), text.count("(/old-name/)")) == (130, 0)
    assert "edit it by hand" not in out + err
