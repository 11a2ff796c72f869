"""Issue 15 item 4: `--external` ends. A host that never answers is given up on as a host
(its other links are not each waited for), and the run has an overall deadline."""

from __future__ import annotations

import time
from dataclasses import replace

from blogcli.web.checker import Status, check_urls
from blogcli.web.settings import Settings, from_config
from tests.helpers.webservers import Reply, scripted_server, silent_server

FAST = Settings(allow_private=True, use_cache=False, timeout=1.0, connect_timeout=1.0,
                retries=0, backoff=0.01, max_retry_after=2.0)


def test_a_host_that_never_answers_is_given_up_on() -> None:
    with silent_server() as url:
        urls = [f"{url}/page-{n}" for n in range(100)]
        started = time.monotonic()
        run = check_urls(urls, replace(FAST, per_host=4))
        took = time.monotonic() - started
    # Before: 100 links / 4 at a time x 1 s = 25 s. Now: the first wave times out, the rest
    # are not asked.
    assert took < 6, took
    statuses = [r.status for r in run.results.values()]
    assert statuses == [Status.TIMEOUT] * 100
    given_up = [r for r in run.results.values() if r.detail.startswith("not asked")]
    assert len(given_up) >= 90
    assert "127.0.0.1 never answered" in given_up[0].detail
    assert run.requests <= 10


def test_the_run_has_an_overall_deadline() -> None:
    slow = lambda method, path: Reply(body=b"ok", delay=0.8)  # noqa: E731 - a route
    with scripted_server(slow) as server:
        urls = [f"{server.url}/p{n}" for n in range(40)]
        started = time.monotonic()
        run = check_urls(urls, replace(FAST, timeout=5.0, per_host=1, deadline=2.0))
        took = time.monotonic() - started
    assert took < 5, took
    assert len(run.results) == 40
    late = [r for r in run.results.values() if r.status is Status.TIMEOUT]
    assert late and "the run passed its deadline (2 s" in late[-1].detail
    assert any(r.status is Status.OK for r in run.results.values())


def test_deadline_is_a_setting() -> None:
    assert from_config({"deadline": 42}).deadline == 42.0
    assert from_config({}).deadline == 600.0
