"""The one clock: "now" (injectable with BLOG_NOW), the site's time zone, and whether the
site's engine builds posts dated in the future (which decides what "scheduled" means)."""

from __future__ import annotations

import os
import re
from datetime import UTC, datetime, timedelta, timezone, tzinfo
from typing import TYPE_CHECKING

from blogcli.errors import UsageError

if TYPE_CHECKING:
    from blogcli.site import Site

NOW_VARIABLE = "BLOG_NOW"


def now(site: Site | None = None) -> datetime:
    """The current moment, aware; ``BLOG_NOW`` (ISO 8601) overrides it for tests and dry runs.

    A ``BLOG_NOW`` without an offset is read in the site's zone (or the local one).
    """
    given = os.environ.get(NOW_VARIABLE, "").strip()
    if not given:
        current = datetime.now(site_zone(site)) if site is not None \
            else datetime.now().astimezone()
        return current.replace(microsecond=0)
    try:
        moment = datetime.fromisoformat(given)
    except ValueError:
        raise UsageError(f"{NOW_VARIABLE}={given!r} is not an ISO 8601 date-time "
                         "(e.g. 2026-05-01T09:00:00+02:00)") from None
    if moment.tzinfo is None:
        zone = site_zone(site) if site is not None else datetime.now().astimezone().tzinfo
        moment = moment.replace(tzinfo=zone)
    return moment


def configured_zone(site: Site) -> tzinfo | None:
    """The zone the site's config names (Hugo ``timeZone``, Jekyll/Hexo ``timezone``), or None."""
    name = site.timezone.strip()
    if not name:
        return None
    from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        if site.profile == "jekyll":
            return _posix_zone(name)
        raise UsageError(f"the site's config names the time zone {name!r}, which is not "
                         "an IANA zone (e.g. Europe/Oslo)") from None


# A POSIX TZ string without daylight saving: a name of three letters or more (or <quoted>),
# then the hours (and minutes, seconds) to add to local time to get UTC; and one with a
# daylight-saving zone's name after that. (Strings: re compiles them only for such a zone.)
_POSIX_NAME = r"(?:[A-Za-z]{3,}|<[A-Za-z0-9+-]{3,}>)"
_POSIX_FIXED = _POSIX_NAME + r"([+-]?)(\d{1,2})(?::(\d{1,2})(?::(\d{1,2}))?)?"
_POSIX_DST = _POSIX_NAME + r"[+-]?\d{1,2}(?::\d{1,2}){0,2}" + _POSIX_NAME


def _posix_zone(name: str) -> tzinfo:
    """The zone Jekyll reads dates in when ``timezone`` names no IANA zone: it sets TZ to the
    value, which the C library on the Linux machines that build sites (GitHub Pages') reads as
    a POSIX TZ string, and as UTC when it is not one (``+0100``: UTC, as Jekyll builds it)."""
    fixed = re.fullmatch(_POSIX_FIXED, name)
    if fixed is not None:
        sign, hours, minutes, seconds = fixed.groups()
        west = timedelta(hours=int(hours), minutes=int(minutes or 0), seconds=int(seconds or 0))
        return timezone(west if sign == "-" else -west, name)
    if re.match(_POSIX_DST, name):
        raise UsageError(f"the site's config names the time zone {name!r}, a POSIX rule with "
                         "daylight saving time, which blog does not read; name the IANA zone "
                         "it stands for (e.g. Europe/Oslo)")
    return UTC


def site_zone(site: Site) -> tzinfo:
    """The zone the engine reads zoneless dates in: the configured one; else UTC for Hugo and
    Zola and the machine's local zone for the others (what each engine falls back to)."""
    configured = configured_zone(site)
    if configured is not None:
        return configured
    if site.profile in ("hugo", "zola"):
        return UTC
    local = datetime.now().astimezone().tzinfo
    assert local is not None  # astimezone() always gives an aware datetime
    return local


def builds_future(site: Site) -> str | None:
    """Why the site's build shows posts dated in the future right away, or None when it waits
    for the date (then a future-dated published post is *scheduled*)."""
    engine = site.engine
    if site.profile == "hugo" and _true(engine.get("buildFuture", engine.get("buildfuture"))):
        return "the Hugo config sets buildFuture = true"
    if site.profile == "jekyll" and _true(engine.get("future")):
        return "_config.yml sets future: true (Jekyll then builds future-dated posts)"
    if site.profile == "hexo" and engine.get("future", True) is not False:
        return "Hexo builds future-dated posts unless _config.yml sets future: false"
    if site.profile == "zola":
        return "Zola builds every page that is not a draft, whatever its date"
    if site.profile == "plain":
        return "a plain blog's post pages are served as soon as they are pushed"
    return None


def _true(value: object) -> bool:
    return value is True or (isinstance(value, str) and value.strip().lower() == "true")
