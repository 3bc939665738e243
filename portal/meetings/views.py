"""The meeting plan kept by the secretariat (rule 3.1): plan, change, cancel."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("meetings", __name__)
