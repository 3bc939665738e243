"""Requests for an extraordinary meeting (rule 3.1).

Members (and a substitute serving in a member's seat, rules 1.6–1.7) start, sign and withdraw
their signature; the staff follow the requests and close them with a reason; the staff or the
chair plan the extraordinary meeting from a request. Every view: load (another council's
request: 404), authorise (policy, via `allow`), act through one operation, redirect 303
(HX-Redirect for htmx) or show the form again with 422.
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, abort, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from wtforms.fields.choices import SelectChoice

from portal import htmx
from portal.absences.operations import when
from portal.councils.models import Council
from portal.extensions import db
from portal.meeting_requests import operations as operations
from portal.meeting_requests import queries as queries
from portal.meeting_requests.forms import CallMeetingForm, CloseRequestForm, StartRequestForm
from portal.meeting_requests.labels import status_label
from portal.meeting_requests.models import MeetingRequest
from portal.meetings.models import Meeting
from portal.policy import COUNCIL_STAFF, SIGNED_IN, AccessRule, allow, is_chair, is_staff, today
from portal.rules.calendar import COPENHAGEN
from portal.types import utcnow
from portal.views import form_page, load, me, post_action

bp = Blueprint("meeting_requests", __name__)


def can_call_requested_meeting(person: Any, council: Council) -> bool:
    """Rule 3.1: the chair calls extraordinary meetings; the staff plan them on the chair's
    behalf. Both may plan the meeting a request asks for."""
    return is_staff(person, council) or is_chair(person, council)


COUNCIL_CALLS_MEETING = AccessRule(
    "council_calls_meeting", needs_sign_in=True, council_check=can_call_requested_meeting
)


def member_councils() -> list[Council]:
    """The councils whose requests the signed-in person sees (a member, on leave too, or a
    substitute serving in a member's seat)."""
    return operations.councils_taking_part(current_user, today())


def load_visible(request_id: int) -> MeetingRequest:
    meeting_request = db.session.get(MeetingRequest, request_id)
    # Only those who take part in the council see its requests; to anyone else it is not there.
    if meeting_request is None or meeting_request.council_id not in {
        c.id for c in member_councils()
    }:
        abort(404)
    return meeting_request


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
        chaired={c.id for c in councils if is_chair(current_user, c)},
        rows=queries.request_rows(councils, current_user, today()),
        status_label=status_label,
    )


@bp.post("/anmodninger/<int:request_id>/underskriv")
@allow(SIGNED_IN)
def sign_request(request_id: int):  # noqa: ANN201
    meeting_request = load_visible(request_id)
    return post_action(
        lambda: operations.sign_request(meeting_request, by=me(), now=utcnow()),
        _("Din underskrift er registreret."),
        url_for(".list_requests"),
    )


@bp.post("/anmodninger/<int:request_id>/traek-tilbage")
@allow(SIGNED_IN)
def withdraw_signature(request_id: int):  # noqa: ANN201
    meeting_request = load_visible(request_id)
    return post_action(
        lambda: operations.withdraw_signature(meeting_request, by=me(), now=utcnow()),
        _("Din underskrift er trukket tilbage."),
        url_for(".list_requests"),
    )


# --- the chair and the secretariat --------------------------------------------------------


def requests_url(council: Council) -> str:
    """Where the one who planned or closed goes back to: the staff's list, or the chair's."""
    if is_staff(current_user, council):
        return url_for(".list_council_requests", council_slug=council.slug)
    return url_for(".list_requests")


def plan_url(meeting: Meeting) -> str:
    """The meeting plan of the meeting's year, where staff change or cancel it."""
    year = meeting.starts_at.astimezone(COPENHAGEN).year
    return url_for("meetings.show_plan", council_slug=meeting.council.slug, aar=year)


@bp.get("/kkr/<council_slug>/admin/anmodninger")
@allow(COUNCIL_STAFF)
def list_council_requests(council: Council):  # noqa: ANN201
    return htmx.render(
        "meeting_requests/requests_admin.html",
        council=council,
        rows=queries.request_rows([council], current_user, today(), with_signers=True),
        status_label=status_label,
        plan_url=plan_url,
    )


@bp.route("/kkr/<council_slug>/anmodninger/<int:request_id>/indkald", methods=["GET", "POST"])
@allow(COUNCIL_CALLS_MEETING)
def call_meeting(council: Council, request_id: int):  # noqa: ANN201
    meeting_request = load(MeetingRequest, council, request_id)
    form = CallMeetingForm()

    def called(result: Any) -> str:
        return _(
            "Det ekstraordinære møde %(when)s er sat i mødeplanen, og de, der har skrevet "
            "under, har fået besked.",
            when=when(result.meeting),
        )

    return form_page(
        "meeting_requests/call_meeting.html",
        form,
        lambda: operations.call_meeting(
            meeting_request,
            starts_at=form.starts_at(),
            location=form.location.data,
            by=me(),
            now=utcnow(),
        ),
        called,
        requests_url(council),
        council=council,
        row=queries.request_row(meeting_request, current_user, today()),
        may_call=operations.may_call_meeting(meeting_request),
        status_label=status_label,
        back_url=requests_url(council),
    )


@bp.route("/kkr/<council_slug>/admin/anmodninger/<int:request_id>/luk", methods=["GET", "POST"])
@allow(COUNCIL_STAFF)
def close_request(council: Council, request_id: int):  # noqa: ANN201
    meeting_request = load(MeetingRequest, council, request_id)
    form = CloseRequestForm()
    return form_page(
        "meeting_requests/close.html",
        form,
        lambda: operations.close_request(
            meeting_request, reason=form.reason.data, by=me(), now=utcnow()
        ),
        _("Anmodningen er lukket, og de, der har skrevet under, har fået besked."),
        requests_url(council),
        council=council,
        row=queries.request_row(meeting_request, current_user, today()),
        status_label=status_label,
        back_url=requests_url(council),
    )
