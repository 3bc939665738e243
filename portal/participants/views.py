"""The secretariat registers and ends 1.5 participants and notes, on the day, who of them came
(rules 1.5, 3.9). Staff only: every view loads within the council in the URL."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, url_for
from flask_babel import gettext as _
from sqlalchemy import select
from wtforms.fields.choices import SelectChoice

from portal import htmx
from portal.councils.models import Council, Municipality, Person
from portal.extensions import db
from portal.forms import NO_CHOICE
from portal.meetings.models import Meeting
from portal.participants import operations, queries
from portal.participants.forms import (
    EndParticipationForm,
    ParticipantAttendanceForm,
    ParticipationForm,
)
from portal.participants.models import Participation
from portal.policy import COUNCIL_STAFF, allow, today
from portal.refusal import Refused
from portal.types import utcnow
from portal.views import form_page, load, me

bp = Blueprint("participants", __name__)


def people_of_region(council: Council) -> list[Person]:
    """People registered in one of the council's municipalities, by name."""
    return list(
        db.session.scalars(
            select(Person)
            .join(Municipality, Person.municipality_id == Municipality.id)
            .where(Municipality.council_id == council.id)
            .order_by(Person.name, Person.id)
        )
    )


def list_url(council: Council) -> str:
    return url_for(".list_participants", council_slug=council.slug)


@bp.route("/kkr/<council_slug>/admin/deltagere", methods=["GET", "POST"])
@allow(COUNCIL_STAFF)
def list_participants(council: Council):  # noqa: ANN201
    form = ParticipationForm(starts_on=today())
    people = people_of_region(council)
    form.person_id.choices = [
        NO_CHOICE,
        *[SelectChoice(p.id, f"{p.name}, {p.municipality.name}") for p in people],  # type: ignore[union-attr]
    ]
    by_id = {person.id: person for person in people}

    def add() -> Participation:
        person = by_id.get(form.person_id.data)  # type: ignore[arg-type]
        if person is None:
            raise Refused("person_id", _("Vælg en person fra regionens kommuner."))
        return operations.add_participation(
            council, person, form.basis.data or "", form.starts_on.data, by=me(), now=utcnow()
        )

    return form_page(
        "participants/list.html",
        form,
        add,
        lambda row: _(
            "%(name)s er registreret som deltager efter regel 1.5.", name=row.person.name
        ),
        list_url(council),
        council=council,
        rows=queries.participations_of(council),
        end_form=EndParticipationForm(formdata=None, ends_on=today()),
    )


@bp.post("/kkr/<council_slug>/admin/deltagere/<int:participation_id>/afslut")
@allow(COUNCIL_STAFF)
def end_participation(council: Council, participation_id: int):  # noqa: ANN201
    participation = load(Participation, council, participation_id)
    form = EndParticipationForm()
    if not form.validate_on_submit():
        flash(_("Angiv den sidste dag som en gyldig dato."), "error")
    else:
        try:
            operations.end_participation(participation, form.ends_on.data, by=me(), now=utcnow())
        except Refused as refusal:
            db.session.rollback()
            flash(refusal.message, "error")
        else:
            flash(
                _("Deltagelsen for %(name)s er afsluttet.", name=participation.person.name),
                "success",
            )
    if htmx.is_htmx():
        return htmx.client_redirect(list_url(council))
    return redirect(list_url(council), 303)


@bp.post("/kkr/<council_slug>/admin/moeder/<int:meeting_id>/deltagere/<int:participation_id>")
@allow(COUNCIL_STAFF)
def record_participant_attendance(council: Council, meeting_id: int, participation_id: int):  # noqa: ANN201
    meeting = load(Meeting, council, meeting_id)
    participation = load(Participation, council, participation_id)
    form = ParticipantAttendanceForm()
    if not form.validate_on_submit():
        abort(400)
    board = url_for("absences.show_attendance", council_slug=council.slug, meeting_id=meeting.id)
    try:
        operations.record_participant_attendance(
            meeting, participation, form.came.data == "yes", by=me(), now=utcnow()
        )
    except Refused as refusal:
        db.session.rollback()
        flash(refusal.message, "error")
    else:
        flash(_("Fremmødet for %(name)s er gemt.", name=participation.person.name), "success")
    if htmx.is_htmx():
        return htmx.client_redirect(board)
    return redirect(board, 303)
