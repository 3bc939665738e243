"""Requests for an extraordinary meeting (rule 3.1).

Members start and sign their council's requests; the secretariat follows them. Every view:
load (another council's request: 404), authorise (policy, via `allow`), act through one
operation, redirect 303 (HX-Redirect for htmx) or show the form again with 422.
"""

from __future__ import annotations

from flask import Blueprint, abort, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from wtforms.fields.choices import SelectChoice

from portal import htmx
from portal.councils.models import Council
from portal.councils.queries import memberships_of
from portal.extensions import db
from portal.meeting_requests import operations as operations
from portal.meeting_requests import queries as queries
from portal.meeting_requests.forms import StartRequestForm
from portal.meeting_requests.models import MeetingRequest
from portal.policy import COUNCIL_STAFF, SIGNED_IN, allow, today
from portal.types import utcnow
from portal.views import form_page, me, post_action

bp = Blueprint("meeting_requests", __name__)


def member_councils() -> list[Council]:
    return [m.council for m in memberships_of(current_user, today())]


@bp.route("/anmodninger", methods=["GET", "POST"])
@allow(SIGNED_IN)
def list_requests():  # noqa: ANN201
    councils = member_councils()
    if request.method == "POST" and not councils:
        abort(403)
    form = StartRequestForm()
    form.council_id.choices = [SelectChoice(c.id, c.name) for c in councils]
    if len(councils) == 1 and not form.is_submitted():
        form.council_id.data = councils[0].id

    def start() -> MeetingRequest:
        council = next(c for c in councils if c.id == form.council_id.data)
        return operations.start_request(council, form.subject.data, by=me(), now=utcnow())

    return form_page(
        "meeting_requests/requests.html",
        form,
        start,
        _("Anmodningen er oprettet med din underskrift."),
        url_for(".list_requests"),
        councils=councils,
        rows=queries.request_rows(councils, current_user, today()),
    )


@bp.post("/anmodninger/<int:request_id>/underskriv")
@allow(SIGNED_IN)
def sign_request(request_id: int):  # noqa: ANN201
    meeting_request = db.session.get(MeetingRequest, request_id)
    # Only the council's current members see its requests; to anyone else it is not there.
    if meeting_request is None or meeting_request.council_id not in {
        c.id for c in member_councils()
    }:
        abort(404)
    return post_action(
        lambda: operations.sign_request(meeting_request, by=me(), now=utcnow()),
        _("Din underskrift er registreret."),
        url_for(".list_requests"),
    )


# --- the secretariat ----------------------------------------------------------------------


@bp.get("/kkr/<council_slug>/admin/anmodninger")
@allow(COUNCIL_STAFF)
def list_council_requests(council: Council):  # noqa: ANN201
    return htmx.render(
        "meeting_requests/requests_admin.html",
        council=council,
        rows=queries.request_rows([council], current_user, today(), with_signers=True),
    )
