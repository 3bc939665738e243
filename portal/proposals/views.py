"""Members' proposals for the agenda and the secretariat's triage (rule 3.2)."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("proposals", __name__)
