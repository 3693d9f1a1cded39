"""build and check on real temporary repositories, with real Chromium."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner
from PIL import Image

from diagram_assets.cli import main
from diagram_assets.config import load_config
from diagram_assets.errors import ConfigError
from diagram_assets.pipeline import build, check
from diagram_assets.pipeline.builder import exclusive
from diagram_assets.pipeline.kinds import RunContext
from diagram_assets.render import Renderer
from helpers import element, scene_of, text, write_scene

pytestmark = pytest.mark.browser

PYPROJECT = """
[tool.diagrams]
sources = ["diagrams"]
output = "attachments"
notes = ["notes/**/*.md"]
"""


def drawing(label: str, colour: str = "#a5d8ff"):
    return scene_of(
        element("rectangle", "box", 0, 0, 160, 80, backgroundColor=colour),
        text("label", 20, 25, label),
    )


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    (tmp_path / ".git").mkdir()
    (tmp_path / "pyproject.toml").write_text(PYPROJECT, encoding="utf-8")
    for name in ("alpha", "beta", "gamma"):
        write_scene(tmp_path / "diagrams" / f"{name}.excalidraw", drawing(name))
    return tmp_path


def run(repo: Path, renderer: Renderer, **kw):
    config = load_config(repo)
    context = RunContext(config, lambda: renderer)
    return build(config, context=context, **kw)


def no_browser() -> Renderer:
    raise AssertionError("a browser was started although nothing was stale")


def outputs(repo: Path) -> dict[str, bytes]:
    out = repo / "attachments"
    return {p.name: p.read_bytes() for p in sorted(out.iterdir()) if p.is_file()}


def test_edit_check_build_check(repo: Path, renderer: Renderer) -> None:
    summary = run(repo, renderer)
    assert sorted(o.job.source for o in summary.rendered) == [
        "diagrams/alpha.excalidraw",
        "diagrams/beta.excalidraw",
        "diagrams/gamma.excalidraw",
    ]
    assert set(outputs(repo)) == {
        f"{n}.{f}" for n in ("alpha", "beta", "gamma") for f in ("svg", "png")
    } | {"diagrams.lock"}
    assert check(load_config(repo)).ok

    # edit one source: check names it, build re-renders only it
    write_scene(repo / "diagrams" / "beta.excalidraw", drawing("beta", "#ffc9c9"))
    report = check(load_config(repo))
    assert [(p.path, p.code) for p in report.problems] == [("diagrams/beta.excalidraw", "changed")]
    before = outputs(repo)
    summary = run(repo, renderer)
    assert [o.job.source for o in summary.rendered] == ["diagrams/beta.excalidraw"]
    assert summary.up_to_date == 2
    after = outputs(repo)
    assert after["alpha.png"] == before["alpha.png"] and after["beta.png"] != before["beta.png"]
    assert check(load_config(repo)).ok

    # a no-op build starts no browser
    config = load_config(repo)
    summary = build(config, renderer_factory=no_browser)
    assert summary.ok and not summary.rendered and not summary.browser_started


def test_hand_edited_output_is_reported_and_restored(repo: Path, renderer: Renderer) -> None:
    run(repo, renderer)
    png = repo / "attachments" / "alpha.png"
    original = png.read_bytes()
    Image.new("RGB", (10, 10), "red").save(png)
    report = check(load_config(repo))
    assert [(p.path, p.code) for p in report.problems] == [("attachments/alpha.png", "edited")]
    (repo / "attachments" / "beta.svg").unlink()
    report = check(load_config(repo))
    assert ("attachments/beta.svg", "missing") in [(p.path, p.code) for p in report.problems]
    run(repo, renderer)
    assert png.read_bytes() == original
    assert check(load_config(repo)).ok


def test_deleted_source_removes_only_its_outputs(repo: Path, renderer: Renderer) -> None:
    run(repo, renderer)
    mine = repo / "attachments" / "screenshot.png"  # a file diagrams did not make
    Image.new("RGB", (5, 5), "blue").save(mine)
    (repo / "diagrams" / "gamma.excalidraw").unlink()
    report = check(load_config(repo))
    assert {(p.path, p.code) for p in report.problems} == {
        ("attachments/gamma.svg", "orphan"),
        ("attachments/gamma.png", "orphan"),
    }
    summary = run(repo, renderer)
    assert sorted(summary.removed) == ["attachments/gamma.png", "attachments/gamma.svg"]
    assert mine.exists()
    assert "gamma.svg" not in outputs(repo) and "alpha.svg" in outputs(repo)
    lock = json.loads((repo / "attachments" / "diagrams.lock").read_text())
    assert "diagrams/gamma.excalidraw" not in lock["jobs"]
    assert check(load_config(repo)).ok


def test_broken_source_fails_alone_and_keeps_its_outputs(repo: Path, renderer: Renderer) -> None:
    run(repo, renderer)
    old = outputs(repo)
    lock_before = json.loads((repo / "attachments" / "diagrams.lock").read_text())
    (repo / "diagrams" / "beta.excalidraw").write_text(
        '{"type": "excalidraw", "elements": [', "utf-8"
    )
    write_scene(repo / "diagrams" / "alpha.excalidraw", drawing("alpha2"))
    summary = run(repo, renderer)
    assert [o.job.source for o in summary.rendered] == ["diagrams/alpha.excalidraw"]
    assert [o.job.source for o in summary.failed] == ["diagrams/beta.excalidraw"]
    error = summary.failed[0].error or ""
    assert "diagrams/beta.excalidraw" in error and "\n" not in error
    assert not summary.ok
    new = outputs(repo)
    assert new["beta.png"] == old["beta.png"] and new["beta.svg"] == old["beta.svg"]
    assert new["alpha.png"] != old["alpha.png"]
    lock = json.loads((repo / "attachments" / "diagrams.lock").read_text())
    assert (
        lock["jobs"]["diagrams/beta.excalidraw"] == lock_before["jobs"]["diagrams/beta.excalidraw"]
    )
    report = check(load_config(repo))
    assert [(p.path, p.code) for p in report.problems] == [("diagrams/beta.excalidraw", "changed")]


def test_two_sources_one_output_is_a_config_error(repo: Path) -> None:
    write_scene(repo / "diagrams" / "sub" / "alpha.excalidraw", drawing("other alpha"))
    with pytest.raises(ConfigError, match=r"alpha\.excalidraw and .*alpha\.excalidraw"):
        build(load_config(repo), renderer_factory=no_browser)


def test_mirror_layout_keeps_subfolders(repo: Path, renderer: Renderer) -> None:
    (repo / "pyproject.toml").write_text(PYPROJECT + 'layout = "mirror"\n', "utf-8")
    write_scene(repo / "diagrams" / "sub" / "alpha.excalidraw", drawing("other alpha"))
    summary = run(repo, renderer)
    assert summary.ok
    assert (repo / "attachments" / "sub" / "alpha.svg").is_file()
    assert (repo / "attachments" / "alpha.svg").is_file()


def test_obsidian_embedded_image_is_an_input(repo: Path, renderer: Renderer) -> None:
    image = repo / "diagrams" / "assets" / "photo.png"
    image.parent.mkdir(parents=True)
    Image.new("RGB", (40, 30), (10, 200, 10)).save(image)
    scene = scene_of(element("image", "img1", 0, 0, 80, 60, fileId="f00d", status="saved"))
    body = json.dumps(scene.to_excalidraw(), ensure_ascii=False, indent=1)
    note = (
        "---\nexcalidraw-plugin: parsed\n---\n\n# Excalidraw Data\n## Text Elements\n"
        "## Embedded Files\nf00d: [[photo.png]]\n\n%%\n## Drawing\n```json\n" + body + "\n```\n%%\n"
    )
    (repo / "diagrams" / "board.excalidraw.md").write_text(note, "utf-8")
    summary = run(repo, renderer)
    assert summary.ok, [o.error for o in summary.failed]
    lock = json.loads((repo / "attachments" / "diagrams.lock").read_text())
    assert list(lock["jobs"]["diagrams/board.excalidraw.md"]["inputs"]) == [
        "diagrams/assets/photo.png"
    ]
    png = Image.open(repo / "attachments" / "board.png").convert("RGB")
    assert png.getpixel((png.width // 2, png.height // 2)) == (10, 200, 10)
    assert check(load_config(repo)).ok
    Image.new("RGB", (40, 30), (200, 10, 10)).save(image)
    report = check(load_config(repo))
    assert [(p.path, p.code) for p in report.problems] == [
        ("diagrams/board.excalidraw.md", "changed")
    ]


def test_a_second_build_waits_then_gives_up_clearly(repo: Path) -> None:
    config = load_config(repo)
    with (
        exclusive(config, wait_seconds=1, on_wait=lambda: None),
        pytest.raises(ConfigError, match=r"still running after 0\.5 s"),
    ):
        build(config, wait_seconds=0.5, renderer_factory=no_browser)


def test_cli_build_check_and_formats(repo: Path) -> None:
    cli = CliRunner()
    result = cli.invoke(main, ["check", "-C", str(repo)])
    assert result.exit_code == 1
    assert "diagrams/alpha.excalidraw: not built yet" in result.output
    result = cli.invoke(main, ["build", "-C", str(repo)])
    assert result.exit_code == 0, result.output
    assert "3 built, 0 up to date" in result.output
    result = cli.invoke(main, ["check", "-C", str(repo), "--format", "json"])
    assert result.exit_code == 0
    assert json.loads(result.output)["ok"] is True
    (repo / "attachments" / "alpha.svg").write_text("<svg/>")
    result = cli.invoke(main, ["check", "-C", str(repo), "--format", "github"])
    assert result.exit_code == 1
    assert result.output.startswith("::error file=attachments/alpha.svg,title=diagrams check::")


def test_cli_config_error_is_one_line_exit_2(repo: Path) -> None:
    (repo / "pyproject.toml").write_text("[tool.diagrams]\nscale = 'big'\n", "utf-8")
    for command in ("build", "check"):
        result = CliRunner().invoke(main, [command, "-C", str(repo)])
        assert result.exit_code == 2
        lines = [line for line in result.output.splitlines() if line.strip()]
        assert (
            len(lines) == 1 and "pyproject.toml" in lines[0] and "tool.diagrams.scale" in lines[0]
        )
        assert "Traceback" not in result.output


def test_killed_build_leaves_no_partial_file(repo: Path) -> None:
    for i in range(8):
        write_scene(repo / "diagrams" / f"extra{i}.excalidraw", drawing(f"extra {i}"))
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    proc = subprocess.Popen(
        [sys.executable, "-m", "diagram_assets", "build", "-C", str(repo)],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        env=env,
        start_new_session=True,
    )
    assert proc.stdout is not None
    for line in proc.stdout:  # kill as soon as the first outputs are on disk
        if line.startswith(b"built "):
            break
    os.killpg(proc.pid, signal.SIGKILL)
    proc.wait()
    out = repo / "attachments"
    for path in out.iterdir():
        if path.suffix == ".png" and not path.name.startswith("."):
            Image.open(path).verify()
        if path.suffix == ".svg":
            assert path.read_bytes().rstrip().endswith(b"</svg>")
    result = subprocess.run(
        [sys.executable, "-m", "diagram_assets", "build", "-C", str(repo)],
        capture_output=True,
        text=True,
        env=env,
    )
    assert result.returncode == 0, result.stderr
    assert not [p for p in out.iterdir() if p.name.startswith(".diagrams-tmp-")]
    assert check(load_config(repo)).ok
