"""`blog list` as cli.list_posts and __main__'s typer-free path both run it: the kept output
when nothing changed, else a fresh listing, printed and kept.

Cheap to import (the kept output needs no parser): the listing's modules load only when a
fresh listing is made.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

from blogcli.listing import kept

if TYPE_CHECKING:
    from blogcli.listing.records import Listing
    from blogcli.site import Site


class Echo(Protocol):
    """click.echo's calling shape (typer.echo, or __main__._echo without typer)."""

    def __call__(self, message: str, /, *, err: bool = ..., nl: bool = ...) -> Any: ...


def print_listing(output: str, drafts: bool, site_dir: Path | None, verbose: bool,
                  open_site: Callable[[], Site], echo: Echo) -> None:
    """Print the listing in ``output`` (text or json): the kept one while it holds (not with
    ``verbose``: that says which site, so the site is opened), else a fresh one, kept."""
    width, bold = terminal() if output == "text" else (0, False)
    last = None if verbose else kept.load(site_dir, kept.variant(output, drafts, width, bold))
    if last is not None and last.output is not None:
        for line in last.warnings:
            echo(line, err=True)
        echo(last.output, nl=False)
        return
    site = open_site()
    # The tree signed for the kept output while the posts are counted, not after. The table
    # shows no summary: a post not yet cached is only counted, several times faster.
    listing = said_listing(site, echo, drafts,
                           None if last is None else partial(kept.sign_early, last, site),
                           summaries=output == "json")
    if output == "json":
        text = json_text([r.to_json() for r in listing.records]) + "\n"
    else:
        from blogcli.listing.view import list_text

        text = list_text(listing.records, width, bold)
    echo(text, nl=False)
    if last is not None and listing.records:
        kept.save(site, last, listing, text, [f"Warning: {line}" for line in
                                              (*site.config.notices, *listing.problems)])


def said_listing(site: Site, echo: Echo, drafts: bool = True,
                 meanwhile: Callable[[], None] | None = None,
                 summaries: bool = True) -> Listing:
    """The site's posts (records.collect); unreadable posts are reported on stderr and left
    out, and where there are none at all, where they were looked for. ``summaries=False``:
    for output that shows none (see collect)."""
    from blogcli.listing.records import collect

    listing = collect(site, drafts=drafts, meanwhile=meanwhile, summaries=summaries)
    for problem in listing.problems:
        echo(f"Warning: {problem}", err=True)
    if not listing.records and not listing.problems:
        from blogcli.site import iter_post_files

        if not iter_post_files(site):  # say where we looked, rather than show an empty table
            echo(f"Note: no posts found: {site.profile} site, looked in "
                 f"{site.posts_places()}. If the posts live elsewhere, name their "
                 'folders in blog.toml: [site] posts_dir = ["path/to/posts"]', err=True)
    return listing


def json_text(value: Any) -> str:
    """JSON for scripts; a list is written one item per line (fast, and still diffable)."""
    import json

    if isinstance(value, list):
        items = ",\n".join(json.dumps(item, ensure_ascii=False) for item in value)
        return f"[\n{items}\n]" if value else "[]"
    return json.dumps(value, ensure_ascii=False, indent=2)


def terminal() -> tuple[int, bool]:
    """Width and whether to use bold: a terminal's own, else $COLUMNS or 100 and plain."""
    if sys.stdout.isatty():
        import shutil  # (1.6 ms to import: not for output into a pipe or a file)

        return shutil.get_terminal_size().columns, "NO_COLOR" not in os.environ
    return int(os.environ.get("COLUMNS") or 100), False
