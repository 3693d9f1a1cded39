"""The bounded LZ-String decoder agrees with the `lzstring` package and stops at its cap."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from lzstring import LZString

from diagram_assets.scene.lz import LZError, LZTooLarge, decompress_from_base64


def js_compress(text: str) -> str:
    """LZ-String as JavaScript runs it: on UTF-16 code units (the Python package takes code
    points, so it is given the text as surrogate halves)."""
    raw = text.encode("utf-16-le", "surrogatepass")
    units = "".join(chr(int.from_bytes(raw[i : i + 2], "little")) for i in range(0, len(raw), 2))
    return LZString.compressToBase64(units)


@given(st.text(st.characters(blacklist_categories=("Cs",)), max_size=400))
@settings(max_examples=300)
def test_round_trip_matches_the_reference_package(text: str) -> None:
    compressed = js_compress(text)
    if not text:
        return  # the package encodes "" as a bare end marker, which it then reads back as None
    assert decompress_from_base64(compressed, 10**6) == text


@given(st.text(alphabet=st.sampled_from('ab{}":,[]0123456789 \n'), min_size=1, max_size=2000))
@settings(max_examples=100)
def test_repetitive_json_like_text(text: str) -> None:
    assert decompress_from_base64(LZString.compressToBase64(text), 10**6) == text


def test_emoji_and_cjk_survive_as_characters() -> None:
    text = '{"text": "漢字 かな 😀 ಠ_ಠ"}'
    assert decompress_from_base64(js_compress(text), 1000) == text


def test_lone_surrogate_becomes_replacement_character() -> None:
    compressed = LZString.compressToBase64("a\ud83db")
    assert decompress_from_base64(compressed, 100) == "a\ufffdb"


def test_cap_stops_a_bomb_early() -> None:
    bomb = LZString.compressToBase64("A" * 200_000)
    assert len(bomb) < 2_000
    with pytest.raises(LZTooLarge):
        decompress_from_base64(bomb, 10_000)
    assert len(decompress_from_base64(bomb, 200_000)) == 200_000


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ("", "empty"),
        ("abc!def", "not base64"),
        ("////", "does not start"),
        (LZString.compressToBase64("hello world, hello world")[:6], "ends early"),
    ],
)
def test_bad_input(data: str, message: str) -> None:
    with pytest.raises(LZError, match=message):
        decompress_from_base64(data, 1000)


def test_bad_character_offset() -> None:
    with pytest.raises(LZError) as info:
        decompress_from_base64("abc-def", 1000)
    assert info.value.offset == 3


@given(st.binary(min_size=1, max_size=300))
@settings(max_examples=300)
def test_random_base64_never_crashes(raw: bytes) -> None:
    import base64

    data = base64.b64encode(raw).decode()
    try:
        out = decompress_from_base64(data, 5_000)
    except LZError:
        return
    assert len(out) <= 5_000
