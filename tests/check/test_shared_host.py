"""Cases met on stared/jekyll-blog-pre-2022 (built with Debian's Jekyll 4.3.1): a blog whose
address has a path, on a host it shares with its author's other GitHub project pages, and a
Jekyll ``timezone`` that names no IANA zone (Jekyll sets TZ to it; the C library of the Linux
machines that build sites reads it as a POSIX TZ string, or as UTC)."""

from __future__ import annotations

import json
from datetime import timedelta
from pathlib import Path

import pytest

from blogcli.clock import site_zone
from blogcli.errors import UsageError
from blogcli.site import find_site
from tests.check.test_hugo_links import links, post
from tests.conftest import run_blog
from tests.helpers import make


def test_a_full_address_elsewhere_on_the_host_is_another_sites(tmp_path: Path) -> None:
    # The blog is served at /old-blog on p.example.net; /tagoverflow/ there is another
    # repository's pages: a web link, checked with --external, not a page this site lacks.
    root = make(tmp_path / "s", {
        "_config.yml": 'url: "https://p.example.net/old-blog"\nbaseurl: ""\n',
        "_posts/2020-01-02-a.md": post(
            "[other project](http://p.example.net/tagoverflow/) "
            "[this post](https://p.example.net/old-blog/2020/01/02/a.html) "
            "[typo](https://p.example.net/old-blog/2020/01/02/b.html) [root](/2020/01/02/a.html)",
            date="2020-01-02"),
    })
    assert links(root) == [
        ("link-missing", "error", "https://p.example.net/old-blog/2020/01/02/b.html")]


def test_a_hugo_site_under_a_base_path_owns_only_that_path(tmp_path: Path) -> None:
    root = make(tmp_path / "s", {
        "hugo.toml": 'baseURL = "https://x.example.net/blog/"\ntitle = "t"\n',
        "content/posts/a.md": post("[elsewhere](https://x.example.net/project/) "
                                   "[b](https://x.example.net/blog/posts/b/) "
                                   "[c](https://X.example.net/Blog/posts/c/)"),
        "content/posts/b.md": post("x"),
    })
    assert links(root) == [("link-missing", "error", "https://X.example.net/Blog/posts/c/")]


@pytest.mark.parametrize(("name", "offset"), [
    ("+0100", timedelta(0)),  # no POSIX TZ string: UTC, as Jekyll builds the site
    ("Nowhere/Special", timedelta(0)),
    ("UTC-2", timedelta(hours=2)),  # POSIX: the hours to add to local time to get UTC
    ("<+0530>-5:30", timedelta(hours=5, minutes=30)),
    ("Europe/Warsaw", timedelta(hours=1)),
])
def test_a_jekyll_timezone_is_read_as_jekyll_on_linux_reads_it(tmp_path: Path, name: str,
                                                               offset: timedelta) -> None:
    root = make(tmp_path / "s", {"_config.yml": f'timezone: "{name}"\n',
                                 "_posts/2020-01-02-a.md": post("x", date="2020-01-02 00:30:00")})
    from datetime import datetime

    zone = site_zone(find_site(site_dir=root))
    assert zone.utcoffset(datetime(2020, 1, 2)) == offset
    done = run_blog("list", "--format", "json", cwd=root)
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)[0]["url"].endswith("/2020/01/02/a.html")


def test_a_timezone_no_engine_reads_is_refused_where_the_engine_refuses_it(
        tmp_path: Path) -> None:
    hugo = make(tmp_path / "h", {"hugo.toml": 'timeZone = "+0100"\n',
                                 "content/posts/a.md": post("x")})
    with pytest.raises(UsageError, match="not an IANA zone"):
        site_zone(find_site(site_dir=hugo))
    dst = make(tmp_path / "j", {"_config.yml": 'timezone: "CET-1CEST,M3.5.0,M10.5.0/3"\n',
                                "_posts/2020-01-02-a.md": post("x")})
    with pytest.raises(UsageError, match="daylight saving"):
        site_zone(find_site(site_dir=dst))
