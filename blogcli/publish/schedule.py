"""Scheduled publishing: `blog publish POST --at WHEN` and `blog due`.

A scheduled post is a published post dated in the future: every engine that waits for the date
(Hugo, Jekyll with ``future: false``) shows it from the first build after it. So scheduling is
an ordinary publish whose date (or Hugo's ``publishDate``) is WHEN, and `blog due` tells a
scheduled CI job whether a post has come due since its last run, so it rebuilds only then.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta, tzinfo
from pathlib import Path
from typing import TYPE_CHECKING, Any

from blogcli.clock import builds_future, site_zone
from blogcli.create.post import hexo_post_name
from blogcli.errors import UsageError
from blogcli.post import JEKYLL_NAME, Post, parse_date
from blogcli.publish.fields import FieldEdit
from blogcli.publish.plan import Edit, _checked
from blogcli.site import Site, iter_posts

if TYPE_CHECKING:
    from blogcli.git import Progress
    from blogcli.publish.flow import Outcome

WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
# Hugo's names for the moment a page goes up and comes down (the first one present wins).
PUBLISH_KEYS = ("publishDate", "publishdate", "pubdate", "published_at")
EXPIRY_KEYS = ("expiryDate", "expirydate", "unpublishdate", "expiry_date", "expires")
TIME_OF_DAY = re.compile(r"^(?:at\s+)?(\d{1,2})(?::(\d{2}))?\s*(am|pm)?$")
RELATIVE = re.compile(r"^in\s+(\d+)\s*(minutes?|mins?|m|hours?|h|days?|d|weeks?|w)$")
AGO = re.compile(r"^(\d+)\s*(minutes?|mins?|m|hours?|h|days?|d|weeks?|w)(?:\s+ago)?$")
UNITS = {"m": "minutes", "h": "hours", "d": "days", "w": "weeks"}


def parse_when(text: str, now: datetime, zone: tzinfo) -> datetime:
    """WHEN as an aware moment: ISO 8601 (a zoneless one in ``zone``), ``tomorrow 09:00``,
    ``today 5pm``, ``next monday 8am``, ``friday``, ``in 3 hours``. A day without a time of
    day means its first minute."""
    words = " ".join(text.strip().lower().split())
    local = now.astimezone(zone)
    try:
        found = parse_date(text.strip())
    except ValueError:
        found = None
    if isinstance(found, datetime):
        return found if found.tzinfo else found.replace(tzinfo=zone)
    if isinstance(found, date):
        return datetime.combine(found, time(), zone)
    relative = RELATIVE.match(words)
    if relative:
        return now + _span(relative[1], relative[2])
    day, rest = _day(words, local.date())
    if day is None:
        raise _bad_when(text)
    moment = _time_of_day(rest) if rest else time()
    if moment is None:
        raise _bad_when(text)
    return datetime.combine(day, moment, zone)


def _day(words: str, today: date) -> tuple[date | None, str]:
    head, _, rest = words.partition(" ")
    if head in ("today", "tonight"):
        return today, rest
    if head == "tomorrow":
        return today + timedelta(days=1), rest
    if head == "next":
        head, _, rest = rest.partition(" ")
    if head in WEEKDAYS:
        ahead = (WEEKDAYS.index(head) - today.weekday() - 1) % 7 + 1  # always a later day
        return today + timedelta(days=ahead), rest
    return None, words


def _time_of_day(text: str) -> time | None:
    if text in ("noon", "at noon"):
        return time(12)
    if text in ("midnight", "at midnight"):
        return time()
    match = TIME_OF_DAY.match(text)
    if not match:
        return None
    hour, minute = int(match[1]), int(match[2] or 0)
    if match[3]:
        if not 1 <= hour <= 12:
            return None
        hour = hour % 12 + (12 if match[3] == "pm" else 0)
    if hour > 23 or minute > 59:
        return None
    return time(hour, minute)


def _span(count: str, unit: str) -> timedelta:
    return timedelta(**{UNITS[unit[0]]: int(count)})


def _bad_when(text: str) -> UsageError:
    return UsageError(f"--at {text!r}: not a time blog understands; write an ISO date-time "
                      "(2026-05-02T09:00, 2026-05-02 09:00+02:00), or `tomorrow 09:00`, "
                      "`next monday 8am`, `friday noon`, `in 3 hours`")


def parse_since(text: str, now: datetime, zone: tzinfo) -> datetime:
    """``--since``: a span back from now (``2h``, ``90m``, ``1 day ago``) or a moment."""
    words = " ".join(text.strip().lower().split())
    back = AGO.match(words)
    if back:
        return now - _span(back[1], back[2])
    if words in ("yesterday",):
        return now - timedelta(days=1)
    return parse_when(text, now, zone)


# --- blog publish --at ---------------------------------------------------------------------


def date_key(site: Site, post: Post) -> str:
    """The key that says when the engine shows the post: Hugo's publishDate when the post has
    one (its date then stays the date readers see), else ``date``."""
    if site.profile == "hugo":
        return next((k for k in PUBLISH_KEYS if k in post.meta), "date")
    return "date"


def plan_schedule(site: Site, post: Post, at: datetime) -> Edit:
    """The edit that publishes ``post`` dated ``at`` (and names it so, for Jekyll and Hexo)."""
    before = post.path.read_bytes()
    fm = FieldEdit(before, post.rel)
    fm.set_bool("draft", False)
    fm.set_bool("published", True)
    fm.set_moment(date_key(site, post), at)
    return _checked(site, Edit(post, before, fm.result(), _dated_path(site, post, at)))


def _dated_path(site: Site, post: Post, at: datetime) -> Path:
    """Where the post lives once scheduled: Jekyll and Hexo keep the date in the file name."""
    if site.profile not in ("jekyll", "hexo"):
        return post.path
    name = JEKYLL_NAME.match(post.path.stem)
    stem = name[4] if name else post.path.stem
    if post.in_drafts_dir and site.drafts_dir is not None:
        folder = site.posts_dir / post.path.parent.relative_to(site.drafts_dir)
    else:
        folder = post.path.parent
    if site.profile == "hexo" and post.in_drafts_dir:
        pattern = str(site.engine.get("new_post_name") or ":title.md")
        return site.posts_dir / hexo_post_name(pattern, stem, at)
    if site.profile == "hexo" and not name:
        return post.path  # its name holds no date: nothing to keep in step
    return folder / f"{at:%Y-%m-%d}-{stem}{post.path.suffix}"


def schedule(site: Site, names: list[str], when: str, *, now: datetime, dry_run: bool = False,
             push: bool = True, message: str | None = None, cwd: Path | None = None,
             progress: Progress | None = None, include_unpushed: bool = False) -> Outcome:
    """Publish the named posts dated WHEN (in the future), through publish's plan/execute path.

    Refused (exit 2) when WHEN is not ahead of ``now`` or when the site's build would show
    the post at once (its engine builds future-dated posts), with what to change.
    """
    from blogcli.publish.flow import publish

    at = parse_when(when, now, site_zone(site))
    if at <= now:
        raise UsageError(f"--at {when!r} is {at.isoformat()}, not after now "
                         f"({now.isoformat()}); use `blog publish` without --at to publish now")
    early = builds_future(site)
    if early is not None and site.profile != "plain":
        raise UsageError(f"cannot schedule on this site: {early}, so the post would show at "
                         f"once. {_fix(site)}")
    outcome = publish(site, names, dry_run=dry_run, push=push, cwd=cwd, progress=progress,
                      message=message or f"Schedule: {{title}} for {at.isoformat()}",
                      include_unpushed=include_unpushed,
                      planner=lambda post: plan_schedule(site, post, at))
    outcome.notes.append(f"Scheduled for {at.isoformat()}: the site shows it from the first "
                         "build after that. Rebuild then with a scheduled job that runs "
                         "`blog due` (docs/scheduling.md).")
    if early is not None:
        outcome.notes.append(f"Warning: {early}; it joins index.md when `blog index` runs "
                             "after that time.")
    return outcome


def _fix(site: Site) -> str:
    if site.profile == "zola":
        return "Keep it a draft and run `blog publish` at that time (from a scheduled job)."
    if site.profile == "hugo":
        return "Remove buildFuture from the Hugo config (its default is false)."
    return "Set `future: false` in _config.yml."


# --- blog due ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Change:
    """One scheduled change: a post goes up (``publish``) or comes down (``expire``)."""

    moment: datetime
    kind: str
    path: str
    title: str

    def as_json(self) -> dict[str, Any]:
        return {"at": self.moment.isoformat(), "change": self.kind, "path": self.path,
                "title": self.title}


@dataclass
class DueReport:
    """What changed between ``since`` and ``now``, and the next change after ``now``."""

    since: datetime
    now: datetime
    came: list[Change] = field(default_factory=list)
    upcoming: Change | None = None
    skipped: list[str] = field(default_factory=list)  # posts whose dates do not parse

    def as_json(self) -> dict[str, Any]:
        return {"version": 1, "since": self.since.isoformat(), "now": self.now.isoformat(),
                "due": [c.as_json() for c in self.came],
                "next": self.upcoming.as_json() if self.upcoming else None,
                "skipped": self.skipped}


def due(site: Site, since: datetime, now: datetime) -> DueReport:
    """Posts that went up or came down in (since, now], and the next such change."""
    report = DueReport(since, now)
    zone = site_zone(site)
    changes: list[Change] = []
    for post in iter_posts(site, drafts=False):
        if post.draft:
            continue
        try:
            changes.extend(_changes(site, post, zone))
        except ValueError:
            report.skipped.append(post.rel)
    changes.sort(key=lambda c: (c.moment, c.path))
    report.came = [c for c in changes if since < c.moment <= now]
    report.upcoming = next((c for c in changes if c.moment > now), None)
    return report


def _changes(site: Site, post: Post, zone: tzinfo) -> list[Change]:
    found: list[Change] = []
    up = _moment(post.meta.get(date_key(site, post)), zone) if date_key(site, post) != "date" \
        else _moment(post.date, zone)
    if up is not None:
        found.append(Change(up, "publish", post.rel, post.title))
    if site.profile == "hugo":
        key = next((k for k in EXPIRY_KEYS if post.meta.get(k)), None)
        down = _moment(post.meta.get(key), zone) if key else None
        if down is not None:
            found.append(Change(down, "expire", post.rel, post.title))
    return found


def _moment(value: Any, zone: tzinfo) -> datetime | None:
    parsed = parse_date(value)
    if parsed is None:
        return None
    if not isinstance(parsed, datetime):
        return datetime.combine(parsed, time(), zone)
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=zone)
