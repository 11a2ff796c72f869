"""blog.toml read once into typed tables: bad values name file and line, typos get a suggestion."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from blogcli.config import load_blog_config
from blogcli.errors import UsageError
from tests.conftest import run_blog

POST = "---\ntitle: Hello\ndate: 2024-01-02T10:00:00Z\n---\n\nHello there.\n"


def site_with(tmp_path: Path, toml: str) -> Path:
    (tmp_path / "blog.toml").write_text(toml, encoding="utf-8")
    (tmp_path / "posts").mkdir(exist_ok=True)
    (tmp_path / "posts" / "hello.md").write_text(POST, encoding="utf-8")
    return tmp_path


def test_tables_are_typed_with_defaults(tmp_path: Path) -> None:
    site_with(tmp_path, '[site]\ntitle = "T"\nposts_dir = ["posts", "notes"]\n'
                        '[publish]\nremote = "up"\ntimeout = 30\nset_date = true\n'
                        '[check]\nrequired = ["title"]\n')
    config = load_blog_config(tmp_path)
    assert config.site.title == "T" and config.site.posts_dir == ("posts", "notes")
    assert (config.publish.remote, config.publish.timeout, config.publish.set_date) == \
        ("up", 30.0, True)
    assert config.publish.branch is None and config.check.required == ("title",)
    assert config.notices == ()


def test_no_blog_toml_is_every_default(tmp_path: Path) -> None:
    config = load_blog_config(tmp_path)
    assert config.path is None and config.publish.timeout == 120.0
    assert config.check.required == ("title", "date")


@pytest.mark.parametrize(("toml", "notice"), [
    ('[publsh]\nremote = "x"\n', "blog.toml:1: unknown table [publsh]; did you mean 'publish'?"),
    ('[publish]\nremot = "x"\n', "blog.toml:2: [publish] has no setting 'remot'; did you mean "
                                 "'remote'?"),
    ("[links]\n\nconcurency = 4\n", "blog.toml:3: [links] has no setting 'concurency'; did you "
                                    "mean 'concurrency'?"),
    ("[reading]\nwpm = 200\n", "blog.toml:2: [reading] has no setting 'wpm' (known: "
                               "cjk_words_per_minute, has_cjk_language, image_seconds, "
                               "summary_length, summary_mode, unsafe_html, words_per_minute)"),
    ('[links.hosts."x.org"]\nper_hots = 2\n',
     "blog.toml:2: [links.hosts.\"x.org\"] has no setting 'per_hots'; did you mean 'per_host'?"),
])
def test_unknown_tables_and_keys_are_named_with_the_closest_one(tmp_path: Path, toml: str,
                                                                  notice: str) -> None:
    site_with(tmp_path, toml)
    assert [str(n) for n in load_blog_config(tmp_path).notices] == [notice]


@pytest.mark.parametrize(("toml", "message"), [
    ("[publish]\n\ntimeout = -1\n", "blog.toml:3: [publish] timeout: expected a positive number"),
    ("[site]\ntitle = 3\n", "blog.toml:2: [site] title: expected a string in quotes, got 3"),
    ("[publish]\nset_date = 'yes'\n", "blog.toml:2: [publish] set_date: expected true or false"),
    ("publish = 3\n", "blog.toml:1: publish must be a table"),
    ('[site]\nprofile = "wordpress"\n', "blog.toml:2: [site] profile = 'wordpress' is not one"),
])
def test_bad_values_name_file_and_line(tmp_path: Path, toml: str, message: str) -> None:
    site_with(tmp_path, toml)
    with pytest.raises(UsageError) as caught:
        load_blog_config(tmp_path)
    assert str(caught.value).startswith(f"{tmp_path}/{message}")


def test_a_typo_is_a_warning_on_stderr_and_fails_only_check_strict(tmp_path: Path) -> None:
    site_with(tmp_path, '[site]\ntitle = "T"\nprofile = "plain"\n[publsh]\nremote = "x"\n')
    listed = run_blog("list", cwd=tmp_path)
    assert listed.returncode == 0
    assert listed.stderr == ("Warning: blog.toml:4: unknown table [publsh]; "
                             "did you mean 'publish'?\n")
    plain = run_blog("check", "--format", "json", cwd=tmp_path)
    assert plain.returncode == 0
    finding = json.loads(plain.stdout)["findings"]
    assert finding == [{"path": "blog.toml", "line": 4, "column": 1, "rule": "config-unknown",
                        "severity": "warning", "message": "unknown table [publsh]; did you "
                        "mean 'publish'?"}]
    assert run_blog("check", "--strict", cwd=tmp_path).returncode == 1


def _folded_one_call_a_value(value: object) -> object:
    """folded as it was written first (Folded's own ``in``, a call for every value): the
    reference its faster form is held to."""
    from blogcli.config import Folded, merged

    if isinstance(value, dict):
        out = Folded()
        for key, inner in value.items():
            name = key.lower() if isinstance(key, str) else key
            out[name] = merged(out[name], _folded_one_call_a_value(inner)) if name in out \
                else _folded_one_call_a_value(inner)
        return out
    if isinstance(value, list):
        return [_folded_one_call_a_value(item) for item in value]
    return value


_KEYS = st.sampled_from(["Date", "date", "DATE", "draft", "Params", "params", "ß", "İ", "Σ",
                         "ΑΣ", "ας", 1, True, None])
_VALUES = st.recursive(st.none() | st.booleans() | st.integers() | st.text(max_size=3),
                       lambda inner: st.lists(inner, max_size=3)
                       | st.dictionaries(_KEYS, inner, max_size=4), max_leaves=12)


@settings(max_examples=400, deadline=None)
@given(st.dictionaries(_KEYS, _VALUES, max_size=6))
def test_folded_is_the_reference_folding(meta: dict[object, object]) -> None:
    """Keys lower-cased, tables given twice merged, the same types all the way down."""
    from blogcli.config import folded

    def shape(value: object) -> object:
        if isinstance(value, dict):
            return (type(value), [(k, shape(v)) for k, v in value.items()])
        if isinstance(value, list):
            return [shape(v) for v in value]
        return (type(value), value)

    assert shape(folded(meta)) == shape(_folded_one_call_a_value(meta))
