"""The one Jinja2 renderer: sandboxed, strict about undefined names, one error for every failure.

Scaffolds and the index template come with a cloned repository, so a template must not reach
Python internals (``cycler.__init__.__globals__.os`` and the like): the sandbox refuses those.
Every way a template can fail is a UsageError (exit 2) naming the file and line: a broken
template is the site's configuration, like a broken blog.toml, whichever command renders it.
"""

from __future__ import annotations

import traceback
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from blogcli.errors import UsageError

if TYPE_CHECKING:
    from jinja2.sandbox import SandboxedEnvironment


def builtin_scaffold_dir() -> Path:
    """Built-in scaffolds: inside the installed package, or the source checkout's top folder."""
    package = Path(__file__).resolve().parent
    packaged = package / "scaffolds"
    return packaged if packaged.is_dir() else package.parent / "scaffolds"


def environment(finalize: Callable[[Any], Any] | None = None) -> SandboxedEnvironment:
    """A sandboxed environment that refuses undefined names instead of printing blanks."""
    from jinja2 import StrictUndefined
    from jinja2.sandbox import SandboxedEnvironment

    return SandboxedEnvironment(undefined=StrictUndefined, keep_trailing_newline=True,
                                autoescape=False, finalize=finalize)


def render(source: str, origin: str, values: dict[str, Any], *,
           env: SandboxedEnvironment | None = None, line_offset: int = 0,
           names: str = "") -> str:
    """Render ``source``; any failure is a UsageError at ``origin:line``.

    ``line_offset`` is added to template lines (a part rendered on its own); ``names`` lists
    the variables there are, for the message about an undefined one.
    """
    import jinja2

    env = env or environment()
    try:
        return env.from_string(source).render(values)
    except jinja2.TemplateSyntaxError as err:
        where = f"{origin}:{(err.lineno or 1) + line_offset}"
        raise UsageError(f"{where}: template syntax error: {err.message}") from None
    except jinja2.UndefinedError as err:
        hint = f" (variables: {names})" if names else ""
        raise UsageError(f"{origin}:{_line(err) + line_offset}: {err.message}{hint}") from None
    except jinja2.exceptions.SecurityError as err:
        raise UsageError(f"{origin}:{_line(err) + line_offset}: the template tried something "
                         f"unsafe: {err}") from None
    except jinja2.TemplateError as err:
        raise UsageError(f"{origin}:{_line(err) + line_offset}: {err.message or err}") from None
    except Exception as err:
        # The template is the site's own code: whatever its expressions raise (TypeError from
        # `posts + 1`, ZeroDivisionError, RecursionError...) is its author's mistake to report.
        raise UsageError(f"{origin}:{_line(err) + line_offset}: the template failed: "
                         f"{type(err).__name__}: {err}") from None


def _line(err: BaseException) -> int:
    lines = [f.lineno for f in traceback.extract_tb(err.__traceback__)
             if f.filename == "<template>" and f.lineno]
    return lines[-1] if lines else 1
