"""'Mit overblik': a signed-in person's meetings, deadlines, absences and substitutes."""

from __future__ import annotations

from collections import defaultdict

from flask import Blueprint, render_template
from flask_login import current_user

from portal.absences.queries import absences_of, upcoming_call_ins
from portal.councils.queries import memberships_of, substitute_for, substitute_of_membership
from portal.meetings.queries import upcoming_meetings
from portal.policy import SIGNED_IN, allow, council_roles, today
from portal.proposals.queries import overview_context as proposals_overview
from portal.rules.calendar import local_date
from portal.types import utcnow

bp = Blueprint("overview", __name__)


@bp.get("/overblik")
@allow(SIGNED_IN)
def show_overview():  # noqa: ANN201
    day = today()
    now = utcnow()
    memberships = memberships_of(current_user, day)
    my_substitutes = [(m, substitute_of_membership(m, day)) for m in memberships]
    serving_as_substitute = substitute_for(current_user, day)
    council_ids = council_roles(current_user).council_ids
    planned = upcoming_meetings(council_ids, now)
    # Rule 3.9: a member may register absence for the meetings of a council they sit in.
    member_meeting_ids = {
        item.meeting.id
        for item in planned
        if any(
            m.council_id == item.meeting.council_id
            and m.is_active_on(local_date(item.meeting.starts_at))
            for m in memberships
        )
    }
    call_ins = defaultdict(list)
    for call in upcoming_call_ins(current_user, now):
        call_ins[call.meeting_id].append(call)
    return render_template(
        "overview/overview.html",
        memberships=my_substitutes,
        serving_as_substitute=serving_as_substitute,
        planned=planned,
        show_council=len(council_ids) > 1,
        member_meeting_ids=member_meeting_ids,
        absent_meeting_ids=absences_of(memberships, [item.meeting for item in planned]),
        call_ins=call_ins,
        **proposals_overview(current_user, [item.meeting for item in planned], now),
    )
