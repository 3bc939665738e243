"""The moment a request reached the portal (rule 3.2: a deadline is judged on it).

A proposal submitted in the deadline's last second must not turn late because the request
waited for the database, parsed its files or queued behind other members' requests: the
moment is taken once, before anything else of the request runs, and every operation that
judges a deadline is given it.

`register` puts the hook first among the application's before-request functions (before the
CSRF check, which reads and parses the whole body). The time a request waits in the server's
accept queue before a worker takes it is not visible here.
"""

from __future__ import annotations

from datetime import datetime

from flask import Flask, g, has_request_context

from portal.types import utcnow


def note_arrival() -> None:
    g.received_at = utcnow()


def received_at() -> datetime:
    """When the current request arrived (now, outside a request or before the hook ran)."""
    if has_request_context():
        moment = g.get("received_at")
        if moment is not None:
            return moment
    return utcnow()


def register(app: Flask) -> None:
    hooks = app.before_request_funcs.setdefault(None, [])
    if note_arrival not in hooks:
        hooks.insert(0, note_arrival)
