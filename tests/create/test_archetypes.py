"""`blog new` writes what the site's own templates say: Hugo archetypes (compared with the real
`hugo new content` when hugo is installed), the site's front-matter format, jekyll-compose's
defaults."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest
from typer.testing import CliRunner

from blogcli.cli import app
from tests.helpers import make

runner = CliRunner()
HUGOS = [h for h in ("/usr/bin/hugo", "/work/realblogs/hugo-new") if Path(h).is_file()]
FIELDS = """---
title: "{{ replace .File.ContentBaseName "-" " " | title }}"
date: {{ .Date }}
name: {{ .Name }}
section: {{ .Section }}
type: {{ .Type }}
draft: true
tags: []
author: {{ .Site.Params.author }}
sitetitle: {{ .Site.Title }}
{{/* a comment */}}
---
Body {{ .File.BaseFileName }} {{ now.Year }} {{- " trimmed" }}
"""




def blog(root: Path, *args: str) -> str:
    result = runner.invoke(app, ["--site", str(root), "new", *args])
    assert result.exit_code == 0, result.output
    return (root / result.stdout.strip()).read_text(encoding="utf-8")


def no_dates(text: str) -> str:
    return re.sub(r"\d{4}-\d\d-\d\dT[\d:]+(Z|[+-]\d\d:\d\d)", "DATE", text)


def test_section_archetype_fields_as_hugo_fills_them(tmp_path: Path) -> None:
    root = make(tmp_path, {"hugo.toml": 'title = "Lab"\n[params]\nauthor = "T"\n',
                           "content/posts/": "", "archetypes/posts.md": FIELDS,
                           "archetypes/default.md": "---\ntitle: default\n---\n"})
    text = blog(root, "My Post")
    year = re.search(r"date: (\d{4})", text)
    assert year is not None
    assert no_dates(text) == (
        '---\ntitle: "My Post"\ndate: DATE\nname: my-post\nsection: posts\ntype: posts\n'
        f"draft: true\ntags: []\nauthor: T\nsitetitle: Lab\n\n---\n"
        f"Body my-post {year[1]} trimmed\n")


@pytest.mark.parametrize("hugo", HUGOS)
def test_archetype_matches_the_real_hugo_new_content(tmp_path: Path, hugo: str) -> None:
    files = {"hugo.toml": 'title = "Lab"\n', "content/posts/": "", "archetypes/posts.md": FIELDS}
    ours, theirs = make(tmp_path / "ours", files), make(tmp_path / "theirs", files)
    done = subprocess.run([hugo, "new", "content", "posts/my-post.md"], cwd=theirs,
                          capture_output=True, text=True, check=False)
    if done.returncode != 0:  # Hugo before 0.118 has no `new content`
        done = subprocess.run([hugo, "new", "posts/my-post.md"], cwd=theirs,
                              capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stderr
    hugo_made = (theirs / "content/posts/my-post.md").read_text(encoding="utf-8")
    assert no_dates(blog(ours, "My Post")) == no_dates(hugo_made)


def test_hugo_default_toml_archetype_gets_the_real_title(tmp_path: Path) -> None:
    default = ("+++\ndate = '{{ .Date }}'\ndraft = true\n"
               "title = '{{ replace .File.ContentBaseName \"-\" \" \" | title }}'\n+++\n")
    root = make(tmp_path, {"hugo.toml": "", "content/posts/": "", "archetypes/default.md": default})
    text = blog(root, "Thoughts on JEPA: The Return of SSL", "--tag", "ssl", "--no-draft")
    assert no_dates(text) == ("+++\ndate = 'DATE'\ndraft = false\n"
                              'title = "Thoughts on JEPA: The Return of SSL"\ntags = ["ssl"]\n'
                              "+++\n")


def test_theme_archetype_is_used_after_the_sites(tmp_path: Path) -> None:
    root = make(tmp_path, {"hugo.toml": 'theme = "paper"\n', "content/posts/": "",
                           "themes/paper/archetypes/posts.md": "---\nfrom: theme\n---\n"})
    assert blog(root, "A") == "---\nfrom: theme\ntitle: A\n---\n"
    make(root, {"archetypes/default.md": "---\nfrom: site default\n---\n"})
    # Hugo's order: the site's section archetype, the theme's, then default.md
    assert blog(root, "B") == "---\nfrom: theme\ntitle: B\n---\n"


def test_archetype_beyond_the_subset_is_refused_with_its_line(tmp_path: Path) -> None:
    root = make(tmp_path, {"hugo.toml": "", "content/posts/": "",
                           "archetypes/posts.md": "---\ntitle: x\n{{ range .Site.Pages }}\n---\n"})
    result = runner.invoke(app, ["--site", str(root), "new", "A"])
    assert result.exit_code == 2
    assert result.stderr.startswith("Error: archetypes/posts.md:3: `{{ range .Site.Pages }}`")
    assert "hugo new content" in result.stderr
    assert not (root / "content/posts/a.md").exists()


@pytest.mark.parametrize(("opener", "expected"), [("+++", "+++\ntitle = \"New\"\n"),
                                                  ("---", "---\ntitle: New\n")])
def test_new_post_in_the_format_the_sites_posts_use(tmp_path: Path, opener: str,
                                                    expected: str) -> None:
    old = ("+++\ntitle = \"Old\"\n+++\n" if opener == "+++" else "---\ntitle: Old\n---\n")
    root = make(tmp_path, {"config.yaml": "title: L\n", "content/posts/old.md": old})
    text = blog(root, "New", "--tag", "a b")
    assert text.startswith(expected)
    tags = 'tags = ["a b"]' if opener == "+++" else 'tags: ["a b"]'
    assert tags in text


def test_jekyll_compose_layout_and_default_front_matter(tmp_path: Path) -> None:
    config = ("title: J\njekyll_compose:\n  default_front_matter:\n"
              "    drafts:\n      description: ''\n      image:\n"
              "    posts:\n      comments: true\n      tags: [x]\n")
    root = make(tmp_path, {"_config.yml": config, "_posts/": "", "_drafts/": ""})
    draft = blog(root, "A Draft")
    assert draft.startswith("---\nlayout: post\ntitle: A Draft\n")
    assert "description: ''\nimage: null\n---\n" in draft
    post = blog(root, "A Post", "--no-draft", "--date", "2024-03-05")
    assert post.startswith("---\nlayout: post\ntitle: A Post\ndate: 2024-03-05\n")
    assert "comments: true\n---\n" in post and "tags: []" in post  # the post's own tags win


def test_hugo_is_compared_here_when_installed() -> None:
    if not shutil.which("hugo") and not HUGOS:
        pytest.skip("no hugo on this machine: the comparison with it did not run")
    assert HUGOS
