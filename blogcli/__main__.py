"""The `blog` command's entry point (console script and `python -m blogcli`)."""

import errno
import gc
import os
import signal
import sys


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
    plain = _plain_new(sys.argv[1:])
    if plain is not None:
        _new(plain)
        return
    with _imports():
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
GLOBAL_FLAGS = {"-q": "quiet", "--quiet": "quiet", "-v": "verbose", "--verbose": "verbose"}


def _plain_new(args: list[str]) -> dict[str, object] | None:
    """The options of a `blog new` whose meaning is plain, read without typer (~60% of its
    start-up): each word an exact option of new or a global one, given once, values and the
    title not starting with "-". Anything else, None: typer reads it (help, errors, --x=y...).
    """
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
    words = iter(args)
    command = False
    value: object
    for word in words:
        if word in GLOBAL_FLAGS or (word in NEW_FLAGS and command):
            name, value = (GLOBAL_FLAGS[word], True) if word in GLOBAL_FLAGS else NEW_FLAGS[word]
        elif word in ("--site", "-C") or (word in NEW_VALUES and command):
            name, value = NEW_VALUES.get(word, "site"), next(words, "-")
            # "new" as a folder's name would make cli's hoisting of global options see a command
            if not value or value.startswith("-") or (name == "site" and value == "new"):
                return None
        elif word == "new" and not command:
            command = True
            continue
        elif command and "title" not in found and word and not word.startswith("-"):
            name, value = "title", word
        else:
            return None
        if name == "tag":
            found.setdefault("tag", [])
            found[name] = [*found["tag"], value]  # type: ignore[misc]
        elif name in found:
            return None  # given twice: click keeps the last, typer says more
        else:
            found[name] = value
    if not command or "title" not in found or not _usable_site(found.get("site")):
        return None
    return {**NEW_DEFAULTS, "quiet": False, "verbose": False, "site": None, **found}


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
        from pathlib import Path

        from blogcli.create.post import new_post
        from blogcli.errors import BlogError, redact
        from blogcli.site import find_site
    signal.signal(signal.SIGINT, signal.default_int_handler)
    code = 0
    try:
        site = find_site(site_dir=Path(str(opts["site"])) if opts["site"] else None)
        verbose = bool(opts["verbose"]) and not opts["quiet"]
        if verbose:
            drafts = f", drafts in {site.rel(site.drafts_dir)}/" if site.drafts_dir else ""
            _echo(f"Site: {site.root} ({site.profile}; posts in {site.rel(site.posts_dir)}/"
                  f"{drafts})", err=True)
        for notice in site.config.notices:
            _echo(f"Warning: {notice}", err=True)
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
    except BlogError as err:
        _echo(f"Error: {redact(str(err))}", err=True)
        code = err.exit_code
    except KeyboardInterrupt:
        code = 130  # typer's status for a Ctrl-C inside a command, said silently
    except OSError as err:
        if err.errno != errno.EPIPE:
            raise
        # As click ends a command whose reader has gone: quietly, with status 1.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        code = 1
    finally:
        signal.signal(signal.SIGINT, signal.SIG_IGN)  # done: as after any command
    if code:
        sys.exit(code)


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
