"""Registering absence, calling in the personal substitute, and the substitute's answer.

Each action writes its audit row and its notices in the request's transaction (outbox).
"""

from __future__ import annotations

from datetime import datetime

from babel.dates import format_datetime
from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from portal import audit
from portal.absences.models import Absence, AbsenceReason, CallInAnswer, SubstituteCallIn
from portal.councils.models import Membership, Person, SubstituteAssignment, active_on
from portal.councils.queries import staff_of
from portal.extensions import db
from portal.meetings.models import Meeting
from portal.notifications.models import NoticeKind
from portal.notifications.operations import notify
from portal.refusal import Refused
from portal.rules.calendar import COPENHAGEN, absence_deadline, local_date


def when(meeting: Meeting) -> str:
    return format_datetime(
        meeting.starts_at.astimezone(COPENHAGEN), "EEEE d. MMMM y 'kl.' HH:mm", locale="da"
    )


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
