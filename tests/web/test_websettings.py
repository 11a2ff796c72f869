"""blog.toml [links] settings (blogcli/websettings.py)."""

from __future__ import annotations

from typing import Any

import pytest

from blogcli.errors import UsageError
from blogcli.web.settings import DEFAULT_UNKNOWN, HostSettings, Settings, from_config


def test_defaults_when_the_table_is_empty() -> None:
    settings = from_config({}, env={})
    assert (settings.concurrency, settings.per_host, settings.allow_private) == (64, 8, False)
    assert settings.cache_max_age == 86400
    assert settings.unknown_status == DEFAULT_UNKNOWN
    assert settings.github_token is None


def test_every_key_is_read() -> None:
    settings = from_config({
        "exclude": ["^https://www\\.linkedin\\.com/"], "allow_private": True,
        "concurrency": 128, "per_host": 128, "accept": [206], "unknown_status": [999],
        "timeout": 5, "connect_timeout": "2s", "retries": 0, "max_retry_after": "1m",
        "cache_max_age": "12h", "user_agent": "Mozilla/5.0 test",
        "hosts": {"LinkedIn.com": {"unknown_status": [999, 403], "per_host": 2}},
    }, env={"GITHUB_TOKEN": "ghp_x"})
    assert settings.excluded("https://www.linkedin.com/in/me")
    assert not settings.excluded("https://example.com/")
    assert (settings.concurrency, settings.per_host, settings.retries) == (128, 128, 0)
    assert (settings.connect_timeout, settings.max_retry_after, settings.cache_max_age) == \
        (2.0, 60.0, 43200.0)
    assert settings.host("www.linkedin.com") == HostSettings(
        unknown_status=frozenset({999, 403}), per_host=2)
    assert settings.host("example.com") == HostSettings()
    assert settings.github_token == "ghp_x"
    assert "ghp_x" not in repr(settings)


@pytest.mark.parametrize(("table", "key"), [
    ({"concurrency": 0}, "concurrency"),
    ({"per_host": "8"}, "per_host"),
    ({"allow_private": "yes"}, "allow_private"),
    ({"exclude": ["("]}, "exclude"),
    ({"accept": [200, "x"]}, "accept"),
    ({"cache_max_age": "forever"}, "cache_max_age"),
    ({"hosts": {"a.com": {"per_host": -1}}}, "per_host"),
    ({"hosts": ["a.com"]}, "hosts"),
])
def test_bad_values_name_the_key(table: dict[str, Any], key: str) -> None:
    with pytest.raises(UsageError, match=f"blog.toml .*{key}"):
        from_config(table, env={})


def test_with_options_applies_command_line_flags() -> None:
    settings = Settings().with_options(use_cache=False, check_anchors=True)
    assert (settings.use_cache, settings.check_anchors) == (False, True)


@pytest.mark.parametrize("agent", ["Mozilla/5.0 (Gräfin)", "Bot/1.0\nX-Evil: 1", "Bot\r"])
def test_user_agent_must_be_a_valid_header_value(agent: str) -> None:
    with pytest.raises(UsageError, match="user_agent"):
        from_config({"user_agent": agent}, env={})


def test_user_agent_with_inner_spaces_is_fine() -> None:
    assert from_config({"user_agent": "My Bot/1.0 (+https://x.y)"}, env={}).user_agent == \
        "My Bot/1.0 (+https://x.y)"
