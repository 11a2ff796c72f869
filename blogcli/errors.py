"""The one error family: messages written for the user, each with its exit code."""

from __future__ import annotations

import re


class BlogError(Exception):
    """A problem the user can act on; the CLI prints ``Error: <message>`` and exits."""

    exit_code = 1


class ContentError(BlogError):
    """The content has a problem (a bad post, a refused overwrite, a failed check)."""

    exit_code = 1


class WriteError(BlogError):
    """A file could not be written (full disk, no permission); the old one is intact."""

    exit_code = 1


class UsageError(BlogError):
    """Bad usage or configuration: not inside a blog, unreadable blog.toml, bad option."""

    exit_code = 2


class GitError(BlogError):
    """Git or the network failed while publishing; nothing was lost."""

    exit_code = 3


_SECRETS = [
    # user-info in any URL: https://user:token@host -> https://***@host
    (re.compile(r"(?i)\b([a-z][a-z0-9+.-]*://)[^/\s@]+@"), r"\1***@"),
    (re.compile(r"\b(gh[pousr]_[A-Za-z0-9]{8,})"), "***"),
    (re.compile(r"\b(github_pat_[A-Za-z0-9_]{8,})"), "***"),
    (re.compile(r"\b(glpat-[A-Za-z0-9_-]{8,})"), "***"),
    (re.compile(r"(?i)(x-access-token:)[^@\s]+"), r"\1***"),
    (re.compile(r"(?i)(authorization:\s*(?:basic|bearer|token)\s+)\S+"), r"\1***"),
    # An auth header value quoted without its name (httpx's errors do: b'Bearer …').
    # Only token-shaped values (8+ characters with a digit or symbol), so prose stays intact.
    (re.compile(r"(?i)\b(bearer)\s+(?=[^\s'\"]*[0-9._~+/=-])[^\s'\"]{8,}"), r"\1 ***"),
]


def redact(text: str) -> str:
    """Remove credentials (URL user-info, GitHub/GitLab token shapes) from text shown to users."""
    for pattern, replacement in _SECRETS:
        text = pattern.sub(replacement, text)
    return text
