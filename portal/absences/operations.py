"""Registering absence, calling in the personal substitute, and the substitute's answer.

Each action writes its audit row and its notices in the request's transaction (outbox).
"""

from __future__ import annotations

from datetime import datetime

from flask_babel import gettext as _
from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError

from portal import audit
from portal.absences.models import (
    Absence,
    AbsenceReason,
    AttendanceRecord,
    AttendedBy,
    CallInAnswer,
    SubstituteCallIn,
)
from portal.agendas.models import AgendaItem
from portal.councils.models import Membership, Person, SubstituteAssignment, active_on
from portal.councils.queries import staff_of
from portal.extensions import db
from portal.meetings.models import Meeting
from portal.meetings.wording import when
from portal.notifications.models import NoticeKind
from portal.notifications.operations import notify
from portal.refusal import Refused
from portal.rules.calendar import absence_deadline, local_date


def standing_absence(meeting: Meeting, membership: Membership) -> Absence | None:
    return db.session.scalar(
        select(Absence).where(
            Absence.meeting_id == meeting.id,
            Absence.membership_id == membership.id,
            Absence.cancelled_at.is_(None),
        )
    )


def substitute_on(membership: Membership, meeting: Meeting) -> Person | None:
    """The personal substitute on the meeting's day (rule 1.2 assignment)."""
    assignment = db.session.scalar(
        select(SubstituteAssignment).where(
            SubstituteAssignment.membership_id == membership.id,
            active_on(SubstituteAssignment, local_date(meeting.starts_at)),
        )
    )
    return assignment.substitute if assignment else None


def record_call_in(
    meeting: Meeting,
    membership: Membership,
    substitute: Person,
    now: datetime,
    *,
    absence_id: int | None = None,
    leave_id: int | None = None,
) -> SubstituteCallIn:
    """The call-in row and its audit entry; the caller tells the substitute."""
    call = SubstituteCallIn(
        council_id=meeting.council_id,
        meeting=meeting,
        membership=membership,
        substitute=substitute,
        absence_id=absence_id,
        leave_id=leave_id,
        called_at=now,
    )
    db.session.add(call)
    db.session.flush()
    audit.record("substitute_called_in", call, after=audit.snapshot(call))
    return call


def call_in(
    meeting: Meeting, membership: Membership, absence: Absence, now: datetime
) -> SubstituteCallIn | None:
    """Rule 3.9 / 1.8: the personal substitute may attend; they are told at once (always
    e-mailed: an urgent kind)."""
    substitute = substitute_on(membership, meeting)
    if substitute is None:
        return None
    standing = db.session.scalar(
        select(SubstituteCallIn).where(
            SubstituteCallIn.meeting_id == meeting.id,
            SubstituteCallIn.membership_id == membership.id,
            SubstituteCallIn.answer != CallInAnswer.WITHDRAWN,
        )
    )
    if standing is not None:
        # Already called in for this seat (for a leave, rules 1.6–1.7): one call per seat and
        # meeting (uq_call_in_standing); a second would fail the whole request.
        return standing
    call = record_call_in(meeting, membership, substitute, now, absence_id=absence.id)
    notify(
        [substitute],
        NoticeKind.SUBSTITUTE_CALLED_IN,
        subject=_("Du er indkaldt som stedfortræder %(when)s", when=when(meeting)),
        body=_(
            "%(member)s har meldt afbud til %(council)ss møde %(when)s, %(place)s. "
            "Du er indkaldt som personlig stedfortræder. Svar, om du deltager.",
            member=membership.person.name,
            council=meeting.council.name,
            when=when(meeting),
            place=meeting.location,
        ),
        link=f"/indkaldelser/{call.id}",
        council=meeting.council,
        meeting=meeting,
    )
    return call


def register_absence(
    meeting: Meeting,
    membership: Membership,
    *,
    by: Person,
    by_staff: bool,
    call_substitute: bool,
    reason: AbsenceReason | None,
    now: datetime,
) -> Absence:
    """Rule 3.9: absence until the meeting starts; after that only staff, marked late.

    Registering again (a double-clicked submit) gives the standing absence back unchanged.
    """
    if meeting.cancelled_at is not None:
        raise Refused("meeting", _("Mødet er aflyst."))
    if membership.council_id != meeting.council_id or not membership.is_active_on(
        local_date(meeting.starts_at)
    ):
        raise Refused("meeting", _("Du er ikke medlem af rådet på mødedagen."))
    late = now >= absence_deadline(meeting.starts_at)
    if late and not by_staff:
        raise Refused(
            "meeting",
            _("Mødet er begyndt, så afbud kan ikke længere meldes her. Kontakt sekretariatet."),
        )
    existing = standing_absence(meeting, membership)
    if existing is not None:
        return existing
    absence = Absence(
        council_id=meeting.council_id,
        meeting=meeting,
        membership=membership,
        call_substitute=call_substitute,
        reason=reason,
        registered_at=now,
        registered_by_id=by.id,
        registered_late=late,
    )
    db.session.add(absence)
    try:
        db.session.flush()
    except IntegrityError:
        # A second submit raced the first past the check: the first one stands.
        db.session.rollback()
        existing = standing_absence(meeting, membership)
        if existing is None:
            raise
        return existing
    audit.record("absence_registered", absence, after=audit.snapshot(absence), actor_id=by.id)
    if call_substitute and not late:
        call_in(meeting, membership, absence, now)
    return absence


def cancel_absence(absence: Absence, *, by: Person, by_staff: bool, now: datetime) -> None:
    """The member attends after all; a called-in substitute is told they are not needed."""
    meeting = absence.meeting
    if absence.cancelled_at is not None:
        return
    if now >= meeting.starts_at and not by_staff:
        raise Refused("meeting", _("Mødet er begyndt. Kontakt sekretariatet."))
    before = audit.snapshot(absence)
    absence.cancelled_at, absence.cancelled_by_id = now, by.id
    audit.record("absence_cancelled", absence, before=before, after=audit.snapshot(absence))
    calls = db.session.scalars(
        select(SubstituteCallIn).where(
            SubstituteCallIn.absence_id == absence.id,
            SubstituteCallIn.answer != CallInAnswer.WITHDRAWN,
        )
    )
    for call in calls:
        call.answer, call.answered_at = CallInAnswer.WITHDRAWN, now
        audit.record("substitute_call_in_withdrawn", call, after=audit.snapshot(call))
        notify(
            [call.substitute],
            NoticeKind.SUBSTITUTE_CALLED_IN,
            subject=_("Du er ikke længere indkaldt %(when)s", when=when(meeting)),
            body=_(
                "%(member)s deltager selv i mødet %(when)s, så du er ikke længere indkaldt.",
                member=absence.membership.person.name,
                when=when(meeting),
            ),
            link="/overblik",
            council=meeting.council,
            meeting=meeting,
        )


def answer_call_in(call: SubstituteCallIn, *, attending: bool, now: datetime) -> None:
    """The substitute answers until the meeting starts; member and staff hear a refusal."""
    meeting = call.meeting
    if meeting.cancelled_at is not None:
        raise Refused("answer", _("Mødet er aflyst."))
    if call.answer is CallInAnswer.WITHDRAWN:
        raise Refused("answer", _("Indkaldelsen er trukket tilbage."))
    if now >= meeting.starts_at:
        raise Refused("answer", _("Mødet er begyndt. Kontakt sekretariatet."))
    before = audit.snapshot(call)
    call.answer = CallInAnswer.ATTENDING if attending else CallInAnswer.DECLINED
    call.answered_at = now
    audit.record("substitute_answered", call, before=before, after=audit.snapshot(call))
    member = call.membership.person
    if attending:
        notify(
            [member],
            NoticeKind.GENERAL,
            subject=_(
                "%(name)s deltager i dit sted %(when)s",
                name=call.substitute.name,
                when=when(meeting),
            ),
            body=_("Din stedfortræder har meldt, at de deltager i mødet."),
            link="/overblik",
            council=meeting.council,
            meeting=meeting,
        )
        return
    staff = [assignment.person for assignment in staff_of(meeting.council, local_date(now))]
    notify(
        [member, *staff],
        NoticeKind.SUBSTITUTE_UNANSWERED,
        subject=_("Stedfortræderen kan ikke deltage %(when)s", when=when(meeting)),
        body=_(
            "%(substitute)s kan ikke deltage i stedet for %(member)s i mødet %(when)s.",
            substitute=call.substitute.name,
            member=member.name,
            when=when(meeting),
        ),
        link="/overblik",
        council=meeting.council,
        meeting=meeting,
    )


# --- on the day: who actually attended (rules 3.9, 3.5) -------------------------------------


AS_REGISTERED = "as_registered"  # the form's choice that removes what staff recorded


def record_attendance(
    meeting: Meeting,
    membership: Membership,
    attended_by: AttendedBy | None,
    *,
    first_item: AgendaItem | None,
    last_item: AgendaItem | None,
    led_meeting: bool,
    by: Person,
    now: datetime,
) -> AttendanceRecord | None:
    """Rule 3.9: staff record on the day who sat in the seat, from and to which item, where
    it differs from the absences and answers given beforehand (a substitute who came without
    answering, a late arrival, an early departure). `attended_by` None goes back to what was
    registered. Rule 3.5: `led_meeting` marks whom the meeting chose to lead it."""
    if meeting.cancelled_at is not None:
        raise Refused("", _("Mødet er aflyst."))
    if local_date(now) < local_date(meeting.starts_at):
        raise Refused(
            "attended_by", _("Det faktiske fremmøde registreres på mødedagen eller senere.")
        )
    record = db.session.scalar(
        select(AttendanceRecord).where(
            AttendanceRecord.meeting_id == meeting.id,
            AttendanceRecord.membership_id == membership.id,
        )
    )
    before = audit.snapshot(record) if record else None
    if attended_by is None:
        if record is not None:
            db.session.delete(record)
            db.session.flush()
            audit.record(
                "attendance_record_removed", record, before=before, council_id=meeting.council_id
            )
        return None
    substitute = None
    if attended_by is AttendedBy.SUBSTITUTE:
        substitute = substitute_on(membership, meeting)
        if substitute is None:
            raise Refused(
                "attended_by", _("Pladsen havde ingen personlig stedfortræder på mødedagen.")
            )
    for item, field in ((first_item, "first_item"), (last_item, "last_item")):
        if item is not None and (item.meeting_id != meeting.id or item.removed_at is not None):
            raise Refused(field, _("Punktet er ikke på mødets dagsorden."))
    if attended_by is AttendedBy.NOBODY and (first_item or last_item or led_meeting):
        raise Refused(
            "attended_by",
            _("Ingen deltog for pladsen, så der er ingen punkter eller mødeledelse at angive."),
        )
    if (
        first_item
        and last_item
        and (first_item.position, first_item.id)
        > (
            last_item.position,
            last_item.id,
        )
    ):
        raise Refused("last_item", _("Det sidste punkt kan ikke ligge før det første."))
    if record is None:
        record = AttendanceRecord(
            meeting_id=meeting.id,
            membership_id=membership.id,
            attended_by=attended_by,
            recorded_by_id=by.id,
        )
        try:
            with db.session.begin_nested():  # a lost race undoes this row alone
                db.session.add(record)
                db.session.flush()
        except IntegrityError:
            raise Refused(
                "", _("Fremmødet for pladsen blev registreret af en anden samtidig. Prøv igen.")
            ) from None
    if led_meeting:
        # One leader per meeting: choosing another takes the mark off the first.
        db.session.execute(
            update(AttendanceRecord)
            .where(
                AttendanceRecord.meeting_id == meeting.id,
                AttendanceRecord.membership_id != membership.id,
            )
            .values(led_meeting=False)
        )
    record.attended_by = attended_by
    record.substitute_id = substitute.id if substitute else None
    record.first_item_id = first_item.id if first_item else None
    record.last_item_id = last_item.id if last_item else None
    record.led_meeting = led_meeting
    record.recorded_at, record.recorded_by_id = now, by.id
    audit.record(
        "attendance_recorded",
        record,
        before=before,
        after=audit.snapshot(record),
        council_id=meeting.council_id,
        actor_id=by.id,
    )
    return record
