"""What the quick commands load: only what they use (bench/bench_startup.py times them).

`blog --version` alone needs neither typer nor anything of blog's features; `blog new`
needs the site's config and none of check's, list's or publish's machinery; with a built-in
scaffold (names and ifs, rendered without Jinja2) and a plain title it needs neither Jinja2
nor YAML. Typer 0.29 imports pydantic for every command with options (+180-340 ms per command
measured here), which is why pyproject pins typer<0.29.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import REPO, run_blog
from tests.helpers.gitsite import DRAFT, make_blog

NEVER = ("pydantic", "rich", "markdown_it", "pyromark", "httpx", "asyncio", "git",
         "concurrent.futures", "multiprocessing", "blogcli.check", "blogcli.listing",
         "blogcli.publish", "blogcli.text", "blogcli.web")
PROBE = """
import runpy, sys
sys.argv = ["blog", *sys.argv[1:]]
try:
    runpy.run_module("blogcli", run_name="__main__")
except SystemExit as done:
    code = done.code
print(sorted(sys.modules), file=sys.stderr)
"""


def loaded(cwd: Path, *args: str) -> set[str]:
    done = subprocess.run([sys.executable, "-c", PROBE, *args], cwd=cwd, capture_output=True,
                          text=True, check=True, env=dict(os.environ, PYTHONPATH=str(REPO)))
    return set(eval(done.stderr.strip().splitlines()[-1]))  # a list literal we printed


def heavy(modules: set[str], names: tuple[str, ...]) -> list[str]:
    return sorted(m for m in modules if any(m == n or m.startswith(n + ".") for n in names))


def test_version_loads_neither_typer_nor_anything_of_blogs_features(tmp_path: Path) -> None:
    modules = loaded(tmp_path, "--version")
    assert "blogcli" in modules
    assert heavy(modules, (*NEVER, "typer", "click", "jinja2", "yaml", "frontmatter", "tomllib",
                           "blogcli.cli", "blogcli.site", "blogcli.config",
                           "blogcli.create", "typing")) == []


def test_version_with_more_arguments_goes_through_typer(tmp_path: Path) -> None:
    assert "typer" in loaded(tmp_path, "--version", "-q")


def test_publish_loads_no_cli_framework_nor_what_it_does_not_use(tmp_path: Path) -> None:
    """A plain publish runs without typer (__main__'s quick path), and its pre-flight of a
    post without links, its edit, commit and push load nothing they do not use."""
    blog = make_blog(tmp_path)
    blog.write("posts/hello.md", DRAFT)
    modules = loaded(blog.root, "publish", "posts/hello.md")
    assert "blogcli.publish.flow" in modules and "blogcli.check.checker" in modules
    assert blog.remote_head() == blog.head()
    assert heavy(modules, ("typer", "click", "rich", "pydantic", "markdown_it", "jinja2", "yaml",
                           "frontmatter", "httpx", "asyncio", "tempfile", "difflib",
                           "blogcli.cli", "blogcli.web", "blogcli.listing")) == []


@pytest.mark.parametrize("profile", ["plain", "hugo"])
def test_new_loads_no_other_feature(tmp_path: Path, profile: str) -> None:
    site = tmp_path / "site"
    init = run_blog("init", str(site), "--profile", profile, "--title", "T", "--author", "A",
                    cwd=tmp_path)
    assert init.returncode == 0, init.stderr
    modules = loaded(site, "new", "Hello there", "--dry-run")
    assert "blogcli.create.post" in modules
    assert heavy(modules, NEVER) == []


def test_new_with_the_builtin_scaffold_loads_no_template_engine_nor_yaml(tmp_path: Path) -> None:
    site = tmp_path / "site"
    init = run_blog("init", str(site), "--title", "T", "--author", "A", cwd=tmp_path)
    assert init.returncode == 0, init.stderr
    modules = loaded(site, "new", "Hello there", "--tag", "a", "--dry-run")
    assert "blogcli.create.post" in modules
    assert heavy(modules, ("jinja2", "yaml", "frontmatter")) == []
    written = loaded(site, "new", "Hello there")
    assert (site / "posts" / "hello-there.md").is_file()
    assert heavy(written, ("jinja2", "yaml", "frontmatter")) == []


def test_a_scaffold_beyond_names_and_ifs_still_loads_jinja2(tmp_path: Path) -> None:
    site = tmp_path / "site"
    init = run_blog("init", str(site), "--title", "T", "--author", "A", cwd=tmp_path)
    assert init.returncode == 0, init.stderr
    (site / "scaffolds").mkdir()
    (site / "scaffolds" / "post.md").write_text(
        "---\ntitle: {{ title }}\n---\n{% for t in tags %}#{{ t }} {% endfor %}\n")
    modules = loaded(site, "new", "Hello there", "--tag", "a", "--dry-run")
    assert "jinja2" in modules


def test_only_the_command_run_is_built(tmp_path: Path) -> None:
    from blogcli.cli import command_named

    assert command_named(["new", "T"]) == "new"
    assert command_named(["-q", "--site", "new", "list"]) == "list"
    assert command_named(["-C", "x", "-v", "check", "--external"]) == "check"
    assert command_named(["--site=x", "-Cy", "show", "p"]) == "show"
    assert command_named(["--version"]) is None
    assert command_named(["--help", "new"]) is None
    assert command_named(["nwe", "T"]) is None
    assert command_named([]) is None


# The archetypes `hugo new site` writes: Hugo 0.111's (YAML) and 0.120's and later (TOML).
ARCHETYPES = ['---\ntitle: "{{ replace .Name "-" " " | title }}"\ndate: {{ .Date }}\n'
              'draft: true\n---\n\n',
              "+++\ndate = '{{ .Date }}'\ndraft = true\n"
              "title = '{{ replace .File.ContentBaseName \"-\" \" \" | title }}'\n+++\n"]


@pytest.mark.parametrize("archetype", ARCHETYPES)
def test_new_from_hugos_own_archetype_loads_no_yaml(tmp_path: Path, archetype: str) -> None:
    """The archetype's front matter is read back (the title set, the rest kept as written)
    without PyYAML: its keys, a quoted title, a bool and a date need none of it."""
    site = tmp_path / "site"
    (site / "archetypes").mkdir(parents=True)
    (site / "content").mkdir()
    (site / "config.toml").write_text("baseURL = 'http://example.org/'\ntitle = 'S'\n")
    (site / "archetypes" / "default.md").write_text(archetype)
    modules = loaded(site, "new", "Hello there, world", "--tag", "a", "--dry-run")
    assert "blogcli.create.archetype" in modules
    assert heavy(modules, ("jinja2", "yaml", "frontmatter", *NEVER)) == []
    done = run_blog("new", "Hello there, world", "--tag", "a", cwd=site)
    assert done.returncode == 0, done.stderr
    text = (site / "content" / "posts" / "hello-there-world.md").read_text()
    assert "Hello there, world" in text and "draft" in text


def test_plain_new_loads_no_typer(tmp_path: Path) -> None:
    """`blog new TITLE` with plain options is read without typer (tests/test_quicknew.py holds
    it to the typer command); help and anything unusual go through typer."""
    site = tmp_path / "site"
    init = run_blog("init", str(site), "--title", "T", "--author", "A", cwd=tmp_path)
    assert init.returncode == 0, init.stderr
    quick = loaded(site, "-q", "new", "Hello there", "--tag", "a", "--dry-run")
    assert heavy(quick, ("typer", "click", "blogcli.cli")) == []
    assert "typer" in loaded(site, "new", "Hello there", "--slug=x", "--dry-run")
    assert "typer" in loaded(site, "new", "--help")


# `blog` as run by the console script, optionally with modules imported first.
AS_SHIPPED = """
import sys
for name in sys.argv[1].split():
    __import__(name)
sys.argv = ["blog", *sys.argv[2:]]
from blogcli.__main__ import run
run()
"""


def shown(first: str, *args: str, env: dict[str, str]) -> tuple[int, str, str]:
    done = subprocess.run([sys.executable, "-c", AS_SHIPPED, first, *args],
                          capture_output=True, text=True, check=False,
                          env=dict(os.environ, PYTHONPATH=str(REPO), **env))
    return done.returncode, done.stdout, done.stderr


@pytest.mark.parametrize("args", [["--help"], ["check", "--help"], ["publish", "-h"],
                                  ["list", "--help"], ["chek"], ["check", "--format", "x"]])
@pytest.mark.parametrize("env", [{"COLUMNS": "80", "NO_COLOR": "1"},
                                 {"COLUMNS": "150", "FORCE_COLOR": "1", "TERM": "xterm"}])
def test_help_and_usage_errors_are_the_same_without_richs_markdown_and_tracebacks(
        args: list[str], env: dict[str, str]) -> None:
    """Help screens and usage errors load neither rich.markdown (markdown-it-py, pygments)
    nor rich.traceback, which this app never uses, and print exactly what typer.rich_utils
    prints with them loaded."""
    light = shown("", *args, env=env)
    assert light == shown("rich.markdown rich.traceback", *args, env=env)
    assert light[0] == (0 if "--help" in args or "-h" in args else 2)
    assert "Usage: blog" in light[1] + light[2]
    probe = subprocess.run([sys.executable, "-c", PROBE, *args], capture_output=True,
                           text=True, check=False, env=dict(os.environ, PYTHONPATH=str(REPO)))
    modules = set(eval(probe.stderr.strip().splitlines()[-1]))
    assert "typer.rich_utils" in modules
    assert heavy(modules, ("rich.markdown", "rich.traceback", "rich.syntax", "markdown_it",
                           "pygments")) == []


def test_richs_stand_ins_hand_over_to_the_real_classes() -> None:
    """Were typer to use them (markup mode "markdown", pretty tracebacks), the stand-ins
    rich_utils was given make rich's own objects."""
    done = subprocess.run([sys.executable, "-c", """
import sys
import blogcli.cli, typer.rich_utils as utils
assert "markdown_it" not in sys.modules and "rich.markdown" not in sys.modules
made = utils.Markdown("# Hi", style="dim")
import rich.markdown, rich.traceback
assert isinstance(made, rich.markdown.Markdown)
try:
    1 / 0
except ZeroDivisionError as err:
    shown = utils.Traceback.from_exception(type(err), err, err.__traceback__)
assert isinstance(shown, rich.traceback.Traceback)
"""], capture_output=True, text=True, check=False, env=dict(os.environ, PYTHONPATH=str(REPO)))
    assert done.returncode == 0, done.stderr


def test_check_and_list_load_no_openssl_hashes(tmp_path: Path) -> None:
    """The cache's digests come from CPython's own blake2b and sha1, without hashlib's OpenSSL
    set-up, and are the same digests (the cache folder's name and entries stay valid)."""
    import hashlib

    from blogcli.cache import FileCache, site_cache_dir

    site = tmp_path / "site"
    init = run_blog("init", str(site), "--title", "T", "--author", "A", cwd=tmp_path)
    assert init.returncode == 0, init.stderr
    (site / "posts" / "a.md").write_text("---\ntitle: A\ndate: 2024-01-02\n---\n\n[b](/b)\n")
    for command in ("check", "list", "list"):  # the second list: the kept output
        assert heavy(loaded(site, command), ("hashlib", "_hashlib")) == []
    assert site_cache_dir(site).name == hashlib.sha1(str(site.resolve()).encode()).hexdigest()[:16]
    assert FileCache.digest(b"x") == hashlib.blake2b(b"x", digest_size=16).hexdigest()


def test_a_small_site_loads_no_pickle_and_a_text_report_no_json(tmp_path: Path) -> None:
    """pickle is for the results of forked workers, which a site under POOL_MIN_FILES never
    starts; json is for --format json (list keeps its output as JSON, so it loads it)."""
    site = tmp_path / "site"
    init = run_blog("init", str(site), "--title", "T", "--author", "A", cwd=tmp_path)
    assert init.returncode == 0, init.stderr
    (site / "posts" / "a.md").write_text("---\ntitle: A\ndate: 2024-01-02\n---\n\n[b](/b)\n")
    assert heavy(loaded(site, "check"), ("json", "pickle")) == []
    assert "json" in loaded(site, "check", "--format", "json")
    for command in (["list"], ["show", "a"], ["stats"]):
        assert heavy(loaded(site, *command), ("pickle",)) == []


def test_typers_subprocess_is_loaded_only_when_used(tmp_path: Path) -> None:
    """typer imports subprocess for shell completion: while it loads, __main__ gives it a
    stand-in that imports the real module on first use, so check, list and help do without
    it (and locale, selectors); git's commands and completion get the real one."""
    site = tmp_path / "site"
    init = run_blog("init", str(site), "--title", "T", "--author", "A", cwd=tmp_path)
    assert init.returncode == 0, init.stderr
    (site / "posts" / "a.md").write_text("---\ntitle: A\ndate: 2024-01-02\n---\n\nHi.\n")
    for command in (["check"], ["list"], ["show", "a"], ["--help"]):
        assert heavy(loaded(site, *command), ("subprocess", "selectors")) == [], command
    assert "subprocess" in loaded(site, "check", "--changed", "HEAD")  # git
    done = subprocess.run([sys.executable, "-c", PROBE.replace(
        "print(sorted(sys.modules)", "import subprocess, typer.main, typer._completion_shared\n"
        "assert typer.main.subprocess.run is subprocess.run\n"
        "assert typer._completion_shared.subprocess.PIPE == subprocess.PIPE\n"
        "print(sorted(sys.modules)"), "list"], cwd=site, capture_output=True, text=True,
        check=False, env=dict(os.environ, PYTHONPATH=str(REPO)))
    assert done.returncode == 0, done.stderr


def test_the_quick_commands_load_no_inspect(tmp_path: Path) -> None:
    """dataclasses imports inspect (with ast, dis and tokenize) only to give a class without
    a docstring a signature: the quick paths give it a stand-in, and every class of blog's
    has a docstring, so none of them loads it. A class without one loads the real module."""
    blog = make_blog(tmp_path)
    blog.write("posts/hello.md", DRAFT)
    for command in (["check"], ["list"], ["list"], ["new", "Another", "--dry-run"],
                    ["publish", "posts/hello.md"]):
        assert "inspect" not in loaded(blog.root, *command), command
    probe = ("import sys, blogcli.__main__ as m\n"
             "with m._deferred('inspect'):\n"
             "    import dataclasses\n"
             "@dataclasses.dataclass\n"
             "class Bare:\n"
             "    x: int\n"
             "assert 'inspect' in sys.modules and Bare.__doc__ == 'Bare(x: int)'\n")
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True,
                          env=dict(os.environ, PYTHONPATH=str(REPO)))
    assert done.returncode == 0, done.stderr
