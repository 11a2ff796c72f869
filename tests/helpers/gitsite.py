"""Test helpers for publishing: a blog in a real git repository with a bare remote, and a
smart-HTTP git server with Basic auth on 127.0.0.1."""

from __future__ import annotations

import base64
import os
import subprocess
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

from tests.conftest import git
from tests.helpers.webservers import serving

DRAFT = "---\ntitle: Hello World\ndate: 2024-03-01T10:00:00+01:00\ndraft: true\n---\n\nHi.\n"


@dataclass
class Blog:
    """A site root (a clone), its bare remote, and a way to read the state the tests assert."""

    root: Path
    remote: Path

    def head(self) -> str:
        return git("rev-parse", "HEAD", cwd=self.root).strip()

    def remote_head(self, branch: str = "main") -> str:
        return git("rev-parse", f"refs/heads/{branch}", cwd=self.remote).strip()

    def status(self) -> str:
        return git("status", "--porcelain=v1", "--untracked-files=all", cwd=self.root)

    def staged(self) -> str:
        return git("diff", "--cached", "--binary", cwd=self.root)

    def unstaged(self) -> str:
        return git("diff", "--binary", cwd=self.root)

    def committed_files(self, rev: str = "HEAD") -> list[str]:
        out = git("show", "--name-status", "--format=", "-M", rev, cwd=self.root)
        return [line for line in out.splitlines() if line]

    def write(self, rel: str, data: bytes | str) -> Path:
        path = self.root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data.encode("utf-8") if isinstance(data, str) else data)
        return path

    def commit_all(self, message: str = "work") -> str:
        git("add", "-A", cwd=self.root)
        git("commit", "-q", "-m", message, cwd=self.root)
        return self.head()

    def push(self) -> None:
        git("push", "-q", "origin", "main", cwd=self.root)


def make_blog(tmp: Path, profile: str = "plain", files: dict[str, str] | None = None) -> Blog:
    """A committed, pushed blog of ``profile`` whose `origin` is a bare repository."""
    remote = tmp / "remote.git"
    git("init", "-q", "--bare", "-b", "main", str(remote), cwd=tmp)
    root = tmp / "site"
    root.mkdir()
    git("init", "-q", "-b", "main", cwd=root)
    git("remote", "add", "origin", str(remote), cwd=root)
    blog = Blog(root, remote)
    layout = {
        "plain": {"blog.toml": '[site]\ntitle = "T"\nprofile = "plain"\n', "posts/.keep": ""},
        "hugo": {"hugo.toml": 'title = "T"\n', "content/posts/.keep": ""},
        "zola": {"config.toml": 'base_url = "https://e.org"\ntitle = "T"\n',
                 "content/posts/.keep": ""},
        "jekyll": {"_config.yml": "title: T\n", "_posts/.keep": "", "_drafts/.keep": ""},
        "hexo": {"_config.yml": "title: T\nnew_post_name: ':year-:month-:day-:title.md'\n",
                 "source/_posts/.keep": "", "source/_drafts/.keep": ""},
    }[profile]
    for rel, text in {**layout, **(files or {})}.items():
        blog.write(rel, text)
    blog.commit_all("start")
    git("push", "-q", "-u", "origin", "main", cwd=root)
    return blog


def clone(blog: Blog, where: Path) -> Path:
    git("clone", "-q", str(blog.remote), str(where), cwd=blog.root.parent)
    return where


class GitHTTPHandler(BaseHTTPRequestHandler):
    """`git http-backend` behind Basic auth; ``server.deny`` picks what is refused and how."""

    server: Any

    def do_GET(self) -> None:
        self._serve()

    def do_POST(self) -> None:
        self._serve()

    def log_message(self, format: str, *args: Any) -> None:
        self.server.requests.append(self.path)

    def _serve(self) -> None:
        path, _, query = self.path.partition("?")
        pushing = "git-receive-pack" in self.path
        deny = self.server.deny
        if deny and (not deny.startswith("push") or pushing) and not self._authorised():
            code = int(deny[-3:])
            self.send_response(code)
            if code == 401:
                self.send_header("WWW-Authenticate", 'Basic realm="blog"')
            self.send_header("Content-Length", "0")
            self.end_headers()
            return
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        env = dict(os.environ, GIT_PROJECT_ROOT=str(self.server.root), GIT_HTTP_EXPORT_ALL="1",
                   REQUEST_METHOD=self.command, PATH_INFO=path, QUERY_STRING=query,
                   CONTENT_TYPE=self.headers.get("Content-Type", ""),
                   CONTENT_LENGTH=str(len(body)), REMOTE_USER="blog", REMOTE_ADDR="127.0.0.1",
                   HTTP_CONTENT_ENCODING=self.headers.get("Content-Encoding", ""),
                   HTTP_GIT_PROTOCOL=self.headers.get("Git-Protocol", ""))
        done = subprocess.run(["git", "http-backend"], input=body, env=env, capture_output=True,
                              check=False)
        head, _, payload = done.stdout.partition(b"\r\n\r\n")
        status, headers = 200, []
        for line in head.decode("latin-1").split("\r\n"):
            name, _, value = line.partition(":")
            if name.lower() == "status":
                status = int(value.split()[0])
            elif name:
                headers.append((name, value.strip()))
        self.send_response(status)
        for name, value in headers:
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)

    def _authorised(self) -> bool:
        wanted = base64.b64encode(self.server.credentials.encode()).decode()
        return self.headers.get("Authorization", "") == f"Basic {wanted}"


@contextmanager
def git_http_server(root: Path, deny: str, credentials: str) -> Iterator[str]:
    """Serve the repositories under ``root``; yield the base URL (no credentials in it)."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), GitHTTPHandler)
    server.root = root  # type: ignore[attr-defined]
    server.deny = deny  # type: ignore[attr-defined]
    server.credentials = credentials  # type: ignore[attr-defined]
    server.requests = []  # type: ignore[attr-defined]
    with serving(server):
        yield f"127.0.0.1:{server.server_address[1]}"
