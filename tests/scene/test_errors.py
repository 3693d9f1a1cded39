"""Every bad input gives a SceneError: one line naming the file, the place and the fix."""

from __future__ import annotations

import base64
import json
import os
import zlib
from collections.abc import Callable
from pathlib import Path

import pytest

from diagram_assets.errors import SceneError
from diagram_assets.scene import SceneLimits, load_scene
from locations import SCENE_FIXTURES as FIXTURES
from support.scene_files import (
    element,
    lz_compress,
    md_note,
    payload_text,
    png_chunk,
    png_export,
    png_image,
    scene_doc,
    small_scene,
    svg_export,
)

MINIMAL = (FIXTURES / "minimal.excalidraw").read_bytes()


def doc_bytes(doc: object) -> bytes:
    return json.dumps(doc).encode()


def with_element(**changes: object) -> bytes:
    doc = small_scene()
    doc["elements"][0].update(changes)
    return doc_bytes(doc)


def bomb_json(size: int) -> str:
    """Valid scene JSON padded with spaces to ``size`` characters: compresses to almost nothing."""
    return json.dumps(small_scene()) + " " * size


def compressed_md(text: str) -> str:
    comp = lz_compress(text)
    return md_note(
        "\n\n".join(comp[i : i + 64] for i in range(0, len(comp), 64)), compressed=False
    ).replace("```json", "```compressed-json")


# (id, file name, content, expected place fragment, limits)
CASES: list[tuple[str, str, bytes, str, SceneLimits | None]] = [
    ("empty", "a.excalidraw", b"", "line 1", None),
    ("blank", "a.excalidraw", b"  \n\n ", "line 1", None),
    ("not-json", "a.excalidraw", b"hello, drawing\n", "line 1, column 1", None),
    ("truncated-json", "a.excalidraw", MINIMAL[: len(MINIMAL) // 2], "line ", None),
    ("trailing-garbage", "a.excalidraw", MINIMAL + b"}\n", "line ", None),
    ("top-level-list", "a.excalidraw", b"[1, 2, 3]", "$", None),
    ("top-level-number", "a.excalidraw", b"42", "$", None),
    ("top-level-string", "a.json", b'"elements"', "$", None),
    ("no-elements", "a.json", b'{"foo": 1}', "$", None),
    (
        "elements-not-list",
        "a.excalidraw",
        b'{"type": "excalidraw", "elements": {"a": 1}}',
        "$.elements",
        None,
    ),
    (
        "element-is-string",
        "a.excalidraw",
        doc_bytes(scene_doc([element("rectangle", "r"), "oops"])),
        "$.elements[1]",
        None,
    ),
    (
        "element-no-type",
        "a.excalidraw",
        doc_bytes(scene_doc([{"id": "x", "x": 1}])),
        "$.elements[0].type",
        None,
    ),
    ("type-number", "a.excalidraw", with_element(type=3), "$.elements[0].type", None),
    ("x-string", "a.excalidraw", with_element(x="12"), "$.elements[0].x", None),
    ("width-bool", "a.excalidraw", with_element(width=True), "$.elements[0].width", None),
    (
        "fontsize-null",
        "a.excalidraw",
        doc_bytes(scene_doc([element("text", "t", text="a", fontSize=None)])),
        "$.elements[0].fontSize",
        None,
    ),
    (
        "text-number",
        "a.excalidraw",
        doc_bytes(scene_doc([element("text", "t", text=5)])),
        "$.elements[0].text",
        None,
    ),
    ("nan", "a.excalidraw", MINIMAL.replace(b'"x": 0', b'"x": NaN', 1), "line ", None),
    ("infinity", "a.excalidraw", MINIMAL.replace(b'"y": 0', b'"y": -Infinity', 1), "line ", None),
    (
        "overflow-float",
        "a.excalidraw",
        with_element(y=0).replace(b'"y": 0', b'"y": 1e400', 1),
        "$.elements[0].y",
        None,
    ),
    (
        "huge-int",
        "a.excalidraw",
        with_element(y=0).replace(b'"y": 0', b'"y": ' + b"9" * 400, 1),
        "$.elements[0].y",
        None,
    ),
    (
        "int-too-many-digits",
        "a.excalidraw",
        with_element(y=0).replace(b'"y": 0', b'"y": ' + b"9" * 5000, 1),
        "line 1, column",
        None,
    ),
    (
        "point-three-strings",
        "a.excalidraw",
        doc_bytes(scene_doc([element("line", "l", points=[[0, 0], ["a", 1]])])),
        "$.elements[0].points[1][0]",
        None,
    ),
    (
        "point-not-pair",
        "a.excalidraw",
        doc_bytes(scene_doc([element("line", "l", points=[[0, 0], [1], [2, 2]])])),
        "$.elements[0].points[1]",
        None,
    ),
    (
        "points-not-list",
        "a.excalidraw",
        doc_bytes(scene_doc([element("line", "l", points="0,0")])),
        "$.elements[0].points",
        None,
    ),
    (
        "appstate-list",
        "a.excalidraw",
        doc_bytes({**small_scene(), "appState": [1]}),
        "$.appState",
        None,
    ),
    ("files-list", "a.excalidraw", doc_bytes({**small_scene(), "files": []}), "$.files", None),
    (
        "nested-too-deep",
        "a.excalidraw",
        doc_bytes(
            scene_doc([element("rectangle", "r", customData=json.loads("[" * 150 + "]" * 150))])
        ),
        "$.elements[0].customData",
        None,
    ),
    (
        "recursion-bomb",
        "a.excalidraw",
        b'{"elements": ' + b"[" * 100_000 + b"]" * 100_000 + b"}",
        "$",
        None,
    ),
    ("binary-garbage", "a.excalidraw", bytes(range(256)) * 8, "(byte 128)", None),
    (
        "utf16-bom",
        "a.excalidraw",
        "\ufeff".encode("utf-16-le") + MINIMAL.decode().encode("utf-16-le"),
        "byte 0",
        None,
    ),
    ("utf16-no-bom", "a.excalidraw", MINIMAL.decode().encode("utf-16-le"), "byte 0", None),
    (
        "latin1",
        "a.excalidraw",
        doc_bytes(scene_doc([element("text", "t", text="x")])).replace(
            b'"x"', '"café"'.encode("latin-1")
        ),
        "line 1, column",
        None,
    ),
    ("md-no-drawing", "n.excalidraw.md", b"# Notes\n\nJust words.\n", "lines 1-", None),
    ("md-plain-json-block", "n.md", b'# Notes\n\n```json\n{"a": 1}\n```\n', "lines 1-", None),
    (
        "md-unterminated-fence",
        "n.excalidraw.md",
        md_note(small_scene()).rsplit("```", 1)[0].encode(),
        "line 17",
        None,
    ),
    (
        "md-drawing-wrong-fence",
        "n.excalidraw.md",
        md_note(small_scene()).replace("```json", "```yaml").encode(),
        "line ",
        None,
    ),
    (
        "md-json-syntax",
        "n.excalidraw.md",
        md_note('{"type": "excalidraw", "elements": [}').encode(),
        "line 18, column",
        None,
    ),
    (
        "md-block-not-object",
        "n.excalidraw.md",
        md_note("[1, 2]").encode(),
        "```json block at line 17",
        None,
    ),
    (
        "md-bad-element",
        "n.excalidraw.md",
        md_note(scene_doc([element("rectangle", "r", x=None, y="1")])).encode(),
        "$.elements[0].y",
        None,
    ),
    (
        "compressed-bad-base64",
        "n.excalidraw.md",
        md_note(small_scene(), compressed=True)
        .replace("```compressed-json\n", "```compressed-json\n!!", 1)
        .encode(),
        "line 18, column 1",
        None,
    ),
    (
        "compressed-not-json",
        "n.excalidraw.md",
        compressed_md("this is { not json").encode(),
        "decompressed line 1",
        None,
    ),
    (
        "compressed-corrupt",
        "n.excalidraw.md",
        compressed_md("x")
        .replace("```compressed-json\n", "```compressed-json\n////////", 1)
        .encode(),
        "```compressed-json block at line 17",
        None,
    ),
    (
        "compressed-truncated",
        "n.excalidraw.md",
        md_note(small_scene(), compressed=True)
        .replace("\n```\n%%", "")
        .rsplit("\n\n", 3)[0]
        .encode()
        + b"\n```\n%%",
        "```compressed-json block",
        None,
    ),
    (
        "compressed-bomb",
        "n.excalidraw.md",
        compressed_md(bomb_json(300_000)).encode(),
        "```compressed-json block at line 17",
        SceneLimits(max_decompressed=100_000),
    ),
    (
        "svg-no-payload",
        "a.svg",
        b'<svg xmlns="http://www.w3.org/2000/svg"><rect/></svg>',
        "<metadata>",
        None,
    ),
    (
        "svg-no-markers",
        "a.excalidraw.svg",
        b"<svg><metadata><!-- payload-type:application/vnd.excalidraw+json --></metadata></svg>",
        "<metadata>",
        None,
    ),
    ("svg-bad-base64", "a.svg", svg_export(payload="eyJ2ZXJ*&^%"), "payload at line 3", None),
    (
        "svg-bad-padding",
        "a.svg",
        svg_export(payload="eyJ2ZXJzaW9uIjoi"[:-1]),
        "payload at line 3",
        None,
    ),
    (
        "svg-payload-not-json",
        "a.svg",
        svg_export(payload=base64.b64encode(b"{not json").decode()),
        "payload at line 3",
        None,
    ),
    (
        "svg-bad-zlib",
        "a.svg",
        svg_export(
            payload=base64.b64encode(
                json.dumps(
                    {
                        "version": "1",
                        "encoding": "bstring",
                        "compressed": True,
                        "encoded": "x\x9cnot zlib",
                    }
                ).encode("latin-1")
            ).decode()
        ),
        "payload at line 3",
        None,
    ),
    (
        "svg-truncated-zlib",
        "a.svg",
        svg_export(
            payload=base64.b64encode(
                json.dumps(
                    {
                        "version": "1",
                        "encoding": "bstring",
                        "compressed": True,
                        "encoded": zlib.compress(json.dumps(small_scene()).encode())[:-20].decode(
                            "latin-1"
                        ),
                    }
                ).encode("latin-1")
            ).decode()
        ),
        "payload at line 3",
        None,
    ),
    (
        "svg-unknown-encoding",
        "a.svg",
        svg_export(payload=base64.b64encode(b'{"encoding": "base99", "encoded": "x"}').decode()),
        "payload at line 3",
        None,
    ),
    (
        "svg-bomb",
        "a.svg",
        svg_export(
            payload=base64.b64encode(payload_text(bomb_json(3_000_000)).encode("latin-1")).decode()
        ),
        "payload at line 3",
        SceneLimits(max_decompressed=1_000_000),
    ),
    (
        "png-no-scene",
        "a.png",
        b"".join([*png_image(), png_chunk(b"IEND", b"")]),
        "PNG chunks",
        None,
    ),
    ("png-truncated", "a.excalidraw.png", png_export()[:-200], "byte ", None),
    ("png-cut-in-header", "a.png", png_export()[:30], "byte ", None),
    ("png-no-iend", "a.png", png_export()[:-12], "byte ", None),
    ("png-not-png", "a.png", b"GIF89a not a png at all", "byte 0", None),
    (
        "png-bad-crc",
        "a.png",
        png_export().replace(
            b"application/vnd.excalidraw+json\0", b"application/vnd.excalidraw+json\0 ", 1
        ),
        "tEXt chunk at byte",
        None,
    ),
    ("png-payload-not-json", "a.png", png_export(text="{{{"), "tEXt chunk at byte", None),
    (
        "png-bomb",
        "a.png",
        png_export(text=payload_text(bomb_json(3_000_000))),
        "tEXt chunk at byte",
        SceneLimits(max_decompressed=1_000_000),
    ),
    (
        "lib-items-not-list",
        "a.excalidrawlib",
        b'{"type": "excalidrawlib", "libraryItems": 5}',
        "$.libraryItems",
        None,
    ),
    (
        "lib-item-number",
        "a.excalidrawlib",
        b'{"type": "excalidrawlib", "libraryItems": [{"elements": []}, 7]}',
        "$.libraryItems[1]",
        None,
    ),
    (
        "lib-item-no-elements",
        "a.excalidrawlib",
        b'{"type": "excalidrawlib", "libraryItems": [{"name": "x"}]}',
        "$.libraryItems[0].elements",
        None,
    ),
    (
        "lib-bad-element",
        "a.excalidrawlib",
        doc_bytes(
            {
                "type": "excalidrawlib",
                "library": [[element("rectangle", "r")], [element("ellipse", "e", x="1")]],
            }
        ),
        "$.library[1][0].x",
        None,
    ),
    ("too-large", "a.excalidraw", MINIMAL, None, SceneLimits(max_bytes=100)),
    (
        "scene-type-other",
        "a.excalidraw",
        doc_bytes({"type": "excalidraw/clipboard", "elements": [element("rectangle", "r")]}),
        "$.type",
        None,
    ),
    ("scene-type-number", "a.excalidraw", doc_bytes({"type": 1, "elements": []}), "$.type", None),
    (
        "too-many-elements",
        "a.excalidraw",
        doc_bytes(scene_doc([element("rectangle", f"r{i}") for i in range(30)])),
        "$.elements",
        SceneLimits(max_elements=20),
    ),
    (
        "library-too-many-elements",
        "a.excalidrawlib",
        doc_bytes(
            {
                "type": "excalidrawlib",
                "library": [[element("rectangle", f"r{i}")] for i in range(30)],
            }
        ),
        "$.library",
        SceneLimits(max_elements=20),
    ),
]


@pytest.mark.parametrize(
    ("case", "name", "content", "place", "limits"), CASES, ids=[c[0] for c in CASES]
)
def test_bad_input_is_one_line_scene_error(
    tmp_path: Path, case, name, content, place, limits
) -> None:
    path = tmp_path / name
    path.write_bytes(content)
    with pytest.raises(SceneError) as info:
        load_scene(path, limits=limits or SceneLimits())
    err = info.value
    message = str(err)
    assert "\n" not in message and "\r" not in message
    assert message.startswith(f"{path}: "), message
    assert err.file == path
    assert err.fix, f"no fix suggested: {message}"
    if place is None:  # about the whole file: its size
        assert err.place is None
    else:
        assert err.place is not None and place in err.place, message
        assert f": {err.place}: " in message
    assert "Traceback" not in message


def test_at_least_twenty_distinct_bad_inputs() -> None:
    assert len({c[0] for c in CASES}) == len(CASES) >= 20


def test_limits_name_the_setting(tmp_path: Path) -> None:
    big = tmp_path / "big.excalidraw"
    big.write_bytes(MINIMAL)
    with pytest.raises(SceneError, match=r"max_source_mb"):
        load_scene(big, limits=SceneLimits(max_bytes=100))
    many = tmp_path / "many.excalidraw"
    many.write_bytes(doc_bytes(scene_doc([element("rectangle", f"r{i}") for i in range(5)])))
    with pytest.raises(SceneError, match=r"5 elements, over the limit of 4 .*max_elements"):
        load_scene(many, limits=SceneLimits(max_elements=4))
    bomb = tmp_path / "bomb.excalidraw.md"
    bomb.write_text(compressed_md(bomb_json(300_000)))
    with pytest.raises(SceneError, match=r"decompressed.*grows with max_source_mb"):
        load_scene(bomb, limits=SceneLimits(max_decompressed=100_000))


def test_the_size_limit_is_in_mib_and_names_the_setting(tmp_path: Path) -> None:
    big = tmp_path / "big.excalidraw"
    big.write_bytes(MINIMAL + b" " * (3 * 2**19 - len(MINIMAL)))  # 1.5 MiB
    with pytest.raises(SceneError) as info:
        load_scene(big, limits=SceneLimits(max_bytes=2**20))
    assert str(info.value) == (
        f"{big}: file is 1.5 MiB, over the source size limit of 1 MiB (max_source_mb) — split "
        "the drawing, or raise max_source_mb in [tool.diagrams] if the drawing is genuine"
    )


def test_decompression_stops_at_the_cap(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A zlib bomb is never inflated whole: no decompress call returns more than the cap + 1."""
    seen: list[int] = []
    real = zlib.decompressobj

    class Spy:
        def __init__(self) -> None:
            self.inner = real()

        def decompress(self, data: bytes, max_length: int = 0) -> bytes:
            assert max_length > 0, "decompress without a cap"
            out = self.inner.decompress(data, max_length)
            seen.append(len(out))
            return out

        def __getattr__(self, name: str) -> object:
            return getattr(self.inner, name)

    monkeypatch.setattr(zlib, "decompressobj", Spy)
    path = tmp_path / "bomb.png"
    path.write_bytes(png_export(text=payload_text(bomb_json(50_000_000))))
    with pytest.raises(SceneError, match="max_source_mb"):
        load_scene(path, limits=SceneLimits(max_decompressed=1_000_000))
    assert seen and max(seen) <= 1_000_001


def test_folder(tmp_path: Path) -> None:
    folder = tmp_path / "drawing.excalidraw"
    folder.mkdir()
    with pytest.raises(SceneError) as info:
        load_scene(folder)
    assert str(info.value).startswith(f"{folder}: is a folder")
    assert "\n" not in str(info.value)


def test_missing_file(tmp_path: Path) -> None:
    path = tmp_path / "nowhere.excalidraw"
    with pytest.raises(SceneError) as info:
        load_scene(path)
    assert str(info.value) == f"{path}: file not found — check the path and the file name"


def test_special_file_is_refused_without_reading() -> None:
    if not Path("/dev/zero").exists():
        pytest.skip("no /dev/zero")
    with pytest.raises(SceneError, match="not a regular file"):
        load_scene(Path("/dev/zero"))


def test_permission_denied(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "locked.excalidraw"
    path.write_bytes(MINIMAL)
    path.chmod(0)
    try:
        if os.geteuid() == 0:  # root reads anything: make open() fail as it would for a user
            real_open = Path.open

            def denied(self: Path, *args: object, **kwargs: object):
                if self == path:
                    raise PermissionError(13, "Permission denied", str(self))
                return real_open(self, *args, **kwargs)

            monkeypatch.setattr(Path, "open", denied)
        with pytest.raises(SceneError) as info:
            load_scene(path)
    finally:
        path.chmod(0o644)
    assert str(info.value) == f"{path}: permission denied — make the file readable (chmod +r)"


@pytest.mark.parametrize(
    "make",
    [
        lambda: b"\x89PNG\r\n\x1a\n" + b"\x00" * 3,
        lambda: svg_export(payload=""),
        lambda: md_note("", compressed=False),
    ],
    ids=["png-signature-only", "svg-empty-payload", "md-empty-block"],
)
def test_degenerate_containers(tmp_path: Path, make: Callable[[], bytes | str]) -> None:
    data = make()
    name = {bytes: "x.png", str: "x.excalidraw.md"}[type(data)]
    if isinstance(data, bytes) and data.startswith(b"<svg"):
        name = "x.svg"
    path = tmp_path / name
    path.write_bytes(data if isinstance(data, bytes) else data.encode())
    with pytest.raises(SceneError) as info:
        load_scene(path)
    assert "\n" not in str(info.value) and str(path) in str(info.value)


def test_a_scene_of_another_type_is_refused_as_excalidraw_refuses_it(tmp_path: Path) -> None:
    path = tmp_path / "a.excalidraw"
    path.write_bytes(doc_bytes({"type": "tldraw", "elements": [element("rectangle", "r")]}))
    with pytest.raises(SceneError) as info:
        load_scene(path)
    assert str(info.value) == (
        f"{path}: $.type: 'type' is 'tldraw', not 'excalidraw': Excalidraw refuses this file as "
        'invalid — set "type": "excalidraw" if the file is a drawing, or list it in exclude in '
        "[tool.diagrams] if it is not"
    )
