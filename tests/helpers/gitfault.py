"""A `git` on PATH that signals blog (its parent) when a chosen git step starts: the way tests
interrupt a publish or a rename at a point observable from outside, with no hook in blog."""

from __future__ import annotations

import os
import shutil
import time
from pathlib import Path

# Sets $sub to the git subcommand, past options such as -c key=value and -C dir.
SUBCOMMAND = """sub=""; skip=0
for a in "$@"; do
  if [ $skip = 1 ]; then skip=0; continue; fi
  case "$a" in -c|-C) skip=1 ;; -*) ;; *) sub="$a"; break ;; esac
done
"""


def fault_env(tmp: Path, step: str, sig: str, *, run_git: bool = True) -> dict[str, str]:
    """Environment for blog: the first `git STEP` signals blog with ``sig`` (INT, TERM, KILL).

    Then, with ``run_git``, the real git runs the step anyway (a blog killed meanwhile leaves
    it to finish alone); without, the step exits 1 without running (blog died just before it).
    ``tmp/fired`` exists once the signal was sent.
    """
    real = shutil.which("git")
    folder = tmp / "shim"
    folder.mkdir(exist_ok=True)
    then = f'exec {real} "$@"' if run_git else "exit 1"
    (folder / "git").write_text(f"""#!/bin/sh
{SUBCOMMAND}if [ "$sub" = "$FAULT_STEP" ] && mkdir "$FAULT_MARK" 2>/dev/null; then
  kill -s "$FAULT_SIGNAL" "$PPID"
  sleep 0.2
  {then}
fi
exec {real} "$@"
""", encoding="utf-8")
    (folder / "git").chmod(0o755)
    return {"PATH": f"{folder}{os.pathsep}{os.environ['PATH']}", "FAULT_STEP": step,
            "FAULT_SIGNAL": sig, "FAULT_MARK": str(tmp / "fired")}


def settle(root: Path) -> None:
    """Wait for a git that outlived a killed blog to finish (any process working in the
    site: it may hold index.lock or be half-way through a push or a commit)."""
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline and _working_in(root):
        time.sleep(0.05)


def _working_in(root: Path) -> bool:
    for proc in Path("/proc").iterdir():
        try:
            if proc.name.isdigit() and Path(os.readlink(proc / "cwd")) == root:
                return True
        except OSError:
            continue
    return False


def held_env(tmp: Path, step: str) -> dict[str, str]:
    """Environment for blog: the first `git STEP` waits until ``tmp/go`` exists (a slow step);
    ``tmp/started`` appears when it begins."""
    real = shutil.which("git")
    folder = tmp / "held"
    folder.mkdir(exist_ok=True)
    (folder / "git").write_text(f"""#!/bin/sh
{SUBCOMMAND}if [ "$sub" = "{step}" ] && mkdir "{tmp}/started" 2>/dev/null; then
  while [ ! -e "{tmp}/go" ]; do sleep 0.02; done
fi
exec {real} "$@"
""", encoding="utf-8")
    (folder / "git").chmod(0o755)
    return {"PATH": f"{folder}{os.pathsep}{os.environ['PATH']}"}
