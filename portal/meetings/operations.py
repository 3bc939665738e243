"""The meeting plan kept by the secretariat (rule 3.1): plan, change and cancel a meeting.

Each action writes its audit row and its notices in the request's transaction (outbox): the
change and the notices about it exist together or not at all. Members and the substitutes
called in hear of every change and cancellation (NoticeKind.MEETING_CHANGED). The plan also
drives the leave area (portal.leave): a meeting planned or moved into a member's leave calls
the substitute in (rules 1.6–1.7), one moved out of it lets them go, and a leave awaiting the
council gets its agenda item on the first coming meeting (rule 1.7, portal/leave/agenda.py).
The plan does not know the absence area: whoever else must hear of a change (a substitute
called in) is added by that area through `HEARS_OF_CHANGES`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import TYPE_CHECKING

from flask_babel import gettext as _
from sqlalchemy import or_, select

from portal import audit
from portal.agendas.models import AgendaItem
from portal.councils.models import Council, Membership, Person, active_on
from portal.extensions import db
from portal.labels import label
from portal.leave import agenda as leave_agenda
from portal.leave.operations import (
    call_in_for_decisions,
    call_in_for_meeting,
    lock,
    withdraw_outside_leave,
)
from portal.meetings.models import Meeting, MeetingKind
from portal.meetings.wording import when, when_at
from portal.notifications.models import NoticeKind
from portal.notifications.operations import notify
from portal.refusal import Refused
from portal.rules.calendar import local_date

if TYPE_CHECKING:
    from portal.absences.models import SubstituteCallIn  # noqa: F401 (annotations)

# Who else hears of a change to a meeting, besides its members: each function gives
# (person, link to their page of the meeting). The absence area adds the substitutes called in.
HEARS_OF_CHANGES: list[Callable[[Meeting], list[tuple[Person, str]]]] = []


@dataclass
class PlanChange:
    """What a change of the plan did, for the message staff see afterwards."""

    meeting: Meeting
    changes: list[str] = field(default_factory=list)  # one line per changed fact
    notified: int = 0  # members and substitutes told
    call_ins: list[SubstituteCallIn] = field(default_factory=list)  # for a leave (1.6–1.7)
    withdrawn: list[SubstituteCallIn] = field(default_factory=list)  # moved out of a leave
    agenda_items: list[AgendaItem] = field(default_factory=list)  # leave decisions (1.7)


# --- where a notice about a meeting leads -------------------------------------------------


def member_link(meeting: Meeting) -> str:
    """A member's page of the meeting: its time and place, and their absence (rule 3.9)."""
    return f"/moeder/{meeting.id}/afbud"


# --- the rules of the plan ----------------------------------------------------------------


def refuse_past(starts_at: datetime, now: datetime) -> None:
    if starts_at <= now:
        raise Refused(
            "day",
            _(
                "Tidspunktet er passeret. Et møde kan ikke planlægges eller flyttes til et "
                "tidspunkt, der er gået; vælg en dato og et klokkeslæt frem i tiden."
            ),
        )


def refuse_clash(council: Council, starts_at: datetime, meeting: Meeting | None = None) -> None:
    """One meeting of a council at a time; this is also what makes a double-clicked submit
    plan one meeting, not two."""
    query = select(Meeting.id).where(
        Meeting.council_id == council.id,
        Meeting.starts_at == starts_at,
        Meeting.cancelled_at.is_(None),
    )
    if meeting is not None:
        query = query.where(Meeting.id != meeting.id)
    if db.session.scalar(query.limit(1)) is not None:
        raise Refused(
            "clock",
            _("Rådet har allerede et møde %(when)s.", when=when_at(starts_at)),
        )


def refuse_if_settled(meeting: Meeting, now: datetime, field_name: str) -> None:
    if meeting.cancelled_at is not None:
        raise Refused(field_name, _("Mødet er aflyst og kan ikke ændres."))
    if meeting.starts_at <= now:
        raise Refused(
            field_name, _("Mødet er begyndt eller holdt og kan ikke længere ændres eller aflyses.")
        )


# --- who hears of a change ----------------------------------------------------------------


def members_on(council_id: int, days: set[date]) -> list[Person]:
    """The council's members on the meeting's day (before and after a move)."""
    return list(
        db.session.scalars(
            select(Person)
            .join(Membership, Membership.person_id == Person.id)
            .where(
                Membership.council_id == council_id,
                or_(*(active_on(Membership, day) for day in sorted(days))),
            )
            .distinct()
            .order_by(Person.id)
        )
    )


def tell(meeting: Meeting, days: set[date], subject: str, body: str) -> int:
    """Members get a link to their page of the meeting, each substitute to their call-in."""
    members = members_on(meeting.council_id, days)
    notify(
        members,
        NoticeKind.MEETING_CHANGED,
        subject=subject,
        body=body,
        link=member_link(meeting),
        council=meeting.council,
        meeting=meeting,
    )
    told = {person.id for person in members}
    for hearers in HEARS_OF_CHANGES:
        for person, link in hearers(meeting):
            if person.id in told:
                continue
            told.add(person.id)
            notify(
                [person],
                NoticeKind.MEETING_CHANGED,
                subject=subject,
                body=body,
                link=link,
                council=meeting.council,
                meeting=meeting,
            )
    return len(told)


# --- plan, change, cancel -----------------------------------------------------------------


def plan_meeting(
    council: Council,
    *,
    kind: MeetingKind,
    starts_at: datetime,
    location: str,
    by: Person,
    now: datetime,
) -> PlanChange:
    """Rule 3.1: a meeting in the plan. Substitutes of members on leave that day are called
    in; a leave awaiting the council gets its agenda item if this is the next ordinary one."""
    refuse_past(starts_at, now)
    lock(council)  # plans of one council take turns (PostgreSQL), so the clash check holds
    refuse_clash(council, starts_at)
    meeting = Meeting(
        council=council, kind=kind, starts_at=starts_at, location=location, changed_at=now
    )
    db.session.add(meeting)
    db.session.flush()
    audit.record("meeting_planned", meeting, after=audit.snapshot(meeting), actor_id=by.id)
    return PlanChange(
        meeting,
        call_ins=call_in_for_meeting(meeting, now),
        agenda_items=leave_agenda.sync_decision_items(council, now),
    )


def describe_changes(meeting: Meeting, kind: MeetingKind, starts_at: datetime, location: str):  # noqa: ANN201
    lines = []
    if starts_at != meeting.starts_at:
        lines.append(
            _(
                "Nyt tidspunkt: %(new)s (før: %(old)s).",
                new=when_at(starts_at),
                old=when(meeting),
            )
        )
    if location != meeting.location:
        lines.append(_("Nyt sted: %(new)s (før: %(old)s).", new=location, old=meeting.location))
    if kind is not meeting.kind:
        lines.append(
            _("Ny mødetype: %(new)s (før: %(old)s).", new=label(kind), old=label(meeting.kind))
        )
    return lines


def change_meeting(
    meeting: Meeting,
    *,
    kind: MeetingKind,
    starts_at: datetime,
    location: str,
    by: Person,
    now: datetime,
) -> PlanChange:
    """Move a meeting, or change its place or kind; everyone concerned is told once. Saving
    without a change (a second click) tells no one."""
    lock(meeting)  # two staff changing it at once take turns
    refuse_if_settled(meeting, now, "meeting")
    moved = starts_at != meeting.starts_at
    if moved:
        refuse_past(starts_at, now)
        refuse_clash(meeting.council, starts_at, meeting)
    changes = describe_changes(meeting, kind, starts_at, location)
    if not changes:
        return PlanChange(meeting)
    before = audit.snapshot(meeting)
    old_when, old_day = when(meeting), local_date(meeting.starts_at)
    meeting.kind, meeting.starts_at, meeting.location = kind, starts_at, location
    meeting.changed_at = now
    db.session.flush()
    audit.record("meeting_changed", meeting, before=before, after=audit.snapshot(meeting))
    result = PlanChange(meeting, changes)
    result.withdrawn = withdraw_outside_leave(meeting, now)
    result.notified = tell(
        meeting,
        {old_day, local_date(starts_at)},
        _("Mødet %(when)s er ændret", when=old_when),
        _(
            "%(council)ss møde %(when)s er ændret:\n%(changes)s",
            council=meeting.council.name,
            when=old_when,
            changes="\n".join(changes),
        ),
    )
    # Told of the change first: a substitute called in now hears of the meeting as it is.
    result.call_ins = call_in_for_meeting(meeting, now)
    result.agenda_items = leave_agenda.sync_decision_items(meeting.council, now)
    return result


def cancel_meeting(meeting: Meeting, *, reason: str, by: Person, now: datetime) -> PlanChange:
    """Cancel a meeting with a reason; members and called-in substitutes are told. It stays in
    the plan, struck (nothing is deleted). Cancelling again (a second click) does nothing."""
    lock(meeting)
    if meeting.cancelled_at is not None:
        return PlanChange(meeting)
    refuse_if_settled(meeting, now, "meeting")
    reason = (reason or "").strip()
    if not reason:
        raise Refused("reason", _("Skriv, hvorfor mødet aflyses."))
    before = audit.snapshot(meeting)
    meeting.cancelled_at, meeting.cancellation_reason = now, reason
    meeting.changed_at = now
    db.session.flush()
    audit.record("meeting_cancelled", meeting, before=before, after=audit.snapshot(meeting))
    result = PlanChange(meeting, [_("Mødet er aflyst.")])
    result.notified = tell(
        meeting,
        {local_date(meeting.starts_at)},
        _("Mødet %(when)s er aflyst", when=when(meeting)),
        _(
            "%(council)ss møde %(when)s, %(place)s, er aflyst.\nBegrundelse: %(reason)s",
            council=meeting.council.name,
            when=when(meeting),
            place=meeting.location,
            reason=reason,
        ),
    )
    # A leave whose decision was on this meeting's agenda moves to the next meeting, and its
    # substitute is called to that one (rule 1.7).
    result.agenda_items = leave_agenda.sync_decision_items(meeting.council, now)
    result.call_ins = call_in_for_decisions(meeting.council, now)
    return result
