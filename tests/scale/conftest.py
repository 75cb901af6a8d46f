"""Fixtures of the scale tests."""

from __future__ import annotations

from pathlib import Path

import pytest


@pytest.fixture
def here(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A fresh folder, made the working directory: diagnostics name files as written."""
    monkeypatch.chdir(tmp_path)
    return tmp_path
