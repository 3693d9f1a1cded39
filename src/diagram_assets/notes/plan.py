"""Deciding what one link should become: the rules of "point embeds at the current outputs".

An image link (Markdown image, reference image, ``![[embed]]``, ``<img>``) whose target
resolves to a *source* is pointed at the source's preferred output (the first of
``LinkOptions.formats`` it has, else any output it has). One that resolves to a current *output*
of a source, in any format the source writes, is left as the writer chose it (``FF.png`` stays
when svg is preferred); with ``LinkOptions.normalise`` it too is pointed at the preferred
output. Plain links are left alone unless ``rewrite_plain_links``, and are not checked: a
missing target is a warning only for images. The new target keeps the link's style (relative,
``/absolute``, vault path, bare name; ``<…>``; percent-encoding). A link that is already
current is not touched at all, so rewriting is idempotent.

Frames: ``#^frame=Name`` (or ``#^clippedframe=Name``; ``Name`` may also be the frame's element
id, as in Obsidian) points at that frame's own output when the source exports frames, and the
fragment is dropped (the frame image is the whole image). When the frame is not exported the
link points at the whole image and the fragment is *kept*: SVG, PNG and GIF URLs carry a
fragment harmlessly (viewers show the whole image), and keeping it lets a later build point the
link at the frame once frames are exported. A warning says so (or, when the source exports
frames but none has that name or id, which frames it has).
"""

from __future__ import annotations

import posixpath
import re
from collections.abc import Mapping
from dataclasses import dataclass

from ..errors import NotesError
from ..scene.parts import part_key
from .model import LinkKind, LinkOptions, OutputSet
from .resolve import LinkIndex, Managed, Resolved, norm_path
from .targets import (
    decode_html,
    decode_markdown,
    encode_html,
    encode_markdown,
    frame_name,
    is_external,
    needs_angle,
)

_SIZE = re.compile(r"\s*\d+(x\d+)?\s*")
_WIKI_UNSAFE = frozenset("#|^[]")
_LISTED = 5  # frames a warning lists by name


@dataclass(frozen=True)
class Context:
    note: str  # normalised repo-relative path of the note
    index: LinkIndex
    options: LinkOptions


@dataclass(frozen=True)
class LinkRef:
    """What the planner needs to know about a link (found by the scanner or the prefilter)."""

    kind: LinkKind
    raw: str  # the target as written
    form: str  # "md", "html" or "wiki"
    quote: str = ""
    alias: str = ""  # wikilink: raw text after the target, e.g. "|500"


@dataclass
class Plan:
    """The outcome for one link: new text for its target (or whole link), a warning, an error."""

    new: str | None = None
    whole: bool = False  # ``new`` replaces the whole link (wikilink → Markdown image)
    warning: str | None = None
    error: NotesError | None = None
    picture: str | None = None  # a Markdown image to write as <picture>: its dark source

    @property
    def interesting(self) -> bool:
        return (
            self.new is not None
            or self.warning is not None
            or self.error is not None
            or self.picture is not None
        )


def warning(ctx: Context, line: int, what: str, fix: str | None = None) -> str:
    """A one-line warning naming the note and the (1-based) line."""
    return str(NotesError(what, file=ctx.note, place=f"line {line}", fix=fix))


def plan_link(link: LinkRef, ctx: Context, line: int) -> Plan:
    if link.form == "wiki":
        return _plan_wikilink(link, ctx, line)
    return _plan_url(link, ctx, line)


def _preferred(mapping: Mapping[str, str], formats: tuple[str, ...]) -> str | None:
    for fmt in formats:
        path = mapping.get(fmt)
        if isinstance(path, str) and path:
            return norm_path(path)
    for path in mapping.values():
        if isinstance(path, str) and path:
            return norm_path(path)
    return None


def _formats(managed: Managed, path: str, options: LinkOptions) -> tuple[str, ...]:
    """The formats to prefer for a link that resolves to ``path``, first to last.

    A link to an output (a whole image or a frame's) prefers the format it already shows, so a
    current output is never pointed at another format, unless ``normalise``; a link to a source
    takes the configured order.
    """
    if managed.is_source or options.normalise:
        return options.formats
    shown = _format_of(managed.outputs, managed.frame, path, managed.part)
    return options.formats if shown is None else (shown, *options.formats)


def _format_of(out: OutputSet, frame: str | None, path: str, part: str | None) -> str | None:
    if part is not None:
        mapping = out.parts.get(part, {})
    else:
        mapping = out.outputs if frame is None else out.frames.get(frame, {})
    for fmt, written in mapping.items():
        if isinstance(written, str) and norm_path(written) == path:
            return fmt
    return None


def _desired(
    managed: Managed, path: str, fragment: str, ctx: Context, line: int
) -> tuple[str | None, bool, str | None]:
    """The path a link that resolves to ``path`` (managed as ``managed``) should point at,
    whether to keep its fragment, and a warning."""
    out = managed.outputs
    formats = _formats(managed, path, ctx.options)
    if managed.frame is not None:
        return _preferred(out.frames.get(managed.frame, {}), formats), True, None
    if managed.part is not None:
        return _preferred(out.parts.get(managed.part, {}), formats), True, None
    part = part_key(fragment)
    if part is not None and part in out.parts:
        return _preferred(out.parts[part], formats), False, None
    if part is not None and not part.startswith(("frame=", "clippedframe=")):
        note = warning(
            ctx,
            line,
            f"no image of #^{part} of {out.source} was made (the build said why): the link "
            "shows the whole drawing",
            "embed a part the drawing has, then run `diagrams build`",
        )
        return _preferred(out.outputs, formats), True, note
    frame = frame_name(fragment)
    if frame is None:
        return _preferred(out.outputs, formats), True, None
    name = out.frame(frame)
    if name is not None:
        return _preferred(out.frames[name], formats), False, None
    if out.frames:
        shown = ", ".join(repr(n) for n in list(out.frames)[:_LISTED])
        more = f" and {len(out.frames) - _LISTED} more" if len(out.frames) > _LISTED else ""
        note = warning(
            ctx,
            line,
            f"{out.source} has no frame named {frame!r} or with that element id (its frames: "
            f"{shown}{more}): the link shows the whole drawing",
            "name one of its frames, by its name or by its element id",
        )
    else:
        note = warning(
            ctx,
            line,
            f"frame {frame!r} of {out.source} is not exported: the link shows the whole drawing",
            "export the drawing's frames to embed just this frame",
        )
    return _preferred(out.outputs, formats), True, note


def _ambiguous(ctx: Context, line: int, column_text: str, res: Resolved) -> NotesError:
    listed = ", ".join(res.candidates)
    return NotesError(
        f"{column_text} is ambiguous: it matches {listed}",
        file=ctx.note,
        place=f"line {line}",
        fix=f"write the vault path, e.g. {res.candidates[0]}",
    )


# -- Markdown and HTML links ----------------------------------------------------------------


def _plan_url(link: LinkRef, ctx: Context, line: int) -> Plan:
    target = decode_html(link.raw) if link.form == "html" else decode_markdown(link.raw)
    path = target.path
    if not path or is_external(path):
        return Plan()
    res = ctx.index.resolve_markdown(path, ctx.note)
    if res.style == "outside":
        return Plan()
    if res.ambiguous:
        if link.kind.is_image and any(c in ctx.index.managed for c in res.candidates):
            return Plan(error=_ambiguous(ctx, line, link.raw, res))
        if not link.kind.is_image:
            return Plan()  # plain links are not checked (they may name pages kept elsewhere)
        return Plan(
            warning=warning(
                ctx,
                line,
                f"{link.raw} is not found next to the note, and its name matches "
                f"{', '.join(res.candidates)}",
                "write the path relative to the note",
            )
        )
    if res.path is None:
        if not link.kind.is_image:
            return Plan()  # plain links are not checked (they may name pages kept elsewhere)
        return Plan(
            warning=warning(ctx, line, f"image target not found: {link.raw}", "fix the path")
        )
    managed = ctx.index.managed.get(res.path)
    if managed is None or not (link.kind.is_image or ctx.options.rewrite_plain_links):
        return Plan()
    desired, keep_fragment, note = _desired(managed, res.path, target.fragment, ctx, line)
    if desired is None or (desired == res.path and (keep_fragment or not target.fragment)):
        return Plan(warning=note, picture=_dark_source(link, ctx, res.path, path))
    written = _written_path(desired, res, ctx, path)
    suffix = target.suffix if keep_fragment else target.suffix_without_fragment()
    if link.form == "html":
        new = encode_html(written, target, link.quote, suffix)
    else:
        new = encode_markdown(written, target, suffix)
    return Plan(
        new=new if new != link.raw else None,
        warning=note,
        picture=_dark_source(link, ctx, desired, written),
    )


def _dark_source(link: LinkRef, ctx: Context, shown: str, written: str) -> str | None:
    """For a Markdown image to be written as <picture>: the dark twin of ``shown`` (the path
    the image will show, written as ``written``), written the same way; else None."""
    if not (ctx.options.picture and link.kind is LinkKind.IMAGE and link.form == "md"):
        return None
    twin = ctx.index.dark.get(shown)
    if twin is None:
        return None
    folder = written.rsplit("/", 1)[0] + "/" if "/" in written else ""
    return folder + twin.rsplit("/", 1)[-1]


def _written_path(desired: str, res: Resolved, ctx: Context, original: str) -> str:
    """``desired`` written the way the original link was (relative, absolute, vault, name).

    A vault path or a bare name that would resolve to another file (one next to the note
    with the same path) is written relative to the note instead.
    """
    rel = posixpath.relpath(desired, posixpath.dirname(ctx.note) or ".")
    if res.style == "absolute":
        return "/" + desired
    if res.style in ("vault", "name"):
        written = desired if res.style == "vault" else ctx.index.shortest_name(desired)
        if ctx.index.resolve_markdown(written, ctx.note).path == desired:
            return written
        return rel
    if original.startswith("./") and not rel.startswith("../"):
        rel = "./" + rel
    return rel


# -- wikilinks ------------------------------------------------------------------------------


def _plan_wikilink(link: LinkRef, ctx: Context, line: int) -> Plan:
    raw = link.raw
    path, _, fragment = raw.partition("#")
    if not path.strip():
        return Plan()  # a link into the note itself
    embed = link.kind is LinkKind.EMBED
    rewrite = embed or ctx.options.rewrite_plain_links
    res = ctx.index.resolve_wikilink(path, ctx.note)
    if res.style == "outside":
        return Plan()
    if res.ambiguous:
        if embed or (rewrite and any(c in ctx.index.managed for c in res.candidates)):
            shown = ("![[" if embed else "[[") + raw + "]]"
            return Plan(error=_ambiguous(ctx, line, shown, res))
        return Plan()
    if res.path is None:
        if not embed:
            return Plan()  # Obsidian's unresolved links are placeholders for notes to write
        return Plan(
            warning=warning(ctx, line, f"embedded file not found: ![[{raw}]]", "fix the name")
        )
    managed = ctx.index.managed.get(res.path)
    if managed is None or not rewrite:
        return Plan()
    desired, keep_fragment, note = _desired(managed, res.path, fragment, ctx, line)
    if desired is None:
        return Plan(warning=note)
    if embed and ctx.options.wikilinks == "markdown":
        return Plan(
            new=_markdown_image(desired, fragment, keep_fragment, link, ctx),
            whole=True,
            warning=note,
        )
    if desired == res.path and (keep_fragment or not fragment):
        return Plan(warning=note)
    written = ctx.index.shortest_wikilink(desired)
    if ctx.index.resolve_wikilink(written, ctx.note).path != desired:
        written = desired  # a vault path always resolves to itself
    if any(ch in _WIKI_UNSAFE for ch in written):
        return Plan(
            warning=warning(
                ctx,
                line,
                f"cannot point ![[{raw}]] at {desired}: a wikilink cannot hold '#|^[]'",
                'rename the output, or set wikilinks = "markdown"',
            )
        )
    if keep_fragment and fragment:
        written += "#" + fragment
    return Plan(new=written if written != raw else None, warning=note)


def _markdown_image(
    desired: str, fragment: str, keep_fragment: bool, link: LinkRef, ctx: Context
) -> str:
    """``![[x|500]]`` as a Markdown image: ``![|500](path)``; an alias becomes the alt text."""
    alias = link.alias
    separator = "\\|" if alias.startswith("\\|") else "|"
    text = alias[len(separator) :] if alias else ""
    if not alias:
        alt = ""
    elif _SIZE.fullmatch(text):
        alt = separator + text.strip()
    else:
        alt = text.replace("\\", "\\\\").replace("[", "\\[").replace("]", "\\]")
    rel = posixpath.relpath(desired, posixpath.dirname(ctx.note) or ".")
    like = decode_markdown("x")
    suffix = "#" + fragment if keep_fragment and fragment else ""
    dest = encode_markdown(rel, like)
    if suffix:
        dest = f"<{dest[1:-1]}{suffix}>" if dest.startswith("<") else dest + suffix
        if not dest.startswith("<") and needs_angle(suffix):
            dest = f"<{dest}>"
    return f"![{alt}]({dest})"
