"""diagrams: an Excalidraw and diagram asset pipeline for Markdown notes."""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("diagram-assets")
except PackageNotFoundError:  # running from a source tree without an install
    __version__ = "0.0.0+source"

__all__ = ["__version__"]
