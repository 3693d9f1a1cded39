"""Hand-made bad inputs of every kind, through the real CLI in a temporary repository.

Each case writes one bad file next to a good note, runs `diagrams check` (and `build` where a
build can fail without a browser), and asserts: exit code 1 or 2, the error is one line naming
the file and (where there is one) the place, no traceback — and the note's bytes are unchanged
unless a link target was rewritten.
"""

from __future__ import annotations

import base64
import json
import re
import zlib
from pathlib import Path

import pytest
from click.testing import CliRunner

from diagram_assets.cli import main

GOOD_NOTE = "# A note\n\n```\n![](../diagrams/x.excalidraw)\n```\n\nText `![](y.png)` here.\n"


def svg_with_payload(payload: str) -> str:
    return (
        '<svg xmlns="http://www.w3.org/2000/svg"><metadata><!-- payload-type:application/vnd.'
        "excalidraw+json --><!-- payload-version:2 --><!-- payload-start -->"
        f"{payload}<!-- payload-end --></metadata></svg>"
    )


def bstring(data: bytes) -> str:
    inner = {
        "version": "1",
        "encoding": "bstring",
        "compressed": True,
        "encoded": zlib.compress(data).decode("latin-1"),
    }
    return base64.b64encode(json.dumps(inner).encode("latin-1")).decode()


def element(**extra: object) -> dict:
    return {"id": "a", "type": "rectangle", "x": 0, "y": 0, "width": 10, "height": 10, **extra}


def scene(elements: list) -> str:
    return json.dumps({"type": "excalidraw", "version": 2, "elements": elements})


def obsidian(block: str, fence: str = "json") -> str:
    return f"---\nexcalidraw-plugin: parsed\n---\n# Drawing\n```{fence}\n{block}\n```\n"


PNG_HEAD = b"\x89PNG\r\n\x1a\n"

# (file name under diagrams/, content, words expected in the error)
DRAWINGS: list[tuple[str, str | bytes, str]] = [
    ("empty.excalidraw", "", "empty"),
    ("text.excalidraw", "hello world", "JSON"),
    ("truncated.excalidraw", '{"type": "excalidraw", "elements": [{"id": "a"', "line"),
    ("array.excalidraw", "[1, 2, 3]", "object"),
    ("number.excalidraw", "42", "object"),
    ("elements-str.excalidraw", '{"type": "excalidraw", "elements": "nope"}', "elements"),
    ("element-str.excalidraw", scene(["rect"]), "elements[0]"),
    ("x-str.excalidraw", scene([element(x="left")]), "elements[0].x"),
    ("nan.excalidraw", '{"type": "excalidraw", "elements": [{"id": "a", "x": NaN}]}', "NaN"),
    ("inf.excalidraw", '{"elements": [{"id": "a", "type": "text", "x": Infinity}]}', "Infinity"),
    ("points.excalidraw", scene([element(type="line", points=[[0, 0], ["a", 1]])]), "points"),
    ("text-num.excalidraw", scene([element(type="text", text=5)]), "text"),
    ("files-list.excalidraw", '{"type":"excalidraw","elements":[],"files":[]}', "files"),
    ("deep.excalidraw", "[" * 100_000, "deep"),
    ("binary.excalidraw", bytes(range(256)) * 4, "binary"),
    ("utf16.excalidraw", scene([]).encode("utf-16"), "UTF-16"),
    ("latin1.excalidraw", '{"elements": [], "x": "caf\xe9"}'.encode("latin-1"), "UTF-8"),
    ("no-block.excalidraw.md", "# Drawing\n\nno fence here\n", "Drawing"),
    ("unterminated.excalidraw.md", '# Drawing\n```json\n{"elements": []}\n', "never closed"),
    ("bad-json.excalidraw.md", obsidian('{"elements": [1,}'), "line"),
    ("bad-lz.excalidraw.md", obsidian("!!!!not base64!!!!", "compressed-json"), "compressed"),
    (
        "lz-garbage.excalidraw.md",
        obsidian("N4KAkARALgngDgUwgLgAQQ", "compressed-json"),
        "compressed",
    ),
    ("no-payload.excalidraw.svg", '<svg xmlns="http://www.w3.org/2000/svg"></svg>', "scene"),
    ("bad-b64.excalidraw.svg", svg_with_payload("%%%not-base64%%%"), "payload"),
    (
        "bad-zlib.excalidraw.svg",
        svg_with_payload(
            base64.b64encode(
                json.dumps(
                    {
                        "version": "1",
                        "encoding": "bstring",
                        "compressed": True,
                        "encoded": "garbage",
                    }
                ).encode()
            ).decode()
        ),
        "payload",
    ),
    ("payload-not-scene.excalidraw.svg", svg_with_payload(bstring(b"[1,2]")), "object"),
    ("no-chunk.excalidraw.png", PNG_HEAD + b"\x00\x00\x00\x00IEND\xaeB`\x82", "scene"),
    ("truncated.excalidraw.png", PNG_HEAD + b"\x00\x00\x01\x00tEXt", "PNG"),
    ("not-png.excalidraw.png", b"GIF89a not a png at all", "PNG"),
    ("bad-lib.excalidrawlib", '{"type": "excalidrawlib", "libraryItems": [5]}', "libraryItems"),
    ("lib-list.excalidrawlib", '{"type": "excalidrawlib", "library": "x"}', "library"),
]

FIGURES: list[tuple[str, str, str]] = [
    ("empty.figure.yaml", "", "empty"),
    ("list.figure.yaml", "- a\n- b\n", "mapping"),
    ("tag.figure.yaml", "layers: !!python/object:os.system [ls]\n", "tag"),
    ("dup.figure.yaml", "name: a\nname: b\nlayers: []\n", "duplicate"),
    ("unknown-key.figure.yaml", "layers: [{cells: input, size: 2}]\ncolour: red\n", "colour"),
    ("cell.figure.yaml", "layers: [{cells: neuron, size: 2}]\n", "neuron"),
    ("size.figure.yaml", "layers: [{cells: input, size: many}]\n", "size"),
    ("zero.figure.yaml", "layers: [{cells: input, size: 0}]\n", "size"),
    ("both.figure.yaml", "layers: []\nblocks: []\n", "both"),
    ("neither.figure.yaml", "name: x\n", "layers"),
    (
        "dangling.figure.yaml",
        "layers:\n  - {id: a, cells: input, size: 2}\nconnections:\n  - {from: a, to: zz}\n",
        "zz",
    ),
    (
        "bomb.figure.yaml",
        "a: &a [x, x, x, x, x, x, x, x, x]\nb: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]\n"
        "c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b]\nd: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c]\n"
        "e: &e [*d, *d, *d, *d, *d, *d, *d, *d, *d]\nf: [*e, *e, *e, *e, *e, *e, *e, *e, *e]\n",
        "",
    ),
    ("include-out.figure.yaml", "include: ../../../etc/passwd\n", "include"),
    ("bad-yaml.figure.yaml", "layers: [\n", "line"),
    ("control.figure.yaml", "name: a\x07b\nlayers: []\n", "character"),
]

ANIMATIONS: list[tuple[str, str, str]] = [
    ("empty-glob.anim.yaml", "images: nothing/*.png\n", "nothing"),
    ("missing.anim.yaml", "images: [gone.png]\n", "gone.png"),
    ("zero.anim.yaml", "images: [../x.png]\nduration: 0\n", "duration"),
    ("negative.anim.yaml", "images: [../x.png]\nduration: -100\n", "duration"),
    ("two-sources.anim.yaml", "images: a.png\ndrawing: b.excalidraw\n", "one"),
    ("no-source.anim.yaml", "duration: 100\n", "images"),
    ("loop.anim.yaml", "images: [../x.png]\nloop: sometimes\n", "loop"),
    ("outside.anim.yaml", "images: ../../../../etc/*.conf\n", "outside"),
    ("unknown.anim.yaml", "images: [../x.png]\nspeed: 2\n", "speed"),
    ("canvas.anim.yaml", "images: [../x.png]\ncanvas: stretch\n", "canvas"),
    ("fmt.anim.yaml", "images: [../x.png]\nformats: [mp4]\n", "mp4"),
]

CONFIGS: list[tuple[str, str]] = [
    ("[tool.diagrams]\nscale = 'big'\n", "tool.diagrams.scale"),
    ("[tool.diagrams]\nsources = '../up'\n", "tool.diagrams.sources"),
    ("[tool.diagrams]\nwat = 1\n", "tool.diagrams.wat"),
    ("[tool.diagrams\n", "invalid TOML"),
    ("[tool.diagrams]\noutput = 'diagrams'\n", "tool.diagrams.output"),
    ("[tool.diagrams.links]\nwikilinks = 'sometimes'\n", "tool.diagrams.links.wikilinks"),
]


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    (tmp_path / ".git").mkdir()
    (tmp_path / "pyproject.toml").write_text(
        '[tool.diagrams]\nnotes = ["notes/*.md"]\n', encoding="utf-8"
    )
    (tmp_path / "diagrams").mkdir()
    (tmp_path / "notes").mkdir()
    (tmp_path / "notes" / "n.md").write_text(GOOD_NOTE, encoding="utf-8")
    from PIL import Image

    Image.new("RGB", (4, 4), "white").save(tmp_path / "diagrams" / "x.png")
    return tmp_path


def run(repo: Path, *args: str) -> tuple[int, str]:
    result = CliRunner().invoke(main, [*args, "-C", str(repo)])
    return result.exit_code, result.output


def assert_one_error(output: str, path: str, words: str) -> str:
    assert "Traceback" not in output
    lines = [line for line in output.splitlines() if path in line]
    assert lines, f"no line names {path}: {output}"
    line = lines[0]
    if words:
        assert re.search(re.escape(words), line, re.IGNORECASE), line
    return line


def write(path: Path, content: str | bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content, encoding="utf-8")


@pytest.mark.parametrize(("name", "content", "words"), DRAWINGS, ids=[d[0] for d in DRAWINGS])
def test_bad_drawing(repo: Path, name: str, content: str | bytes, words: str) -> None:
    write(repo / "diagrams" / name, content)
    note = (repo / "notes" / "n.md").read_bytes()
    code, output = run(repo, "build")  # fails while loading: no browser is started
    assert code == 1, output
    line = assert_one_error(output, f"diagrams/{name}", words)
    assert line.startswith("error: ")
    assert (repo / "notes" / "n.md").read_bytes() == note
    code, output = run(repo, "check")
    assert code == 1 and "Traceback" not in output


@pytest.mark.parametrize(("name", "content", "words"), FIGURES, ids=[f[0] for f in FIGURES])
def test_bad_figure_spec(repo: Path, name: str, content: str, words: str) -> None:
    write(repo / "diagrams" / "figures" / name, content)
    for command in ("check", "build"):
        code, output = run(repo, command)
        assert code == 1, output
        line = assert_one_error(output, name, words)
        if content.strip() and "bomb" not in name and "include" not in name:
            assert re.search(r"line \d+", line), line


@pytest.mark.parametrize(("name", "content", "words"), ANIMATIONS, ids=[a[0] for a in ANIMATIONS])
def test_bad_animation_spec(repo: Path, name: str, content: str, words: str) -> None:
    write(repo / "diagrams" / "animations" / name, content)
    for command in ("check", "build"):
        code, output = run(repo, command)
        assert code == 1, output
        line = assert_one_error(output, name, words)
        assert re.search(r"line \d+", line), line


@pytest.mark.parametrize(("text", "place"), CONFIGS)
def test_bad_config(repo: Path, text: str, place: str) -> None:
    (repo / "pyproject.toml").write_text(text, encoding="utf-8")
    for command in ("check", "build", "links"):
        code, output = run(repo, command)
        assert code == 2, output
        lines = [line for line in output.splitlines() if line.strip()]
        assert len(lines) == 1, output
        assert "pyproject.toml" in lines[0] and place in lines[0]


def test_bad_notes(repo: Path) -> None:
    """Ambiguous wikilinks and undecodable notes are errors; the notes stay byte for byte."""
    write(repo / "a" / "same.png", b"x")
    write(repo / "b" / "same.png", b"y")
    notes = {
        "ambiguous.md": "see ![[same.png]] here\n",
        "latin1.md": "caf\xe9 ![](x.png)\n".encode("latin-1"),
        "binary.md": bytes(range(256)),
    }
    for name, content in notes.items():
        write(repo / "notes" / name, content)
    before = {p.name: p.read_bytes() for p in (repo / "notes").iterdir()}
    code, output = run(repo, "links")
    assert code == 1 and "Traceback" not in output
    line = assert_one_error(output, "ambiguous.md", "a/same.png")
    assert "b/same.png" in line
    assert_one_error(output, "latin1.md", "UTF-8")
    assert {p.name: p.read_bytes() for p in (repo / "notes").iterdir()} == before
    code, output = run(repo, "check")
    assert code == 1 and "ambiguous.md" in output


def test_the_suite_is_large_enough() -> None:
    total = len(DRAWINGS) + len(FIGURES) + len(ANIMATIONS) + len(CONFIGS) + 3
    assert total >= 50, total
