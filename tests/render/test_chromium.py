"""Finding Chromium: explicit setting, environment, Playwright's download folder, the system."""

from __future__ import annotations

from pathlib import Path

import pytest

from diagram_assets.errors import EnvironmentProblem
from diagram_assets.render.chromium import _playwright_chromium, find_chromium


def fake_binary(path: Path) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("#!/bin/sh\necho Chromium 1.2.3\n")
    path.chmod(0o755)
    return path


def test_explicit_setting_and_environment_win(tmp_path: Path, monkeypatch) -> None:
    mine = fake_binary(tmp_path / "my-chrome")
    env = fake_binary(tmp_path / "env-chrome")
    monkeypatch.setenv("DIAGRAMS_CHROMIUM", str(env))
    assert find_chromium(mine) == mine
    assert find_chromium() == env


def test_a_wrong_setting_says_how_to_fix_it(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setenv("DIAGRAMS_CHROMIUM", str(tmp_path / "nothing"))
    with pytest.raises(EnvironmentProblem) as info:
        find_chromium()
    message = str(info.value)
    assert "DIAGRAMS_CHROMIUM" in message and "apt-get install chromium" in message
    assert "\n" not in message


def test_playwright_download_is_found_on_disk_newest_first(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setenv("PLAYWRIGHT_BROWSERS_PATH", str(tmp_path))
    assert _playwright_chromium() is None
    fake_binary(tmp_path / "chromium-1100" / "chrome-linux" / "chrome")
    newest = fake_binary(tmp_path / "chromium-1200" / "chrome-linux64" / "chrome")
    (tmp_path / "chromium-tip-of-tree").mkdir()
    assert _playwright_chromium() == newest
    monkeypatch.delenv("DIAGRAMS_CHROMIUM", raising=False)
    assert find_chromium() == newest
