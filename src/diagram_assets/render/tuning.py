"""How the renderer does its work: ``$DIAGRAMS_RENDER_TUNING``, read strictly.

The defaults are the fast ways; each switch turns one of them back (benchmarks compare the ways
in one run, and ``driver=playwright`` is the documented way to use Playwright's driver). A value
that is not understood is an error naming the part that is wrong, never silently the defaults.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from typing import Any

from ..errors import EnvironmentProblem

SUBSET_MODES = ("cached", "plain", "off")
TRANSFERS = ("http", "protocol")
DRIVERS = ("pipe", "playwright")
TUNING_ENV = "DIAGRAMS_RENDER_TUNING"

VALID_FORM = (
    "write key=value pairs separated by commas, from font_subset=cached|plain|off, "
    "transfer=http|protocol, driver=pipe|playwright, pixel_budget=<whole number, 0 or more>, "
    "nodelay=true|false (e.g. driver=playwright,pixel_budget=0)"
)


@dataclass(frozen=True)
class RenderTuning:
    """How the renderer does its work.

    ``font_subset``: "cached" (subset fonts, reusing decoded font shards and identical subsets),
    "plain" (Excalidraw's own subsetting: same bytes, slower) or "off" (embed whole font shards:
    other bytes; the renderer's identity says so). ``transfer``: scenes and images through the
    page server ("http") or inline through the DevTools protocol ("protocol", PNGs as base64).
    ``driver``: speak the DevTools protocol to Chromium over its pipe ("pipe") or through
    Playwright's Node.js driver ("playwright"). ``pixel_budget``: PNG canvas pixels drawn at once
    on all pages (0: no limit). ``nodelay``: the page server sends small responses at once
    (False: Nagle's algorithm, which held each response back ~40 ms; only for before/after
    comparisons).
    """

    font_subset: str = "cached"
    transfer: str = "http"
    driver: str = "pipe"
    pixel_budget: int = 128_000_000  # x 4 bytes: 512 MiB of canvas
    nodelay: bool = True

    def __post_init__(self) -> None:
        if self.font_subset not in SUBSET_MODES:
            raise ValueError(f"font_subset must be one of {SUBSET_MODES}, got {self.font_subset}")
        if self.transfer not in TRANSFERS:
            raise ValueError(f"transfer must be one of {TRANSFERS}, got {self.transfer}")
        if self.driver not in DRIVERS:
            raise ValueError(f"driver must be one of {DRIVERS}, got {self.driver}")
        if self.pixel_budget < 0:
            raise ValueError(f"pixel_budget must be 0 or more, got {self.pixel_budget}")

    @classmethod
    def from_env(cls, value: str | None = None) -> RenderTuning:
        """From ``$DIAGRAMS_RENDER_TUNING`` (or ``value``), e.g. "driver=playwright,nodelay=false";
        unset or empty: the defaults. Raises EnvironmentProblem for anything not understood."""
        text = os.environ.get(TUNING_ENV, "") if value is None else value
        return parse_tuning(text)


def _choice(key: str, value: str, allowed: tuple[str, ...]) -> str:
    if value not in allowed:
        raise ValueError(f"{key} must be one of {', '.join(allowed)}")
    return value


def _whole_number(key: str, value: str) -> int:
    if not value.isascii() or not value.isdigit():
        raise ValueError(f"{key} must be a whole number, 0 or more")
    return int(value)


def _boolean(key: str, value: str) -> bool:
    flags = {"true": True, "false": False}
    if value.lower() not in flags:
        raise ValueError(f"{key} must be true or false")
    return flags[value.lower()]


_READERS: dict[str, Any] = {
    "font_subset": lambda k, v: _choice(k, v, SUBSET_MODES),
    "transfer": lambda k, v: _choice(k, v, TRANSFERS),
    "driver": lambda k, v: _choice(k, v, DRIVERS),
    "pixel_budget": _whole_number,
    "nodelay": _boolean,
}


def parse_tuning(text: str) -> RenderTuning:
    """The settings in ``text`` ("key=value,key=value"; blanks and empty items are ignored)."""
    fields: dict[str, Any] = {}
    for item in text.split(","):
        item = item.strip()
        if not item:  # blanks, a trailing comma
            continue
        key, equals, value = (part.strip() for part in item.partition("="))
        try:
            if key not in _READERS:
                raise ValueError(f"unknown setting {key!r}" if key else "a setting without a name")
            if not equals or not value:
                raise ValueError(f"{key} has no value")
            if key in fields:
                raise ValueError(f"{key} is given twice")
            fields[key] = _READERS[key](key, value)
        except ValueError as exc:
            raise EnvironmentProblem(f"{TUNING_ENV} has {item!r}: {exc}", fix=VALID_FORM) from None
    return RenderTuning(**fields)
