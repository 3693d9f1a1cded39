"""The dark theme of layered and block figures: the same scene with colours for a dark canvas.

Excalidraw's own dark mode inverts the whole image (``invert(93%) hue-rotate(180deg)``): the
Neural Network Zoo's yellow, green and orange cells would come out olive, dark green and brown.
Instead the scene is recoloured and drawn without the filter, by one rule per role:

* the canvas is Excalidraw's dark background (:data:`DARK_BACKGROUND`);
* bright, saturated fills (the Zoo's cells and block styles) keep their colours — they read
  well on a dark canvas, and they are what makes a Zoo figure recognisable;
* white, pale and pastel fills (plain blocks, the Transformer paper's pastels, stack boxes)
  become a dark tint of the same hue;
* every stroke and text is checked against what it is drawn on — its container, the topmost
  filled shape it lies inside (a mark inside a cell, an arrow inside a stack box), else the
  canvas — and made lighter (or darker) when it does not stand out: black ink on the canvas
  turns light, black marks on a yellow cell stay black.

Table and timeline figures have a dark palette of their own (:mod:`.data_palette`); the same
pass only fixes what they share with the others (the title).
"""

from __future__ import annotations

import colorsys

from .geometry import Element

DARK_BACKGROUND = "#121212"  # Excalidraw's dark canvas (its white, inverted by 93 %)
LIGHT_INK = "#e9ecef"
DARK_INK = "#1e1e1e"
TEXT_CONTRAST = 4.5  # WCAG AA for text
LINE_CONTRAST = 3.0  # WCAG for graphics
NESTED_CONTRAST = 1.3  # between a fill and the fill it lies on
PALE = 0.84  # fills this light are pale (the Zoo's kernel pink, 0.8, is not)
_CLOSED = {"rectangle", "ellipse", "diamond"}


def parse_hex(colour: str) -> tuple[float, float, float] | None:
    """``#rgb``/``#rrggbb``/``#rrggbbaa`` → (r, g, b) in 0…1; None for anything else."""
    if not colour.startswith("#"):
        return None
    digits = colour[1:]
    if len(digits) == 3:
        digits = "".join(c * 2 for c in digits)
    if len(digits) not in (6, 8):
        return None
    try:
        return tuple(int(digits[i : i + 2], 16) / 255 for i in (0, 2, 4))  # type: ignore[return-value]
    except ValueError:
        return None


def to_hex(rgb: tuple[float, float, float]) -> str:
    return "#" + "".join(f"{round(min(1.0, max(0.0, c)) * 255):02x}" for c in rgb)


def luminance(colour: str) -> float:
    """WCAG relative luminance of a hex colour (transparent and unknown: 0)."""
    rgb = parse_hex(colour)
    if rgb is None:
        return 0.0

    def channel(c: float) -> float:
        return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = (channel(c) for c in rgb)
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast(a: str, b: str) -> float:
    """WCAG contrast ratio of two hex colours (1 … 21)."""
    la, lb = luminance(a), luminance(b)
    return (max(la, lb) + 0.05) / (min(la, lb) + 0.05)


def dark_fill(colour: str) -> str:
    """A fill for the dark theme: pale fills become a dark tint of their hue, others stay."""
    rgb = parse_hex(colour)
    if rgb is None:
        return colour
    h, lightness, s = colorsys.rgb_to_hls(*rgb)
    if lightness < PALE:
        return colour
    # paler in the light theme → nearer the canvas in the dark one; pastels keep some colour
    tint = 0.12 + (1 - lightness) * 0.8
    if s < 0.1 or lightness > 0.985:  # white and greys: a dark grey surface
        return to_hex(colorsys.hls_to_rgb(h, tint, s * 0.3))
    return to_hex(colorsys.hls_to_rgb(h, tint, min(s, 0.5)))


def lift(fill: str, under: str, minimum: float = NESTED_CONTRAST) -> str:
    """``fill`` made lighter until it stands apart from the fill ``under`` it (a block in a
    group box: both pale in the light theme, both dark tints in the dark one)."""
    rgb = parse_hex(fill)
    if rgb is None or contrast(fill, under) >= minimum:
        return fill
    h, lightness, s = colorsys.rgb_to_hls(*rgb)
    while lightness < 0.5 and contrast(fill, under) < minimum:
        lightness += 0.02
        fill = to_hex(colorsys.hls_to_rgb(h, lightness, s))
    return fill


def readable(colour: str, backdrop: str, minimum: float) -> str:
    """``colour``, or the colour of its hue that stands out on ``backdrop`` (at least
    ``minimum`` contrast): lighter on a dark backdrop, darker on a light one; plain light or
    dark ink when no shade of the hue does."""
    rgb = parse_hex(colour)
    if rgb is None or contrast(colour, backdrop) >= minimum:
        return colour
    h, lightness, s = colorsys.rgb_to_hls(*rgb)
    lighter = luminance(backdrop) < 0.18
    if lighter:
        candidates = [max(1 - lightness, 0.7), 0.8, 0.88]
    else:
        candidates = [min(1 - lightness, 0.3), 0.2, 0.12]
    for target in candidates:
        shade = to_hex(colorsys.hls_to_rgb(h, target, s))
        if contrast(shade, backdrop) >= minimum:
            return shade
    return LIGHT_INK if lighter else DARK_INK


def _box(element: Element) -> tuple[float, float, float, float]:
    x, y = float(element["x"]), float(element["y"])
    w, h = float(element.get("width", 0)), float(element.get("height", 0))
    return (min(x, x + w), min(y, y + h), max(x, x + w), max(y, y + h))


def _inside(inner: tuple[float, ...], outer: tuple[float, ...], slack: float = 1.0) -> bool:
    return (
        inner[0] >= outer[0] - slack
        and inner[1] >= outer[1] - slack
        and inner[2] <= outer[2] + slack
        and inner[3] <= outer[3] + slack
    )


def _filled(element: Element) -> bool:
    return (
        element["type"] in _CLOSED
        and element.get("backgroundColor", "transparent") != "transparent"
        and element.get("opacity", 100) > 0
    )


def darken_elements(elements: list[Element], background: str = DARK_BACKGROUND) -> None:
    """Recolour a figure's elements in place for ``background`` (see the module's rules)."""
    by_id = {e["id"]: e for e in elements}
    tinted: set[str] = set()  # pale fills made dark tints
    for element in elements:
        if _filled(element):
            fill = dark_fill(element["backgroundColor"])
            if fill != element["backgroundColor"]:
                tinted.add(element["id"])
            element["backgroundColor"] = fill
    filled: list[tuple[tuple[float, float, float, float], Element]] = []
    for element in elements:
        minimum = TEXT_CONTRAST if element["type"] == "text" else LINE_CONTRAST
        box = _box(element)
        under = next((e for b, e in reversed(filled) if _inside(box, b)), None)
        container = by_id.get(element.get("containerId") or "")
        if container is not None and _filled(container):
            backdrop = container["backgroundColor"]
        elif _filled(element):
            backdrop = background  # a shape's outline is seen against what is around it
            if under is not None and element["id"] in tinted and under["id"] in tinted:
                element["backgroundColor"] = lift(
                    element["backgroundColor"], under["backgroundColor"]
                )
        else:
            backdrop = under["backgroundColor"] if under is not None else background
        stroke = element.get("strokeColor", "transparent")
        if stroke != "transparent":
            element["strokeColor"] = readable(stroke, backdrop, minimum)
        if _filled(element):
            filled.append((box, element))


def dark_app_state(app_state: dict[str, object]) -> dict[str, object]:
    return {**app_state, "viewBackgroundColor": DARK_BACKGROUND}
