"""Where the tests find this repository and the shared material beside it (wherever a test sits)."""

from __future__ import annotations

import os
from pathlib import Path

TESTS = Path(__file__).resolve().parent
REPO = TESTS.parent
CORPUS = Path(os.environ.get("DIAGRAMS_CORPUS", REPO.parent / "shared" / "corpus"))
SEEDS = Path(os.environ.get("DIAGRAMS_SEEDS", REPO.parent / "shared" / "seeds"))
SCENE_FIXTURES = TESTS / "fixtures" / "scenes"
