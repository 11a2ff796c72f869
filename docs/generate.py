#!/usr/bin/env python3
"""Write docs/reference.md from the code: every command's --help, every blog.toml setting,
every check rule, every JSON field. tests/test_docs.py fails when the file is stale.

Usage: python docs/generate.py          (from the repository root, in its venv)
"""

from __future__ import annotations

import dataclasses
import os
import sys
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
TARGET = HERE / "reference.md"


def commands() -> str:
    import typer
    from typer.testing import CliRunner

    from blogcli.cli import app

    runner = CliRunner()
    group = typer.main.get_command(app)
    parts = []
    for args in [[], *[[name] for name in sorted(group.commands)]]:  # type: ignore[attr-defined]
        env = {"TERMINAL_WIDTH": "100", "NO_COLOR": "1", "_TYPER_FORCE_DISABLE_TERMINAL": "1"}
        result = runner.invoke(app, [*args, "--help"], env=env)
        assert result.exit_code == 0, result.output
        body = "\n".join(line.rstrip() for line in result.stdout.strip("\n").splitlines())
        parts.append(f"### `{' '.join(['blog', *args])}`\n\n```text\n{body}\n```\n")
    return "\n".join(parts)


# One line per blog.toml key; test_docs fails when config.SCHEMA has a key missing here.
HELP = {
    "site": {"title": "the blog's title (default: the engine's, else the folder's name)",
             "author": "the author (default: the engine's `author`/`params.author`)",
             "profile": "hugo, jekyll, hexo, zola or plain; detected when absent",
             "posts_dir": "where posts live, relative to the root (a list for several)",
             "drafts_dir": "a separate drafts folder, if the engine uses one",
             "static_dirs": "where root-absolute links like /img/a.png are looked up",
             "max_post_mb": "a larger post is a finding, not minutes of work (8)"},
    "publish": {"remote": "default: the branch's upstream remote, else origin",
                "branch": "default: the checked-out branch (publish refuses any other)",
                "message": "commit message: {title}, {slug}, {path}, {count}",
                "unpublish_message": "the same for `blog unpublish`",
                "set_date": "true: a draft's date becomes the moment it is published",
                "timeout": "seconds any one git command (fetch, push) may take"},
    "check": {"rules": 'severity per rule: {"date-no-zone" = "off"} (error, warning, off)',
              "required": "front-matter keys every post must have"},
    "links": {"exclude": "regexes of web addresses not fetched (plus --exclude, "
                         ".lycheeignore)",
              "allow_private": "fetch loopback/private addresses (tests, benchmarks)",
              "concurrency": "requests in flight in all",
              "per_host": "requests in flight to one host",
              "accept": "more status codes that count as fine (2xx always do)",
              "unknown_status": "codes meaning 'the site refuses checkers' (a warning)",
              "timeout": "seconds per request",
              "connect_timeout": "seconds to connect",
              "retries": "after a connection error or a 5xx, with back-off and jitter",
              "max_retry_after": "longest Retry-After waited for, in seconds",
              "cache_max_age": 'how long a pass is reused: seconds or "30m", "12h", "2d"',
              "user_agent": "the User-Agent header sent",
              "hosts": 'per-host tables: [links.hosts."example.com"] accept, '
                       "unknown_status, per_host",
              "history": 'where the link history lives (".blog/links.json"), or false',
              "broken_after_runs": "failing runs before a web link is an error (3)",
              "broken_after_days": "days those runs must span (7)",
              "deadline": "seconds the whole --external run may take (600)"},
    "reading": {"words_per_minute": "reading speed for minutes (Hugo: 213)",
                "cjk_words_per_minute": "the same on CJK pages (Hugo: 501)",
                "summary_length": "words in an automatic summary (Hugo: 70)",
                "summary_mode": '"sentence" (Hugo <= 0.133) or "paragraph" (>= 0.134)',
                "image_seconds": "true: Medium's 12 s for the first image, one less each next",
                "has_cjk_language": "detect CJK pages (Hugo sites: hasCJKLanguage)",
                "unsafe_html": "count raw HTML as Hugo does with goldmark unsafe = true"},
}


def settings() -> str:
    from blogcli import config
    from blogcli.web.settings import from_config

    links = from_config({}, env={})
    defaults = {"site": config.SiteTable(), "publish": config.PublishTable(),
                "check": config.CheckTable(), "links": links}
    lines = ["Every table and key `blog.toml` may hold (a key not listed is reported as "
             "`config-unknown`). Defaults shown where they are fixed; `[links]` and `[reading]` "
             "are read beside the code that uses them (`web/settings.py`, `text/count.py`).", ""]
    for table, keys in config.SCHEMA.items():
        lines += [f"### `[{table}]`", "", "| key | default | meaning |", "|---|---|---|"]
        fields = _fields(defaults[table]) if table in defaults else {}
        for key in sorted(keys):
            value = fields.get(key, "")
            plain = isinstance(value, bool | int | float | str | tuple) and value != ""
            shown = f"`{value!r}`" if key in fields and plain else ""
            lines.append(f"| `{key}` | {shown} | {HELP[table][key]} |")
        lines.append("")
    return "\n".join(lines)


def _fields(table: Any) -> dict[str, Any]:
    """A table's defaults by key: blog.toml's tables are named tuples, [links] a dataclass."""
    if hasattr(table, "_asdict"):
        return dict(table._asdict())
    return {f.name: getattr(table, f.name) for f in dataclasses.fields(table)}


def rules() -> str:
    from blogcli.check.findings import RULES

    lines = ["| rule | default severity |", "|---|---|"]
    lines += [f"| `{name}` | {severity} |" for name, severity in RULES.items()]
    return "\n".join(lines) + "\n"


def json_fields() -> str:
    from blogcli.check.native import KEEP
    from blogcli.listing.records import Listing, PostRecord
    from blogcli.listing.view import stats, stats_json

    record = [f.name for f in dataclasses.fields(PostRecord)]
    stats_keys = list(stats_json(stats(Listing([]))))
    return "\n".join([
        "### `blog list --format json`, `blog show --format json`", "",
        "An array (list) or one object (show), newest first, with exactly these fields:", "",
        ", ".join(f"`{name}`" for name in record), "",
        "### `blog check --format json`", "",
        "`version` (1), `findings` (each `path`, `line`, `column`, `rule`, `severity`, "
        "`message`, and `target` for links), `summary` (`files`, `links`, `errors`, "
        "`warnings`; `interrupted` when Ctrl-C stopped `--external`).", "",
        f"Past the first {KEEP} links to one target (of one kind: link, image, html...) in "
        "one file, the rest are counted, not listed: where the first {KEEP} have a finding, "
        "one more finding, at the first of the rest, says how many there are (`… and "
        "1,299,900 more links to /x in this file, from here on: …`), in text, JSON and "
        "GitHub output alike; `summary.links` counts every link.".replace("{KEEP}", str(KEEP)),
        "",
        "### `blog stats --format json`", "",
        ", ".join(f"`{name}`" for name in stats_keys) + ". `per_month` has every month from "
        "the first post to the last, empty ones as 0; `per_day` only days with posts.", ""])


def reference() -> str:
    return "\n".join([
        "# blog reference", "",
        "Generated by `python docs/generate.py` from the code; do not edit by hand "
        "(tests/test_docs.py fails when it is stale).", "",
        "## Commands", "", commands(),
        "## Settings (blog.toml)", "", settings(),
        "## Check rules", "", rules(),
        "## JSON output", "", json_fields()])


def main() -> None:
    os.environ.update(TERMINAL_WIDTH="100", NO_COLOR="1")
    sys.path.insert(0, str(HERE.parent))
    TARGET.write_text(reference(), encoding="utf-8")
    print(TARGET.relative_to(HERE.parent))


if __name__ == "__main__":
    main()
