"""The one-shot commands' bookkeeping (`render`, `figure`, `animate`): one error line per
failed source, the others go on, one summary line at the end, exit 1 if any failed."""

from __future__ import annotations

import time
from pathlib import Path

import click

from ..errors import DiagramsError
from .base import error_line


class Batch:
    """Counts what failed among ``total`` sources and prints the closing summary."""

    def __init__(self, total: int, verb: str) -> None:
        self.total = total
        self.verb = verb
        self.failed = 0
        self.started = time.perf_counter()

    def fail(self, message: str) -> None:
        error_line(message)
        self.failed += 1

    def fail_source(self, path: Path, exc: DiagramsError | OSError) -> None:
        """A source's error, naming the source when the error does not name a file itself."""
        if isinstance(exc, OSError):
            self.fail(f"{path}: cannot write {exc.filename or 'the outputs'}: {exc.strerror}")
        elif exc.file is None:
            self.fail(str(type(exc)(exc.what, file=path, place=exc.place, fix=exc.fix)))
        else:
            self.fail(str(exc))

    def finish(self) -> None:
        """Print the summary; exit 1 if anything failed."""
        done = self.total - self.failed
        seconds = time.perf_counter() - self.started
        click.echo(
            f"{done} of {self.total} {self.verb}, {self.failed} failed ({seconds:.1f} s)",
            err=self.failed > 0,
        )
        if self.failed:
            raise SystemExit(1)
