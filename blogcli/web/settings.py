"""Settings for external link checks, read from blog.toml ``[links]``.

```toml
[links]
exclude = ["^https://www\\.linkedin\\.com/"]   # regexes matched against the URL
allow_private = false       # fetch loopback/private addresses (tests, benchmarks)
concurrency = 64            # requests in flight in all
per_host = 8                # requests in flight to one host
accept = [200, 206]         # extra status codes counted as fine (2xx always are)
unknown_status = [999, 403] # codes that mean "the site refuses checkers", not "broken"
timeout = 20                # seconds for a whole request
connect_timeout = 10
retries = 2                 # extra tries after a connection error or a 5xx
max_retry_after = 30        # longest Retry-After honoured; longer is "rate-limited"
cache_max_age = "1d"        # seconds, or "30m", "12h", "2d"
user_agent = "..."
history = ".blog/links.json"  # the link history, relative to the site root; false: none
broken_after_runs = 3       # a failing link is an error after this many failing runs...
broken_after_days = 7       # ...spanning at least this many days (before: a warning)

[links.hosts."linkedin.com"]    # this host and its subdomains
unknown_status = [999]
per_host = 2
accept = [403]
```
"""

from __future__ import annotations

import os
import re
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field, replace
from typing import Any

from blogcli.errors import UsageError

Resolver = Callable[[str], Awaitable[list[str]]]

# A current desktop browser's string: many sites answer anything else with 403 or 999.
DEFAULT_USER_AGENT = (
    "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/131.0.0.0 Safari/537.36"
)
# 999: LinkedIn and friends; 401/403: login walls and bot shields (Cloudflare et al.).
# They say nothing about whether a reader's browser gets the page.
DEFAULT_UNKNOWN = frozenset({401, 403, 999})
GITHUB_HOSTS = frozenset({"github.com", "api.github.com", "raw.githubusercontent.com",
                          "gist.github.com"})
_DURATION = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*([smhd]?)\s*$")
_UNITS = {"": 1, "s": 1, "m": 60, "h": 3600, "d": 86400}


@dataclass(frozen=True)
class HostSettings:
    """Overrides for one host (and its subdomains)."""

    accept: frozenset[int] = frozenset()
    unknown_status: frozenset[int] | None = None  # None: the global list
    per_host: int | None = None


_NO_OVERRIDES = HostSettings()


@dataclass(frozen=True)
class Settings:
    """Everything web.py needs; built by :func:`from_config` or directly in tests."""

    exclude: tuple[re.Pattern[str], ...] = ()
    allow_private: bool = False
    concurrency: int = 64
    per_host: int = 8
    accept: frozenset[int] = frozenset()
    unknown_status: frozenset[int] = DEFAULT_UNKNOWN
    hosts: Mapping[str, HostSettings] = field(default_factory=dict)
    timeout: float = 20.0
    connect_timeout: float = 10.0
    retries: int = 2
    backoff: float = 0.5            # first retry waits about this long, then doubles
    max_retry_after: float = 30.0
    max_redirects: int = 10
    deadline: float = 600.0          # the whole --external run, whatever the hosts do
    host_timeouts: int = 2           # links that time out on a host that never answered
    cache_max_age: float = 86400.0
    use_cache: bool = True
    check_anchors: bool = False
    user_agent: str = DEFAULT_USER_AGENT
    github_token: str | None = field(default=None, repr=False)  # never shown
    # Host name -> addresses for the private-address check; None: the system resolver.
    # Tests pass their own so that no look-up leaves the machine.
    resolve: Resolver | None = field(default=None, repr=False, compare=False)

    def host(self, host: str) -> HostSettings:
        """The overrides for ``host``: an exact entry, else its nearest parent domain's."""
        name = host.lower() if self.hosts else ""  # asked twice per link: no table, no walk
        while name:
            if name in self.hosts:
                return self.hosts[name]
            name = name.partition(".")[2]
        return _NO_OVERRIDES

    def excluded(self, url: str) -> bool:
        return bool(self.exclude) and any(pattern.search(url) for pattern in self.exclude)

    def verdict_key(self) -> str:
        """The settings that change a link's verdict, as text: cached passes depend on them."""
        hosts = sorted((name, sorted(h.accept), sorted(h.unknown_status or ()),
                        h.unknown_status is None) for name, h in self.hosts.items())
        return repr((sorted(self.accept), sorted(self.unknown_status), hosts,
                     self.allow_private, [p.pattern for p in self.exclude], self.max_redirects))

    def with_options(self, **changes: Any) -> Settings:
        """A copy with command-line options applied (``--no-cache``, ``--check-anchors``)."""
        return replace(self, **changes)


def from_config(section: Mapping[str, Any], env: Mapping[str, str] | None = None) -> Settings:
    """Build settings from the ``[links]`` table; UsageError names the bad key."""
    env = os.environ if env is None else env
    get = _Reader(section, "links")
    hosts_table = section.get("hosts", {})
    if not isinstance(hosts_table, Mapping):
        raise UsageError("blog.toml [links] hosts: expected a table of host names")
    return Settings(
        exclude=get.patterns("exclude"),
        allow_private=get.boolean("allow_private", False),
        concurrency=get.positive_int("concurrency", 64),
        per_host=get.positive_int("per_host", 8),
        accept=get.codes("accept", frozenset()),
        unknown_status=get.codes("unknown_status", DEFAULT_UNKNOWN),
        hosts={str(name).lower(): _host(name, value) for name, value in hosts_table.items()},
        timeout=get.seconds("timeout", 20.0),
        connect_timeout=get.seconds("connect_timeout", 10.0),
        retries=get.count("retries", 2),
        max_retry_after=get.seconds("max_retry_after", 30.0),
        deadline=get.seconds("deadline", 600.0),
        cache_max_age=get.seconds("cache_max_age", 86400.0),
        user_agent=get.header_text("user_agent", DEFAULT_USER_AGENT),
        github_token=_github_token(env),
    )


# What an HTTP header value may hold: visible ASCII and inner spaces, no CR/LF.
_HEADER_VALUE = re.compile(r"^[\x21-\x7e](?:[\x20-\x7e]*[\x21-\x7e])?$")
_TOKEN = re.compile(r"^[\x21-\x7e]+$")


def _github_token(env: Mapping[str, str]) -> str | None:
    """``GITHUB_TOKEN``, trimmed (a token read from a CRLF file ends in ``\\r``).

    A token that cannot go in a header is a configuration error whose message
    never repeats the token: it would otherwise surface in an httpx error text.
    """
    token = env.get("GITHUB_TOKEN", "").strip()
    if not token:
        return None
    if not _TOKEN.match(token):
        raise UsageError("GITHUB_TOKEN holds characters a token cannot have (spaces, control "
                         "or non-ASCII characters); set it to the token alone")
    return token


def _host(name: str, value: Any) -> HostSettings:
    if not isinstance(value, Mapping):
        raise UsageError(f"blog.toml [links.hosts.\"{name}\"]: expected a table")
    get = _Reader(value, f'links.hosts."{name}"')
    unknown = get.codes("unknown_status", frozenset()) if "unknown_status" in value else None
    per_host = get.positive_int("per_host", 1) if "per_host" in value else None
    return HostSettings(accept=get.codes("accept", frozenset()), unknown_status=unknown,
                        per_host=per_host)


@dataclass(frozen=True)
class HistorySettings:
    """Where the link history lives (None: kept nowhere) and when a failure is final."""

    path: str | None = ".blog/links.json"
    runs: int = 3
    days: float = 7.0


def history_from_config(section: Mapping[str, Any]) -> HistorySettings:
    """The link-history keys of ``[links]``; UsageError names the bad key."""
    get = _Reader(section, "links")
    value = section.get("history", HistorySettings.path)
    if value is False:
        path = None
    elif isinstance(value, str) and value.strip() and not value.startswith(("/", "~")) \
            and ".." not in value.replace("\\", "/").split("/"):
        path = value.strip()
    else:
        raise get._bad("history", 'a path inside the site like ".blog/links.json", or false')
    days = section.get("broken_after_days", HistorySettings.days)
    if isinstance(days, bool) or not isinstance(days, int | float) or days < 0:
        raise get._bad("broken_after_days", "a number of days, 0 or more")
    return HistorySettings(path, get.positive_int("broken_after_runs", 3), float(days))


class _Reader:
    """Typed reads from one TOML table, each failure naming table and key."""

    def __init__(self, table: Mapping[str, Any], name: str) -> None:
        self.table, self.name = table, name

    def _bad(self, key: str, expected: str) -> UsageError:
        return UsageError(f"blog.toml [{self.name}] {key}: expected {expected}, "
                          f"got {self.table[key]!r}")

    def boolean(self, key: str, default: bool) -> bool:
        value = self.table.get(key, default)
        if not isinstance(value, bool):
            raise self._bad(key, "true or false")
        return value

    def count(self, key: str, default: int) -> int:
        value = self.table.get(key, default)
        if isinstance(value, bool) or not isinstance(value, int) or value < 0:
            raise self._bad(key, "a whole number, 0 or more")
        return int(value)

    def positive_int(self, key: str, default: int) -> int:
        value = self.count(key, default)
        if value < 1:
            raise self._bad(key, "a whole number, 1 or more")
        return value

    def text(self, key: str, default: str) -> str:
        value = self.table.get(key, default)
        if not isinstance(value, str) or not value.strip():
            raise self._bad(key, "a non-empty string")
        return value

    def header_text(self, key: str, default: str) -> str:
        """A string sent as a header value: printable ASCII on one line."""
        value = self.text(key, default)
        if not _HEADER_VALUE.match(value):
            raise self._bad(key, "printable ASCII on one line (it is sent as an HTTP header)")
        return value

    def seconds(self, key: str, default: float) -> float:
        value = self.table.get(key, default)
        if isinstance(value, int | float) and not isinstance(value, bool) and value > 0:
            return float(value)
        match = _DURATION.match(value) if isinstance(value, str) else None
        if match is None or float(match.group(1)) <= 0:
            raise self._bad(key, 'a number of seconds or a duration like "30m", "12h", "1d"')
        return float(match.group(1)) * _UNITS[match.group(2)]

    def codes(self, key: str, default: frozenset[int]) -> frozenset[int]:
        value = self.table.get(key, sorted(default))
        if not isinstance(value, list) or not all(
                isinstance(code, int) and not isinstance(code, bool) and 100 <= code <= 999
                for code in value):
            raise self._bad(key, "a list of HTTP status codes")
        return frozenset(value)

    def patterns(self, key: str) -> tuple[re.Pattern[str], ...]:
        value = self.table.get(key, [])
        if isinstance(value, str):
            value = [value]
        if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
            raise self._bad(key, "a list of regular expressions")
        compiled = []
        for item in value:
            try:
                compiled.append(re.compile(item))
            except re.error as err:
                raise UsageError(f"blog.toml [{self.name}] {key}: bad regular expression "
                                 f"{item!r}: {err}") from None
        return tuple(compiled)
