"""Reading posts: front matter formats, line offsets, and every way a file can be broken."""

from __future__ import annotations

import os
from datetime import UTC, date, datetime, timedelta, timezone
from pathlib import Path

import pytest

from blogcli.post import PostError, load_post, parse_date, parse_post
from blogcli.site import open_site


@pytest.fixture
def site(tmp_path: Path):
    (tmp_path / "blog.toml").write_text('[site]\ntitle = "T"\n', encoding="utf-8")
    (tmp_path / "posts").mkdir()
    return open_site(tmp_path)


def write(site, name: str, data: bytes) -> Path:
    path = site.posts_dir / name
    path.write_bytes(data)
    return path


def test_yaml_front_matter_and_body_line(site) -> None:
    path = write(site, "a.md", b"---\ntitle: Hello\ntags: [a, b]\n---\nBody line\n")
    post = load_post(path, site)
    assert post.meta == {"title": "Hello", "tags": ["a", "b"]}
    assert post.body == "Body line\n"
    assert post.body_line == 5
    assert post.fm_format == "yaml"
    assert post.slug == "a"
    assert post.tags == ["a", "b"]


def test_toml_front_matter(site) -> None:
    path = write(site, "t.md", b'+++\ntitle = "T"\ndraft = true\n+++\n\nText\n')
    post = load_post(path, site)
    assert post.meta == {"title": "T", "draft": True}
    assert post.draft is True
    assert post.body_line == 5
    assert post.fm_format == "toml"


def test_json_front_matter(site) -> None:
    path = write(site, "j.md", b'{\n  "title": "J",\n  "slug": "jay"\n}\nBody\n')
    post = load_post(path, site)
    assert post.meta == {"title": "J", "slug": "jay"}
    assert post.slug == "jay"
    assert post.body == "Body\n"
    assert post.body_line == 5


def test_crlf_and_bom_are_read(site) -> None:
    path = write(site, "c.md", b"\xef\xbb\xbf---\r\ntitle: CRLF\r\n---\r\nBody\r\n")
    post = load_post(path, site)
    assert post.bom and post.crlf
    assert post.meta == {"title": "CRLF"}
    assert post.body == "Body\r\n"
    assert post.body_line == 4


def test_no_front_matter(site) -> None:
    post = load_post(write(site, "n.md", b"# Just text\n"), site)
    assert post.meta == {} and post.body_line == 1 and post.fm_format is None


def test_form_feed_does_not_shift_lines(site) -> None:
    post = load_post(write(site, "f.md", "---\ntitle: a\n---\nx\x0cy\u2028\n".encode()), site)
    assert post.body_line == 4
    broken = write(site, "g.md", b"page\x0cbreak\n---\n- not\n---\n")
    assert load_post(broken, site).body_line == 1


@pytest.mark.parametrize(
    ("data", "line", "words"),
    [
        (b"---\ntitle: x\nbody without closing\n", 1, "never closed"),
        (b"---\n- a\n- b\n---\n", 2, "is a list, not a mapping"),
        (b"---\ntitle: ok\nbad: [unclosed\n---\n", 4, "YAML front matter does not parse"),
        (b"+++\ntitle = \"x\"\nbad = \n+++\n", 3, "TOML front matter does not parse"),
        (b"{\n\"title\": \"x\",\n}\nbody\n", 3, "JSON front matter does not parse"),
        (b"---\ntitle: ok\n---\nfine\n\xff\xfe bad\n", 5, "not valid UTF-8"),
        (b"\x00\x01\x02binary", 1, "binary file"),
    ],
)
def test_broken_posts_name_the_line(site, data: bytes, line: int, words: str) -> None:
    path = write(site, "bad.md", data)
    with pytest.raises(PostError) as caught:
        load_post(path, site)
    assert caught.value.line == line
    assert words in caught.value.detail
    assert str(caught.value).startswith(f"posts/bad.md:{line}: ")


def test_unreadable_file_is_a_post_error(site) -> None:
    with pytest.raises(PostError, match="cannot read it"):
        load_post(site.posts_dir / "missing.md", site)


def test_jekyll_date_and_slug_from_file_name(tmp_path: Path) -> None:
    (tmp_path / "_config.yml").write_text("title: J\n", encoding="utf-8")
    (tmp_path / "_posts").mkdir()
    path = tmp_path / "_posts" / "2024-03-05-hello-world.md"
    path.write_text("---\ntitle: Hi\n---\n", encoding="utf-8")
    site = open_site(tmp_path)
    post = load_post(path, site)
    assert post.slug == "hello-world"
    assert post.date == date(2024, 3, 5)


def test_bundle_slug_is_folder_name(site) -> None:
    folder = site.posts_dir / "my-bundle"
    folder.mkdir()
    post = parse_post(b"---\ntitle: B\n---\n", folder / "index.md", "posts/my-bundle/index.md")
    assert post.slug == "my-bundle"


def test_drafts_folder_makes_a_draft(tmp_path: Path) -> None:
    (tmp_path / "_config.yml").write_text("title: J\n", encoding="utf-8")
    (tmp_path / "_posts").mkdir()
    (tmp_path / "_drafts").mkdir()
    path = tmp_path / "_drafts" / "idea.md"
    path.write_text("---\ntitle: Idea\n---\n", encoding="utf-8")
    assert load_post(path, open_site(tmp_path)).draft is True


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2024-01-02", date(2024, 1, 2)),
        ("2024-01-02T10:00:00Z", datetime(2024, 1, 2, 10, tzinfo=UTC)),
        ("2024-01-02 10:00:00 +0000", datetime(2024, 1, 2, 10, tzinfo=UTC)),
        ("2024-01-02T10:00:00+05:30",
         datetime(2024, 1, 2, 10, tzinfo=timezone(timedelta(hours=5, minutes=30)))),
        ("2024-01-02 10:00", datetime(2024, 1, 2, 10, 0)),
        ("2024-01-02T10:00:00.123-0700",
         datetime(2024, 1, 2, 10, 0, 0, 123000, tzinfo=timezone(timedelta(hours=-7)))),
        ("", None),
    ],
)
def test_parse_date_accepts_what_engines_accept(text: str, expected: object) -> None:
    assert parse_date(text) == expected


@pytest.mark.parametrize("text", ["2022-010-10", "2022-13-01", "yesterday", "2024-02-30"])
def test_parse_date_rejects_junk(text: str) -> None:
    with pytest.raises(ValueError):
        parse_date(text)


def test_an_impossible_yaml_date_is_text_not_a_crash(tmp_path: Path) -> None:
    """PyYAML raises ValueError for 2024-13-45; the post still loads and the date is text."""
    from blogcli.post import split_front_matter

    meta, _, _, _ = split_front_matter("---\ntitle: T\ndate: 2024-13-45\n---\nBody\n", "a.md")
    assert meta["date"] == "2024-13-45"
    ok, _, _, _ = split_front_matter("---\ndate: 2024-01-02\n---\n", "b.md")
    assert ok["date"].isoformat() == "2024-01-02"


def test_fifo_is_refused_not_waited_on(site) -> None:
    fifo = site.posts_dir / "pipe.md"
    os.mkfifo(fifo)
    with pytest.raises(PostError, match="not a regular file"):
        load_post(fifo, site)


@pytest.mark.parametrize(("pins", "refused"), [
    ({".github/workflows/hugo.yml": "env:\n  HUGO_VERSION: 0.152.2\n"}, True),
    ({"netlify.toml": '[build.environment]\n  HUGO_VERSION = "0.160.0"\n'}, True),
    ({".github/workflows/gh-pages.yml": "with:\n  hugo-version: '0.128.0'\n"}, False),
    ({".github/workflows/gh-pages.yml": "with:\n  hugo-version: 'latest'\n"}, True),
    ({}, False),  # no pin: a host's default Hugo is old, so the build may well keep the last
    ({".github/workflows/a.yml": "HUGO_VERSION: 0.160.0",
      "netlify.toml": "HUGO_VERSION = '0.111.3'"}, False),  # two pins: which builds it?
])
def test_a_key_given_twice_on_hugo_is_refused_as_the_pinned_hugo_refuses_it(
        tmp_path: Path, pins: dict[str, str], refused: bool) -> None:
    """Hugo 0.152 and later refuse the page; before, the last value won. Which Hugo builds the
    site is read from where sites pin it (liuchaowen/hugo-blog-papermod pins 0.128.0 in its
    workflow: its 15 posts with a key given twice were errors and left out of the list)."""
    data = b"---\ntitle: a\ndate: 2024-01-01\ntitle: b\n---\n"
    (tmp_path / "hugo.toml").write_text('title = "T"\n', encoding="utf-8")
    (tmp_path / "content/posts").mkdir(parents=True)
    for name, text in pins.items():
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text(text, encoding="utf-8")
    hugo = open_site(tmp_path)
    if refused:
        with pytest.raises(PostError) as caught:
            load_post(write(hugo, "bad.md", data), hugo)
        assert (caught.value.line, "key 'title' is given twice" in str(caught.value)) == (4, True)
    else:
        assert load_post(write(hugo, "bad.md", data), hugo).meta["title"] == "b"


def test_the_last_of_a_key_given_twice_wins_on_jekyll(tmp_path: Path) -> None:
    data = b"---\ntitle: a\ndate: 2024-01-01\ntitle: b\n---\n"
    jekyll_root = tmp_path / "j"
    (jekyll_root / "_posts").mkdir(parents=True)
    (jekyll_root / "_config.yml").write_text("title: T\n", encoding="utf-8")
    jekyll = open_site(jekyll_root)
    post = load_post(write(jekyll, "2024-01-01-bad.md", data), jekyll)
    assert post.meta["title"] == "b"  # Jekyll's YAML reader keeps the last value


def test_hugo_front_matter_ends_at_a_line_that_starts_with_its_delimiter(tmp_path: Path) -> None:
    """Hugo's page lexer closes front matter at the first line starting with ``---`` (or
    ``+++``), the rest of that line being the body's start: a real post whose closing line had
    text pasted after it built (8,198 words), where blog said its front matter did not parse.
    Jekyll wants the delimiter alone on its line."""
    (tmp_path / "hugo.toml").write_text('title = "T"\n', encoding="utf-8")
    (tmp_path / "content/posts").mkdir(parents=True)
    hugo = open_site(tmp_path)
    data = b"---\ntitle: Docs\ndate: 2026-06-01\n---pasted words\n---\nmore: text\n"
    post = load_post(write(hugo, "docs.md", data), hugo)
    assert (post.title, post.body, post.body_line) == ("Docs", "pasted words\n---\nmore: text\n", 4)
    toml = b"+++\ntitle = 'T'\n+++ and on\n"
    assert load_post(write(hugo, "toml.md", toml), hugo).body == " and on\n"
    jekyll_root = tmp_path / "j"
    (jekyll_root / "_posts").mkdir(parents=True)
    (jekyll_root / "_config.yml").write_text("title: T\n", encoding="utf-8")
    jekyll = open_site(jekyll_root)
    with pytest.raises(PostError):
        load_post(write(jekyll, "2024-01-01-docs.md", data), jekyll)
