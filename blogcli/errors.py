"""The one error family: messages written for the user, each with its exit code."""

from __future__ import annotations

import os
import re
from urllib.parse import unquote


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


class Interrupted(BlogError):
    """Ctrl-C or a termination signal stopped a command; the message says what is left."""

    exit_code = 130


# Patterns, not compiled: re compiles and caches each on the first message redacted, which
# most runs never print (compiling them all cost every command ~1 ms of start-up).
_SECRETS = [
    # user-info in any URL: https://user:token@host -> https://***@host
    (r"(?i)\b([a-z][a-z0-9+.-]*://)[^/\s@]+@", r"\1***@"),
    (r"\b(gh[pousr]_[A-Za-z0-9]{8,})", "***"),
    (r"\b(github_pat_[A-Za-z0-9_]{8,})", "***"),
    (r"\b(glpat-[A-Za-z0-9_-]{8,})", "***"),
    (r"(?i)(x-access-token:)[^@\s]+", r"\1***"),
    (r"(?i)(authorization:\s*(?:basic|bearer|token)\s+)\S+", r"\1***"),
    # An auth header value quoted without its name (httpx's errors do: b'Bearer …').
    # Only token-shaped values (8+ characters with a digit or symbol), so prose stays intact.
    (r"(?i)\b(bearer)\s+(?=[^\s'\"]*[0-9._~+/=-])[^\s'\"]{8,}", r"\1 ***"),
]


# Environment variables that hold tokens git or the web checks may send (by value, any shape).
TOKEN_VARIABLES = ("GITHUB_TOKEN", "GH_TOKEN", "GH_ENTERPRISE_TOKEN", "GITLAB_TOKEN",
                   "GL_TOKEN", "CI_JOB_TOKEN", "BITBUCKET_TOKEN", "GITEA_TOKEN", "GIT_TOKEN")
_KNOWN: set[str] = set()


def remember_secret(value: str, user: str = "") -> None:
    """Have ``redact`` remove ``value`` (a password or token) wherever it appears, with the
    forms a server may echo: ``user:value``, percent-decoded, and the ``Basic`` header's base64."""
    import base64  # here: only runs that handle a credential need it

    for secret in {value, unquote(value)}:
        pairs = [f"{user}:{secret}"] if user else []
        pairs += [f"x-access-token:{secret}", f"{secret}:x-oauth-basic", f"oauth2:{secret}"]
        for pair in pairs:
            _KNOWN.add(pair)
            _KNOWN.add(base64.b64encode(pair.encode()).decode())
        if len(secret) >= 6:  # shorter values would blank ordinary words in every message
            _KNOWN.add(secret)
            _KNOWN.add(base64.b64encode(secret.encode()).decode())


def remember_url(url: str) -> None:
    """Remember the credentials in a URL's user-info (``https://user:token@host``)."""
    found = re.match(r"(?i)^[a-z][a-z0-9+.-]*://([^/?#@]*)@", url)
    if not found:
        return
    user, colon, password = found[1].partition(":")
    if colon and password:
        remember_secret(password, unquote(user))
    elif len(user) >= 6:
        remember_secret(user)  # https://TOKEN@github.com/...: the user name is the token


def _known_values() -> list[str]:
    for name in TOKEN_VARIABLES:
        token = os.environ.get(name, "").strip()
        if token and token not in _KNOWN:
            remember_secret(token)
    # Longest first: a pair must go before the password inside it.
    return sorted((v for v in _KNOWN if v), key=len, reverse=True)


def redact(text: str) -> str:
    """Remove credentials from text shown to users: every one blog knows, by value (remote
    URLs' user-info, tokens from the environment, the Basic values they make), then anything
    shaped like one (URL user-info, GitHub/GitLab tokens, auth headers)."""
    for value in _known_values():
        if value in text:
            text = text.replace(value, "***")
    for pattern, replacement in _SECRETS:
        text = re.sub(pattern, replacement, text)
    return text
