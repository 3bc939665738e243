"""Absence from one meeting and the personal substitute called in (rules 1.8, 3.7, 3.9).

A member registers or cancels their own absence; the substitute called in answers; the
secretariat follows the attendance and the quorum on a board per meeting and registers or
cancels absence on a member's behalf. Every view: load (a meeting of a council you have no
seat in, someone else's call-in, another council's meeting: 404), authorise (policy, via
`allow`), act through one operation, then redirect 303 (HX-Redirect for htmx) or, on the
board, answer htmx with the board re-rendered.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

from flask import Blueprint, abort, flash, make_response, redirect, render_template, url_for
from flask_babel import gettext as _
from jinja2_fragments.flask import render_block
from wtforms.fields.choices import SelectChoice

from portal import htmx
from portal.absences import operations, queries
from portal.absences.forms import (
    AbsenceForm,
    AttendanceRecordForm,
    CallInAnswerForm,
    ConfirmForm,
    StaffAbsenceForm,
)
from portal.absences.models import Absence, CallInAnswer, SubstituteCallIn
from portal.absences.operations import AS_REGISTERED
from portal.councils.models import Council, Membership
from portal.councils.queries import in_council
from portal.extensions import db
from portal.meetings.models import Meeting
from portal.participants.queries import meeting_participants
from portal.policy import COUNCIL_STAFF, SIGNED_IN, allow
from portal.refusal import Refused
from portal.rules.calendar import absence_deadline, local_date
from portal.types import utcnow
from portal.views import form_page, load, me

bp = Blueprint("absences", __name__)

# The secretariat's list of meetings reaches this far back (late absences, the minutes).
MEETINGS_LISTED_SINCE = timedelta(days=365)


def has_begun(meeting: Meeting, now: datetime) -> bool:
    return now >= absence_deadline(meeting.starts_at)  # rule 3.9: until the meeting starts


# --- a member's own absence ---------------------------------------------------------------


def load_own_meeting(meeting_id: int) -> tuple[Meeting, list[Membership]]:
    """The meeting and the signed-in person's seats in its council on its date. Without a
    seat the meeting is not there for them: 404, never a 403 that confirms it exists."""
    meeting = db.session.get(Meeting, meeting_id)
    memberships = queries.memberships_for_meeting(me(), meeting) if meeting else []
    if meeting is None or not memberships:
        abort(404)
    return meeting, memberships


def absence_page_context(meeting: Meeting, memberships: list[Membership]) -> dict[str, Any]:
    seats = []
    for membership in memberships:
        absence = operations.standing_absence(meeting, membership)
        seats.append(
            {
                "membership": membership,
                "substitute": operations.substitute_on(membership, meeting),
                "absence": absence,
                "call_in": queries.call_in_for(absence) if absence else None,
            }
        )
    return {
        "meeting": meeting,
        "seats": seats,
        "standing": [seat["absence"] for seat in seats if seat["absence"]],
        "substitutes": [seat["substitute"] for seat in seats if seat["substitute"]],
        "begun": has_begun(meeting, utcnow()),
    }


@bp.route("/moeder/<int:meeting_id>/afbud", methods=["GET", "POST"])
@allow(SIGNED_IN)
def register_absence(meeting_id: int):  # noqa: ANN201
    meeting, memberships = load_own_meeting(meeting_id)
    context = absence_page_context(meeting, memberships)
    form = AbsenceForm()
    if context["substitutes"]:
        names = ", ".join(person.name for person in context["substitutes"])
        form.call_substitute.label.text = _(
            "Indkald min personlige stedfortræder, %(name)s", name=names
        )

    def register() -> list[Absence]:
        now = utcnow()
        return [
            operations.register_absence(
                meeting,
                membership,
                by=me(),
                by_staff=False,
                # Without a substitute there is no one to call (and no checkbox was shown).
                call_substitute=bool(context["substitutes"]) and form.call_substitute.data,
                reason=form.reason_value(),
                now=now,
            )
            for membership in memberships
        ]

    def registered(absences: list[Absence]) -> str:
        message = _("Dit afbud til mødet %(when)s er registreret.", when=operations.when(meeting))
        called = [call for a in absences if (call := queries.call_in_for(a)) is not None]
        for call in called:
            message += " " + _(
                "%(name)s er indkaldt som din stedfortræder og har fået besked.",
                name=call.substitute.name,
            )
        return message

    return form_page(
        "absences/absence.html",
        form,
        register,
        registered,
        url_for("overview.show_overview"),
        **context,
    )


@bp.post("/moeder/<int:meeting_id>/afbud/annuller")
@allow(SIGNED_IN)
def cancel_absence(meeting_id: int):  # noqa: ANN201
    meeting, memberships = load_own_meeting(meeting_id)
    context = absence_page_context(meeting, memberships)
    form = ConfirmForm()

    def cancel() -> int:
        now = utcnow()
        for absence in context["standing"]:
            operations.cancel_absence(absence, by=me(), by_staff=False, now=now)
        return len(context["standing"])

    def cancelled(count: int) -> str:
        if not count:  # a second click, or cancelled elsewhere: nothing stands
            return _("Du har intet afbud til mødet og står som deltager.")
        return _(
            "Dit afbud er trukket tilbage. Du deltager i mødet %(when)s.",
            when=operations.when(meeting),
        )

    return form_page(
        "absences/absence.html",
        form,
        cancel,
        cancelled,
        url_for("overview.show_overview"),
        **context,
    )


# --- the substitute called in -------------------------------------------------------------


def load_call_in(call_in_id: int) -> SubstituteCallIn:
    call = queries.call_in_of(me(), call_in_id)
    if call is None:
        abort(404)  # only the call-in's own substitute sees it, and no one learns it exists
    return call


def call_in_context(call: SubstituteCallIn) -> dict[str, Any]:
    meeting = call.meeting
    return {
        "call": call,
        "meeting": meeting,
        "begun": has_begun(meeting, utcnow()),
        "can_answer": call.answer is not CallInAnswer.WITHDRAWN
        and meeting.cancelled_at is None
        and not has_begun(meeting, utcnow()),
    }


@bp.get("/indkaldelser/<int:call_in_id>")
@allow(SIGNED_IN)
def show_call_in(call_in_id: int):  # noqa: ANN201
    call = load_call_in(call_in_id)
    return htmx.render(
        "absences/call_in.html", form=CallInAnswerForm(formdata=None), **call_in_context(call)
    )


@bp.post("/indkaldelser/<int:call_in_id>/svar")
@allow(SIGNED_IN)
def answer_call_in(call_in_id: int):  # noqa: ANN201
    call = load_call_in(call_in_id)
    form = CallInAnswerForm()
    # The page shows the state from before this answer if the answer is refused.
    context = call_in_context(call)

    def answered(_result: None) -> str:
        if call.answer is CallInAnswer.ATTENDING:
            return _(
                "Tak. Du deltager i mødet i stedet for %(name)s, som har fået besked.",
                name=call.membership.person.name,
            )
        return _(
            "Tak. Du har meldt, at du ikke kan deltage. %(name)s og sekretariatet har fået besked.",
            name=call.membership.person.name,
        )

    return form_page(
        "absences/call_in.html",
        form,
        lambda: operations.answer_call_in(call, attending=form.attending(), now=utcnow()),
        answered,
        url_for(".show_call_in", call_in_id=call.id),
        **context,
    )


# --- the secretariat: meetings and the attendance board -----------------------------------


def load_membership(council: Council, membership_id: int) -> Membership:
    membership = in_council(Membership, council, membership_id)
    if membership is None:
        abort(404)
    return membership


def board_url(council: Council, meeting: Meeting) -> str:
    return url_for(".show_attendance", council_slug=council.slug, meeting_id=meeting.id)


@bp.get("/kkr/<council_slug>/admin/moeder")
@allow(COUNCIL_STAFF)
def list_meetings(council: Council):  # noqa: ANN201
    now = utcnow()
    meetings = queries.council_meetings(council.id, now - MEETINGS_LISTED_SINCE)
    return htmx.render(
        "absences/meetings.html",
        council=council,
        upcoming=[m for m in meetings if m.starts_at >= now],
        earlier=[m for m in reversed(meetings) if m.starts_at < now],
    )


def board_context(council: Council, meeting: Meeting, **extra: Any) -> dict[str, Any]:
    return {
        "council": council,
        "meeting": meeting,
        "attendance": queries.meeting_attendance(meeting),
        "begun": has_begun(meeting, utcnow()),
        # Rule 3.9: from the meeting's day staff record who actually attended.
        "on_the_day": local_date(utcnow()) >= local_date(meeting.starts_at),
        # Rule 1.5: listed apart, with no vote and outside the quorum.
        "participants": meeting_participants(meeting),
        **extra,
    }


@bp.get("/kkr/<council_slug>/admin/moeder/<int:meeting_id>/fremmoede")
@allow(COUNCIL_STAFF)
def show_attendance(council: Council, meeting_id: int):  # noqa: ANN201
    meeting = load(Meeting, council, meeting_id)
    return htmx.render("absences/attendance.html", block="board", **board_context(council, meeting))


def board_answer(
    council: Council,
    meeting: Meeting,
    membership: Membership,
    act: Callable[[StaffAbsenceForm], str],
):  # noqa: ANN201
    """Run a staff action from a board row. Without JavaScript: flash and 303 back to the
    board. With htmx: the board re-rendered in place, the message read out from the page's
    status region (out-of-band), focus on the row's new button. A refused rule: 422 with the
    message on the board."""
    form = StaffAbsenceForm()
    if not form.validate_on_submit():
        abort(400)
    try:
        message = act(form)
    except Refused as refusal:
        context = board_context(council, meeting, error=refusal.message, focus=membership.id)
        return htmx.render("absences/attendance.html", block="board", status=422, **context)
    if not htmx.is_htmx():
        flash(message, "success")
        return redirect(board_url(council, meeting), 303)
    context = board_context(council, meeting, focus=membership.id)
    body = render_block("absences/attendance.html", "board", **context) + render_template(
        "absences/_board_status.html", message=message
    )
    response = make_response(body)
    response.vary.add("HX-Request")
    return response


@bp.post("/kkr/<council_slug>/admin/moeder/<int:meeting_id>/fremmoede/<int:membership_id>/afbud")
@allow(COUNCIL_STAFF)
def register_absence_for_member(council: Council, meeting_id: int, membership_id: int):  # noqa: ANN201
    meeting = load(Meeting, council, meeting_id)
    membership = load_membership(council, membership_id)

    def register(form: StaffAbsenceForm) -> str:
        absence = operations.register_absence(
            meeting,
            membership,
            by=me(),
            by_staff=True,
            call_substitute=form.call_substitute.data,
            reason=None,
            now=utcnow(),
        )
        message = _("Afbud registreret for %(name)s.", name=membership.person.name)
        if absence.registered_late:
            # Rule 3.9: after the start only staff register, marked late; no one is called in.
            message += " " + _("Det er markeret som meldt for sent.")
        elif (call := queries.call_in_for(absence)) is not None:
            message += " " + _(
                "%(name)s er indkaldt og har fået besked.", name=call.substitute.name
            )
        return message

    return board_answer(council, meeting, membership, register)


@bp.post(
    "/kkr/<council_slug>/admin/moeder/<int:meeting_id>/fremmoede/<int:membership_id>/afbud/annuller"
)
@allow(COUNCIL_STAFF)
def cancel_absence_for_member(council: Council, meeting_id: int, membership_id: int):  # noqa: ANN201
    meeting = load(Meeting, council, meeting_id)
    membership = load_membership(council, membership_id)

    def cancel(_form: StaffAbsenceForm) -> str:
        absence = operations.standing_absence(meeting, membership)
        if absence is None:  # a second click: it is already gone
            return _("%(name)s har intet afbud til mødet.", name=membership.person.name)
        called = queries.call_in_for(absence)
        operations.cancel_absence(absence, by=me(), by_staff=True, now=utcnow())
        message = _("Afbuddet for %(name)s er trukket tilbage.", name=membership.person.name)
        if called is not None:
            message += " " + _("%(name)s har fået besked.", name=called.substitute.name)
        return message

    return board_answer(council, meeting, membership, cancel)


@bp.route(
    "/kkr/<council_slug>/admin/moeder/<int:meeting_id>/fremmoede/<int:membership_id>/faktisk",
    methods=["GET", "POST"],
)
@allow(COUNCIL_STAFF)
def record_attendance(council: Council, meeting_id: int, membership_id: int):  # noqa: ANN201
    """Rules 3.9 and 3.5: on the day, who actually sat in one seat, from and to which item,
    and whether the meeting chose them to lead it."""
    meeting = load(Meeting, council, meeting_id)
    attendance = queries.meeting_attendance(meeting)
    seat = next((s for s in attendance.seats if s.membership.id == membership_id), None)
    if seat is None:
        abort(404)  # not a seat of this meeting's council on its day
    items = queries.live_items(meeting)
    record = seat.record
    form = AttendanceRecordForm(
        attended_by=record.attended_by.value if record else AS_REGISTERED,
        first_item=record.first_item_id if record else None,
        last_item=record.last_item_id if record else None,
        led_meeting=record.led_meeting if record else False,
    )
    numbered = [SelectChoice(item.id, f"{n}. {item.title}") for n, item in enumerate(items, 1)]
    form.first_item.choices = [SelectChoice(None, _("Fra mødets start")), *numbered]
    form.last_item.choices = [SelectChoice(None, _("Til mødets slutning")), *numbered]
    by_id = {item.id: item for item in items}

    def save() -> None:
        operations.record_attendance(
            meeting,
            seat.membership,
            form.attended_by_value(),
            first_item=by_id.get(form.first_item.data),  # type: ignore[arg-type]
            last_item=by_id.get(form.last_item.data),  # type: ignore[arg-type]
            led_meeting=form.led_meeting.data,
            by=me(),
            now=utcnow(),
        )

    return form_page(
        "absences/attendance_record.html",
        form,
        save,
        _("Fremmødet for %(name)s er gemt.", name=seat.membership.person.name),
        board_url(council, meeting),
        council=council,
        meeting=meeting,
        seat=seat,
    )
