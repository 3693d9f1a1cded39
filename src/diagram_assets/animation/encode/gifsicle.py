"""The optional ``gifsicle -O3`` pass over an encoded GIF (used only when installed)."""

from __future__ import annotations

import shutil
import subprocess

GIFSICLE_TIMEOUT_S = 120


def gifsicle_available() -> bool:
    return shutil.which("gifsicle") is not None


def gifsicle_pass(data: bytes) -> bytes:
    """``gifsicle -O3`` over ``data`` when gifsicle is installed; the smaller of the two."""
    exe = shutil.which("gifsicle")
    if exe is None:
        return data
    try:
        done = subprocess.run(
            [exe, "-O3", "--no-warnings"],
            input=data,
            capture_output=True,
            timeout=GIFSICLE_TIMEOUT_S,
            check=False,
        )
    except (OSError, subprocess.SubprocessError):
        return data
    if done.returncode != 0 or not done.stdout.startswith(b"GIF"):
        return data
    return done.stdout if len(done.stdout) < len(data) else data
