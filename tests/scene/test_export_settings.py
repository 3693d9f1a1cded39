"""Obsidian drawings as the plugin exports them, without a browser: the front matter's export
settings (every key, old and new names, bad values, precedence against the config), which
parts of a drawing notes embed (and how each part kind resolves to elements), and how the lock
file and the notes see part images."""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path

import pytest

from diagram_assets.config import load_config
from diagram_assets.errors import SceneError
from diagram_assets.notes import LinkOptions, OutputSet, Vault, rewrite_note
from diagram_assets.pipeline.lockfile import LockEntry, LockFile
from diagram_assets.pipeline.plan import compute_digest, make_plan
from diagram_assets.scene.export_settings import read_export_settings, saved_dark
from diagram_assets.scene.model import Scene
from diagram_assets.scene.parts import part_key, resolve_part
from helpers import element, text


def obsidian_md(front: str, elements: list[dict] | None = None) -> str:
    scene = {"type": "excalidraw", "version": 2, "elements": elements or [], "appState": {}}
    return (
        f"---\nexcalidraw-plugin: parsed\n{front}---\n\n# Excalidraw Data\n## Drawing\n"
        f"```json\n{json.dumps(scene)}\n```\n%%\n"
    )


# -- front matter ------------------------------------------------------------------------------

GOOD = [
    ("excalidraw-export-dark: true", {"dark": True}),
    ("excalidraw-export-dark: false", {"dark": False}),
    ("excalidraw-export-dark: True", {"dark": True}),
    ('excalidraw-export-dark: "true"', {"dark": True}),
    ("excalidraw-export-transparent: true", {"transparent": True}),
    ("excalidraw-export-embed-scene: true", {"embed_scene": True}),
    ("excalidraw-export-padding: 20", {"padding": 20}),
    ("excalidraw-export-svgpadding: 7", {"padding": 7}),
    ("excalidraw-export-padding: 0", {"padding": 0}),
    ("excalidraw-export-pngscale: 3", {"scale": 3}),
    ("excalidraw-export-pngscale: 1.5", {"scale": 1.5}),
    ("excalidraw-export-pngscale: 2 # a comment", {"scale": 2}),
    ("excalidraw-export-internal-links: false", {}),  # another plugin key: left alone
    ("tags: [excalidraw]", {}),
]


@pytest.mark.parametrize(("line", "expected"), GOOD)
def test_front_matter_keys_and_values(tmp_path: Path, line: str, expected: dict) -> None:
    path = tmp_path / "a.excalidraw.md"
    path.write_text(obsidian_md(line + "\n"), encoding="utf-8")
    assert read_export_settings(path) == expected


def test_new_padding_name_wins_over_the_old_whatever_their_order(tmp_path: Path) -> None:
    path = tmp_path / "a.excalidraw.md"
    for front in (
        "excalidraw-export-padding: 20\nexcalidraw-export-svgpadding: 5\n",
        "excalidraw-export-svgpadding: 5\nexcalidraw-export-padding: 20\n",
    ):
        path.write_text(obsidian_md(front), encoding="utf-8")
        assert read_export_settings(path) == {"padding": 20}


BAD = [
    ("excalidraw-export-dark: yes", "'yes' is not true or false"),
    ("excalidraw-export-transparent: 1", "'1' is not true or false"),
    ("excalidraw-export-embed-scene:", "(empty)"),
    ("excalidraw-export-padding: 2.5", "'2.5' is not a whole number in [0, 10000]"),
    ("excalidraw-export-svgpadding: -1", "'-1' is not a whole number in [0, 10000]"),
    ("excalidraw-export-pngscale: 0", "'0' is not a number in (0, 16]"),
    ("excalidraw-export-pngscale: big", "'big' is not a number in (0, 16]"),
    ("excalidraw-export-pngscale: nan", "'nan' is not a number in (0, 16]"),
]


@pytest.mark.parametrize(("line", "said"), BAD)
def test_bad_front_matter_value_is_one_line_with_file_line_key(
    tmp_path: Path, line: str, said: str
) -> None:
    path = tmp_path / "a.excalidraw.md"
    path.write_text(obsidian_md("tags: [x]\n" + line + "\n"), encoding="utf-8")
    with pytest.raises(SceneError) as caught:
        read_export_settings(path, "diagrams/a.excalidraw.md")
    message = str(caught.value)
    assert "\n" not in message
    key = line.split(":")[0]
    assert message.startswith(f"diagrams/a.excalidraw.md: line 4: front matter {key}: ")
    assert said in message


def test_only_the_front_matter_block_is_read(tmp_path: Path) -> None:
    path = tmp_path / "a.excalidraw.md"
    body = obsidian_md("") + "\nexcalidraw-export-dark: true\n"  # in the body: not a setting
    path.write_text(body, encoding="utf-8")
    assert read_export_settings(path) == {}
    path.write_text("excalidraw-export-dark: true\n", encoding="utf-8")  # no front matter
    assert read_export_settings(path) == {}


# -- precedence and the lock digest ------------------------------------------------------------

CONFIG = """
[tool.diagrams]
sources = ["diagrams"]
output = "attachments"
notes = ["notes/**/*.md"]
padding = 5
scale = 1
{extra}
"""


def repo_with(tmp_path: Path, front: str, extra: str = "") -> Path:
    (tmp_path / ".git").mkdir(parents=True, exist_ok=True)
    (tmp_path / "pyproject.toml").write_text(CONFIG.format(extra=extra), encoding="utf-8")
    drawing = tmp_path / "diagrams" / "board.excalidraw.md"
    drawing.parent.mkdir(parents=True, exist_ok=True)
    box = element("rectangle", "box", 0, 0, 100, 50)
    drawing.write_text(obsidian_md(front, [box]), encoding="utf-8")
    (tmp_path / "notes").mkdir(exist_ok=True)
    return tmp_path


def test_front_matter_wins_over_config_defaults(tmp_path: Path) -> None:
    repo = repo_with(tmp_path, "excalidraw-export-dark: true\nexcalidraw-export-padding: 30\n")
    options = make_plan(load_config(repo)).jobs[0].options
    assert (options.dark, options.padding, options.scale) == (True, 30, 1)


def test_a_config_override_wins_over_front_matter(tmp_path: Path) -> None:
    override = '[[tool.diagrams.overrides]]\nmatch = "diagrams/*.md"\npadding = 3\n'
    repo = repo_with(
        tmp_path, "excalidraw-export-dark: true\nexcalidraw-export-padding: 30\n", override
    )
    options = make_plan(load_config(repo)).jobs[0].options
    assert (options.dark, options.padding) == (True, 3)  # dark: not overridden


def test_front_matter_settings_enter_the_digest(tmp_path: Path) -> None:
    repo = repo_with(tmp_path, "excalidraw-export-dark: true\n")
    config = load_config(repo)
    plan = make_plan(config)
    job = plan.jobs[0]
    assert job.options.digest_fields()["dark"] is True
    light = dataclasses.replace(job, options=dataclasses.replace(job.options, dark=False))
    compute_digest(light, config, None, plan.hasher, plan.renderer)
    assert light.digest != job.digest


def test_a_bad_front_matter_value_is_a_planning_problem_with_its_line(tmp_path: Path) -> None:
    repo = repo_with(tmp_path, "excalidraw-export-pngscale: huge\n")
    plan = make_plan(load_config(repo))
    assert plan.jobs == []
    [(source, error)] = plan.problems
    assert source == "diagrams/board.excalidraw.md"
    assert "line 3" in str(error) and "excalidraw-export-pngscale" in str(error)


def test_sources_without_parts_or_front_matter_keep_their_digest(tmp_path: Path) -> None:
    repo = repo_with(tmp_path, "")
    job = make_plan(load_config(repo)).jobs[0]
    assert "parts" not in job.options.digest_fields()


# -- parts notes embed -------------------------------------------------------------------------


def test_parts_notes_embed_reach_the_drawing_options_and_digest(tmp_path: Path) -> None:
    repo = repo_with(tmp_path, "")
    before = make_plan(load_config(repo)).jobs[0]
    note = repo / "notes" / "a.md"
    note.write_text(
        "![[board.excalidraw#^group=box]]\n![](../diagrams/board.excalidraw.md#^area=box)\n"
        "```\n![[board.excalidraw#^area=in-code]]\n```\n![[board.excalidraw#^clippedframe=Intro|300]]\n",
        encoding="utf-8",
    )
    after = make_plan(load_config(repo)).jobs[0]
    assert after.options.parts == ("area=box", "clippedframe=Intro", "group=box")
    assert after.digest != before.digest


def test_frame_parts_are_left_to_frame_images_when_frames_are_exported(tmp_path: Path) -> None:
    repo = repo_with(tmp_path, "", "frames = true")
    (repo / "notes" / "a.md").write_text(
        "![[board.excalidraw#^frame=Intro]]\n![[board.excalidraw#^group=g]]\n"
    )
    assert make_plan(load_config(repo)).jobs[0].options.parts == ("group=g",)


def scene() -> Scene:
    return Scene(
        elements=[
            element("frame", "f1", 0, 0, 200, 200, name="Intro"),
            element("rectangle", "in1", 10, 10, 50, 50, frameId="f1"),
            element("rectangle", "out1", 150, 150, 300, 300, frameId="f1"),  # overflows
            element("rectangle", "g1", 500, 0, 40, 40, groupIds=["G"]),
            element("ellipse", "g2", 560, 0, 40, 40, groupIds=["G", "H"]),
            element("rectangle", "lone", 700, 0, 40, 40),
            {**text("label", 705, 5, "hi"), "containerId": "lone"},
            element("rectangle", "near", 730, 30, 40, 40),
            element("rectangle", "far", 900, 900, 40, 40),
            element("frame", "m1", 480, -10, 130, 60, name="Mark", frameRole="marker"),
        ]
    )


@pytest.mark.parametrize(
    ("key", "ids", "crop", "clip"),
    [
        ("frame=Intro", ("in1", "out1"), (), False),
        ("frame=f1", ("in1", "out1"), (), False),
        ("clippedframe=Intro", ("f1", "in1", "out1"), (), True),
        ("group=g1", ("g1", "g2"), (), False),
        ("group=label", ("lone", "label"), (), False),
        ("group=lone", ("lone",), (), False),
        ("group=f1", ("f1", "in1", "out1"), (), False),
        ("area=lone", ("lone", "label", "near"), ("lone",), False),
        ("area=label", ("lone", "label"), ("lone", "label"), False),
        ("frame=Mark", ("g1", "g2", "m1"), ("m1",), False),
    ],
)
def test_each_part_kind_resolves_as_the_plugin_does(
    key: str, ids: tuple, crop: tuple, clip: bool
) -> None:
    found = resolve_part(scene(), key)
    assert not isinstance(found, str), found
    assert (set(found.ids), set(found.crop), found.clip) == (set(ids), set(crop), clip)


def test_an_unknown_part_says_what_the_drawing_has() -> None:
    said = resolve_part(scene(), "frame=Outro")
    assert isinstance(said, str)
    assert "no frame named or with the id 'Outro'" in said and "Intro (f1)" in said
    said = resolve_part(scene(), "group=nope")
    assert isinstance(said, str) and "g1, g2" in said


def test_part_keys_from_fragments() -> None:
    assert part_key("^group=abc") == "group=abc"
    assert part_key("area=abc") == "area=abc"
    assert part_key("^clippedframe=My Frame") == "clippedframe=My Frame"
    assert part_key("^abc") is None and part_key("^group=") is None


# -- notes and the lock file -------------------------------------------------------------------


def test_notes_point_part_embeds_at_part_images(tmp_path: Path) -> None:
    out = OutputSet(
        "diagrams/board.excalidraw.md",
        {"svg": "attachments/board.svg", "png": "attachments/board.png"},
        parts={
            "group=g1": {"svg": "attachments/board.group-g1.svg"},
            "area=lone": {"svg": "attachments/board.area-lone.svg"},
        },
    )
    files = ["diagrams/board.excalidraw.md", "notes/a.md"]
    vault = Vault(tmp_path, files)
    note = (
        "![[board.excalidraw#^group=g1|300]]\n![](../diagrams/board.excalidraw.md#^area=lone)\n"
        "![[board.excalidraw#^area=gone]]\n"
    )
    result = rewrite_note(note.encode(), "notes/a.md", vault, [out], LinkOptions())
    text_out = result.new.decode()
    assert "![[board.group-g1.svg|300]]" in text_out
    assert "![](../attachments/board.area-lone.svg)" in text_out
    assert "![[board.svg#^area=gone]]" in text_out
    [warning] = result.warnings
    assert "line 3" in warning and "#^area=gone" in warning
    again = rewrite_note(result.new, "notes/a.md", vault, [out], LinkOptions())
    assert again.new == result.new  # a part image is a current output: left alone


def test_lock_file_records_parts(tmp_path: Path) -> None:
    lock = LockFile(tmp_path / "diagrams.lock")
    lock.jobs["d/b.excalidraw"] = LockEntry(
        kind="drawing",
        digest="x",
        outputs={"attachments/b.svg": "1", "attachments/b.group-g.svg": "2"},
        parts={"group=g": {"svg": "attachments/b.group-g.svg"}},
    )
    lock.write()
    data = json.loads((tmp_path / "diagrams.lock").read_text())
    assert data["jobs"]["d/b.excalidraw"]["parts"] == {
        "group=g": {"svg": "attachments/b.group-g.svg"}
    }
    assert LockFile.read(tmp_path / "diagrams.lock").jobs["d/b.excalidraw"].parts == {
        "group=g": {"svg": "attachments/b.group-g.svg"}
    }


def test_saved_theme_of_exports(tmp_path: Path) -> None:
    svg = tmp_path / "a.excalidraw.svg"
    svg.write_text('<svg version="1.1" filter="invert(93%) hue-rotate(180deg)"><g/></svg>')
    assert saved_dark(svg, {})
    svg.write_text('<svg version="1.1"><g/></svg>')
    assert not saved_dark(svg, {})
    assert saved_dark(svg, {"theme": "dark"})
    assert not saved_dark(svg, {"theme": "dark", "exportWithDarkMode": False})
    assert saved_dark(tmp_path / "a.excalidraw.png", {"exportWithDarkMode": True})
