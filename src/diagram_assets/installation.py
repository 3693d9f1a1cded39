"""How this package was installed, and so what to tell a user whose render page is missing.

In a source checkout (``js/`` beside ``src/``, as with ``make``'s editable install) the page is
built with ``make page``. Anywhere else the package came from a wheel, which always carries the
page (the build backend refuses to make one without it), so the fix is to reinstall — never a
command naming files the user's own repository does not have.
"""

from __future__ import annotations

from pathlib import Path

JS_SOURCES = Path(__file__).resolve().parents[2] / "js"  # exists in a source checkout only

REINSTALL_HINT = (
    "it ships inside the diagram-assets package: reinstall the package "
    "(`pipx reinstall diagram-assets`, or `pip install --force-reinstall` from the same "
    "source), then run `diagrams doctor`"
)


def in_source_checkout() -> bool:
    """True when this package runs from a clone of its repository (the page's sources are here)."""
    return (JS_SOURCES / "build.mjs").is_file()


def page_fix(checkout_hint: str) -> str:
    """The fix for a missing or damaged render page: ``checkout_hint`` (naming `make page`) in a
    source checkout, the reinstall hint in an installed package."""
    return checkout_hint if in_source_checkout() else REINSTALL_HINT
