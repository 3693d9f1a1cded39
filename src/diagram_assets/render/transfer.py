"""How a scene goes to a render page and its images come back.

Two ways (``RenderTuning.transfer``): through the page server ("http", the default: the page
fetches the scene from a one-time URL and posts the images back as one binary body, so only
sizes cross the DevTools protocol), or inline through the protocol ("protocol": the scene as a
JSON string, PNGs as base64).
"""

from __future__ import annotations

import asyncio
import base64
import json
import secrets
from typing import Any

from ..errors import RenderError
from ..scene.model import Scene
from .options import RenderedImage, RenderResult
from .server import PageServer
from .svgcheck import check_svg

RENDER_JS = """
async ([scene, options]) => {
  const result = await window.diagrams.render({scene: JSON.parse(scene), options});
  result.violations = window.diagrams.takeViolations();
  return result;
}
"""

# The scene and the images go through the page server; only sizes come back here.
RENDER_JOB_JS = """
async ([token, options]) => {
  const result = await window.diagrams.renderJob(token, options);
  result.violations = window.diagrams.takeViolations();
  return result;
}
"""


def scene_payload(scene: Scene) -> str:
    """The scene as the JSON text the page parses (only what rendering needs, and the
    formulas the page typesets)."""
    data: dict[str, Any] = {
        "elements": scene.elements,
        "appState": scene.app_state,
        "files": scene.files,
    }
    if scene.formulas:  # typeset into files on the page (render/formulas.py)
        data["formulas"] = scene.formulas
    try:
        return json.dumps(
            data,
            ensure_ascii=False,
            allow_nan=False,
            separators=(",", ":"),
        )
    except (TypeError, ValueError) as exc:
        raise RenderError(
            f"the scene cannot be sent to the page: {exc}", file=scene.source
        ) from None


def payload_bytes(payload: str) -> bytes:
    """The scene JSON as UTF-8; escaped to ASCII if it holds lone surrogates (from \\ud800-style
    escapes in a source file), which UTF-8 cannot carry but JSON escapes can."""
    try:
        return payload.encode("utf-8")
    except UnicodeEncodeError:
        return json.dumps(json.loads(payload), ensure_ascii=True, separators=(",", ":")).encode()


async def exchange(
    page: Any,
    server: PageServer,
    transfer: str,
    payload: str,
    request: dict[str, Any],
    timeout: float,
) -> tuple[dict[str, Any], bytes | None]:
    """Render ``payload`` on ``page``: what the page returned, and the posted body ("http").

    Raises TimeoutError after ``timeout`` seconds, or the driver's error.
    """
    if transfer != "http":
        raw = await asyncio.wait_for(page.evaluate(RENDER_JS, [payload, request]), timeout)
        return raw, None
    token = secrets.token_hex(16)
    server.put_job(token, payload_bytes(payload))
    try:
        raw = await asyncio.wait_for(page.evaluate(RENDER_JOB_JS, [token, request]), timeout)
    finally:
        body = server.take_result(token)
    return raw, body


def result_from_page(raw: dict[str, Any], body: bytes | None = None) -> RenderResult:
    """The RenderResult from what the page returned; its images' bytes are in ``body`` when the
    page posted them (sizes in ``raw``), else inline in ``raw``."""
    violations = [
        v["uri"] if isinstance(v, dict) else str(v)
        for v in raw.get("violations") or []
        if not isinstance(v, dict) or "://" in v.get("uri", "")
    ]
    if violations:
        shown = ", ".join(sorted(set(violations))[:3])
        raise RenderError(
            f"the drawing asked for {shown}, but rendering is offline",
            fix="embed the image in the drawing instead of linking to it",
        )
    result = RenderResult(
        missing_images=[str(i) for i in raw.get("missingImages") or []],
        timings={str(k): float(v) for k, v in (raw.get("timings") or {}).items()},
    )
    at = 0

    def part(value: Any) -> bytes:
        """An image's bytes: a size into the posted body, or the value itself (inline)."""
        nonlocal at
        if not isinstance(value, int):
            return value
        if body is None or at + value > len(body):
            raise RenderError(
                "the render page's images did not arrive", fix="run `diagrams doctor`"
            )
        at += value
        return body[at - value : at]

    for image in raw["images"]:
        frame = image.get("frame") or {}
        out = RenderedImage(frame_id=frame.get("id"), frame_name=frame.get("name"))
        if isinstance(image.get("part"), str):
            out.part = image["part"]
        if "svg" in image:
            svg = part(image["svg"])
            if isinstance(svg, bytes):
                text = svg.decode("utf-8")
            else:  # lone surrogates (from the scene's text) become U+FFFD, as a Blob makes them
                text = svg.encode("utf-16", "surrogatepass").decode("utf-16", "replace")
            out.svg = check_svg(text).encode("utf-8")
        if "png" in image:
            png = part(image["png"])
            out.png = png if isinstance(png, bytes) else base64.b64decode(png)
            out.png_size = (int(image["pngWidth"]), int(image["pngHeight"]))
        result.images.append(out)
    return result
