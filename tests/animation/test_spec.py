"""Animation specs: which files are specs, what they mean, and one-line errors with places."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from diagram_assets.animation import is_animation_spec, load_animation_spec
from diagram_assets.animation.spec import spec_stem
from diagram_assets.errors import SpecError


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def load(tmp_path: Path, text: str, name: str = "a.anim.yaml"):
    return load_animation_spec(write(tmp_path / name, text))


def error_of(tmp_path: Path, text: str, name: str = "a.anim.yaml") -> SpecError:
    with pytest.raises(SpecError) as info:
        load(tmp_path, text, name)
    message = str(info.value)
    assert "\n" not in message
    assert message.startswith(str(tmp_path / name))
    return info.value


# --------------------------------------------------------------------------- which files


@pytest.mark.parametrize(
    "name", ["x.anim.yaml", "x.anim.yml", "X.ANIM.YAML", "x.animation.yaml", "x.animation.yml"]
)
def test_spec_suffixes_are_claimed_anywhere(tmp_path, name):
    assert is_animation_spec(tmp_path / "notes" / name)  # not even read


def test_yaml_in_animations_folder_is_claimed_by_content(tmp_path):
    folder = tmp_path / "diagrams" / "animations"
    assert is_animation_spec(write(folder / "t.yaml", "images: f/*.png\n"))
    assert is_animation_spec(write(folder / "d.yml", "drawing: story.excalidraw\n"))
    assert not is_animation_spec(write(folder / "other.yaml", "layers: []\n"))
    assert is_animation_spec(write(folder / "broken.yaml", "images: [\n"))  # error gets reported
    assert not is_animation_spec(write(tmp_path / "elsewhere" / "t.yaml", "images: f/*.png\n"))
    assert not is_animation_spec(write(folder / ".hidden.anim.yaml", "images: f/*.png\n"))
    assert not is_animation_spec(write(folder / "notes.md", "images: x\n"))


@pytest.mark.parametrize(
    ("name", "stem"),
    [
        ("Transformer执行.anim.yaml", "Transformer执行"),
        ("walk.animation.yml", "walk"),
        ("plain.yaml", "plain"),
        ("a.b.anim.yaml", "a.b"),
    ],
)
def test_spec_stem(name, stem):
    assert spec_stem(Path(name)) == stem


# --------------------------------------------------------------------------- meaning


def test_defaults(tmp_path):
    spec = load(tmp_path, "images: frames/*.png\n", "Transformer执行.anim.yaml")
    assert spec.name == "Transformer执行"
    assert spec.kind == "images"
    assert [p.value for p in spec.images] == ["frames/*.png"]
    assert spec.duration_ms == 1000
    assert spec.plays == 0
    assert spec.formats == ("gif",)
    assert spec.canvas == "pad" and spec.size is None and spec.align == (0.5, 0.5)
    assert spec.background is None and spec.scale == 1.0
    assert not spec.dither and not spec.gifsicle
    assert spec.warnings == []


def test_full_spec(tmp_path):
    spec = load(
        tmp_path,
        """
name: walk
drawing: ../story.excalidraw
frames: [intro, "step 2", 3]
duration: 0.8s
durations: {intro: 1500ms, 2: 300, -1: 2s}
hold_last: 4s
loop: 3
background: "#123"
canvas: refuse
size: 720x420
align: top-left
scale: 1.5
formats: [gif, WEBP, .apng, gif]
dither: true
gifsicle: true
""",
    )
    assert spec.name == "walk"
    assert spec.kind == "drawing"
    assert spec.source == tmp_path / ".." / "story.excalidraw"
    assert [p.value for p in spec.order or ()] == ["intro", "step 2", "3"]
    assert spec.duration_ms == 800
    assert {k: v[0] for k, v in spec.durations.items()} == {"intro": 1500, 2: 300, -1: 2000}
    assert spec.hold_last_ms == 4000
    assert spec.plays == 3
    assert spec.background == (0x11, 0x22, 0x33, 255)
    assert spec.canvas == "refuse" and spec.size == (720, 420) and spec.align == (0.0, 0.0)
    assert spec.scale == 1.5
    assert spec.formats == ("gif", "webp", "apng")
    assert spec.dither and spec.gifsicle


@pytest.mark.parametrize(
    ("text", "plays"),
    [("forever", 0), ("once", 1), ("true", 0), ("false", 1), ("1", 1), ("7", 7), ("0", 0)],
)
def test_loop_values(tmp_path, text, plays):
    assert load(tmp_path, f"images: x.png\nloop: {text}\n").plays == plays


@pytest.mark.parametrize(
    ("text", "ms"), [("800", 800), ("800ms", 800), ("1.5s", 1500), ("2 s", 2000), ('"90 MS"', 90)]
)
def test_duration_forms(tmp_path, text, ms):
    assert load(tmp_path, f"images: x.png\nduration: {text}\n").duration_ms == ms


def test_rounding_to_10ms_warns_with_the_line(tmp_path):
    spec = load(tmp_path, "images: x.png\nduration: 805\nhold_last: 1234\n")
    assert spec.duration_ms == 810 and spec.hold_last_ms == 1230
    assert len(spec.warnings) == 2
    assert (
        "line 2, column 11" in spec.warnings[0] and "805 ms rounded to 810 ms" in spec.warnings[0]
    )
    assert "line 3" in spec.warnings[1]


def test_very_short_durations_warn_about_browsers(tmp_path):
    spec = load(tmp_path, "images: x.png\nduration: 4\n")
    assert spec.duration_ms == 10
    assert any("browsers show 10 ms as 100 ms" in w for w in spec.warnings)


def test_duration_list(tmp_path):
    spec = load(tmp_path, "images: x.png\ndurations: [100, 200, 1s]\n")
    assert [ms for ms, _ in spec.duration_list or ()] == [100, 200, 1000]


def test_background_transparent_and_names(tmp_path):
    assert load(tmp_path, "images: x.png\nbackground: transparent\n").background == (0, 0, 0, 0)
    assert load(tmp_path, "images: x.png\nbackground: white\n").background == (255,) * 4


# --------------------------------------------------------------------------- errors


@pytest.mark.parametrize(
    ("text", "place", "words"),
    [
        ("images: x.png\nduration: 0\n", "line 2, column 11", "more than 0 ms"),
        ("images: x.png\nduration: -20\n", "line 2, column 11", "more than 0 ms"),
        ("images: x.png\nduration: soon\n", "line 2, column 11", "must be a duration"),
        ("images: x.png\nduration: true\n", "line 2, column 11", "must be a duration"),
        ("images: x.png\nduration: 20min\n", "line 2", "must be a duration"),
        ("images: x.png\nduration: 700000\n", "line 2", "over 10 minutes"),
        ("images: x.png\ndurations: {a.png: 0}\n", "line 2, column 20", "more than 0 ms"),
        ("images: x.png\ndurations: [100, -1]\n", "line 2, column 18", "more than 0 ms"),
        ("images: x.png\ndurations: {0: 100}\n", "line 2", "start at 1"),
        ("images: x.png\nhold_last: 0s\n", "line 2, column 12", "more than 0 ms"),
        (
            "images: x.png\nimgs: y\n",
            "line 2, column 1",
            "unknown key `imgs` — did you mean `images`",
        ),
        ("duration: 100\n", "line 1, column 1", "no frames"),
        ("images: x.png\ndrawing: d.excalidraw\n", "line 2", "only one frame source"),
        ("images: x.png\nimages: y.png\n", "line 2, column 1", "duplicate key `images`"),
        ("images: []\n", "line 1, column 9", "non-empty list"),
        ("images: [x.png, 3]\n", "line 1, column 17", "must be a text"),
        ("images: x.png\nframes: [a]\n", "line 2", "frames: names the frames of a drawing"),
        ("drawing: d.excalidraw\nframes: []\n", "line 2", "non-empty list"),
        ("images: x.png\nloop: sometimes\n", "line 2, column 7", "loop must be"),
        ("images: x.png\nloop: -2\n", "line 2", "loop must be"),
        ("images: x.png\nbackground: mauvish\n", "line 2, column 13", "not a colour"),
        ("images: x.png\nbackground: 12\n", "line 2", "must be a colour"),
        ("images: x.png\ncanvas: stretch\n", "line 2", "pad or refuse"),
        ("images: x.png\nsize: [720]\n", "line 2", "[width, height]"),
        ("images: x.png\nsize: [0, 10]\n", "line 2", "out of range"),
        ("images: x.png\nalign: middle\n", "line 2", "align must be one of"),
        ("images: x.png\nscale: 0\n", "line 2", "scale must be"),
        ("images: x.png\nscale: 9\n", "line 2", "scale must be"),
        ("images: x.png\nformats: [gif, mp4]\n", "line 2, column 16", "unknown format `mp4`"),
        ("images: x.png\ndither: yes please\n", "line 2", "true or false"),
        ("images: x.png\nname: a/b\n", "line 2", "cannot be a file name"),
        ("images: x.png\nname: ''\n", "line 2", "non-empty"),
        ("- images: x.png\n", "line 1, column 1", "mapping of keys, not a list"),
        ("", "line 1, column 1", "not an empty file"),
        ("images: [x.png\n", "line 2, column 1", "YAML syntax error"),
        ("images: !!python/object:os.system x\n", "line 1, column 9", "tag"),
        ("? [a, b]\n: 1\n", "line 1", "plain name"),
    ],
)
def test_bad_specs_give_one_line_with_the_place(tmp_path, text, place, words):
    exc = error_of(tmp_path, text)
    message = str(exc)
    assert place in message, message
    assert words in message, message


def test_not_utf8_and_missing_file(tmp_path):
    path = tmp_path / "b.anim.yaml"
    path.write_bytes(b"images: \xff\xfe\n")
    with pytest.raises(SpecError, match="line 1, column 9: the file is not valid UTF-8"):
        load_animation_spec(path)
    with pytest.raises(SpecError, match="file not found"):
        load_animation_spec(tmp_path / "missing.anim.yaml")


def test_paths_outside_the_root_are_refused(tmp_path):
    root = tmp_path / "project"
    spec_path = write(root / "anims" / "a.anim.yaml", "figure: ../../elsewhere/f.figure.yaml\n")
    with pytest.raises(SpecError, match="outside the project folder"):
        load_animation_spec(spec_path, root=root)
    assert load_animation_spec(spec_path).source is not None  # no root: no restriction


_KEYS = ["images", "drawing", "figure", "frames", "duration", "durations", "hold_last", "loop"]
_KEYS += ["background", "canvas", "size", "align", "scale", "formats", "dither", "name", "x"]
_VALUES = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(-(10**6), 10**7)
    | st.floats(allow_nan=True)
    | st.text(max_size=12),
    lambda children: (
        st.lists(children, max_size=4)
        | st.dictionaries(st.sampled_from(_KEYS) | st.integers(-3, 3), children, max_size=4)
    ),
    max_leaves=12,
)


@settings(
    max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(st.dictionaries(st.sampled_from(_KEYS), _VALUES, max_size=6))
def test_property_any_mapping_loads_or_gives_one_line(tmp_path, data):
    import yaml

    text = yaml.safe_dump(data, allow_unicode=True)
    try:
        spec = load(tmp_path, text)
    except SpecError as exc:
        assert "\n" not in str(exc)
        assert re.search(r"line \d+, column \d+", str(exc)) or "YAML" in str(exc)
    else:
        assert spec.kind in ("images", "drawing", "figure")
        assert spec.duration_ms % 10 == 0 and spec.duration_ms > 0


@settings(
    max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(st.text(max_size=200))
def test_property_any_text_never_crashes(tmp_path, text):
    try:
        load(tmp_path, text)
    except SpecError as exc:
        assert "\n" not in str(exc)
