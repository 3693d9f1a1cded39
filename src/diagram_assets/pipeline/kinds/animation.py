"""Animation specs (frames → GIF, WebP, APNG) as a source kind of the pipeline."""

from __future__ import annotations

import dataclasses
import shutil
import subprocess
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING

from ...config import Config
from ...options import DARK_SUFFIX, Options
from .base import KindPlan, KindResult, RunContext, output_prefix_of

if TYPE_CHECKING:
    from ...animation.spec import AnimationSpec


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


@dataclass(frozen=True)
class AnimationKind:
    """``bounded``: frame files must stay inside the repository (``config.root``); False for
    specs named on the command line. ``formats`` and ``gifsicle`` override the spec's (the
    `animate` command's flags); a build uses the spec's own."""

    bounded: bool = True
    formats: tuple[str, ...] = ()
    gifsicle: bool = False
    name = "animation"

    def version(self) -> str:
        from ...animation.planning import ANIMATION_VERSION  # lazy: Pillow only with animations

        return ANIMATION_VERSION

    def claims(self, path: Path) -> bool:
        if not path.name.lower().endswith((".yaml", ".yml")):
            return False  # decided without importing the animation package (and Pillow)
        from ...animation.spec import is_animation_spec  # lazy: Pillow, yaml only for YAML files

        return is_animation_spec(path)

    def load(self, path: Path, config: Config) -> AnimationSpec:
        """The spec, with this kind's overrides applied."""
        from ...animation.spec import load_animation_spec  # lazy: see `version`

        spec = load_animation_spec(path, root=config.root if self.bounded else None)
        if self.formats:
            spec = dataclasses.replace(spec, formats=tuple(dict.fromkeys(self.formats)))
        if self.gifsicle:
            spec = dataclasses.replace(spec, gifsicle=True)
        return spec

    def source_options(
        self, path: Path, source: str, options: Options, config: Config, parts: Sequence[str]
    ) -> Options:
        return options  # a spec says everything about itself; parts are drawings' only

    def plan(self, path: Path, prefix: str, options: Options, config: Config) -> KindPlan:
        from ...animation.planning import (  # lazy: see `version`
            animation_inputs,
            animation_outputs,
            has_themes,
            uses_renderer,
        )

        spec = self.load(path, config)
        outputs = {name.rsplit(".", 1)[-1]: f"{prefix}{name}" for name in animation_outputs(spec)}
        if options.twins and has_themes(spec):
            for label, name in list(outputs.items()):
                outputs[f"dark.{label}"] = _dark_name(name)
        return KindPlan(
            outputs=outputs,
            inputs=animation_inputs(spec),
            uses_renderer=uses_renderer(spec),
            # with the optional gifsicle pass, the bytes depend on the gifsicle installed
            salt=_gifsicle_version() if spec.gifsicle else "",
        )

    def run(self, path: Path, plan: KindPlan, options: Options, ctx: RunContext) -> KindResult:
        from ...animation.build import build_animation  # lazy: numpy only when building
        from ...animation.planning import has_themes  # lazy: see `version`

        spec = self.load(path, ctx.config)
        themed = has_themes(spec)
        main = "dark" if options.theme == "dark" and themed else "light"
        result = build_animation(spec, ctx.renderer, theme=main)
        prefix = output_prefix_of(plan)
        files = {f"{prefix}{name}": data for name, data in result.items()}
        out = KindResult(files=files, warnings=list(result.warnings), detail=result)
        if options.twins and themed:  # an animated image has no adaptive form: twins for auto
            dark = build_animation(spec, ctx.renderer, theme="dark")
            for name, data in dark.items():
                out.files[f"{prefix}{_dark_name(name)}"] = data
                out.dark[f"{prefix}{name}"] = f"{prefix}{_dark_name(name)}"
        return out


def _dark_name(name: str) -> str:
    """``Transformer执行.gif`` → ``Transformer执行.dark.gif``."""
    stem, _, ext = name.rpartition(".")
    return f"{stem}{DARK_SUFFIX}.{ext}"
