"""The `blog` command line: each command parses, calls one core function and renders."""

# No `from __future__ import annotations` in this module: typer reads a command's annotations
# several times a run, and from strings it compiles and evaluates them each time (~3% of `blog
# new`, ~8% of `blog --help`). Names imported only for type checking (Site) are quoted.
import copy
import enum
import functools
import os
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, TypeVar

import typer
from typer.core import TyperCommand

from blogcli import __version__
from blogcli.errors import BlogError, UsageError, redact
from blogcli.progress import PushProgress as _PushProgress

if TYPE_CHECKING:
    from blogcli.site import Site


# typer.rich_utils (help screens and usage errors) imports rich.markdown (markdown-it-py,
# pygments) and rich.traceback for the markdown markup mode and pretty tracebacks, neither of
# which this app uses: ~160 M instructions of `blog --help`'s ~620 M. While it loads they are
# stand-ins that load the real module when first used; output stays the same to the byte
# (tests/test_startup.py compares it with rich_utils loaded as typer ships it).
_DEFERRED = {"rich.markdown": ("Markdown",), "rich.traceback": ("Traceback",)}


def _stand_in(module: str, name: str) -> type:
    """A class standing for ``module.name``: calling it or reading an attribute of it (a
    class method) imports the real module and hands over to the real class."""

    def real() -> Any:
        import importlib

        return getattr(importlib.import_module(module), name)

    class Deferred(type):
        def __getattr__(cls, attr: str) -> Any:
            return getattr(real(), attr)

    class StandIn(metaclass=Deferred):
        def __new__(cls, *args: Any, **kwargs: Any) -> Any:
            return real()(*args, **kwargs)

    StandIn.__name__ = StandIn.__qualname__ = name
    return StandIn


class _RichUtilsFinder:
    """Finds typer.rich_utils (once) and runs it with the stand-ins of _DEFERRED in
    sys.modules, removed again as soon as it has run."""

    @staticmethod
    def find_spec(name: str, path: Any = None, target: Any = None) -> Any:
        if name != "typer.rich_utils":
            return None
        from importlib.machinery import PathFinder
        from types import ModuleType

        if _RichUtilsFinder in sys.meta_path:
            sys.meta_path.remove(_RichUtilsFinder)
        spec = PathFinder.find_spec(name, path)
        if spec is None or spec.loader is None or not hasattr(spec.loader, "exec_module"):
            return spec
        run = spec.loader.exec_module

        def exec_module(module: ModuleType) -> None:
            added = [deferred for deferred in _DEFERRED if deferred not in sys.modules]
            for deferred in added:
                stand_in = sys.modules[deferred] = ModuleType(deferred)
                for attr in _DEFERRED[deferred]:
                    setattr(stand_in, attr, _stand_in(deferred, attr))
            try:
                run(module)
            finally:
                for deferred in added:
                    del sys.modules[deferred]

        spec.loader.exec_module = exec_module  # type: ignore[method-assign]
        return spec


if "typer.rich_utils" not in sys.modules:
    sys.meta_path.insert(0, _RichUtilsFinder)

# Global options a user may also write after the subcommand (`blog list --site DIR`, like
# git's and hugo's), with whether each takes a value.
GLOBAL_OPTIONS = {"--site": True, "-C": True, "--quiet": False, "-q": False,
                  "--verbose": False, "-v": False}


def hoist_global_options(args: list[str], commands: set[str]) -> list[str]:
    """Move global options found after the subcommand to before it, so click reads them."""
    at = next((i for i, arg in enumerate(args) if arg in commands), None)
    if at is None:
        return args
    head, tail, moved = args[:at + 1], args[at + 1:], []
    rest: list[str] = []
    i = 0
    while i < len(tail):
        arg = tail[i]
        name = arg.split("=", 1)[0] if arg.startswith("--") else arg
        if arg == "--":
            rest += tail[i:]
            break
        if name in GLOBAL_OPTIONS:
            takes = GLOBAL_OPTIONS[name] and "=" not in arg
            moved += tail[i:i + 2] if takes else [arg]
            i += 2 if takes else 1
            continue
        if arg.startswith("-C") and len(arg) > 2:  # -CDIR, as git and make accept it
            moved.append(arg)
        else:
            rest.append(arg)
        i += 1
    return [*head[:at], *moved, head[at], *rest]


class _Group(typer.core.TyperGroup):
    def parse_args(self, ctx: Any, args: list[str]) -> list[str]:
        return super().parse_args(ctx, hoist_global_options(args, set(self.commands)))


app = typer.Typer(
    name="blog",
    cls=_Group,
    help="One tool for a Markdown blog kept in git: new posts, checks, listings, publishing.",
    no_args_is_help=True,
    # --install-completion / --show-completion: typer's own, for bash, zsh, fish, PowerShell.
    add_completion=True,
    # Tracebacks with locals would print remote URLs, and those can carry tokens.
    pretty_exceptions_enable=False,
    pretty_exceptions_show_locals=False,
    context_settings={"help_option_names": ["-h", "--help"]},
)

F = TypeVar("F", bound=Callable[..., Any])


def fail(err: BlogError) -> typer.Exit:
    """Print ``Error: …`` (credentials redacted) on stderr; return the Exit to raise."""
    typer.echo(f"Error: {redact(str(err))}", err=True)
    return typer.Exit(err.exit_code)


def handles_errors(func: F) -> F:
    """Turn BlogError into `Error: …` and its exit code; anything else is a bug and propagates."""

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return func(*args, **kwargs)
        except BlogError as err:
            raise fail(err) from None

    return wrapper  # type: ignore[return-value]


# The global options of the command being run (set by main_options on every invocation).
_GLOBAL: dict[str, Any] = {}


def flag(name: str) -> Any:
    """A global option's value: quiet, verbose or site_dir."""
    return _GLOBAL.get(name)


def say(text: str, err: bool = False) -> None:
    """Tell the user something they may do without (-q leaves it out)."""
    if not flag("quiet"):
        typer.echo(text, err=err)


def current_site(ctx: typer.Context) -> "Site":
    """The site given by --site, or the one the current folder is in."""
    from blogcli.site import find_site

    site_dir = (ctx.obj or {}).get("site_dir")
    site = find_site(site_dir=site_dir)
    if flag("verbose"):
        drafts = f", drafts in {site.rel(site.drafts_dir)}/" if site.drafts_dir else ""
        typer.echo(f"Site: {site.root} ({site.profile}; posts in {site.rel(site.posts_dir)}/"
                   f"{drafts})", err=True)
    # `check` reports these as findings (so --strict fails on them); elsewhere they are said here.
    if ctx.info_name != "check":
        for notice in site.config.notices:
            typer.echo(f"Warning: {notice}", err=True)
    return site


def _require_cwd(site: Path | None) -> None:
    """A shell left in a deleted folder: say so once, instead of failing on the first path.

    With an absolute --site the command runs from there (as `git -C` does): relative paths
    could mean nothing else.
    """
    try:
        os.getcwd()
    except FileNotFoundError:
        if site is not None and site.is_absolute() and site.is_dir():
            os.chdir(site)
            return
        raise fail(UsageError("the current folder no longer exists (it was deleted or moved "
                              "while this shell was in it); cd into your blog's folder and "
                              "run the command again")) from None


def _version(value: bool) -> None:
    if value:
        typer.echo(f"blog {__version__}")
        raise typer.Exit()


@app.callback()
def main_options(
    ctx: typer.Context,
    site: Annotated[Path | None, typer.Option(
        "--site", "-C", help="The blog's folder (default: found by walking up from here). "
        "Also accepted after the command.", file_okay=False)] = None,
    quiet: Annotated[bool, typer.Option(
        "--quiet", "-q", help="Say only what went wrong (and what a command prints as its "
        "result).")] = False,
    verbose: Annotated[bool, typer.Option(
        "--verbose", "-v", help="Also say which site, profile and folders were used.")] = False,
    version: Annotated[bool, typer.Option(
        "--version", callback=_version, is_eager=True, help="Show the version and exit.")] = False,
) -> None:
    """One tool for a Markdown blog kept in git: new posts, checks, listings, publishing."""
    _require_cwd(site)
    ctx.obj = {"site_dir": site, "quiet": quiet, "verbose": verbose and not quiet}
    _GLOBAL.clear()
    _GLOBAL.update(ctx.obj)


@app.command()
@handles_errors
def init(
    folder: Annotated[Path, typer.Argument(help="Where to make the blog.")] = Path("."),
    profile: Annotated[str | None, typer.Option(
        help="hugo, jekyll, hexo, zola or plain (default: plain, or what the folder is).")] = None,
    title: Annotated[str | None, typer.Option(help="The blog's title.")] = None,
    author: Annotated[str | None, typer.Option(
        help="The author (default: git's user.name).")] = None,
    remote: Annotated[str | None, typer.Option(help="Add this URL as the remote `origin`.")] = None,
    make_repo: Annotated[bool, typer.Option(
        "--git", help="Adopting a site outside git: make a repository and commit the whole "
        "site (and a .gitignore for the engine's build output).")] = False,
) -> None:
    """Make a new blog repository, or adopt an existing Hugo, Jekyll, Hexo or Zola site.

    A new blog gets blog.toml, a posts folder, .gitignore, and a git repository with a first
    commit. In an existing site only blog.toml is added and no repository is made unless you
    pass --git. Every file created and every git command run is listed.

    Example: blog init lab-notes --title "Lab Notes" --author "Tyler Zhu"
    """
    from blogcli.create.site import init_site

    result = init_site(folder, profile=profile, title=title, author=author, remote=remote,
                       make_repo=make_repo)
    verb = "Adopted" if result.adopted else "Created"
    say(f"{verb} a {result.profile} blog in {result.root}")
    for rel in result.created:
        say(f"  created  {rel}")
    for rel in result.kept:
        say(f"  kept     {rel} (it was there; not changed)")
    for command in result.commands:
        say(f"  ran      {command}")
    for note in result.notes:
        typer.echo(f"Note: {note}", err=True)
    if not result.adopted:
        say(f'Next: cd {folder} && blog new "My first post"')


# A plain `blog new` never reaches this: __main__._new runs it without typer. A change here
# (an option, a default, what is printed) goes there too; tests/test_quicknew.py compares them.
@app.command()
@handles_errors
def new(
    ctx: typer.Context,
    title: Annotated[str, typer.Argument(help="The post's title.")],
    scaffold: Annotated[str, typer.Option(
        help="Scaffold to render: the site's scaffolds/NAME.md, else the built-in one.")] = "post",
    slug: Annotated[str | None, typer.Option(help="File name slug (default: from the title).")]
    = None,
    tag: Annotated[list[str] | None, typer.Option(help="A tag; repeat for more.")] = None,
    date: Annotated[str | None, typer.Option(
        help="The post's date, ISO 8601 (default: now, with the local offset).")] = None,
    bundle: Annotated[bool, typer.Option(
        help="Make a page bundle: SLUG/index.md (Hugo, Zola).")] = False,
    draft: Annotated[bool, typer.Option(
        help="Start as a draft (Jekyll/Hexo: in the drafts folder).")] = True,
    dry_run: Annotated[bool, typer.Option(
        help="Print the path and the file instead of writing it.")] = False,
    edit: Annotated[bool, typer.Option(help="Open the new post in $VISUAL or $EDITOR.")] = False,
    force: Annotated[bool, typer.Option(help="Replace an existing file.")] = False,
) -> None:
    """Write a new post from a scaffold, in the folder and file name the site expects.

    Prints the new file's path, relative to the site root.

    Example: blog new "Thoughts on JEPA: The Return of SSL" --tag ssl
    """
    from blogcli.create.post import new_post

    site = current_site(ctx)
    made = new_post(site, title, scaffold=scaffold, slug=slug, tags=tag, when=date,
                    bundle=bundle, draft=draft, dry_run=dry_run, force=force)
    typer.echo(made.rel)
    if dry_run:
        typer.echo(made.content, nl=False)
    elif edit:
        _open_editor(made.path)


def _open_editor(path: Path) -> None:
    import shlex
    import subprocess

    editor = os.environ.get("VISUAL") or os.environ.get("EDITOR")
    if not editor:
        typer.echo("Set $VISUAL or $EDITOR to open new posts in your editor.", err=True)
        return
    try:
        subprocess.run([*shlex.split(editor), str(path)], check=False)
    except OSError as err:
        typer.echo(f"Could not start the editor {editor!r}: {err.strerror}", err=True)


# --- blog check -------------------------------------------------------------------------------


class OutputFormat(enum.StrEnum):
    text = "text"
    json = "json"
    github = "github"


def _color_wanted() -> bool:
    return sys.stdout.isatty() and not os.environ.get("NO_COLOR")


def _repo_prefix(root: Path) -> str:
    """The site's folder inside its git repository, for annotations (GitHub reads paths from
    the repository root, wherever the command ran); outside git, relative to here."""
    from blogcli.git import repo_top

    top = repo_top(root)
    if top is not None:
        return "" if top == root else root.relative_to(top).as_posix() + "/"
    here = Path.cwd().resolve()
    if root == here or not root.is_relative_to(here):
        return ""
    return root.relative_to(here).as_posix() + "/"


class _CheckCommand(TyperCommand):
    """``--changed [REF]``: the option may stand alone, as Typer has no optional values."""

    def parse_args(self, ctx: Any, args: list[str]) -> list[str]:
        fixed = list(args)
        for index, arg in enumerate(fixed):
            if arg == "--":
                break
            following = fixed[index + 1] if index + 1 < len(fixed) else "-"
            if arg == "--changed" and following.startswith("-"):
                fixed[index] = "--changed="  # the empty REF: the remote's default branch
        return list(super().parse_args(ctx, fixed))


@app.command(cls=_CheckCommand)
@handles_errors
def check(
    ctx: typer.Context,
    paths: Annotated[list[Path] | None, typer.Argument(
        help="Files or folders to check (default: every post). Links still resolve against "
             "the whole site.")] = None,
    external: Annotated[bool, typer.Option(
        "--external", help="Also fetch every web (http/https) link, each address once.")]
    = False,
    output: Annotated[OutputFormat, typer.Option(
        "--format", help="text, json or github (workflow annotations).")] = OutputFormat.text,
    strict: Annotated[bool, typer.Option("--strict", help="Fail on warnings too.")] = False,
    cache: Annotated[bool, typer.Option(
        "--cache/--no-cache", help="With --external: reuse web links that passed in the last "
        "day (cache_max_age in the links table of blog.toml).")] = True,
    check_anchors: Annotated[bool, typer.Option(
        "--check-anchors", help="With --external: also check #fragments against the ids of "
        "web pages.")] = False,
    changed: Annotated[str | None, typer.Option(
        "--changed", metavar="[REF]",
        help="Only the pages changed since REF (default: the merge base with the remote's "
             "default branch), and the pages linking to posts renamed or deleted since. Put "
             "it after PATHs, or write --changed=REF.")] = None,
    fix: Annotated[bool, typer.Option(
        "--fix", help="Fix what is mechanical and safe (tags as a string, dates without a "
        "zone, key typos, links to a moved page's alias; with --external also permanent "
        "redirects and http:// where https answers), every other byte kept; list each fix.")]
    = False,
    dry_run: Annotated[bool, typer.Option(
        "--dry-run", help="With --fix: print the diff instead of writing.")] = False,
    history: Annotated[bool, typer.Option(
        "--history/--no-history", help="With --external: keep the link history and call a "
        "failing link broken only once it has failed in 3 runs over 7 days (history, "
        "broken_after_runs and broken_after_days in the links table of blog.toml); "
        "--no-history: every failure is an error now.")] = True,
    exclude: Annotated[list[str] | None, typer.Option(
        "--exclude", metavar="REGEX", help="With --external: do not fetch web addresses "
        "matching this regex (as lychee's --exclude); repeat for more. Added to the exclude "
        "list in blog.toml and the site's .lycheeignore.")] = None,
) -> None:
    """Check front matter and every internal link, image and anchor of the posts.

    Exit status: 0 when clean, 1 on errors (or on warnings with --strict), 2 on bad usage or
    configuration, 130 when Ctrl-C stopped --external (the partial report is printed).

    --external settings (concurrency, per_host, exclude, timeouts, per-host status codes)
    live in the links table of blog.toml; a .lycheeignore at the site root is read as lychee
    reads it (a regex per line, # for comments).

    Rules can be switched off or re-graded in the check table of blog.toml, for example
    rules = {"date-no-zone" = "off", "link-anchor" = "warning"}.

    Example: blog check posts/thoughts-on-jepa-the-return-of-ssl.md --format github
    """
    from blogcli.check.checker import check_site
    from blogcli.check.report import render

    site = current_site(ctx)
    if dry_run and not fix:
        raise UsageError("--dry-run goes with --fix")
    chosen = paths or None
    if changed is not None:
        from blogcli.check.changed import changed_pages

        if paths:
            raise UsageError("give PATHs or --changed, not both")
        changes = changed_pages(site, changed or None)
        typer.echo(changes.summary(), err=True)
        chosen = [site.root / rel for rel in changes.paths]
    settings = None
    if not external:
        result = check_site(site, chosen)
    else:
        from blogcli.check.external import options
        from blogcli.progress import url_progress, wanted

        links = _links_table(site, exclude or [])
        with url_progress(wanted(output.value)) as progress:
            opts = options(links, use_cache=cache, check_anchors=check_anchors,
                           progress=progress, history_root=site.root if history else None,
                           complete=chosen is None)
            result = check_site(site, chosen, external=opts)
            settings = opts.settings
    if fix and not (result.external is not None and result.external.interrupted):
        _fix(site, result, settings, chosen, dry_run)
        if dry_run:
            raise typer.Exit(1 if result.failed(strict) else 0)
    # Only GitHub annotations name paths from the repository's top (and finding it loads git.py).
    prefix = _repo_prefix(site.root) if output is OutputFormat.github else ""
    rendered = render(result, output.value, color=_color_wanted(), prefix=prefix)
    if result.external is not None and result.external.interrupted and output.value == "json":
        import json

        # An addition to the schema, so a script can tell a partial report from a clean one.
        document = json.loads(rendered)
        document["summary"]["interrupted"] = True
        rendered = json.dumps(document, ensure_ascii=False) + "\n"
    if not (flag("quiet") and output is OutputFormat.text and not result.findings):
        typer.echo(rendered, nl=False)
    for note in result.notes:
        typer.echo(note, err=True)
    if result.external is not None and result.external.note:
        typer.echo(result.external.note, err=True)
    if result.external is not None and result.external.interrupted:
        count = result.external.urls
        typer.echo(f"Interrupted: {count} web address{'es' if count != 1 else ''} checked "
                   "before Ctrl-C; the report above is partial.", err=True)
        raise typer.Exit(130)  # the shell's code for "stopped by SIGINT"
    if result.failed(strict):
        raise typer.Exit(1)

def _fix(site: "Site", result: Any, settings: Any, chosen: list[Path] | None,
         dry_run: bool) -> None:
    """Plan the fixes, list them on stderr, then print the diff or write the files; the
    result keeps only the findings left standing."""
    from blogcli.check.fix import apply_fixes, plan_fixes

    only = None if chosen is None else [site.rel(p.resolve()) for p in chosen]
    plan = plan_fixes(site, result, settings, only)
    verb = "Would fix" if dry_run else "Fixed"
    for change in plan.fixes:
        typer.echo(f"{verb} {change}", err=True)
    for item, why in plan.unfixed:
        typer.echo(f"Not fixed {item.path}:{item.line}: {why}", err=True)
    if settings is None:
        typer.echo("Note: web links are fixed only with --external (redirects, https).",
                   err=True)
    remaining = plan.remaining(result)
    if dry_run:
        typer.echo(plan.diff(), nl=False)
    elif plan.files:
        from blogcli.check.checker import check_site

        apply_fixes(site, plan)
        # What is left, read from the fixed files (a renamed key may satisfy a required one).
        offline = check_site(site, chosen).findings
        remaining = sorted([*offline, *(f for f in remaining if f.rule.startswith("external-"))],
                           key=lambda f: (f.path, f.line, f.column, f.rule))
    files = len(plan.files)
    typer.echo(f"{len(plan.fixes)} fix{'es' if len(plan.fixes) != 1 else ''} in {files} "
               f"file{'s' if files != 1 else ''}{' (dry run: nothing written)' if dry_run else ''}",
               err=True)
    result.findings = remaining


class LinksFormat(enum.StrEnum):
    text = "text"
    json = "json"
    markdown = "markdown"


@app.command()
@handles_errors
def links(
    ctx: typer.Context,
    output: Annotated[LinksFormat, typer.Option(
        "--format", help="text, json, or markdown (for a CI job summary).")] = LinksFormat.text,
    min_days: Annotated[float, typer.Option(
        "--min-days", help="Only links failing for at least this many days.", min=0)] = 0,
    broken: Annotated[bool, typer.Option(
        "--broken", help="Only links that failed long enough to be errors.")] = False,
) -> None:
    """List the web links that are failing, oldest failure first, from the link history.

    `blog check --external` keeps the history (.blog/links.json by default: history in the
    links table of blog.toml). Nothing is fetched here.

    Example: blog links --format markdown --min-days 7
    """
    from blogcli.check.external import open_history
    from blogcli.check.linkview import failing_rows, render_links

    site = current_site(ctx)
    history = open_history(site.config.links, site.root, readonly=True)
    if history is None:
        typer.echo("No link history: history = false in the links table of blog.toml.", err=True)
        return
    for note in history.notes:
        typer.echo(note, err=True)
    if not history.path.exists():
        typer.echo(f"No link history yet ({history.shown}): run `blog check --external`.",
                   err=True)
    rows = failing_rows(history, min_days, broken)
    typer.echo(render_links(rows, history, output.value), nl=False)
    if output is LinksFormat.text and not rows:
        typer.echo(f"No failing links in {history.shown}.", err=True)


def _links_table(site: "Site", exclude: list[str]) -> dict[str, Any]:
    """blog.toml's [links] with --exclude and .lycheeignore patterns added to its exclude."""
    import re

    from blogcli.config import load_lycheeignore
    for pattern in exclude:
        try:
            re.compile(pattern)
        except re.error as err:
            raise UsageError(f"--exclude {pattern!r}: bad regular expression: {err}") from None
    links = dict(site.config.links)
    own = links.get("exclude", [])
    links["exclude"] = [*([own] if isinstance(own, str) else own),
                        *load_lycheeignore(site.root), *exclude]
    return links


# --- publish / unpublish -------------------------------------------------------------------

class PublishFormat(enum.StrEnum):
    text = "text"
    json = "json"


def _publish_command(ctx: typer.Context, posts: list[str], *, unpublish: bool, dry_run: bool,
                     push: bool, message: str | None, output: PublishFormat,
                     include_unpushed: bool = False, keep_date: bool = False) -> None:
    """Shared body of `publish` and `unpublish`: choose, run, render."""
    from blogcli.publish.flow import publish

    site = current_site(ctx)
    if not posts and not unpublish:
        posts = _choose_drafts(site)
    with _PushProgress(output == "text") as progress:
        outcome = publish(site, posts, unpublish=unpublish, dry_run=dry_run, push=push,
                          message=message, progress=progress, include_unpushed=include_unpushed,
                          say=lambda line: typer.echo(line, err=True), keep_date=keep_date)
    _render_outcome(outcome, output)


def _choose_drafts(site: "Site") -> list[str]:
    """On a terminal, list the drafts and ask; elsewhere say how to name posts (exit 2)."""
    from blogcli.publish.flow import list_drafts

    if not (sys.stdin.isatty() and sys.stdout.isatty()):
        raise UsageError("name the posts to publish by path or slug, e.g. "
                         "`blog publish my-first-post` (`blog list --drafts` shows the drafts)")
    drafts = list_drafts(site)
    if not drafts:
        raise UsageError("there are no drafts to publish")
    for number, post in enumerate(drafts, 1):
        typer.echo(f"{number:3}. {post.title or post.slug}  ({post.rel})", err=True)
    answer = typer.prompt("Publish which? (numbers, separated by spaces or commas)", err=True)
    chosen: list[str] = []
    for part in answer.replace(",", " ").split():
        if not part.isdigit() or not 1 <= int(part) <= len(drafts):
            raise UsageError(f"{part!r} is not one of the numbers 1 to {len(drafts)}")
        chosen.append(str(drafts[int(part) - 1].path))
    return chosen


def _render_outcome(outcome: Any, output: PublishFormat) -> None:
    from blogcli.publish.report import outcome_lines

    for text, err, nl in outcome_lines(outcome, output):
        typer.echo(text, err=err, nl=nl)


# publish and unpublish take the same options.
DryRunOption = Annotated[bool, typer.Option(
    help="Show each file's diff and the git steps; change nothing.")]
PushOption = Annotated[bool, typer.Option(help="Push after committing (--no-push: commit only).")]
MessageOption = Annotated[str | None, typer.Option(
    "--message", "-m", help="Commit message template ({title}, {slug}, {path}, {count}).")]
PublishFormatOption = Annotated[PublishFormat, typer.Option(
    "--format", help="text, or json (commit, pushed ref, files).")]
IncludeUnpushedOption = Annotated[bool, typer.Option(
    "--include-unpushed",
    help="Also push earlier local commits that are not this publish (else: refused).")]


@app.command()
@handles_errors
def publish(
    ctx: typer.Context,
    posts: Annotated[list[str] | None, typer.Argument(
        help="Posts by path or slug (none: choose from the drafts on a terminal).")] = None,
    dry_run: DryRunOption = False,
    push: PushOption = True,
    message: MessageOption = None,
    output: PublishFormatOption = PublishFormat.text,
    include_unpushed: IncludeUnpushedOption = False,
    at: Annotated[str | None, typer.Option(
        "--at", help="Schedule: publish dated WHEN, in the site's time zone (ISO 8601, "
        "'tomorrow 09:00', 'next monday 8am'); the site shows it from then.")] = None,
    keep_date: Annotated[bool, typer.Option(
        "--keep-date", help="Jekyll/Hexo: keep the draft's own date (default: a draft moved "
        "out of the drafts folder is dated now, file name and front matter, as "
        "jekyll-compose does).")] = False,
) -> None:
    """Make drafts live: check, edit only the draft flag and date, commit only them, push.

    Everything is checked before any file is touched; other changes in the repository are
    never staged or committed; the push is never forced and never asks for a password. If the
    push fails the commit is kept and the same command pushes it.

    Example: blog publish thoughts-on-jepa-the-return-of-ssl
    """
    if at is not None and keep_date:
        raise UsageError("--at dates the post WHEN; it cannot be used with --keep-date")
    if at is not None:
        _schedule_command(ctx, posts or [], at, dry_run=dry_run, push=push, message=message,
                          output=output, include_unpushed=include_unpushed)
        return
    _publish_command(ctx, posts or [], unpublish=False, dry_run=dry_run, push=push,
                     message=message, output=output, include_unpushed=include_unpushed,
                     keep_date=keep_date)


@app.command()
@handles_errors
def unpublish(
    ctx: typer.Context,
    posts: Annotated[list[str], typer.Argument(help="Posts by path or slug.")],
    dry_run: DryRunOption = False,
    push: PushOption = True,
    message: MessageOption = None,
    output: PublishFormatOption = PublishFormat.text,
    include_unpushed: IncludeUnpushedOption = False,
) -> None:
    """Make posts drafts again (the reverse of publish), commit only them and push.

    Example: blog unpublish thoughts-on-jepa-the-return-of-ssl
    """
    _publish_command(ctx, posts, unpublish=True, dry_run=dry_run, push=push, message=message,
                     output=output, include_unpushed=include_unpushed)


def _schedule_command(ctx: typer.Context, posts: list[str], when: str, *, dry_run: bool,
                      push: bool, message: str | None, output: PublishFormat,
                      include_unpushed: bool) -> None:
    from blogcli.clock import now
    from blogcli.publish.schedule import schedule

    site = current_site(ctx)
    with _PushProgress(output == "text") as progress:
        outcome = schedule(site, posts, when, now=now(site), dry_run=dry_run, push=push,
                           message=message, progress=progress,
                           include_unpushed=include_unpushed)
    _render_outcome(outcome, output)


@app.command()
@handles_errors
def due(
    ctx: typer.Context,
    since: Annotated[str, typer.Option(
        help="Look back to this time: a span ('2h', '90m', '1d') or a moment (ISO 8601, "
        "'today 00:00').")] = "1d",
    output: Annotated[PublishFormat, typer.Option(
        "--format", help="text, or json (due posts and the next change).")] = PublishFormat.text,
) -> None:
    """Say whether a scheduled post went up (or an expiryDate passed) since --since.

    Prints what came due and the next scheduled change. Exit status: 0 when something came
    due since --since (rebuild the site), 1 when nothing did, 2 on bad usage. The clock is
    BLOG_NOW when set (ISO 8601), else the system's.

    Example: blog due --since 2h
    """
    from blogcli.clock import now, site_zone
    from blogcli.publish.schedule import due as find_due
    from blogcli.publish.schedule import parse_since

    site = current_site(ctx)
    moment = now(site)
    report = find_due(site, parse_since(since, moment, site_zone(site)), moment)
    for rel in report.skipped:
        typer.echo(f"Warning: {rel}: its date does not parse; left out", err=True)
    if output == "json":
        _echo_json(report.as_json())
    else:
        typer.echo(f"Since {report.since.isoformat()}: " + (
            f"{len(report.came)} change{'s' if len(report.came) != 1 else ''} came due"
            if report.came else "nothing came due"))
        for change in report.came:
            typer.echo(f"  {change.moment.isoformat()}  {change.kind:7}  {change.path}")
        nxt = report.upcoming
        typer.echo(f"Next: {nxt.moment.isoformat()}  {nxt.kind}  {nxt.path}" if nxt
                   else "Next: no scheduled change")
    if not report.came:
        raise typer.Exit(1)


@app.command()
@handles_errors
def rename(
    ctx: typer.Context,
    post: Annotated[str, typer.Argument(help="The post: its path or its slug.")],
    new_slug: Annotated[str, typer.Argument(help="Its new slug (file or bundle name).")],
    title: Annotated[str | None, typer.Option(help="A new title too.")] = None,
    dry_run: DryRunOption = False,
    push: Annotated[bool, typer.Option("--push", help="Push after committing.")] = False,
    output: PublishFormatOption = PublishFormat.text,
) -> None:
    """Rename a post: git mv, a redirect from the old URL, every internal link rewritten.

    Links in every form (Markdown, reference definitions, raw HTML, Hugo ref/relref, Jekyll
    post_url/link, Zola @/) are edited byte-exactly, never inside code. The check runs before
    the one commit (no push without --push). A published post's old URL redirects (Hugo and
    Zola aliases, Jekyll redirect_from); a draft just moves. An interrupted rename is rolled
    back by the next one.

    Example: blog rename thoughts-on-jepa-the-return-of-ssl jepa --dry-run
    """
    from blogcli.publish.rename import rename as rename_post

    site = current_site(ctx)
    with _PushProgress(output == "text" and push) as progress:
        outcome = rename_post(site, post, new_slug, title=title, dry_run=dry_run, push=push,
                              progress=progress)
    if output == "json" or dry_run:
        _render_outcome(outcome, output)
        return
    for line in [*outcome.remote_lines, *outcome.notes]:
        typer.echo(line, err=True)
    typer.echo(f"Renamed to {outcome.posts[0]} in {(outcome.commit or '')[:12]} "
               f"({outcome.message})")
    typer.echo(f"Pushed to {outcome.pushed}" if outcome.pushed
               else "Not pushed; run `git push` (or rename with --push) when ready")


def command_named(args: list[str]) -> str | None:
    """The subcommand ``args`` run, read past the global options as click reads them; None
    when they name none (help, --version, a typo) or the shell is asking for completions."""
    if any(name.startswith("_BLOG_COMPLETE") for name in os.environ):
        return None
    names = {_name(info) for info in app.registered_commands}
    values = iter(args)
    for arg in values:
        if arg in ("--site", "-C"):
            next(values, None)
        elif not (arg.startswith(("--site=", "-C")) or arg in GLOBAL_OPTIONS):
            return arg if arg in names else None
    return None


def _app_for(args: list[str]) -> typer.Typer:
    """The app with only the command being run: typer turns every registered command into a
    click command on each run (signatures, type hints: ~13 of `blog new`'s ~170 ms CPU)."""
    name = command_named(args)
    if name is None and args != ["--version"]:
        return app
    only = copy.copy(app)  # `blog --version` needs no command at all
    only.registered_commands = [info for info in app.registered_commands if _name(info) == name]
    return only


def _name(info: Any) -> str:
    """A registered command's name, as typer derives it from the function's."""
    return str(info.name or getattr(info.callback, "__name__", "").lower().replace("_", "-"))


def main() -> None:
    """Console-script entry point."""
    try:
        _app_for(sys.argv[1:])(prog_name="blog")
    except KeyboardInterrupt:
        # Ctrl-C outside a command's own handling (start-up, a prompt): no traceback.
        typer.echo("Interrupted", err=True)
        sys.exit(130)


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())  # type: ignore[func-returns-value]


# --- Listing: list, show, index, stats (word counts and summaries as the site computes them) ---


class ListFormat(enum.StrEnum):
    """Output of list, show and stats."""

    text = "text"
    json = "json"


ListFormatOption = Annotated[ListFormat, typer.Option(
    "--format", help="text for people, json for scripts.")]


def _listing(ctx: typer.Context, drafts: bool = True,
             summaries: bool = True) -> tuple["Site", Any]:
    """The site and its posts; unreadable posts are reported on stderr and left out.
    ``summaries=False``: for output that shows none (see collect)."""
    from blogcli.listing.command import said_listing

    site = current_site(ctx)
    return site, said_listing(site, typer.echo, drafts, summaries=summaries)


def _echo_json(value: Any) -> None:
    """JSON for scripts; a list is written one item per line (fast, and still diffable)."""
    from blogcli.listing.command import json_text

    typer.echo(json_text(value))


@app.command("list")
@handles_errors
def list_posts(
    ctx: typer.Context,
    drafts: Annotated[bool, typer.Option(help="Include drafts.")] = True,
    output: ListFormatOption = ListFormat.text,
) -> None:
    """List every post, newest first: date, status, title, words, reading time and tags.

    Status is draft, scheduled (dated in the future), published or expired (expiryDate past).
    Words, minutes and summaries are counted the way the site engine counts them.

    Example: blog list --no-drafts --format json
    """
    from blogcli.listing.command import print_listing

    print_listing(output.value, drafts, (ctx.obj or {}).get("site_dir"), bool(flag("verbose")),
                  lambda: current_site(ctx), typer.echo)


@app.command()
@handles_errors
def show(
    ctx: typer.Context,
    post: Annotated[str, typer.Argument(help="The post: its path or its slug.")],
    output: ListFormatOption = ListFormat.text,
) -> None:
    """Show a post as the front page will: title, summary, date · minutes · author.

    The byline follows the site's theme where blog knows it (PaperMod: its DateFormat,
    ShowReadingTime, ShowWordCount and hideAuthor params). Then words, status and path.

    Example: blog show thoughts-on-jepa-the-return-of-ssl
    """
    from blogcli.listing.records import find_post
    from blogcli.listing.view import show_text, site_byline

    site = current_site(ctx)
    record = find_post(site, post)
    if output is ListFormat.json:
        _echo_json(record.to_json())
    else:
        from blogcli.listing.command import terminal

        width, _ = terminal()
        typer.echo(show_text(record, min(width, 100), site_byline(site, record)), nl=False)


@app.command()
@handles_errors
def index(
    ctx: typer.Context,
    stdout: Annotated[bool, typer.Option(
        "--stdout", help="Print the page instead of writing index.md.")] = False,
) -> None:
    """Write the front page, index.md, listing the published posts newest first (plain blogs).

    It is rendered from the site's scaffolds/index.md, else the built-in one. Other engines build
    their own front page: use --stdout to see this one.

    Example: blog index --stdout
    """
    from blogcli.listing.view import write_index

    site, listing = _listing(ctx, drafts=False)
    text, written = write_index(site, listing, to_file=not stdout)
    typer.echo(written if written else text, nl=bool(written))


@app.command()
@handles_errors
def stats(ctx: typer.Context, output: ListFormatOption = ListFormat.text) -> None:
    """Show a posting calendar, posts per month, reading times, tags and drafts waiting.

    The calendar is GitHub's: a column a week, a row a weekday, the year up to today (empty
    days are dots). Every month from the first post to the last is listed, empty ones too.

    Example: blog stats
    """
    from blogcli.listing.view import stats as compute_stats
    from blogcli.listing.view import stats_json, stats_text

    _, listing = _listing(ctx, summaries=False)  # no summary in either output
    result = compute_stats(listing)
    if output is ListFormat.json:
        _echo_json(stats_json(result))
    else:
        from blogcli.listing.command import terminal

        width, _ = terminal()
        typer.echo(stats_text(result, width), nl=False)

