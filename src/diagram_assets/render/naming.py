"""Output file names: stable, predictable, safe on every file system."""

from __future__ import annotations

from ..fields import safe_name
from .options import RenderedImage


def image_stems(stem: str, images: list[RenderedImage], *, reserved: str = "") -> list[str]:
    """The file stem of each rendered image: ``stem`` for the whole scene, ``stem.<frame>`` for a
    frame (frames without a name are ``Frame-1``, ``Frame-2``… in scene order; repeated names get
    ``-2``, ``-3``…). A part a note embeds is ``stem.<kind>-<ref>`` (``board.group-<id>``,
    ``board.area-<id>``, ``board.frame-<name>``, ``board.clippedframe-<name>``).

    ``reserved`` (``.dark`` when dark twins are written): no stem ends with it, so adding it to
    any stem names another image's twin without colliding — a frame named ``dark`` becomes
    ``stem.dark-2``, as if the name were taken."""
    stems: list[str] = []
    seen: set[str] = set()
    unnamed = 0
    for image in images:
        if image.part is not None:
            kind, _, ref = image.part.partition("=")
            candidate = f"{stem}.{kind}-{safe_name(ref, 'part')}"
        elif image.frame_id is None:
            candidate = stem
        else:
            if image.frame_name:
                label = safe_name(image.frame_name, image.frame_id)
            else:
                unnamed += 1
                label = f"Frame-{unnamed}"
            candidate = f"{stem}.{label}"
        unique, n = candidate, 1
        while unique.casefold() in seen or (
            reserved and unique.casefold().endswith(reserved.casefold())
        ):
            n += 1
            unique = f"{candidate}-{n}"
        seen.add(unique.casefold())
        stems.append(unique)
    return stems
