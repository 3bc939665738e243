"""Staff maintain the council: municipalities, groups, people, memberships, substitutes."""

from __future__ import annotations

from flask import Blueprint, render_template

from portal.councils.models import Council
from portal.councils.queries import member_rows, staff_of
from portal.policy import COUNCIL_STAFF, allow, today

bp = Blueprint("councils", __name__, url_prefix="/kkr/<council_slug>/admin")


@bp.get("/")
@allow(COUNCIL_STAFF)
def show_council_admin(council: Council):  # noqa: ANN201
    day = today()
    return render_template(
        "councils/admin.html",
        council=council,
        rows=member_rows(council, day),
        staff=staff_of(council, day),
    )
