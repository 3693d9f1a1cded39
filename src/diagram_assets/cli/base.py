"""The Click group and the helpers every command uses to report errors and exit."""

from __future__ import annotations

import os
import sys
from collections.abc import Callable
from dataclasses import replace
from functools import wraps
from importlib import import_module
from pathlib import Path
from typing import Any, TypeVar

import click

from .. import __version__
from ..config import Config, load_config, require_config
from ..errors import DiagramsError
from ..interrupts import ignore_further_interrupts
from ..options import Options
from ..render.options import DEFAULT_SCALE, FORMATS, SCALE

F = TypeVar("F", bound=Callable[..., Any])


# command name → the module that defines it (imported only when the command runs, so that a
# quick `diagrams check` does not load the browser or figure machinery).
COMMANDS = {
    "build": "build_cmd",
    "check": "build_cmd",
    "render": "render_cmd",
    "doctor": "render_cmd",
    "figure": "figure_cmd",
    "animate": "animate_cmd",
    "gif": "animate_cmd",
    "watch": "watch_cmd",
    "links": "links_cmd",
}


class LazyGroup(click.Group):
    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted(set(super().list_commands(ctx)) | set(COMMANDS))

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        module = COMMANDS.get(cmd_name)
        if module is not None and cmd_name not in self.commands:
            import_module(f"{__package__}.{module}")
        return super().get_command(ctx, cmd_name)


@click.group(cls=LazyGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="diagrams")
def main() -> None:
    """Render Excalidraw drawings, generate figures and GIFs, and keep notes' images current."""


def error_line(message: str) -> None:
    """Print one error line on stderr, in red on a terminal (several errors found at once:
    one line each)."""
    for line in message.splitlines() or [""]:
        click.secho(f"error: {line}", fg="red", err=True)


def warning_line(message: str) -> None:
    click.secho(f"warning: {message}", fg="yellow", err=True)


def reports_errors(func: F) -> F:
    """Turn a DiagramsError escaping a command into one line on stderr and its exit code.

    Anything else escaping is a bug: it is reported as one line too (no traceback for users),
    with a hint to rerun with DIAGRAMS_DEBUG=1 to see the traceback.
    """

    @wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return func(*args, **kwargs)
        except DiagramsError as exc:
            error_line(str(exc))
            sys.exit(exc.exit_code)
        except KeyboardInterrupt:
            ignore_further_interrupts()
            error_line("interrupted")
            sys.exit(130)
        except click.exceptions.Exit:
            raise
        except click.ClickException:
            raise
        except Exception as exc:  # a bug: still one line, unless debugging
            if os.environ.get("DIAGRAMS_DEBUG"):
                raise
            error_line(
                f"internal error: {type(exc).__name__}: {exc} "
                "(rerun with DIAGRAMS_DEBUG=1 for the traceback, and please report it)"
            )
            sys.exit(3)

    return wrapper  # type: ignore[return-value]


def config_options(func: F) -> F:
    """Add --config FILE and -C DIR to a command; they reach it as ``config_file``/``directory``."""
    func = click.option(
        "-C",
        "--directory",
        type=click.Path(file_okay=False, exists=True, path_type=Path),
        default=None,
        help="Run as if started in this folder (default: the current folder).",
    )(func)
    func = click.option(
        "--config",
        "config_file",
        type=click.Path(dir_okay=False, exists=True, path_type=Path),
        default=None,
        help="Config file (default: diagrams.toml or pyproject.toml found upward).",
    )(func)
    return func


def load_repo_config(config_file: Path | None, directory: Path | None) -> Config:
    """The config of a repository command: an error (exit 2) when there is no config file."""
    return require_config(load_config(directory, config_file=config_file))


def output_option(what: str) -> Callable[[F], F]:
    """``-o/--output DIR``: where a one-off command writes (default: next to each input)."""
    return click.option(
        "-o",
        "--output",
        "out_dir",
        type=click.Path(file_okay=False, path_type=Path),
        help=f"Folder for the {what} (default: next to each input).",
    )


def formats_option(choices: list[str], help: str) -> Callable[[F], F]:
    return click.option(
        "-f", "--format", "formats", multiple=True, type=click.Choice(choices), help=help
    )


def scale_option(func: F) -> F:
    return click.option(
        "--scale",
        type=click.FloatRange(SCALE.low, SCALE.high, min_open=SCALE.low_open),
        default=DEFAULT_SCALE,
        show_default=True,
        help="PNG scale factor.",
    )(func)


def image_formats_option(func: F) -> F:
    """``-f/--format svg|png`` for the commands that write drawings' and figures' images."""
    return formats_option(list(FORMATS), "Output format; repeat for both (default: svg and png).")(
        func
    )


def flag_options(**flags: Any) -> Options:
    """The default options with the command's flags over them (a format list given empty
    means the default formats)."""
    if "formats" in flags:
        flags["formats"] = tuple(dict.fromkeys(flags["formats"])) or Options().formats
    return replace(Options(), **flags)


def chromium_option(func: F) -> F:
    return click.option(
        "--chromium",
        type=click.Path(dir_okay=False, path_type=Path),
        default=None,
        envvar="DIAGRAMS_CHROMIUM",
        help="Chromium binary (default: found automatically; never downloaded).",
    )(func)
