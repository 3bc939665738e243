"""The few htmx 4 helpers the portal needs (htmx-flask and flask-htmx speak htmx 2 only)."""

from __future__ import annotations

from typing import Any

from flask import Response, make_response, render_template, request
from jinja2_fragments.flask import render_block


def is_htmx() -> bool:
    return request.headers.get("HX-Request") == "true"


def wants_fragment() -> bool:
    """An htmx request for a part of the page. htmx 4 asks for the whole page (restoring
    history, or targeting <body>) with `HX-Request-Type: full`: it gets the whole page."""
    return (
        is_htmx()
        and request.headers.get("HX-Request-Type", "partial") != "full"
        and "HX-History-Restore-Request" not in request.headers
    )


def hx_source() -> str | None:
    """The element that sent the request, as htmx 4 names it: `tag#id`."""
    return request.headers.get("HX-Source")


def client_redirect(location: str) -> Response:
    """Make htmx load a full page at `location` (a 302 would be swapped into the fragment)."""
    response = Response(status=204)
    response.headers["HX-Redirect"] = location
    return response


def render(template: str, block: str | None = None, status: int = 200, **context: Any) -> Response:
    """The full page, or for an htmx request for a part only `block` of it; caches are told
    they differ."""
    if block is not None and wants_fragment():
        body = render_block(template, block, **context)
    else:
        body = render_template(template, **context)
    response = make_response(body, status)
    response.vary.update(("HX-Request", "HX-Request-Type", "HX-History-Restore-Request"))
    return response
