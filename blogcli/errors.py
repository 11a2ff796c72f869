"""The one error family: messages written for the user, each with its exit code."""

from __future__ import annotations

from pathlib import Path


class BlogError(Exception):
    """A problem the user can act on; the CLI prints ``Error: <message>`` and exits."""

    exit_code = 1


class ContentError(BlogError):
    """The content has a problem (a bad post, a refused overwrite, a failed check)."""

    exit_code = 1


class UsageError(BlogError):
    """Bad usage or configuration: not inside a blog, unreadable blog.toml, bad option."""

    exit_code = 2


class GitError(BlogError):
    """Git or the network failed while publishing; nothing was lost."""

    exit_code = 3


def where(path: Path | str, line: int | None = None) -> str:
    """Format a ``path:line`` location for messages."""
    return f"{path}:{line}" if line else str(path)
