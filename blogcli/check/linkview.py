"""`blog links`: the failing web links of the link history, oldest failure first.

Text for a person, JSON for scripts, Markdown for a CI job summary (``$GITHUB_STEP_SUMMARY``).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from blogcli.web.history import LinkHistory, Record


@dataclass(frozen=True)
class Row:
    record: Record
    broken: bool  # failed long enough to be an error in `blog check --external`

    def to_dict(self) -> dict[str, Any]:
        r = self.record
        return {"url": r.url, "failing_since": r.failing_since, "last_failure": r.last_failure,
                "last_success": r.last_success, "runs": r.runs,
                "days": round(r.span_days(), 1), "broken": self.broken, "detail": r.detail}


def failing_rows(history: LinkHistory, min_days: float = 0.0,
                 broken_only: bool = False) -> list[Row]:
    """Failing links, oldest first, failing for at least ``min_days`` days."""
    rows = [Row(r, history.confirmed(r)) for r in history.failing()
            if r.span_days() >= min_days]
    return [row for row in rows if row.broken or not broken_only]


def render_links(rows: list[Row], history: LinkHistory, output: str) -> str:
    """The rows as ``text``, ``json`` or ``markdown``."""
    if output == "json":
        document = {"version": 1, "history": history.shown,
                    "policy": {"runs": history.policy.runs, "days": history.policy.days},
                    "links": [row.to_dict() for row in rows]}
        return json.dumps(document, indent=2, ensure_ascii=False) + "\n"
    if output == "markdown":
        return _markdown(rows, history)
    return _text(rows)


def _text(rows: list[Row]) -> str:
    header = ("since", "runs", "days", "last ok", "state", "url")
    table = [header] + [(
        (r.record.failing_since or "")[:10], str(r.record.runs), f"{r.record.span_days():.0f}",
        (r.record.last_success or "-")[:10], "broken" if r.broken else "failing",
        f"{r.record.url}  ({r.record.detail})") for r in rows]
    widths = [max(len(line[i]) for line in table) for i in range(len(header) - 1)]
    return "".join("  ".join(cell.ljust(width) for cell, width in zip(line, widths, strict=False))
                   + "  " + line[-1] + "\n" for line in table)


def _markdown(rows: list[Row], history: LinkHistory) -> str:
    policy = history.policy
    title = f"### Web links failing ({len(rows)})\n\n"
    if not rows:
        return title + "None.\n"
    lines = [title, f"A link is broken after {policy.runs} failing runs over {policy.days:g} "
             f"days (history: `{history.shown}`).\n\n",
             "| failing since | runs | days | state | link | last answer |\n",
             "|---|---:|---:|---|---|---|\n"]
    for row in rows:
        r = row.record
        detail = r.detail.replace("|", "\\|")
        lines.append(f"| {(r.failing_since or '')[:10]} | {r.runs} | {r.span_days():.0f} | "
                     f"{'broken' if row.broken else 'failing'} | <{r.url}> | {detail} |\n")
    return "".join(lines)
