"""diagrams: an Excalidraw and diagram asset pipeline for Markdown notes."""

__version__ = "0.1.0"

__all__ = ["__version__"]
