from __future__ import annotations

from pathlib import Path

import pytest
from flask import Flask


@pytest.fixture(autouse=True)
def upload_folder(app: Flask, tmp_path: Path) -> Path:
    """Attachments of these tests are stored in the test's own folder."""
    folder = tmp_path / "uploads"
    app.config["PORTAL_UPLOAD_FOLDER"] = str(folder)
    return folder
