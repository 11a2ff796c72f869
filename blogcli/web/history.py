"""Link history: which web links have been failing, since when, and in how many runs.

A one-shot checker cries wolf: a site down for an hour fails the run, so teams make the check
advisory or delete it (opentelemetry-specification#668, lychee#1873). Here a failure is only
called broken once it has lasted: ``broken_after_runs`` consecutive failing runs spanning at
least ``broken_after_days`` days. Until then it is a warning that says how long it has failed.

The history is a small JSON file kept in the repository by default (``.blog/links.json``):
only links that have failed are in it (a passing link leaves no line, so the file does not
churn), keys are sorted and one field per line so a commit of it diffs cleanly, and URLs are
stored without user-info or signed query strings. A file that does not parse is set aside and
a new one started; the caller is told, once.
"""

from __future__ import annotations

import contextlib
import json
import os
from collections.abc import Mapping
from dataclasses import asdict, dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from blogcli.errors import UsageError
from blogcli.files import atomic_write
from blogcli.web.result import PASSES, Status, UrlResult
from blogcli.web.urls import redact_url, split_fragment

VERSION = 1
DEFAULT_PATH = ".blog/links.json"
CLOCK_ENV = "BLOG_NOW"  # a fixed "now" (ISO 8601) for tests and reproducible CI runs
# Failures that say the page is not there. Rate limits, bot walls and missing anchors say
# nothing about that: they neither count as a failing run nor end a streak.
FAILING = frozenset({Status.BROKEN, Status.REFUSED, Status.UNREACHABLE, Status.TLS_ERROR,
                     Status.TIMEOUT})
# A link that came back is forgotten after this long without failing again.
FORGET_AFTER = timedelta(days=90)


@dataclass(frozen=True)
class Policy:
    """When a failing link counts as broken: at least ``runs`` failing runs over ``days`` days.

    Defaults: 3 runs over 7 days. Outages that fail one-shot checkers last hours, a
    maintenance window a day or two; a week of failures is a dead link. Three runs, so two
    unlucky samples a week apart are not enough. A weekly CI job warns on its first and
    second failing run and fails on the third; a person checking daily gets the error once the
    link has been failing for a week. ``runs = 1, days = 0`` is a one-shot checker.
    """

    runs: int = 3
    days: float = 7.0

    def confirmed(self, record: Record) -> bool:
        return record.runs >= self.runs and record.span_days() >= self.days


@dataclass
class Record:
    """One URL's history. Times are UTC, ISO 8601 to the second."""

    url: str
    failing_since: str | None = None  # first failure of the current streak
    last_failure: str | None = None
    last_success: str | None = None   # known once the link has failed and then passed
    runs: int = 0                     # consecutive failing runs; 0 when it passes now
    detail: str = ""                  # what the last failure said

    def span_days(self) -> float:
        """Days between the first and the last failing run of the current streak."""
        if not self.failing_since or not self.last_failure:
            return 0.0
        return (_parse(self.last_failure) - _parse(self.failing_since)).total_seconds() / 86400

    def since_text(self) -> str:
        """``failing since 2026-01-05, 2 runs over 3 days``."""
        runs = f"{self.runs} run{'s' if self.runs != 1 else ''}"
        days = self.span_days()
        over = f" over {days:.0f} day{'s' if round(days) != 1 else ''}" if days >= 1 else ""
        return f"failing since {(self.failing_since or '')[:10]}, {runs}{over}"


def history_key(url: str) -> str:
    """What a URL is stored under: the page (no fragment), no credentials or signatures."""
    return split_fragment(redact_url(url.strip()))[0]


class LinkHistory:
    """The history file, read once; ``update`` records a run, ``save`` writes it atomically."""

    def __init__(self, path: Path, policy: Policy, now: datetime, shown: str | None = None,
                 complete: bool = False, readonly: bool = False) -> None:
        self.path, self.policy, self.shown = path, policy, shown or str(path)
        self.readonly = readonly  # `blog links` only reads: a bad file is reported, not moved
        self.now = now.astimezone(UTC).replace(microsecond=0)
        # True when this run checked every web link of the site: links not seen are gone.
        self.complete = complete
        self.notes: list[str] = []
        self.records = self._load()
        self._seen: set[str] = set()
        self._changed = False

    def _load(self) -> dict[str, Record]:
        try:
            raw = self.path.read_bytes()
        except FileNotFoundError:
            return {}
        except OSError as err:
            self.notes.append(f"Note: cannot read the link history {self.shown} "
                              f"({err.strerror}); this run starts without it")
            return {}
        try:
            return _parse_file(raw)
        except (ValueError, TypeError, KeyError) as err:
            if self.readonly:
                self.notes.append(f"Note: the link history {self.shown} is not readable "
                                  f"({err}); the next `blog check --external` starts a new one")
                return {}
            aside = self.path.with_name(self.path.name + ".bad")
            with contextlib.suppress(OSError):
                os.replace(self.path, aside)
            self.notes.append(f"Note: the link history {self.shown} was not readable ({err}); "
                              f"it was set aside as {aside.name} and a new one started")
            self._changed = True
            return {}

    def update(self, results: Mapping[str, UrlResult]) -> dict[str, Record]:
        """Record this run's results; return the record of every given URL failing now."""
        by_key: dict[str, list[UrlResult]] = {}
        for url, result in results.items():
            by_key.setdefault(history_key(url), []).append(result)
        stamp = _format(self.now)
        failing: dict[str, Record] = {}
        for key, found in by_key.items():
            failure = next((r for r in found if r.status in FAILING), None)
            if failure is not None:
                record = self._fail(key, failure, stamp)
                failing.update({r.url: record for r in found if r.status in FAILING})
            elif any(r.status in PASSES for r in found):
                self._pass(key, stamp)
        return failing

    def _fail(self, key: str, result: UrlResult, stamp: str) -> Record:
        record = self.records.setdefault(key, Record(key))
        if key not in self._seen:  # one run counts once, however many links share the page
            self._seen.add(key)
            record.failing_since = record.failing_since or stamp
            record.last_failure, record.runs = stamp, record.runs + 1
            record.detail = result.detail or str(result.status)
            self._changed = True
        return record

    def _pass(self, key: str, stamp: str) -> None:
        self._seen.add(key)
        record = self.records.get(key)
        if record is None:
            return  # passing links leave no trace: the file stays small and quiet
        record.failing_since, record.runs, record.last_success = None, 0, stamp
        self._changed = True

    def confirmed(self, record: Record) -> bool:
        return self.policy.confirmed(record)

    def failing(self) -> list[Record]:
        """Links failing now, oldest failure first."""
        found = [r for r in self.records.values() if r.runs > 0]
        return sorted(found, key=lambda r: (r.failing_since or "", r.url))

    def save(self) -> None:
        """Write the file (atomically) if anything changed; a failure becomes a note."""
        self._forget()
        if not self._changed or self.readonly:
            return
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            # A run killed mid-write leaves its temporary file; the file itself is intact.
            for stale in self.path.parent.glob(f".{self.path.name}.*.tmp"):
                with contextlib.suppress(OSError):
                    stale.unlink()
            atomic_write(self.path, dump(self.records))
        except OSError as err:
            self.notes.append(f"Note: cannot write the link history {self.shown} "
                              f"({err.strerror}); this run's results are not remembered")
            return
        self._changed = False

    def _forget(self) -> None:
        cutoff = _format(self.now - FORGET_AFTER)
        for key, record in list(self.records.items()):
            gone = self.complete and key not in self._seen  # no longer linked from the site
            recovered = record.runs == 0 and (record.last_success or "") < cutoff
            if gone or recovered:
                del self.records[key]
                self._changed = True


def dump(records: Mapping[str, Record]) -> bytes:
    """The file's bytes: sorted, one field per line, ending in a newline."""
    entries = {key: {k: v for k, v in asdict(records[key]).items() if k != "url"}
               for key in sorted(records)}
    text = json.dumps({"version": VERSION, "links": entries}, indent=2, sort_keys=True,
                      ensure_ascii=False)
    return (text + "\n").encode("utf-8")


def _parse_file(raw: bytes) -> dict[str, Record]:
    data = json.loads(raw.decode("utf-8"))
    if not isinstance(data, dict) or data.get("version") != VERSION:
        raise ValueError(f"expected a JSON object with \"version\": {VERSION}")
    links = data["links"]
    if not isinstance(links, dict):
        raise ValueError("\"links\" is not an object")
    records = {}
    for key, entry in links.items():
        if not isinstance(entry, dict):
            raise ValueError(f"the entry for {key} is not an object")
        record = Record(str(key), **{k: entry[k] for k in (
            "failing_since", "last_failure", "last_success", "runs", "detail") if k in entry})
        if not isinstance(record.detail, str):
            raise ValueError(f"the entry for {key} has a bad detail")
        if isinstance(record.runs, bool) or not isinstance(record.runs, int) or record.runs < 0:
            raise ValueError(f"the entry for {key} has a bad run count")
        for stamp in (record.failing_since, record.last_failure, record.last_success):
            if stamp is not None:
                _parse(stamp)
        records[str(key)] = record
    return records


def _format(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _parse(stamp: Any) -> datetime:
    if not isinstance(stamp, str):
        raise ValueError(f"{stamp!r} is not a time")
    moment = datetime.fromisoformat(stamp.replace("Z", "+00:00"))
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def clock(env: Mapping[str, str] | None = None) -> datetime:
    """Now, or the moment ``BLOG_NOW`` names (tests simulate a week without sleeping)."""
    value = (os.environ if env is None else env).get(CLOCK_ENV, "").strip()
    if not value:
        return datetime.now(UTC)
    try:
        return _parse(value)
    except ValueError:
        raise UsageError(f"{CLOCK_ENV}={value!r} is not an ISO 8601 time like "
                         "2026-01-05T10:00:00Z") from None
