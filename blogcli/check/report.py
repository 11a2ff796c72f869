"""Findings rendered for people (text), for programs (JSON) and for GitHub Actions (annotations)."""

from __future__ import annotations

from itertools import groupby
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from blogcli.check.findings import CheckResult, Finding

_COLOURS = {"error": "\x1b[31m", "warning": "\x1b[33m", "bold": "\x1b[1m", "dim": "\x1b[2m",
            "green": "\x1b[32m"}
_RESET = "\x1b[0m"


def render(result: CheckResult, fmt: str, color: bool = False, prefix: str = "") -> str:
    """The whole report in ``fmt`` (text, json or github), ending with a newline when non-empty.

    ``prefix`` (the site's folder inside the repository) is put before paths in GitHub
    annotations, which GitHub resolves from the repository root.
    """
    if fmt == "json":
        return as_json(result) + "\n"
    if fmt == "github":
        return "".join(github_line(f, prefix) + "\n" for f in result.findings)
    return as_text(result, color)


def as_json(result: CheckResult) -> str:
    """The fixed schema of DESIGN.md: version, findings, summary."""
    import json  # here: a text report has no use for it (~5 M instructions)

    return json.dumps({
        "version": 1,
        "findings": [f.to_dict() for f in result.findings],
        "summary": {"files": result.files, "links": result.links,
                    "errors": result.errors, "warnings": result.warnings},
    }, ensure_ascii=False, indent=None)


def as_text(result: CheckResult, color: bool = False) -> str:
    """Findings grouped by file, one ``path:line:col`` per line, then a summary line."""
    paint = _painter(color)
    out: list[str] = []
    for path, group in groupby(result.findings, key=lambda f: f.path):
        out.append(paint("bold", path))
        for finding in group:
            out.append(_text_line(finding, paint))
        out.append("")
    out.append(_summary(result, paint))
    return "\n".join(out) + "\n"


def _text_line(finding: Finding, paint: _Paint) -> str:
    where = f"{finding.path}:{finding.line}:{finding.column}"
    target = _target_note(finding)
    severity = paint(finding.severity, f"{finding.severity:<7}")
    return f"  {where}: {severity} {finding.message}{target}  {paint('dim', f'({finding.rule})')}"


def _summary(result: CheckResult, paint: _Paint) -> str:
    scope = (f"{result.files} file{'s' if result.files != 1 else ''}, "
             f"{result.links} link{'s' if result.links != 1 else ''}")
    if not result.findings:
        return paint("green", f"No problems found ({scope}).")
    errors = f"{result.errors} error{'s' if result.errors != 1 else ''}"
    warnings = f"{result.warnings} warning{'s' if result.warnings != 1 else ''}"
    return f"{paint('error' if result.errors else 'warning', errors)}, {warnings} ({scope})."


def github_line(finding: Finding, prefix: str = "") -> str:
    """``::error file=…,line=…,col=…,title=RULE::message`` with GitHub's escaping."""
    level = "error" if finding.severity == "error" else "warning"
    message = finding.message + _target_note(finding)
    props = ",".join(f"{key}={_escape_property(str(value))}" for key, value in (
        ("file", prefix + finding.path), ("line", finding.line), ("col", finding.column),
        ("title", finding.rule)))
    return f"::{level} {props}::{_escape_data(message)}"


def _target_note(finding: Finding) -> str:
    """`` [target]`` when the message does not already quote the link as written."""
    if finding.target is None or finding.target in finding.message:
        return ""
    return f" [{finding.target}]"


def _escape_data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _escape_property(text: str) -> str:
    return _escape_data(text).replace(":", "%3A").replace(",", "%2C")


class _Paint:
    def __init__(self, color: bool) -> None:
        self.color = color

    def __call__(self, style: str, text: str) -> str:
        if not self.color:
            return text
        return f"{_COLOURS[style]}{text}{_RESET}"


def _painter(color: bool) -> _Paint:
    return _Paint(color)
