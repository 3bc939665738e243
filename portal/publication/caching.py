"""Conditional, cacheable responses for the public pages and feeds.

A public page is the same for every anonymous visitor in a language, so a reverse proxy may
keep it for a minute (`Cache-Control: public, max-age=60`) and browsers revalidate it with
ETag / Last-Modified (304 without rendering). Such a response must not set the session
cookie: the page renders no CSRF token (`public_page` in layout/base.html), and the language
switch accepts a same-origin post instead (portal/public/views.py).

Signed-in visitors see their name and a sign-out form on the same URL: their responses stay
private and uncached, and their ETag differs from the anonymous one.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable
from datetime import datetime

from flask import Response, request
from flask_babel import get_locale
from flask_login import current_user
from werkzeug.http import is_resource_modified

from portal import htmx

MAX_AGE = 60  # seconds a shared cache may serve a public page without asking again


def is_anonymous() -> bool:
    return not current_user.is_authenticated


def entity_tag(parts: Iterable[object]) -> str:
    """A strong ETag over what the response shows and for whom (language, viewer, fragment)."""
    viewer = None if is_anonymous() else current_user.id
    key = repr((tuple(parts), str(get_locale()), viewer, htmx.wants_fragment()))
    return hashlib.sha256(key.encode()).hexdigest()[:40]


def latest(*moments: datetime | None) -> datetime | None:
    known = [moment for moment in moments if moment is not None]
    return max(known) if known else None


def cacheable(
    render: Callable[[], Response],
    *,
    parts: Iterable[object],
    last_modified: datetime | None = None,
) -> Response:
    """`render()`'s response with validators and cache headers; 304 when the client's copy is
    current, without rendering."""
    etag = entity_tag(parts)
    if not is_resource_modified(request.environ, etag=etag, last_modified=last_modified):
        response = Response(status=304)
    else:
        response = render()
    return mark_cacheable(response, etag=etag, last_modified=last_modified)


def mark_cacheable(
    response: Response, *, etag: str | None = None, last_modified: datetime | None = None
) -> Response:
    if etag is not None:
        response.set_etag(etag)
    if last_modified is not None:
        response.last_modified = last_modified
    # The language cookie and a signed-in session change the page; htmx gets a fragment.
    response.vary.add("Cookie")
    response.vary.add("HX-Request")
    response.vary.add("HX-Request-Type")
    if is_anonymous():
        response.cache_control.public = True
        response.cache_control.max_age = MAX_AGE
    else:
        response.cache_control.private = True
        response.cache_control.no_cache = True
    return response


def cacheable_by_body(response: Response) -> Response:
    """For pages whose data has no cheap validator (search, members): the ETag is the body's
    hash, so a revalidation still saves the transfer."""
    mark_cacheable(response)
    response.add_etag()
    return response.make_conditional(request)
