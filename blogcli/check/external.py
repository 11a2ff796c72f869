"""`blog check --external`: each web address fetched once, a finding at every place it appears."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from blogcli.check.findings import RULES, Finding
from blogcli.errors import UsageError
from blogcli.files import is_within
from blogcli.web.checker import CheckRun, Progress, Status, UrlResult, check_urls
from blogcli.web.settings import Settings, from_config, history_from_config
from blogcli.web.urls import Kind, classify

if TYPE_CHECKING:  # imported where a history is opened: a one-shot check needs none of it
    from blogcli.web.history import LinkHistory, Record

# Rule names and default severities live in checks.RULES with the offline rules.
_RULE_OF = {
    Status.BROKEN: "external-broken", Status.REFUSED: "external-unreachable",
    Status.UNREACHABLE: "external-unreachable", Status.TLS_ERROR: "external-tls",
    Status.PRIVATE: "external-private", Status.REDIRECT: "external-redirect",
    Status.TIMEOUT: "external-timeout", Status.RATE_LIMITED: "external-rate-limited",
    Status.UNKNOWN: "external-unknown", Status.ANCHOR_MISSING: "external-anchor",
}


@dataclass(frozen=True)
class PlacedLink:
    """A link target and where it is written (``path`` relative to the site root, 1-based)."""

    path: str
    line: int
    column: int
    target: str


@dataclass(frozen=True)
class ExternalOptions:
    """What ``blog check --external`` passes down: settings and the progress callback."""

    settings: Settings
    progress: Progress | None = None
    history: LinkHistory | None = None  # None: every failure is final (a one-shot check)


def options(links_table: Mapping[str, Any], *, use_cache: bool = True,
            check_anchors: bool = False, progress: Progress | None = None,
            history_root: Path | None = None, now: datetime | None = None,
            complete: bool = False) -> ExternalOptions:
    """Options from blog.toml ``[links]`` and the command line; UsageError on bad settings.

    ``history_root``: the site whose link history to read and update (None: no history);
    ``complete``: this run checks every web link of the site, so a link not seen is gone.
    """
    settings = from_config(links_table).with_options(use_cache=use_cache,
                                                     check_anchors=check_anchors)
    history = None
    if history_root is not None:
        history = open_history(links_table, history_root, now, complete)
    return ExternalOptions(settings, progress, history)


def open_history(links_table: Mapping[str, Any], root: Path, now: datetime | None = None,
                 complete: bool = False, readonly: bool = False) -> LinkHistory | None:
    """The site's link history as ``[links]`` places it (None when ``history = false``)."""
    from blogcli.web.history import LinkHistory, Policy, clock

    wanted = history_from_config(links_table)
    if wanted.path is None:
        return None
    path = root / wanted.path
    # Never written outside the site, also not through a symlinked folder (resolve follows).
    if not is_within(path, root):
        raise UsageError(f"blog.toml [links] history = {wanted.path!r} leads outside the site")
    return LinkHistory(path, Policy(wanted.runs, wanted.days), now or clock(),
                       shown=wanted.path, complete=complete, readonly=readonly)


@dataclass
class ExternalReport:
    findings: list[Finding] = field(default_factory=list)
    urls: int = 0            # distinct web addresses checked
    requests: int = 0
    interrupted: bool = False
    results: dict[str, UrlResult] = field(default_factory=dict)  # per URL, for --fix
    note: str | None = None  # said on stderr after the report (a likely offline machine)


def external_findings(links: Iterable[PlacedLink], settings: Settings,
                      progress: Progress | None = None,
                      history: LinkHistory | None = None) -> ExternalReport:
    """Fetch every http(s) target once and report problems at each place it is written.

    Other targets are ignored here: the offline check reports file:, javascript: and
    other schemes (``link-file``/``link-scheme`` in resolve.py). Findings come back in file order.
    With a ``history``, a failure is ``external-failing`` (a warning) until it has lasted.
    """
    placed = list(links)
    web = [link for link in placed if classify(link.target).kind is Kind.EXTERNAL]
    run: CheckRun = check_urls(dict.fromkeys(link.target.strip() for link in web), settings,
                               progress)
    report = ExternalReport(urls=len(run.results), requests=run.requests,
                            interrupted=run.interrupted, results=run.results,
                            note=_offline_note(run))
    failing = history.update(run.results) if history is not None else {}
    for link in web:
        result = run.results.get(link.target.strip())
        finding = None if result is None else _finding(link, result)
        record = failing.get(link.target.strip())
        if finding is not None and record is not None and history is not None:
            finding = _with_history(finding, record, history)
        if finding is not None:
            report.findings.append(finding)
    if history is not None:
        history.save()
        report.note = "\n".join(filter(None, [report.note, *history.notes])) or None
    report.findings.sort(key=lambda f: (f.path, f.line, f.column, f.rule))
    return report


_WEB_ADDRESS = re.compile(r"""https?://[^\s<>"'`()\[\]{}]+""")


def web_links_in_text(rel: str, text: str) -> list[PlacedLink]:
    """Web addresses in plain text with their line and column, for files that do not parse."""
    links = []
    for number, line in enumerate(text.splitlines(), start=1):
        for match in _WEB_ADDRESS.finditer(line):
            url = match.group(0).rstrip(".,;:!?*_~")
            links.append(PlacedLink(rel, number, match.start() + 1, url))
    return links


def _offline_note(run: CheckRun) -> str | None:
    """A hint when no host at all could be looked up: the machine may be offline.

    Only a hint: the findings are still reported, since a post whose few web
    links all point at dead domains looks just the same from here.
    """
    from urllib.parse import urlsplit

    results = run.results.values()
    dns = [r for r in results if r.status is Status.UNREACHABLE and "DNS" in r.detail]
    hosts = {urlsplit(r.url).hostname for r in dns}
    if len(hosts) < 3 or len(dns) != sum(r.status is not Status.EXCLUDED for r in results):
        return None
    return (f"Note: none of the {len(hosts)} web hosts could be looked up (DNS). If this "
            "machine is offline, the external findings above say nothing about the links.")


def _finding(link: PlacedLink, result: UrlResult) -> Finding | None:
    rule = _RULE_OF.get(result.status)
    if rule is None:
        return None
    return Finding(link.path, link.line, link.column, rule, RULES[rule], message(result),
                   link.target)


def _with_history(finding: Finding, record: Record, history: LinkHistory) -> Finding:
    """A failure that has lasted keeps its rule; a newer one is ``external-failing``."""
    if history.confirmed(record):
        return Finding(finding.path, finding.line, finding.column, finding.rule,
                       finding.severity, f"{finding.message} ({record.since_text()})",
                       finding.target)
    policy = history.policy
    days = f"{policy.days:g} day{'s' if policy.days != 1 else ''}"
    return Finding(finding.path, finding.line, finding.column, "external-failing",
                   RULES["external-failing"],
                   f"{finding.message}; {record.since_text()} (an error after {policy.runs} "
                   f"failing runs over {days})", finding.target)


def message(result: UrlResult) -> str:
    """What a blogger reads next to the link."""
    status, detail = result.status, _with_phrase(result.detail, result.code)
    if status is Status.REDIRECT:
        return f"moved permanently to {result.new_url}; link there instead"
    if status is Status.PRIVATE:
        return (f"{detail}: readers cannot reach it (blog.toml [links] allow_private = true "
                "checks it anyway)")
    if status is Status.RATE_LIMITED:
        return f"rate-limited, not checked this time: {detail}"
    return detail


def _with_phrase(detail: str, code: int | None) -> str:
    """``HTTP 404 …`` -> ``HTTP 404 Not Found …``."""
    prefix = f"HTTP {code}"
    if code is None or not detail.startswith(prefix):
        return detail
    from http import HTTPStatus  # an enum of 60 members: built only when a message needs it

    try:
        return f"{prefix} {HTTPStatus(code).phrase}{detail[len(prefix):]}"
    except ValueError:  # 999 and other codes outside the standard
        return detail
