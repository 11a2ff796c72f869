"""post._simple_yaml, the reader of simple front matter, against PyYAML with the same loader."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from blogcli.post import (
    _NO,
    _RESOLVED_FIRST,
    _WORDS,
    PostError,
    Twice,
    _known_scalar,
    _simple_yaml,
    _yaml_loader,
    given_twice,
    parse_post,
)

KEYS = ["title", "date", "tags", "draft", "slug", "weight", "a.b", "_x", "x-y", "y", "n",
        "yes", "No", "on", "OFF", "true", "null", "Null", "e1", "inf", "nan", "key word",
        "<<", "=", "~", "1", "-a", "é", "Title"]
VALUES = ["", " ", "Post number 7", "2024-01-01", "2024-01-01T10:00:00+00:00",
          "2024-01-01 10:00:00", "2024-13-45", "2024-1-1", "10:00", "1:20", "12:30:45",
          "true", "True", "yes", "off", "y", "null", "~", "Null", "0", "-3", "+1", "1_000",
          "0x1F", "017", "0b101", "09", "1.5", "-.5", ".inf", "-.Inf", ".NaN", "1e3",
          "6.02e+23", "1.", "+", "-", "-x", "- x", "a: b", "a:b", "a :b", "a:", "a #b", "a#b",
          "C#", "#c", "'q'", "'it''s'", '"d"', '"a\\nb"', '"a: b"', '"x" # c', "'x'  ",
          "[a, b]", "[a,b]", "[]", "[ ]", "[a, b,]", "[a, , b]", "[[a]]", "[a b, 'c d']",
          '["x, y", z]', "[1, 2.5, yes, null, ~, 2024-01-01]", "[a: b]", "[a#b]", "{a: b}",
          "{}", "|", ">", "&a x", "*a", "!!str 1", "%x", "@x", "`x`", "=", "<<", "?x", "? x",
          ":x", ",x", "x,y", "x]", "x}", "Über", "日本語のタイトル", "\u00a0x", "x\u00a0",
          "a  b", "trailing   ", "(paren)", "$x", "/path/x.png", "./rel", "http://x.org/a?b=c#d",
          "a\tb", "x\r", "tab\t",
          '"a \\"b\\""', '"C:\\\\x"', '"a\\/b"', '"\\\\"', '"a\\"', '"a\\tb"', "''''", "''",
          "'a''", '2009-12-25 10:41:06 +0000', '1 2', '-1 x', '.5 x', '+ 1', '~ x', '0x 1']
SEPARATORS = [": ", ":", ":  ", " : ", ":\t", ": \t"]


def pyyaml(text: str, lenient: bool) -> tuple[str, Any]:
    """("ok", value) or ("error", None) from PyYAML with blog's own loader."""
    try:
        return "ok", yaml.load(text, Loader=_yaml_loader(lenient))
    except (yaml.YAMLError, ValueError, TypeError):
        return "error", None


def typed(value: Any) -> Any:
    """``value`` with every leaf's type named: True, 1 and 1.0 must not pass for each other."""
    if isinstance(value, dict):
        return {typed(k): typed(v) for k, v in value.items()}
    if isinstance(value, list):
        return [typed(v) for v in value]
    if isinstance(value, float) and value != value:
        return ("nan",)
    return (type(value).__name__, repr(value))


def assert_as_pyyaml(text: str, lenient: bool) -> bool:
    """_simple_yaml either declines or gives exactly what PyYAML gives (a key given twice:
    PyYAML's error, on that key's line); True if it read it."""
    fast = _simple_yaml(text, lenient)
    if fast is None:
        return False
    if isinstance(fast, Twice):
        with pytest.raises(yaml.constructor.ConstructorError) as refused:
            yaml.load(text, Loader=_yaml_loader(lenient))
        assert refused.value.problem == given_twice(fast.key), text
        assert refused.value.problem_mark is not None
        assert (refused.value.problem_mark.line, refused.value.problem_mark.column) == (
            fast.line, 0), text
        return True
    status, slow = pyyaml(text, lenient)
    assert status == "ok", f"PyYAML refuses {text!r}, _simple_yaml read {fast!r}"
    assert typed(fast) == typed(slow or {}), text
    return True


line = st.builds(lambda k, s, v: f"{k}{s}{v}", st.sampled_from(KEYS), st.sampled_from(SEPARATORS),
                 st.sampled_from(VALUES) | st.text(max_size=12))
other = st.sampled_from(["", " ", "  indented: x", "- item", "# comment", "---", "key:", "  - a",
                         "-", "- ", "  -", "-a", "-1", "- -1", "- - a", "- a: b", "  - [a]",
                         "- 'q'", '  - "x y"', "- yes", "- 2024-01-01", "   - z", "- a #c",
                         "\t- a", "- |", "-\tb", "tags:", "tags: ", "k:  "])
item = st.builds(lambda i, v: f"{' ' * i}- {v}", st.sampled_from([0, 0, 2, 4]),
                 st.sampled_from(VALUES))


@settings(max_examples=1000, deadline=None)
@given(st.lists(line | other | item, max_size=8), st.booleans())
def test_simple_yaml_is_pyyaml(lines: list[str], lenient: bool) -> None:
    assert_as_pyyaml("\n".join(lines) + "\n", lenient)


@settings(max_examples=400, deadline=None)
@given(st.text(max_size=40), st.booleans())
def test_simple_yaml_is_pyyaml_on_any_text(text: str, lenient: bool) -> None:
    assert_as_pyyaml(text, lenient)


@pytest.mark.parametrize("value", VALUES)
def test_every_value_alone(value: str) -> None:
    for key in KEYS:
        for separator in SEPARATORS:
            assert_as_pyyaml(f"{key}{separator}{value}\n", False)
            assert_as_pyyaml(f"k: [{value}]\nl: [x, {value}]\n", True)


@pytest.mark.parametrize("text", [
    "k:\n- a\n  - b\n", "k:\n  - a\n- b\n", "k:\n  - a\n    b\n", "k:\n- a\nj: 1\n- b\n",
    "k:\n-\n- \n", "k:\n - a\n - b\n", "k: x\n  - a\n", "k:\n- a\n\n- b\n", "k:\n\n- a\n",
    "a:\n  - x\n  - y\nb: [1]\nc:\n- z\n", "k:\n- a\n-b\n", "k:\n- a\n - b\n", "k:\n  -\n  - 1\n",
    "k:\n- 'a\n  b'\n", "k:\n- a\n  # c\n", "k:\n- a\nk2:\n  - b\n", "- a\n- b\n", "k:\n- - a\n"])
def test_lists_read_as_pyyaml_reads_them(text: str) -> None:
    assert_as_pyyaml(text, False)
    assert_as_pyyaml(text, True)


def test_common_front_matter_is_read_without_pyyaml() -> None:
    """The shapes most posts have do take the fast path (else the test above proves little)."""
    common = ["title: Post number 7\ndate: 2024-01-01T10:00:00+00:00\ntags: [bench, post7]\n",
              'title: "Part 1: the plan"\ndate: 2024-01-31\ndraft: false\nweight: -3\n',
              "title: 'Über'\ncategories: [\"a b\", c]\nslug: my-post\nimage: /img/x.png\n",
              "layout: post\ntitle: Hello\ncomments: true\ndescription: a, b and c\n\n",
              "title: Lists\ntags:\n- a\n- b c\ncategories:\n  - 'x'\n  - 2024\n  -\ndraft: no\n"]
    for text in common:
        assert assert_as_pyyaml(text, False), text
    assert _simple_yaml(common[0], False) == {
        "title": "Post number 7", "date": pyyaml(common[0], False)[1]["date"],
        "tags": ["bench", "post7"]}


def test_repeated_key_is_read_as_pyyaml_reads_it(tmp_path: Path) -> None:
    """A key given twice is an error (Hugo, Zola) or the last value wins (Jekyll, Hexo), in
    its first place; the error is PyYAML's, word for word, however the front matter is read
    (a block scalar after it sends it to PyYAML)."""
    assert _simple_yaml("title: a\ntitle: b\n", False) == Twice("title", 1)
    assert list(_simple_yaml("title: a\ndate: 2024-01-01\ntitle: b\n", True).items()) == [
        ("title", "b"), ("date", date(2024, 1, 1))]
    said = []
    for rest in ("", "more: |\n  a block\n"):
        text = f"---\ndraft: true\ntitle: a\ntitle: 'b'\n{rest}---\nbody\n"
        with pytest.raises(PostError) as refused:
            parse_post(text.encode(), tmp_path / "a.md", "a.md")
        said.append(str(refused.value))
    assert said[0] == said[1] == ("a.md:4: YAML front matter does not parse at line 4, column 1: "
                                  + given_twice("title"))
    # A line PyYAML refuses after the repeated key is the error it reports.
    assert _simple_yaml("title: a\ntitle: b\nx: [a\n", False) is None


def test_quoted_values_with_escapes_are_read_without_pyyaml() -> None:
    for text in ('title: "The \\"Ruby Hacking Guide\\" is out"\n', "title: 'It''s out'\n",
                 'path: "C:\\\\x\\/y"\n'):
        assert assert_as_pyyaml(text, False), text
    assert _simple_yaml('title: "a \\"b\\""\n', False) == {"title": 'a "b"'}
    assert _simple_yaml('title: "a\\nb"\n', False) is None  # other escapes: PyYAML's


# The lines of a quoted value over several lines: text, spaces, the other quote mark,
# escapes, blank lines, what may end a document, a comment's mark, a key's shape.
FOLD_PARTS = ["a", "b c", " ", "  x", "y  ", "", "'", "''", '"', '\\"', "\\", "---", "...",
              "--- z", "... z", "-- -", "#c", "k: v", "- i", "é", "\t", "'q' r", '"q" r']
folded_value = st.builds(
    lambda q, parts, after: q + "\n".join(parts) + q + after,
    st.sampled_from(['"', "'"]), st.lists(st.sampled_from(FOLD_PARTS), min_size=2, max_size=5),
    st.sampled_from(["", "  ", " # c", "x", "\t"]))
folded_line = st.builds(lambda k, v: f"{k}: {v}", st.sampled_from(KEYS[:6]), folded_value)


@settings(max_examples=1500, deadline=None)
@given(st.lists(line | item | folded_line | folded_line, min_size=1, max_size=5), st.booleans())
def test_quoted_values_over_lines_are_read_as_pyyaml_reads_them(lines: list[str],
                                                                 lenient: bool) -> None:
    assert_as_pyyaml("\n".join(lines) + "\n", lenient)


def test_a_title_over_two_lines_is_read_without_pyyaml() -> None:
    """Editors fold long titles (ruby-lang.org's news has them); PyYAML cost each process of a
    cold list ~10 ms to import for one such post."""
    text = ('title: "Concurso Galardón Ruby Fukuoka 2022 - Los programas participantes serán\n'
            'juzgados por Matz"\nauthor: "Fukuoka Ruby"\n')
    assert _simple_yaml(text, False) == {
        "title": "Concurso Galardón Ruby Fukuoka 2022 - Los programas participantes serán "
                 "juzgados por Matz", "author": "Fukuoka Ruby"}
    for text in ("t: 'it''s\n  out'\n", 't: "a  \n\n   b "\nx: 1\n', 't: "a\n---"\n',
                 "t: \"a\n  b\"\ntags:\n- x\n"):
        assert assert_as_pyyaml(text, False), text
    for text in ('t: "a\n--- b"\n', 't: "a\n b" # c\n', 't: "a\n \\"b\\""\n', 't: "a\n b\n'):
        assert _simple_yaml(text, False) is None, text


def pyyaml_scalar(text: str) -> Any:
    """A plain scalar resolved and constructed by PyYAML itself with blog's loader."""
    loader = _yaml_loader(False)
    tag = yaml.resolver.Resolver().resolve(yaml.ScalarNode, text, (True, False))
    if tag == "tag:yaml.org,2002:str":
        return text
    try:
        return loader.yaml_constructors[tag](yaml.constructor.SafeConstructor(),
                                             yaml.ScalarNode(tag, text))
    except ValueError:
        return ("refused",)


def test_the_resolvers_read_without_pyyaml_are_pyyamls() -> None:
    table = yaml.resolver.Resolver.yaml_implicit_resolvers
    assert _yaml_loader(False).yaml_implicit_resolvers is table
    assert _yaml_loader(True).yaml_implicit_resolvers is table
    assert None not in table  # no resolver for every first character
    assert {first for first in table if first} == set(_RESOLVED_FIRST)
    for word, value in _WORDS.items():
        assert typed(pyyaml_scalar(word)) == typed(value), word
    for word in ("y", "n", "Y", "N", "nil", "none", "TRUE1", "onward", "yes!", "Nope"):
        assert pyyaml_scalar(word) == word


digits = st.text("0123456789", min_size=1, max_size=3)


def two(most: list[str]) -> st.SearchStrategy[str]:
    """Mostly well-formed parts (so that timestamps are made often), sometimes any digits."""
    return st.one_of(*[st.sampled_from(most)] * 4, digits)


stamp = st.builds(lambda y, m, d, sep, h, mi, s, frac, zone: f"{y}-{m}-{d}{sep}{h}:{mi}:{s}"
                  f"{frac}{zone}", two(["2024", "0000", "1970", "9999"]),
                  two(["01", "1", "12", "13"]), two(["01", "9", "31", "30"]),
                  st.sampled_from(["T", "T", " ", "t", "  ", "\t", "x"]),
                  two(["0", "10", "23", "24"]), two(["00", "59", "60"]), two(["00", "59", "61"]),
                  st.sampled_from(["", ".", ".5", ".1234567"]),
                  st.sampled_from(["", "Z", " Z", "+01:00", "-05:30", "-0530", "-5", "+23:59",
                                   "+24:00", "\tZ", "z", "-1", "+9:30", "-08:00", "+0:45"]))
scalar = (stamp | st.text("0123456789-+:._ eETtZxbo~nNulyYsf", min_size=1, max_size=24)
          | st.text("0123456789-+:._ eETtZxb~nNIiafFrgs<=", min_size=1, max_size=12)
          | st.builds(lambda y, m, d: f"{y}-{m}-{d}", digits, digits, digits)
          | st.sampled_from([v for v in VALUES if v.strip()] + KEYS + ["-0", "+0", "00", "-01"]))


@settings(max_examples=2000, deadline=None)
@given(scalar)
def test_scalars_known_without_pyyaml_are_what_pyyaml_makes(text: str) -> None:
    known = _known_scalar(text)
    if known is not _NO:
        expected = pyyaml_scalar(text)
        # PyYAML's error on an impossible date: blog's loader keeps the text
        assert typed(known) == typed(text if expected == ("refused",) else expected), text


def test_a_text_no_number_resolver_takes_is_known_without_pyyaml() -> None:
    """A value such as a translator's name "7riatsu" made each process of a cold list of
    ruby-lang.org's news import PyYAML (~10 ms) to be sure it was no number."""
    table = _yaml_loader(False).yaml_implicit_resolvers
    for text in ("7riatsu", "3rd", "-p0", "1.9.3-p551", "2024-01-01 noon", "+ x", ".5 r"):
        assert _known_scalar(text) == text == pyyaml_scalar(text)
        assert not any(regexp.match(text) for first in (text[0], None)
                       for _, regexp in table.get(first, []))


def test_the_usual_scalars_are_known_without_pyyaml() -> None:
    for text in ("title", "Post One", "true", "false", "null", "2026-12-04T03:01:02Z", "-0",
                 "2024-01-01", "2024-01-01 10:00:00 +01:00", "-3", "2024-13-45", "tags", "draft",
                 "2009-12-25 10:41:06 +0000"):
        assert _known_scalar(text) is not _NO, text
