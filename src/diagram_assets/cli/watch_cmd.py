"""`diagrams watch`."""

from __future__ import annotations

import threading
import webbrowser
from pathlib import Path

import click

from ..config import require_config
from ..interrupts import ignore_further_interrupts, interrupt_on_sigterm
from ..watch import PreviewServer, Watcher
from .base import config_options, main, reports_errors
from .progress import PlainReporter


@main.command("watch")
@click.option(
    "--serve/--no-serve",
    default=True,
    show_default=True,
    help="Serve a live preview gallery on 127.0.0.1.",
)
@click.option(
    "--port",
    type=click.IntRange(0, 65535),
    default=8765,
    show_default=True,
    help="Preview port (0: any free port; a busy port falls back to a free one).",
)
@click.option("--open", "open_browser", is_flag=True, help="Open the preview in a web browser.")
@config_options
@reports_errors
def watch_command(
    serve: bool, port: int, open_browser: bool, config_file: Path | None, directory: Path | None
) -> None:
    """Rebuild what changes as you save, with one warm browser, until Ctrl-C.

    Watches the source folders, the files sources read, the notes and the config; each save
    rebuilds only the jobs it made stale (the same digests and lock file as `build`).
    """
    reporter = PlainReporter()
    watcher = Watcher(directory, config_file, reporter)
    require_config(watcher.config)
    server: PreviewServer | None = None
    if serve:
        try:
            server = PreviewServer(watcher.state, watcher.config.root, port)
        except OSError:
            server = PreviewServer(watcher.state, watcher.config.root, 0)
        watcher.on_change = lambda state, summary: server.publish() if server else None
    interrupt_on_sigterm()
    stop = threading.Event()

    def ready() -> None:
        where = f" — preview at {server.url}" if server else ""
        click.echo(f"watching {watcher.config.root}{where} (Ctrl-C to stop)")
        if open_browser and server:
            webbrowser.open(server.url)

    try:
        watcher.run(stop, on_ready=ready)
    except KeyboardInterrupt:
        pass
    finally:
        ignore_further_interrupts()  # stopping now: the browser is closed, whatever else comes
        stop.set()
        if server is not None:
            server.close()
        watcher.close()
        click.echo("stopped")
