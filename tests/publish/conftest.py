"""What the publish tests share: a committed, pushed plain blog with one draft, and the CLI."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner, Result

from blogcli.cli import app
from tests.helpers.gitsite import DRAFT, Blog, make_blog

PUBLISHED = DRAFT.replace("draft: true", "draft: false")
POST = "posts/hello-world.md"


def blog_cli(blog: Blog, *args: str) -> Result:
    return CliRunner().invoke(app, ["--site", str(blog.root), *args], catch_exceptions=False)


def snapshot(blog: Blog) -> tuple[str, str, str, str, str]:
    return blog.head(), blog.remote_head(), blog.status(), blog.staged(), blog.unstaged()


@pytest.fixture
def blog(tmp_path: Path) -> Blog:
    made = make_blog(tmp_path)
    made.write(POST, DRAFT)
    return made
