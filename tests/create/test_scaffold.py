"""`blog new`: slugs, file names per profile, scaffolds, and refusing what would do harm."""

from __future__ import annotations

import os
import re
import stat
import subprocess
from pathlib import Path

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from blogcli.cli import app
from blogcli.create.fields import Bare, front_matter_value
from blogcli.create.post import UNUSUAL, has_unusual, hexo_post_name, render_scaffold, slugify
from blogcli.errors import UsageError
from blogcli.files import atomic_write
from blogcli.post import load_post, split_front_matter
from blogcli.site import find_site
from tests.conftest import REPO
from tests.helpers import make

runner = CliRunner()




def blog(root: Path, *args: str):
    return runner.invoke(app, ["--site", str(root), *args])


@pytest.fixture
def plain(tmp_path: Path) -> Path:
    return make(tmp_path / "site", {"blog.toml": '[site]\ntitle = "Lab"\nauthor = "Tyler Zhu"\n',
                                    "posts/": ""})


@pytest.mark.parametrize(
    ("title", "slug"),
    [
        ("Thoughts on JEPA: The Return of SSL", "thoughts-on-jepa-the-return-of-ssl"),
        ("Über Café", "uber-cafe"),
        ("Straße & Smørrebrød", "strasse-smorrebrod"),
        ("  C++ -- is   fine?!  ", "c-is-fine"),
        ("../../etc/passwd", "etc-passwd"),
        ("!!!", ""),
        ("🎉🎉", ""),
        ("博客", "博客"),
        ("日本語のタイトル", "日本語のタイトル"),
        ("Ελληνικά Νέα", "ελληνικά-νέα"),
    ],
)
def test_slugify(title: str, slug: str) -> None:
    assert slugify(title) == slug


def test_slug_is_bounded() -> None:
    slug = slugify("word " * 100)
    assert len(slug) <= 80 and not slug.endswith("-")


def test_new_plain_post_as_in_the_readme(plain: Path) -> None:
    result = blog(plain, "new", "Thoughts on JEPA: The Return of SSL", "--tag", "ssl",
                  "--date", "2026-04-09T10:00:00+02:00")
    assert result.exit_code == 0, result.output
    assert result.stdout == "posts/thoughts-on-jepa-the-return-of-ssl.md\n"
    text = (plain / "posts/thoughts-on-jepa-the-return-of-ssl.md").read_text(encoding="utf-8")
    assert text == (
        "---\n"
        'title: "Thoughts on JEPA: The Return of SSL"\n'
        "date: 2026-04-09T10:00:00+02:00\n"
        "draft: true\n"
        "author: Tyler Zhu\n"
        'tags: ["ssl"]\n'
        "---\n\n"
    )


def test_default_date_is_now_with_local_offset(plain: Path) -> None:
    assert blog(plain, "new", "Now").exit_code == 0
    meta = yaml.safe_load((plain / "posts/now.md").read_text(encoding="utf-8").split("---")[1])
    assert meta["date"].tzinfo is not None


def test_dates_are_written_in_the_zone_the_site_names(tmp_path: Path,
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    """jekyll-compose writes a new draft's date in the site's ``timezone``, not the machine's."""
    site = make(tmp_path / "site", {"_config.yml": "title: T\ntimezone: Asia/Tokyo\n",
                                    "_posts/": "", "blog.toml": ""})
    monkeypatch.setenv("BLOG_NOW", "2026-12-24T16:30:00Z")
    assert blog(site, "new", "Eve").exit_code == 0
    assert blog(site, "new", "Given", "--date", "2026-05-01 10:00").exit_code == 0
    dates = {p.stem: yaml.safe_load(p.read_text(encoding="utf-8").split("---")[1])["date"]
             for p in (site / "_drafts").glob("*.md")}
    assert dates["eve"].isoformat() == "2026-12-25T01:30:00+09:00"  # the next day in Tokyo
    assert dates["given"].isoformat() == "2026-05-01T10:00:00+09:00"


@pytest.mark.parametrize(
    "title",
    ['Quotes "double" and \'single\'', "Colon: yes # not a comment", "yes", "2048",
     "- dash first", "[brackets]", "line one\nline two", "a / b .. c", "@handle", "{x}"],
)
def test_any_title_gives_valid_front_matter(plain: Path, title: str) -> None:
    result = blog(plain, "new", "--tag", "a: b", "--tag", "c", "--", title)
    assert result.exit_code == 0, result.output
    path = plain / result.stdout.strip()
    assert path.parent == plain / "posts"
    post = load_post(path, find_site(site_dir=plain))
    assert post.meta["title"] == " ".join(title.split())
    assert post.meta["tags"] == ["a: b", "c"]


@pytest.mark.parametrize("title", ["!!!", "🎉", "   "])
def test_title_without_letters_is_refused(plain: Path, title: str) -> None:
    result = blog(plain, "new", title)
    assert result.exit_code == 2
    assert result.stderr.startswith("Error: ")
    assert list((plain / "posts").iterdir()) == []


def test_cjk_title_with_explicit_slug(plain: Path) -> None:
    result = blog(plain, "new", "我的博客", "--slug", "my-blog")
    assert result.exit_code == 0
    post = load_post(plain / "posts/my-blog.md", find_site(site_dir=plain))
    assert post.title == "我的博客"


@pytest.mark.parametrize("slug", ["../../x", "a/b", "..", ".hidden", "a\\b", "a\nb", "a b",
                                  "tab\there", "\x7f"])
def test_slug_cannot_leave_the_posts_folder(plain: Path, slug: str) -> None:
    result = blog(plain, "new", "X", "--slug", slug)
    assert result.exit_code == 2
    assert "is not usable" in result.stderr
    assert sorted(p.name for p in plain.rglob("*") if p.is_file()) == ["blog.toml"]


def test_existing_file_is_never_overwritten(plain: Path) -> None:
    target = plain / "posts/hello.md"
    target.write_text("mine\n", encoding="utf-8")
    result = blog(plain, "new", "Hello")
    assert result.exit_code == 1
    assert result.stderr == ("Error: posts/hello.md already exists; not overwriting it "
                             "(use --force to replace it)\n")
    assert target.read_text(encoding="utf-8") == "mine\n"
    assert blog(plain, "new", "Hello", "--force").exit_code == 0
    assert target.read_text(encoding="utf-8").startswith("---\ntitle: Hello\n")


def test_dry_run_prints_and_writes_nothing(plain: Path) -> None:
    result = blog(plain, "new", "Dry", "--dry-run", "--date", "2025-01-02")
    assert result.exit_code == 0
    assert result.stdout.startswith("posts/dry.md\n---\ntitle: Dry\ndate: 2025-01-02\n")
    assert not (plain / "posts/dry.md").exists()


def test_bad_date_is_a_usage_error(plain: Path) -> None:
    result = blog(plain, "new", "X", "--date", "2022-010-10")
    assert result.exit_code == 2 and "--date" in result.stderr


def test_hugo_post_and_bundle(tmp_path: Path) -> None:
    root = make(tmp_path, {"hugo.toml": 'title = "H"\n', "content/posts/": ""})
    assert blog(root, "new", "Plain Post").stdout == "content/posts/plain-post.md\n"
    result = blog(root, "new", "Bundled", "--bundle")
    assert result.stdout == "content/posts/bundled/index.md\n"
    # no posts yet: written in hugo.toml's format, as Hugo's own default archetype is
    assert "\ndraft = true\n" in (root / "content/posts/bundled/index.md").read_text(
        encoding="utf-8")


def test_jekyll_post_and_draft(tmp_path: Path) -> None:
    root = make(tmp_path, {"_config.yml": "title: J\n", "_posts/": "", "_drafts/": ""})
    result = blog(root, "new", "Hello World", "--no-draft", "--date", "2024-03-05")
    assert result.stdout == "_posts/2024-03-05-hello-world.md\n"
    result = blog(root, "new", "Later")
    assert result.stdout == "_drafts/later.md\n"
    assert "draft:" not in (root / "_drafts/later.md").read_text(encoding="utf-8")


def test_hexo_new_post_name_and_site_scaffold(tmp_path: Path) -> None:
    root = make(tmp_path, {
        "_config.yml": "title: X\nnew_post_name: ':year-:month-:day-:title.md'\n",
        "source/_posts/": "", "source/_drafts/": "",
        # Hexo's own default scaffold, placeholders unquoted
        "scaffolds/post.md": "---\ntitle: {{ title }}\ndate: {{ date }}\ntags:\n---\n",
    })
    result = blog(root, "new", "Colon: inside", "--no-draft", "--date", "2024-03-05 10:00:00")
    assert result.exit_code == 0, result.output
    assert result.stdout == "source/_posts/2024-03-05-colon-inside.md\n"
    post = load_post(root / "source/_posts/2024-03-05-colon-inside.md", find_site(site_dir=root))
    assert post.meta["title"] == "Colon: inside"


def test_hexo_post_name_fields() -> None:
    from datetime import datetime
    when = datetime(2024, 3, 5, 7, 8, 9)
    assert hexo_post_name(":year/:i_month/:i_day/:title.md", "x", when) == "2024/3/5/x.md"
    assert hexo_post_name(":title", "x", when) == "x.md"


def test_zola_gets_toml_front_matter(tmp_path: Path) -> None:
    root = make(tmp_path, {"config.toml": 'base_url = "https://x"\n', "content/posts/": ""})
    result = blog(root, "new", 'Say "hi"', "--tag", "a", "--date", "2024-01-01T00:00:00Z")
    assert result.stdout == "content/posts/say-hi.md\n"
    post = load_post(root / "content/posts/say-hi.md", find_site(site_dir=root))
    assert post.fm_format == "toml"
    assert post.meta["title"] == 'Say "hi"'
    assert post.meta["taxonomies"] == {"tags": ["a"]}


def test_site_scaffold_wins(plain: Path) -> None:
    make(plain, {"scaffolds/post.md": "---\ntitle: {{ title }}\nmine: true\n---\n{{ slug }}\n"})
    blog(plain, "new", "Custom")
    assert (plain / "posts/custom.md").read_text(encoding="utf-8") == \
        "---\ntitle: Custom\nmine: true\n---\ncustom\n"


def test_scaffold_syntax_error_names_file_and_line(plain: Path) -> None:
    make(plain, {"scaffolds/post.md": "---\ntitle: {{ title }}\n---\n\n{% if %}\n"})
    result = blog(plain, "new", "X")
    assert result.exit_code == 2
    assert result.stderr.startswith("Error: scaffolds/post.md:5: template syntax error")
    assert not (plain / "posts/x.md").exists()


def test_scaffold_undefined_variable_names_file_and_line(plain: Path) -> None:
    make(plain, {"scaffolds/post.md": "---\ntitle: {{ title }}\nsub: {{ subtitle }}\n---\n"})
    result = blog(plain, "new", "X")
    assert result.exit_code == 2
    assert result.stderr.startswith("Error: scaffolds/post.md:3: 'subtitle' is undefined")
    assert "Traceback" not in result.output


def test_unknown_scaffold(plain: Path) -> None:
    result = blog(plain, "new", "X", "--scaffold", "nope")
    assert result.exit_code == 2 and "no scaffold named 'nope'" in result.stderr


def test_page_scaffold_goes_to_content_root(plain: Path) -> None:
    assert blog(plain, "new", "About", "--scaffold", "page").stdout == "about.md\n"


def test_posts_folder_linked_outside_is_refused(tmp_path: Path) -> None:
    outside = tmp_path / "outside"
    outside.mkdir()
    root = make(tmp_path / "site", {"blog.toml": ""})
    os.symlink(outside, root / "posts")
    result = blog(root, "new", "Escape")
    assert result.exit_code == 2
    assert "outside the site" in result.stderr
    assert list(outside.iterdir()) == []


def test_posts_path_that_is_a_file(tmp_path: Path) -> None:
    root = make(tmp_path, {"blog.toml": "", "posts": "not a folder"})
    result = blog(root, "new", "X")
    assert result.exit_code == 1
    assert result.stderr.startswith("Error: cannot write posts/x.md")


@pytest.fixture
def read_only(tmp_path: Path):
    """Make a folder unwritable even for root (who ignores mode bits): chattr +i."""
    made: list[Path] = []

    def lock(folder: Path) -> None:
        if os.geteuid() == 0:
            if subprocess.run(["chattr", "+i", str(folder)], check=False).returncode != 0:
                pytest.skip("chattr +i is not available on this file system")
        else:
            folder.chmod(stat.S_IRUSR | stat.S_IXUSR)
        made.append(folder)

    yield lock
    for folder in made:
        if os.geteuid() == 0:
            subprocess.run(["chattr", "-i", str(folder)], check=False)
        folder.chmod(0o755)


def test_read_only_posts_folder(plain: Path, read_only) -> None:
    read_only(plain / "posts")
    result = blog(plain, "new", "X")
    assert result.exit_code == 1
    assert result.stderr.startswith("Error: cannot write posts/x.md (")
    assert "Traceback" not in result.output
    assert list((plain / "posts").iterdir()) == []


def test_edit_opens_the_editor(plain: Path, tmp_path: Path, monkeypatch) -> None:
    editor = tmp_path / "editor.sh"
    editor.write_text('#!/bin/sh\necho "edited" >> "$1"\n', encoding="utf-8")
    editor.chmod(0o755)
    monkeypatch.setenv("EDITOR", str(editor))
    assert blog(plain, "new", "Edit Me", "--edit").exit_code == 0
    assert (plain / "posts/edit-me.md").read_text(encoding="utf-8").endswith("edited\n")


def test_atomic_write_failure_keeps_the_original(tmp_path: Path, monkeypatch) -> None:
    target = tmp_path / "post.md"
    target.write_bytes(b"original")

    def broken_replace(src: str, dst: str) -> None:
        raise OSError(5, "Input/output error")

    monkeypatch.setattr(os, "replace", broken_replace)
    with pytest.raises(OSError):
        atomic_write(target, b"new content")
    assert target.read_bytes() == b"original"
    assert [p.name for p in tmp_path.iterdir()] == ["post.md"]


def test_site_scaffold_cannot_run_code(plain: Path) -> None:
    make(plain, {"scaffolds/post.md":
                 "{{ cycler.__init__.__globals__.os.popen('echo pwned').read() }}\n"})
    result = blog(plain, "new", "X", "--dry-run")
    assert result.exit_code == 2
    assert "unsafe" in result.stderr and "pwned" not in result.output


def test_cjk_title_keeps_its_letters(plain: Path) -> None:
    result = blog(plain, "new", "日本語のタイトル")
    assert result.exit_code == 0, result.output
    assert result.stdout == "posts/日本語のタイトル.md\n"


def test_hexo_category_placeholder_uses_default_category(tmp_path: Path) -> None:
    root = make(tmp_path, {
        "_config.yml": "new_post_name: ':category/:title.md'\ndefault_category: Notes\n",
        "source/_posts/": "", "source/_drafts/": ""})
    result = blog(root, "new", "Cat", "--no-draft")
    assert result.stdout == "source/_posts/notes/cat.md\n"


def test_hexo_unknown_placeholder_is_refused(tmp_path: Path) -> None:
    root = make(tmp_path, {"_config.yml": "new_post_name: ':lang/:title.md'\n",
                           "source/_posts/": ""})
    result = blog(root, "new", "X", "--no-draft")
    assert result.exit_code == 2 and ":lang is not known" in result.stderr
    assert not any((root / "source/_posts").iterdir())


@pytest.mark.parametrize("tz", ["Asia/Tokyo", "America/New_York"])
def test_extreme_dates_are_a_clear_error(plain: Path, monkeypatch, tz: str) -> None:
    monkeypatch.setenv("TZ", tz)
    import time
    time.tzset()
    try:
        for when in ("9999-12-31T23:59:59", "0001-01-01T00:00:00"):
            result = blog(plain, "new", "X", "--date", when)
            assert result.exit_code in (0, 2), result.output
            assert "Traceback" not in result.output
            if result.exit_code == 2:
                assert "out of the range of dates" in result.stderr
    finally:
        monkeypatch.delenv("TZ")
        time.tzset()


@settings(max_examples=400, deadline=None)
@given(st.text(max_size=40).filter(lambda t: not has_unusual(t)))
def test_a_value_written_bare_reads_back_as_itself(text: str) -> None:
    written = front_matter_value(text, "yaml")
    assert yaml.safe_load(f"k: {written}") == {"k": text}


@settings(max_examples=400, deadline=None)
@given(st.text(max_size=40) | st.text(st.characters(max_codepoint=0x7f), max_size=40))
def test_has_unusual_is_the_full_pattern(text: str) -> None:
    """has_unusual's ASCII shortcut finds exactly what the whole pattern finds."""
    assert has_unusual(text) == (re.search(UNUSUAL, text) is not None)


def test_has_unusual_finds_each_kind() -> None:
    for char in "\x00\x08\x0b\x0c\x0e\x1f\x7f\x85\x9f\u2028\u2029\ud800\udfff\ufeff\ufffe\uffff":
        assert has_unusual(f"a{char}b"), repr(char)
    for text in ("", "plain title", "tab\tand\nnewline\r", "Café ünïcode ✓", "\xa0\u2027\u202a"):
        assert not has_unusual(text), repr(text)


BUILTIN = sorted(p for p in (REPO / "scaffolds").rglob("*.md") if p.name != "index.md")


@settings(max_examples=80, deadline=None)
@given(title=st.text(min_size=1, max_size=30).filter(str.strip), author=st.text(max_size=12),
       tags=st.lists(st.text(max_size=8), max_size=3), draft=st.booleans(),
       profile=st.sampled_from(["plain", "hugo", "jekyll", "hexo", "zola"]))
def test_builtin_scaffolds_write_front_matter_that_reads_back(
        title: str, author: str, tags: list[str], draft: bool, profile: str) -> None:
    """Why `blog new` need not read a built-in scaffold's output back: made of ordinary
    characters it always parses; with unusual ones it is read back, and refused if broken."""
    title = " ".join(title.split())
    values = {"title": title, "slug": "s", "date": Bare("2026-04-09T10:00:00+02:00"),
              "author": author, "tags": tags, "draft": draft,
              "site": {"title": "Lab", "author": author, "profile": profile, "config": {}}}
    for path in BUILTIN:
        source = path.read_text(encoding="utf-8")
        unusual = has_unusual(title + author + "".join(tags))
        try:
            content = render_scaffold(source, "built-in", values, builtin=True)
        except UsageError:
            assert unusual  # read back, and refused: as before
            continue
        if unusual:
            continue  # read back and parsed (a YAML line break may still have become a space)
        meta = split_front_matter(content, path.name)[0]
        assert meta["title"] == title
        if "tags" in source:
            assert meta.get("tags", meta.get("taxonomies", {}).get("tags")) == tags
