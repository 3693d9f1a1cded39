"""Animation specs (frames → GIF, WebP, APNG) as a source kind of the pipeline."""

from __future__ import annotations

import shutil
import subprocess
from functools import cache
from pathlib import Path

from ..config import Config, Options
from .kinds import KindPlan, KindResult, RunContext, output_prefix_of


@cache
def _gifsicle_version() -> str:
    exe = shutil.which("gifsicle")
    if exe is None:
        return "gifsicle absent"
    try:
        out = subprocess.run([exe, "--version"], capture_output=True, text=True, timeout=10)
    except (OSError, subprocess.TimeoutExpired):
        return "gifsicle unknown"
    return out.stdout.splitlines()[0] if out.stdout else "gifsicle unknown"


class AnimationKind:
    name = "animation"

    def version(self) -> str:
        from ..animation.build import ANIMATION_VERSION

        return ANIMATION_VERSION

    def claims(self, path: Path) -> bool:
        if not path.name.lower().endswith((".yaml", ".yml")):
            return False  # decided without importing the animation package (and Pillow)
        from ..animation.spec import is_animation_spec

        return is_animation_spec(path)

    def plan(self, path: Path, prefix: str, options: Options, config: Config) -> KindPlan:
        from ..animation.build import animation_inputs, animation_outputs, uses_renderer
        from ..animation.spec import load_animation_spec

        spec = load_animation_spec(path, root=config.root)
        outputs = {name.rsplit(".", 1)[-1]: f"{prefix}{name}" for name in animation_outputs(spec)}
        return KindPlan(
            outputs=outputs,
            inputs=animation_inputs(spec),
            uses_renderer=uses_renderer(spec),
            # with the optional gifsicle pass, the bytes depend on the gifsicle installed
            salt=_gifsicle_version() if spec.gifsicle else "",
        )

    def run(self, path: Path, plan: KindPlan, options: Options, ctx: RunContext) -> KindResult:
        from ..animation.build import build_animation
        from ..animation.spec import load_animation_spec

        spec = load_animation_spec(path, root=ctx.config.root)
        result = build_animation(spec, ctx.renderer)
        prefix = output_prefix_of(plan)
        files = {f"{prefix}{name}": data for name, data in result.items()}
        return KindResult(files=files, warnings=list(result.warnings))
