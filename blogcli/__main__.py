"""The `blog` command's entry point (console script and `python -m blogcli`)."""

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
    # Importing typer and the CLI makes ~21,000 tracked objects that live as long as the
    # process: the collector would run ~40 times during the imports and walk them all again at
    # exit, finding nothing (~12 ms of `blog new`'s ~100). Frozen, every collection passes them
    # by, as it does cache.py's entries.
    gc.disable()
    try:
        from blogcli.cli import main
    finally:
        gc.freeze()
        gc.enable()

    signal.signal(signal.SIGINT, signal.default_int_handler)
    try:
        main()
    finally:
        # The command is over and its status decided; a Ctrl-C while Python shuts down would
        # turn it into death by SIGINT (ignored handlers stay ignored through finalisation).
        signal.signal(signal.SIGINT, signal.SIG_IGN)


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


def _quit(signum: int, frame: object) -> None:
    os.write(2, b"Interrupted\n")
    os._exit(130)  # mid-import: nothing to clean up, and no exception for an import to catch


if __name__ == "__main__":
    run()
