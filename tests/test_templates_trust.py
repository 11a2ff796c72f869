"""Issue 15 items 2 and 3: templates never read outside the site and always end; credentials
blog knows are removed from every message by value."""

from __future__ import annotations

import base64
import time
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner, Result

from blogcli.cli import app
from blogcli.errors import redact, remember_url
from tests.conftest import git
from tests.helpers.gitsite import DRAFT, Blog, make_blog
from tests.helpers.webservers import serving

SECRET = "hunter2-Very-Secret"


def blog_cli(root: Path, *args: str) -> Result:
    return CliRunner().invoke(app, ["--site", str(root), *args], catch_exceptions=False)


@pytest.fixture
def outside(tmp_path: Path) -> Path:
    path = tmp_path / "home" / ".git-credentials"
    path.parent.mkdir()
    path.write_text(f"https://deploy:{SECRET}@example.com\n", encoding="utf-8")
    return path


def test_index_scaffold_linked_outside_the_site_is_refused(tmp_path: Path,
                                                           outside: Path) -> None:
    blog = make_blog(tmp_path, "plain", {"index.md": "# T\n"})
    (blog.root / "scaffolds").mkdir()
    (blog.root / "scaffolds" / "index.md").symlink_to(outside)
    blog.commit_all("a cloned blog with a hostile link")
    blog.push()
    blog.write("posts/hello-world.md", DRAFT)
    before = blog.remote_head()
    result = blog_cli(blog.root, "publish", "hello-world")
    assert result.exit_code == 2, result.output
    assert "scaffolds/index.md is a link to" in result.stderr
    assert "outside the site" in result.stderr
    assert SECRET not in (blog.root / "index.md").read_text(encoding="utf-8")
    assert SECRET not in result.output
    assert blog.remote_head() == before
    index = blog_cli(blog.root, "index")
    assert index.exit_code == 2 and SECRET not in index.output


def test_post_scaffold_linked_outside_the_site_is_refused(tmp_path: Path,
                                                          outside: Path) -> None:
    blog = make_blog(tmp_path, "plain")
    (blog.root / "scaffolds").mkdir()
    (blog.root / "scaffolds" / "post.md").symlink_to(outside)
    result = blog_cli(blog.root, "new", "A post")
    assert result.exit_code == 2, result.output
    assert "scaffolds/post.md is a link to" in result.stderr
    assert not list((blog.root / "posts").glob("a-post*"))


@pytest.mark.parametrize("template", [
    "{% for i in range(100000) %}{% for j in range(100000) %}{% endfor %}{% endfor %}\n",
    "{% for i in range(100000) %}{% for j in range(100000) %}x{% endfor %}{% endfor %}\n",
    "{{ 'x' * 1000000000 }}\n",
    "{{ 10 ** 1000000 }}\n",
])
def test_a_runaway_index_template_is_stopped(tmp_path: Path, template: str,
                                             monkeypatch: pytest.MonkeyPatch) -> None:
    from blogcli import templates

    monkeypatch.setattr(templates, "MAX_SECONDS", 1.0)
    blog = make_blog(tmp_path, "plain", {"index.md": "# T\n", "scaffolds/index.md": template})
    started = time.monotonic()
    result = blog_cli(blog.root, "index")
    assert time.monotonic() - started < 20
    assert result.exit_code == 2, result.output
    assert "scaffolds/index.md: the template was stopped" in result.stderr
    assert (blog.root / "index.md").read_text(encoding="utf-8") == "# T\n"


# --- redaction by value ----------------------------------------------------------------------

class EchoHandler(BaseHTTPRequestHandler):
    """A git host that echoes what it was sent (credentials included) in a 500 body."""

    def do_GET(self) -> None:
        auth = self.headers.get("Authorization", "")
        decoded = base64.b64decode(auth.split()[-1]).decode() if auth else "(none)"
        if not auth:
            self.send_response(401)
            self.send_header("WWW-Authenticate", 'Basic realm="x"')
            self.send_header("Content-Length", "0")
            self.end_headers()
            return
        body = f"denied for {decoded} with header {auth}\n".encode()
        self.send_response(500)
        self.send_header("Content-Type", "text/plain")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: Any) -> None:
        pass


@contextmanager
def echo_server() -> Iterator[str]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), EchoHandler)
    with serving(server):
        yield f"127.0.0.1:{server.server_address[1]}"


@pytest.mark.parametrize("output", ["text", "json"])
def test_credentials_a_server_echoes_are_redacted(tmp_path: Path, output: str) -> None:
    blog: Blog = make_blog(tmp_path)
    blog.write("posts/hello-world.md", DRAFT)
    with echo_server() as host:
        git("remote", "set-url", "origin", f"http://deploy:{SECRET}@{host}/remote.git",
            cwd=blog.root)
        result = blog_cli(blog.root, "publish", "--format", output, "hello-world")
    assert result.exit_code == 3, result.output
    assert "denied for" in result.stderr  # the server's words are shown...
    basic = base64.b64encode(f"deploy:{SECRET}".encode()).decode()
    assert SECRET not in result.output and basic not in result.output  # ...not its secrets


def test_tokens_from_the_environment_are_redacted_whatever_their_shape(
        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("GITHUB_TOKEN", "plainlookingvalue42")
    text = ("redirects to https://example.com/login?access_token=plainlookingvalue42 "
            f"and {base64.b64encode(b'x-access-token:plainlookingvalue42').decode()}")
    shown = redact(text)
    assert "plainlookingvalue42" not in shown and "eC1hY2Nlc3MtdG9rZW4" not in shown
    assert shown.startswith("redirects to https://example.com/login?access_token=***")


def test_url_credentials_are_redacted_percent_decoded_too() -> None:
    remember_url("https://deploy:p%40ss-w0rd-long@git.example.com/x.git")
    assert redact("server said: deploy:p@ss-w0rd-long") == "server said: ***"
    assert "p%40ss-w0rd-long" not in redact("echo p%40ss-w0rd-long")
