"""Builders of full Excalidraw 0.18 elements with stable ids, seeds and fractional indices.

Everything here is deterministic: ids come from the spec (readable, like ``enc_attn`` or
``edge:in[1]>h[2]``), seeds and version nonces are hashes of the id, ``updated`` is a fixed
number, and z-order indices are assigned in insertion order as valid fractional-index keys.
Arrows are bound at both ends: the arrow's ``startBinding``/``endBinding`` name the shape
(with Excalidraw's focus and gap) and the shape lists the arrow in its ``boundElements``.
The keys and seeds come from :mod:`.element_keys`, the focus from :mod:`.geometry`.
"""

from __future__ import annotations

from dataclasses import dataclass

from .element_keys import fractional_index, stable_int
from .geometry import Element, Point, binding_focus
from .palettes import INK
from .text import line_height, text_size

UPDATED = 1  # a fixed `updated` timestamp: no time in generated scenes
BOUND_TEXT_PADDING = 5  # Excalidraw's padding between a container and its text


@dataclass(frozen=True)
class Style:
    """How a figure draws: clean (roughness 0, Liberation Sans) or sketch (Excalifont)."""

    roughness: int
    font_family: int
    font_size: int
    stroke_width: int = 1


class SceneBuilder:
    """Collects elements in z-order; ids must be unique; indices assigned by :meth:`finish`."""

    def __init__(self, style: Style) -> None:
        self.style = style
        self.elements: list[Element] = []
        self.by_id: dict[str, Element] = {}
        # spec ids (``enc_attn``, ``in[2]``) → ids of the elements drawn for them: the shapes
        # a step highlights come first in ``shapes``, everything drawn for it in ``members``
        self.shapes: dict[str, list[str]] = {}
        self.members: dict[str, list[str]] = {}

    def tag(self, ref: str, *elements: Element, shape: bool = False) -> None:
        """Record that ``elements`` were drawn for the spec id ``ref`` (for steps)."""
        for element in elements:
            self.members.setdefault(ref, []).append(element["id"])
            if shape:
                self.shapes.setdefault(ref, []).append(element["id"])

    # -- common -------------------------------------------------------------------------
    def _base(
        self,
        kind: str,
        eid: str,
        x: float,
        y: float,
        width: float,
        height: float,
        *,
        stroke: str = INK,
        fill: str = "transparent",
        stroke_width: float | None = None,
        stroke_style: str = "solid",
        roundness: dict[str, int] | None = None,
        groups: list[str] | None = None,
        opacity: int = 100,
    ) -> Element:
        if eid in self.by_id:
            raise ValueError(f"duplicate element id {eid!r}")
        element: Element = {
            "id": eid,
            "type": kind,
            "x": x,
            "y": y,
            "width": width,
            "height": height,
            "angle": 0,
            "strokeColor": stroke,
            "backgroundColor": fill,
            "fillStyle": "solid",
            "strokeWidth": stroke_width if stroke_width is not None else self.style.stroke_width,
            "strokeStyle": stroke_style,
            "roughness": self.style.roughness,
            "opacity": opacity,
            "groupIds": list(groups or []),
            "frameId": None,
            "index": None,
            "roundness": roundness,
            "seed": stable_int(eid, "seed"),
            "version": 1,
            "versionNonce": stable_int(eid, "nonce"),
            "isDeleted": False,
            "boundElements": None,
            "updated": UPDATED,
            "link": None,
            "locked": False,
        }
        self.elements.append(element)
        self.by_id[eid] = element
        return element

    # -- shapes -------------------------------------------------------------------------
    def rect(
        self,
        eid: str,
        x: float,
        y: float,
        width: float,
        height: float,
        *,
        fill: str = "transparent",
        stroke: str = INK,
        rounded: bool = True,
        stroke_width: float | None = None,
        groups: list[str] | None = None,
        opacity: int = 100,
    ) -> Element:
        return self._base(
            "rectangle",
            eid,
            x,
            y,
            width,
            height,
            fill=fill,
            stroke=stroke,
            stroke_width=stroke_width,
            roundness={"type": 3} if rounded else None,
            groups=groups,
            opacity=opacity,
        )

    def ellipse(
        self,
        eid: str,
        cx: float,
        cy: float,
        width: float,
        height: float | None = None,
        *,
        fill: str = "transparent",
        stroke: str = INK,
        stroke_width: float | None = None,
        groups: list[str] | None = None,
    ) -> Element:
        height = width if height is None else height
        return self._base(
            "ellipse",
            eid,
            cx - width / 2,
            cy - height / 2,
            width,
            height,
            fill=fill,
            stroke=stroke,
            stroke_width=stroke_width,
            roundness={"type": 2},
            groups=groups,
        )

    def text(
        self,
        eid: str,
        cx: float,
        cy: float,
        text: str,
        *,
        size: float | None = None,
        align: str = "center",
        color: str = INK,
        groups: list[str] | None = None,
    ) -> Element:
        """A free text element centred on (cx, cy) (``align`` left/right anchor that side)."""
        size = size or self.style.font_size
        w, h = text_size(text, self.style.font_family, size)
        if align == "left":
            x = cx
        elif align == "right":
            x = cx - w
        else:
            x = cx - w / 2
        element = self._base("text", eid, x, cy - h / 2, w, h, stroke=color, groups=groups)
        self._text_fields(element, text, size, align, None)
        return element

    def bound_text(
        self, container: Element, text: str, *, size: float | None = None, color: str = INK
    ) -> Element:
        """Text inside a container, centred both ways, listed in the container's boundElements."""
        size = size or self.style.font_size
        w, h = text_size(text, self.style.font_family, size)
        cx = container["x"] + container["width"] / 2
        cy = container["y"] + container["height"] / 2
        element = self._base(
            "text",
            f"{container['id']}.text",
            cx - w / 2,
            cy - h / 2,
            w,
            h,
            stroke=color,
            groups=container["groupIds"],
        )
        self._text_fields(element, text, size, "center", container["id"])
        self._bind_list(container, "text", element["id"])
        return element

    def _text_fields(
        self, element: Element, text: str, size: float, align: str, container_id: str | None
    ) -> None:
        element.update(
            {
                "text": text,
                "fontSize": size,
                "fontFamily": self.style.font_family,
                "textAlign": align,
                "verticalAlign": "middle",
                "containerId": container_id,
                "originalText": text,
                "autoResize": True,
                "lineHeight": line_height(self.style.font_family),
            }
        )

    # -- lines and arrows ---------------------------------------------------------------
    def _linear(
        self,
        kind: str,
        eid: str,
        points: list[Point],
        *,
        stroke: str,
        stroke_width: float | None,
        curved: bool,
        groups: list[str] | None,
        fill: str = "transparent",
    ) -> Element:
        x0, y0 = points[0]
        rel = [[p[0] - x0, p[1] - y0] for p in points]
        xs = [p[0] for p in rel]
        ys = [p[1] for p in rel]
        element = self._base(
            kind,
            eid,
            x0,
            y0,
            max(xs) - min(xs),
            max(ys) - min(ys),
            stroke=stroke,
            fill=fill,
            stroke_width=stroke_width,
            roundness={"type": 2} if curved else None,
            groups=groups,
        )
        element.update(
            {
                "points": [[_num(px), _num(py)] for px, py in rel],
                "lastCommittedPoint": None,
                "startBinding": None,
                "endBinding": None,
                "startArrowhead": None,
                "endArrowhead": None,
            }
        )
        return element

    def line(
        self,
        eid: str,
        points: list[Point],
        *,
        stroke: str = INK,
        fill: str = "transparent",
        stroke_width: float | None = None,
        curved: bool = False,
        groups: list[str] | None = None,
    ) -> Element:
        return self._linear(
            "line",
            eid,
            points,
            stroke=stroke,
            stroke_width=stroke_width,
            curved=curved,
            groups=groups,
            fill=fill,
        )

    def arrow(
        self,
        eid: str,
        points: list[Point],
        start: Element,
        end: Element,
        *,
        gap_start: float = 1,
        gap_end: float = 1,
        head: str | None = "triangle",
        stroke: str = INK,
        stroke_width: float | None = None,
        curved: bool = False,
        groups: list[str] | None = None,
    ) -> Element:
        """An arrow through ``points`` (absolute), bound to ``start`` and ``end`` shapes."""
        element = self._linear(
            "arrow",
            eid,
            points,
            stroke=stroke,
            stroke_width=stroke_width,
            curved=curved,
            groups=groups,
        )
        element["endArrowhead"] = head
        element["elbowed"] = False
        element["startBinding"] = {
            "elementId": start["id"],
            "focus": binding_focus(start, points[1], points[0]),
            "gap": gap_start,
        }
        element["endBinding"] = {
            "elementId": end["id"],
            "focus": binding_focus(end, points[-2], points[-1]),
            "gap": gap_end,
        }
        self._bind_list(start, "arrow", eid)
        if end is not start:
            self._bind_list(end, "arrow", eid)
        return element

    @staticmethod
    def _bind_list(shape: Element, kind: str, eid: str) -> None:
        if shape["boundElements"] is None:
            shape["boundElements"] = []
        shape["boundElements"].append({"id": eid, "type": kind})

    # -- finishing ----------------------------------------------------------------------
    def finish(self) -> list[Element]:
        """The elements with fractional indices in z-order."""
        for n, element in enumerate(self.elements):
            element["index"] = fractional_index(n)
        return self.elements


def _num(v: float) -> float:
    r = round(v, 3)
    return int(r) if r == int(r) else r
