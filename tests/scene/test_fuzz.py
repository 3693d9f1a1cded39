"""Mutated drawings never crash the loader: a Scene or a SceneError, nothing else, quickly."""

from __future__ import annotations

import base64
import shutil
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from diagram_assets.errors import SceneError
from diagram_assets.scene import Scene, SceneLimits, load_scene
from locations import SCENE_FIXTURES as FIXTURES
from support.scene_files import (
    md_note,
    payload_text,
    png_export,
    small_scene,
    svg_export,
)

# Small limits so a mutation that happens to build a bomb stays cheap.
LIMITS = SceneLimits(max_bytes=1 << 20, max_elements=2_000, max_decompressed=4 << 20)

SEEDS: dict[str, bytes] = {
    "minimal.excalidraw": (FIXTURES / "minimal.excalidraw").read_bytes(),
    "legacy.excalidraw": (FIXTURES / "legacy.excalidraw").read_bytes(),
    "note-old.excalidraw.md": (FIXTURES / "note-old.excalidraw.md").read_bytes(),
    "note-new.excalidraw.md": (FIXTURES / "note-new.excalidraw.md").read_bytes(),
    "crlf.excalidraw.md": md_note(small_scene(), layout="old", newline="\r\n").encode(),
    "sample.excalidrawlib": (FIXTURES / "sample.excalidrawlib").read_bytes(),
    "sample-v1.excalidrawlib": (FIXTURES / "sample-v1.excalidrawlib").read_bytes(),
    "export.excalidraw.svg": svg_export(small_scene()),
    "export.excalidraw.png": png_export(small_scene()),
    "export-ztxt.png": png_export(small_scene(), chunk="zTXt"),
    # uncompressed payloads: mutations reach the scene JSON inside the container
    "export-plain.png": png_export(text=payload_text(small_scene(), compressed=False)),
    "export-plain.svg": svg_export(
        payload=base64.b64encode(
            payload_text(small_scene(), compressed=False).encode("latin-1")
        ).decode()
    ),
}


@st.composite
def mutated(draw: st.DrawFn) -> tuple[str, bytes]:
    name = draw(st.sampled_from(sorted(SEEDS)))
    data = bytearray(SEEDS[name])
    for _ in range(draw(st.integers(1, 4))):
        op = draw(st.sampled_from(["flip", "insert", "delete", "truncate", "splice-token"]))
        at = draw(st.integers(0, max(0, len(data) - 1)))
        if op == "flip" and data:
            data[at] ^= draw(st.integers(1, 255))
        elif op == "insert":
            data[at:at] = draw(st.binary(min_size=1, max_size=8))
        elif op == "delete":
            del data[at : at + draw(st.integers(1, 64))]
        elif op == "truncate":
            del data[at:]
        else:  # JSON-ish tokens that reach deeper than random bytes
            token = draw(
                st.sampled_from(
                    [
                        b"null",
                        b"NaN",
                        b"1e999",
                        b"-1",
                        b'"x"',
                        b"[]",
                        b"{}",
                        b"[[",
                        b"\\ud800",
                        b"```",
                    ]
                )
            )
            data[at:at] = token
    return name, bytes(data)


@pytest.fixture(scope="module")
def fuzz_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("fuzz")


def check_one(folder: Path, name: str, data: bytes) -> None:
    path = folder / name
    path.write_bytes(data)
    try:
        scene = load_scene(path, limits=LIMITS)
    except SceneError as exc:
        assert "\n" not in str(exc) and str(path) in str(exc)
        return
    assert isinstance(scene, Scene)
    scene.dumps().encode("utf-8")  # what the renderer is given must serialise


@given(case=mutated())
@settings(
    max_examples=400,
    deadline=2000,  # ms per example: the time bound
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
def test_mutated_files_give_a_scene_or_a_scene_error(
    fuzz_dir: Path, case: tuple[str, bytes]
) -> None:
    check_one(fuzz_dir, *case)


@pytest.mark.slow
@given(case=mutated())
@settings(
    max_examples=5000,
    deadline=2000,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
def test_many_more_mutations(fuzz_dir: Path, case: tuple[str, bytes]) -> None:
    check_one(fuzz_dir, *case)


@given(
    data=st.binary(max_size=2000),
    name=st.sampled_from(["x.excalidraw", "x.md", "x.svg", "x.png", "x"]),
)
@settings(
    max_examples=300, deadline=2000, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
def test_random_bytes_give_a_scene_error(fuzz_dir: Path, data: bytes, name: str) -> None:
    check_one(fuzz_dir, name, data)


@pytest.fixture(scope="module")
def fuzz_vault(tmp_path_factory: pytest.TempPathFactory) -> Path:
    vault = tmp_path_factory.mktemp("vault")
    shutil.copytree(FIXTURES / "vault", vault, dirs_exist_ok=True)
    return vault


NOTE = (FIXTURES / "vault" / "Excalidraw" / "linked.excalidraw.md").read_bytes()
LINK_BITS = [b"/", b"..", b"|", b"#", b"[[", b"]]", b"(", b")", b"%00", b"%2F", b"\x00", b"a" * 300]


@given(case=st.data())
@settings(
    max_examples=300,
    deadline=2000,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
def test_mutated_embedded_files_section(fuzz_vault: Path, case: st.DataObject) -> None:
    """Mutated links (odd names, paths, schemes) never escape as other errors."""
    head, _, rest = NOTE.partition(b"## Embedded Files")
    section, _, tail = rest.partition(b"%%")
    data = bytearray(section)
    for _ in range(case.draw(st.integers(1, 3))):
        at = case.draw(st.integers(0, len(data)))
        data[at:at] = case.draw(
            st.sampled_from(LINK_BITS) | st.text(max_size=6).map(lambda t: t.encode("utf-8"))
        )
    path = fuzz_vault / "Excalidraw" / "fuzzed.excalidraw.md"
    path.write_bytes(head + b"## Embedded Files" + bytes(data) + b"%%" + tail)
    try:
        scene = load_scene(path, root=fuzz_vault, limits=LIMITS)
    except SceneError as exc:
        assert "\n" not in str(exc)
        return
    assert all(f["dataURL"].startswith("data:image/") for f in scene.files.values())
    assert all(p.is_file() for p in scene.reads)
