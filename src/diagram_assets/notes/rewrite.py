"""Rewriting one note's links: pure, bytes in and bytes out.

Only the bytes of link targets change (and, with ``wikilinks="markdown"``, the embeds that are
turned into Markdown images); line endings, the BOM, spacing, alt text and titles stay.
"""

from __future__ import annotations

import posixpath
from collections.abc import Sequence
from dataclasses import replace

from ..errors import NotesError
from .model import Change, Link, LinkKind, LinkOptions, NoteResult, OutputSet
from .picture import picture_html, picture_srcset, srcset_value
from .plan import Context, LinkRef, plan_link, warning
from .quick import is_plain, quick_links
from .resolve import Vault, norm_path
from .scan import RawLink, scan
from .targets import decode_html
from .text import BOM, ByteOffsets, NoteText, decode_note

_REF_KINDS = (LinkKind.IMAGE_REF, LinkKind.LINK_REF)


def find_links(data: bytes, note: str = "") -> list[Link]:
    """Every link and embed outside code, with the byte span of its target.

    Raises NotesError when ``data`` is not UTF-8.
    """
    text, bom = decode_note(data, note or "note")
    nt = NoteText(text, bom)
    to_bytes = ByteOffsets(text, bom)
    found: list[Link] = []
    for link in scan(nt).links:
        line, column = nt.line_col(link.link_start)
        label = link.label if link.kind in _REF_KINDS else (link.alias or None)
        found.append(
            Link(
                link.kind,
                text[link.start : link.end],
                to_bytes(link.start),
                to_bytes(link.end),
                line,
                column,
                label,
            )
        )
    return found


def rewrite_note(
    data: bytes,
    note: str,
    vault: Vault,
    outputs: Sequence[OutputSet],
    options: LinkOptions = LinkOptions(),  # noqa: B008 - frozen, so sharing it is safe
) -> NoteResult:
    """Point the note's embeds at the current outputs; no I/O.

    ``note`` is the note's repo-relative path (links are resolved from its folder).
    """
    result = NoteResult(note, data, data)
    try:
        text, bom = decode_note(data, note)
    except NotesError as exc:
        result.errors.append(exc)
        return result
    ctx = Context(norm_path(note), vault.index(outputs), options)
    candidates = quick_links(text)
    if candidates is not None and not _any_interesting(text, candidates, ctx):
        return result
    return _rewrite(result, NoteText(text, bom), ctx)


_MEMO_LIMIT = 200_000


def _any_interesting(text: str, candidates: list[tuple[LinkRef, int]], ctx: Context) -> bool:
    """Would any candidate be rewritten or warned about? Answers are memoised per folder."""
    folder = posixpath.dirname(ctx.note)
    for ref, close in candidates:
        if _interesting(ref, ctx, folder) and (
            close < 0
            or not is_plain(text, close)
            or _interesting(replace(ref, kind=LinkKind.LINK), ctx, folder)
        ):
            return True
    return False


def _interesting(ref: LinkRef, ctx: Context, folder: str) -> bool:
    memo = ctx.index.memo
    key = (ctx.options, folder, ref)
    hit = memo.get(key)
    if hit is None:
        if len(memo) >= _MEMO_LIMIT:
            memo.clear()
        hit = memo[key] = plan_link(ref, ctx, 0).interesting
    return hit


def _ref(nt: NoteText, link: RawLink, kind: LinkKind | None = None) -> LinkRef:
    return LinkRef(
        kind or link.kind, nt.text[link.start : link.end], link.form, link.quote, link.alias
    )


def _rewrite(result: NoteResult, nt: NoteText, ctx: Context) -> NoteResult:
    scanned = scan(nt)
    edits: dict[tuple[int, int], tuple[str, int]] = {}  # span -> (new text, 1-based line)
    definitions: dict[tuple[int, int], list[RawLink]] = {}
    for link in scanned.links:
        if link.kind in _REF_KINDS:
            definitions.setdefault((link.start, link.end), []).append(link)
            continue
        line = nt.line_col(link.link_start)[0]
        plan = plan_link(_ref(nt, link), ctx, line)
        _collect(result, plan.warning, plan.error)
        if plan.picture is not None:
            target = plan.new if plan.new is not None else nt.text[link.start : link.end]
            html = picture_html(
                nt.text, link.link_start, link.start, link.end, link.link_end, target, plan.picture
            )
            edits[(link.link_start, link.link_end)] = (html, line)
        elif plan.new is not None:
            span = (link.link_start, link.link_end) if plan.whole else (link.start, link.end)
            edits[span] = (plan.new, line)
        if link.kind is LinkKind.HTML_IMG:
            _keep_srcset(nt, link, plan.new, ctx, edits, line)
    for span, uses in definitions.items():
        first = uses[0]
        line = first.definition_line + 1
        images = any(u.kind is LinkKind.IMAGE_REF for u in uses)
        plain = any(u.kind is LinkKind.LINK_REF for u in uses)
        plan = plan_link(_ref(nt, first, LinkKind.IMAGE_REF if images else None), ctx, line)
        if plan.new is not None and images and plain and not ctx.options.rewrite_plain_links:
            plan.new = None
            plan.warning = warning(
                ctx,
                line,
                f"definition [{first.label}] is used by an image and by a plain link: "
                "left unchanged",
                "give the image its own definition",
            )
        _collect(result, plan.warning, plan.error)
        if plan.new is not None:
            edits[span] = (plan.new, line)
    for line0, snippet in scanned.unplaced:
        refs = quick_links(snippet) or []
        if any(plan_link(ref, ctx, line0 + 1).interesting for ref, _ in refs):
            result.warnings.append(
                warning(
                    ctx,
                    line0 + 1,
                    f"cannot place {snippet.strip()!r} exactly in the text: left unchanged",
                    "simplify the link (no escaped '|' in its target)",
                )
            )
    if result.errors or not edits:
        return result
    _apply(result, nt, edits)
    return result


def _keep_srcset(
    nt: NoteText,
    link: RawLink,
    new: str | None,
    ctx: Context,
    edits: dict[tuple[int, int], tuple[str, int]],
    line: int,
) -> None:
    """The dark source of a ``<picture>`` (see :mod:`.picture`) follows its image's ``src``."""
    span = picture_srcset(nt.text, link.link_start)
    if span is None:
        return
    shown = decode_html(new if new is not None else nt.text[link.start : link.end])
    res = ctx.index.resolve_markdown(shown.path, ctx.note)
    twin = ctx.index.dark.get(res.path) if res.path is not None else None
    if twin is None:
        return  # no dark twin (any more): the source is left as written
    folder = shown.path.rsplit("/", 1)[0] + "/" if "/" in shown.path else ""
    srcset = srcset_value(folder + twin.rsplit("/", 1)[-1], shown)
    if srcset != nt.text[span[0] : span[1]]:
        edits[span] = (srcset, line)


def _collect(result: NoteResult, note: str | None, error: NotesError | None) -> None:
    if note is not None and note not in result.warnings:
        result.warnings.append(note)
    if error is not None and all(str(e) != str(error) for e in result.errors):
        result.errors.append(error)


def _apply(result: NoteResult, nt: NoteText, edits: dict[tuple[int, int], tuple[str, int]]) -> None:
    text = nt.text
    to_bytes = ByteOffsets(text, nt.bom)
    pieces: list[str] = []
    pos = 0
    for (start, end), (new, line) in sorted(edits.items()):
        if start < pos:
            continue  # overlapping edits cannot happen; never write over one
        pieces.append(text[pos:start])
        pieces.append(new)
        old = text[start:end]
        result.changes.append(Change(line, old, new, to_bytes(start), to_bytes(end)))
        pos = end
    pieces.append(text[pos:])
    body = "".join(pieces).encode("utf-8")
    result.new = BOM + body if nt.bom else body
