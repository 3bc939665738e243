"""Every agenda test stores attachments in its own folder, never in the checkout."""

from __future__ import annotations

from pathlib import Path

import pytest
from flask import Flask

from tests.agendas.scene import Scene, build_scene


@pytest.fixture(autouse=True)
def uploads(app: Flask, tmp_path: Path) -> Path:
    folder = tmp_path / "uploads"
    app.config["PORTAL_UPLOAD_FOLDER"] = str(folder)
    return folder


@pytest.fixture
def scene(app: Flask) -> Scene:
    return build_scene()
