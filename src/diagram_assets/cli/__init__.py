"""The `diagrams` command line: thin Click commands over the library.

Each command lives in its own module, imported when the command runs (see ``base.COMMANDS``).
"""

from __future__ import annotations

from .base import main

__all__ = ["main"]
