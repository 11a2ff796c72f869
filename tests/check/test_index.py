"""The site index (check/index.py): checking a few files against it says, for each of them,
exactly what a whole-site check says, on every fixture site, after edits that change what
other pages' links find there (each edit must reach the index)."""

from __future__ import annotations

import dataclasses
import marshal
import os
import re
import shutil
from pathlib import Path

import pytest

from blogcli import cache
from blogcli.check import index, reuse
from blogcli.check.checker import check_site, site_urls
from blogcli.check.findings import CheckResult
from blogcli.check.scan import collect_facts
from blogcli.pages import Page
from blogcli.site import MARKDOWN_SUFFIXES, Site, find_site

SITES = Path(__file__).resolve().parent.parent / "fixtures" / "sites"
NAMES = sorted(p.name for p in SITES.iterdir() if p.is_dir())
Row = tuple[int, int, str, str, str, str | None]


def per_file(result: CheckResult) -> dict[str, list[Row]]:
    out: dict[str, list[Row]] = {}
    for f in result.findings:
        out.setdefault(f.path, []).append((f.line, f.column, f.rule, f.severity, f.message,
                                           f.target))
    return out


def pages(root: Path) -> list[str]:
    return [p.rel for p in find_site(site_dir=root).pages() if p.rel.endswith(MARKDOWN_SUFFIXES)]


def assert_same(root: Path) -> int:
    """Each page checked alone (a fresh Site each time, as a new run) finds what the whole
    site check finds for it; returns how many of the others came from the index."""
    whole = per_file(check_site(find_site(site_dir=root)))
    served = 0
    for rel in pages(root):
        site = find_site(site_dir=root)
        held = index.SiteIndex(site)
        signed = {p.rel: cache.signature(os.stat(root / p.rel)) for p in site.pages()}
        served += len(held.keys.lookup_many(signed)) + len(held.pages.lookup_many(signed))
        alone = per_file(check_site(site, [root / rel]))
        assert alone.get(rel, []) == whole.get(rel, []), rel
        assert set(alone) <= {rel, "blog.toml"}
    return served


def front_matter(path: Path, key: str, value: str) -> None:
    """Set ``key`` in the file's YAML or TOML front matter (replacing the key's line)."""
    text = path.read_text(encoding="utf-8")
    toml = text.startswith("+++")
    line = f"{key} = {value}" if toml else f"{key}: {value}"
    pattern = re.compile(rf"^{key}\s*[:=].*$", re.M)
    head, sep, rest = text.partition("\n")
    if pattern.search(rest.split(head, 1)[0]):
        rest = pattern.sub(line, rest, count=1)
    else:
        rest = line + "\n" + rest
    path.write_text(head + sep + rest, encoding="utf-8")


def linked_site(name: str, tmp_path: Path) -> tuple[Path, Site, str, list[str]]:
    """A copy of fixture ``name`` where one post links to every page (and each page's first
    anchor) and to a file of the site: the linker, and the pages in the order they are edited."""
    root = tmp_path / name
    shutil.copytree(SITES / name, root)
    site = find_site(site_dir=root)
    rels = pages(root)
    facts = collect_facts(site, rels)
    urls = site_urls(site, facts)
    posts = [p.rel for p in site.pages() if p.kind == "post" and p.rel in facts
             and not facts[p.rel].get("error")]
    linker = posts[0]
    here = (root / linker).parent
    lines = ["", ""]
    for rel in rels:
        if rel == linker or not urls.get(rel):
            continue
        lines.append(f"[to {rel}]({urls[rel][0]})")
        for anchor in facts[rel].get("anchors", [])[:1]:
            lines.append(f"[anchor of {rel}]({urls[rel][0]}#{anchor})")
    files = sorted(p for p in root.rglob("*") if p.is_file() and p.suffix in (".png", ".html"))
    lines += [f"[file {p.name}]({os.path.relpath(p, here)})" for p in files]
    with (root / linker).open("a", encoding="utf-8") as handle:
        handle.write("\n".join(lines) + "\n")
    targets = [rel for rel in rels if rel != linker]
    return root, site, linker, targets


@pytest.mark.parametrize("name", NAMES)
def test_one_file_checked_against_the_index_is_judged_as_in_the_whole_site(
        name: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # Files written by this test are younger than the racy-write margin: trusted all the same,
    # so that the index is used (each edit below changes the file's ctime, so it is seen).
    monkeypatch.setattr(cache, "RACY_SLACK_NS", 0)
    root, _, linker, targets = linked_site(name, tmp_path)
    assert_same(root)  # builds the index
    assert assert_same(root) > 0  # and uses it
    with_anchor = next((t for t in targets if re.search(r"^#+ \S", (root / t).read_text(
        encoding="utf-8"), re.M)), None)
    if with_anchor is not None:  # a heading removed
        text = (root / with_anchor).read_text(encoding="utf-8")
        (root / with_anchor).write_text(re.sub(r"^#+ \S.*\n", "", text, count=1, flags=re.M),
                                        encoding="utf-8")
        assert_same(root)
    front_matter(root / targets[0], "draft", "true")  # a target drafted
    assert_same(root)
    dated = targets[1 % len(targets)]
    front_matter(root / dated, "date", "2999-01-01")  # a date moved to the future
    assert_same(root)
    moved = root / targets[-1]  # a post renamed
    moved.rename(moved.with_name("renamed-" + moved.name))
    assert_same(root)
    for file in sorted(root.rglob("*.png")):  # a static file deleted
        file.unlink()
        assert_same(root)
    (root / linker).unlink()  # the linking page itself gone
    assert_same(root)


def test_the_index_keeps_every_field_of_a_page_but_its_path() -> None:
    # A new field of Page (something the URL may depend on) must join page_key.
    page = Page("/s/a.md", "a.md", "post", "fr", "content", "posts", ("x",), True, True, True)
    names = [f.name for f in dataclasses.fields(Page)]
    assert len(index.page_key(page)) == len(names) - 2
    changed = [dataclasses.replace(page, **{n: "other" if isinstance(getattr(page, n), str)
                                            else not getattr(page, n) if isinstance(
                                                getattr(page, n), bool) else ("y",)})
               for n in names if n not in ("path", "rel")]
    assert all(index.page_key(c) != index.page_key(page) for c in changed)


def test_equal_pages_share_one_key_that_marshal_keeps_once() -> None:
    # page_key hands equal Pages one list, so the index file holds it once; it still says
    # exactly what the Page's fields say, and a Page differing in any field gets another.
    page = Page("/s/a.md", "a.md", "post", "fr", "content", "posts", ("x",), True, True, True)
    twin = dataclasses.replace(page, path="/s/b.md", rel="b.md")
    key = index.page_key(page)
    assert key is index.page_key(twin)
    assert key == ["post", "fr", "content", "posts", ["x"], True, True, True]
    other = dataclasses.replace(page, categories=("y",))
    assert index.page_key(other) == ["post", "fr", "content", "posts", ["y"], True, True, True]
    entries = {f"p{n}.md": [index.page_key(page), f"p{n}"] for n in range(50)}
    loaded = marshal.loads(marshal.dumps(entries))
    assert loaded == entries and loaded["p0.md"][0] is loaded["p49.md"][0]


def test_page_signatures_are_the_stat_signatures(tmp_path: Path) -> None:
    # The few-files check signs every page in one loop: what _stat_signature says of each
    # (a missing file: None; a link: its target's), and what ``signed`` holds where it has one.
    from blogcli.check.checker import _page_signatures, _stat_signature

    root = tmp_path / "site"
    shutil.copytree(SITES / "hugo-states", root)
    site = find_site(site_dir=root)
    listed = site.pages()
    gone = Path(listed[0].path)
    gone.unlink()
    linked = Path(listed[-1].path)
    target = root / "elsewhere.md"
    target.write_bytes(linked.read_bytes())
    linked.unlink()
    linked.symlink_to(target)
    prefix = str(site.root) + "/"
    expected = {p.rel: _stat_signature(prefix + p.rel) for p in listed}
    assert expected[listed[0].rel] is None and expected[listed[-1].rel] is not None
    assert _page_signatures(str(site.root), listed, {}) == expected
    given = {prefix + listed[1].rel: [1, 2, 3, 4]}
    assert _page_signatures(str(site.root), listed, given) == {
        **expected, listed[1].rel: [1, 2, 3, 4]}


@pytest.mark.parametrize("part", ["keys", "pages"])
def test_a_damaged_index_is_read_again(part: str, tmp_path: Path,
                                       monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(cache, "RACY_SLACK_NS", 0)  # so that the index is read at all
    root = tmp_path / "hugo-states"
    shutil.copytree(SITES / "hugo-states", root)
    check_site(find_site(site_dir=root))  # fills the index
    facts = collect_facts(find_site(site_dir=root), pages(root))
    rel = next(rel for rel, fact in facts.items() if fact.get("links"))  # reads all of it
    expected = per_file(check_site(find_site(site_dir=root), [root / rel]))
    held = index.SiteIndex(find_site(site_dir=root))
    # A duplicate key that is a number; light facts of the wrong shape; written over the
    # marshalled entries, whose seal then fails.
    path = held.keys.path if part == "keys" else held.pages.path
    head, _, payload = path.read_bytes().partition(b"\n")
    entries = marshal.loads(payload)
    for entry in entries.values():
        entry[1] = [entry[1][0], 7] if part == "keys" else [{"slug": 0}, entry[1][1]]
    path.write_bytes(head + b"\n" + marshal.dumps(entries))
    result = check_site(find_site(site_dir=root), [root / rel])
    assert per_file(result) == expected
    assert any("was damaged" in note for note in result.notes)


def fresh(root: Path) -> tuple[dict[str, list[Row]], int]:
    """A whole-site check made from the files, the last one's result put aside: its findings
    per file and how many links it counted."""
    site = find_site(site_dir=root)
    reuse.result_path(site).unlink(missing_ok=True)
    result = check_site(site)
    return per_file(result), result.links


def assert_reused_right(root: Path) -> bool:
    """The whole-site check says what a fresh one says; True when it was the kept result."""
    return how_reused(root) == "kept"


def how_reused(root: Path) -> str:
    """The whole-site check says what a fresh one says: "kept" when it was the last result,
    "spliced" when a few pages changed in place, "" when checked afresh."""
    kept = reuse.load(find_site(site_dir=root))
    how = "kept" if kept.result is not None else "spliced" if kept.changed else ""
    result = check_site(find_site(site_dir=root))
    assert (per_file(result), result.links) == fresh(root)
    return how


@pytest.mark.parametrize("name", NAMES)
def test_a_whole_site_result_is_reused_only_while_nothing_it_read_changed(
        name: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(cache, "RACY_SLACK_NS", 0)
    root, _, linker, targets = linked_site(name, tmp_path)
    assert not assert_reused_right(root)  # nothing kept yet
    assert assert_reused_right(root)  # kept, and right
    edits = []
    # In place, in a page's body: only that page is checked again, the rest is kept.
    body = next(t for t in targets if not (root / t).read_text(encoding="utf-8").startswith("{"))
    # Then past a hundred links to one target, which the count stands for (and is taken off
    # again when the page is next checked).
    for added in ("\nMore words.\n", "\n[a new link](/nowhere/) and [one](#nothing)\n",
                  "\n" + "[again](/nowhere/) " * 150 + "\n", "\nAnd more.\n"):
        with (root / body).open("a", encoding="utf-8") as handle:
            handle.write(added)
        assert how_reused(root) == "spliced"
        assert assert_reused_right(root)
    with_anchor = next((t for t in targets if re.search(r"^#+ \S", (root / t).read_text(
        encoding="utf-8"), re.M)), None)
    if with_anchor is not None:
        text = (root / with_anchor).read_text(encoding="utf-8")
        edits.append(lambda: (root / with_anchor).write_text(
            re.sub(r"^#+ \S.*\n", "", text, count=1, flags=re.M), encoding="utf-8"))
    edits.append(lambda: front_matter(root / targets[0], "draft", "true"))
    edits.append(lambda: front_matter(root / targets[1 % len(targets)], "date", "2999-01-01"))
    moved = root / targets[-1]
    edits.append(lambda: moved.rename(moved.with_name("renamed-" + moved.name)))
    edits += [lambda file=file: file.unlink() for file in sorted(root.rglob("*.png"))]
    edits.append(lambda: (root / "static-added.html").write_text("<p id=x>", encoding="utf-8"))
    edits.append(lambda: (root / linker).unlink())
    for edit in edits:
        edit()
        assert not assert_reused_right(root)  # the edit was seen
        assert assert_reused_right(root)
    # The clock passing a page's date: 2999-01-01 is now in the past.
    monkeypatch.setenv("BLOG_NOW", "3000-01-01T00:00:00+00:00")
    assert not assert_reused_right(root)
    assert assert_reused_right(root)
    monkeypatch.setenv("BLOG_NOW", "3000-02-01T00:00:00+00:00")  # no date in between
    assert assert_reused_right(root)


def test_facts_are_unpacked_when_first_read_and_read_as_they_were() -> None:
    from blogcli.check.facts import Facts, packed, unpacked

    readable = {"slug": "a", "meta": {"title": "A", "tags": ["x"]}, "anchors": ["top"],
                "headings": [["Top", None]], "certain": True}
    broken = {"error": ["file-unreadable", 1, "cannot read"]}
    assert unpacked(packed(readable)) == readable and packed(broken) is broken
    assert packed(None) is None and isinstance(packed(readable), bytes)
    plain = {"a.md": readable, "b.md": broken, "c.md": dict(readable, slug="c")}
    facts = Facts({rel: packed(fact) for rel, fact in plain.items()})  # type: ignore[misc]
    assert facts["c.md"] == plain["c.md"] and "b.md" in facts and len(facts) == 3
    assert [type(v) for v in facts._values.values()] == [bytes, dict, dict]  # c.md read
    assert dict(facts.items()) == plain and facts.get("z.md") is None
    assert dict(facts.readable()) == {"a.md": readable, "c.md": plain["c.md"]}


def test_a_post_checked_against_the_index_unpacks_only_the_pages_it_links_to(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from blogcli.check import facts as facts_module

    monkeypatch.setattr(cache, "RACY_SLACK_NS", 0)  # so that the index is used
    root = tmp_path / "site"
    (root / "posts").mkdir(parents=True)
    (root / "blog.toml").write_text('[site]\ntitle = "T"\nprofile = "plain"\n')
    for n in range(20):
        (root / f"posts/p{n}.md").write_text(f"---\ntitle: P{n}\ndate: 2024-01-02\n---\n\n"
                                             f"## Part {n}\n\nText.\n", encoding="utf-8")
    check_site(find_site(site_dir=root))  # fills the index
    (root / "posts/new.md").write_text("---\ntitle: New\ndate: 2024-01-03\n---\n\n"
                                       "[three](p3.md#part-3), [four](p4.md#nowhere).\n")
    unpacked: list[str] = []  # the slug of each page whose facts were unpacked

    class Seen:
        dumps = staticmethod(marshal.dumps)

        @staticmethod
        def loads(data: bytes) -> object:
            value = marshal.loads(data)
            unpacked.append(value["slug"])
            return value

    monkeypatch.setattr(facts_module, "marshal", Seen)
    result = check_site(find_site(site_dir=root), [root / "posts/new.md"])
    assert [(f.rule, f.target) for f in result.findings] == [("link-anchor", "p4.md#nowhere")]
    assert sorted(unpacked) == ["p3", "p4"]
