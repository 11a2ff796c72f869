"""The kept whole-site result (check/reuse.py): the dates it is watched for, its file."""

from __future__ import annotations

import shutil
from datetime import UTC, datetime
from pathlib import Path

import pytest

from blogcli import cache
from blogcli.check import reuse
from blogcli.check.checker import check_site
from blogcli.check.reuse import SLACK, dates_of
from blogcli.site import find_site
from tests.helpers import FIXTURES

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
