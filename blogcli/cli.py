"""The `blog` command line: each command parses, calls one core function and renders."""

from __future__ import annotations

import enum
import functools
import os
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, TypeVar

import typer

from blogcli import __version__
from blogcli.errors import BlogError, redact

if TYPE_CHECKING:
    from blogcli.site import Site

app = typer.Typer(
    name="blog",
    help="One tool for a Markdown blog kept in git: new posts, checks, listings, publishing.",
    no_args_is_help=True,
    add_completion=False,
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


def current_site(ctx: typer.Context) -> Site:
    """The site given by --site, or the one the current folder is in."""
    from blogcli.site import find_site

    site_dir = (ctx.obj or {}).get("site_dir")
    site = find_site(site_dir=site_dir)
    # `check` reports these as findings (so --strict fails on them); elsewhere they are said here.
    if ctx.info_name != "check":
        for notice in site.config.notices:
            typer.echo(f"Warning: {notice}", err=True)
    return site


def _version(value: bool) -> None:
    if value:
        typer.echo(f"blog {__version__}")
        raise typer.Exit()


@app.callback()
def main_options(
    ctx: typer.Context,
    site: Annotated[Path | None, typer.Option(
        "--site", help="The blog's folder (default: found by walking up from here).",
        file_okay=False)] = None,
    version: Annotated[bool, typer.Option(
        "--version", callback=_version, is_eager=True, help="Show the version and exit.")] = False,
) -> None:
    """One tool for a Markdown blog kept in git: new posts, checks, listings, publishing."""
    ctx.obj = {"site_dir": site}


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
) -> None:
    """Make a new blog repository, or adopt an existing Hugo, Jekyll, Hexo or Zola site.

    A new blog gets blog.toml, a posts folder, .gitignore, and a git repository with a first
    commit. In an existing site only blog.toml is added; no other file is touched.

    Example: blog init lab-notes --title "Lab Notes" --author "Tyler Zhu"
    """
    from blogcli.create.site import init_site

    result = init_site(folder, profile=profile, title=title, author=author, remote=remote)
    for rel in result.kept:
        typer.echo(f"kept existing {rel}", err=True)
    verb = "Adopted" if result.adopted else "Created"
    typer.echo(f"{verb} a {result.profile} blog in {result.root}")
    if not result.adopted:
        typer.echo(f'Next: cd {folder} && blog new "My first post"')


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


@app.command()
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
) -> None:
    """Check front matter and every internal link, image and anchor of the posts.

    Exit status: 0 when clean, 1 on errors (or on warnings with --strict), 2 on bad usage or
    configuration, 130 when Ctrl-C stopped --external (the partial report is printed).

    --external settings (concurrency, per_host, exclude, timeouts, per-host status codes)
    live in the links table of blog.toml.

    Rules can be switched off or re-graded in the check table of blog.toml, for example
    rules = {"date-no-zone" = "off", "link-anchor" = "warning"}.

    Example: blog check posts/thoughts-on-jepa-the-return-of-ssl.md --format github
    """
    from blogcli.check.checker import check_site
    from blogcli.check.report import render

    site = current_site(ctx)
    if not external:
        result = check_site(site, paths or None)
    else:
        from blogcli.check.external import options
        from blogcli.progress import url_progress, wanted

        with url_progress(wanted(output.value)) as progress:
            opts = options(site.config.links, use_cache=cache, check_anchors=check_anchors,
                           progress=progress)
            result = check_site(site, paths or None, external=opts)
    rendered = render(result, output.value, color=_color_wanted(), prefix=_repo_prefix(site.root))
    if result.external is not None and result.external.interrupted and output.value == "json":
        import json

        # An addition to the schema, so a script can tell a partial report from a clean one.
        document = json.loads(rendered)
        document["summary"]["interrupted"] = True
        rendered = json.dumps(document, ensure_ascii=False) + "\n"
    typer.echo(rendered, nl=False)
    if result.external is not None and result.external.note:
        typer.echo(result.external.note, err=True)
    if result.external is not None and result.external.interrupted:
        count = result.external.urls
        typer.echo(f"Interrupted: {count} web address{'es' if count != 1 else ''} checked "
                   "before Ctrl-C; the report above is partial.", err=True)
        raise typer.Exit(130)  # the shell's code for "stopped by SIGINT"
    if result.failed(strict):
        raise typer.Exit(1)

# --- publish / unpublish -------------------------------------------------------------------

class PublishFormat(enum.StrEnum):
    text = "text"
    json = "json"


def _publish_command(ctx: typer.Context, posts: list[str], *, unpublish: bool, dry_run: bool,
                     push: bool, message: str | None, output: PublishFormat,
                     include_unpushed: bool = False) -> None:
    """Shared body of `publish` and `unpublish`: choose, run, render."""
    from blogcli.publish.flow import publish

    site = current_site(ctx)
    if not posts and not unpublish:
        posts = _choose_drafts(site)
    with _PushProgress(output == "text") as progress:
        outcome = publish(site, posts, unpublish=unpublish, dry_run=dry_run, push=push,
                          message=message, progress=progress, include_unpushed=include_unpushed,
                          say=lambda line: typer.echo(line, err=True))
    _render_outcome(outcome, output)


def _choose_drafts(site: Site) -> list[str]:
    """On a terminal, list the drafts and ask; elsewhere say how to name posts (exit 2)."""
    from blogcli.errors import UsageError
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


class _PushProgress:
    """A Rich progress bar for the push on a terminal; nothing otherwise."""

    def __init__(self, wanted: bool) -> None:
        self.bar: Any = None
        if wanted and sys.stderr.isatty():
            from rich.progress import Progress

            self.bar = Progress(transient=True)

    def __enter__(self) -> Callable[[str, float | None, float | None], None] | None:
        if self.bar is None:
            return None
        self.bar.start()
        task = self.bar.add_task("push", total=None)

        def update(stage: str, done: float | None, total: float | None) -> None:
            self.bar.update(task, description=stage, completed=done or 0, total=total)

        return update

    def __exit__(self, *exc: object) -> None:
        if self.bar is not None:
            self.bar.stop()


def _render_outcome(outcome: Any, output: PublishFormat) -> None:
    import json

    if output == "json":
        typer.echo(json.dumps(outcome.as_json(), indent=2, ensure_ascii=False))
        return
    for line in [*outcome.remote_lines, *outcome.notes]:
        typer.echo(line, err=True)
    verb = "Unpublished" if outcome.action == "unpublish" else "Published"
    if outcome.dry_run and not outcome.nothing_to_do:
        for diff in outcome.diffs:
            typer.echo(diff, nl=False)
        typer.echo("Would run:")
        for step in outcome.steps:
            typer.echo(f"  {step}")
        return
    if outcome.nothing_to_do:
        pushed = " (--no-push: the remote was not checked)" if outcome.no_push else " and pushed"
        typer.echo(f"Nothing to do: {', '.join(outcome.posts)} already {verb.lower()}{pushed}")
        return
    if outcome.committed:
        typer.echo(f"{verb} {', '.join(outcome.posts)} in {outcome.commit[:12]} "
                   f"({outcome.message})")
    if outcome.pushed:
        typer.echo(f"Pushed to {outcome.pushed}")
    else:
        typer.echo("Not pushed (--no-push); run `git push` when ready")


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
) -> None:
    """Make drafts live: check, edit only the draft flag and date, commit only them, push.

    Everything is checked before any file is touched; other changes in the repository are
    never staged or committed; the push is never forced and never asks for a password. If the
    push fails the commit is kept and the same command pushes it.

    Example: blog publish thoughts-on-jepa-the-return-of-ssl
    """
    _publish_command(ctx, posts or [], unpublish=False, dry_run=dry_run, push=push,
                     message=message, output=output, include_unpushed=include_unpushed)


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


def main() -> None:
    """Console-script entry point."""
    try:
        app(prog_name="blog")
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


def _listing(ctx: typer.Context, drafts: bool = True) -> tuple[Site, Any]:
    """The site and its posts; unreadable posts are reported on stderr and left out."""
    from blogcli.listing.records import collect

    site = current_site(ctx)
    listing = collect(site, drafts=drafts)
    for problem in listing.problems:
        typer.echo(f"Warning: {problem}", err=True)
    return site, listing


def _echo_json(value: Any) -> None:
    """JSON for scripts; a list is written one item per line (fast, and still diffable)."""
    import json

    if isinstance(value, list):
        items = ",\n".join(json.dumps(item, ensure_ascii=False) for item in value)
        typer.echo(f"[\n{items}\n]" if value else "[]")
    else:
        typer.echo(json.dumps(value, ensure_ascii=False, indent=2))


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
    _, listing = _listing(ctx, drafts)
    if output is ListFormat.json:
        _echo_json([r.to_json() for r in listing.records])
        return
    from blogcli.listing.view import list_text

    width, bold = _terminal()
    typer.echo(list_text(listing.records, width, bold), nl=False)


@app.command()
@handles_errors
def show(
    ctx: typer.Context,
    post: Annotated[str, typer.Argument(help="The post: its path or its slug.")],
    output: ListFormatOption = ListFormat.text,
) -> None:
    """Show a post as the front page will: title, summary, date · minutes · author.

    Then its words, status and path.

    Example: blog show thoughts-on-jepa-the-return-of-ssl
    """
    from blogcli.listing.records import find_post
    from blogcli.listing.view import show_text

    record = find_post(current_site(ctx), post)
    if output is ListFormat.json:
        _echo_json(record.to_json())
    else:
        typer.echo(show_text(record), nl=False)


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
    """Show posts per month, reading times, most used tags and drafts waiting.

    Example: blog stats
    """
    from blogcli.listing.view import stats as compute_stats
    from blogcli.listing.view import stats_json, stats_text

    _, listing = _listing(ctx)
    result = compute_stats(listing)
    if output is ListFormat.json:
        _echo_json(stats_json(result))
    else:
        typer.echo(stats_text(result), nl=False)


def _terminal() -> tuple[int, bool]:
    """Width and whether to use bold: a terminal's own, else $COLUMNS or 100 and plain."""
    import shutil

    if sys.stdout.isatty():
        return shutil.get_terminal_size().columns, "NO_COLOR" not in os.environ
    return int(os.environ.get("COLUMNS") or 100), False
