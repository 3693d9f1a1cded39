"""The lock file: what was built from what, with digests of inputs and outputs.

JSON, keys sorted, one entry per source, so diffs stay small and reviewable::

    {
      "version": 1,
      "jobs": {
        "diagrams/proto.excalidraw": {
          "digest": "…",                       # the job's input digest when it was built
          "inputs": {"diagrams/img/a.png": "…"},  # files found while building (besides the plan)
          "kind": "drawing",
          "made_with": {"kind": "drawing-2", "renderer": "excalidraw 0.18.1; …"},  # the code
          "outputs": {"attachments/proto.png": "…", "attachments/proto.svg": "…"}
          # with frames: "frames": {"<name>": {"svg": "attachments/proto.<name>.svg", …}},
          # and "frame_ids": {"<frame element id>": "<name>"} (notes may name a frame by id)
          # with theme both/auto: "dark": {"attachments/proto.svg": "attachments/proto.dark.svg"}
          # parts notes embed: "parts": {"group=abc": {"svg": "attachments/proto.group-abc.svg"}}
        }
      }
    }
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..errors import ConfigError, DiagramsError
from ..fsutil import atomic_write

LOCK_VERSION = 1


@dataclass(frozen=True)
class MadeWith:
    """The code a job's digest names: its kind's version (with anything else the bytes depend
    on, a tool's version) and the renderer's identity (None for jobs that render nothing).
    Recorded so `check` can tell "the renderer changed" from "this source changed"."""

    kind: str = ""
    renderer: str | None = None

    def to_json(self) -> dict[str, Any]:
        return {"kind": self.kind, "renderer": self.renderer}

    @classmethod
    def from_json(cls, raw: Any) -> MadeWith | None:
        if raw is None:
            return None
        renderer = raw.get("renderer")
        return cls(str(raw["kind"]), None if renderer is None else str(renderer))


@dataclass
class LockEntry:
    kind: str
    digest: str
    outputs: dict[str, str] = field(default_factory=dict)
    inputs: dict[str, str] = field(default_factory=dict)
    frames: dict[str, dict[str, str]] = field(default_factory=dict)  # name → format → output
    frame_ids: dict[str, str] = field(default_factory=dict)  # frame element id → name in frames
    dark: dict[str, str] = field(default_factory=dict)  # output → its dark twin (theme both/auto)
    parts: dict[str, dict[str, str]] = field(default_factory=dict)  # part → format → output
    made_with: MadeWith | None = None  # None in lock files written before it was recorded

    def to_json(self) -> dict[str, Any]:
        data: dict[str, Any] = {
            "digest": self.digest,
            "inputs": dict(sorted(self.inputs.items())),
            "kind": self.kind,
            "outputs": dict(sorted(self.outputs.items())),
        }
        if self.made_with is not None:
            data["made_with"] = self.made_with.to_json()
        if self.frames:
            data["frames"] = {k: dict(sorted(v.items())) for k, v in sorted(self.frames.items())}
        if self.frame_ids:
            data["frame_ids"] = dict(sorted(self.frame_ids.items()))
        if self.dark:
            data["dark"] = dict(sorted(self.dark.items()))
        if self.parts:
            data["parts"] = {k: dict(sorted(v.items())) for k, v in sorted(self.parts.items())}
        return data


@dataclass
class LockFile:
    path: Path
    jobs: dict[str, LockEntry] = field(default_factory=dict)

    @classmethod
    def read(cls, path: Path) -> LockFile:
        """Read the lock file; a missing one is empty. A damaged one is an error (exit 2)."""
        try:
            text = path.read_text("utf-8")
        except FileNotFoundError:
            return cls(path)
        except (OSError, UnicodeDecodeError) as exc:
            raise ConfigError(f"cannot read the lock file: {exc}", file=path) from None
        fix = "delete it and run `diagrams build` to make a new one"
        try:
            data = json.loads(text)
        except ValueError as exc:
            raise ConfigError(
                f"the lock file is not valid JSON ({exc})", file=path, fix=fix
            ) from None
        if not isinstance(data, dict) or data.get("version") != LOCK_VERSION:
            raise ConfigError(f"not a version {LOCK_VERSION} lock file", file=path, fix=fix)
        jobs: dict[str, LockEntry] = {}
        raw_jobs = data.get("jobs", {})
        if not isinstance(raw_jobs, dict):
            raise ConfigError("the lock file's jobs must be an object", file=path, fix=fix)
        for source, raw in raw_jobs.items():
            try:
                jobs[source] = LockEntry(
                    kind=str(raw["kind"]),
                    digest=str(raw["digest"]),
                    outputs={str(k): str(v) for k, v in dict(raw.get("outputs", {})).items()},
                    inputs={str(k): str(v) for k, v in dict(raw.get("inputs", {})).items()},
                    frames={
                        str(name): {str(f): str(p) for f, p in dict(paths).items()}
                        for name, paths in dict(raw.get("frames", {})).items()
                    },
                    frame_ids={str(k): str(v) for k, v in dict(raw.get("frame_ids", {})).items()},
                    dark={str(k): str(v) for k, v in dict(raw.get("dark", {})).items()},
                    parts={
                        str(key): {str(f): str(p) for f, p in dict(paths).items()}
                        for key, paths in dict(raw.get("parts", {})).items()
                    },
                    made_with=MadeWith.from_json(raw.get("made_with")),
                )
            except (KeyError, TypeError, ValueError, AttributeError):
                raise ConfigError(
                    f"the lock file's entry for {source!r} is damaged", file=path, fix=fix
                ) from None
        return cls(path, jobs)

    def dumps(self) -> str:
        data = {
            "version": LOCK_VERSION,
            "jobs": {k: self.jobs[k].to_json() for k in sorted(self.jobs)},
        }
        return json.dumps(data, indent=2, ensure_ascii=False, sort_keys=True) + "\n"

    def write(self) -> bool:
        """Write atomically; return whether the bytes changed."""
        text = self.dumps()
        try:
            if self.path.read_text("utf-8") == text:
                return False
        except (OSError, UnicodeDecodeError):
            pass
        try:
            atomic_write(self.path, text)
        except OSError as exc:
            raise DiagramsError(
                f"cannot write the lock file: {exc.strerror or exc}",
                file=self.path,
                fix="make room or fix the folder's permissions, then run `diagrams build` again "
                "(the outputs already written are kept)",
            ) from None
        return True

    def output_owner(self) -> dict[str, str]:
        """output path → the source that made it."""
        return {out: source for source, entry in self.jobs.items() for out in entry.outputs}
