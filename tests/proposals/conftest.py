"""Proposals store their files in the test's own folder, never in the developer's instance."""

from __future__ import annotations

from pathlib import Path

import pytest
from flask import Flask

from tests.proposals.scene import Scene, build_scene


@pytest.fixture
def uploads(app: Flask, tmp_path: Path) -> Path:
    folder = tmp_path / "uploads"
    app.config["PORTAL_UPLOAD_FOLDER"] = str(folder)
    return folder


@pytest.fixture
def scene(app: Flask, uploads: Path) -> Scene:
    return build_scene()
