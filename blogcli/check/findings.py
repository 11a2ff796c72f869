"""What `blog check` reports: the rules with their default severity, findings, the result."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from blogcli.check.external import ExternalReport

# Every rule and its default severity. Names are a public contract: blog.toml and CI use them.
RULES: dict[str, str] = {
    "file-unreadable": "error",
    "front-matter-invalid": "error",
    "required-key": "error",
    "date-invalid": "error",
    "date-no-zone": "warning",
    "date-future": "warning",
    "draft-not-boolean": "error",
    "tags-string": "warning",
    "tags-invalid": "error",
    "key-typo": "warning",
    "duplicate-slug": "error",
    "duplicate-output": "error",
    "body-empty": "warning",
    "link-missing": "error",
    "link-anchor": "error",
    "link-malformed": "error",
    "link-uncertain": "warning",
    "link-empty": "warning",
    "link-outside": "error",            # leaves the site root (.. or a symlink): never read
    "link-file": "error",               # file: and C:\ links: the author's disk
    "link-scheme": "warning",           # javascript:, vbscript:, ftp:
    "link-unpublished": "error",        # to a draft, expired or scheduled page (a 404 live)
    "config-unknown": "warning",        # a blog.toml table or key blog does not know
    "not-published": "warning",         # a file named to check that the site does not publish
    "post-name": "error",               # a Jekyll _posts file the engine skips (no date name)
    "key-duplicate": "warning",         # a YAML key given twice where the engine keeps the last
    "path-windows": "warning",          # con.md, a name ending in '.': no checkout on Windows
    # --external (blogcli/external.py)
    "external-broken": "error",
    "external-failing": "warning",      # failing, not yet for long enough (web/history.py)
    "external-unreachable": "error",
    "external-tls": "error",
    "external-private": "error",
    "external-redirect": "warning",
    "external-timeout": "warning",
    "external-rate-limited": "warning",
    "external-unknown": "warning",
    "external-anchor": "warning",
}
SEVERITIES = ("error", "warning", "off")


@dataclass(frozen=True)
class Finding:
    """One problem: where (1-based, in the source file), which rule, how bad, and what."""

    path: str
    line: int
    column: int
    rule: str
    severity: str
    message: str
    target: str | None = None

    def to_dict(self) -> dict[str, Any]:
        """The finding as DESIGN.md's JSON object (``target`` only for links)."""
        data = asdict(self)
        if self.target is None:
            del data["target"]
        return data


@dataclass
class CheckResult:
    """Findings in file order, with the counts the summary line shows."""

    findings: list[Finding] = field(default_factory=list)
    files: int = 0
    links: int = 0
    external: ExternalReport | None = None  # what --external fetched, when asked
    notes: list[str] = field(default_factory=list)  # said on stderr, not findings

    @property
    def errors(self) -> int:
        """How many findings are errors."""
        return sum(1 for f in self.findings if f.severity == "error")

    @property
    def warnings(self) -> int:
        """How many findings are warnings."""
        return sum(1 for f in self.findings if f.severity == "warning")

    def failed(self, strict: bool = False) -> bool:
        """True when the check should fail: errors, or any warning under ``--strict``."""
        return self.errors > 0 or (strict and self.warnings > 0)
