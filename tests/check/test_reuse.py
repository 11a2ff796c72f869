"""The kept whole-site result (check/reuse.py): the dates it is watched for, its file."""

from __future__ import annotations

import shutil
from datetime import UTC, datetime
from pathlib import Path

import pytest

from blogcli import cache
from blogcli.check import checker, reuse
from blogcli.check.checker import check_site
from blogcli.check.reuse import SLACK, dates_of
from blogcli.site import find_site
from tests.helpers import FIXTURES, make

SITES = FIXTURES / "sites"


def _window(day: str) -> tuple[float, float]:
    middle = datetime.fromisoformat(day).replace(tzinfo=UTC)
    return (middle - SLACK).timestamp(), (middle + SLACK).timestamp()


def test_every_date_in_front_matter_is_watched_once() -> None:
    facts = {
        "a.md": {"date": "2024-01-31T10:00:00+01:00",
                 "meta": {"date": "2024-01-31T10:00:00+01:00", "title": "1999 in review",
                          "cascade": [{"expiryDate": " 2025-3-4"}], "n": 2024, "ok": True}},
        "b.md": {"date": None, "meta": {"publishDate": "2024-02-30", "lastmod": "2023-12-01",
                                        "tags": ["2022-05-06", {"x": ["2022-05-06"]}]}},
        "c.md": {"error": ["front-matter", 1, "bad"]},
    }
    assert dates_of(facts) == [_window(day) for day in
                               ("2022-05-06", "2023-12-01", "2024-01-31", "2025-03-04")]


def test_a_date_at_the_end_of_the_calendar_cannot_be_watched() -> None:
    assert dates_of({"a.md": {"date": "9999-12-31", "meta": {}}}) is None


@pytest.mark.parametrize("damage", ["torn", "json of blog 0.1"])
def test_a_damaged_or_old_kept_result_is_checked_afresh(tmp_path: Path, damage: str,
                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(cache, "RACY_SLACK_NS", 0)  # files just written may be trusted
    root = tmp_path / "site"
    shutil.copytree(SITES / "hugo-states", root)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    site = find_site(site_dir=root)
    first = check_site(site)
    path = reuse.result_path(site)
    assert reuse.load(site).result is not None  # kept
    if damage == "torn":
        path.write_bytes(path.read_bytes()[:-7])
    else:
        path.unlink()
        path.with_suffix(".json").write_text('{"key": "x", "findings": []}', encoding="utf-8")
    assert reuse.load(site).result is None
    assert check_site(find_site(site_dir=root)).findings == first.findings
    assert reuse.load(site).result is not None and not path.with_suffix(".json").exists()


def test_a_page_edited_again_and_again_is_still_checked_alone(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Each in-place edit splices the page's findings into the kept result; the record the
    site index keeps of it (read back from the journal after the first edit) compares equal
    to the one made afresh, headings and all, so no edit falls back to a whole-site check."""
    monkeypatch.setattr(cache, "RACY_SLACK_NS", 0)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    root = make(tmp_path / "site", {
        "blog.toml": '[site]\ntitle = "T"\nprofile = "plain"\n',
        **{f"posts/p{n}.md": f"---\ntitle: P{n}\ndate: 2024-01-0{n + 1}\n---\n# Part {n}\n\n"
                             f"## Sub {{#own-{n}}}\n\n[next](p{(n + 1) % 3}.md#part-{n})\n"
           for n in range(3)}})
    whole: list[bool] = []
    real = checker._check
    monkeypatch.setattr(checker, "_check", lambda site, paths, *rest, **kw: (
        whole.append(paths is None), real(site, paths, *rest, **kw))[1])
    first = check_site(find_site(site_dir=root))
    for n in range(3):
        with (root / "posts" / "p1.md").open("a", encoding="utf-8") as post:
            post.write(f"\nEdit {n}.\n")
        again = check_site(find_site(site_dir=root))
        assert again.findings == first.findings
    assert whole == [True, False, False, False]
