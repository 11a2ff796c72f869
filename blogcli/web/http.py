"""Around one HTTP exchange: headers, anchors, naming failures, retries and waits."""

from __future__ import annotations

import asyncio
import random
import re
import socket
import ssl
from collections.abc import Iterable
from typing import Any
from urllib.parse import urlsplit

from blogcli.web.client import ConnectTimeout, Cookies
from blogcli.web.settings import GITHUB_HOSTS, Settings
from blogcli.web.urls import private_address

BODY_PEEK = 64 * 1024         # read this much of a GET answer so the connection can be reused
HTML_CAP = 5 * 1024 * 1024    # read at most this much of a page whose anchors we need
_ANCHOR = re.compile(rb"""\s(?:id|name)\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'>]+))""", re.I)


def request_headers(url: str, settings: Settings) -> dict[str, str]:
    """Extra headers for one request: the GitHub token, over https to GitHub's own hosts only."""
    if not settings.github_token:
        return {}
    parts = urlsplit(url)
    if parts.scheme == "https" and (parts.hostname or "").lower() in GITHUB_HOSTS:
        return {"Authorization": f"Bearer {settings.github_token}"}
    return {}


def anchors(body: bytes) -> frozenset[str]:
    """The ids and names a page's HTML holds (what a ``#fragment`` can point at)."""
    return frozenset(_anchor_names(body))


def _anchor_names(body: bytes) -> Iterable[str]:
    for match in _ANCHOR.finditer(body):
        raw = next(group for group in match.groups() if group is not None)
        name = raw.decode("utf-8", "replace")
        yield name
        # GitHub renders README headings as id="user-content-x" and lets JS handle #x.
        if name.startswith("user-content-"):
            yield name[len("user-content-"):]


def network_failure(err: BaseException, settings: Settings) -> tuple[str, str]:
    """``(status, detail)`` for what went wrong below HTTP: the OSError behind it says which."""
    if isinstance(err, TimeoutError):
        what = "connecting" if isinstance(err, ConnectTimeout) else "waiting for an answer"
        limit = settings.connect_timeout if what == "connecting" else settings.timeout
        return "timeout", f"timed out {what} ({limit:g} s)"
    for cause in causes(err):
        if isinstance(cause, ssl.SSLCertVerificationError):
            return "tls-error", f"TLS certificate: {cause.verify_message}"
        if isinstance(cause, ssl.SSLError):
            return "tls-error", f"TLS: {cause.reason or cause}"
        if isinstance(cause, ConnectionRefusedError):
            return "refused", "connection refused"
        if isinstance(cause, socket.gaierror):
            return "unreachable", "host not found (DNS)"
    return "unreachable", f"network error: {type(err).__name__}: {redact_text(str(err), settings)}"


def redact_text(text: str, settings: Settings) -> str:
    """``text`` with the GitHub token (whatever its shape) and every known credential blanked."""
    from blogcli.errors import redact

    if settings.github_token:
        text = text.replace(settings.github_token, "***")
    return redact(text)


def retryable(err: BaseException) -> bool:
    """Worth another try: refused or dropped connections, a connect timeout.

    Not a read timeout (the server is there but slow: a retry doubles the wait),
    not TLS or DNS failures (they do not go away in a second).
    """
    if isinstance(err, ConnectTimeout):
        return True
    if isinstance(err, TimeoutError):
        return False
    return not any(isinstance(cause, ssl.SSLError | socket.gaierror) for cause in causes(err))


def causes(err: BaseException) -> Iterable[BaseException]:
    """The exception, its causes, and the members of any exception group among them."""
    stack, seen = [err], set()
    while stack:
        current = stack.pop()
        if id(current) in seen:
            continue
        seen.add(id(current))
        yield current
        if isinstance(current, BaseExceptionGroup):
            stack.extend(current.exceptions)
        stack.extend(e for e in (current.__cause__, current.__context__) if e is not None)


async def resolve_private(host: str, settings: Settings) -> str | None:
    """``"private"`` if the name resolves to a private address, a message if it does not resolve.

    The look-up is bounded by ``connect_timeout``: a resolver that never answers
    must not hold a link (or Ctrl-C) forever.
    """
    try:
        async with asyncio.timeout(settings.connect_timeout):
            addresses = await (settings.resolve or system_resolve)(host)
    except TimeoutError:
        return f"host look-up timed out ({settings.connect_timeout:g} s)"
    except (socket.gaierror, UnicodeError):
        return "host not found (DNS)"
    return "private" if any(private_address(a) for a in addresses) else None


async def system_resolve(host: str) -> list[str]:
    infos: list[Any] = await asyncio.get_running_loop().getaddrinfo(host, None)
    return [str(info[4][0]) for info in infos]


def retry_after(value: str | None) -> float | None:
    """Seconds asked for by a ``Retry-After`` header (a number or an HTTP date)."""
    if value is None:
        return None
    text = value.strip()
    if text.isdigit():
        return float(text)
    from email.utils import parsedate_to_datetime  # the email package: only for an HTTP date

    try:
        when = parsedate_to_datetime(text)
    except (TypeError, ValueError):
        return None
    from datetime import UTC, datetime

    return max(0.0, (when - datetime.now(UTC)).total_seconds())


def backoff(base: float, attempt: int) -> float:
    """Exponential back-off with full jitter, so retries from many tasks do not line up."""
    return random.uniform(0.5, 1.5) * base * 2.0 ** (attempt - 1)


class Chain:
    """One link's redirect chain: its cookies (as in a browser: sites that set a cookie and
    redirect to themselves would otherwise look like a loop) and its time budget.

    ``timeout`` bounds the whole chain, hops, retries and waits included; time
    queued for a connection slot is not counted (that is our politeness).
    """

    def __init__(self, cookies: Cookies, seconds: float) -> None:
        self.cookies, self.left = cookies, seconds

    async def sleep(self, seconds: float) -> None:
        self.left -= seconds
        await asyncio.sleep(seconds)
