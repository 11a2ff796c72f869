"""External link checks against real servers on 127.0.0.1 (blogcli/web.py)."""

from __future__ import annotations

import itertools
import json
import os
import signal
import subprocess
import sys
from dataclasses import replace
from pathlib import Path

import pytest
from pytest_httpserver import HTTPServer
from werkzeug import Request, Response

from blogcli.web.cache import UrlCache, cache_path
from blogcli.web.checker import Status, UrlResult, check_urls
from blogcli.web.settings import HostSettings, Settings
from tests.helpers import REPO
from tests.helpers.webservers import (
    Reply,
    closed_port,
    scripted_server,
    self_signed_context,
    silent_server,
)

# Small limits keep every test bounded: no test waits more than a couple of seconds.
FAST = Settings(allow_private=True, use_cache=False, timeout=2.0, connect_timeout=1.0,
                retries=2, backoff=0.01, max_retry_after=2.0)


def check(url: str, settings: Settings = FAST) -> UrlResult:
    return check_urls([url], settings).results[url]


def requests_to(server: HTTPServer, path: str) -> list[str]:
    return [request.method for request, _ in server.log if request.path == path]


def test_ok_page_passes_with_one_head(httpserver_ipv4: HTTPServer) -> None:
    httpserver_ipv4.expect_request("/post").respond_with_data("hello")
    result = check(httpserver_ipv4.url_for("/post"))
    assert (result.status, result.code) == (Status.OK, 200)
    assert requests_to(httpserver_ipv4, "/post") == ["HEAD"]


def test_permanent_redirect_chain_names_the_final_url(httpserver_ipv4: HTTPServer) -> None:
    server = httpserver_ipv4
    server.expect_request("/a").respond_with_data("", 301, {"Location": "/b"})
    server.expect_request("/b").respond_with_data("", 308, {"Location": server.url_for("/c")})
    server.expect_request("/c").respond_with_data("here")
    result = check(server.url_for("/a"))
    assert result.status is Status.REDIRECT
    assert result.new_url == server.url_for("/c")


def test_temporary_redirect_is_fine(httpserver_ipv4: HTTPServer) -> None:
    httpserver_ipv4.expect_request("/login").respond_with_data("", 302, {"Location": "/form"})
    httpserver_ipv4.expect_request("/form").respond_with_data("form")
    result = check(httpserver_ipv4.url_for("/login"))
    assert (result.status, result.new_url) == (Status.OK, None)


def test_permanent_then_temporary_names_the_permanent_target(httpserver_ipv4: HTTPServer) -> None:
    server = httpserver_ipv4
    server.expect_request("/old").respond_with_data("", 301, {"Location": "/new"})
    server.expect_request("/new").respond_with_data("", 302, {"Location": "/today"})
    server.expect_request("/today").respond_with_data("ok")
    result = check(server.url_for("/old"))
    assert (result.status, result.new_url) == (Status.REDIRECT, server.url_for("/new"))


def test_redirect_loop_is_broken(httpserver_ipv4: HTTPServer) -> None:
    httpserver_ipv4.expect_request("/x").respond_with_data("", 301, {"Location": "/y"})
    httpserver_ipv4.expect_request("/y").respond_with_data("", 302, {"Location": "/x"})
    result = check(httpserver_ipv4.url_for("/x"))
    assert result.status is Status.BROKEN
    assert "loop" in result.detail


def _cookie_wall(request: Request) -> Response:
    """Sets a cookie and redirects to itself: a loop only for clients without cookies."""
    if request.cookies.get("seen") == "1":
        return Response("article")
    return Response("", status=302, headers={"Location": "/article",
                                             "Set-Cookie": "seen=1; Path=/"})


def test_cookie_then_redirect_to_itself_is_not_a_loop(httpserver_ipv4: HTTPServer) -> None:
    httpserver_ipv4.expect_request("/article").respond_with_handler(_cookie_wall)
    result = check(httpserver_ipv4.url_for("/article"))
    assert (result.status, result.new_url) == (Status.OK, None)


@pytest.mark.parametrize("code", [403, 503])
def test_bot_challenge_page_is_unknown_and_not_retried(httpserver_ipv4: HTTPServer,
                                                       code: int) -> None:
    httpserver_ipv4.expect_request("/shielded").respond_with_data(
        "Just a moment...", code, {"cf-mitigated": "challenge"})
    result = check(httpserver_ipv4.url_for("/shielded"))
    assert (result.status, result.code) == (Status.UNKNOWN, code)
    assert "challenge" in result.detail
    assert requests_to(httpserver_ipv4, "/shielded") == ["HEAD", "GET"]


@pytest.mark.parametrize("code", [404, 410])
def test_missing_page_is_broken(httpserver_ipv4: HTTPServer, code: int) -> None:
    httpserver_ipv4.expect_request("/gone").respond_with_data("no", code)
    result = check(httpserver_ipv4.url_for("/gone"))
    assert (result.status, result.code) == (Status.BROKEN, code)
    # HEAD said no, so GET was asked too before calling it broken.
    assert requests_to(httpserver_ipv4, "/gone") == ["HEAD", "GET"]


def test_server_error_is_retried_then_passes(httpserver_ipv4: HTTPServer) -> None:
    httpserver_ipv4.expect_oneshot_request("/flaky").respond_with_data("boom", 500)
    httpserver_ipv4.expect_request("/flaky").respond_with_data("fine")
    assert check(httpserver_ipv4.url_for("/flaky")).status is Status.OK
    assert requests_to(httpserver_ipv4, "/flaky") == ["HEAD", "GET"]


def test_server_error_that_lasts_is_broken_after_retries(httpserver_ipv4: HTTPServer) -> None:
    httpserver_ipv4.expect_request("/down").respond_with_data("boom", 500)
    result = check(httpserver_ipv4.url_for("/down"))
    assert (result.status, result.code) == (Status.BROKEN, 500)
    assert requests_to(httpserver_ipv4, "/down") == ["HEAD"] + ["GET"] * (1 + FAST.retries)


def test_head_server_error_falls_back_to_get(httpserver_ipv4: HTTPServer) -> None:
    httpserver_ipv4.expect_request("/app", method="HEAD").respond_with_data("", 500)
    httpserver_ipv4.expect_request("/app", method="GET").respond_with_data("page")
    assert check(httpserver_ipv4.url_for("/app")).status is Status.OK
    assert requests_to(httpserver_ipv4, "/app") == ["HEAD", "GET"]


def test_timeout_bounds_the_whole_redirect_chain() -> None:
    """Eight hops of 0.6 s each: every hop is within 2 s, the chain is not."""
    def route(method: str, path: str) -> Reply:
        hop = int(path.strip("/") or 0)
        if hop == 8:
            return Reply(200)
        return Reply(302, {"Location": f"/{hop + 1}"}, b"", delay=0.6)

    with scripted_server(route) as srv:
        result = check(srv.url + "/0")
        assert result.status is Status.TIMEOUT
        assert len(srv.log) <= 4


def test_rate_limit_waits_for_retry_after(httpserver_ipv4: HTTPServer) -> None:
    httpserver_ipv4.expect_oneshot_request("/busy").respond_with_data(
        "slow down", 429, {"Retry-After": "1"})
    httpserver_ipv4.expect_request("/busy").respond_with_data("ok")
    assert check(httpserver_ipv4.url_for("/busy")).status is Status.OK
    assert len(requests_to(httpserver_ipv4, "/busy")) == 2


def test_retry_after_past_the_cap_is_rate_limited_not_broken(httpserver_ipv4: HTTPServer) -> None:
    httpserver_ipv4.expect_request("/busy").respond_with_data("no", 429, {"Retry-After": "3600"})
    result = check(httpserver_ipv4.url_for("/busy"))
    assert (result.status, result.code) == (Status.RATE_LIMITED, 429)
    assert len(requests_to(httpserver_ipv4, "/busy")) == 1


def test_503_with_retry_after_date_is_honoured(httpserver_ipv4: HTTPServer) -> None:
    httpserver_ipv4.expect_oneshot_request("/maint").respond_with_data(
        "later", 503, {"Retry-After": "Wed, 21 Oct 2015 07:28:00 GMT"})  # in the past: now
    httpserver_ipv4.expect_request("/maint").respond_with_data("ok")
    assert check(httpserver_ipv4.url_for("/maint")).status is Status.OK


@pytest.mark.parametrize("head_code", [405, 501, 403, 404])
def test_head_refused_falls_back_to_get(httpserver_ipv4: HTTPServer, head_code: int) -> None:
    httpserver_ipv4.expect_request("/page", method="HEAD").respond_with_data("", head_code)
    httpserver_ipv4.expect_request("/page", method="GET").respond_with_data("page")
    assert check(httpserver_ipv4.url_for("/page")).status is Status.OK
    assert requests_to(httpserver_ipv4, "/page") == ["HEAD", "GET"]


def _bot_wall(request: Request) -> Response:
    """LinkedIn-style: 999 for anything that does not look like a browser."""
    if "Mozilla" in request.headers.get("User-Agent", ""):
        return Response("profile")
    return Response("request denied", status=999)


def test_browser_user_agent_passes_a_bot_wall(httpserver_ipv4: HTTPServer) -> None:
    httpserver_ipv4.expect_request("/in/someone").respond_with_handler(_bot_wall)
    assert check(httpserver_ipv4.url_for("/in/someone")).status is Status.OK


def test_bot_answer_999_is_unknown_not_broken(httpserver_ipv4: HTTPServer) -> None:
    httpserver_ipv4.expect_request("/in/someone").respond_with_handler(_bot_wall)
    result = check(httpserver_ipv4.url_for("/in/someone"), replace(FAST, user_agent="curl/8"))
    assert (result.status, result.code) == (Status.UNKNOWN, 999)
    assert requests_to(httpserver_ipv4, "/in/someone") == ["HEAD"]  # 999 is not retried


def test_host_settings_choose_unknown_and_accepted_codes(httpserver_ipv4: HTTPServer) -> None:
    httpserver_ipv4.expect_request("/teapot").respond_with_data("", 418)
    httpserver_ipv4.expect_request("/members").respond_with_data("", 402)
    hosts = {"127.0.0.1": HostSettings(unknown_status=frozenset({418}),
                                       accept=frozenset({402}))}
    run = check_urls([httpserver_ipv4.url_for("/teapot"), httpserver_ipv4.url_for("/members")],
                     replace(FAST, hosts=hosts))
    assert [r.status for r in run.results.values()] == [Status.UNKNOWN, Status.OK]


def test_server_that_never_answers_times_out() -> None:
    with silent_server() as url:
        result = check(url + "/hang", replace(FAST, timeout=0.5, retries=0))
    assert result.status is Status.TIMEOUT


def test_connection_refused() -> None:
    result = check(f"http://127.0.0.1:{closed_port()}/x")
    assert result.status is Status.REFUSED


def test_self_signed_certificate_is_a_tls_error(tmp_path: Path) -> None:
    with scripted_server(lambda method, path: Reply(), tls=self_signed_context(tmp_path)) as srv:
        result = check(srv.url + "/secure")
    assert result.status is Status.TLS_ERROR
    assert "certificate" in result.detail


def test_enormous_body_is_not_downloaded() -> None:
    chunk = b"x" * 65536

    def huge(method: str, path: str) -> Reply:
        if method == "HEAD":
            return Reply(status=405)
        # 10 GB announced and produced lazily; the checker must hang up early.
        return Reply(headers={"Content-Length": str(10 * 2**30)}, body=itertools.repeat(chunk))

    with scripted_server(huge) as srv:
        result = check(srv.url + "/dump.iso")
    assert result.status is Status.OK
    assert srv.bytes_sent < 50 * 2**20


def _gzip_bomb(size: int = 256 * 2**20, header: bytes = b"") -> list[bytes]:
    """``header`` then ``size`` zero bytes, gzip-compressed: about a thousandth of the size."""
    import zlib

    packer = zlib.compressobj(9, zlib.DEFLATED, 31)
    block = bytes(2**20)
    out = [packer.compress(header)] + [packer.compress(block) for _ in range(size // 2**20)]
    return [*out, packer.flush()]


@pytest.mark.parametrize("anchors", [False, True])
def test_compressed_bomb_is_neither_downloaded_nor_inflated(anchors: bool) -> None:
    import tracemalloc

    bomb = [b"".join(_gzip_bomb(header=b"<html><h1 id=\"top-of-bomb\">x</h1>"))]

    def route(method: str, path: str) -> Reply:
        if method == "HEAD":
            return Reply(status=405)
        return Reply(headers={"Content-Encoding": "gzip", "Content-Type": "text/html"},
                     body=iter(bomb))

    with scripted_server(route) as srv:
        url = srv.url + "/page#top-of-bomb"
        tracemalloc.start()
        try:
            result = check(url, replace(FAST, check_anchors=anchors))
            _, peak = tracemalloc.get_traced_memory()
        finally:
            tracemalloc.stop()
    assert result.status is Status.OK  # the anchor was found in the first, capped, megabytes
    assert peak < 40 * 2**20


def test_url_repeated_in_fifty_posts_is_fetched_once(httpserver_ipv4: HTTPServer) -> None:
    httpserver_ipv4.expect_request("/popular").respond_with_data("ok")
    url = httpserver_ipv4.url_for("/popular")
    spellings = [url, url.replace("http://", "HTTP://"), url + "#intro", url + "#intro"] * 13
    run = check_urls(spellings, FAST)
    assert {r.status for r in run.results.values()} == {Status.OK}
    assert set(run.results) == set(spellings)
    assert requests_to(httpserver_ipv4, "/popular") == ["HEAD"]


def test_second_run_requests_only_what_failed(httpserver_ipv4: HTTPServer) -> None:
    server = httpserver_ipv4
    server.expect_request("/fine").respond_with_data("ok")
    server.expect_request("/moved").respond_with_data("", 308, {"Location": "/fine"})
    server.expect_request("/missing").respond_with_data("no", 404)
    urls = [server.url_for(p) for p in ("/fine", "/moved", "/missing")]
    cached = replace(FAST, use_cache=True)
    first = check_urls(urls, cached)
    server.clear_log()
    second = check_urls(urls, cached)
    assert [r.status for r in second.results.values()] == \
        [r.status for r in first.results.values()] == [Status.OK, Status.REDIRECT, Status.BROKEN]
    assert [r.cached for r in second.results.values()] == [True, True, False]
    # Only the failure is asked again, once, with GET: the first run spent its retries on it.
    assert [(request.method, request.path) for request, _ in server.log] == [("GET", "/missing")]
    assert cache_path().is_file()  # under XDG_CACHE_HOME, which the tests point into tmp_path


def test_a_failure_from_the_last_run_is_asked_once_without_retries(
        httpserver_ipv4: HTTPServer) -> None:
    httpserver_ipv4.expect_request("/down").respond_with_data("boom", 500)
    url = httpserver_ipv4.url_for("/down")
    cached = replace(FAST, use_cache=True)
    check_urls([url], cached)
    httpserver_ipv4.clear_log()
    httpserver_ipv4.clear_all_handlers()
    httpserver_ipv4.expect_request("/down").respond_with_data("back")
    assert check(url, cached).status is Status.OK  # fixed links are noticed at once
    assert requests_to(httpserver_ipv4, "/down") == ["GET"]


def test_no_cache_fetches_everything_again(httpserver_ipv4: HTTPServer) -> None:
    httpserver_ipv4.expect_request("/fine").respond_with_data("ok")
    url = httpserver_ipv4.url_for("/fine")
    check_urls([url], replace(FAST, use_cache=True))
    check_urls([url], FAST)  # use_cache=False is what --no-cache sets
    assert len(requests_to(httpserver_ipv4, "/fine")) == 2


def test_cache_forgets_entries_older_than_max_age(tmp_path: Path) -> None:
    path = tmp_path / "c.json"
    old = UrlCache(max_age=60, path=path, now=1000.0)
    old.put("https://a.example/", {"status": "ok"})
    old.save()
    assert UrlCache(max_age=60, path=path, now=1059.0).get("https://a.example/") is not None
    assert UrlCache(max_age=60, path=path, now=1061.0).get("https://a.example/") is None


def test_unreadable_cache_is_ignored(tmp_path: Path) -> None:
    path = tmp_path / "c.json"
    path.write_text("{not json", encoding="utf-8")
    cache = UrlCache(max_age=60, path=path)
    assert cache.get("x") is None
    cache.put("x", {"status": "ok"})
    cache.save()
    assert json.loads(path.read_text(encoding="utf-8"))["entries"]["x"]["status"] == "ok"


def test_private_addresses_are_not_fetched_unless_allowed(httpserver_ipv4: HTTPServer) -> None:
    httpserver_ipv4.expect_request("/preview").respond_with_data("ok")
    url = httpserver_ipv4.url_for("/preview")
    locals_ = [url, url.replace("127.0.0.1", "localhost"), "http://192.168.1.1/", "http://[::1]/"]
    run = check_urls(locals_, replace(FAST, allow_private=False))
    assert {r.status for r in run.results.values()} == {Status.PRIVATE}
    assert run.requests == 0
    assert httpserver_ipv4.log == []


def test_excluded_urls_are_not_fetched(httpserver_ipv4: HTTPServer) -> None:
    import re

    settings = replace(FAST, exclude=(re.compile(r"/private/"),))
    result = check(httpserver_ipv4.url_for("/private/x"), settings)
    assert result.status is Status.EXCLUDED
    assert httpserver_ipv4.log == []


PAGE = ('<html><body><h2 id="setup">Setup</h2><a name="legacy"></a>'
        '<h2 id="user-content-install">Install</h2></body></html>')


def test_anchors_are_checked_on_request(httpserver_ipv4: HTTPServer) -> None:
    httpserver_ipv4.expect_request("/doc").respond_with_data(PAGE, content_type="text/html")
    base = httpserver_ipv4.url_for("/doc")
    urls = [base + frag for frag in ("#setup", "#legacy", "#install", "#nowhere", "#:~:text=x")]
    run = check_urls(urls, replace(FAST, check_anchors=True))
    assert [r.status for r in run.results.values()] == [
        Status.OK, Status.OK, Status.OK, Status.ANCHOR_MISSING, Status.OK]
    assert requests_to(httpserver_ipv4, "/doc") == ["GET"]
    without = check_urls([base + "#nowhere"], FAST)
    assert without.results[base + "#nowhere"].status is Status.OK


def test_per_host_limit_bounds_requests_in_flight() -> None:
    with scripted_server(lambda method, path: Reply(delay=0.05)) as srv:
        urls = [f"{srv.url}/p{i}" for i in range(24)]
        run = check_urls(urls, replace(FAST, per_host=3, concurrency=64))
    assert all(r.status is Status.OK for r in run.results.values())
    assert srv.max_inflight <= 3


def test_a_host_setting_lowers_its_own_limit() -> None:
    with scripted_server(lambda method, path: Reply(delay=0.05)) as srv:
        hosts = {"127.0.0.1": HostSettings(per_host=1)}
        run = check_urls([f"{srv.url}/p{i}" for i in range(6)], replace(FAST, hosts=hosts))
    assert len(run.results) == 6
    assert srv.max_inflight == 1


def test_global_limit_bounds_requests_in_flight() -> None:
    with scripted_server(lambda method, path: Reply(delay=0.05)) as srv:
        run = check_urls([f"{srv.url}/p{i}" for i in range(24)],
                         replace(FAST, per_host=50, concurrency=2))
    assert len(run.results) == 24
    assert srv.max_inflight <= 2


def test_progress_reports_each_page_and_failures(httpserver_ipv4: HTTPServer) -> None:
    httpserver_ipv4.expect_request("/ok").respond_with_data("ok")
    httpserver_ipv4.expect_request("/bad").respond_with_data("no", 404)
    seen: list[tuple[int, int, int]] = []
    check_urls([httpserver_ipv4.url_for("/ok"), httpserver_ipv4.url_for("/bad")], FAST,
               progress=lambda done, total, failed: seen.append((done, total, failed)))
    assert [s[:2] for s in seen] == [(1, 2), (2, 2)]
    assert seen[-1][2] == 1


INTERRUPTED = """
import json, sys
from blogcli.web.checker import check_urls
from blogcli.web.settings import Settings

def show(done, total, failed):
    print("progress", done, flush=True)

run = check_urls(sys.argv[1:], Settings(allow_private=True, use_cache=False, timeout=30),
                 progress=show)
print(json.dumps({"interrupted": run.interrupted,
                  "results": {u: r.status.value for u, r in run.results.items()}}), flush=True)
"""


def test_ctrl_c_returns_what_was_found_so_far(tmp_path: Path) -> None:
    script = tmp_path / "interrupted.py"
    script.write_text(INTERRUPTED, encoding="utf-8")
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    with scripted_server(lambda method, path: Reply()) as srv, silent_server() as hang:
        urls = [srv.url + "/fast", hang + "/never"]
        with subprocess.Popen([sys.executable, str(script), *urls], env=env, text=True,
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE) as proc:
            assert proc.stdout is not None
            assert proc.stdout.readline().split() == ["progress", "1"]
            proc.send_signal(signal.SIGINT)  # what Ctrl-C in a terminal sends
            out, err = proc.communicate(timeout=20)
    assert proc.returncode == 0, err
    assert json.loads(out) == {"interrupted": True, "results": {srv.url + "/fast": "ok"}}


ON_ASYNCIOS_LOOP = """
import json, sys
sys.modules["uvloop"] = None  # as where uvloop is not installed (Windows): asyncio's own loop
from blogcli.web.checker import check_urls
from blogcli.web.settings import Settings

run = check_urls(sys.argv[1:], Settings(allow_private=True, use_cache=False, timeout=2.0,
                                        connect_timeout=1.0, retries=2, backoff=0.01))
print(json.dumps({u: [r.status.value, r.code, r.new_url] for u, r in run.results.items()}))
"""


def test_asyncios_own_loop_gives_the_same_answers(tmp_path: Path,
                                                  httpserver_ipv4: HTTPServer) -> None:
    """check_urls runs on uvloop where it is installed; without it, on asyncio's loop, alike."""
    httpserver_ipv4.expect_request("/ok").respond_with_data("ok")
    httpserver_ipv4.expect_request("/gone").respond_with_data("no", 404)
    httpserver_ipv4.expect_request("/old").respond_with_data("", 301, {"Location": "/ok"})
    urls = [httpserver_ipv4.url_for(p) for p in ("/ok", "/gone", "/old")]
    urls.append(f"http://127.0.0.1:{closed_port()}/x")
    run = check_urls(urls, FAST)
    here = {u: [r.status.value, r.code, r.new_url] for u, r in run.results.items()}
    script = tmp_path / "asyncio_loop.py"
    script.write_text(ON_ASYNCIOS_LOOP, encoding="utf-8")
    done = subprocess.run([sys.executable, str(script), *urls], capture_output=True, text=True,
                          env={**os.environ, "PYTHONPATH": str(REPO)}, timeout=60)
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout) == here
    assert [here[u][0] for u in urls] == ["ok", "broken", "redirect", "refused"]


def test_malformed_urls_are_broken_not_a_crash(httpserver_ipv4: HTTPServer) -> None:
    httpserver_ipv4.expect_request("/bad-move").respond_with_data(
        "", 301, {"Location": "http://[::1/oops"})
    urls = ["http://127.0.0.1:99999/", "http://[::1/", httpserver_ipv4.url_for("/bad-move")]
    run = check_urls(iter(urls), FAST)
    assert [r.status for r in run.results.values()] == [Status.BROKEN] * 3
    assert "malformed" in run.results[urls[0]].detail


def test_github_token_goes_to_github_over_https_only() -> None:
    from blogcli.web.http import request_headers

    settings = replace(FAST, github_token="ghp_secret")
    assert request_headers("https://github.com/a/b", settings) == \
        {"Authorization": "Bearer ghp_secret"}
    assert request_headers("http://github.com/a/b", settings) == {}  # would travel in clear
    assert request_headers("https://example.com/", settings) == {}
    assert "ghp_secret" not in repr(settings)


def test_network_error_text_never_carries_the_token(httpserver_ipv4: HTTPServer) -> None:
    """A header value httpx refuses ends up in the exception text: it must not reach the report."""
    import asyncio

    import httpx

    from blogcli.web.http import network_failure

    httpserver_ipv4.expect_request("/").respond_with_data("ok")
    secret = "ghp_SECRET\r"

    async def send() -> BaseException:
        async with httpx.AsyncClient() as client:
            try:
                await client.get(httpserver_ipv4.url_for("/"),
                                 headers={"Authorization": f"Bearer {secret}"})
            except httpx.HTTPError as err:
                return err
        raise AssertionError("httpx sent an illegal header")

    err = asyncio.run(send())
    assert "ghp_SECRET" in str(err)  # what the report used to show
    _, detail = network_failure(err, replace(FAST, github_token=secret))
    assert "ghp_SECRET" not in detail
    assert "SECRET" not in network_failure(err, FAST)[1]  # even when the token is not known


def test_github_token_with_a_crlf_ending_is_trimmed_and_a_bad_one_refused() -> None:
    from blogcli.errors import UsageError
    from blogcli.web.settings import from_config

    assert from_config({}, env={"GITHUB_TOKEN": "ghp_SECRET\r\n"}).github_token == "ghp_SECRET"
    for bad in ("ghp_SE CRET", "ghp_SÉCRET", "ghp\x00SECRET"):
        with pytest.raises(UsageError) as caught:
            from_config({}, env={"GITHUB_TOKEN": bad})
        assert "SE" not in str(caught.value)


def test_credentials_and_signatures_stay_out_of_messages_and_cache(
        httpserver_ipv4: HTTPServer) -> None:
    server = httpserver_ipv4
    port = server.port
    server.expect_request("/move").respond_with_data("", 301, {
        "Location": f"http://alice:s3cret@127.0.0.1:{port}/new?X-Amz-Signature=TOPSECRET"})
    server.expect_request("/new").respond_with_data("ok")
    server.expect_request("/loop").respond_with_data("", 302, {
        "Location": f"http://carol:pw9@127.0.0.1:{port}/loop"})
    moved = check(server.url_for("/move"))
    assert moved.status is Status.REDIRECT
    assert moved.new_url == f"http://127.0.0.1:{port}/new"
    loop = check(server.url_for("/loop"))
    assert "pw9" not in loop.detail
    check_urls([f"http://bob:hunter2@127.0.0.1:{port}/new"], replace(FAST, use_cache=True))
    stored = cache_path().read_text()
    assert "hunter2" not in stored and "TOPSECRET" not in stored
    assert cache_path().stat().st_mode & 0o777 == 0o600


def test_a_cached_pass_does_not_outlive_the_settings_that_made_it(
        httpserver_ipv4: HTTPServer) -> None:
    httpserver_ipv4.expect_request("/p").respond_with_data("ok")
    httpserver_ipv4.expect_request("/gone").respond_with_data("no", 404)
    url, gone = httpserver_ipv4.url_for("/p"), httpserver_ipv4.url_for("/gone")
    cached = replace(FAST, use_cache=True)
    assert check(url, cached).status is Status.OK
    assert check(url, replace(cached, allow_private=False)).status is Status.PRIVATE
    assert check(gone, replace(cached, accept=frozenset({404}))).status is Status.OK
    assert check(gone, cached).status is Status.BROKEN


def test_exclusions_apply_to_every_hop_and_to_the_link_as_written(
        httpserver_ipv4: HTTPServer) -> None:
    import re

    server = httpserver_ipv4
    server.expect_request("/start").respond_with_data("", 302, {"Location": "/private/x"})
    server.expect_request("/private/x").respond_with_data("no", 404)
    server.expect_request("/").respond_with_data("no", 404)
    bare = f"http://127.0.0.1:{server.port}"  # normalised to .../ which the pattern misses
    settings = replace(FAST, exclude=(re.compile("/private/"), re.compile(r":\d+$")))
    run = check_urls([server.url_for("/start"), bare], settings)
    assert [r.status for r in run.results.values()] == [Status.EXCLUDED, Status.EXCLUDED]
    assert requests_to(server, "/private/x") == []
    assert requests_to(server, "/") == []


@pytest.mark.parametrize("value", ["0", "-5", "abc"])
def test_retry_after_of_zero_or_junk_still_backs_off(value: str) -> None:
    from blogcli.web.result import Answer, asked_wait

    wait = asked_wait(Answer(429, None, value, None), 0, 2, 30.0, base=0.5)
    assert isinstance(wait, float) and wait >= 0.25  # the back-off's lowest first wait


def test_retry_after_beyond_any_measure_is_rate_limited_with_a_sane_message(
        httpserver_ipv4: HTTPServer) -> None:
    httpserver_ipv4.expect_request("/api").respond_with_data(
        "", 429, {"Retry-After": "9" * 400})
    result = check(httpserver_ipv4.url_for("/api"))
    assert result.status is Status.RATE_LIMITED
    assert "inf" not in result.detail and "longer than" in result.detail
