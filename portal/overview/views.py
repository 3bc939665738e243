"""'Mit overblik': a signed-in person's meetings, deadlines and substitutes."""

from __future__ import annotations

from flask import Blueprint, render_template
from flask_login import current_user

from portal.councils.queries import memberships_of, substitute_for, substitute_of_membership
from portal.meetings.queries import upcoming_meetings
from portal.policy import SIGNED_IN, allow, council_roles, today
from portal.types import utcnow

bp = Blueprint("overview", __name__)


@bp.get("/overblik")
@allow(SIGNED_IN)
def show_overview():  # noqa: ANN201
    day = today()
    memberships = memberships_of(current_user, day)
    my_substitutes = [(m, substitute_of_membership(m, day)) for m in memberships]
    serving_as_substitute = substitute_for(current_user, day)
    council_ids = council_roles(current_user).council_ids
    return render_template(
        "overview/overview.html",
        memberships=my_substitutes,
        serving_as_substitute=serving_as_substitute,
        planned=upcoming_meetings(council_ids, utcnow()),
        show_council=len(council_ids) > 1,
    )
