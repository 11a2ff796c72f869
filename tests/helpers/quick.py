"""What the tests of __main__'s typer-free paths share: blog run through typer, and the option
table the typer command declares (which the quick path's own table must equal)."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Callable
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


def tree(root: Path) -> dict[str, bytes]:
    """Every file under ``root`` by its relative path, with its bytes."""
    return {p.relative_to(root).as_posix(): p.read_bytes()
            for p in sorted(root.rglob("*")) if p.is_file()}


def both_ways(source: Path, tmp_path: Path, case: list[str], env: dict[str, str],
              taken: Callable[[list[str]], object],
              also: Callable[[Path], object] = lambda cache: None) -> list[tuple[Any, ...]]:
    """``blog CASE`` on a copy of the site ``source``, the quick way and through typer: for
    each, the status, stdout, stderr, the site's files after, and ``also`` of its cache
    folder. The copy has the same path both times: messages name the site, and the cache is
    keyed by it. ``taken``: the quick path's parse of the arguments (None where it leaves
    them to typer)."""
    outcome = []
    for name in ("quick", "typer"):
        site = tmp_path / "site"
        shutil.copytree(source, site)
        args = [a.replace("{site}", str(site)) for a in case]
        cache = tmp_path / f"cache-{name}"
        run_env = {**env, "XDG_CACHE_HOME": str(cache)}
        done = typer_blog(*args, cwd=site, env=run_env) if name == "typer" else \
            quick_blog(*args, cwd=site, env=run_env, taken=taken(args) is not None,
                       scratch=tmp_path)
        outcome.append((done.returncode, done.stdout, done.stderr, tree(site), also(cache)))
        shutil.rmtree(site)
    return outcome


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
