"""Every install route yields a working renderer: the build backend never packages the package
without its render page, and a missing page is answered with a fix that fits the install (a
source checkout: `make page`; an installed package: reinstall — never files the user lacks)."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

import diagram_assets
from diagram_assets.installation import REINSTALL_HINT, page_fix
from diagram_assets.render.assets import page_source
from locations import REPO as ROOT
from support.page_source import JS_DIR, backend

PACKAGE = Path(diagram_assets.__file__).parent
BACKEND = ROOT / "build_backend" / "page_backend.py"
needs_checkout = pytest.mark.skipif(
    not (JS_DIR.is_dir() and BACKEND.is_file()), reason="not a source checkout"
)


def copy_without_page(tmp_path: Path, *, checkout: bool) -> Path:
    """The package as a page-less install would hold it, optionally beside js/ sources."""
    shutil.copytree(
        PACKAGE,
        tmp_path / "src" / "diagram_assets",
        ignore=lambda folder, names: [
            n for n in names if n == "__pycache__" or (n == "page" and folder.endswith("render"))
        ],
    )
    if checkout:
        (tmp_path / "js").mkdir()
        (tmp_path / "js" / "build.mjs").write_text("// the page's build script\n")
    return tmp_path / "src"


def run_from(src: Path, cwd: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(src), "DIAGRAMS_CACHE_DIR": ""}
    return subprocess.run(
        [sys.executable, "-m", "diagram_assets", *args],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_an_installed_package_without_its_page_says_reinstall(tmp_path: Path) -> None:
    src = copy_without_page(tmp_path / "site", checkout=False)
    repo = tmp_path / "repo"
    (repo / "drawings").mkdir(parents=True)
    (repo / "diagrams.toml").write_text('sources = ["drawings"]\n')
    (repo / "drawings" / "x.excalidraw").write_text(
        json.dumps({"type": "excalidraw", "version": 2, "elements": [], "appState": {}})
    )
    doctor = run_from(src, repo, "doctor")
    build = run_from(src, repo, "build")
    assert doctor.returncode == 1 and build.returncode == 2, (doctor, build)
    for output in (doctor.stdout + doctor.stderr, build.stdout + build.stderr):
        assert "reinstall the package" in output
        assert "make page" not in output and "npm" not in output and "js/" not in output


def test_a_source_checkout_without_its_page_says_make_page(tmp_path: Path) -> None:
    src = copy_without_page(tmp_path, checkout=True)
    doctor = run_from(src, tmp_path, "doctor")
    assert doctor.returncode == 1
    assert "FAIL render page" in doctor.stdout and "make page" in doctor.stdout, doctor.stdout
    assert "reinstall" not in doctor.stdout


def test_page_fix_fits_this_checkout() -> None:
    expected = "`make page`" if (JS_DIR / "build.mjs").is_file() else REINSTALL_HINT
    assert expected in page_fix("build it with `make page`")


@needs_checkout
def test_the_backend_digests_the_page_sources_as_build_mjs_does() -> None:
    """page-source.json is what `js/build.mjs` wrote; the backend must agree with it, or it
    would rebuild (or trust) a page for the wrong reason."""
    assert backend().source_digest(JS_DIR) == page_source()[1]


@needs_checkout
def test_the_backend_rebuilds_a_missing_incomplete_or_stale_page(tmp_path: Path) -> None:
    page_backend = backend()
    js = tmp_path / "js"
    shutil.copytree(JS_DIR, js, ignore=shutil.ignore_patterns("node_modules"))
    page = tmp_path / "page"
    assert page_backend.page_problem(page, js) == "the render page is not built"
    page.mkdir()
    (page / "bundle.js").write_text("")
    manifest = {"files": ["bundle.js"], "source": page_backend.source_digest(js)}
    (page / "manifest.json").write_text(json.dumps(manifest))
    assert page_backend.page_problem(page, js) is None
    (js / "src" / "page.js").write_text("// edited\n")
    assert "other sources" in page_backend.page_problem(page, js)
    (page / "manifest.json").write_text(json.dumps({**manifest, "files": ["bundle.js", "x.js"]}))
    assert "missing (e.g. x.js)" in page_backend.page_problem(page, js)


@needs_checkout
def test_the_backend_refuses_without_node(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    page_backend = backend()
    monkeypatch.setattr(page_backend, "page_problem", lambda: "the render page is not built")
    monkeypatch.setattr(page_backend.shutil, "which", lambda name: None)
    with pytest.raises(SystemExit, match=r"needs Node\.js .* and npm, which were not found"):
        page_backend.build_wheel(str(tmp_path))
    assert not list(tmp_path.iterdir())
