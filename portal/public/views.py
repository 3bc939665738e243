"""What anyone may read without signing in: the councils, their meeting plans and members.

These pages are cacheable (portal/publication/caching.py): ETag / Last-Modified, 304, and for
anonymous visitors `Cache-Control: public` without a session cookie.
"""

from __future__ import annotations

from datetime import datetime
from urllib.parse import urlsplit

from flask import Blueprint, current_app, redirect, render_template, request, url_for
from flask_login import current_user
from flask_wtf.csrf import CSRFError, validate_csrf
from sqlalchemy import select
from wtforms import ValidationError

from portal.auth.views import safe_next
from portal.config import SUPPORTED_LOCALES
from portal.councils.models import Council
from portal.councils.queries import member_rows
from portal.extensions import csrf, db
from portal.policy import COUNCIL_PUBLIC, PUBLIC, allow, today
from portal.publication import caching
from portal.publication.queries import public_plan
from portal.rules.calendar import COPENHAGEN

bp = Blueprint("public", __name__)


@bp.context_processor
def public_page() -> dict[str, bool]:
    # Anonymous visitors get pages without a CSRF token, hence without a session cookie.
    return {"public_page": not current_user.is_authenticated}


@bp.get("/")
@allow(PUBLIC)
def index():  # noqa: ANN201
    councils = list(db.session.scalars(select(Council).order_by(Council.name)))
    if len(councils) == 1:
        return redirect(url_for("public.show_meeting_plan", council_slug=councils[0].slug))
    return caching.cacheable_by_body(
        current_app.make_response(render_template("public/index.html", councils=councils))
    )


@bp.get("/kkr/<council_slug>/")
@allow(COUNCIL_PUBLIC)
def show_meeting_plan(council: Council):  # noqa: ANN201
    # The plan of the current year and everything planned after it, with links to what is
    # published of each meeting.
    start = datetime(today().year, 1, 1, tzinfo=COPENHAGEN)
    planned = public_plan(council, start)
    parts = [council.name, start, *(row.validator() for row in planned)]
    last_modified = caching.latest(
        *(row.meeting.changed_at for row in planned),
        *(version.published_at for row in planned for version in row.published.values()),
    )
    return caching.cacheable(
        lambda: current_app.make_response(
            render_template("public/meeting_plan.html", council=council, planned=planned)
        ),
        parts=parts,
        last_modified=last_modified,
    )


@bp.get("/kkr/<council_slug>/medlemmer")
@allow(COUNCIL_PUBLIC)
def list_members(council: Council):  # noqa: ANN201
    page = render_template(
        "public/members.html", council=council, rows=member_rows(council, today())
    )
    return caching.cacheable_by_body(current_app.make_response(page))


@bp.get("/tilgaengelighed")
@allow(PUBLIC)
def accessibility_statement():  # noqa: ANN201
    page = render_template(
        "public/accessibility.html", contact=current_app.config["PORTAL_CONTACT_EMAIL"]
    )
    return caching.cacheable_by_body(current_app.make_response(page))


def _same_origin() -> bool:
    """The post comes from a page of this portal (the browser's Origin, else its Referer):
    the host the request was sent to, or the portal's configured address (behind a proxy)."""
    source = request.headers.get("Origin") or request.headers.get("Referer")
    if not source:
        return False
    ours = {request.host, urlsplit(current_app.config["PORTAL_BASE_URL"]).netloc}
    return urlsplit(source).netloc in ours


@bp.post("/sprog")
@allow(PUBLIC)
@csrf.exempt
def choose_language():  # noqa: ANN201
    """Danish or English for this browser, kept in a cookie for a year.

    Cacheable public pages carry no CSRF token (they must not set a session cookie), so this
    form is protected by the same-origin check of the Origin/Referer header instead; a page
    with a token (signed in) may send that.
    """
    if current_app.config["WTF_CSRF_ENABLED"] and not _same_origin():
        try:
            validate_csrf(request.form.get("csrf_token"))
        except ValidationError as error:
            raise CSRFError(str(error)) from error
    language = request.form.get("lang", "da")
    target = safe_next(request.form.get("next")) or url_for("public.index")
    response = redirect(target, 303)
    if language in SUPPORTED_LOCALES:
        response.set_cookie(
            "lang", language, max_age=365 * 24 * 3600, samesite="Lax", httponly=True
        )
    return response
