"""Watching sources and rebuilding on save, with a live preview page."""

from .loop import JobState, Watcher, WatchState
from .preview import PreviewServer

__all__ = ["JobState", "PreviewServer", "WatchState", "Watcher"]
