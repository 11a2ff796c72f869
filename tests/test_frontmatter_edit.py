"""Byte-exact front-matter edits: only the intended bytes change."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st

from blogcli.errors import ContentError
from blogcli.frontmatter_edit import FrontMatterEdit

NOW = datetime(2026, 11, 25, 9, 30, tzinfo=UTC)


def edit(raw: bytes) -> FrontMatterEdit:
    return FrontMatterEdit(raw, "posts/x.md")


def test_yaml_draft_flag_keeps_spelling_and_comment() -> None:
    fm = edit(b"---\ntitle: A\ndraft: True  # wip\n---\nbody\n")
    assert fm.set_bool("draft", False)
    assert fm.result() == b"---\ntitle: A\ndraft: False  # wip\n---\nbody\n"


def test_set_bool_does_nothing_when_already_set() -> None:
    fm = edit(b"---\ntitle: A\ndraft: false\n---\n")
    assert not fm.set_bool("draft", False)
    assert not fm.set_bool("published", True)
    assert fm.result() == b"---\ntitle: A\ndraft: false\n---\n"


def test_quoted_true_is_a_string_and_left_alone() -> None:
    fm = edit(b'---\ntitle: A\ndraft: "true"\n---\n')
    assert not fm.set_bool("draft", False)


def test_jekyll_published_false_becomes_true() -> None:
    fm = edit(b"---\npublished: false\ntitle: A\n---\n")
    assert fm.set_bool("published", True)
    assert fm.result() == b"---\npublished: true\ntitle: A\n---\n"


def test_date_inserted_after_title_with_file_line_endings() -> None:
    fm = edit(b"\xef\xbb\xbf---\r\ntitle: A\r\ntags: [x]\r\n---\r\nbody\r\n")
    fm.set_date(NOW)
    assert fm.result() == (b"\xef\xbb\xbf---\r\ntitle: A\r\ndate: 2026-11-25T09:30:00+00:00\r\n"
                           b"tags: [x]\r\n---\r\nbody\r\n")


def test_date_goes_first_when_title_is_a_block_scalar() -> None:
    fm = edit(b"---\ntitle: >\n  Long\n  title\n---\n")
    fm.set_date(date(2024, 1, 2))
    assert fm.result() == b"---\ndate: 2024-01-02\ntitle: >\n  Long\n  title\n---\n"


def test_existing_quoted_date_keeps_its_quotes() -> None:
    fm = edit(b"---\ntitle: A\ndate: '2020-01-01'   # old\n---\n")
    fm.set_date(NOW)
    assert fm.result() == b"---\ntitle: A\ndate: '2026-11-25T09:30:00+00:00'   # old\n---\n"


def test_toml_top_level_only() -> None:
    raw = b'+++\ntitle = "A"\ndraft = true # x\n[extra]\ndraft = true\n+++\nB\n'
    fm = edit(raw)
    assert fm.set_bool("draft", False)
    fm.set_date(NOW)
    assert fm.result() == (b'+++\ntitle = "A"\ndate = 2026-11-25T09:30:00+00:00\n'
                           b'draft = false # x\n[extra]\ndraft = true\n+++\nB\n')


def test_toml_insert_goes_before_first_table() -> None:
    fm = edit(b"+++\n[extra]\ntitle = 'inner'\n+++\n")
    fm.insert_bool("draft", True)
    assert fm.result() == b"+++\ndraft = true\n[extra]\ntitle = 'inner'\n+++\n"


def test_json_front_matter_edits() -> None:
    fm = edit(b'{\n  "title": "A",\n  "draft": true\n}\nbody\n')
    assert fm.set_bool("draft", False)
    fm.set_date(NOW)
    assert fm.result() == (b'{\n  "date": "2026-11-25T09:30:00+00:00",\n  "title": "A",\n'
                           b'  "draft": false\n}\nbody\n')


def test_json_one_line_insert() -> None:
    fm = edit(b'{"title": "A"}\nbody\n')
    fm.insert_bool("draft", True)
    assert fm.result() == b'{"draft": true, "title": "A"}\nbody\n'


def test_unpublish_inserts_draft_key() -> None:
    fm = edit(b"---\ntitle: A\n---\n")
    fm.insert_bool("draft", True)
    assert fm.result() == b"---\ntitle: A\ndraft: true\n---\n"


def test_flow_mapping_front_matter_is_refused_not_mangled() -> None:
    fm = edit(b"---\n{title: A, draft: true}\n---\n")
    with pytest.raises(ContentError, match="cannot edit `draft` safely"):
        fm.set_bool("draft", False)


def test_no_front_matter_is_refused() -> None:
    with pytest.raises(ContentError, match="has no front matter"):
        edit(b"# Just a heading\n").set_date(NOW)


def test_duplicate_looking_key_in_block_scalar_is_caught_by_verification() -> None:
    raw = b"---\ntitle: A\nnote: |\n  draft: true\ndraft: true\n---\n"
    fm = edit(raw)
    assert fm.set_bool("draft", False)
    assert fm.result() == raw.replace(b"\ndraft: true", b"\ndraft: false")


# --- properties: the edit changes the draft value and nothing else --------------------------

WORD = st.text(st.sampled_from("abcdefghijklmnopqrstuvwxyz"), min_size=1, max_size=8)
TEXT = st.text(st.characters(blacklist_categories=("Cs", "Cc"), blacklist_characters="'"),
               max_size=20)
YAML_VALUE = st.one_of(
    WORD, TEXT.map(lambda t: "'" + t + "'"), st.integers().map(str),
    st.lists(WORD, max_size=3).map(lambda xs: "[" + ", ".join(xs) + "]"),
)
COMMENT = st.one_of(st.just(""), TEXT.map(lambda t: "  # " + t.replace("\n", "")))


@st.composite
def yaml_post(draw: st.DrawFn) -> tuple[bytes, bytes, int]:
    """A post with a draft line among other lines; its published form; the draft line index."""
    # `other` is the key the date test swaps in for `date`: it must not be there already.
    keys = draw(st.lists(WORD.filter(lambda k: k not in ("draft", "title", "date", "other")),
                         unique=True, max_size=5))
    lines = ["title: " + draw(WORD) + draw(COMMENT)]
    lines += [f"{k}: {draw(YAML_VALUE)}{draw(COMMENT)}" for k in keys]
    lines += draw(st.lists(COMMENT.filter(bool).map(str.strip), max_size=2))
    lines.append("date: 2024-01-01")
    spelling = draw(st.sampled_from(["true", "True", "TRUE", "yes", "on"]))
    spaces = draw(st.sampled_from([" ", "  ", "\t "]))
    at = draw(st.integers(0, len(lines)))
    tail = draw(COMMENT)
    lines.insert(at, f"draft:{spaces}{spelling}{tail}")
    newline = draw(st.sampled_from(["\n", "\r\n"]))
    body = draw(st.text(st.characters(blacklist_characters="\x00", blacklist_categories=("Cs",)),
                        max_size=60))
    bom = draw(st.sampled_from(["", "\ufeff"]))
    flipped = {"true": "false", "True": "False", "TRUE": "FALSE", "yes": "no", "on": "off"}
    published = list(lines)
    published[at] = f"draft:{spaces}{flipped[spelling]}{tail}"

    def build(rows: list[str]) -> bytes:
        return (bom + newline.join(["---", *rows, "---"]) + newline + body).encode("utf-8")

    return build(lines), build(published), at


@given(yaml_post())
def test_property_yaml_publish_changes_only_the_draft_value(case: tuple[bytes, bytes, int]) -> None:
    raw, expected, _ = case
    fm = edit(raw)
    assert fm.set_bool("draft", False)
    assert fm.result() == expected


@given(yaml_post())
def test_property_date_insert_adds_exactly_one_line(case: tuple[bytes, bytes, int]) -> None:
    raw, _, _ = case
    raw = raw.replace(b"date: 2024-01-01", b"other: 1")
    fm = edit(raw)
    fm.set_date(NOW)
    out = fm.result()
    newline = b"\r\n" if b"\r\n" in raw else b"\n"
    added = b"date: 2026-11-25T09:30:00+00:00" + newline
    assert out.count(added) == 1
    assert out.replace(added, b"", 1) == raw


# `extra` would collide with the [extra] table the test writes after the keys.
@given(st.lists(st.tuples(WORD.filter(lambda k: k not in ("draft", "title", "extra")),
                          st.sampled_from(['"x"', "1", "[1, 2]", "'lit'", "true"])),
                unique_by=lambda kv: kv[0], max_size=5),
       st.integers(0, 5), st.sampled_from(["\n", "\r\n"]))
def test_property_toml_publish_changes_only_the_draft_value(
        pairs: list[tuple[str, str]], at: int, newline: str) -> None:
    rows = ['title = "T"', *[f"{k} = {v}" for k, v in pairs]]
    at = min(at, len(rows))
    rows.insert(at, "draft = true # wip")
    raw = newline.join(["+++", *rows, "[extra]", "draft = true", "+++", "body"]).encode()
    fm = edit(raw)
    assert fm.set_bool("draft", False)
    assert fm.result() == raw.replace(b"draft = true # wip", b"draft = false # wip")


# --- check --fix: lists and renamed keys ------------------------------------------------------


@pytest.mark.parametrize(("raw", "items", "fixed"), [
    (b"---\ntags: solo  # one\n---\n", ["solo"], b"---\ntags: [solo]  # one\n---\n"),
    (b"---\ntags: 'a b'\n---\n", ["a", "b"], b"---\ntags: [a, b]\n---\n"),
    # Words YAML would read as something else are quoted.
    (b"---\ntags: x\n---\n", ["yes", "1.5", "a: b"], b'---\ntags: ["yes", "1.5", "a: b"]\n---\n'),
    (b'+++\r\ntags = "x"\r\n+++\r\n', ["x"], b'+++\r\ntags = ["x"]\r\n+++\r\n'),
    (b'{"tags": "x", "title": "T"}\n', ["x"], b'{"tags": ["x"], "title": "T"}\n'),
])
def test_set_list_writes_the_list_in_place(raw: bytes, items: list[str], fixed: bytes) -> None:
    fm = edit(raw)
    fm.set_list("tags", items)
    assert fm.result() == fixed


def test_set_list_refuses_a_value_on_several_lines() -> None:
    fm = edit(b"---\ntags: >\n  a b\n---\n")
    with pytest.raises(ContentError, match="nothing was changed"):
        fm.set_list("tags", ["a b"])
        fm.result()


@pytest.mark.parametrize(("raw", "fixed"), [
    (b"---\ntittle: A  # c\ndate: 2024-01-01\n---\nb\n",
     b"---\ntitle: A  # c\ndate: 2024-01-01\n---\nb\n"),
    (b"---\n'tittle': A\n---\n", b"---\n'title': A\n---\n"),
    (b'+++\r\ntittle = "A"\r\n+++\r\n', b'+++\r\ntitle = "A"\r\n+++\r\n'),
    (b'{\n  "tittle": "A"\n}\n', b'{\n  "title": "A"\n}\n'),
])
def test_rename_key_changes_only_the_key(raw: bytes, fixed: bytes) -> None:
    fm = edit(raw)
    fm.rename_key("tittle", "title")
    assert fm.result() == fixed


def test_rename_key_refuses_when_both_keys_exist_or_in_a_table() -> None:
    with pytest.raises(ContentError):
        edit(b"---\ntittle: A\ntitle: B\n---\n").rename_key("tittle", "title")
    # A TOML key inside a table is not the page's key: not found, not renamed.
    with pytest.raises(ContentError):
        edit(b'+++\ntittle = "A"\n[extra]\ntittle = "B"\n+++\n').rename_key("x", "y")
