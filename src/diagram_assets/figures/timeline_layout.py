"""Where a timeline's labels go: flags stacked so that none overlaps another or a pole.

An item is drawn as a flag: a pole rising from its date on the time axis, and a label box
whose left edge is the pole. Flags are stacked in levels (level 0 nearest the axis). A flag
may not overlap another flag of its level, its box may not cover the pole of a higher flag,
and its pole may not cross the box of a lower one. Items of the same date share one pole.

Pure geometry, no drawing: :mod:`.timeline` draws what this computes; tests check it.
"""

from __future__ import annotations

from dataclasses import dataclass

GAP = 6.0  # the least horizontal space between two labels of a level, or a label and a pole


@dataclass
class Flag:
    """One label: pole at ``x``, box from ``x`` to ``x + width``; ``level`` once stacked."""

    x: float
    width: float
    level: int = -1

    @property
    def right(self) -> float:
        return self.x + self.width


def _fits(candidate: Flag, level: int, placed: list[Flag]) -> bool:
    x, right = candidate.x, candidate.right
    for p in placed:
        if p.level == level:
            if x < p.right + GAP and p.x < right + GAP:
                return False
        elif p.level > level:  # its pole rises through this level: our box must not cover it
            if x < p.x < right + GAP:
                return False
        elif p.x < x < p.right + GAP:  # our pole rises through its level: not through its box
            return False
    return True


def stack(flags: list[Flag]) -> int:
    """Give every flag the lowest level where it fits; return how many levels are used.

    Flags are placed from the latest date to the earliest, so a label (which extends to the
    right of its pole) never has a later pole rising behind it at a lower level. Among flags
    of one date, the first listed sits lowest.
    """
    order = sorted(range(len(flags)), key=lambda n: (-flags[n].x, n))
    placed: list[Flag] = []
    for n in order:
        flag = flags[n]
        level = 0
        while not _fits(flag, level, placed):
            level += 1
        flag.level = level
        placed.append(flag)
    return max((f.level for f in flags), default=-1) + 1


def conflicts(flags: list[Flag]) -> list[tuple[int, int]]:
    """Pairs of flags (indices) that break a rule: for tests, and as the layout's contract."""
    bad: list[tuple[int, int]] = []
    for i, a in enumerate(flags):
        for j, b in enumerate(flags):
            same = a.level == b.level and i < j and a.x < b.right and b.x < a.right
            covers = a.level < b.level and a.x < b.x < a.right  # a's box covers b's pole
            if same or covers:
                bad.append((i, j))
    return bad


def tick_step(ticks: str, month_width: float) -> int:
    """Months between small ticks on the axis (0: none). ``auto`` picks by the space."""
    if ticks == "auto":
        ticks = "months" if month_width >= 12 else "quarters" if month_width >= 5 else "years"
    return {"months": 1, "quarters": 3, "years": 0}[ticks]


BIN_MONTHS = {"month": 1, "quarter": 3, "half": 6, "year": 12}


def bin_start(months: int, group: str) -> int:
    """The first month of the calendar bin (quarter, half, year…) holding ``months``."""
    size = BIN_MONTHS[group]
    return months - months % size


@dataclass
class Column:
    """A stack of labels for one bin: ideally centred on ``ideal`` (its bin's middle)."""

    ideal: float
    width: float
    x: float = 0.0  # its left edge, once packed

    @property
    def right(self) -> float:
        return self.x + self.width


def pack(columns: list[Column], gap: float = GAP) -> None:
    """Place columns left to right without overlaps, each as near its ideal centre as
    possible (least squares, order kept): runs that would overlap are merged into clusters
    laid edge to edge and centred, as a whole, on their members' ideal centres."""
    clusters: list[tuple[list[int], float]] = []  # members, left edge of the first member

    def best_left(members: list[int]) -> float:
        offset, total = 0.0, 0.0
        for m in members:
            total += columns[m].ideal - columns[m].width / 2 - offset
            offset += columns[m].width + gap
        return total / len(members)

    def width_of(members: list[int]) -> float:
        return sum(columns[m].width for m in members) + gap * (len(members) - 1)

    for n in range(len(columns)):
        members, left = [n], best_left([n])
        while clusters and clusters[-1][1] + width_of(clusters[-1][0]) + gap > left:
            previous, _ = clusters.pop()
            members = previous + members
            left = best_left(members)
        clusters.append((members, left))
    for members, left in clusters:
        for m in members:
            columns[m].x = left
            left += columns[m].width + gap
