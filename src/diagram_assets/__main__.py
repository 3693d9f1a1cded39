"""`python -m diagram_assets` and the `diagrams` script: the command line, with Ctrl-C (or
SIGTERM) during start-up ending as quietly as it does later — one line, exit code 130."""

from __future__ import annotations

import sys

from .interrupts import ignore_further_interrupts, interrupt_on_sigterm


def run() -> None:
    interrupt_on_sigterm()
    try:
        from .cli import main  # here, not at the top: Ctrl-C while importing ends quietly too
    except KeyboardInterrupt:
        ignore_further_interrupts()
        sys.stderr.write("error: interrupted\n")
        raise SystemExit(130) from None
    main()


if __name__ == "__main__":
    run()
