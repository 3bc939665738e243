"""The public site of published agendas and minutes: pages, PDFs, search, feeds (rule 3.0)."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("publication", __name__)
