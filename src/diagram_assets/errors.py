"""Errors users see: one line naming the file, the place, what is wrong and how to fix it."""

from __future__ import annotations

from pathlib import Path


def _one_line(text: str) -> str:
    return " ".join(text.split())


class DiagramsError(Exception):
    """An error about user input or the environment, printed as one line without a traceback.

    ``file`` and ``place`` (a JSON path like ``$.elements[3].type`` or ``line 12, column 4``)
    say where; ``what`` says what is wrong; ``fix`` says what to do about it.
    """

    exit_code = 1

    def __init__(
        self,
        what: str,
        *,
        file: str | Path | None = None,
        place: str | None = None,
        fix: str | None = None,
    ) -> None:
        self.what = what
        self.file = file
        self.place = place
        self.fix = fix
        super().__init__(str(self))

    def __str__(self) -> str:
        where = ": ".join(str(p) for p in (self.file, self.place) if p not in (None, ""))
        text = f"{where}: {self.what}" if where else self.what
        if self.fix:
            text = f"{text} — {self.fix}"
        return _one_line(text)


class SceneError(DiagramsError):
    """A drawing that cannot be read as an Excalidraw scene."""


class SpecError(DiagramsError):
    """A figure or animation spec that is not valid."""


class RenderError(DiagramsError):
    """A scene that the renderer could not turn into images."""


class NotesError(DiagramsError):
    """A note whose links cannot be resolved or rewritten."""


class ConfigError(DiagramsError):
    """Configuration or usage that is wrong: nothing can be planned until it is fixed."""

    exit_code = 2


class EnvironmentProblem(DiagramsError):
    """Something missing on this machine (Chromium, the built render page)."""

    exit_code = 2


class ConfigErrors(ConfigError):
    """Several configuration errors found at once (every colliding output, every missing
    folder): each is one line; they are printed one per line."""

    def __init__(self, errors: list[ConfigError]) -> None:
        self.errors = list(errors)
        first = self.errors[0]
        super().__init__(first.what, file=first.file, place=first.place, fix=first.fix)

    def __str__(self) -> str:
        return "\n".join(str(e) for e in self.errors)
