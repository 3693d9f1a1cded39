"""The progress bar stays readable on narrow terminals: the source's name gives way, never the
bar, the count or the time."""

from __future__ import annotations

import io
from collections.abc import Iterator
from types import SimpleNamespace

import pytest
from rich.console import Console

from diagram_assets.cli.progress_bar import BarReporter, Tail

LONG = "diagrams/some/quite/long/folder/name/Transformer架构-architecture-overview.excalidraw.md"


@pytest.fixture
def shown() -> Iterator[tuple[BarReporter, io.StringIO]]:
    out = io.StringIO()
    reporter = BarReporter(Console(file=out, width=80, color_system=None, force_terminal=False))
    yield reporter, out
    reporter.close()


def bar_line(reporter: BarReporter, width: int) -> str:
    out = io.StringIO()
    Console(file=out, width=width, color_system=None).print(
        reporter.progress.make_tasks_table(reporter.progress.tasks)
    )
    (line,) = out.getvalue().splitlines()
    return line.rstrip()


@pytest.mark.parametrize("width", [60, 80, 100])
def test_the_bar_count_and_time_stay_whole(shown: tuple[BarReporter, io.StringIO], width: int):
    reporter, _ = shown
    reporter.planned([SimpleNamespace(source=f"s{i}") for i in range(76)], 0)  # type: ignore[misc]
    reporter.job_started(SimpleNamespace(source=LONG))  # type: ignore[arg-type]
    reporter.progress.update(reporter.task, completed=25)
    line = bar_line(reporter, width)
    assert line.startswith("building ━")
    assert " 25/76 0:00:0" in line, line
    assert line.endswith(".excalidraw.md") and " …" in line, line  # the name, cut on the left
    assert Console(width=width).measure(line).maximum <= width


def test_a_wide_terminal_shows_the_whole_path(shown: tuple[BarReporter, io.StringIO]) -> None:
    reporter, _ = shown
    reporter.planned([SimpleNamespace(source="x")], 0)  # type: ignore[misc]
    reporter.job_started(SimpleNamespace(source=LONG))  # type: ignore[arg-type]
    assert bar_line(reporter, 200).endswith(f" {LONG}")


@pytest.mark.parametrize("width", [1, 2, 5, 12, 13, 40])
def test_a_tail_keeps_the_end_of_the_text_in_whole_characters(width: int) -> None:
    out = io.StringIO()
    Console(file=out, width=width, color_system=None).print(Tail("diagrams/架构图.excalidraw"))
    (line,) = out.getvalue().splitlines()
    assert Console().measure(line).maximum <= width
    assert "diagrams/架构图.excalidraw".endswith(line.lstrip("…"))
