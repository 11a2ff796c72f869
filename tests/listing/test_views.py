"""What people read: list fitted to the terminal (a real pty), the stats picture, the byline
as the site's theme prints it, numbers with separators and plurals."""

from __future__ import annotations

import json
import re
import sys
from datetime import date
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from blogcli.cli import app
from blogcli.listing.view import heat_map
from tests.conftest import REPO

runner = CliRunner()
LONG_TITLE = "Post number one about representation learning without labels"
WORDS = " ".join(["word"] * 1234)


def write(root: Path, files: dict[str, str]) -> Path:
    for rel, text in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return root


@pytest.fixture
def site(tmp_path: Path) -> Path:
    return write(tmp_path / "lab", {
        "blog.toml": '[site]\ntitle = "Lab"\nauthor = "T"\n',
        "posts/long.md": f"---\ntitle: {LONG_TITLE}\ndate: 2024-03-04\n"
                         "tags: [self-supervised, representation-learning, ml]\n---\n"
                         f"{WORDS}\n",
        "posts/one.md": "---\ntitle: One\ndate: 2024-01-02\n---\nSingle\n",
        "posts/later.md": "---\ntitle: Later\ndate: 2024-07-01\n---\nTwo words\n",
    })


def _pty_run(args: list[str], cwd: Path, columns: int) -> str:
    from tests.helpers.terminal import terminal
    from tests.test_cli import _terminal_env

    env = _terminal_env(cwd, NO_COLOR="1")
    with terminal([sys.executable, "-m", "blogcli", *args], cwd=cwd, env=env,
                  columns=columns) as term:
        out = term.drain()
    return out.replace("\r\n", "\n")


@pytest.mark.parametrize("columns", [60, 80, 120])
def test_list_fits_a_real_terminal_and_wraps_between_words(site: Path, columns: int) -> None:
    out = _pty_run(["list"], site, columns)
    lines = out.rstrip("\n").split("\n")
    assert lines[0].split() == ["date", "status", "title", "words", "min", "tags"]
    assert max(len(line) for line in lines) <= columns, out
    # every word of the title and the tags is on the screen whole, in order
    first = next(i for i, line in enumerate(lines) if line.startswith("2024-03-04"))
    block = [lines[first]]
    block += [line for line in lines[first + 1:] if line.startswith(" ")][:8]
    title_col, words_col = lines[0].index("title"), lines[0].index("words")
    title = " ".join(line[title_col:words_col].strip() for line in block).split()
    assert " ".join(title) == LONG_TITLE
    tags_col = lines[0].index("tags")
    tags = [line[tags_col:].strip() for line in block if line[tags_col:].strip()]
    assert "".join(tags).replace(" ", "") == "self-supervised,representation-learning,ml"
    if columns >= 80:  # room for each tag whole on a line
        words = " ".join(tags).replace(",", " ").split()
        assert words == ["self-supervised", "representation-learning", "ml"], tags
    assert "1,234" in block[0]
    assert "…" not in out


def test_json_is_the_same_at_any_width(site: Path) -> None:
    narrow = _pty_run(["list", "--format", "json"], site, 40).replace("\n", "")
    wide = runner.invoke(app, ["--site", str(site), "list", "--format", "json"])
    assert json.loads(narrow) == json.loads(wide.stdout)
    assert json.loads(narrow)[1]["title"] == LONG_TITLE


def test_show_wraps_to_the_terminal_with_plurals_and_separators(site: Path) -> None:
    out = _pty_run(["show", "long"], site, 50)
    assert max(len(line) for line in out.splitlines()) <= 50
    assert out.endswith("1,234 words · published · posts/long.md\n")
    one = runner.invoke(app, ["--site", str(site), "show", "one"]).stdout
    assert one.endswith("\n1 word · published · posts/one.md\n")


def test_stats_calendar_months_and_json(site: Path) -> None:
    result = runner.invoke(app, ["--site", str(site), "stats"], env={"COLUMNS": "80"})
    out = result.stdout
    assert out.startswith("3 posts, 1,237 words\n\nPosting calendar\n")
    calendar = out.split("Posting calendar\n")[1].split("\n\n")[0].splitlines()
    assert [line[:6] for line in calendar[1:8]] == ["  Mon ", "      ", "  Wed ", "      ",
                                                     "  Fri ", "      ", "  Sun "]
    assert "Posts per month\n  2024-01  " in out
    assert "\n  2024-02  0\n" in out  # an empty month is shown, not skipped
    assert "\n  2024-04 to 2024-06: no posts for 3 months" not in out  # 3 stay one a line
    assert "\n  2024-06  0\n  2024-07  " in out
    data = json.loads(runner.invoke(app, ["--site", str(site), "stats", "--format",
                                          "json"]).stdout)
    assert data["per_month"] == {"2024-01": 1, "2024-02": 0, "2024-03": 1, "2024-04": 0,
                                 "2024-05": 0, "2024-06": 0, "2024-07": 1}
    assert data["reading_time"]["6-10 min"] == 1 and data["words"] == 1237


def test_heat_map_has_a_column_a_week_and_visible_empty_weeks() -> None:
    days = {date(2024, 1, 1): 1, date(2024, 1, 3): 2, date(2024, 1, 17): 5}
    rows = heat_map(days, today=date(2024, 1, 21), width=10)  # four weeks fit
    assert rows == ["       Jan",
                    "  Mon ·░··", "      ····", "  Wed ·▒·█", "      ····", "  Fri ····",
                    "      ····", "  Sun ····",
                    "      Dec 25, 2023 to Jan 21, 2024   less ·░▒▓█ more"]


def test_long_gap_of_months_is_one_line(tmp_path: Path) -> None:
    root = write(tmp_path / "b", {
        "blog.toml": "",
        "posts/a.md": "---\ntitle: A\ndate: 2020-01-05\n---\nx\n",
        "posts/b.md": "---\ntitle: B\ndate: 2021-03-05\n---\nx\n"})
    out = runner.invoke(app, ["--site", str(root), "stats"]).stdout
    assert "\n  2020-02 to 2021-02: no posts for 13 months\n" in out


PAPERMOD = """baseURL: https://example.org/
title: P
theme: ["hugo-PaperMod"]
params:
  author: Site Author
  DateFormat: "2006-01-02"
  ShowReadingTime: {reading}
  ShowWordCount: {words}
  hideAuthor: {hide}
"""


@pytest.mark.parametrize(("reading", "words", "hide", "line"), [
    ("true", "false", "false", "2024-03-04 · 6 min · Site Author"),
    ("false", "true", "false", "2024-03-04 · 1234 words · Site Author"),
    ("true", "true", "true", "2024-03-04 · 6 min · 1234 words"),
    ("false", "false", "false", "2024-03-04 · Site Author"),
])
def test_show_byline_as_papermod_prints_it(tmp_path: Path, reading: str, words: str, hide: str,
                                            line: str) -> None:
    root = write(tmp_path / "pm", {
        "config.yml": PAPERMOD.format(reading=reading, words=words, hide=hide),
        "content/posts/long.md": f"---\ntitle: T\ndate: 2024-03-04\n---\n{WORDS}\n"})
    out = runner.invoke(app, ["--site", str(root), "show", "long"]).stdout
    assert f"\n\n{line}\n\n" in out


def test_papermod_default_date_format_is_date_long(tmp_path: Path) -> None:
    root = write(tmp_path / "pm", {
        "hugo.toml": 'theme = "PaperMod"\n[params]\nShowReadingTime = true\n',
        "content/posts/a.md": "---\ntitle: T\ndate: 2024-03-04\nauthor: [A, B]\n---\nHi\n"})
    out = runner.invoke(app, ["--site", str(root), "show", "a"]).stdout
    assert "\n\nMarch 4, 2024 · 1 min · A, B\n\n" in out


def test_the_real_papermod_example_site_byline() -> None:
    example = Path("/work/realblogs/src/papermod-exampleSite")
    if not example.is_dir():
        pytest.skip("the PaperMod example site is not on this machine")
    out = runner.invoke(app, ["--site", str(example), "show", "markdown-syntax"]).stdout
    # its config: ShowReadingTime true, no DateFormat, the post's own author
    assert re.search(r"\n\nMarch 11, 2019 · \d+ min · Hugo Authors\n\n", out), out
    assert REPO.is_dir()


@pytest.mark.parametrize("run", ["é" * 200_000, "Ωé" * 50_000, "x" * 50_000])
def test_show_wraps_one_long_run_in_time(tmp_path: Path, run: str) -> None:
    """Issue 15: a post that is one 200,000-character run took 33 s to wrap (quadratic)."""
    import time

    from blogcli.listing.view import cells

    root = write(tmp_path, {"blog.toml": '[site]\ntitle = "T"\nprofile = "plain"\n',
                            "posts/run.md": f"---\ntitle: Run\ndate: 2024-01-01\n---\n{run}\n"})
    started = time.monotonic()
    result = runner.invoke(app, ["--site", str(root), "show", "run"], env={"COLUMNS": "80"})
    assert time.monotonic() - started < 10
    assert result.exit_code == 0, result.output
    lines = result.output.split("\n\n")[1].split("\n")
    assert "".join(lines) == run and all(cells(line) <= 80 for line in lines)
    assert len(lines) == -(-cells(run) // 80)  # every line full but the last


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from([*"abc de-f. \t\n", "word", "x" * 30]), max_size=40).map("".join),
       st.integers(5, 40), st.booleans())
def test_wrap_of_ascii_is_textwraps(text: str, width: int, hyphens: bool) -> None:
    """wrap fills plain titles itself (textwrap is five times slower): the lines are the same."""
    import textwrap

    from blogcli.listing.view import wrap

    fits = len(text) <= width and text.isprintable() and text == text.strip()
    assert wrap(text, width, hyphens) == (text if fits else textwrap.fill(
        text, width, break_on_hyphens=hyphens))


@settings(max_examples=400, deadline=None)
@given(st.lists(st.sampled_from([*"aé Ω-\t\n\u3000\xa0\u200b", "リリース", "릴리스",
                                 "\uff52\uff55\uff42\uff59", "word", "x" * 30, "é" * 30]),
                max_size=30).map("".join),
       st.integers(5, 60), st.booleans())
def test_wrap_of_a_text_that_fits_is_the_text_filled(text: str, width: int, hyphens: bool) -> None:
    """wrap returns a non-ASCII text that fits as it is, as filling its words would give it."""
    from blogcli.listing.view import _fill_words, wrap

    assert wrap(text, width, hyphens) == _fill_words(text, width, hyphens)


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=40))
def test_cells_counts_what_unicodedata_says(text: str) -> None:
    """cells remembers each character's columns: the same as asking unicodedata every time."""
    import unicodedata

    from blogcli.listing.view import cells

    assert cells(text) == sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1
                              for ch in text)


def test_cells_takes_a_narrow_text_as_long_as_it_is() -> None:
    """cells reads a text of the characters _NARROW names as one column each, unasked: every
    one of them is one column to unicodedata (and an unassigned character is not among them)."""
    import re
    import unicodedata

    from blogcli.listing.view import _NARROW, cells

    ranges = re.findall(r"(.)(?:-(.))?", _NARROW.pattern[1:-2], re.DOTALL)
    chars = "".join(chr(code) for low, high in ranges
                    for code in range(ord(low), ord(high or low) + 1))
    assert len(chars) > 1500
    assert all(unicodedata.east_asian_width(ch) not in "WF"
               and unicodedata.category(ch) != "Cn" for ch in chars)
    assert cells(chars) == len(chars)
    assert cells("Tiếng Việt — bài viết 日本") == len("Tiếng Việt — bài viết 日本") + 2
