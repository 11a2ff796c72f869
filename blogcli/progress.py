"""The progress bars on a terminal: `blog check --external`'s and publish's push (presentation,
like report.py)."""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any, TextIO

# (pages done, pages in all, failures so far): what web.checker reports as it goes.
Progress = Callable[[int, int, int], None]


def wanted(output_format: str, stream: TextIO | None = None) -> bool:
    """Only for people: text output, stderr a terminal. Never in json/github mode or CI logs."""
    stream = sys.stderr if stream is None else stream
    return output_format == "text" and stream.isatty()


@contextmanager
def url_progress(enabled: bool) -> Iterator[Progress | None]:
    """A callback for web.check_urls drawing ``Checking links ━━━ 120/1490 · 3 failing``.

    Yields None when disabled, so callers pass it straight through. The bar is
    transient: once done it disappears and the report takes its place.
    """
    if not enabled:
        yield None
        return
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, TextColumn, TimeElapsedColumn
    from rich.progress import Progress as Bar

    bar = Bar(TextColumn("Checking links"), BarColumn(), MofNCompleteColumn(),
              TextColumn("· {task.fields[failed]} failing"), TimeElapsedColumn(),
              console=Console(stderr=True), transient=True)
    with bar:
        task = bar.add_task("links", total=None, failed=0)

        def update(done: int, total: int, failed: int) -> None:
            bar.update(task, completed=done, total=total, failed=failed)

        yield update


class PushProgress:
    """A Rich progress bar for publish's push on a terminal; nothing otherwise (a class, not
    a context manager function: the quick path of __main__ and the typer command share it)."""

    def __init__(self, wanted: bool) -> None:
        self.bar: Any = None
        if wanted and sys.stderr.isatty():
            from rich.progress import Progress as Bar

            self.bar = Bar(transient=True)

    def __enter__(self) -> Callable[[str, float | None, float | None], None] | None:
        if self.bar is None:
            return None
        self.bar.start()
        task = self.bar.add_task("push", total=None)

        def update(stage: str, done: float | None, total: float | None) -> None:
            self.bar.update(task, description=stage, completed=done or 0, total=total)

        return update

    def __exit__(self, *exc: object) -> None:
        if self.bar is not None:
            self.bar.stop()
