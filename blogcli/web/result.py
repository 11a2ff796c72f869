"""What external checks produce: statuses, per-URL results, the page and answer records,
and the pure decisions over an answer (retry it? wait as asked?) that web.py acts on.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from enum import StrEnum

from blogcli.web.http import backoff, retry_after


class Status(StrEnum):
    OK = "ok"
    REDIRECT = "redirect"          # fine, but moved for good: new_url says where
    BROKEN = "broken"              # 404, 410, 5xx after retries, a redirect loop...
    TIMEOUT = "timeout"
    RATE_LIMITED = "rate-limited"  # 429/503 asking for a longer wait than we allow
    UNKNOWN = "unknown"            # the site turns checkers away (999, 403...)
    PRIVATE = "private"            # loopback/private address: not fetched
    TLS_ERROR = "tls-error"
    REFUSED = "refused"
    UNREACHABLE = "unreachable"    # no such host, or the network failed
    EXCLUDED = "excluded"          # matched [links] exclude: not fetched
    ANCHOR_MISSING = "anchor-missing"


PASSES = frozenset({Status.OK, Status.REDIRECT})
NOT_FAILURES = PASSES | {Status.EXCLUDED}


@dataclass(frozen=True)
class UrlResult:
    url: str
    status: Status
    code: int | None = None
    new_url: str | None = None
    detail: str = ""
    cached: bool = False


@dataclass
class CheckRun:
    """What a run found: a result per URL checked (all of them unless interrupted)."""

    results: dict[str, UrlResult] = field(default_factory=dict)
    interrupted: bool = False
    requests: int = 0




@dataclass
class Page:
    """One fetched page (URL without fragment), shared by every URL on it."""

    status: Status
    code: int | None = None
    new_url: str | None = None
    detail: str = ""
    anchors: frozenset[str] | None = None
    cached: bool = False


@dataclass
class Answer:
    code: int
    location: str | None
    retry_after: str | None
    rate_remaining: str | None
    anchors: frozenset[str] | None = None
    challenge: bool = False  # a bot challenge page (Cloudflare, AWS WAF), whatever the code


def asked_wait(answer: Answer, waits: int, allowed: int, cap: float,
               base: float) -> float | Page:
    """Seconds to wait as a 429/503 ``Retry-After`` asks, or RATE_LIMITED when we will not.

    A header of 0, a negative number or junk gets the usual back-off instead:
    asking again at once only earns another 429.
    """
    wait = retry_after(answer.retry_after)
    if wait is not None and wait > cap:
        shown = f"{wait:.0f} s" if wait < 1e7 else f"far longer than {cap:g} s"
        return Page(Status.RATE_LIMITED, answer.code,
                     detail=f"asked to wait {shown} (over max_retry_after)")
    if waits >= allowed:
        return Page(Status.RATE_LIMITED, answer.code,
                     detail=f"still HTTP {answer.code} after waiting as asked")
    floor = backoff(base, waits + 1)
    return max(wait or 0.0, floor) + random.uniform(0, 0.1)  # jitter: not all at one instant


def worth_retrying(answer: Answer) -> bool:
    """5xx and 429. Not 501 (a HEAD refusal), not a bot challenge (it comes back the same),
    not codes from 600 up (LinkedIn's 999 is the site's own answer, not a failure)."""
    if answer.challenge:
        return False
    return answer.code == 429 or (500 <= answer.code < 600 and answer.code != 501)
