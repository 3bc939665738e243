"""What anyone may read without signing in: the councils, their meeting plans and members."""

from __future__ import annotations

from datetime import datetime

from flask import Blueprint, redirect, render_template, request, url_for
from sqlalchemy import select

from portal.auth.views import safe_next
from portal.config import SUPPORTED_LOCALES
from portal.councils.models import Council
from portal.councils.queries import member_rows
from portal.extensions import db
from portal.meetings.queries import meeting_plan
from portal.policy import COUNCIL_PUBLIC, PUBLIC, allow, today
from portal.rules.calendar import COPENHAGEN

bp = Blueprint("public", __name__)


@bp.get("/")
@allow(PUBLIC)
def index():  # noqa: ANN201
    councils = list(db.session.scalars(select(Council).order_by(Council.name)))
    if len(councils) == 1:
        return redirect(url_for("public.show_meeting_plan", council_slug=councils[0].slug))
    return render_template("public/index.html", councils=councils)


@bp.get("/kkr/<council_slug>/")
@allow(COUNCIL_PUBLIC)
def show_meeting_plan(council: Council):  # noqa: ANN201
    # The plan of the current year and everything planned after it.
    start = datetime(today().year, 1, 1, tzinfo=COPENHAGEN)
    return render_template(
        "public/meeting_plan.html", council=council, planned=meeting_plan(council.id, start)
    )


@bp.get("/kkr/<council_slug>/medlemmer")
@allow(COUNCIL_PUBLIC)
def list_members(council: Council):  # noqa: ANN201
    return render_template(
        "public/members.html", council=council, rows=member_rows(council, today())
    )


@bp.post("/sprog")
@allow(PUBLIC)
def choose_language():  # noqa: ANN201
    """Danish or English for this browser, kept in a cookie for a year."""
    language = request.form.get("lang", "da")
    target = safe_next(request.form.get("next")) or url_for("public.index")
    response = redirect(target, 303)
    if language in SUPPORTED_LOCALES:
        response.set_cookie(
            "lang", language, max_age=365 * 24 * 3600, samesite="Lax", httponly=True
        )
    return response
