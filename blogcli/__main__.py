import signal
import sys

# Ctrl-C while the modules load would print a KeyboardInterrupt traceback: until main()
# takes over, an interrupt just ends the process with the shell's usual status.
signal.signal(signal.SIGINT, lambda *_: sys.exit(130))

from blogcli.cli import main  # noqa: E402

signal.signal(signal.SIGINT, signal.default_int_handler)
main()
