"""How posts read for people: the list table, a front-page entry, the index page, the stats."""

from __future__ import annotations

import re
import textwrap
import unicodedata
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from blogcli.errors import UsageError
from blogcli.listing.records import Listing, PostRecord, when

if TYPE_CHECKING:

    from blogcli.site import Site

WIDTH = 100
_MD_SPECIAL = re.compile(r"[\\`*_\[\]<>#|~]")
MINUTE_BUCKETS = ((1, "1 min"), (3, "2-3 min"), (5, "4-5 min"), (10, "6-10 min"),
                  (20, "11-20 min"), (10**9, "over 20 min"))


def display_date(value: str | None) -> str:
    """``April 9, 2026`` (PaperMod's default), or an empty string for undated posts."""
    moment = when(value)
    if moment is None:
        return ""
    return f"{moment.strftime('%B')} {moment.day}, {moment.year}"


def byline(record: PostRecord) -> str:
    """``April 9, 2026 · 10 min · Tyler Zhu``, leaving out what the post does not have."""
    parts = [display_date(record.date), f"{record.reading_time} min", record.author]
    return " · ".join(p for p in parts if p)


def summary_text(record: PostRecord) -> str:
    """The summary as the front page prints it: `...` when text was left out."""
    return f"{record.summary} ..." if record.truncated else record.summary


def cells(text: str) -> int:
    """Terminal columns a string takes (CJK characters take two)."""
    if text.isascii():
        return len(text)
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _fit(text: str, width: int) -> str:
    """Cut ``text`` to ``width`` columns, ending in an ellipsis when cut."""
    if cells(text) <= width:
        return text
    if text.isascii():
        return text[: width - 1] + "…"
    out, used = [], 0
    for ch in text:
        used += cells(ch)
        if used > width - 1:
            break
        out.append(ch)
    return "".join(out) + "…"


def wrap(text: str, width: int) -> str:
    """Fill lines to ``width`` terminal columns; CJK text (no spaces) breaks between characters."""
    if text.isascii():
        return textwrap.fill(text, width)
    lines: list[str] = []
    line = ""
    for word in text.split():
        while cells(word) > width:  # a run of CJK characters: cut it where the line ends
            room = width - cells(line) - (1 if line else 0)
            head = _fit(word, room + 1)[:-1] if room > 1 else ""
            if not head:
                lines.append(line)
                line = ""
                continue
            lines.append(f"{line} {head}" if line else head)
            line, word = "", word[len(head):]
        if line and cells(line) + 1 + cells(word) > width:
            lines.append(line)
            line = word
        else:
            line = f"{line} {word}" if line else word
    return "\n".join([*lines, line] if line else lines)


def list_text(records: list[PostRecord], width: int = WIDTH, bold: bool = False) -> str:
    """The ``blog list`` table: aligned columns, titles cut to fit ``width``.

    Written by hand rather than with Rich: Rich measures every cell and takes seconds on a few
    thousand posts.
    """
    head = ("date", "status", "title", "words", "min", "tags")
    rows = [((r.date or "")[:10], r.status, r.title or r.slug, str(r.words),
             str(r.reading_time), ", ".join(r.tags)) for r in records]
    widths = [max([cells(h)] + [cells(row[i]) for row in rows]) for i, h in enumerate(head)]
    room = width - (sum(widths) - widths[2] - widths[5]) - 2 * (len(head) - 1) - min(widths[5], 20)
    widths[2] = max(10, min(widths[2], room))
    lines = []
    for n, row in enumerate([head, *rows]):
        parts = []
        for i, value in enumerate(row):
            value = _fit(value, widths[i]) if i == 2 else value
            pad = " " * (widths[i] - cells(value))
            parts.append(pad + value if i in (3, 4) else value + pad)
        line = "  ".join(parts).rstrip()
        lines.append(f"\x1b[1m{line}\x1b[0m" if bold and n == 0 else line)
    return "\n".join(lines) + "\n"


def show_text(record: PostRecord) -> str:
    """``blog show``: the front-page entry, then words, status and path."""
    summary = wrap(summary_text(record), WIDTH) if record.summary else ""
    parts = [record.title or record.slug, summary, byline(record),
             f"{record.words} words · {record.status} · {record.path}"]
    return "\n\n".join(p for p in parts if p) + "\n"


def index_markdown(site: Site, listing: Listing) -> str:
    """The front page as Markdown, from the site's ``scaffolds/index.md`` or the built-in one.

    Every way the template can fail is a UsageError naming the file (and line when known).
    """
    from blogcli import templates
    from blogcli.post import PostError, decode

    own = site.root / "scaffolds" / "index.md"
    path = own if own.is_file() else templates.builtin_scaffold_dir() / "index.md"
    origin = site.rel(own) if path == own else "the built-in scaffolds/index.md"
    if path == own:
        templates.check_site_file(own, site.root, origin)
    try:
        source, _ = decode(path.read_bytes(), origin)
    except OSError as err:
        raise UsageError(f"{origin}: cannot read it ({err.strerror})") from None
    except PostError as err:
        raise UsageError(str(err)) from None
    # Sandboxed: a cloned site's scaffold must not reach Python internals (os.popen and co).
    env = templates.environment()
    env.filters["escape_md"] = escape_markdown
    posts = [_index_entry(site, r) for r in listing.records if r.status == "published"]
    return templates.render(source, origin, {
        "site": {"title": site.title, "author": site.author, "profile": site.profile},
        "posts": posts}, env=env)


def escape_markdown(text: str) -> str:
    """Plain text that GitHub's Markdown shows as written (no stray emphasis, links or tags)."""
    return _MD_SPECIAL.sub(r"\\\g<0>", str(text))


def _index_entry(site: Site, record: PostRecord) -> dict[str, Any]:
    from urllib.parse import quote

    # Percent-encoded: a space or parenthesis in a file name would end a Markdown link early.
    link = quote(Path(record.path).as_posix(), safe="/")
    return {**record.to_json(), "link": link, "display_date": display_date(record.date),
            "byline": byline(record), "summary_text": summary_text(record)}


@dataclass(frozen=True)
class Stats:
    """What a blogger would rather look at than read."""

    per_month: list[tuple[str, int]]
    minutes: list[tuple[str, int]]
    tags: list[tuple[str, int]]
    drafts: list[PostRecord]
    scheduled: list[PostRecord]
    total: int
    words: int


def stats(listing: Listing, top: int = 10) -> Stats:
    """Published posts per month, reading-time spread, most used tags; drafts and scheduled."""
    # What readers see: scheduled posts are not up yet and expired ones are down again.
    published = [r for r in listing.records if r.status == "published"]
    months = Counter((r.date or "")[:7] for r in published if r.date)
    spread = Counter(next(label for limit, label in MINUTE_BUCKETS if r.reading_time <= limit)
                     for r in published)
    tags = Counter(t for r in published for t in r.tags)
    return Stats(
        per_month=sorted(months.items()),
        minutes=[(label, spread[label]) for _, label in MINUTE_BUCKETS],
        tags=sorted(tags.items(), key=lambda kv: (-kv[1], kv[0]))[:top],
        drafts=[r for r in listing.records if r.status == "draft"],
        scheduled=[r for r in listing.records if r.status == "scheduled"],
        total=len(published), words=sum(r.words for r in published),
    )


def _bars(rows: list[tuple[str, int]], width: int = 40) -> list[str]:
    most = max((n for _, n in rows), default=0) or 1
    label = max((len(k) for k, _ in rows), default=0)
    return [f"  {k.ljust(label)}  {'█' * max(1 if n else 0, round(n * width / most))} {n}"
            for k, n in rows]


def stats_text(s: Stats) -> str:
    """The stats as terminal text with bar charts."""
    noun = "post" if s.total == 1 else "posts"
    lines = [f"{s.total} {noun}, {s.words} words", "", "Posts per month"]
    lines += _bars(s.per_month) or ["  (no dated posts)"]
    lines += ["", "Reading time", *_bars(s.minutes)]
    lines += ["", "Most used tags"] + (_bars(s.tags) or ["  (no tags)"])
    lines += ["", f"Drafts waiting: {len(s.drafts)}"]
    lines += [f"  {d.path}  {d.title}" for d in s.drafts]
    if s.scheduled:
        lines += ["", f"Scheduled: {len(s.scheduled)}"]
        lines += [f"  {(d.date or '')[:10]}  {d.path}  {d.title}" for d in s.scheduled]
    return "\n".join(lines) + "\n"


def stats_json(s: Stats) -> dict[str, Any]:
    return {"posts": s.total, "words": s.words, "per_month": dict(s.per_month),
            "reading_time": dict(s.minutes), "tags": dict(s.tags),
            "drafts": [d.path for d in s.drafts], "scheduled": [d.path for d in s.scheduled]}


def write_index(site: Site, listing: Listing, to_file: bool = True) -> tuple[str, str | None]:
    """Render the front page; write it to the plain blog's index.md (atomically) if asked.

    Returns the page and the relative path written (None when only rendered).
    """
    from blogcli.files import write_file

    text = index_markdown(site, listing)
    if not to_file:
        return text, None
    if site.profile != "plain":
        raise UsageError(f"a {site.profile} site builds its own front page; "
                         "use `blog index --stdout` to print this one")
    target = site.root / "index.md"
    write_file(target, text.encode("utf-8"), "index.md")
    return text, "index.md"
