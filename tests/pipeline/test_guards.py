"""Checks that never lie (issue 12): what `build` and `check` refuse, set aside or explain,
on temporary repositories. Scenes render through a stand-in renderer: no browser."""

from __future__ import annotations

import io
import json
from collections.abc import Iterator
from concurrent.futures import Future
from pathlib import Path

import pytest
from click.testing import CliRunner
from PIL import Image

from diagram_assets.cli import main
from diagram_assets.config import load_config
from diagram_assets.errors import ConfigError
from diagram_assets.pipeline import Reporter, build, check
from diagram_assets.pipeline.checker import format_github, format_json, format_text
from diagram_assets.render import RenderedImage, RenderResult
from diagram_assets.scene.model import Scene
from helpers import element, scene_of, write_scene


def tiny_png() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (6, 4), "white").save(out, "PNG")
    return out.getvalue()


class StandIn:
    """Renders every scene to an SVG naming its element count and a tiny PNG."""

    def start(self, wait: bool = True) -> None:
        return None

    def render(self, scene: Scene, options: object = None) -> RenderResult:
        svg = f"<svg><!-- {len(scene.elements)} --></svg>".encode()
        return RenderResult(images=[RenderedImage(svg=svg, png=tiny_png(), png_size=(6, 4))])

    def submit(self, scene: Scene, options: object = None) -> Future[RenderResult]:
        future: Future[RenderResult] = Future()
        future.set_result(self.render(scene, options))
        return future

    def close(self) -> None:
        return None


def box(colour: str = "#a5d8ff") -> Scene:
    return scene_of(element("rectangle", "box", 0, 0, 160, 80, backgroundColor=colour))


CONFIG = '[tool.diagrams]\nsources = ["diagrams"]\nnotes = ["notes/**/*.md"]\n'


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    (tmp_path / ".git").mkdir()
    (tmp_path / "pyproject.toml").write_text(CONFIG, encoding="utf-8")
    for name in ("alpha", "beta"):
        write_scene(tmp_path / "diagrams" / f"{name}.excalidraw", box())
    (tmp_path / "notes").mkdir()
    return tmp_path


class Lines(Reporter):
    def __init__(self) -> None:
        self.lines: list[str] = []

    def info(self, message: str) -> None:
        self.lines.append(f"info: {message}")

    def warning(self, message: str) -> None:
        self.lines.append(f"warning: {message}")

    def error(self, message: str) -> None:
        self.lines.append(f"error: {message}")


def run_build(root: Path, reporter: Reporter | None = None, **kw: object):
    return build(load_config(root), renderer_factory=StandIn, reporter=reporter, **kw)


def cli(root: Path, *args: str) -> tuple[int, str]:
    result = CliRunner().invoke(main, [*args, "-C", str(root)])
    return result.exit_code, result.output


# -------------------------------------------------------------------- what the config names


def test_a_source_folder_that_does_not_exist_is_an_error(repo: Path) -> None:
    (repo / "pyproject.toml").write_text(CONFIG.replace('"diagrams"', '"drawing"'), "utf-8")
    for command in ("build", "check", "links"):
        code, out = cli(repo, command)
        assert code == 2, out
        assert "pyproject.toml: tool.diagrams.sources: the folder 'drawing' does not exist" in out
    assert not (repo / "attachments").exists()


def test_a_notes_glob_that_matches_no_note_is_an_error(repo: Path) -> None:
    (repo / "notes" / "a.md").write_text("# A\n", encoding="utf-8")
    (repo / "pyproject.toml").write_text(CONFIG.replace("notes/**", "note/**"), "utf-8")
    for command in ("build", "check"):
        code, out = cli(repo, command)
        assert code == 2, out
        assert "tool.diagrams.notes: the glob 'note/**/*.md' matches no note" in out
        assert "notes/a.md" in out
    assert not (repo / "attachments").exists(), "build refused before building"


def test_no_config_is_an_error_and_writes_nothing(tmp_path: Path) -> None:
    (tmp_path / ".git").mkdir()
    write_scene(tmp_path / "diagrams" / "a.excalidraw", box())
    for command in ("build", "check", "links"):
        code, out = cli(tmp_path, command)
        assert code == 2, out
        assert "no configuration" in out and "diagrams.toml" in out
    assert sorted(p.name for p in tmp_path.iterdir()) == [".git", "diagrams"]


def test_two_config_files_are_an_error_naming_both(repo: Path) -> None:
    (repo / "diagrams.toml").write_text('output = "out"\n', encoding="utf-8")
    code, out = cli(repo, "check")
    assert code == 2
    assert "diagrams.toml and pyproject.toml [tool.diagrams]" in out
    # a pyproject.toml without the table is no second config
    (repo / "pyproject.toml").write_text("[project]\nname = 'x'\n", encoding="utf-8")
    code, out = cli(repo, "check")
    assert code == 1 and "not built yet" in out


def test_an_output_folder_that_is_a_file_is_named(repo: Path) -> None:
    (repo / "attachments").write_text("not a folder", encoding="utf-8")
    code, out = cli(repo, "check")
    assert code == 2
    assert "Errno" not in out
    assert "'attachments' is a file, not a folder" in out and "tool.diagrams.output" in out


def test_build_of_a_folder_that_is_no_source_folder_says_what_it_is(repo: Path) -> None:
    run_build(repo)
    with pytest.raises(ConfigError) as caught:
        run_build(repo, paths=[repo / "notes"])
    text = str(caught.value)
    assert "notes is a folder that is outside the source folders (diagrams/)" in text
    assert "source folders of ." not in text and "diagrams build` without paths" in text


# -------------------------------------------------------------------- embeds of removed outputs


def test_an_embed_of_a_removed_output_is_an_error_in_build_and_check(repo: Path) -> None:
    note = repo / "notes" / "a.md"
    note.write_text("# A\n\n![[beta.excalidraw]]\n\n![b](../attachments/beta.png)\n", "utf-8")
    assert run_build(repo).ok
    assert "![[beta.svg]]" in note.read_text("utf-8")
    assert check(load_config(repo)).ok
    (repo / "diagrams" / "beta.excalidraw").unlink()
    reporter = Lines()
    summary = run_build(repo, reporter)
    assert sorted(summary.removed) == ["attachments/beta.png", "attachments/beta.svg"]
    assert not summary.ok
    errors = [line for line in reporter.lines if line.startswith("error:")]
    assert len(errors) == 2 and all("which no longer exists" in e for e in errors)
    report = check(load_config(repo))
    assert [(p.path, p.line, p.code) for p in report.problems] == [
        ("notes/a.md", 3, "link"),
        ("notes/a.md", 5, "link"),
    ]
    assert "notes/a.md:3: embeds attachments/beta.svg, which no longer exists" in format_text(
        report
    )
    code, _ = cli(repo, "check")
    assert code == 1


def test_a_missing_image_elsewhere_stays_a_warning_with_file_and_line(repo: Path) -> None:
    (repo / "notes" / "a.md").write_text("# A\n\n![x](pics/gone.png)\n", encoding="utf-8")
    run_build(repo)
    report = check(load_config(repo))
    assert report.ok and len(report.warnings) == 1
    warning = report.warnings[0]
    assert (warning.file, warning.line) == ("notes/a.md", 3)
    assert warning.message.startswith("image target not found: pics/gone.png")
    data = json.loads(format_json(report))
    assert data["warnings"] == [{"file": "notes/a.md", "line": 3, "message": warning.message}]
    github = format_github(report).splitlines()[0]
    assert github.startswith("::warning file=notes/a.md,line=3,title=diagrams check::image")


# -------------------------------------------------------------------- what makes outputs stale


@pytest.fixture
def renderer_identity(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[str]]:
    from diagram_assets.pipeline import plan

    identity = ["excalidraw 0.18.1; mathjax 3.2.2; page " + "a" * 64]
    monkeypatch.setattr(plan, "renderer_identity", lambda: identity[0])
    yield identity


def test_the_package_version_does_not_make_outputs_stale(
    repo: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import diagram_assets
    from diagram_assets.render import assets

    run_build(repo)
    lock = (repo / "attachments" / "diagrams.lock").read_text("utf-8")
    monkeypatch.setattr(diagram_assets, "__version__", "99.0.0")
    monkeypatch.setattr(assets, "__version__", "99.0.0", raising=False)
    assert "99.0.0" not in assets.renderer_identity()
    assert check(load_config(repo)).ok
    assert run_build(repo).rendered == []
    assert (repo / "attachments" / "diagrams.lock").read_text("utf-8") == lock


def test_a_renderer_change_is_one_line_not_one_per_source(
    repo: Path, renderer_identity: list[str]
) -> None:
    run_build(repo)
    lock = json.loads((repo / "attachments" / "diagrams.lock").read_text("utf-8"))
    made_with = lock["jobs"]["diagrams/alpha.excalidraw"]["made_with"]
    assert made_with == {"kind": "drawing-2", "renderer": renderer_identity[0]}
    renderer_identity[0] = "excalidraw 0.18.2; mathjax 3.2.2; page " + "b" * 64
    report = check(load_config(repo))
    assert [p.text() for p in report.problems] == [
        "attachments/diagrams.lock: the renderer changed since these outputs were built "
        "(excalidraw 0.18.1 → 0.18.2; page aaaaaaaaaaaa → bbbbbbbbbbbb), for 2 sources "
        "— run `diagrams build`"
    ]
    # a source that changed too is still named on its own
    write_scene(repo / "diagrams" / "beta.excalidraw", box("#ffc9c9"))
    report = check(load_config(repo))
    assert [(p.path, p.code) for p in report.problems] == [
        ("attachments/diagrams.lock", "code"),
        ("diagrams/beta.excalidraw", "changed"),
    ]
    assert "for diagrams/alpha.excalidraw" in report.problems[0].message
    assert len(run_build(repo).rendered) == 2
    assert check(load_config(repo)).ok


# -------------------------------------------------------------------- exports beside sources


def test_an_export_beside_its_drawing_is_skipped_with_one_info_line(repo: Path) -> None:
    for name in ("alpha.excalidraw.png", "beta.excalidraw.svg"):
        (repo / "diagrams" / name).write_bytes(b"an export")
    write_scene(repo / "diagrams" / "gamma.excalidraw.md", box())  # an Obsidian drawing
    (repo / "diagrams" / "gamma.excalidraw.png").write_bytes(b"an export")
    reporter = Lines()
    summary = run_build(repo, reporter)
    assert summary.ok and len(summary.rendered) == 3
    infos = [line for line in reporter.lines if line.startswith("info:")]
    assert infos == [
        "info: skipped 3 export(s) beside their drawing (diagrams/alpha.excalidraw.png, "
        "diagrams/beta.excalidraw.svg, diagrams/gamma.excalidraw.png): the drawing is the "
        "source — add the exports to `exclude` to say so"
    ]
    report = check(load_config(repo))
    assert report.ok and report.sources == 3 and len(report.info) == 1


def test_every_collision_is_reported_in_one_run(repo: Path) -> None:
    for sub in ("one", "two"):
        write_scene(repo / "diagrams" / sub / "alpha.excalidraw", box())
    (repo / "diagrams" / "figures").mkdir()
    spec = "layers:\n  - {cells: input, size: 2}\n  - {cells: output, size: 1}\n"
    (repo / "diagrams" / "figures" / "beta.figure.yaml").write_text(spec, encoding="utf-8")
    code, out = cli(repo, "check")
    assert code == 2
    errors = [line for line in out.splitlines() if line.startswith("error:")]
    assert len(errors) == 2, out
    assert "diagrams/alpha.excalidraw, diagrams/one/alpha.excalidraw and " in errors[0]
    assert "would all write attachments/alpha.svg (and attachments/alpha.png)" in errors[0]
    assert all("`exclude`" in e for e in errors)
    assert all('layout = "mirror"' in e for e in errors)
    assert ["`name:`" in e for e in errors] == [False, True]  # only with a spec
    (repo / "pyproject.toml").write_text(CONFIG + 'layout = "mirror"\n', encoding="utf-8")
    write_scene(repo / "diagrams" / "beta.excalidraw.json", box())
    code, out = cli(repo, "check")
    assert code == 2
    assert 'layout = "mirror"' not in out
    assert "diagrams/beta.excalidraw and diagrams/beta.excalidraw.json would both write" in out


# -------------------------------------------------------------------- smaller ones


def test_a_drawing_that_can_never_be_built_says_why(repo: Path) -> None:
    bad = repo / "diagrams" / "icons.excalidrawlib"
    bad.write_text('{"type": "excalidrawlib", "version": 2, "libraryItems": "x"}', "utf-8")
    report = check(load_config(repo))
    [problem] = [p for p in report.problems if p.path == "diagrams/icons.excalidrawlib"]
    assert problem.code == "broken" and problem.message.startswith("cannot be built: ")
    assert "not built yet" not in problem.message
    assert "libraryItems" in problem.message


def test_links_dry_run_exits_1_with_changes_pending(repo: Path) -> None:
    run_build(repo)
    note = repo / "notes" / "a.md"
    note.write_text("![[alpha.excalidraw]]\n", encoding="utf-8")
    code, out = cli(repo, "links", "--dry-run")
    assert code == 1 and "+![[alpha.svg]]" in out
    assert note.read_text("utf-8") == "![[alpha.excalidraw]]\n"
    assert cli(repo, "links")[0] == 0
    assert cli(repo, "links", "--dry-run")[0] == 0


def test_placeholder_warnings_of_one_drawing_are_one_line(repo: Path) -> None:
    from diagram_assets.pipeline import make_plan
    from diagram_assets.pipeline.explain import job_warnings

    config = load_config(repo)

    job = make_plan(config).job("diagrams/alpha.excalidraw")
    assert job is not None
    absolute = job.path.resolve()
    warnings = [
        f"{absolute}: image element e{i}: 'x{i}.png' is not found in the vault; drawn as a "
        "placeholder"
        for i in range(50)
    ] + [f"{absolute}: something else"]
    assert job_warnings(job, warnings) == [
        "diagrams/alpha.excalidraw: something else",
        "diagrams/alpha.excalidraw: 50 images drawn as placeholders: image element e0: "
        "'x0.png' is not found in the vault; image element e1: 'x1.png' is not found in the "
        "vault; image element e2: 'x2.png' is not found in the vault; and 47 more",
    ]
