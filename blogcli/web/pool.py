"""The run's HTTP client and its idle connections, closed host by host as links finish.

A blog linking to thousands of hosts must not keep thousands of idle sockets open: a host's
connections are closed as soon as none of its pages is left to check.
"""

from __future__ import annotations

from collections import Counter

from blogcli.web.client import Client
from blogcli.web.settings import Settings


class Pools:
    """The client, the headers every request sends, and what is left to ask of each host."""

    def __init__(self, settings: Settings, pages_per_host: Counter[str]) -> None:
        self.remaining = pages_per_host
        self.client = Client(settings.connect_timeout, settings.timeout)
        self.headers = {"User-Agent": settings.user_agent, "Accept-Language": "en,*;q=0.5",
                        "Accept": "text/html,application/xhtml+xml,*/*;q=0.8",
                        # Compressed only when the page is read for its anchors (checker.py).
                        "Accept-Encoding": "identity"}

    def page_done(self, host: str) -> bool:
        """One page of ``host`` is finished; whether it was the last (its connections can go)."""
        self.remaining[host] -= 1
        return self.remaining[host] <= 0

    async def aclose(self) -> None:
        await self.client.aclose()
