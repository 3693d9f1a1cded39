"""Stopping cleanly: SIGTERM handled like Ctrl-C, and quiet once on the way out.

Kept free of imports so the command line can install it before anything else loads."""

from __future__ import annotations

import signal


def _interrupt(signum: int, frame: object) -> None:
    raise KeyboardInterrupt


def interrupt_on_sigterm() -> None:
    """Let SIGTERM stop a command the way Ctrl-C does: cleanly (browser closed, lock file
    written for what is done; every file is written atomically either way)."""
    signal.signal(signal.SIGTERM, _interrupt)


def ignore_further_interrupts() -> None:
    """Once stopping, stop quietly: a second Ctrl-C or SIGTERM (a process group being stopped,
    Chromium's processes going down with it) must not turn a clean exit into a traceback or a
    death by signal while the process is already on its way out."""
    for signum in (signal.SIGINT, signal.SIGTERM):
        signal.signal(signum, signal.SIG_IGN)
