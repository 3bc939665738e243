"""Building, sharing and publishing agendas (rules 3.3, 3.6), and reading them as a member."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("agendas", __name__)
