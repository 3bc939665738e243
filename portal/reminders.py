"""Reminders given by `flask --app portal notifications tick`, meant to run every minute.

The job reads several areas (meetings, absences, appointments), so it sits above them; the
outbox (portal.notifications) only carries what it decides to send.

Each reminder is recorded in `ReminderSent` in the same transaction as its notice; the unique
constraint on that record makes a second tick, or two at once, skip what was already given.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta

from babel.dates import format_date
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import joinedload

from portal.absences.models import CallInAnswer, SubstituteCallIn
from portal.appointments.queries import appointments_ending
from portal.councils.models import Council, Membership, Person, StaffAssignment, active_on
from portal.extensions import db
from portal.meetings.models import Meeting, MeetingKind
from portal.notifications.models import NoticeKind, ReminderSent
from portal.notifications.operations import notify
from portal.rules.calendar import (
    COPENHAGEN,
    agenda_deadline,
    last_working_day_on_or_before,
    local_date,
    practical_agenda_day,
    proposal_deadline,
)

PROPOSAL_REMINDER_AHEAD = timedelta(days=3)  # members hear of the deadline 3 days ahead
APPOINTMENT_ENDING_AHEAD = timedelta(days=60)  # staff re-appoint before a term ends (3.8)
CALL_IN_ANSWER_WITHIN = timedelta(hours=24)  # a substitute is expected to answer in a day


@dataclass(frozen=True)
class Reminder:
    kind: NoticeKind
    subject_key: str
    recipient: Person
    subject: str
    body: str
    link: str
    meeting: Meeting | None
    council: Council | None = None  # for a reminder about no meeting


def _open_ordinary_meetings(now: datetime, until: datetime) -> list[Meeting]:
    return list(
        db.session.scalars(
            select(Meeting)
            .where(Meeting.kind == MeetingKind.ORDINARY, Meeting.cancelled_at.is_(None))
            .where(Meeting.starts_at > now, Meeting.starts_at <= until)
            .options(joinedload(Meeting.council))
        )
    )


def _members(meeting: Meeting, day: datetime) -> list[Person]:
    return list(
        db.session.scalars(
            select(Person)
            .join(Membership, Membership.person_id == Person.id)
            .where(Membership.council_id == meeting.council_id)
            .where(active_on(Membership, local_date(day)))
        )
    )


def _staff(meeting: Meeting, day: datetime) -> list[Person]:
    return list(
        db.session.scalars(
            select(Person)
            .join(StaffAssignment, StaffAssignment.person_id == Person.id)
            .where(StaffAssignment.council_id == meeting.council_id)
            .where(active_on(StaffAssignment, local_date(day)))
        )
    )


def proposal_deadline_reminders(now: datetime) -> Iterator[Reminder]:
    """Members, when the proposal deadline of an ordinary meeting is 3 days away (rule 3.2)."""
    horizon = now + PROPOSAL_REMINDER_AHEAD
    # A meeting's proposal deadline is 10 days before it: look that far ahead, then filter.
    for meeting in _open_ordinary_meetings(now, horizon + timedelta(days=11)):
        deadline = proposal_deadline(meeting.starts_at)
        if not now < deadline <= horizon:
            continue
        when = format_date(local_date(deadline), "EEEE d. MMMM", locale="da")
        meeting_day = format_date(local_date(meeting.starts_at), "d. MMMM y", locale="da")
        for member in _members(meeting, now):
            yield Reminder(
                NoticeKind.PROPOSAL_DEADLINE,
                f"meeting:{meeting.id}",
                member,
                f"Frist for forslag til mødet {meeting_day}: {when}",
                (
                    f"Forslag til dagsordenen for {meeting.council.name}s møde {meeting_day} "
                    f"skal være modtaget senest {when} kl. 23.59 (regel 3.2)."
                ),
                "/overblik",
                meeting,
            )


def agenda_deadline_reminders(now: datetime) -> Iterator[Reminder]:
    """Staff, on the working day before the day an agenda not yet sent must go out: the
    send-out deadline, or the last working day before it when it falls on a day off (3.3)."""
    today = now.astimezone(COPENHAGEN).date()
    # Easter can put the practical day six days before the deadline, itself a week ahead.
    for meeting in _open_ordinary_meetings(now, now + timedelta(days=16)):
        if meeting.agenda_published_at is not None:
            continue
        practical = practical_agenda_day(meeting.starts_at)
        if last_working_day_on_or_before(practical - timedelta(days=1)) != today:
            continue
        meeting_day = format_date(local_date(meeting.starts_at), "d. MMMM y", locale="da")
        send_by = format_date(practical, "EEEE d. MMMM", locale="da")
        off = (
            ""
            if practical == local_date(agenda_deadline(meeting.starts_at))
            else (" Fristen falder på en fridag, så den sidste hverdag før fristen gælder.")
        )
        for person in _staff(meeting, now):
            yield Reminder(
                NoticeKind.AGENDA_DEADLINE,
                f"meeting:{meeting.id}",
                person,
                f"Dagsordenen til mødet {meeting_day} skal udsendes senest {send_by}",
                (
                    f"Dagsordenen til {meeting.council.name}s møde {meeting_day} er ikke "
                    f"udsendt. Efter regel 3.3 skal den udsendes senest {send_by}.{off}"
                ),
                f"/kkr/{meeting.council.slug}/admin/",
                meeting,
            )


def unanswered_call_in_reminders(now: datetime) -> Iterator[Reminder]:
    """A substitute called in who has not answered within 24 hours is asked again, and the
    member and staff are told, while the meeting is still ahead (rules 1.8, 3.9)."""
    calls = db.session.scalars(
        select(SubstituteCallIn)
        .join(Meeting, Meeting.id == SubstituteCallIn.meeting_id)
        .where(SubstituteCallIn.answer == CallInAnswer.PENDING)
        .where(SubstituteCallIn.called_at <= now - CALL_IN_ANSWER_WITHIN)
        .where(Meeting.starts_at > now, Meeting.cancelled_at.is_(None))
        .options(
            joinedload(SubstituteCallIn.meeting).joinedload(Meeting.council),
            joinedload(SubstituteCallIn.membership).joinedload(Membership.person),
            joinedload(SubstituteCallIn.substitute),
        )
        .order_by(Meeting.starts_at)
    )
    reminded_leaves: set[int] = set()
    for call in calls:
        if call.leave_id is not None:
            # A leave calls the substitute in for many meetings at once: one reminder for the
            # leave, about its nearest meeting, not one per meeting.
            if call.leave_id in reminded_leaves:
                continue
            reminded_leaves.add(call.leave_id)
        meeting = call.meeting
        meeting_day = format_date(local_date(meeting.starts_at), "d. MMMM y", locale="da")
        key = f"leave:{call.leave_id}" if call.leave_id is not None else f"call-in:{call.id}"
        yield Reminder(
            NoticeKind.SUBSTITUTE_CALLED_IN,
            key,
            call.substitute,
            f"Påmindelse: svar på indkaldelsen til mødet {meeting_day}",
            (
                f"Du er indkaldt som stedfortræder for {call.membership.person.name} til "
                f"{meeting.council.name}s møde {meeting_day}, {meeting.location}, og har "
                "ikke svaret endnu."
            ),
            f"/indkaldelser/{call.id}",
            meeting,
        )
        for person in [call.membership.person, *_staff(meeting, now)]:
            yield Reminder(
                NoticeKind.SUBSTITUTE_UNANSWERED,
                key,
                person,
                f"{call.substitute.name} har ikke svaret på indkaldelsen til {meeting_day}",
                (
                    f"{call.substitute.name} blev indkaldt som stedfortræder for "
                    f"{call.membership.person.name} for over et døgn siden og har ikke svaret."
                ),
                "/overblik",
                meeting,
            )


def appointment_ending_reminders(now: datetime) -> Iterator[Reminder]:
    """Staff, once, 60 days before the term of a body's published appointments ends, unless
    appointments for the next term are already published (rule 3.8)."""
    today = local_date(now)
    for body, ends_on in appointments_ending(today, today + APPOINTMENT_ENDING_AHEAD):
        day = format_date(ends_on, "d. MMMM y", locale="da")
        staff = db.session.scalars(
            select(Person)
            .join(StaffAssignment, StaffAssignment.person_id == Person.id)
            .where(StaffAssignment.council_id == body.council_id)
            .where(active_on(StaffAssignment, today))
        )
        for person in staff:
            yield Reminder(
                NoticeKind.APPOINTMENT_ENDING,
                f"body:{body.id}:{ends_on.isoformat()}",
                person,
                f"Udpegningen til {body.name} udløber {day}",
                (
                    f"Rådets udpegede til {body.name} er udpeget til og med {day}. "
                    "Forbered en ny udpegning (regel 3.8)."
                ),
                f"/kkr/{body.council.slug}/sekretariat/udpegninger/{body.id}",
                None,
                body.council,
            )


# Every kind of reminder the tick gives.
REMINDER_SOURCES: list[Callable[[datetime], Iterator[Reminder]]] = [
    proposal_deadline_reminders,
    agenda_deadline_reminders,
    unanswered_call_in_reminders,
    appointment_ending_reminders,
]


def give(reminder: Reminder) -> bool:
    """Record and notify in one transaction; False when another tick gave it first.

    The record is flushed first: on PostgreSQL a concurrent tick's insert of the same record
    waits here for the other transaction, then fails on the unique constraint.
    """
    record = ReminderSent(
        kind=reminder.kind, subject_key=reminder.subject_key, recipient_id=reminder.recipient.id
    )
    try:
        db.session.add(record)
        db.session.flush()
        notify(
            [reminder.recipient],
            reminder.kind,
            subject=reminder.subject,
            body=reminder.body,
            link=reminder.link,
            council=reminder.council or reminder.meeting.council,  # type: ignore[union-attr]
            meeting=reminder.meeting,
        )
        db.session.commit()
    except IntegrityError:
        db.session.rollback()
        return False
    return True


def already_given(reminder: Reminder) -> bool:
    return (
        db.session.scalar(
            select(ReminderSent.id).where(
                ReminderSent.kind == reminder.kind,
                ReminderSent.subject_key == reminder.subject_key,
                ReminderSent.recipient_id == reminder.recipient.id,
            )
        )
        is not None
    )


def tick(now: datetime) -> int:
    """Give every reminder that is due and not given yet; returns how many were given."""
    due = [reminder for source in REMINDER_SOURCES for reminder in source(now)]
    given = 0
    for reminder in due:
        if not already_given(reminder) and give(reminder):
            given += 1
    return given
