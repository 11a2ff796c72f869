"""`blog check --external` with the link history, against 127.0.0.1 servers whose answers
change between runs; the clock is BLOG_NOW, never a sleep."""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from blogcli.cli import app
from tests.conftest import REPO, run_blog
from tests.helpers.webservers import Reply, Scripted, closed_port, scripted_server

DAY0 = datetime(2026, 1, 5, 9, 0, tzinfo=UTC)
TOML = """[site]
title = "T"
profile = "plain"

[links]
allow_private = true
timeout = 2
connect_timeout = 1
retries = 0
"""


class Flaky:
    """A server whose /page answers 200 or ``down`` (a status) as the test says."""

    def __init__(self) -> None:
        self.down: int | None = None
        self.everything = False  # every path answers ``down``, not only /page

    def route(self, method: str, path: str) -> Reply:
        if (path == "/page" or self.everything) and self.down is not None:
            return Reply(self.down, body=b"nope\n")
        return Reply(200)


@pytest.fixture
def flaky() -> Iterator[tuple[Flaky, Scripted]]:
    state = Flaky()
    with scripted_server(state.route) as server:
        yield state, server


def make_site(root: Path, url: str, toml: str = TOML) -> Path:
    (root / "posts").mkdir(parents=True)
    (root / "blog.toml").write_text(toml, encoding="utf-8")
    (root / "posts" / "a.md").write_text(
        f"---\ntitle: A\ndate: 2024-01-02T10:00:00+00:00\n---\nSee [it]({url}) and [ok]"
        f"({url.rsplit('/', 1)[0]}/fine).\n", encoding="utf-8")
    return root


def check(root: Path, day: float, *args: str) -> tuple[int, list[dict[str, Any]], str]:
    now = (DAY0 + timedelta(days=day)).strftime("%Y-%m-%dT%H:%M:%SZ")
    result = CliRunner().invoke(app, ["--site", str(root), "check", "--external", "--no-cache",
                                      "--format", "json", *args], env={"BLOG_NOW": now})
    findings = json.loads(result.stdout)["findings"]
    return result.exit_code, [{k: f[k] for k in ("rule", "severity", "message")}
                              for f in findings], result.stderr


def test_down_once_then_up_is_a_warning_then_nothing(
        tmp_path: Path, flaky: tuple[Flaky, Scripted]) -> None:
    state, server = flaky
    root = make_site(tmp_path / "site", f"{server.url}/page")
    state.down = 503
    code, findings, _ = check(root, 0)
    assert code == 0
    assert findings == [{"rule": "external-failing", "severity": "warning", "message":
                         "HTTP 503 Service Unavailable; failing since 2026-01-05, 1 run "
                         "(an error after 3 failing runs over 7 days)"}]
    state.down = None
    code, findings, _ = check(root, 1)
    assert (code, findings) == (0, [])
    stored = json.loads((root / ".blog" / "links.json").read_text(encoding="utf-8"))
    assert stored["links"][f"{server.url}/page"] == {
        "detail": "HTTP 503", "failing_since": None, "last_failure": "2026-01-05T09:00:00Z",
        "last_success": "2026-01-06T09:00:00Z", "runs": 0}


def test_down_for_three_runs_over_a_week_is_broken_and_resets_when_back(
        tmp_path: Path, flaky: tuple[Flaky, Scripted]) -> None:
    state, server = flaky
    root = make_site(tmp_path / "site", f"{server.url}/page")
    state.down = 404
    seen = [check(root, day)[:2] for day in (0, 3.5, 7)]
    assert [(code, [f["rule"] for f in found]) for code, found in seen] == [
        (0, ["external-failing"]), (0, ["external-failing"]), (1, ["external-broken"])]
    assert "failing since 2026-01-05, 2 runs over 4 days" in seen[1][1][0]["message"]
    assert seen[2][1][0] == {"rule": "external-broken", "severity": "error", "message":
                             "HTTP 404 Not Found (failing since 2026-01-05, 3 runs over 7 days)"}
    listed = CliRunner().invoke(app, ["--site", str(root), "links", "--format", "json"],
                                env={"BLOG_NOW": "2026-01-12T10:00:00Z"})
    rows = json.loads(listed.stdout)["links"]
    assert [(r["url"], r["runs"], r["days"], r["broken"]) for r in rows] == \
        [(f"{server.url}/page", 3, 7.0, True)]
    state.down = None
    assert check(root, 8)[:2] == (0, [])
    state.down = 404
    code, findings, _ = check(root, 9)
    assert code == 0 and "failing since 2026-01-14, 1 run " in findings[0]["message"]


def test_a_refused_connection_is_failing_first_and_unreachable_once_it_lasts(
        tmp_path: Path) -> None:
    root = make_site(tmp_path / "site", f"http://127.0.0.1:{closed_port()}/page")
    rules = [[f["rule"] for f in check(root, day)[1]] for day in (0, 4, 8)]
    assert rules == [["external-failing"] * 2, ["external-failing"] * 2,
                     ["external-unreachable"] * 2]


def test_no_history_and_one_shot_settings_report_at_once(
        tmp_path: Path, flaky: tuple[Flaky, Scripted]) -> None:
    state, server = flaky
    state.down = 404
    root = make_site(tmp_path / "site", f"{server.url}/page")
    assert check(root, 0, "--no-history")[0] == 1
    assert not (root / ".blog").exists()
    one_shot = make_site(tmp_path / "other", f"{server.url}/page",
                         TOML + "broken_after_runs = 1\nbroken_after_days = 0\n")
    code, findings, _ = check(one_shot, 0)
    assert code == 1 and findings[0]["rule"] == "external-broken"


def test_history_path_and_checking_part_of_the_site(
        tmp_path: Path, flaky: tuple[Flaky, Scripted]) -> None:
    state, server = flaky
    state.down = 410
    root = make_site(tmp_path / "site", f"{server.url}/page",
                     TOML + 'history = "ci/link-history.json"\n')
    check(root, 0, str(root / "posts" / "a.md"))
    stored = json.loads((root / "ci" / "link-history.json").read_text(encoding="utf-8"))
    assert list(stored["links"]) == [f"{server.url}/page"]
    outside = make_site(tmp_path / "bad", f"{server.url}/page",
                        TOML + 'history = "../elsewhere.json"\n')
    result = CliRunner().invoke(app, ["--site", str(outside), "check", "--external"])
    assert result.exit_code == 2
    assert "history" in result.stderr and not (tmp_path / "elsewhere.json").exists()


def test_a_crash_mid_write_keeps_the_last_history(
        tmp_path: Path, flaky: tuple[Flaky, Scripted]) -> None:
    """The process dies between writing the temporary file and renaming it (power cut)."""
    state, server = flaky
    state.down = 404
    root = make_site(tmp_path / "site", f"{server.url}/page")
    check(root, 0)
    history = root / ".blog" / "links.json"
    before = history.read_bytes()
    crash = (
        "import os, sys\n"
        "real = os.replace\n"
        "def dying(src, dst):\n"
        "    if str(dst).endswith('links.json'):\n"
        "        os._exit(137)\n"
        "    real(src, dst)\n"
        "os.replace = dying\n"
        "from blogcli.cli import app\n"
        f"sys.argv = ['blog', '--site', {str(root)!r}, 'check', '--external', '--no-cache']\n"
        "app()\n")
    done = subprocess.run([sys.executable, "-c", crash], cwd=REPO, capture_output=True,
                          text=True, timeout=60, env={"BLOG_NOW": "2026-01-08T09:00:00Z",
                                                      "PATH": "/usr/bin:/bin",
                                                      "HOME": str(tmp_path)})
    assert done.returncode == 137, done.stderr
    assert history.read_bytes() == before  # the old history, whole
    assert list(history.parent.glob(".links.json.*.tmp"))  # what the crash left behind
    _, findings, err = check(root, 7)
    assert "failing since 2026-01-05, 2 runs over 7 days" in findings[0]["message"]
    assert err == "" and not list(history.parent.glob(".links.json.*.tmp"))


def test_a_corrupt_history_is_said_once_on_stderr(
        tmp_path: Path, flaky: tuple[Flaky, Scripted]) -> None:
    state, server = flaky
    state.down = 404
    root = make_site(tmp_path / "site", f"{server.url}/page")
    (root / ".blog").mkdir()
    (root / ".blog" / "links.json").write_text("<<<<<<< HEAD\n", encoding="utf-8")
    done = run_blog("check", "--external", "--no-cache", cwd=root,
                    env={"BLOG_NOW": "2026-01-05T09:00:00Z"})
    assert done.returncode == 0, done.stderr
    assert done.stderr.count("Note: the link history .blog/links.json was not readable") == 1
    assert "Traceback" not in done.stderr
    again = run_blog("check", "--external", "--no-cache", cwd=root,
                     env={"BLOG_NOW": "2026-01-06T09:00:00Z"})
    assert "link history" not in again.stderr
    assert "failing since 2026-01-05, 2 runs" in again.stdout


def test_blog_links_lists_oldest_first_in_each_format(
        tmp_path: Path, flaky: tuple[Flaky, Scripted]) -> None:
    state, server = flaky
    root = make_site(tmp_path / "site", f"{server.url}/page")
    empty = run_blog("links", cwd=root)
    assert (empty.returncode, empty.stdout) == (0, "since  runs  days  last ok  state  url\n")
    assert "No link history yet (.blog/links.json)" in empty.stderr
    state.down = 404
    check(root, 0)
    (root / "posts" / "b.md").write_text(
        f"---\ntitle: B\ndate: 2024-01-02T10:00:00+00:00\n---\n[x]({server.url}/gone-too)\n",
        encoding="utf-8")
    state.everything = True
    check(root, 2)
    text = run_blog("links", cwd=root)
    lines = text.stdout.splitlines()
    assert lines[0].split() == ["since", "runs", "days", "last", "ok", "state", "url"]
    assert lines[1].split()[:5] == ["2026-01-05", "2", "2", "-", "failing"]
    assert lines[1].endswith(f"{server.url}/page  (HTTP 404)")
    assert lines[2].split()[:5] == ["2026-01-07", "1", "0", "-", "failing"]
    assert len(lines) == 4  # /page, /gone-too and /fine, all 404 now
    markdown = run_blog("links", "--format", "markdown", "--min-days", "1", cwd=root).stdout
    assert markdown.startswith("### Web links failing (1)\n\nA link is broken after 3 failing "
                               "runs over 7 days (history: `.blog/links.json`).\n")
    assert f"| 2026-01-05 | 2 | 2 | failing | <{server.url}/page> | HTTP 404 |" in markdown
    assert run_blog("links", "--broken", "--format", "json", cwd=root).stdout.count('"url"') == 0
