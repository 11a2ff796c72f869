"""Findings from external checks, at every place a link is written (blogcli/external.py)."""

from __future__ import annotations

import io
import json
import socket
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
from pytest_httpserver import HTTPServer
from typer.testing import CliRunner

from blogcli.check.external import PlacedLink, external_findings
from blogcli.cli import app
from blogcli.progress import url_progress, wanted
from blogcli.web.settings import Settings

FAST = Settings(allow_private=True, use_cache=False, timeout=2.0, connect_timeout=1.0,
                retries=1, backoff=0.01, max_retry_after=1.0)


def test_each_place_gets_the_finding_and_each_url_one_fetch(httpserver_ipv4: HTTPServer) -> None:
    server = httpserver_ipv4
    server.expect_request("/gone").respond_with_data("no", 404)
    server.expect_request("/old").respond_with_data("", 301, {"Location": "/new"})
    server.expect_request("/new").respond_with_data("ok")
    gone, old = server.url_for("/gone"), server.url_for("/old")
    links = [PlacedLink(f"posts/p{i}.md", 3 + i, 7, gone) for i in range(50)]
    links += [PlacedLink("posts/a.md", 9, 1, old), PlacedLink("posts/a.md", 2, 5, "mailto:x@y.z"),
              PlacedLink("posts/a.md", 3, 5, "javascript:void(0)")]  # the offline check's
    report = external_findings(links, FAST)
    broken = [f for f in report.findings if f.rule == "external-broken"]
    assert [(f.path, f.line, f.column) for f in broken] == \
        sorted((f"posts/p{i}.md", 3 + i, 7) for i in range(50))
    assert broken[0].severity == "error"
    assert broken[0].message == "HTTP 404 Not Found"
    moved = [f for f in report.findings if f.rule == "external-redirect"]
    assert [(f.path, f.line, f.severity, f.target) for f in moved] == \
        [("posts/a.md", 9, "warning", old)]
    assert len(report.findings) == 51
    assert server.url_for("/new") in moved[0].message
    assert report.urls == 2
    assert [r.path for r, _ in server.log].count("/gone") == 2  # HEAD then GET, once in all


def test_bot_wall_and_rate_limit_are_warnings(httpserver_ipv4: HTTPServer) -> None:
    httpserver_ipv4.expect_request("/in/me").respond_with_data("denied", 999)
    httpserver_ipv4.expect_request("/api").respond_with_data("", 429, {"Retry-After": "600"})
    links = [PlacedLink("a.md", 1, 1, httpserver_ipv4.url_for("/in/me")),
             PlacedLink("a.md", 2, 1, httpserver_ipv4.url_for("/api"))]
    report = external_findings(links, FAST)
    assert [(f.rule, f.severity) for f in report.findings] == [
        ("external-unknown", "warning"), ("external-rate-limited", "warning")]
    assert "600 s" in report.findings[1].message


def test_localhost_preview_link_is_reported_not_fetched(httpserver_ipv4: HTTPServer) -> None:
    link = PlacedLink("a.md", 4, 2, "http://localhost:1313/posts/draft/")
    report = external_findings([link], replace(FAST, allow_private=False))
    assert [(f.rule, f.severity) for f in report.findings] == [("external-private", "error")]
    assert "readers cannot reach it" in report.findings[0].message
    assert report.requests == 0


async def _no_dns(host: str) -> list[str]:
    """A resolver that knows no host: what an offline machine's looks like."""
    raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")


def test_dead_domains_are_reported_with_an_offline_hint() -> None:
    links = [PlacedLink("a.md", i, 1, f"https://site{i}.invalid/page") for i in range(1, 4)]
    offline = replace(FAST, allow_private=False, resolve=_no_dns)
    report = external_findings(links, offline)
    assert [f.rule for f in report.findings] == ["external-unreachable"] * 3
    assert report.note is not None and "offline" in report.note
    assert report.requests == 0
    assert external_findings(links[:2], offline).note is None


def test_a_resolver_that_never_answers_is_bounded_by_the_connect_timeout() -> None:
    import asyncio

    async def hang(host: str) -> list[str]:
        await asyncio.sleep(3600)
        return []

    links = [PlacedLink("a.md", 1, 1, "https://slow-dns.invalid/")]
    settings = replace(FAST, allow_private=False, connect_timeout=0.2, resolve=hang)
    report = external_findings(links, settings)
    assert [f.rule for f in report.findings] == ["external-unreachable"]
    assert "look-up timed out" in report.findings[0].message


def test_options_come_from_links_table_and_flags() -> None:
    from blogcli.check.external import options

    opts = options({"per_host": 2, "allow_private": True}, use_cache=False, check_anchors=True)
    assert (opts.settings.per_host, opts.settings.allow_private) == (2, True)
    assert (opts.settings.use_cache, opts.settings.check_anchors) == (False, True)


def test_progress_bar_only_on_a_terminal_in_text_mode() -> None:
    import os

    assert not wanted("text", io.StringIO())
    assert not wanted("json", io.StringIO())
    leader, follower = os.openpty()  # a real terminal, as an interactive stderr is
    try:
        with open(follower, "w", encoding="utf-8") as terminal:
            assert wanted("text", terminal)
            assert not wanted("json", terminal)
            assert not wanted("github", terminal)
    finally:
        os.close(leader)
    with url_progress(False) as callback:
        assert callback is None
    with url_progress(True) as callback:
        assert callback is not None
        callback(1, 2, 0)
        callback(2, 2, 1)


# ---- `blog check --external` end to end (CliRunner, real files, real server) ----

SITE_TOML = """[site]
title = "T"
profile = "plain"

[links]
allow_private = true
timeout = 2
connect_timeout = 1
retries = 1
max_retry_after = 1
history = false  # one-shot: these tests are about what a single run finds
"""


def _post(title: str, body: str) -> str:
    return f"---\ntitle: {title}\ndate: 2024-01-02T10:00:00+00:00\n---\n{body}"


def make_blog(root: Path, posts: dict[str, str], toml: str = SITE_TOML) -> Path:
    (root / "posts").mkdir(parents=True)
    (root / "blog.toml").write_text(toml, encoding="utf-8")
    for name, body in posts.items():
        (root / "posts" / name).write_text(_post(name, body), encoding="utf-8")
    return root


def run_check(root: Path, *args: str) -> tuple[int, dict[str, Any]]:
    result = CliRunner().invoke(app, ["--site", str(root), "check", "--external",
                                      "--format", "json", *args])
    return result.exit_code, json.loads(result.stdout)


def test_check_external_reports_every_place_with_line_and_column(
        tmp_path: Path, httpserver_ipv4: HTTPServer) -> None:
    server = httpserver_ipv4
    server.expect_request("/ok").respond_with_data("ok")
    server.expect_request("/gone").respond_with_data("no", 410)
    server.expect_request("/old").respond_with_data("", 308, {"Location": "/ok"})
    gone, old = server.url_for("/gone"), server.url_for("/old")
    a = f"See [this]({server.url_for('/ok')}) and [that]({gone}).\n"
    root = make_blog(tmp_path / "blog", {
        "a.md": a,
        "b.md": f"Moved: <{old}>\n\n[ref]: {gone}\n\nUse [ref].\n",
        "c.md": "[laptop](file:///Users/me/x.png) and [mail](mailto:me@example.com)\n",
    })
    code, report = run_check(root)
    found = [(f["path"], f["line"], f["column"], f["rule"], f["severity"])
             for f in report["findings"]]
    # Line 5 is the first body line (four lines of front matter); columns are 1-based.
    assert found == [
        ("posts/a.md", 5, a.index(gone) + 1, "external-broken", "error"),
        ("posts/b.md", 5, len("Moved: <") + 1, "external-redirect", "warning"),
        ("posts/b.md", 7, len("[ref]: ") + 1, "external-broken", "error"),
        ("posts/c.md", 5, len("[laptop](") + 1, "link-file", "error"),
    ]
    assert code == 1
    assert server.url_for("/ok") in report["findings"][1]["message"]
    assert [r.path for r, _ in server.log].count("/gone") == 2  # one HEAD + one GET in all


def test_second_run_asks_nothing_of_links_that_passed(
        tmp_path: Path, httpserver_ipv4: HTTPServer) -> None:
    httpserver_ipv4.expect_request("/ok").respond_with_data("ok")
    root = make_blog(tmp_path / "blog", {"a.md": f"[x]({httpserver_ipv4.url_for('/ok')})\n"})
    assert run_check(root)[0] == 0
    httpserver_ipv4.clear_log()
    assert run_check(root) == (0, run_check(root)[1])
    assert httpserver_ipv4.log == []
    assert run_check(root, "--no-cache")[0] == 0
    assert len(httpserver_ipv4.log) == 1


def test_localhost_preview_link_is_an_error_unless_allowed(tmp_path: Path) -> None:
    root = make_blog(tmp_path / "blog", {"a.md": "[draft](http://localhost:1313/posts/a/)\n"},
                     toml=SITE_TOML.replace("allow_private = true", "allow_private = false"))
    code, report = run_check(root)
    assert code == 1
    assert [f["rule"] for f in report["findings"]] == ["external-private"]


def test_bad_links_table_is_a_usage_error(tmp_path: Path) -> None:
    root = make_blog(tmp_path / "blog", {"a.md": "text\n"},
                     toml=SITE_TOML + "per_host = 0\n")
    result = CliRunner().invoke(app, ["--site", str(root), "check", "--external"])
    assert result.exit_code == 2
    assert "per_host" in result.stderr


def test_without_external_no_request_is_made(tmp_path: Path, httpserver_ipv4: HTTPServer) -> None:
    root = make_blog(tmp_path / "blog", {"a.md": f"[x]({httpserver_ipv4.url_for('/nope')})\n"})
    result = CliRunner().invoke(app, ["--site", str(root), "check", "--format", "json"])
    assert result.exit_code == 0
    assert httpserver_ipv4.log == []


def test_web_links_of_a_post_with_broken_front_matter_are_still_checked(
        tmp_path: Path, httpserver_ipv4: HTTPServer) -> None:
    httpserver_ipv4.expect_request("/gone").respond_with_data("", 404)
    gone = httpserver_ipv4.url_for("/gone")
    root = make_blog(tmp_path / "blog", {})
    (root / "posts" / "a.md").write_text(f"---\ntitle: A\n\nSee [this]({gone}).\n",
                                         encoding="utf-8")  # front matter never closed
    code, report = run_check(root)
    assert [(f["rule"], f["line"], f["column"]) for f in report["findings"]] == [
        ("front-matter-invalid", 1, 1), ("external-broken", 4, len("See [this](") + 1)]
    assert code == 1


def test_check_anchors_flag_checks_fragments_of_web_pages(
        tmp_path: Path, httpserver_ipv4: HTTPServer) -> None:
    httpserver_ipv4.expect_request("/doc").respond_with_data(
        '<h2 id="setup">Setup</h2>', content_type="text/html")
    doc = httpserver_ipv4.url_for("/doc")
    root = make_blog(tmp_path / "blog", {"a.md": f"[a]({doc}#setup) [b]({doc}#nowhere)\n"})
    assert run_check(root)[1]["findings"] == []
    code, report = run_check(root, "--check-anchors")
    assert [(f["rule"], f["target"]) for f in report["findings"]] == [
        ("external-anchor", f"{doc}#nowhere")]
    assert code == 0  # a warning: remote ids can be made by scripts


def test_ctrl_c_prints_the_partial_report_and_exits_130(tmp_path: Path) -> None:
    import os
    import signal
    import subprocess
    import sys
    import threading

    from tests.conftest import REPO
    from tests.helpers.webservers import Reply, scripted_server

    asked = threading.Event()

    def route(method: str, path: str) -> Reply:
        if path == "/slow":
            asked.set()
            return Reply(delay=30)  # cut short when the server stops
        return Reply(status=999)  # final on HEAD: nothing else is queued before /slow

    with scripted_server(route) as srv:
        root = make_blog(tmp_path / "blog", {
            "a.md": f"[walled]({srv.url}/walled)\n\n[slow]({srv.url}/slow)\n"},
            toml=SITE_TOML.replace("timeout = 2", "timeout = 60") + "per_host = 1\n")
        env = {**os.environ, "PYTHONPATH": str(REPO)}
        with subprocess.Popen([sys.executable, "-m", "blogcli", "check", "--external"],
                              cwd=root, env=env, text=True, stdout=subprocess.PIPE,
                              stderr=subprocess.PIPE) as proc:
            # per_host = 1: /slow is asked only once /walled has its answer.
            assert asked.wait(timeout=30)
            proc.send_signal(signal.SIGINT)
            out, err = proc.communicate(timeout=30)
    assert proc.returncode == 130, err
    assert "HTTP 999" in out and "/slow" not in out, err
    assert "Interrupted: 1 web address checked before Ctrl-C" in err


@pytest.mark.parametrize("external", [False, True])
def test_malformed_web_links_are_findings(tmp_path: Path, external: bool) -> None:
    body = ("[p](http://127.0.0.1:65536/x) [x](http://[::1/) "
            "[y](http://127.0.0.1:18811:80/)\n")
    root = make_blog(tmp_path / "blog", {"a.md": body})
    args = ["--site", str(root), "check", "--format", "json"] + (["--external"] if external else [])
    result = CliRunner().invoke(app, args)
    found = [(f["rule"], f["column"]) for f in json.loads(result.stdout)["findings"]]
    assert found == [("link-malformed", 5), ("link-malformed", 35), ("link-malformed", 53)]
    assert result.exit_code == 1


def test_raw_html_links_are_entity_decoded(tmp_path: Path, httpserver_ipv4: HTTPServer) -> None:
    server = httpserver_ipv4
    server.expect_request("/q", query_string="a=1&b=2").respond_with_data("ok")
    server.expect_request("/q").respond_with_data("no", 404)
    href = server.url_for("/q") + "?a=1&amp;b=2"
    root = make_blog(tmp_path / "blog", {"a.md": f'<a href="{href}">both</a>\n'})
    code, report = run_check(root)
    assert (code, report["findings"]) == (0, [])
    assert [r.query_string for r, _ in server.log] == [b"a=1&b=2"]


def test_interrupted_json_report_says_it_is_partial(tmp_path: Path) -> None:
    import os
    import signal
    import subprocess
    import sys
    import time

    from tests.conftest import REPO
    from tests.helpers.webservers import Reply, scripted_server

    def route(method: str, path: str) -> Reply:
        return Reply(200, delay=30 if path == "/slow" else 0)

    with scripted_server(route) as srv:
        root = make_blog(tmp_path / "blog", {"a.md": f"[a]({srv.url}/fast) [b]({srv.url}/slow)\n"},
                         toml=SITE_TOML.replace("timeout = 2", "timeout = 60"))
        env = {**os.environ, "PYTHONPATH": str(REPO)}
        with subprocess.Popen([sys.executable, "-m", "blogcli", "--site", str(root), "check",
                               "--external", "--format", "json"], env=env, text=True,
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE) as proc:
            for _ in range(200):  # until the slow request is in flight (at most 20 s)
                if ("HEAD", "/slow") in srv.log:
                    break
                time.sleep(0.1)
            proc.send_signal(signal.SIGINT)
            out, err = proc.communicate(timeout=20)
    assert proc.returncode == 130, err
    assert json.loads(out)["summary"]["interrupted"] is True


def _hugo_blog(root: Path, posts: dict[str, str], hugo_toml: str = 'title = "T"\n') -> Path:
    (root / "content" / "posts").mkdir(parents=True)
    (root / "hugo.toml").write_text(hugo_toml, encoding="utf-8")
    (root / "blog.toml").write_text(SITE_TOML.replace('profile = "plain"', 'profile = "hugo"'),
                                    encoding="utf-8")
    for name, body in posts.items():
        (root / "content" / "posts" / name).write_text(_post(name, body), encoding="utf-8")
    return root


def test_bare_url_in_a_hugo_post_is_checked_at_its_place(
        tmp_path: Path, httpserver_ipv4: HTTPServer) -> None:
    # Goldmark links an address only if its host part has a ".letters" label; "#x.html" gives
    # one and is not sent to the server (a fragment): so the request is for "/", a 404.
    httpserver_ipv4.expect_request("/").respond_with_data("no", 404)
    url = httpserver_ipv4.url_for("/").rstrip("/") + "#gone.html"
    body = f"Intro.\n\nSee {url}. And `{url}` in code.\n"
    root = _hugo_blog(tmp_path / "blog", {"a.md": body})
    offline = CliRunner().invoke(app, ["--site", str(root), "check", "--format", "json"])
    assert (offline.exit_code, json.loads(offline.stdout)["findings"]) == (0, [])
    assert httpserver_ipv4.log == []
    code, report = run_check(root)
    assert [(f["path"], f["line"], f["column"], f["rule"], f["target"])
            for f in report["findings"]] == [
        ("content/posts/a.md", 7, len("See ") + 1, "external-broken", url)]
    assert code == 1


def test_hugo_linkify_off_leaves_bare_urls_unchecked(
        tmp_path: Path, httpserver_ipv4: HTTPServer) -> None:
    url = httpserver_ipv4.url_for("/").rstrip("/") + "#gone.html"
    root = _hugo_blog(tmp_path / "blog", {"a.md": f"See {url} here.\n"},
                      'title = "T"\n[markup.goldmark.extensions]\nlinkify = false\n')
    code, report = run_check(root)
    assert (code, report["findings"], report["summary"]["files"]) == (0, [], 1)
    assert httpserver_ipv4.log == []


def test_bare_urls_are_checked_on_github_pages_but_not_in_jekyll(
        tmp_path: Path, httpserver_ipv4: HTTPServer) -> None:
    httpserver_ipv4.expect_request("/gone").respond_with_data("no", 404)
    gone = httpserver_ipv4.url_for("/gone")
    root = make_blog(tmp_path / "plain", {"a.md": f"- first\n- then ({gone}), done\n"})
    code, report = run_check(root)
    assert [(f["line"], f["column"], f["target"]) for f in report["findings"]] == [
        (6, len("- then (") + 1, gone)]
    assert code == 1
    jekyll = tmp_path / "jekyll"
    (jekyll / "_posts").mkdir(parents=True)
    (jekyll / "blog.toml").write_text(SITE_TOML.replace('"plain"', '"jekyll"'), encoding="utf-8")
    (jekyll / "_posts" / "2024-01-02-a.md").write_text(_post("a", f"See {gone}\n"),
                                                       encoding="utf-8")
    httpserver_ipv4.clear_log()
    assert run_check(jekyll)[1] == {"version": 1, "findings": [], "summary": {
        "files": 1, "links": 0, "errors": 0, "warnings": 0}}
    assert httpserver_ipv4.log == []


def test_past_a_hundred_links_to_one_address_one_finding_counts_the_rest(
        tmp_path: Path, httpserver_ipv4: HTTPServer) -> None:
    httpserver_ipv4.expect_request("/gone").respond_with_data("no", 410)
    gone = httpserver_ipv4.url_for("/gone")
    root = make_blog(tmp_path / "blog", {"a.md": f"[x]({gone})\n" * 104})
    code, report = run_check(root)
    assert code == 1 and report["summary"]["links"] == 104
    found = [(f["line"], f["rule"]) for f in report["findings"]]
    assert found == [(line, "external-broken") for line in range(5, 106)]
    assert report["findings"][-1]["message"].startswith(
        f"… and 4 more links to {gone} in this file, from here on: ")
