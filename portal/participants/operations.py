"""Registering and ending 1.5 participants, and their attendance (rules 1.5, 3.9).

Each operation writes its audit row in the request's transaction.
"""

from __future__ import annotations

from datetime import date, datetime

from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from portal import audit
from portal.councils.models import Council, Membership, Municipality, Person, active_on
from portal.extensions import db
from portal.meetings.models import Meeting
from portal.participants.models import ParticipantAttendance, Participation
from portal.refusal import Refused
from portal.rules.calendar import local_date


def _overlapping(person: Person, council: Council, starts_on: date) -> Participation | None:
    return db.session.scalar(
        select(Participation).where(
            Participation.person_id == person.id,
            Participation.council_id == council.id,
            (Participation.ends_on.is_(None)) | (Participation.ends_on >= starts_on),
        )
    )


def add_participation(
    council: Council, person: Person, basis: str, starts_on: date, *, by: Person, now: datetime
) -> Participation:
    """Rule 1.5: a member of KL's board or a committee from one of the region's
    municipalities may attend. A member of the council has that right already."""
    municipality = (
        db.session.get(Municipality, person.municipality_id) if person.municipality_id else None
    )
    if municipality is None or municipality.council_id != council.id:
        raise Refused(
            "person_id",
            _(
                "%(name)s er ikke registreret i en af regionens kommuner (regel 1.5).",
                name=person.name,
            ),
        )
    seat = db.session.scalar(
        select(Membership.id).where(
            Membership.person_id == person.id,
            Membership.council_id == council.id,
            active_on(Membership, starts_on),
        )
    )
    if seat is not None:
        raise Refused(
            "person_id",
            _("%(name)s er medlem af rådet og deltager allerede som medlem.", name=person.name),
        )
    if _overlapping(person, council, starts_on) is not None:
        raise Refused(
            "person_id", _("%(name)s er allerede registreret som deltager.", name=person.name)
        )
    basis = " ".join(basis.split())
    if not basis:
        raise Refused("basis", _("Skriv, hvilken post i KL der giver retten til at deltage."))
    participation = Participation(
        council_id=council.id,
        person_id=person.id,
        basis=basis,
        starts_on=starts_on,
        recorded_at=now,
        recorded_by_id=by.id,
    )
    db.session.add(participation)
    db.session.flush()
    audit.record(
        "participation_added",
        participation,
        after=audit.snapshot(participation),
        council_id=council.id,
        actor_id=by.id,
    )
    return participation


def end_participation(
    participation: Participation, ends_on: date, *, by: Person, now: datetime
) -> None:
    if participation.ends_on is not None:
        raise Refused("ends_on", _("Deltagelsen er allerede afsluttet."))
    if ends_on < participation.starts_on:
        raise Refused("ends_on", _("Sidste dag kan ikke ligge før første dag."))
    before = audit.snapshot(participation)
    participation.ends_on = ends_on
    audit.record(
        "participation_ended",
        participation,
        before=before,
        after=audit.snapshot(participation),
        council_id=participation.council_id,
        actor_id=by.id,
    )


def record_participant_attendance(
    meeting: Meeting, participation: Participation, came: bool, *, by: Person, now: datetime
) -> None:
    """Rule 3.9 for a 1.5 participant: staff note on the day whether they attended."""
    if meeting.cancelled_at is not None:
        raise Refused("", _("Mødet er aflyst."))
    day = local_date(meeting.starts_at)
    if local_date(now) < day:
        raise Refused("", _("Det faktiske fremmøde registreres på mødedagen eller senere."))
    if not participation.starts_on <= day or (
        participation.ends_on is not None and participation.ends_on < day
    ):
        raise Refused("", _("Personen var ikke deltager efter regel 1.5 på mødedagen."))
    row = db.session.scalar(
        select(ParticipantAttendance).where(
            ParticipantAttendance.meeting_id == meeting.id,
            ParticipantAttendance.participation_id == participation.id,
        )
    )
    if came and row is None:
        row = ParticipantAttendance(
            meeting_id=meeting.id,
            participation_id=participation.id,
            recorded_at=now,
            recorded_by_id=by.id,
        )
        try:
            with db.session.begin_nested():  # a double click: the first row stands
                db.session.add(row)
                db.session.flush()
        except IntegrityError:
            return
        audit.record("participant_attended", row, council_id=meeting.council_id, actor_id=by.id)
    elif not came and row is not None:
        db.session.delete(row)
        db.session.flush()
        audit.record(
            "participant_attendance_removed", row, council_id=meeting.council_id, actor_id=by.id
        )
