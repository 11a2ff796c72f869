"""The progress bar `blog check --external` shows on a terminal (presentation, like report.py)."""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import TextIO

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
