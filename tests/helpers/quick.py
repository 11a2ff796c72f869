"""What the tests of __main__'s typer-free paths share: blog run through typer, and the option
table the typer command declares (which the quick path's own table must equal)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from typing import Any

from tests.helpers import REPO

TYPER = "import sys; sys.argv[0] = 'blog'; from blogcli.cli import main; main()"


def typer_blog(*args: str, cwd: Path, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    """``blog ARGS`` through typer always (never a quick path), as a subprocess."""
    return subprocess.run([sys.executable, "-c", TYPER, *args], cwd=cwd,
                          env=dict(os.environ, PYTHONPATH=str(REPO), **env),
                          capture_output=True, text=True, timeout=60, check=False)


def quick_blog(*args: str, cwd: Path, env: dict[str, str], taken: bool,
               scratch: Path) -> subprocess.CompletedProcess[str]:
    """``blog ARGS`` as a user runs it; where the quick path ``taken`` them, with typer made
    unimportable (a package in ``scratch`` that raises), so that path must not even load it."""
    from tests.conftest import run_blog

    if not taken:
        return run_blog(*args, cwd=cwd, env=env)
    poison = scratch / "poison"
    (poison / "typer").mkdir(parents=True, exist_ok=True)
    (poison / "typer" / "__init__.py").write_text("raise ImportError('typer loaded')\n")
    return run_blog(*args, cwd=cwd, env={**env, "PYTHONPATH": f"{poison}{os.pathsep}{REPO}"})


def declared(command_name: str) -> tuple[Any, Any, dict[str, tuple[str, bool]],
                                         dict[str, str], dict[str, Any], dict[str, str]]:
    """The click group, the command, and what the command declares: flags (option ->
    (parameter, value it sets)), options that take a value (option -> parameter), defaults,
    and the group's -q/-v flags."""
    import typer.main

    from blogcli.cli import app

    group = typer.main.get_command(app)
    command = group.commands[command_name]  # type: ignore[attr-defined]
    flags: dict[str, tuple[str, bool]] = {}
    values: dict[str, str] = {}
    defaults: dict[str, Any] = {}
    for param in command.params:
        if param.param_type_name == "argument":
            continue
        defaults[param.name] = param.default
        if param.is_flag:
            flags.update({name: (param.name, True) for name in param.opts})
            flags.update({name: (param.name, False) for name in param.secondary_opts})
        else:
            values.update({name: param.name for name in param.opts})
    globals_ = {name: p.name for p in group.params if getattr(p, "is_flag", False)
                and p.name in ("quiet", "verbose") for name in p.opts}
    return group, command, flags, values, defaults, globals_
