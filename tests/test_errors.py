"""Credentials never reach a message: every shape redact() knows."""

from __future__ import annotations

import pytest

from blogcli.errors import redact


@pytest.mark.parametrize(
    ("text", "secret"),
    [
        ("fatal: https://me:hunter2@git.example/x.git not found", "hunter2"),
        ("push to https://ghp_abcdefghij1234567890@github.com/x", "ghp_abcdefghij1234567890"),
        ("token github_pat_11ABCDEFG_secretsecret", "github_pat_11ABCDEFG_secretsecret"),
        ("GitLab glpat-abcdefghijklmnop refused", "glpat-abcdefghijklmnop"),
        ("https://x-access-token:s3cr3tvalue@github.com/o/r", "s3cr3tvalue"),
        ("Authorization: token deadbeefcafe", "deadbeefcafe"),
        ("Illegal header value b'Bearer sk-live-42\\r'", "sk-live-42"),
        ("Authorization: Basic dXNlcjpwYXNz was rejected", "dXNlcjpwYXNz"),
    ],
)
def test_redact_removes_every_credential_shape(text: str, secret: str) -> None:
    cleaned = redact(text)
    assert secret not in cleaned
    assert "***" in cleaned


def test_redact_leaves_ordinary_text_alone() -> None:
    text = ("posts/basic-setup.md:3: the token budget is basic knowledge, a bearer of news;"
            " see https://example.org/a")
    assert redact(text) == text
