"""Helpers every test package shares: real git sites, real HTTP servers, the repository's paths."""

from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
FIXTURES = REPO / "tests" / "fixtures"


def make(root: Path, files: dict[str, str]) -> Path:
    """Write ``files`` (relative path -> text; a path ending in / is a folder) under ``root``."""
    for rel, text in files.items():
        path = root / rel
        if rel.endswith("/"):
            path.mkdir(parents=True, exist_ok=True)
        else:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text, encoding="utf-8")
    return root
