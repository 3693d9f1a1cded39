"""Package exports imported on first use (PEP 562), for the few names whose modules `check` or a
no-op build must not load (bench/pipeline.py measures both).

A package imports its light modules as usual and names the heavy ones once, in a dict::

    # lazy: `check` and a no-op build never load the renderer
    _LAZY = {"Renderer": ".renderer"}
    __getattr__, __dir__ = lazy_exports(__name__, _LAZY)
    __all__ = ["RenderOptions", *_LAZY]

Static type checkers see a lazy name as the ``__getattr__`` result (``Any``); the package's own
modules therefore import such names from the module that defines them.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Mapping
from importlib import import_module
from typing import Any


def lazy_exports(
    package: str, exports: Mapping[str, str]
) -> tuple[Callable[[str], Any], Callable[[], list[str]]]:
    """A module ``__getattr__`` that imports ``name`` from ``exports[name]`` (a submodule,
    relative to ``package``) the first time it is used, then keeps it in the package; and a
    ``__dir__`` that lists the lazy names beside the loaded ones."""

    def __getattr__(name: str) -> Any:
        module = exports.get(name)
        if module is None:
            raise AttributeError(f"module {package!r} has no attribute {name!r}")
        value = getattr(import_module(module, package), name)
        setattr(sys.modules[package], name, value)
        return value

    def __dir__() -> list[str]:
        return sorted({*vars(sys.modules[package]), *exports})

    return __getattr__, __dir__
