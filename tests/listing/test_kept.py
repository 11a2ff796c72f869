"""The kept ``blog list`` output (listing/kept.py): printed again only while it is what a fresh
listing prints, on a copy of every fixture site, after each kind of edit a blog sees."""

from __future__ import annotations

import re
import shutil
import time
from collections.abc import Callable
from pathlib import Path

import pytest
from typer.testing import CliRunner

from blogcli import cache
from blogcli.cli import app
from blogcli.listing import kept
from blogcli.site import find_site

SITES = Path(__file__).resolve().parent.parent / "fixtures" / "sites"
NAMES = sorted(p.name for p in SITES.iterdir() if p.is_dir())
SLACK_NS = 20_000_000  # the racy-write rule, shortened so that a test need not wait 2 s
SHAPES = (("text", True, 100), ("json", True, 0), ("text", False, 100))


def run(root: Path, output: str, drafts: bool, width: int = 100) -> tuple[int, str, str]:
    args = ["--site", str(root), "list", "--format", output]
    result = CliRunner().invoke(app, [*args, "--drafts" if drafts else "--no-drafts"],
                                env={"COLUMNS": str(width)})
    return result.exit_code, result.stdout, result.stderr


def listed(root: Path, output: str = "text", drafts: bool = True, width: int = 100) -> bool:
    """``blog list`` prints what a fresh listing prints; True when it printed the kept one."""
    found = kept.load(root, kept.variant(output, drafts, width, False))
    reused = found is not None and found.output is not None
    printed = run(root, output, drafts)
    for old in cache.site_cache_dir(root).glob("list-*.kept"):
        old.unlink()
    assert printed == run(root, output, drafts)  # fresh (and kept again)
    assert printed[0] == 0
    return reused


def settle() -> None:
    """Let the files just written grow older than the racy-write slack, so the next listing
    may be kept."""
    time.sleep(3 * SLACK_NS / 1e9)


def settled_copy(site: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A copy of the fixture ``site``, old enough (under the shortened slack) to be kept."""
    monkeypatch.setattr(cache, "RACY_SLACK_NS", SLACK_NS)
    root = tmp_path / site
    shutil.copytree(SITES / site, root)
    settle()
    return root


def edit_front_matter(path: Path, key: str, value: str) -> None:
    text = path.read_text(encoding="utf-8")
    fence = "+++" if text.startswith("+++") else "---"
    sep = " = " if fence == "+++" else ": "
    quoted = f'"{value}"' if fence == "+++" and not value[0].isdigit() and value not in (
        "true", "false") else value
    head, rest = text[len(fence):].split(f"\n{fence}", 1)
    lines = [line for line in head.split("\n") if not re.match(rf"{key}\s*[:=]", line)]
    path.write_text(f"{fence}{chr(10).join(lines)}\n{key}{sep}{quoted}\n{fence}{rest}",
                    encoding="utf-8")


@pytest.mark.parametrize("name", NAMES)
def test_a_kept_listing_is_printed_only_while_a_fresh_one_prints_the_same(
        name: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root = settled_copy(name, tmp_path, monkeypatch)
    site = find_site(site_dir=root)
    posts = [p.rel for p in site.pages() if p.kind == "post" and not p.in_drafts]
    posts.sort(key=lambda rel: rel.rsplit("/", 1)[-1].startswith("index."))  # bundles last
    first, second, third = (root / rel for rel in (posts * 3)[:3])
    # A draft: draft = true, or (Jekyll, Hexo: they ignore the key) a file in the drafts folder.
    shelf = site.drafts_dir if site.profile in ("jekyll", "hexo") else None
    shelved = shelf / third.name if shelf is not None else third

    def draft(on: bool) -> None:
        if shelf is None:
            edit_front_matter(third, "draft", "true" if on else "false")
        elif on:
            shelf.mkdir(exist_ok=True)
            third.rename(shelved)
        else:
            shelved.rename(third)

    for shape in SHAPES:
        assert not listed(root, *shape)  # nothing kept yet
        assert listed(root, *shape)  # kept, and right
    blog_toml = root / "blog.toml"
    edits: list[tuple[str, Callable[[], object]]] = [
        ("body", lambda: first.write_text(first.read_text(encoding="utf-8") +
                                          "\nTwo more words.\n", encoding="utf-8")),
        ("title", lambda: edit_front_matter(second, "title", "A title set later")),
        ("draft", lambda: draft(True)),
        ("undraft", lambda: draft(False)),
        ("future", lambda: edit_front_matter(first, "date", "2999-01-01")),
        ("added", lambda: shutil.copy(second, second.with_name("zz-added.md"))),
        ("broken", lambda: second.with_name("zz-broken.md").write_text(
            "---\ntitle: [unclosed\n---\nBody.\n", encoding="utf-8")),
        ("removed", lambda: second.with_name("zz-broken.md").unlink()),
        ("renamed", lambda: second.rename(second.with_name("renamed-" + second.name))),
        ("config", lambda: blog_toml.write_text('[site]\nauthor = "Ada"\n', encoding="utf-8")),
        ("config edit", lambda: blog_toml.write_text('[site]\nauthor = "Bo"\n',
                                                     encoding="utf-8")),
    ]
    for what, edit in edits:
        before = run(root, "json", True)
        edit()
        settle()
        assert run(root, "json", True) != before, what  # each edit shows
        for shape in SHAPES:
            assert not listed(root, *shape), what  # the edit was seen
            # kept, unless no post is listed (all drafts): then the listing says more
            assert listed(root, *shape) or run(root, "json", shape[1])[1] == "[]\n", what
    # The clock passing a post's date: 2999-01-01 is now in the past.
    monkeypatch.setenv("BLOG_NOW", "3000-01-01T00:00:00+00:00")
    assert not listed(root)
    assert listed(root)
    monkeypatch.setenv("BLOG_NOW", "3000-02-01T00:00:00+00:00")  # no date in between
    assert listed(root)
    monkeypatch.setenv("BLOG_NOW", "2000-01-01T00:00:00+00:00")  # back before most dates
    assert not listed(root)
    assert listed(root)


def test_nothing_is_kept_from_files_written_just_before_the_listing(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root = tmp_path / "hugo"
    shutil.copytree(SITES / "hugo-states", root)
    assert not listed(root)
    assert not listed(root)  # the files are younger than the racy-write slack (2 s)
    monkeypatch.setattr(cache, "RACY_SLACK_NS", SLACK_NS)
    settle()
    assert not listed(root)
    assert listed(root)
    post = next(root.rglob("future.md"))
    size = post.stat().st_size
    post.write_text(post.read_text(encoding="utf-8").replace("title", "TITLE", 1),
                    encoding="utf-8")
    assert post.stat().st_size == size  # an edit of the same size, at once: still seen
    assert not listed(root)


def test_a_damaged_kept_output_is_listed_afresh(tmp_path: Path,
                                                monkeypatch: pytest.MonkeyPatch) -> None:
    root = settled_copy("zola", tmp_path, monkeypatch)
    assert not listed(root)
    for damage in (b"", b"{not json\n", b'{"key": 1}\n', b"\xff\xfe\n\xff", None):
        for path in cache.site_cache_dir(root).glob("list-*.kept"):
            data = path.read_bytes()
            # None: a sound head, the output cut short
            path.write_bytes(data[:-10] if damage is None else damage)
        assert not listed(root)
        assert listed(root)


def test_a_few_outputs_are_kept_per_site(tmp_path: Path,
                                         monkeypatch: pytest.MonkeyPatch) -> None:
    root = settled_copy("hugo-states", tmp_path, monkeypatch)
    widths = range(60, 60 + 2 * kept.MAX_KEPT)
    for width in widths:
        run(root, "text", True, width)
    assert len(list(cache.site_cache_dir(root).glob("list-*.kept"))) == kept.MAX_KEPT

    def reused(width: int) -> bool:
        found = kept.load(root, kept.variant("text", True, width, False))
        return found is not None and found.output is not None

    assert [reused(width) for width in widths] == [False] * kept.MAX_KEPT + [True] * kept.MAX_KEPT


def test_a_listing_counted_by_workers_is_kept_and_seen_edited(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """With enough posts for forked workers, the tree is signed while they count (not after):
    the output is kept, printed again, and listed afresh after an edit."""
    from blogcli.workers import POOL_MIN_FILES

    monkeypatch.setattr(cache, "RACY_SLACK_NS", SLACK_NS)
    root = tmp_path / "many"
    (root / "posts").mkdir(parents=True)
    (root / "blog.toml").write_text('[site]\ntitle = "Many"\n', encoding="utf-8")
    for i in range(POOL_MIN_FILES + 20):
        (root / "posts" / f"p{i:03}.md").write_text(
            f"---\ntitle: P{i}\ndate: 2024-02-{i % 28 + 1:02}\n---\n" + "word " * i,
            encoding="utf-8")
    settle()
    assert not listed(root)
    assert listed(root)
    post = root / "posts" / "p100.md"
    post.write_text(post.read_text(encoding="utf-8") + "and more\n", encoding="utf-8")
    settle()
    assert not listed(root)
    assert listed(root)


def test_a_pinned_hugo_decides_whether_a_post_with_a_key_given_twice_is_listed(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Hugo before 0.152 (or a site that pins none) keeps the last value: the post is listed.
    Pinning a later Hugo makes it a page the build refuses: listed no more, said so, and
    neither the kept output nor the listing cache may answer for the old pin."""
    root = settled_copy("hugo-states", tmp_path, monkeypatch)
    post = root / "content/posts/live.md"
    text = post.read_text(encoding="utf-8")
    post.write_text(text.replace("\ntitle:", "\ntitle: First\ntitle:", 1), encoding="utf-8")
    settle()
    code, before, _ = run(root, "json", True)
    assert code == 0 and post.relative_to(root).as_posix() in before
    assert run(root, "json", True)[1] == before  # (kept)
    (root / ".github/workflows").mkdir(parents=True)
    (root / ".github/workflows/hugo.yml").write_text("env:\n  HUGO_VERSION: 0.152.2\n",
                                                     encoding="utf-8")
    settle()
    code, after, err = run(root, "json", True)
    assert post.relative_to(root).as_posix() not in after
    assert "is given twice" in err
