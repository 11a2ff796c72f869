"""The `blog` command's entry point (console script and `python -m blogcli`)."""

import errno
import gc
import os
import signal
import sys

TYPE_CHECKING = False  # typing.TYPE_CHECKING, without importing typing (~19 M instructions)
if TYPE_CHECKING:
    from collections.abc import Callable

    from blogcli.site import Site


def run() -> None:
    """Load the CLI and run it; Ctrl-C while the modules load ends quietly with status 130,
    and once the command is done it no longer changes the exit status.

    The console script points here rather than at ``blogcli.cli:main``: importing cli takes
    most of start-up, and an interrupt during an import would print a traceback.
    """
    signal.signal(signal.SIGINT, _quit)
    if sys.argv[1:] == ["--version"]:
        _version()
        return
    try:
        _dispatch()
    finally:
        # The command caught any interrupt and decided the status. But an interrupt that left
        # an exec() of a string (dataclasses and namedtuple make their methods so, while a
        # module loads) sets CPython's "unhandled KeyboardInterrupt" flag, caught or not, and
        # `python -m blogcli` then ends by SIGINT whatever the status (publish's fault tests
        # met it one run in seven); every exec() of a string clears the flag as it starts.
        exec("")


def _dispatch() -> None:
    # The commands with a typer-free path: each reads the arguments it takes, or says None.
    for read, command in ((_plain_new, _new), (_plain_publish, _publish),
                          (_plain_check, _check), (_plain_list, _list)):
        plain = read(sys.argv[1:])
        if plain is not None:
            with _deferred("inspect"):
                command(plain)
            return
    with _imports(), _deferred("subprocess"):
        from blogcli.cli import main

    signal.signal(signal.SIGINT, signal.default_int_handler)
    try:
        main()
    finally:
        # The command is over and its status decided; a Ctrl-C while Python shuts down would
        # turn it into death by SIGINT (ignored handlers stay ignored through finalisation).
        signal.signal(signal.SIGINT, signal.SIG_IGN)


class _imports:  # lower case: it reads as a statement, ``with _imports():``
    """Imports without the collector, what they made frozen afterwards (a class, not
    contextlib, which --version would pay ~3 ms to import).

    Importing typer and the CLI makes ~21,000 tracked objects that live as long as the
    process: the collector would run ~40 times during the imports and walk them all again at
    exit, finding nothing (~12 ms of `blog new`'s ~100). Frozen, every collection passes them
    by, as it does cache.py's entries.
    """

    def __enter__(self) -> None:
        gc.disable()

    def __exit__(self, *exc: object) -> None:
        gc.freeze()
        gc.enable()


class _deferred:
    """While modules load, a stand-in for the module ``name`` in sys.modules, which imports
    the real one when an attribute of it is first read; taken out again afterwards, so that
    a later import gets the real module.

    typer.main and typer's completion import subprocess (with locale, selectors, signal's
    friends: ~10 M instructions, 2.5% of a check's start-up) for shell completion only,
    which keeps the stand-in and uses the real module through it. dataclasses imports
    inspect (with ast, dis, tokenize: ~4 ms of a publish) only to write a signature into a
    class without a docstring; every class of blog's has one.
    """

    def __init__(self, name: str) -> None:
        self.name = name
        self.stand_in: object = None

    def __enter__(self) -> None:
        if self.name in sys.modules:
            return
        name = self.name
        stand_in = type(sys)(name)

        def real(attr: str) -> object:
            if sys.modules.get(name) is stand_in:
                del sys.modules[name]
            return getattr(__import__(name), attr)

        stand_in.__dict__["__getattr__"] = real  # a module's own __getattr__ (PEP 562)
        sys.modules[name] = self.stand_in = stand_in

    def __exit__(self, *exc: object) -> None:
        if self.stand_in is not None and sys.modules.get(self.name) is self.stand_in:
            del sys.modules[self.name]


def _version() -> None:
    """What the eager --version option of cli.main_options prints, without loading typer
    (~50 ms); tests/test_cli.py holds the two to the same line, status and silence."""
    from blogcli import __version__

    try:
        sys.stdout.write(f"blog {__version__}\n")
        sys.stdout.flush()
    except BrokenPipeError:
        # As click ends a command whose reader has gone: quietly, with status 1.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        sys.exit(1)
    finally:
        signal.signal(signal.SIGINT, signal.SIG_IGN)  # done: as after any command


# `blog new`'s options as the typer command declares them (tests/test_quicknew.py holds the
# two to the same names and defaults): option -> (parameter, value it sets); options that
# take a value -> parameter.
NEW_FLAGS = {"--bundle": ("bundle", True), "--no-bundle": ("bundle", False),
             "--draft": ("draft", True), "--no-draft": ("draft", False),
             "--dry-run": ("dry_run", True), "--no-dry-run": ("dry_run", False),
             "--edit": ("edit", True), "--no-edit": ("edit", False),
             "--force": ("force", True), "--no-force": ("force", False)}
NEW_VALUES = {"--scaffold": "scaffold", "--slug": "slug", "--tag": "tag", "--date": "date"}
NEW_DEFAULTS: dict[str, object] = {"scaffold": "post", "slug": None, "tag": [], "date": None,
                                   "bundle": False, "draft": True, "dry_run": False,
                                   "edit": False, "force": False}
# `blog publish`'s, the same way (tests/test_quickpublish.py).
PUBLISH_FLAGS = {"--dry-run": ("dry_run", True), "--no-dry-run": ("dry_run", False),
                 "--push": ("push", True), "--no-push": ("push", False),
                 "--include-unpushed": ("include_unpushed", True),
                 "--keep-date": ("keep_date", True)}
PUBLISH_VALUES = {"--message": "message", "-m": "message", "--format": "output", "--at": "at"}
PUBLISH_DEFAULTS: dict[str, object] = {"dry_run": False, "push": True, "message": None,
                                       "output": "text", "include_unpushed": False,
                                       "at": None, "keep_date": False}
# `blog check`'s that a plain offline check uses, the same way (tests/test_quickcheck.py).
CHECK_FLAGS = {"--strict": ("strict", True)}
CHECK_VALUES = {"--format": "output"}
CHECK_DEFAULTS: dict[str, object] = {"strict": False, "output": "text"}
# `blog list`'s, the same way (tests/test_quicklist.py).
LIST_FLAGS = {"--drafts": ("drafts", True), "--no-drafts": ("drafts", False)}
LIST_VALUES = {"--format": "output"}
LIST_DEFAULTS: dict[str, object] = {"drafts": True, "output": "text"}
GLOBAL_FLAGS = {"-q": "quiet", "--quiet": "quiet", "-v": "verbose", "--verbose": "verbose"}
# Every command of cli.app: a --site folder named like one would make cli's hoisting of
# global options take it for the command (tests/test_quickpublish.py holds the list).
COMMANDS = ("check", "due", "index", "init", "links", "list", "new", "publish", "rename",
            "show", "stats", "unpublish")


def _plain_new(args: list[str]) -> dict[str, object] | None:
    """The options of a `blog new` whose meaning is plain, read without typer (~60% of its
    start-up): each word an exact option of new or a global one, given once, values and the
    title not starting with "-". Anything else, None: typer reads it (help, errors, --x=y...).
    """
    read = _plain_words(args, "new", NEW_FLAGS, NEW_VALUES, many={"tag"})
    if read is None or len(read[1]) != 1:
        return None
    found, (title,) = read
    return {**NEW_DEFAULTS, "quiet": False, "verbose": False, "site": None, **found,
            "title": title}


def _plain_publish(args: list[str]) -> dict[str, object] | None:
    """A plain `blog publish POST...` (as _plain_new reads `new`): one post at least (none
    asks on a terminal: typer's prompt), --format text or json. Anything else, None."""
    read = _plain_words(args, "publish", PUBLISH_FLAGS, PUBLISH_VALUES)
    if read is None or not read[1] or read[0].get("output", "text") not in ("text", "json"):
        return None
    found, posts = read
    return {**PUBLISH_DEFAULTS, "quiet": False, "verbose": False, "site": None, **found,
            "posts": posts}


def _plain_check(args: list[str]) -> dict[str, object] | None:
    """A plain offline `blog check [PATH...]` (as _plain_new reads `new`): --format text or
    json, --strict; the other options (--external, --fix, --changed...) go through typer."""
    read = _plain_words(args, "check", CHECK_FLAGS, CHECK_VALUES)
    if read is None or read[0].get("output", "text") not in ("text", "json"):
        return None
    found, paths = read
    return {**CHECK_DEFAULTS, "quiet": False, "verbose": False, "site": None, **found,
            "paths": paths}


def _plain_list(args: list[str]) -> dict[str, object] | None:
    """A plain `blog list` (as _plain_new reads `new`): no argument, --format text or json.
    Anything else, None."""
    read = _plain_words(args, "list", LIST_FLAGS, LIST_VALUES)
    if read is None or read[1] or read[0].get("output", "text") not in ("text", "json"):
        return None
    return {**LIST_DEFAULTS, "quiet": False, "verbose": False, "site": None, **read[0]}


def _plain_words(args: list[str], command: str, flags: dict[str, tuple[str, bool]],
                 values: dict[str, str], many: frozenset[str] | set[str] = frozenset(),
                 ) -> tuple[dict[str, object], list[str]] | None:
    """The options (``many``: those that may repeat) and the arguments of ``command`` when
    every word is an exact option of it or a global one, each given once, no value and no
    argument empty or starting with "-"; else None."""
    if not args or any(name.startswith("_BLOG_COMPLETE") for name in os.environ):
        return None
    try:
        os.getcwd()  # a deleted folder: cli's own message
        sys.stdout.write("")  # a closed stream: as typer finds it
        if any(stream.encoding.lower().replace("-", "") != "utf8"
               for stream in (sys.stdout, sys.stderr)):
            return None  # click re-encodes a misconfigured stream
        for arg in args:
            arg.encode("utf-8")  # undecodable bytes in argv: as typer meets them
    except (OSError, ValueError, AttributeError):
        return None
    found: dict[str, object] = {}
    arguments: list[str] = []
    words = iter(args)
    seen = False
    value: object
    for word in words:
        if word in GLOBAL_FLAGS or (word in flags and seen):
            name, value = (GLOBAL_FLAGS[word], True) if word in GLOBAL_FLAGS else flags[word]
        elif word in ("--site", "-C") or (word in values and seen):
            name, value = values.get(word, "site") if seen else "site", next(words, "-")
            if not value or value.startswith("-") or (name == "site" and value in COMMANDS):
                return None
        elif word == command and not seen:
            seen = True
            continue
        elif seen and word and not word.startswith("-"):
            arguments.append(word)
            continue
        else:
            return None
        if name in many:
            found[name] = [*found.get(name, []), value]  # type: ignore[misc]
        elif name in found:
            return None  # given twice: click keeps the last, typer says more
        else:
            found[name] = value
    if not seen or not _usable_site(found.get("site")):
        return None
    return found, arguments


def _usable_site(site: object) -> bool:
    """Whether --site passes typer's check of a folder (absent, or a readable folder)."""
    if site is None:
        return True
    try:
        mode = os.stat(str(site)).st_mode
    except OSError:
        return True
    import stat

    return stat.S_ISDIR(mode) and os.access(str(site), os.R_OK)


def _new(opts: dict[str, object]) -> None:
    """`blog new`, as cli.new runs it under typer: the same calls, output and exit codes."""
    with _imports():
        from blogcli.create.post import new_post

    def command() -> None:
        site = _site(opts)
        tags = opts["tag"]
        made = new_post(site, str(opts["title"]), scaffold=str(opts["scaffold"]),
                        slug=_text(opts["slug"]), tags=tags if isinstance(tags, list) else [],
                        when=_text(opts["date"]), bundle=bool(opts["bundle"]),
                        draft=bool(opts["draft"]), dry_run=bool(opts["dry_run"]),
                        force=bool(opts["force"]))
        _echo(made.rel)
        if opts["dry_run"]:
            _echo(made.content, nl=False)
        elif opts["edit"]:
            from blogcli.cli import _open_editor

            _open_editor(made.path)

    _guarded(command)


def _publish(opts: dict[str, object]) -> None:
    """`blog publish POST...`, as cli.publish runs it under typer: the same calls, output and
    exit codes (with --at, as its _schedule_command does)."""
    with _imports():
        from blogcli.errors import UsageError
        from blogcli.progress import PushProgress
        from blogcli.publish.flow import publish
        from blogcli.publish.report import outcome_lines
    # Off for good: a publish keeps what it makes (the site's pages, the index entries) to
    # its end and makes little garbage in cycles, so the collector's ~80 young collections
    # on a 5,000-post site find nothing (3.4% of the instructions, callgrind). Python skips
    # the collection at exit too while it is off.
    gc.disable()

    def command() -> None:
        when, output = opts["at"], str(opts["output"])
        if when is not None and opts["keep_date"]:
            raise UsageError("--at dates the post WHEN; it cannot be used with --keep-date")
        site = _site(opts)
        posts = opts["posts"] if isinstance(opts["posts"], list) else []
        dry_run, push, unpushed = (bool(opts[k]) for k in ("dry_run", "push",
                                                           "include_unpushed"))
        message = _text(opts["message"])
        with PushProgress(output == "text") as progress:
            if when is None:
                outcome = publish(site, posts, dry_run=dry_run, push=push, message=message,
                                  progress=progress, include_unpushed=unpushed,
                                  say=lambda line: _echo(line, err=True),
                                  keep_date=bool(opts["keep_date"]))
            else:
                from blogcli.clock import now
                from blogcli.publish.schedule import schedule

                outcome = schedule(site, posts, str(when), now=now(site), dry_run=dry_run,
                                   push=push, message=message, progress=progress,
                                   include_unpushed=unpushed)
        for text, err, nl in outcome_lines(outcome, output):
            _echo(text, err=err, nl=nl)

    _guarded(command)


def _check(opts: dict[str, object]) -> None:
    """`blog check` without --external, --fix or --changed, as cli.check runs it under typer:
    the same calls, output and exit codes. Typer's share of start-up (~19 ms) is 7% of a
    cold check of 2,000 posts."""
    with _imports():
        from pathlib import Path

        from blogcli.check.checker import check_site
        from blogcli.check.report import render

    def command() -> None:
        site = _site(opts, notices=False)  # check reports them as findings
        paths = opts["paths"] if isinstance(opts["paths"], list) else []
        result = check_site(site, [Path(p) for p in paths] or None)
        output = str(opts["output"])
        color = sys.stdout.isatty() and not os.environ.get("NO_COLOR")
        rendered = render(result, output, color=color)
        if not (opts["quiet"] and output == "text" and not result.findings):
            _echo(rendered, nl=False)
        for note in result.notes:
            _echo(note, err=True)
        if result.failed(bool(opts["strict"])):
            sys.exit(1)

    _guarded(command)


def _list(opts: dict[str, object]) -> None:
    """`blog list`, as cli.list_posts runs it under typer (listing/command.py): the same
    output and exit codes. Typer's share of start-up (~20 ms) is most of a warm list's."""
    with _imports():
        from pathlib import Path

        from blogcli.listing.command import print_listing
    # Off for good, as for publish: a listing makes records, counts and strings, no garbage in
    # cycles, and the collector's runs over the parsers' modules and the posts' values found
    # nothing (the collection at exit is skipped too while it is off).
    gc.disable()

    def command() -> None:
        site = Path(str(opts["site"])) if opts["site"] else None
        print_listing(str(opts["output"]), bool(opts["drafts"]), site,
                      bool(opts["verbose"]) and not opts["quiet"], lambda: _site(opts), _echo)

    _guarded(command)


def _site(opts: dict[str, object], notices: bool = True) -> "Site":
    """The site, as cli.current_site finds it and says it (-v, blog.toml's notices)."""
    from pathlib import Path

    from blogcli.site import find_site

    site = find_site(site_dir=Path(str(opts["site"])) if opts["site"] else None)
    if opts["verbose"] and not opts["quiet"]:
        drafts = f", drafts in {site.rel(site.drafts_dir)}/" if site.drafts_dir else ""
        _echo(f"Site: {site.root} ({site.profile}; posts in {site.rel(site.posts_dir)}/"
              f"{drafts})", err=True)
    for notice in site.config.notices if notices else ():
        _echo(f"Warning: {notice}", err=True)
    return site


def _guarded(command: "Callable[[], None]") -> None:
    """Run ``command`` as typer runs one: a Ctrl-C inside it raises, its end is said as
    typer says it (_ended), and once it is over a Ctrl-C no longer changes the status."""
    signal.signal(signal.SIGINT, signal.default_int_handler)
    code = 0
    try:
        command()
    except BaseException as err:
        code = _ended(err)
    finally:
        signal.signal(signal.SIGINT, signal.SIG_IGN)  # done: as after any command
    if code:
        sys.exit(code)


def _ended(err: BaseException) -> int:
    """The exit status of a command that raised ``err``, said as typer would; what typer
    would not catch is raised again."""
    from blogcli.errors import BlogError, redact

    if isinstance(err, BlogError):
        _echo(f"Error: {redact(str(err))}", err=True)
        return err.exit_code
    if isinstance(err, KeyboardInterrupt):
        return 130  # typer's status for a Ctrl-C inside a command, said silently
    if not isinstance(err, OSError) or err.errno != errno.EPIPE:
        raise err
    # As click ends a command whose reader has gone: quietly, with status 1.
    os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
    return 1


def _text(value: object) -> str | None:
    return None if value is None else str(value)


def _echo(text: str, err: bool = False, nl: bool = True) -> None:
    """click.echo for text: ANSI codes taken out when the stream is not a terminal, flushed."""
    stream = sys.stderr if err else sys.stdout
    out = text + "\n" if nl else text
    if "\033" in out and not stream.isatty():
        import re

        out = re.sub(r"\033\[[;?0-9]*[a-zA-Z]", "", out)
    if out:
        stream.write(out)
    stream.flush()


def _quit(signum: int, frame: object) -> None:
    os.write(2, b"Interrupted\n")
    os._exit(130)  # mid-import: nothing to clean up, and no exception for an import to catch


if __name__ == "__main__":
    run()
