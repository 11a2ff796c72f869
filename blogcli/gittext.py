"""What git is told and what it says: an environment without prompts, and failure messages
with every credential removed."""

from __future__ import annotations

import os
from typing import TYPE_CHECKING, Any

from blogcli.errors import redact

if TYPE_CHECKING:
    from blogcli.git import Target


def no_prompt_env(ssh_command: str | None) -> dict[str, str]:
    """Environment for every git call publish makes: git fails instead of asking for a
    password on a terminal, and paths are file names, never patterns."""
    env = {
        # A post named `a*.md` must not commit every file matching the pattern.
        "GIT_LITERAL_PATHSPECS": "1",
        "GIT_TERMINAL_PROMPT": "0",
        "GCM_INTERACTIVE": "never",
        # An empty GIT_ASKPASS stops git from falling back to SSH_ASKPASS or core.askPass.
        "GIT_ASKPASS": "",
        "SSH_ASKPASS": "",
        "SSH_ASKPASS_REQUIRE": "never",
        # git's messages are matched below: keep them in English, leaving the charset alone.
        "LANGUAGE": "C",
        "LC_MESSAGES": "C",
    }
    base = os.environ.get("GIT_SSH_COMMAND") or ssh_command
    # A GIT_SSH wrapper takes no options, and GIT_SSH_COMMAND would silently replace it.
    if base or not os.environ.get("GIT_SSH"):
        env["GIT_SSH_COMMAND"] = f"{base or 'ssh'} -o BatchMode=yes -o ConnectTimeout=20"
    return env


def remote_lines(watcher: Any) -> list[str]:
    """The lines the remote wrote (hooks explain refusals there), credentials removed."""
    lines = [*watcher.other_lines, *watcher.error_lines]
    return [redact(str(line)) for line in lines if str(line).startswith("remote:")]


def tail(stderr: str, count: int = 6) -> str:
    """The last lines git wrote, redacted, on one line each."""
    lines = [line.strip() for line in redact(stderr).splitlines() if line.strip()]
    return " | ".join(lines[-count:]) or "(no message from git)"


def describe_remote_failure(action: str, target: Target, stderr: str,
                            lines: list[str] | None = None) -> str:
    """A message for a failed fetch or push that says what went wrong and what to do."""
    text = stderr.lower()
    if any(s in text for s in ("authentication", "could not read username", " 401", " 403",
                               "permission denied", "terminal prompts disabled")):
        hint = ("authentication failed (blog never asks for a password): give git a credential "
                "helper, a token or an SSH key for this remote")
    elif any(s in text for s in ("does not appear to be a git repository", "not found",
                                 "no such file", "could not resolve host", "connection refused",
                                 "unable to access")):
        hint = f"the remote is not reachable: check `git remote -v` for {target.remote}"
    elif "timed out" in text:
        hint = "git took too long (blog.toml [publish] timeout); check the network and the remote"
    elif "remote rejected" in text or "declined" in text:
        hint = "the remote refused the push (its reasons are in the remote: lines)"
    elif "rejected" in text:
        hint = "the remote refused the push"
    elif "hung up" in text or "unexpected" in text or "early eof" in text:
        hint = "the connection was cut off by the remote"
    else:
        hint = "git failed"
    shown = "\n".join(lines or [])
    return (f"could not {action} {target.remote} ({target.url}): {hint}.\n"
            f"git said: {tail(stderr)}" + (f"\n{shown}" if shown else ""))
