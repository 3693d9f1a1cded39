"""Rewriting notes on disk (atomically, one bad note never stopping the rest) and diffs."""

from __future__ import annotations

import difflib
import stat
from collections.abc import Iterable, Sequence
from pathlib import Path

from ..errors import NotesError
from ..fsutil import atomic_write, inside, read_bytes_limited
from .model import LinkOptions, NoteResult, OutputSet
from .resolve import Vault, norm_path
from .rewrite import rewrite_note

NOTE_LIMIT = 32 * 1024 * 1024  # bytes: a Markdown note larger than this is refused


def rewrite_notes_on_disk(
    root: Path,
    notes: Iterable[str | Path],
    vault: Vault,
    outputs: Sequence[OutputSet],
    options: LinkOptions = LinkOptions(),  # noqa: B008 - frozen, so sharing it is safe
    dry_run: bool = False,
) -> list[NoteResult]:
    """Rewrite each note (paths relative to ``root``) and write the changed ones atomically.

    In a dry run nothing is written. A note that cannot be read, is not UTF-8, has an ambiguous
    link or changes on disk while being rewritten gets an error in its result and is left as
    it is; the other notes are still processed.
    """
    root = Path(root)
    results: list[NoteResult] = []
    for entry in notes:
        note = _relative(root, entry)
        path = root / note
        try:
            _check_readable(root, path)
            data = read_bytes_limited(path, NOTE_LIMIT, what="note", error=NotesError)
        except NotesError as exc:
            error = NotesError(exc.what, file=note, place=exc.place, fix=exc.fix)
            results.append(NoteResult(note, b"", b"", errors=[error]))
            continue
        result = rewrite_note(data, note, vault, outputs, options)
        results.append(result)
        if dry_run or result.errors or not result.changed:
            continue
        _write(root, path, result)
    return results


def _check_readable(root: Path, path: Path) -> None:
    """Refuse, before opening it, a note that is a symlink leading out of the vault or that is
    no regular file (a FIFO would block the read forever)."""
    try:
        real = path.resolve()
        st = real.stat()
    except FileNotFoundError:
        return  # reported by the read, as any missing note
    except (OSError, RuntimeError, ValueError) as exc:  # a symlink loop, a NUL character
        raise NotesError(f"cannot be looked up ({exc})", file=path) from None
    if not inside(root, real):
        what = "is a symlink to a file outside the vault" if path.is_symlink() else "is outside"
        raise NotesError(
            f"{what} the vault: not read" if what == "is outside" else f"{what}: not read",
            file=path,
            fix="rewrite the file it points to in its own vault",
        )
    if not stat.S_ISREG(st.st_mode):
        raise NotesError("is not a regular file: not read", file=path, fix="remove it")


def _relative(root: Path, entry: str | Path) -> str:
    path = Path(entry)
    if path.is_absolute():
        try:
            path = path.relative_to(root)
        except ValueError:
            return path.as_posix()
    return norm_path(path.as_posix())


def _fail(result: NoteResult, what: str, fix: str) -> None:
    result.errors.append(NotesError(what, file=result.note, fix=fix))
    result.new = result.data
    result.changes.clear()


def _write(root: Path, path: Path, result: NoteResult) -> None:
    target = path
    if path.is_symlink():
        target = path.resolve()
        if not inside(root, target):
            _fail(
                result,
                "is a symlink to a file outside the vault: not rewritten",
                "rewrite the file it points to in its own vault",
            )
            return
    try:
        if target.read_bytes() != result.data:
            _fail(
                result,
                "changed on disk while its links were rewritten: not written",
                "run the command again",
            )
            return
        atomic_write(target, result.new)
    except OSError as exc:
        _fail(result, f"cannot write: {exc.strerror or exc}", "check the file's permissions")
        return
    result.written = True


def unified_diff(old: bytes, new: bytes, note: str) -> str:
    """A unified diff of two versions of a note, for ``diagrams links --dry-run``."""
    before = old.decode("utf-8", "replace").removeprefix("\ufeff").splitlines()
    after = new.decode("utf-8", "replace").removeprefix("\ufeff").splitlines()
    lines = difflib.unified_diff(before, after, f"a/{note}", f"b/{note}", lineterm="")
    text = "\n".join(lines)
    return text + "\n" if text else ""
