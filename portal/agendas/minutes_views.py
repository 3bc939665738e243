"""Writing and publishing the minutes (rules 3.4, 3.7, 3.9)."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("minutes", __name__)
