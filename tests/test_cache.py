"""The result cache: a file is served from its stat signature only while it is surely unchanged."""

from __future__ import annotations

import marshal
import os
import time
from pathlib import Path

import pytest

from blogcli.cache import RACY_SLACK_NS, FileCache, signature


def _old(path: Path, data: bytes) -> os.stat_result:
    path.write_bytes(data)
    return path.stat()


def _later(cache: FileCache) -> FileCache:
    """Pretend this run reads files well after they last changed (instead of sleeping 2 s)."""
    cache.started += 10 * RACY_SLACK_NS
    return cache


def test_unchanged_file_is_served_by_its_signature(tmp_path: Path) -> None:
    post = tmp_path / "a.md"
    st = _old(post, b"one")
    cache = _later(FileCache(tmp_path, "t", 1))
    cache.put("a.md", b"one", {"n": 1}, signature(st))
    cache.save()
    assert FileCache(tmp_path, "t", 1).lookup("a.md", signature(post.stat())) == {"n": 1}


def test_rewritten_file_with_same_size_and_mtime_is_not_served_stale(tmp_path: Path) -> None:
    post = tmp_path / "a.md"
    st = _old(post, b"one")
    cache = _later(FileCache(tmp_path, "t", 1))
    cache.put("a.md", b"one", {"n": 1}, signature(st))
    cache.save()
    time.sleep(0.01)  # let the clock tick, as any real edit does
    post.write_bytes(b"two")
    os.utime(post, ns=(st.st_atime_ns, st.st_mtime_ns))  # same size, same mtime: only ctime moved
    again = post.stat()
    assert (again.st_size, again.st_mtime_ns) == (st.st_size, st.st_mtime_ns)
    warm = FileCache(tmp_path, "t", 1)
    assert warm.lookup("a.md", signature(again)) is None
    assert warm.get("a.md", post.read_bytes(), signature(again)) is None


def test_racy_entry_is_checked_by_content(tmp_path: Path) -> None:
    post = tmp_path / "a.md"
    post.write_bytes(b"one")  # changed just now: as recent as the read itself
    sig = signature(post.stat())
    cache = FileCache(tmp_path, "t", 1)
    cache.put("a.md", b"one", {"n": 1}, sig)
    cache.save()
    warm = FileCache(tmp_path, "t", 1)
    assert warm.lookup("a.md", sig) is None  # could have changed again within the clock tick
    assert warm.get("a.md", b"one", sig) == {"n": 1}
    assert warm.get("a.md", b"two", sig) is None


def test_content_hit_records_the_signature_for_the_next_run(tmp_path: Path) -> None:
    post = tmp_path / "a.md"
    st = _old(post, b"one")
    cache = FileCache(tmp_path, "t", 1)
    cache.put("a.md", b"one", {"n": 1})  # no signature: only the hash is known
    cache.save()
    warm = _later(FileCache(tmp_path, "t", 1))
    assert warm.lookup("a.md", signature(st)) is None
    assert warm.get("a.md", b"one", signature(st)) == {"n": 1}
    warm.save()
    assert FileCache(tmp_path, "t", 1).lookup("a.md", signature(st)) == {"n": 1}


def test_other_version_is_ignored(tmp_path: Path) -> None:
    cache = FileCache(tmp_path, "t", 1)
    cache.put("a.md", b"one", {"n": 1})
    cache.save()
    assert FileCache(tmp_path, "t", 2).get("a.md", b"one") is None


def test_check_sees_a_same_size_edit_that_kept_the_mtime(tmp_path: Path) -> None:
    from blogcli.check.checker import check_site
    from blogcli.site import find_site

    (tmp_path / "blog.toml").write_text('[site]\ntitle = "T"\nprofile = "plain"\n')
    (tmp_path / "posts").mkdir()
    post = tmp_path / "posts" / "a.md"
    post.write_text("---\ntitle: A\ndate: 2024-01-01\n---\n\n[x](b.md)\n")
    (tmp_path / "posts" / "b.md").write_text("---\ntitle: B\ndate: 2024-01-01\n---\n\nB\n")
    site = find_site(site_dir=tmp_path)
    assert [f.rule for f in check_site(site).findings] == []
    before = post.stat()
    post.write_text("---\ntitle: A\ndate: 2024-01-01\n---\n\n[x](c.md)\n")
    os.utime(post, ns=(before.st_atime_ns, before.st_mtime_ns))
    assert [f.target for f in check_site(site).findings] == ["c.md"]


def test_few_changes_go_to_the_journal_and_are_read_back(tmp_path: Path) -> None:
    cache = FileCache(tmp_path, "t", 1)
    for n in range(100):
        cache.put(f"{n}.md", b"%d" % n, n)
    cache.save()
    assert not cache.journal.exists()
    again = FileCache(tmp_path, "t", 1)
    again.put("1.md", b"changed", "new")
    again.save()
    assert cache.journal.exists() and again._journal_lines == 1
    whole = cache.journal.read_bytes()
    with cache.journal.open("ab") as torn:  # a writer killed mid-record
        torn.write(whole[:-3])
    third = FileCache(tmp_path, "t", 1)
    assert third.get("1.md", b"changed") == "new"
    assert third.get("2.md", b"2") == 2


def test_many_changes_rewrite_the_file_and_drop_the_journal(tmp_path: Path) -> None:
    cache = FileCache(tmp_path, "t", 1)
    cache.put("a.md", b"a", 0)
    cache.save()
    cache = FileCache(tmp_path, "t", 1)
    cache.put("a.md", b"b", 1)
    cache.save()
    assert cache.journal.exists()
    cache = FileCache(tmp_path, "t", 1)
    for n in range(200):
        cache.put(f"{n}.md", b"%d" % n, n)
    cache.save()
    assert not cache.journal.exists()
    assert FileCache(tmp_path, "t", 1).get("a.md", b"b") == 1


def test_list_sees_a_same_size_edit_that_kept_the_mtime(tmp_path: Path) -> None:
    from blogcli.listing.records import collect
    from blogcli.site import find_site

    (tmp_path / "blog.toml").write_text('[site]\ntitle = "T"\nprofile = "plain"\n')
    (tmp_path / "posts").mkdir()
    post = tmp_path / "posts" / "a.md"
    post.write_text("---\ntitle: AAA\ndate: 2024-01-01\n---\n\nWords here.\n")
    site = find_site(site_dir=tmp_path)
    assert [r.title for r in collect(site).records] == ["AAA"]
    before = post.stat()
    post.write_text("---\ntitle: BBB\ndate: 2024-01-01\n---\n\nWords here.\n")
    os.utime(post, ns=(before.st_atime_ns, before.st_mtime_ns))
    assert [r.title for r in collect(site).records] == ["BBB"]


def test_a_file_system_without_ctime_never_vouches_for_a_file(tmp_path: Path) -> None:
    cache = _later(FileCache(tmp_path, "t", 1))
    no_ctime = [3, 1_600_000_000_000_000_000, 42, 0]
    cache.put("a.md", b"one", {"n": 1}, no_ctime)
    assert cache.lookup("a.md", no_ctime) is None
    assert cache.get("a.md", b"one", no_ctime) == {"n": 1}


def test_a_cache_of_the_wrong_shape_is_rebuilt_and_said_once(tmp_path: Path) -> None:
    import marshal

    from tests.conftest import run_blog

    site = tmp_path / "site"
    (site / "posts").mkdir(parents=True)
    (site / "blog.toml").write_text('[site]\ntitle = "T"\nprofile = "plain"\n', encoding="utf-8")
    for n in range(3):
        (site / "posts" / f"p{n}.md").write_text(
            f"---\ntitle: P{n}\ndate: 2024-01-0{n + 1}T10:00:00Z\n---\n\nSee [x](/posts/p0/).\n",
            encoding="utf-8")
    env = {"XDG_CACHE_HOME": str(tmp_path / "cache")}
    first = [run_blog(cmd, cwd=site, env=env) for cmd in ("check", "list")]
    assert [done.returncode for done in first] == [0, 0]
    for path in (tmp_path / "cache").rglob("*.cache"):
        head, _, payload = path.read_bytes().partition(b"\n")
        entries = marshal.loads(payload)
        for n, entry in enumerate(entries.values()):
            entry[1] = [1, 2] if n == 0 else {"links": "x"} if n == 1 else entry[1]
        path.write_bytes(head + b"\n" + marshal.dumps(entries))  # edited: the seal fails
    check, listed = (run_blog(cmd, cwd=site, env=env) for cmd in ("check", "list"))
    assert (check.returncode, listed.returncode) == (0, 0)
    assert "check cache" in check.stderr and "was damaged" in check.stderr
    assert "listing cache" in listed.stderr and "Traceback" not in listed.stderr
    assert check.stdout == first[0].stdout and listed.stdout == first[1].stdout
    again = [run_blog(cmd, cwd=site, env=env) for cmd in ("check", "list")]
    assert [done.stderr for done in again] == ["", ""]


@pytest.mark.parametrize("record", [b"N", b"i\x07\x00\x00\x00", b"[\x00\x00\x00\x00",
                                    b"[\x03\x00\x00\x00i\x01\x00\x00\x00)\x00N"])
def test_a_journal_record_of_the_wrong_shape_is_skipped(tmp_path: Path, record: bytes) -> None:
    # Found by tests/test_fuzz.py (as JSON lines then): a `null` entry raised TypeError in
    # every check and list. Sealed records of another shape are skipped.
    import zlib

    cache = FileCache(tmp_path, "t", 1)
    cache.put("a.md", b"one", {"n": 1})
    cache.save()
    good = marshal.dumps([1, "b.md", ["d", {"n": 2}]])
    cache.journal.write_bytes(b"".join(
        len(body).to_bytes(4, "little") + zlib.crc32(body).to_bytes(4, "little") + body
        for body in (record, good)))
    again = FileCache(tmp_path, "t", 1)
    assert again.get("a.md", b"one") == {"n": 1}
    assert again.get("b.md", b"x") is None and "b.md" in again


def test_a_damaged_journal_record_ends_the_journal(tmp_path: Path) -> None:
    cache = FileCache(tmp_path, "t", 1)
    cache.put("a.md", b"one", {"n": 1})
    cache.save()
    for n in range(3):
        again = FileCache(tmp_path, "t", 1)
        again.put(f"{n}.md", b"%d" % n, (n, [n]))
        again.save()
    data = bytearray(cache.journal.read_bytes())
    assert FileCache(tmp_path, "t", 1).get("2.md", b"2") == (2, [2])  # as stored: a tuple
    data[len(data) // 2] ^= 0xFF  # a flipped byte in the second record
    cache.journal.write_bytes(bytes(data))
    again = FileCache(tmp_path, "t", 1)
    assert again.get("0.md", b"0") == (0, [0]) and again.get("2.md", b"2") is None
    assert again.get("a.md", b"one") == {"n": 1}


def test_a_cache_in_the_json_format_of_blog_0_1_is_ignored_and_removed(tmp_path: Path) -> None:
    cache = FileCache(tmp_path, "t", 1)
    old = cache.path.with_suffix(".json")
    old.parent.mkdir(parents=True)
    # As blog 0.1 wrote it, sealed: its entries are not taken, nor is it "damaged".
    old.write_bytes(b'{"version":1,"seal":"%s","entries":{"a.md":["%s",{"n":1}]}}' % (
        b"0" * 32, FileCache.digest(b"one").encode()))
    again = FileCache(tmp_path, "t", 1)
    assert again.get("a.md", b"one") is None and not again.damaged
    again.put("a.md", b"one", {"n": 2})
    again.save()
    assert not old.exists() and FileCache(tmp_path, "t", 1).get("a.md", b"one") == {"n": 2}


@pytest.mark.parametrize("cut", [1, 20, 100])
def test_a_torn_cache_file_is_dropped_whole_and_said(tmp_path: Path, cut: int) -> None:
    cache = FileCache(tmp_path, "t", 1)
    for n in range(100):
        cache.put(f"{n}.md", b"%d" % n, {"n": n, "links": [[f"{n}.md", 1, 2, "link"]]})
    cache.save()
    data = cache.path.read_bytes()
    cache.path.write_bytes(data[:-cut])  # a disk full, a copy cut short
    again = FileCache(tmp_path, "t", 1)
    assert again.get("1.md", b"1") is None and again.damaged
    again.put("1.md", b"1", {"n": 1})
    again.save()
    assert not FileCache(tmp_path, "t", 1).damaged


def test_a_cache_written_by_another_python_is_ignored(tmp_path: Path) -> None:
    cache = FileCache(tmp_path, "t", 1)
    cache.put("a.md", b"one", {"n": 1})
    cache.save()
    head, rest = cache.path.read_bytes().split(b" version ", 1)
    cache.path.write_bytes(head.replace(b"python 3.", b"python 9.") + b" version " + rest)
    again = FileCache(tmp_path, "t", 1)
    assert again.get("a.md", b"one") is None and not again.damaged


def test_a_value_marshal_cannot_write_leaves_the_cache_as_it_was(tmp_path: Path) -> None:
    cache = FileCache(tmp_path, "t", 1)
    cache.put("a.md", b"one", {"n": 1})
    cache.save()
    for many in (1, 200):  # the journal, then the whole file
        again = FileCache(tmp_path, "t", 1)
        for n in range(many):
            again.put(f"{n}.md", b"x", {"n": n})
        again.put("odd.md", b"x", {"n": Path("odd")})  # no plain value
        again.save()
        assert FileCache(tmp_path, "t", 1).get("a.md", b"one") == {"n": 1}
