"""Issue 15 item 5: hostile blogs (front matter, Markdown, links, file names) never make
check, list or new raise, hang or blow up. A few hundred cases here; thousands with
`python bench/fuzz.py N`."""

from __future__ import annotations

import os

from hypothesis import HealthCheck, given, settings

from tests.helpers.fuzz import blogs, run_case

EXAMPLES = int(os.environ.get("BLOG_FUZZ_EXAMPLES", "150"))  # x 3 commands = 450 runs


# Derandomized: CI runs the same cases every time; bench/fuzz.py explores new ones by hand.
@settings(max_examples=EXAMPLES, deadline=None, database=None, derandomize=True,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(blogs())
def test_hostile_blogs_are_findings_never_crashes(files: dict[str, bytes]) -> None:
    result = run_case(files)
    assert result.status == "ok", f"{result.status}: {result.detail}\n{sorted(files)}"
