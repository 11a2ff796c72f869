"""The one Jinja2 renderer: sandboxed, strict about undefined names, one error for every failure.

Scaffolds and the index template come with a cloned repository, so a template must not reach
Python internals (``cycler.__init__.__globals__.os`` and the like): the sandbox refuses those.
Every way a template can fail is a UsageError (exit 2) naming the file and line: a broken
template is the site's configuration, like a broken blog.toml, whichever command renders it.
"""

from __future__ import annotations

import functools
import time
import traceback
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

from blogcli.errors import UsageError

if TYPE_CHECKING:
    from jinja2.sandbox import SandboxedEnvironment

# A scaffold or front page is a few KB rendered in milliseconds; these bounds only stop a
# hostile or broken template (nested range(100000) loops, 'x' * 10**9) from running unbounded.
MAX_SECONDS = 10.0
MAX_OUTPUT = 16 * 1024 * 1024


class _Bounds(Exception):
    """A template went past MAX_SECONDS or MAX_OUTPUT."""


def check_site_file(path: Path, root: Path, origin: str) -> None:
    """Refuse a site template that is (or is reached through) a link to outside the site: a
    cloned blog's ``scaffolds/index.md -> ~/.git-credentials`` must not be rendered and pushed."""
    try:
        real = path.resolve()
        inside = real.is_relative_to(root.resolve())
    except (OSError, RuntimeError):
        inside = False
    if not inside:
        raise UsageError(f"{origin} is a link to {path.resolve(strict=False)}, outside the site; "
                         "blog reads templates only from inside the site. Replace the link "
                         "with a file")


def builtin_scaffold_dir() -> Path:
    """Built-in scaffolds: inside the installed package, or the source checkout's top folder."""
    package = Path(__file__).resolve().parent
    packaged = package / "scaffolds"
    return packaged if packaged.is_dir() else package.parent / "scaffolds"


def environment(finalize: Callable[[Any], Any] | None = None) -> SandboxedEnvironment:
    """A sandboxed environment that refuses undefined names instead of printing blanks."""
    from jinja2 import StrictUndefined

    env: Any = _bounded_class()(undefined=StrictUndefined, keep_trailing_newline=True,
                                autoescape=False, finalize=finalize)
    env.globals["range"] = env.bounded_range
    bounded: SandboxedEnvironment = env
    return bounded


@functools.cache
def _bounded_class() -> type[SandboxedEnvironment]:
    from jinja2.sandbox import SandboxedEnvironment

    class BoundedEnvironment(SandboxedEnvironment):
        """The sandbox, with a deadline checked in loops and a cap on `*` and `**` results."""

        intercepted_binops = frozenset(["*", "**"])
        deadline = float("inf")

        def bounded_range(self, *args: int) -> Iterator[int]:
            from jinja2.sandbox import safe_range

            for count, value in enumerate(safe_range(*args)):
                if count % 1024 == 0 and time.monotonic() > self.deadline:
                    raise _Bounds(f"it ran for more than {MAX_SECONDS:g} s")
                yield value

        def call_binop(self, context: Any, operator: str, left: Any, right: Any) -> Any:
            if operator == "**" and isinstance(right, int) and abs(right) > 10_000:
                raise _Bounds(f"the power {right} is too large")
            if operator == "*":
                for seq, times in ((left, right), (right, left)):
                    if isinstance(seq, str | list | tuple) and isinstance(times, int) \
                            and len(seq) * times > MAX_OUTPUT:
                        raise _Bounds(f"it made a value over {MAX_OUTPUT // 2**20} MB")
            return super().call_binop(context, operator, left, right)

    return BoundedEnvironment





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
        return _bounded_render(env, source, values)
    except _Bounds as err:
        raise UsageError(f"{origin}: the template was stopped: {err}") from None
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


def _bounded_render(env: SandboxedEnvironment, source: str, values: dict[str, Any]) -> str:
    """Render chunk by chunk, stopping at MAX_SECONDS or MAX_OUTPUT."""
    template = env.from_string(source)
    deadline = time.monotonic() + MAX_SECONDS
    if hasattr(env, "deadline"):
        env.deadline = deadline
    parts: list[str] = []
    size = 0
    for chunk in template.generate(values):
        parts.append(chunk)
        size += len(chunk)
        if size > MAX_OUTPUT:
            raise _Bounds(f"its output passed {MAX_OUTPUT // 2**20} MB")
        if time.monotonic() > deadline:
            raise _Bounds(f"it ran for more than {MAX_SECONDS:g} s")
    return "".join(parts)


def _line(err: BaseException) -> int:
    lines = [f.lineno for f in traceback.extract_tb(err.__traceback__)
             if f.filename == "<template>" and f.lineno]
    return lines[-1] if lines else 1
