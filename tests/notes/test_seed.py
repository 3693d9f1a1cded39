"""The seed note — the real client of this tool — passes as written in a copy of this repository.

It links PNG outputs of current sources on purpose (``![](attachments/DFF.png)`` while `format`
prefers svg): `links` and `build` leave every byte of it, and `check` reports only the images
that have no source yet (the data figures of the figures v2 issue), and nothing once they exist.
The note is read from ``../shared/seeds`` (or ``$DIAGRAMS_SEEDS``); its text is not copied here.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from diagram_assets.cli import main
from locations import REPO, SEEDS

SEED = "000_c093007756097dbc.txt"
# Images the seed note embeds that no source of this repository writes yet.
NO_SOURCE_YET = ("attachments/GPT-3参数.png", "attachments/A-Survey-of-Large-Language-Models.png")


@pytest.fixture
def seeded(tmp_path: Path) -> tuple[Path, Path]:
    """A copy of this repository with the seed note in notes/ (the notes globs cover it)."""
    seed = SEEDS / SEED
    if not seed.is_file():
        pytest.skip(f"the seed note is not here ({seed}); set DIAGRAMS_SEEDS to run this")
    repo = tmp_path / "repo"
    for folder in ("diagrams", "attachments", "notes"):
        shutil.copytree(REPO / folder, repo / folder)
    shutil.copy2(REPO / "pyproject.toml", repo / "pyproject.toml")
    note = repo / "notes" / "seed.md"
    shutil.copy2(seed, note)
    return repo, note


def run(repo: Path, *args: str) -> tuple[int, str]:
    result = CliRunner().invoke(main, [*args, "-C", str(repo)], env={"DIAGRAMS_CACHE_DIR": ""})
    assert "Traceback" not in result.output, result.output
    return result.exit_code, result.output


def notes_bytes(repo: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted((repo / "notes").iterdir())}


def test_the_seed_note_links_current_outputs_in_png(seeded: tuple[Path, Path]) -> None:
    """The premise: the note embeds PNG outputs of this repository's sources, and svg is the
    configured format (so keeping them is the rule at work, not an accident)."""
    repo, note = seeded
    text = note.read_text(encoding="utf-8")
    for name in ("FF", "DFF", "RNN", "LSTM", "Transformer架构"):
        assert f"![](attachments/{name}.png)" in text, name
        assert (repo / "attachments" / f"{name}.svg").is_file(), name
    lock = json.loads((repo / "attachments" / "diagrams.lock").read_text(encoding="utf-8"))
    outputs = {out for job in lock["jobs"].values() for out in job["outputs"]}
    assert {f"attachments/{n}.png" for n in ("FF", "DFF", "RNN", "LSTM")} <= outputs


def test_links_and_build_leave_the_seed_note_byte_identical(seeded: tuple[Path, Path]) -> None:
    repo, _note = seeded
    before = notes_bytes(repo)
    code, output = run(repo, "links", "--dry-run")
    assert code == 0, output
    assert "0 to change" in output and "+++" not in output, output
    code, output = run(repo, "links")
    assert code == 0, output
    assert "rewrote" not in output, output
    assert notes_bytes(repo) == before
    code, output = run(repo, "build")  # every source is current: no browser, links only
    assert code == 0, output
    assert "rewrote" not in output, output
    assert notes_bytes(repo) == before


def test_check_reports_only_the_images_without_a_source(seeded: tuple[Path, Path]) -> None:
    repo, _note = seeded
    missing = [path for path in NO_SOURCE_YET if not (repo / path).exists()]
    code, output = run(repo, "check", "--format", "json")
    report = json.loads(output)
    assert report["problems"] == [], output
    assert report["ok"] and code == 0, output
    assert report["current"] == report["sources"], output
    assert report["warnings"] == [
        f"notes/seed.md: line {line}: image target not found: {path} — fix the path"
        for line, path in zip(_lines_of(repo, missing), missing, strict=True)
    ]


def _lines_of(repo: Path, paths: list[str]) -> list[int]:
    """The (1-based) line of the note where each path is embedded."""
    lines = (repo / "notes" / "seed.md").read_text(encoding="utf-8").splitlines()
    return [next(i for i, line in enumerate(lines, 1) if f"]({path})" in line) for path in paths]
