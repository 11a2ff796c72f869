"""What `blog publish`, `unpublish` and `publish --at` print (presentation, like
check/report.py): the outcome as lines, which the typer command and __main__'s quick path
both echo."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from blogcli.publish.flow import Outcome

# (text, to stderr, newline after it)
Line = tuple[str, bool, bool]


def outcome_lines(outcome: Outcome, output: str) -> list[Line]:
    """The lines that report ``outcome`` in ``output`` (text or json), in order."""
    if output == "json":
        return [(json.dumps(outcome.as_json(), indent=2, ensure_ascii=False), False, True)]
    lines: list[Line] = [(line, True, True) for line in [*outcome.remote_lines, *outcome.notes]]
    verb = "Unpublished" if outcome.action == "unpublish" else "Published"
    if outcome.dry_run and not outcome.nothing_to_do:
        lines += [(diff, False, False) for diff in outcome.diffs]
        lines.append(("Would run:", False, True))
        return lines + [(f"  {step}", False, True) for step in outcome.steps]
    if outcome.nothing_to_do:
        pushed = " (--no-push: the remote was not checked)" if outcome.no_push else " and pushed"
        lines.append((f"Nothing to do: {', '.join(outcome.posts)} already {verb.lower()}"
                      f"{pushed}", False, True))
        return lines
    if outcome.committed:
        lines.append((f"{verb} {', '.join(outcome.posts)} in {(outcome.commit or '')[:12]} "
                      f"({outcome.message})", False, True))
    lines.append((f"Pushed to {outcome.pushed}" if outcome.pushed
                  else "Not pushed (--no-push); run `git push` when ready", False, True))
    return lines
