"""The `diagrams` command line: thin Click commands over the library.

Each command lives in its own module and registers itself on ``main`` below.
"""

from __future__ import annotations

from .base import main

# Importing the command modules registers their commands on ``main``.
from . import build_cmd, figure_cmd, render_cmd  # noqa: F401  isort: skip

__all__ = ["main"]
