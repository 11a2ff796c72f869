"""The quick scaffold renderer writes exactly what Jinja2 writes, or leaves the template to it."""

from __future__ import annotations

import itertools
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from blogcli import templates
from blogcli.create.fields import Bare, front_matter_value
from tests.conftest import REPO

ENV = templates.environment()
SCAFFOLDS = sorted(p for p in (REPO / "scaffolds").rglob("*.md") if p.name != "index.md")


def jinja(source: str, values: dict[str, Any]) -> str:
    """The same template through Jinja2 itself (the sandboxed environment blog uses)."""
    return "".join(ENV.from_string(source).generate(values))


def scaffold_values(profile: str, draft: bool, author: str, title: str,
                    tags: list[str]) -> dict[str, Any]:
    return {"title": title, "slug": "a-slug", "date": Bare("2026-04-09T10:00:00+02:00"),
            "author": author, "tags": tags, "draft": draft,
            "site": {"title": "Lab", "author": author, "profile": profile, "config": {}}}


@pytest.mark.parametrize("path", SCAFFOLDS, ids=lambda p: str(p.relative_to(REPO)))
def test_builtin_scaffolds_render_as_jinja2_renders_them(path: Path) -> None:
    source = path.read_text(encoding="utf-8")
    fm_format = "toml" if source.startswith("+++") else "yaml"

    def finalize(value: Any) -> Any:
        return front_matter_value(value, fm_format)

    template = templates.environment(finalize).from_string(source)
    for profile, draft, author, (title, tags) in itertools.product(
            ["plain", "hugo", "jekyll", "hexo", "zola"], [True, False],
            ["", "Tyler Zhu", 'Ö "q": x'],
            [("Hello", []), ("Thoughts on JEPA: The Return of SSL", ["ssl", "ml"]),
             ("yes", ["a b"]), ("日本語のタイトル", ['x"y'])]):
        values = scaffold_values(profile, draft, author, title, tags)
        quick = templates.quick_render(source, values, finalize)
        assert quick is not None, "the built-in scaffolds must not need Jinja2"
        assert quick == "".join(template.generate(values))


NAMES = {"title": "T: x", "author": "", "draft": True, "tags": ["a"], "n": 0,
         "site": {"profile": "hugo", "title": "S"}}
PATHS = ["title", "author", "draft", "tags", "n", "site.profile", "site.title"]
text = st.text(alphabet=" \n\tab:{}%-#", max_size=6).filter(
    lambda t: "{{" not in t and "{%" not in t and "{#" not in t and not t.endswith("{"))
dash = st.sampled_from(["", "-"])


@st.composite
def conditions(draw: st.DrawFn) -> str:
    def one() -> str:
        path = draw(st.sampled_from(PATHS))
        kind = draw(st.sampled_from(["", "not ", "in", "not in"]))
        if kind.endswith("in"):
            words = draw(st.lists(st.sampled_from(["hugo", "plain", "T: x", ""]), min_size=1,
                                  max_size=3))
            return f"{path} {kind} ({', '.join(repr(w) for w in words)},)"
        return f"{kind}{path}"
    return " and ".join(one() for _ in range(draw(st.integers(1, 3))))


@st.composite
def template(draw: st.DrawFn, depth: int = 0) -> str:
    parts = []
    for _ in range(draw(st.integers(0, 4))):
        kind = draw(st.sampled_from(["text", "var", "if"] if depth < 2 else ["text", "var"]))
        if kind == "text":
            parts.append(draw(text))
        elif kind == "var":
            parts.append(f"{{{{{draw(dash)} {draw(st.sampled_from(PATHS))} {draw(dash)}}}}}")
        else:
            body = draw(template(depth + 1))
            other = draw(st.none() | template(depth + 1))
            tag = f"{{%{draw(dash)} if {draw(conditions())} {draw(dash)}%}}"
            otherwise = "" if other is None else \
                f"{{%{draw(dash)} else {draw(dash)}%}}{other}"
            parts.append(f"{tag}{body}{otherwise}{{%{draw(dash)} endif {draw(dash)}%}}")
        parts.append(draw(text))
    return "".join(parts)


@settings(max_examples=300, deadline=None)
@given(template())
def test_any_template_of_names_and_ifs_renders_as_jinja2_renders_it(source: str) -> None:
    quick = templates.quick_render(source, NAMES)
    assert quick is not None
    assert quick == jinja(source, NAMES)


@pytest.mark.parametrize("source", [
    "{{ title | upper }}", "{% for t in tags %}{{ t }}{% endfor %}", "{# note #}{{ title }}",
    "{{ missing }}", "{{ site.items }}", "{{ site.nope }}", "{% if draft %}x", "{% endif %}",
    "a\r\nb {{ title }}", "{% if draft or n %}x{% endif %}", "{% elif draft %}",
    "{{ title }", "{% if n == 0 %}x{% endif %}", "{{ true }}", "{% set x = 1 %}",
    "{% if site.profile in (1, 2) %}x{% endif %}", "{% if title in ('T') %}x{% endif %}",
])
def test_other_templates_are_left_to_jinja2(source: str) -> None:
    assert templates.quick_render(source, NAMES) is None


def test_an_undefined_name_still_gets_jinja2s_message() -> None:
    from blogcli.errors import UsageError

    with pytest.raises(UsageError, match=r"post\.md:2: 'missing' is undefined"):
        templates.render("---\n{{ missing }}\n", "post.md", NAMES)
