"""External link checks: every URL fetched once, politely, without false alarms.

Requests go through web/client.py, a small HTTP/1.1 client on asyncio streams (httpx's
transport spent about 1 ms of CPU per request in its layers, three times what lychee spends
per link); its errors keep the ``OSError`` behind them as the cause, so a refused
connection, a TLS failure and a slow server are told apart, and a GET reads only a peek
of the body, so an enormous page is never downloaded.

Each distinct page (URL without fragment) is fetched once per run: HEAD first,
GET when HEAD is refused; redirects are followed by hand so a permanent move
can be reported with its new URL and loops caught; connection errors and 5xx
are retried with exponential back-off and jitter; 429/503 wait for
``Retry-After`` up to a cap. Requests are bounded by a global and a per-host
limit. Passing results are cached between runs (web/cache.py).
"""

from __future__ import annotations

import asyncio
import functools
import re
from collections import Counter
from collections.abc import Callable, Coroutine, Iterable
from typing import Any
from urllib.parse import unquote, urljoin, urlsplit

from blogcli.progress import Progress
from blogcli.web.cache import UrlCache, cache_key
from blogcli.web.client import Cookies, InvalidURL, TransportError
from blogcli.web.http import (
    BODY_PEEK,
    HTML_CAP,
    Chain,
    anchors,
    backoff,
    network_failure,
    redact_text,
    request_headers,
    resolve_private,
    retryable,
)
from blogcli.web.pool import Pools
from blogcli.web.result import (
    NOT_FAILURES,
    PASSES,
    Answer,
    CheckRun,
    Page,
    Status,
    UrlResult,
    asked_wait,
    worth_retrying,
)
from blogcli.web.settings import Settings
from blogcli.web.urls import (
    normalise,
    private_host_name,
    quick_split,
    redact_url,
    split_fragment,
)

# The public API: check_urls and what it returns (defined in webresult.py).
__all__ = ["PASSES", "CheckRun", "Progress", "Status", "UrlResult", "check_urls"]


_EXCLUDED = Page(Status.EXCLUDED, detail="excluded in blog.toml [links]")
_GITHUB_LINE = re.compile(r"^L\d+(?:C\d+)?(?:-L\d+(?:C\d+)?)?$")


def check_urls(urls: Iterable[str], settings: Settings,
               progress: Progress | None = None) -> CheckRun:
    """Check every URL (http/https, already classified) and return a result for each.

    Results are keyed by the URL as given. Ctrl-C stops the run: what was
    checked so far is returned with ``interrupted`` set.
    """
    run = CheckRun()
    given = list(dict.fromkeys(urls))
    wanted: dict[str, str] = {}
    for url in given:
        try:
            wanted[url] = normalise(url)
        except ValueError as err:  # a bad port or IPv6 literal: nothing to fetch
            run.results[url] = UrlResult(url, Status.BROKEN, detail=f"malformed URL: {err}")
    cache = UrlCache(settings.cache_max_age) if settings.use_cache else None
    checker = _Checker(settings, run, cache, progress)
    try:
        with asyncio.Runner(loop_factory=_loop_factory()) as runner:
            runner.run(_within(checker.run(wanted), settings.deadline))
    except KeyboardInterrupt:
        run.interrupted = True
    except TimeoutError:
        # The overall deadline: what was not answered by then is said, link by link.
        for url in wanted:
            run.results.setdefault(url, UrlResult(
                url, Status.TIMEOUT, detail=f"not checked: the run passed its deadline "
                f"({settings.deadline:g} s, blog.toml [links] deadline)"))
    # Input order, whatever order the answers came in.
    run.results = {url: run.results[url] for url in given if url in run.results}
    if cache is not None:
        cache.save()
    return run


def _loop_factory() -> Callable[[], asyncio.AbstractEventLoop] | None:
    """uvloop's event loop where it is installed (a dependency except on Windows): asyncio's
    API with the loop, its timers and its sockets in C; else asyncio's own loop."""
    try:
        import uvloop
    except ImportError:
        return None
    return uvloop.new_event_loop


async def _within(work: Coroutine[Any, Any, None], seconds: float) -> None:
    await asyncio.wait_for(work, seconds)


class _GaveUp(Exception):
    """The host never answered and timed out often enough: its other links are not asked."""


class _Checker:
    def __init__(self, settings: Settings, run: CheckRun, cache: UrlCache | None,
                 progress: Progress | None) -> None:
        self.settings, self.run_state, self.cache, self.progress = settings, run, cache, progress
        self.done = self.failures = self.total = 0
        self.host_limits: dict[str, asyncio.Semaphore] = {}
        self.private_hosts: dict[str, asyncio.Task[str | None]] = {}
        # Hosts that ever answered, and timeouts of hosts that never did.
        self.answered: set[str] = set()
        self.host_timeouts: Counter[str] = Counter()
        self.pools: Pools
        self.settings_key = settings.verdict_key()

    async def run(self, wanted: dict[str, str]) -> None:
        self.global_limit = asyncio.Semaphore(self.settings.concurrency)
        pages: dict[str, list[tuple[str, str]]] = {}
        for given, key in wanted.items():
            base, fragment = split_fragment(key)
            pages.setdefault(base, []).append((given, fragment))
        self.total = len(pages)
        self.pools = Pools(self.settings, Counter(_host(base) for base in pages))
        try:
            await asyncio.gather(*(self._page_task(base, uses) for base, uses in pages.items()))
        finally:
            await self.pools.aclose()

    async def _page_task(self, base: str, uses: list[tuple[str, str]]) -> None:
        # The link as written is matched too: its normal form may no longer match the pattern.
        fetched = [(given, fragment) for given, fragment in uses
                   if not self.settings.excluded(given)]
        # Exclusions and private addresses first: they depend on this site's settings,
        # and a pass cached for a site that allows private links must not leak to another.
        page = (None if self.settings.allow_private else await self._refuse(base)) \
            if fetched else _EXCLUDED
        if page is None:
            want_anchors = self.settings.check_anchors and any(
                not _fragment_ignored(base, fragment) for _, fragment in fetched)
            page, failed_before = self._from_cache(base, want_anchors)
            if page is None:
                page = await self.page(base, want_anchors, confirm=failed_before)
                self._to_cache(base, page)
        failed = False
        for given, fragment in uses:
            result = _result(given, base, fragment, page, self.settings.check_anchors) \
                if (given, fragment) in fetched else UrlResult(given, Status.EXCLUDED,
                                                               detail=_EXCLUDED.detail)
            self.run_state.results[given] = result
            failed = failed or result.status not in NOT_FAILURES
        self.done += 1
        self.failures += failed
        if self.progress is not None:
            self.progress(self.done, self.total, self.failures)
        # Last: closing the host's connections may wait, and Ctrl-C must not lose the result.
        if self.pools.page_done(_host(base)):
            await self.pools.client.close_host(_host(base))

    def _from_cache(self, base: str, want_anchors: bool) -> tuple[Page | None, bool]:
        """A cached pass, or ``(None, failed last time?)``."""
        if self.cache is None:
            return None, False
        entry = self.cache.get(cache_key(base, self.settings_key))
        if entry is None:
            return None, False
        if entry.get("status") not in PASSES or (want_anchors and entry.get("anchors") is None):
            return None, entry.get("status") not in PASSES
        try:
            anchors = entry.get("anchors")
            return Page(Status(entry["status"]), entry.get("code"), entry.get("new_url"),
                         anchors=None if anchors is None else frozenset(anchors),
                         cached=True), False
        except (KeyError, ValueError, TypeError):
            return None, False

    def _to_cache(self, base: str, page: Page) -> None:
        """Passes are reused next run; failures are only remembered as having failed."""
        if self.cache is None or page.status in (Status.EXCLUDED, Status.PRIVATE):
            return
        anchors = None if page.anchors is None else sorted(page.anchors)
        self.cache.put(cache_key(base, self.settings_key),
                       {"status": page.status.value, "code": page.code,
                        "new_url": page.new_url, "anchors": anchors})

    async def page(self, url: str, want_anchors: bool, confirm: bool = False) -> Page:
        """Fetch one page, following redirects by hand.

        ``confirm``: the page failed in the previous run, which already spent
        its retries and back-off on it; ask once, with GET (the request that
        decides), so a second run over an unchanged blog stays quick.
        """
        chain = Chain(Cookies(), self.settings.timeout)
        cookies = chain.cookies
        seen, current, moved_to, permanent = {(url, "")}, url, None, True
        for _ in range(self.settings.max_redirects + 1):
            # Every hop: a link may lead to an excluded or private address by redirect.
            refused = _EXCLUDED if self.settings.excluded(current) else await self._refuse(current)
            if refused is not None:
                return refused
            answer = await self._fetch(current, want_anchors, confirm, chain)
            if isinstance(answer, Page):
                return answer
            if not (300 <= answer.code < 400 and answer.location):
                return self._judge(url, current, answer, moved_to)
            try:
                target = split_fragment(normalise(urljoin(current, answer.location.strip())))[0]
            except ValueError:
                shown = redact_url(answer.location)
                return Page(Status.BROKEN, answer.code,
                            detail=f"redirects to a malformed URL {shown!r}")
            if urlsplit(target).scheme not in ("http", "https"):
                return Page(Status.UNKNOWN, answer.code,
                            detail=f"redirects to {redact_url(target)}")
            # A return to a URL is a loop unless a cookie changed on the way (login walls).
            state = cookies.state()
            if (target, state) in seen:
                return Page(Status.BROKEN, answer.code,
                            detail=f"redirect loop via {redact_url(target)}")
            # Only an unbroken run of permanent hops from the link itself is a move to report.
            permanent = permanent and answer.code in (301, 308)
            moved_to = redact_url(target) if permanent else moved_to
            seen.add((target, state))
            current = target
        return Page(Status.BROKEN, detail=f"more than {self.settings.max_redirects} redirects")

    def _judge(self, url: str, final: str, answer: Answer, moved_to: str | None) -> Page:
        code, settings = answer.code, self.settings
        hosts = [settings.host(_host(u)) for u in (url, final)]
        accept = settings.accept.union(*(h.accept for h in hosts))
        unknown = next((h.unknown_status for h in hosts if h.unknown_status is not None),
                       settings.unknown_status)
        if 200 <= code < 300 or code in accept:
            status = Status.REDIRECT if moved_to is not None else Status.OK
            return Page(status, code, moved_to, anchors=answer.anchors)
        after = f" after a redirect to {redact_url(final)}" if final != url else ""
        if answer.challenge:
            return Page(Status.UNKNOWN, code, detail=f"HTTP {code}{after}: the site answered "
                         "with a bot challenge page; open it in a browser")
        if code == 403 and answer.rate_remaining == "0":  # GitHub's API rate limit
            return Page(Status.RATE_LIMITED, code, detail="rate limit reached" + after)
        if code in unknown:
            return Page(Status.UNKNOWN, code, detail=f"HTTP {code}{after}: the site turns "
                         "automated checks away; open it in a browser")
        return Page(Status.BROKEN, code, detail=f"HTTP {code}{after}")

    async def _refuse(self, url: str) -> Page | None:
        """A PRIVATE (or UNREACHABLE) page when ``url`` must not be fetched."""
        if self.settings.allow_private:
            return None
        host = urlsplit(url).hostname or ""
        if private_host_name(host):
            return Page(Status.PRIVATE, detail=f"{host} is a private or loopback address")
        if host not in self.private_hosts:  # one look-up per host, shared by its URLs
            self.private_hosts[host] = asyncio.ensure_future(
                resolve_private(host, self.settings))
        problem = await self.private_hosts[host]
        if problem == "private":
            return Page(Status.PRIVATE, detail=f"{host} resolves to a private address")
        if problem is not None:
            return Page(Status.UNREACHABLE, detail=problem)
        return None

    async def _fetch(self, url: str, want_anchors: bool, confirm: bool,
                     chain: Chain) -> Answer | Page:
        """HEAD, then GET when HEAD is refused: 405, 501, another 4xx, or a 5xx (servers
        whose HEAD handler is broken while GET works). A HEAD 5xx is not retried: GET decides."""
        retries = 0 if confirm else self.settings.retries
        if not (want_anchors or confirm):
            answer = await self._with_retries("HEAD", url, False, retries, chain)
            if isinstance(answer, Page) or not 400 <= answer.code < 600:
                return answer
        return await self._with_retries("GET", url, want_anchors, retries, chain)

    async def _with_retries(self, method: str, url: str, want_body: bool, retries: int,
                            chain: Chain) -> Answer | Page:
        """One request, asked again after connection errors, 5xx and 429 as settings allow.

        Every wait comes out of the link's time budget (``chain.left``): a wait
        longer than what is left ends the link instead.
        """
        settings, attempt, waits = self.settings, 0, 0
        while True:
            try:
                answer = await self._request(method, url, want_body, chain)
            except InvalidURL as err:
                return Page(Status.BROKEN, detail="malformed URL: "
                            + redact_text(str(err), settings))
            except _GaveUp:
                return Page(Status.TIMEOUT, detail=f"not asked: {_host(url)} never answered "
                            f"({self.host_timeouts[_host(url)]} links timed out there)")
            except (TransportError, TimeoutError) as err:
                pause = backoff(settings.backoff, attempt + 1)
                if not retryable(err) or attempt >= retries or pause >= chain.left:
                    status, detail = network_failure(err, settings)
                    if status == "timeout" and _host(url) not in self.answered:
                        self.host_timeouts[_host(url)] += 1
                    return Page(Status(status), detail=detail)
                attempt += 1
                await chain.sleep(pause)
                continue
            if answer.retry_after is not None and answer.code in (429, 503) \
                    and not answer.challenge:
                wait = asked_wait(answer, waits, max(retries, 1), settings.max_retry_after,
                                  settings.backoff)
                if isinstance(wait, Page):
                    return wait
                if wait >= chain.left:
                    return Page(Status.RATE_LIMITED, answer.code, detail=f"asked to wait "
                                f"{wait:.0f} s, longer than the time left for this link")
                waits += 1
                await chain.sleep(wait)
                continue
            # A HEAD 5xx is not asked again: the GET that follows decides.
            if not worth_retrying(answer) or (method == "HEAD" and answer.code != 429):
                return answer
            pause = backoff(settings.backoff, attempt + 1)
            if attempt >= retries or pause >= chain.left:
                return Page(Status.RATE_LIMITED, 429, detail="still HTTP 429 after retries") \
                    if answer.code == 429 else answer
            attempt += 1
            await chain.sleep(pause)

    async def _request(self, method: str, url: str, want_body: bool, chain: Chain) -> Answer:
        host = _host(url)
        limit = self.host_limits.get(host)
        if limit is None:
            per_host = self.settings.host(host).per_host or self.settings.per_host
            limit = self.host_limits[host] = asyncio.Semaphore(per_host)
        headers = {**self.pools.headers, **request_headers(url, self.settings)}
        if want_body:
            headers["Accept-Encoding"] = "gzip, deflate"
        # Host slot first, then a global one: a task queued behind a busy host holds nothing.
        async with limit, self.global_limit:
            if self.host_timeouts[host] >= self.settings.host_timeouts:
                raise _GaveUp
            if chain.left <= 0:
                raise TimeoutError
            self.run_state.requests += 1
            # The clock runs once a slot is ours: queueing is not the server's fault.
            loop = asyncio.get_running_loop()
            start = loop.time()
            try:
                response = await self.pools.client.request(
                    method, url, headers, peek=BODY_PEEK, page_cap=HTML_CAP if want_body else 0,
                    cookies=chain.cookies, deadline=start + chain.left)
            finally:
                chain.left -= loop.time() - start
            self.answered.add(host)
        get = response.headers.get
        challenge = "cf-mitigated" in response.headers or \
            get("x-amzn-waf-action", "") in ("captcha", "challenge")
        page = anchors(response.body) if want_body and response.status < 300 and \
            "html" in get("content-type", "") else None
        return Answer(response.status, get("location"), get("retry-after"),
                       get("x-ratelimit-remaining"), page, challenge)


@functools.lru_cache(maxsize=8192)
def _host(url: str) -> str:
    # Asked several times per request: parsing the URL again each time was a tenth of the CPU.
    quick = quick_split(url)
    return quick[1] if quick is not None else (urlsplit(url).hostname or "").lower()


def _fragment_ignored(base: str, fragment: str) -> bool:
    """Fragments no HTML id can answer: text fragments, SPA routes, GitHub line numbers."""
    if not fragment or fragment == "top" or fragment.startswith((":~:", "/", "!")):
        return True
    host = urlsplit(base).hostname or ""
    return host.endswith("github.com") and bool(_GITHUB_LINE.match(fragment))


def _result(given: str, base: str, fragment: str, page: Page, check_anchors: bool) -> UrlResult:
    if (check_anchors and page.status in PASSES and page.anchors is not None
            and not _fragment_ignored(base, fragment)
            and fragment not in page.anchors and unquote(fragment) not in page.anchors):
        return UrlResult(given, Status.ANCHOR_MISSING, page.code, page.new_url,
                         f"no id or name {fragment!r} on the page", page.cached)
    return UrlResult(given, page.status, page.code, page.new_url, page.detail, page.cached)


