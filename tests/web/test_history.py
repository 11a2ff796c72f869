"""The link history (blogcli/web/history.py): streaks, thresholds, the file and its failures."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from blogcli.errors import UsageError
from blogcli.web.history import LinkHistory, Policy, clock, dump, history_key
from blogcli.web.result import Status, UrlResult
from blogcli.web.settings import HistorySettings, history_from_config

DAY0 = datetime(2026, 1, 5, 9, 0, tzinfo=UTC)
URL = "https://example.org/a"
SIGNED = "https://u:secret@example.org/p?X-Amz-Signature=1"


def run(path: Path, when: datetime,
        results: dict[str, Status]) -> tuple[LinkHistory, dict[str, bool]]:
    """One run: load, record, save. Returns the history and, per failing URL, broken or not."""
    history = LinkHistory(path, Policy(), when)
    failing = history.update({u: UrlResult(u, s, detail=f"said {s}") for u, s in results.items()})
    history.save()
    return history, {u: history.confirmed(r) for u, r in failing.items()}


def test_a_failure_is_broken_only_after_three_runs_over_a_week(tmp_path: Path) -> None:
    path = tmp_path / "links.json"
    verdicts = [run(path, DAY0 + timedelta(days=d), {URL: Status.BROKEN})[1][URL]
                for d in (0, 3, 6, 7)]
    # Day 6: three runs but six days; day 7: the week is complete.
    assert verdicts == [False, False, False, True]
    record = LinkHistory(path, Policy(), DAY0).records[URL]
    assert (record.runs, record.failing_since, record.last_failure) == \
        (4, "2026-01-05T09:00:00Z", "2026-01-12T09:00:00Z")
    assert record.since_text() == "failing since 2026-01-05, 4 runs over 7 days"


def test_many_runs_in_one_day_are_not_enough(tmp_path: Path) -> None:
    path = tmp_path / "links.json"
    verdicts = [run(path, DAY0 + timedelta(hours=h), {URL: Status.UNREACHABLE})[1][URL]
                for h in range(10)]
    assert not any(verdicts)


def test_a_link_that_comes_back_starts_again(tmp_path: Path) -> None:
    path = tmp_path / "links.json"
    for day in (0, 3, 7):
        run(path, DAY0 + timedelta(days=day), {URL: Status.BROKEN})
    run(path, DAY0 + timedelta(days=8), {URL: Status.OK})
    record = LinkHistory(path, Policy(), DAY0).records[URL]
    assert (record.runs, record.failing_since, record.last_success) == \
        (0, None, "2026-01-13T09:00:00Z")
    _, verdict = run(path, DAY0 + timedelta(days=9), {URL: Status.BROKEN})
    assert verdict == {URL: False}
    record = LinkHistory(path, Policy(), DAY0).records[URL]
    assert record.since_text() == "failing since 2026-01-14, 1 run"
    assert record.last_success == "2026-01-13T09:00:00Z"


def test_rate_limits_and_bot_walls_neither_count_nor_reset(tmp_path: Path) -> None:
    path = tmp_path / "links.json"
    run(path, DAY0, {URL: Status.BROKEN})
    run(path, DAY0 + timedelta(days=1), {URL: Status.RATE_LIMITED})
    run(path, DAY0 + timedelta(days=2), {URL: Status.UNKNOWN})
    assert LinkHistory(path, Policy(), DAY0).records[URL].runs == 1


def test_passing_links_leave_no_trace(tmp_path: Path) -> None:
    path = tmp_path / "links.json"
    run(path, DAY0, {URL: Status.OK, "https://example.org/b": Status.REDIRECT})
    assert not path.exists()


def test_one_page_counts_once_however_it_is_linked(tmp_path: Path) -> None:
    path = tmp_path / "links.json"
    history, _ = run(path, DAY0, {f"{URL}#x": Status.BROKEN, f"{URL}#y": Status.BROKEN,
                                  SIGNED: Status.BROKEN})
    assert sorted(history.records) == ["https://example.org/a", "https://example.org/p"]
    assert history.records[URL].runs == 1
    assert b"secret" not in path.read_bytes() and b"Signature" not in path.read_bytes()
    assert history_key(" https://x.org/a#b ") == "https://x.org/a"


def test_the_file_is_sorted_and_stable(tmp_path: Path) -> None:
    path = tmp_path / "links.json"
    run(path, DAY0, {"https://b.org/": Status.BROKEN, "https://a.org/": Status.TIMEOUT})
    assert path.read_text(encoding="utf-8") == """{
  "links": {
    "https://a.org/": {
      "detail": "said timeout",
      "failing_since": "2026-01-05T09:00:00Z",
      "last_failure": "2026-01-05T09:00:00Z",
      "last_success": null,
      "runs": 1
    },
    "https://b.org/": {
      "detail": "said broken",
      "failing_since": "2026-01-05T09:00:00Z",
      "last_failure": "2026-01-05T09:00:00Z",
      "last_success": null,
      "runs": 1
    }
  },
  "version": 1
}
"""
    history = LinkHistory(path, Policy(), DAY0)
    assert dump(history.records) == path.read_bytes()  # read and written back: the same bytes


def test_a_full_run_forgets_links_no_longer_on_the_site(tmp_path: Path) -> None:
    path = tmp_path / "links.json"
    run(path, DAY0, {URL: Status.BROKEN, "https://b.org/": Status.BROKEN})
    partial = LinkHistory(path, Policy(), DAY0 + timedelta(days=1))  # `check one-post.md`
    partial.update({URL: UrlResult(URL, Status.BROKEN)})
    partial.save()
    assert len(LinkHistory(path, Policy(), DAY0).records) == 2
    full = LinkHistory(path, Policy(), DAY0 + timedelta(days=2), complete=True)
    full.update({URL: UrlResult(URL, Status.BROKEN)})
    full.save()
    assert list(LinkHistory(path, Policy(), DAY0).records) == [URL]


def test_a_link_that_came_back_is_forgotten_after_90_days(tmp_path: Path) -> None:
    path = tmp_path / "links.json"
    run(path, DAY0, {URL: Status.BROKEN})
    run(path, DAY0 + timedelta(days=1), {URL: Status.OK})
    run(path, DAY0 + timedelta(days=90), {})
    assert URL in LinkHistory(path, Policy(), DAY0).records
    run(path, DAY0 + timedelta(days=92), {})
    assert not LinkHistory(path, Policy(), DAY0).records


@pytest.mark.parametrize("garbage", [b"{not json", b"[]", b'{"version": 99, "links": {}}',
                                     b'{"version": 1, "links": {"u": {"runs": -1}}}',
                                     b'{"version": 1, "links": {"u": {"failing_since": "x"}}}',
                                     b"\xff\xfe"])
def test_a_corrupt_file_is_set_aside_said_once_and_rebuilt(tmp_path: Path,
                                                           garbage: bytes) -> None:
    path = tmp_path / "links.json"
    path.write_bytes(garbage)
    history, _ = run(path, DAY0, {URL: Status.BROKEN})
    assert len(history.notes) == 1
    assert "links.json was not readable" in history.notes[0]
    assert "set aside as links.json.bad" in history.notes[0]
    assert (tmp_path / "links.json.bad").read_bytes() == garbage
    assert json.loads(path.read_bytes())["links"][URL]["runs"] == 1
    again, _ = run(path, DAY0 + timedelta(days=1), {URL: Status.BROKEN})
    assert again.notes == []
    assert again.records[URL].runs == 2


def test_reading_only_reports_a_corrupt_file_and_leaves_it(tmp_path: Path) -> None:
    path = tmp_path / "links.json"
    path.write_bytes(b"{oops")
    history = LinkHistory(path, Policy(), DAY0, readonly=True)
    history.save()
    assert path.read_bytes() == b"{oops"
    assert "the next `blog check --external` starts a new one" in history.notes[0]


def test_an_unwritable_history_is_a_note_not_a_failure(tmp_path: Path) -> None:
    blocker = tmp_path / "blocker"
    blocker.write_text("a file where the folder should be", encoding="utf-8")
    history, verdict = run(blocker / "links.json", DAY0, {URL: Status.BROKEN})
    assert verdict == {URL: False}
    assert "cannot write the link history" in history.notes[-1]


def test_settings_and_clock() -> None:
    assert history_from_config({}) == HistorySettings(".blog/links.json", 3, 7.0)
    assert history_from_config({"history": False}).path is None
    assert history_from_config({"broken_after_runs": 1, "broken_after_days": 0}) == \
        HistorySettings(".blog/links.json", 1, 0.0)
    for bad in ({"history": "/etc/x.json"}, {"history": "../x.json"}, {"history": True},
                {"broken_after_runs": 0}, {"broken_after_days": -1},
                {"broken_after_days": "soon"}):
        with pytest.raises(UsageError, match=r"blog.toml \[links\]"):
            history_from_config(bad)
    assert clock({"BLOG_NOW": "2026-01-05T09:00:00Z"}) == DAY0
    assert abs((clock({}) - datetime.now(UTC)).total_seconds()) < 60
    with pytest.raises(UsageError, match="BLOG_NOW"):
        clock({"BLOG_NOW": "next tuesday"})
