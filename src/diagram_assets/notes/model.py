"""The data the notes API takes and returns: outputs, options, links, changes, results."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum

from ..errors import ConfigError, NotesError

WIKILINK_MODES = ("keep", "markdown")


@dataclass(frozen=True)
class OutputSet:
    """What one source produced, as the pipeline reports it (repo-relative POSIX paths).

    ``outputs`` maps a format to a path (``{"svg": "attachments/FF.svg"}``; an animation has
    ``{"gif": ...}``); ``frames`` maps a frame name to such a mapping when frames are exported.
    ``frame_ids`` maps a frame's element id to its name in ``frames``: a link may name a frame
    either way (``#^frame=Intro`` or ``#^frame=<element id>``), as Obsidian's plugin does.
    ``dark`` maps an output (whole or frame) to its dark twin (``theme = "both"``/``"auto"``).
    ``parts`` maps a part a note embeds (``group=<id>``, ``area=<id>``, ``frame=<name or id>``,
    ``clippedframe=…``) to such a mapping.
    """

    source: str
    outputs: Mapping[str, str]
    frames: Mapping[str, Mapping[str, str]] = field(default_factory=dict)
    frame_ids: Mapping[str, str] = field(default_factory=dict)
    dark: Mapping[str, str] = field(default_factory=dict)
    parts: Mapping[str, Mapping[str, str]] = field(default_factory=dict)

    def frame(self, name_or_id: str) -> str | None:
        """The name (a key of ``frames``) of the exported frame a link names by its name or by
        its element id; None when no exported frame has that name or id."""
        if name_or_id in self.frames:
            return name_or_id
        name = self.frame_ids.get(name_or_id)
        return name if name is not None and name in self.frames else None


@dataclass(frozen=True)
class LinkOptions:
    """How links are written.

    ``formats``: a link to a source points at the first of these formats the source has (else
    at any output it has, e.g. a GIF). A link that already shows a current output of a source,
    in any format the source writes (``FF.png`` when ``formats`` prefers svg), keeps its format
    (the same holds for frame outputs), unless ``normalise``: then every link points at the
    first of ``formats``. ``wikilinks``: ``"keep"`` rewrites ``![[x]]`` in place, ``"markdown"``
    turns a rewritten embed into a Markdown image (``![[x|500]]`` → ``![|500](path)``).
    ``rewrite_plain_links``: also rewrite plain (non-image) links to sources and outputs.
    ``picture``: a Markdown image of an output that has a dark twin is written as
    ``<picture>`` with the twin as its ``(prefers-color-scheme: dark)`` source (see
    :mod:`.picture`); Obsidian embeds stay as they are.
    """

    formats: tuple[str, ...] = ("svg", "png")
    wikilinks: str = "keep"
    rewrite_plain_links: bool = False
    normalise: bool = False
    picture: bool = False

    def __post_init__(self) -> None:
        formats = self.formats
        if isinstance(formats, str):
            formats = (formats,)
        formats = tuple(formats)
        if not formats or not all(isinstance(f, str) and f for f in formats):
            raise ConfigError(
                f"link formats must be a non-empty list of format names, not {self.formats!r}",
                fix='use e.g. formats = ["svg", "png"]',
            )
        object.__setattr__(self, "formats", formats)
        if self.wikilinks not in WIKILINK_MODES:
            raise ConfigError(
                f"unknown wikilinks mode {self.wikilinks!r}",
                fix='use "keep" (rewrite ![[x]] in place) or "markdown" (turn it into ![](x))',
            )


class LinkKind(StrEnum):
    """The syntax a link is written in."""

    IMAGE = "image"  # ![alt](target "title")
    IMAGE_REF = "image_ref"  # ![alt][id] with [id]: target  (the span is the definition's)
    LINK = "link"  # [text](target)
    LINK_REF = "link_ref"  # [text][id] with [id]: target
    EMBED = "embed"  # ![[target|500]]
    WIKILINK = "wikilink"  # [[target|alias]]
    HTML_IMG = "html_img"  # <img src="target">

    @property
    def is_image(self) -> bool:
        return self in _IMAGE_KINDS

    @property
    def is_wikilink(self) -> bool:
        return self in (LinkKind.EMBED, LinkKind.WIKILINK)


_IMAGE_KINDS = frozenset({LinkKind.IMAGE, LinkKind.IMAGE_REF, LinkKind.EMBED, LinkKind.HTML_IMG})


@dataclass(frozen=True)
class Link:
    """One link or embed found outside code.

    ``target`` is the target exactly as written (for a wikilink: the part before ``|``, with any
    ``#fragment``); ``start``/``end`` are the byte offsets of those characters in the note's
    bytes (a BOM counts). ``line``/``column`` (1-based, column in characters) say where the link
    itself starts; for a reference-style link that is the use, while the span is in the
    definition (``label`` names it). For a wikilink ``label`` holds the ``|alias`` part.
    """

    kind: LinkKind
    target: str
    start: int
    end: int
    line: int
    column: int
    label: str | None = None


@dataclass(frozen=True)
class Change:
    """One rewritten link target: where, and the text before and after."""

    line: int
    old: str
    new: str
    start: int  # byte span of ``old`` in the original note
    end: int

    def __str__(self) -> str:
        return f"line {self.line}: {self.old} → {self.new}"


@dataclass
class NoteResult:
    """What rewriting one note did (or, in a dry run, would do).

    ``data`` is the note as read and ``new`` the rewritten bytes (``new == data`` when nothing
    changes, and always when there are ``errors``: a note with an error is left unchanged).
    ``warnings`` are one-line messages naming the note and line (missing files, frames that are
    not exported); ``errors`` are NotesError (ambiguous wikilinks, unreadable notes).
    """

    note: str
    data: bytes
    new: bytes
    changes: list[Change] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    errors: list[NotesError] = field(default_factory=list)
    written: bool = False

    @property
    def changed(self) -> bool:
        return self.new != self.data

    @property
    def ok(self) -> bool:
        return not self.errors
