"""Composition, constitution and appointments to regional bodies (rules 1.0-1.4, 3.8)."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("appointments", __name__)
