"""One options model: formats, defaults and ranges defined once (render.options), the config's
Options made from them, the flags overriding them, and what enters the lock digest."""

from __future__ import annotations

from dataclasses import fields, replace

import pytest

from diagram_assets.cli.base import flag_options
from diagram_assets.config import Options
from diagram_assets.pipeline.digest import job_digest
from diagram_assets.render.options import MAX_SIZE, PADDING, SCALE, RenderOptions


def digest_of(options: Options) -> str:
    return job_digest(
        kind="drawing",
        kind_version="drawing-2",
        renderer="r",
        options={**options.digest_fields(), "outputs": ["attachments/a.svg"]},
        inputs={"diagrams/a.excalidraw": "abc"},
    )


def test_every_option_is_decided_for_the_digest() -> None:
    """A new option must be added to DIGEST_FIELDS (it changes outputs) or left out on purpose;
    today every option changes what a source writes (``parts`` only when a note embeds any)."""
    decided = {*Options.DIGEST_FIELDS, *Options.DIGEST_FIELDS_UNLESS_DEFAULT}
    assert decided == {f.name for f in fields(Options)}
    assert "parts" not in Options().digest_fields()
    assert list(Options(parts=("group=a",)).digest_fields()["parts"]) == ["group=a"]


def test_theme_enters_the_digest_only_when_not_light() -> None:
    """Light (the default) keeps the digests made before themes; the others change them."""
    assert "theme" not in Options().digest_fields()
    assert digest_of(replace(Options(), theme="light")) == digest_of(Options())
    digests = {digest_of(replace(Options(), theme=t)) for t in ("light", "dark", "both", "auto")}
    assert len(digests) == 4


def test_digest_bytes_stay_as_committed_lock_files_have_them() -> None:
    # the digests that `vars(options)` gave before the digest fields were named
    assert digest_of(Options()) == (
        "27f07829fcb3053589ad0d8a4b6c19116cdc13afab38db345275efe8acbe7a67"
    )
    custom = replace(Options(), scale=3.0, formats=("png",), max_size=800, excalidraw=True)
    assert digest_of(custom) == "1f3a900c679e1bf38bfb590645020596eb51062825a8e60622a3b30f39fa52b8"
    assert Options().digest_fields()["formats"] == ["svg", "png"]


def test_options_and_render_options_share_defaults() -> None:
    render = Options().render_options()
    assert render == RenderOptions()
    assert replace(Options(), transparent=True).render_options().background is False
    assert Options().render_options(refresh_text=True).refresh_text is True


@pytest.mark.parametrize(
    ("range_", "inside", "outside", "text"),
    [
        (SCALE, [0.01, 2, 16], [0, -1, 16.5, float("nan")], "(0, 16]"),
        (PADDING, [0, 10, 10_000], [-1, 10_001], "[0, 10000]"),
        (MAX_SIZE, [1, 10**9], [0, -5], "[1, …)"),
    ],
)
def test_ranges(range_, inside, outside, text) -> None:
    assert all(v in range_ for v in inside)
    assert not any(v in range_ for v in outside)
    assert range_.text() == text


def test_render_options_refuse_what_the_ranges_refuse() -> None:
    with pytest.raises(ValueError, match=r"scale must be in \(0, 16\], got 0"):
        RenderOptions(scale=0)
    with pytest.raises(ValueError, match=r"padding must be in \[0, 10000\], got 10001"):
        RenderOptions(padding=10_001)
    with pytest.raises(ValueError, match="max_size must be positive"):
        RenderOptions(max_size=0)


def test_flags_override_the_default_options() -> None:
    assert flag_options() == Options()
    assert flag_options(formats=()) == Options()
    assert flag_options(formats=("png", "png"), scale=3, dark=True) == replace(
        Options(), formats=("png",), scale=3, dark=True
    )
