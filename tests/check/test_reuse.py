"""The dates a kept check result is watched for (check/reuse.py)."""

from __future__ import annotations

from datetime import UTC, datetime

from blogcli.check.reuse import SLACK, dates_of


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
