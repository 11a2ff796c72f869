"""Helpers every test package shares: real git sites, real HTTP servers, the repository's paths."""

from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
FIXTURES = REPO / "tests" / "fixtures"
