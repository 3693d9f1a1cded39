"""rewrite_notes_on_disk: dry runs, atomic writes, bad notes; unified_diff."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from diagram_assets.notes import (
    LinkOptions,
    OutputSet,
    Vault,
    rewrite_notes_on_disk,
    unified_diff,
)
from diagram_assets.notes import disk as disk_module

OUTPUTS = [
    OutputSet("diagrams/FF.yaml", {"svg": "attachments/FF.svg", "png": "attachments/FF.png"})
]


def make_vault(root: Path) -> dict[str, bytes]:
    notes = {
        "notes/stale.md": "# 标题\r\n![](../diagrams/FF.yaml)\r\n".encode(),
        "notes/current.md": b"![](../attachments/FF.svg)\n![](../attachments/FF.png)\n",
        "notes/bad.md": b"\xff\xfe not utf-8 ![](../attachments/FF.png)",
        "notes/ambiguous.md": b"![[dup.png]]\n![](../attachments/FF.png)\n",
        "notes/sub/nested.md": b"\xef\xbb\xbf![[FF.yaml|300]] no newline",
    }
    files = {
        **notes,
        "diagrams/FF.yaml": b"kind: ff\n",
        "attachments/FF.svg": b"<svg/>",
        "attachments/FF.png": b"png",
        "a/dup.png": b"1",
        "b/dup.png": b"2",
    }
    for rel, data in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
    return notes


def snapshot(root: Path) -> dict[str, tuple[bytes, int]]:
    out = {}
    for folder, _dirs, names in os.walk(root):
        for name in names:
            path = Path(folder) / name
            out[path.relative_to(root).as_posix()] = (path.read_bytes(), path.stat().st_mtime_ns)
    return out


def test_dry_run_writes_nothing_but_reports(tmp_path):
    notes = make_vault(tmp_path)
    before = snapshot(tmp_path)
    results = rewrite_notes_on_disk(
        tmp_path, list(notes), Vault.scan(tmp_path), OUTPUTS, LinkOptions(), dry_run=True
    )
    assert snapshot(tmp_path) == before
    by_note = {r.note: r for r in results}
    assert by_note["notes/stale.md"].changed and not by_note["notes/stale.md"].written
    assert [c.new for c in by_note["notes/stale.md"].changes] == ["../attachments/FF.svg"]
    assert not by_note["notes/current.md"].changed


def test_rewrite_writes_changed_notes_only_and_keeps_going(tmp_path):
    notes = make_vault(tmp_path)
    before = snapshot(tmp_path)
    results = rewrite_notes_on_disk(tmp_path, list(notes), Vault.scan(tmp_path), OUTPUTS)
    by_note = {r.note: r for r in results}
    assert len(results) == len(notes)

    assert (
        tmp_path / "notes/stale.md"
    ).read_bytes() == "# 标题\r\n![](../attachments/FF.svg)\r\n".encode()
    assert by_note["notes/stale.md"].written
    assert (
        tmp_path / "notes/sub/nested.md"
    ).read_bytes() == b"\xef\xbb\xbf![[FF.svg|300]] no newline"

    after = snapshot(tmp_path)
    for unchanged in ("notes/current.md", "notes/bad.md", "notes/ambiguous.md"):
        assert after[unchanged] == before[unchanged], unchanged
        assert not by_note[unchanged].written

    (bad,) = by_note["notes/bad.md"].errors
    assert str(bad).startswith("notes/bad.md: line 1, column 1: not valid UTF-8")
    (ambiguous,) = by_note["notes/ambiguous.md"].errors
    assert "a/dup.png" in str(ambiguous) and "b/dup.png" in str(ambiguous)
    assert not [name for name in after if ".diagrams-tmp-" in name]


def test_missing_and_unreadable_notes_are_errors(tmp_path):
    make_vault(tmp_path)
    (tmp_path / "notes/folder.md").mkdir()
    results = rewrite_notes_on_disk(
        tmp_path,
        ["notes/gone.md", "notes/folder.md", tmp_path / "notes/stale.md"],
        Vault.scan(tmp_path),
        OUTPUTS,
    )
    assert [r.note for r in results] == ["notes/gone.md", "notes/folder.md", "notes/stale.md"]
    assert "file not found" in str(results[0].errors[0])
    assert str(results[0].errors[0]).startswith("notes/gone.md")
    assert "folder" in str(results[1].errors[0])
    assert results[2].written


def test_a_note_changed_during_the_rewrite_is_not_overwritten(tmp_path, monkeypatch):
    make_vault(tmp_path)
    original = disk_module.rewrite_note

    def edit_while_rewriting(data, note, *args):
        result = original(data, note, *args)
        (tmp_path / note).write_bytes(b"edited by the user\n")
        return result

    monkeypatch.setattr(disk_module, "rewrite_note", edit_while_rewriting)
    (result,) = rewrite_notes_on_disk(tmp_path, ["notes/stale.md"], Vault.scan(tmp_path), OUTPUTS)
    assert (tmp_path / "notes/stale.md").read_bytes() == b"edited by the user\n"
    assert not result.written and result.new == result.data
    assert "changed on disk" in str(result.errors[0])


def test_a_failed_write_leaves_the_note_and_no_temporary(tmp_path, monkeypatch):
    notes = make_vault(tmp_path)

    def broken_replace(src, dst):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr("diagram_assets.fsutil.os.replace", broken_replace)
    (result,) = rewrite_notes_on_disk(tmp_path, ["notes/stale.md"], Vault.scan(tmp_path), OUTPUTS)
    assert (tmp_path / "notes/stale.md").read_bytes() == notes["notes/stale.md"]
    assert "cannot write: No space left on device" in str(result.errors[0])
    assert not [p for p in (tmp_path / "notes").iterdir() if p.name.startswith(".diagrams-tmp-")]


@pytest.mark.skipif(os.name == "nt", reason="symlinks")
def test_symlinked_note_is_written_through(tmp_path):
    make_vault(tmp_path)
    real = tmp_path / "notes/real.md"
    real.write_bytes(b"![](../diagrams/FF.yaml)\n")
    (tmp_path / "notes/link.md").symlink_to(real)
    (result,) = rewrite_notes_on_disk(tmp_path, ["notes/link.md"], Vault.scan(tmp_path), OUTPUTS)
    assert result.written
    assert (tmp_path / "notes/link.md").is_symlink()
    assert real.read_bytes() == b"![](../attachments/FF.svg)\n"


def test_unified_diff_shows_the_changed_lines():
    old = "\ufefftitle\r\n![](a.png)\r\nend".encode()
    new = "\ufefftitle\r\n![](a.svg)\r\nend".encode()
    diff = unified_diff(old, new, "notes/x.md")
    assert diff.splitlines() == [
        "--- a/notes/x.md",
        "+++ b/notes/x.md",
        "@@ -1,3 +1,3 @@",
        " title",
        "-![](a.png)",
        "+![](a.svg)",
        " end",
    ]
    assert unified_diff(old, old, "notes/x.md") == ""
