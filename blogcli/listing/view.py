"""How posts read for people: the list table, a front-page entry, the index page, the stats."""

from __future__ import annotations

import re
import textwrap
import unicodedata
from collections import Counter
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

from blogcli.errors import UsageError
from blogcli.listing.records import Listing, PostRecord, when

if TYPE_CHECKING:
    from collections.abc import Sequence

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


def theme_of(site: Site) -> str:
    """The Hugo theme's name, lower case ('' when none): ``theme`` or the module imports."""
    theme = site.engine.get("theme")
    names = theme if isinstance(theme, list) else [theme] if theme else []
    module = site.engine.get("module")
    imports = module.get("imports") if isinstance(module, dict) else None
    for entry in imports if isinstance(imports, list) else []:
        names.append(entry.get("path", "") if isinstance(entry, dict) else entry)
    return " ".join(str(n).rsplit("/", 1)[-1] for n in names).lower()


def site_byline(site: Site, record: PostRecord) -> str:
    """The byline as the site's theme prints it under a post.

    PaperMod's post_meta.html: the date in ``params.DateFormat`` (Hugo's ``:date_long`` by
    default), then ``N min`` only with ``ShowReadingTime``, ``N words`` only with
    ``ShowWordCount`` (its English strings, "word" for one), then the author unless
    ``hideAuthor``. Other sites get DESIGN.md's ``date · N min · author``.
    """
    if site.profile != "hugo" or "papermod" not in theme_of(site):
        return byline(record)
    from blogcli.gotime import go_format

    raw = site.engine.get("params")
    # Hugo reads params keys without regard to case.
    params = {str(k).lower(): v for k, v in raw.items()} if isinstance(raw, dict) else {}
    parts = []
    moment = when(record.date)
    if moment is not None:
        layout = params.get("dateformat")
        parts.append(go_format(str(layout) if layout else ":date_long", moment))
    if params.get("showreadingtime"):
        parts.append(f"{record.reading_time} min")
    if params.get("showwordcount"):
        parts.append("word" if record.words == 1 else f"{record.words} words")
    if not params.get("hideauthor") and record.author:
        parts.append(record.author)
    return " · ".join(parts)


def summary_text(record: PostRecord) -> str:
    """The summary as the front page prints it: `...` when text was left out."""
    summary = record.summary or ""
    return f"{summary} ..." if record.truncated else summary


class _Columns(dict[str, int]):
    """Each character's terminal columns, asked of unicodedata once per character: the table
    of a cold list measures some 300,000 characters of titles, most of them a few hundred
    distinct ones (0.6 us a title where unicodedata's per character took 1.4-1.9)."""

    def __missing__(self, char: str) -> int:
        width = self[char] = 2 if unicodedata.east_asian_width(char) in "WF" else 1
        return width


_COLUMNS = _Columns()
_column = _COLUMNS.__getitem__


# Characters that take one column each (none of them W or F to unicodedata, all assigned):
# Latin, Greek, Cyrillic, Vietnamese, punctuation. A text of these alone is as wide as it is
# long, found in one C call where a sum over its characters took ~1.5 us a title.
_NARROW = re.compile("[\u0000-\u0377\u0384-\u038a\u038c\u038e-\u03a1\u03a3-\u052f"
                     "\u1e00-\u1eff\u2010-\u2027\u2030-\u205e]*")


def cells(text: str) -> int:
    """Terminal columns a string takes (CJK characters take two)."""
    if text.isascii() or _NARROW.fullmatch(text):
        return len(text)
    return sum(map(_column, text))


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


_LONG_WORD = 1000


def wrap(text: str, width: int, hyphens: bool = True) -> str:
    """Fill lines to ``width`` terminal columns; CJK text (no spaces) breaks between characters.

    A word longer than the line is broken (at a hyphen first when ``hyphens``, for ASCII words
    up to ``_LONG_WORD`` characters). Linear in the text's length, however long its words."""
    if len(text) <= width and text.isascii() and text.isprintable() and text == text.strip():
        return text  # fits: most titles do, and textwrap costs ~20 us a call
    if not text.isascii() and text.isprintable() and "  " not in text \
            and text == text.strip() and cells(text) <= width:
        # Fits, its only spaces single ones (printable: no other whitespace), so the words
        # put back together below would be the text (a third of the real corpus's titles).
        return text
    return _fill_words(text, width, hyphens)


def _fill_words(text: str, width: int, hyphens: bool) -> str:
    """``wrap`` of any text, without its shortcuts for a text that fits."""
    words = text.split()
    longest = max(map(len, words), default=0)
    # Single spaces, no hyphen to break at, no word over the line: textwrap would fill the
    # words greedily, as the loop below does, five times faster (a warm list wraps every title).
    plain = text.isprintable() and "  " not in text and not (hyphens and "-" in text) \
        and text == text.strip()
    if text.isascii() and longest <= _LONG_WORD and not (plain and longest <= width):
        # textwrap cuts a long word by slicing what is left of it again and again
        return textwrap.fill(text, width, break_on_hyphens=hyphens)
    lines: list[str] = []
    line, used = "", 0  # the line being filled and the columns it takes
    ascii_only = text.isascii()  # then a word's columns are its length
    for word in words:
        size = len(word) if ascii_only else cells(word)
        if size > width:  # a run of CJK characters (or a very long word): cut it at line ends
            widths = [1] * len(word) if word.isascii() else list(map(_column, word))
            start = 0
            while size > width:
                room = width - used - (1 if line else 0)
                end, taken = start, 0
                while room > 1 and taken + widths[end] <= room:
                    taken += widths[end]
                    end += 1
                if end == start and not line:  # not even one character fits an empty line
                    taken, end = widths[start], start + 1
                if end > start:
                    head = word[start:end]
                    lines.append(f"{line} {head}" if line else head)
                else:
                    lines.append(line)
                line, used, start, size = "", 0, end, size - taken
            word = word[start:]
        if line and used + 1 + size > width:
            lines.append(line)
            line, used = word, size
        else:
            line, used = (f"{line} {word}", used + 1 + size) if line else (word, size)
    return "\n".join([*lines, line] if line else lines)


def plural(count: int, noun: str, plural_form: str | None = None) -> str:
    """``1 word``, ``2 words``, ``1,234 words``: the count with separators and the right noun."""
    return f"{count:,} {noun if count == 1 else plural_form or noun + 's'}"


def list_text(records: list[PostRecord], width: int = WIDTH, bold: bool = False) -> str:
    """The ``blog list`` table, fitted to ``width`` columns: titles and tags wrap between
    words (a word longer than its column is the only thing ever cut), numbers get separators.

    Laid out by hand rather than with Rich's Table, which gives the same wrapping but measured
    1-1.5 ms a row here (4.3 s for 3,000 posts against 0.2 s for the whole warm listing).
    """
    head = ("date", "status", "title", "words", "min", "tags")
    rows = [((r.date or "")[:10], r.status, r.title or r.slug, f"{r.words:,}",
             f"{r.reading_time:,}", ", ".join(r.tags)) for r in records]
    columns = list(zip(head, *rows, strict=True))  # each column, its heading first
    widths = [_widest(column) for column in columns]
    gaps = 2 * (len(head) - 1)
    room = max(width - gaps - sum(widths[i] for i in (0, 1, 3, 4)), 20)
    # Tags take a third of the room, or their longest tag; titles the rest, and never less
    # than their longest word: titles are what people read.
    longest_tag = _widest([t for r in records for t in r.tags]) + 1 if any(
        r.tags for r in records) else 0
    # Each word once: titles repeat theirs ("Ruby", "released"), measured a character at a time.
    title_words = list(set(" ".join(columns[2][1:]).split()))
    longest_word = _widest(title_words) if title_words else 10
    widths[5] = min(widths[5], max(room // 3, longest_tag))
    widths[2] = min(widths[2], max(10, longest_word, room - widths[5]))
    widths[5] = min(widths[5], max(8, room - widths[2]))
    lines = [_row(head, widths)]
    if bold:
        lines[0] = f"\x1b[1m{lines[0]}\x1b[0m"
    lines.extend(_row(row, widths) for row in rows)
    return "\n".join(lines) + "\n"


def _widest(values: Sequence[str]) -> int:
    """The columns the widest of ``values`` takes (0 for none)."""
    if not values:
        return 0
    if "".join(values).isascii():
        return max(map(len, values))
    return max(map(cells, values))


def _row(row: tuple[str, ...], widths: list[int]) -> str:
    """One post's line(s) of the table: title and tags wrapped, the rest on the first line."""
    date, status, title, words, minutes, tags = row
    w_date, w_status, w_title, w_words, w_min, w_tags = widths
    title = wrap(title, w_title) if title else ""
    tags = wrap(tags, w_tags, hyphens=False) if tags else ""
    if "\n" not in title and "\n" not in tags and date.isascii():  # one line: most rows
        pad = " " * (w_title - (len(title) if title.isascii() else cells(title)))
        return (f"{date:<{w_date}}  {status:<{w_status}}  {title}{pad}  {words:>{w_words}}  "
                f"{minutes:>{w_min}}  {tags}").rstrip()
    titles = title.split("\n")
    tag_lines = tags.split("\n")
    out = []
    for k in range(max(len(titles), len(tag_lines))):
        head = titles[k] if k < len(titles) else ""
        tag = tag_lines[k] if k < len(tag_lines) else ""
        if k:
            date = status = words = minutes = ""
        # Statuses and numbers are ASCII (dates too, but a hand-edited cache): str's padding
        # counts their columns right.
        pad = " " * max(0, w_title - (len(head) if head.isascii() else cells(head)))
        when = f"{date:<{w_date}}" if date.isascii() \
            else date + " " * max(0, w_date - cells(date))
        line = (f"{when}  {status:<{w_status}}  {head}{pad}  {words:>{w_words}}  "
                f"{minutes:>{w_min}}  {tag}")
        out.append(line.rstrip())
    return "\n".join(out)


def show_text(record: PostRecord, width: int = WIDTH, byline_text: str | None = None) -> str:
    """``blog show``: the front-page entry wrapped to ``width``, then words, status and path."""
    summary = wrap(summary_text(record), width) if record.summary else ""
    title = wrap(record.title or record.slug, width)
    line = byline(record) if byline_text is None else byline_text
    parts = [title, summary, line,
             f"{plural(record.words, 'word')} · {record.status} · {record.path}"]
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

    per_month: list[tuple[str, int]]   # every month from the first post to the last, 0 too
    per_day: dict[date, int]
    minutes: list[tuple[str, int]]
    tags: list[tuple[str, int]]
    drafts: list[PostRecord]
    scheduled: list[PostRecord]
    total: int
    words: int


def stats(listing: Listing, top: int = 10) -> Stats:
    """Published posts per month and day, reading-time spread, most used tags; drafts and
    scheduled posts waiting."""
    # What readers see: scheduled posts are not up yet and expired ones are down again.
    published = [r for r in listing.records if r.status == "published"]
    days = Counter(moment.date() for r in published if (moment := when(r.date)) is not None)
    spread = Counter(next(label for limit, label in MINUTE_BUCKETS if r.reading_time <= limit)
                     for r in published)
    tags = Counter(t for r in published for t in r.tags)
    return Stats(
        per_month=_every_month(days),
        per_day=dict(days),
        minutes=[(label, spread[label]) for _, label in MINUTE_BUCKETS],
        tags=sorted(tags.items(), key=lambda kv: (-kv[1], kv[0]))[:top],
        drafts=[r for r in listing.records if r.status == "draft"],
        scheduled=[r for r in listing.records if r.status == "scheduled"],
        total=len(published), words=sum(r.words for r in published),
    )


def _every_month(days: Counter[date]) -> list[tuple[str, int]]:
    """Posts per month from the first month to the last, the empty months included: the gaps
    are what a writer wants to see."""
    if not days:
        return []
    months = Counter(f"{d:%Y-%m}" for d in days.elements())
    first, last = min(days), max(days)
    out = []
    year, month = first.year, first.month
    while (year, month) <= (last.year, last.month):
        key = f"{year:04d}-{month:02d}"
        out.append((key, months[key]))
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return out


HEAT = "·░▒▓█"  # no post, then 1, 2, 3, 4 or more in a day


def heat_map(per_day: dict[date, int], today: date, width: int = WIDTH) -> list[str]:
    """A GitHub-style calendar: a column per week (Monday on top), a row per weekday, for the
    year up to today (or up to the newest post, when none is that recent). Empty days show as
    ``·`` so empty weeks are visible."""
    if not per_day:
        return []
    end = today if any(d > today - timedelta(days=365) for d in per_day) else max(per_day)
    weeks = max(4, min(53, width - 6))  # one column a week after the weekday names
    try:
        start = end - timedelta(days=end.weekday()) - timedelta(weeks=weeks - 1)
        columns = [[start + timedelta(weeks=w, days=d) for d in range(7)] for w in range(weeks)]
    except OverflowError:  # a post dated in year 1 or 9999: no calendar around it
        return []
    labels = [" "] * weeks
    for w, column in enumerate(columns):
        first = next((d for d in column if d.day == 1), None)
        if first is not None and w + 3 <= weeks:
            labels[w:w + 3] = list(f"{first:%b}")
    rows = ["      " + "".join(labels).rstrip()]
    for d, name in enumerate(("Mon", "", "Wed", "", "Fri", "", "Sun")):
        cells_ = "".join(" " if column[d] > end else HEAT[min(per_day.get(column[d], 0), 4)]
                         for column in columns)
        rows.append(f"  {name:<3} {cells_}".rstrip())
    rows.append(f"      {start:%b} {start.day}, {start.year} to {end:%b} {end.day}, {end.year}"
                f"   less {HEAT} more")
    return rows


def _bars(rows: list[tuple[str, int]], width: int = 40) -> list[str]:
    most = max((n for _, n in rows), default=0) or 1
    label = max((cells(k) for k, _ in rows), default=0)
    out = []
    for k, n in rows:
        bar = "█" * max(1 if n else 0, round(n * width / most))
        out.append(f"  {k}{' ' * (label - cells(k))}  {bar}{' ' if bar else ''}{n:,}")
    return out


def _month_bars(rows: list[tuple[str, int]], width: int) -> list[str]:
    """Bars per month; a run of four or more empty months is one line saying how long it is."""
    lines = _bars(rows, width)
    out: list[str] = []
    index = 0
    while index < len(rows):
        end = index
        while end < len(rows) and rows[end][1] == 0:
            end += 1
        if end - index >= 4:
            out.append(f"  {rows[index][0]} to {rows[end - 1][0]}: no posts for "
                       f"{end - index} months")
            index = end
        else:
            out.append(lines[index])
            index += 1
    return out


def stats_text(s: Stats, width: int = WIDTH, today: date | None = None) -> str:
    """The stats as terminal text: heat map, bar charts, drafts and scheduled posts."""
    today = today or date.today()
    bar = max(10, min(40, width - 20))
    lines = [f"{plural(s.total, 'post')}, {plural(s.words, 'word')}"]
    calendar = heat_map(s.per_day, today, width)
    if calendar:
        lines += ["", "Posting calendar", *calendar]
    lines += ["", "Posts per month"]
    lines += _month_bars(s.per_month, bar) or ["  (no dated posts)"]
    lines += ["", "Reading time", *_bars(s.minutes, bar)]
    lines += ["", "Most used tags"] + (_bars(s.tags, bar) or ["  (no tags)"])
    lines += ["", f"Drafts waiting: {len(s.drafts):,}"]
    lines += [f"  {d.path}  {d.title}" for d in s.drafts]
    if s.scheduled:
        lines += ["", f"Scheduled: {len(s.scheduled):,}"]
        lines += [f"  {(d.date or '')[:10]}  {d.path}  {d.title}" for d in s.scheduled]
    return "\n".join(lines) + "\n"


def stats_json(s: Stats) -> dict[str, Any]:
    """``blog stats --format json``: counts only, every month from the first post to the last."""
    return {"posts": s.total, "words": s.words, "per_month": dict(s.per_month),
            "per_day": {d.isoformat(): n for d, n in sorted(s.per_day.items())},
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
