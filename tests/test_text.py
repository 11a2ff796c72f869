"""Word counts, reading times and summaries: equal to what Hugo 0.111.3 itself computes.

tests/fixtures/hugo_diff/expected/*.json were made by real Hugo (``regen.sh``); this suite only
reads them, so it needs no Hugo.
"""

from __future__ import annotations

import json
import tomllib
from pathlib import Path
from typing import Any

import pytest

from blogcli import hugotext
from blogcli.post import split_front_matter
from blogcli.text import TextOptions, analyse

SITE = Path(__file__).parent / "fixtures" / "hugo_diff"
VARIANTS = ("hugo", "variant")


def expected(variant: str) -> list[dict[str, Any]]:
    path = SITE / "expected" / f"{variant}.json"
    data: list[dict[str, Any]] = json.loads(path.read_text("utf-8"))
    return data


def options_for(variant: str) -> TextOptions:
    engine = tomllib.loads((SITE / f"{variant}.toml").read_text("utf-8"))
    return TextOptions.from_site("hugo", engine, {})


def compute(variant: str, rel: str) -> dict[str, Any]:
    raw = (SITE / "content" / rel).read_bytes().decode("utf-8")
    meta, body, _, _ = split_front_matter(raw, rel)
    stats = analyse(body, meta, options_for(variant), source=raw)
    return {"words": stats.words, "minutes": stats.reading_time, "truncated": stats.truncated,
            "summary": hugotext.strip_html(stats.summary_html), "plain": stats.plain}


CASES = [(v, page["path"]) for v in VARIANTS for page in expected(v)]


@pytest.mark.parametrize(("variant", "rel"), CASES, ids=[f"{v}:{p}" for v, p in CASES])
def test_counts_and_summary_equal_hugo(variant: str, rel: str) -> None:
    want = next(p for p in expected(variant) if p["path"] == rel)
    got = compute(variant, rel)
    assert (got["words"], got["minutes"], got["truncated"]) == (
        want["words"], want["minutes"], want["truncated"])
    assert got["summary"] == want["summary"]


@pytest.mark.parametrize(("variant", "rel"), CASES, ids=[f"{v}:{p}" for v, p in CASES])
def test_plain_text_words_equal_hugo(variant: str, rel: str) -> None:
    want = next(p for p in expected(variant) if p["path"] == rel)
    assert hugotext.fields(compute(variant, rel)["plain"]) == hugotext.fields(want["plain"])


def test_fixture_covers_the_boundaries() -> None:
    words = {p["path"]: (p["words"], p["minutes"]) for p in expected("hugo")}
    assert words["posts/boundary-213.md"] == (213, 1)
    assert words["posts/boundary-214.md"] == (214, 2)
    assert words["posts/boundary-427.md"] == (427, 3)
