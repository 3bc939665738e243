"""Long leave (rules 1.6, 1.7).

Our reading (shared/RULES.md):
- 1.6, a relief (`LeaveKind.RELIEF`): a mayor or group-elected member formally relieved of
  municipal duties under the municipal act for an expected 3 months or more. The relief is a
  fact with its dates; the substitute steps in for every meeting of the period at once, with
  no council decision.
- 1.7, prevented (`LeaveKind.PREVENTED`): a group-elected member prevented for an expected 3
  months or more. The chair calls the substitute to the first coming meeting (ordinary or
  extraordinary), and the council decides there. The call-in goes out at once when that
  meeting falls in the period (before it, the member can still attend and the seat is not
  empty). Yes: the substitute serves the whole period. No: the call-ins after that meeting are
  withdrawn and the substitute and member told.

Each action writes its audit rows and its notices in the request's transaction (outbox):
either the leave, its call-ins and the notices all exist, or none of them do.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from datetime import date, datetime, time, timedelta
from typing import Any

from babel.dates import format_date
from flask_babel import gettext as _
from flask_babel import ngettext
from sqlalchemy import select

from portal import audit
from portal.absences.models import CallInAnswer, SubstituteCallIn
from portal.absences.operations import record_call_in, substitute_on, when
from portal.councils.models import (
    Council,
    Membership,
    MembershipKind,
    Person,
)
from portal.councils.queries import staff_of
from portal.extensions import db
from portal.leave import agenda as leave_agenda
from portal.leave.models import Leave, LeaveKind, LeaveStatus
from portal.meetings.models import Meeting, MeetingKind
from portal.notifications.models import NoticeKind
from portal.notifications.operations import notify
from portal.refusal import Refused
from portal.rules.attendance import is_long_term_leave
from portal.rules.calendar import COPENHAGEN, local_date

# The meetings a substitute steps in for during a leave (a constituting meeting seats a new
# council, so no leave of the old one reaches it).
LEAVE_MEETING_KINDS = (MeetingKind.ORDINARY, MeetingKind.EXTRAORDINARY)
# Leaves that hold the period: a cancelled or refused leave leaves room for a new one.
STANDING_LEAVE = (LeaveStatus.AWAITING_DECISION, LeaveStatus.APPLIES)

MEMBER_LEAVE_LINK = "/orlov"


def day_text(day: date) -> str:
    return format_date(day, "d. MMMM y", locale="da")


def period_text(leave: Leave) -> str:
    return f"{day_text(leave.starts_on)} – {day_text(leave.ends_on)}"


def start_of_day(day: date) -> datetime:
    return datetime.combine(day, time(0), tzinfo=COPENHAGEN)


def staff_leave_link(council: Council) -> str:
    return f"/kkr/{council.slug}/admin/orlov"


def lock(row: Any) -> None:
    """Take the row's lock for this transaction (PostgreSQL; SQLite serialises writers) and
    read it afresh, so that concurrent requests on it take turns. Own changes are flushed
    first, so that the fresh read keeps them."""
    db.session.flush()
    model = type(row)
    # The id alone: FOR UPDATE may not reach the outer joins of the row's eager loads.
    db.session.execute(select(model.id).where(model.id == row.id).with_for_update())
    db.session.refresh(row)


def staff_people(council: Council, now: datetime) -> list[Person]:
    return [assignment.person for assignment in staff_of(council, local_date(now))]


# --- long leave (rules 1.6–1.7) -----------------------------------------------------------


def decision_meeting(council: Council, now: datetime) -> Meeting | None:
    """Rule 1.7: the council decides a prevented member's leave at its first coming meeting,
    ordinary or extraordinary (a constituting meeting seats a new council instead)."""
    return db.session.scalar(
        select(Meeting)
        .where(
            Meeting.council_id == council.id,
            Meeting.kind.in_(LEAVE_MEETING_KINDS),
            Meeting.cancelled_at.is_(None),
            Meeting.starts_at > now,
        )
        .order_by(Meeting.starts_at)
        .limit(1)
    )


def overlapping_leave(membership: Membership, starts_on: date, ends_on: date) -> Leave | None:
    return db.session.scalar(
        select(Leave)
        .where(
            Leave.membership_id == membership.id,
            Leave.status.in_(STANDING_LEAVE),
            Leave.starts_on <= ends_on,
            Leave.ends_on >= starts_on,
        )
        .limit(1)
    )


def meetings_in_leave(leave: Leave, now: datetime) -> list[Meeting]:
    """The council's meetings in the period that are not cancelled and have not started."""
    return list(
        db.session.scalars(
            select(Meeting)
            .where(
                Meeting.council_id == leave.council_id,
                Meeting.kind.in_(LEAVE_MEETING_KINDS),
                Meeting.cancelled_at.is_(None),
                Meeting.starts_at > now,
                Meeting.starts_at >= start_of_day(leave.starts_on),
                Meeting.starts_at < start_of_day(leave.ends_on + timedelta(days=1)),
            )
            .order_by(Meeting.starts_at)
        )
    )


def meeting_lines(calls: list[SubstituteCallIn]) -> str:
    return "\n".join(f"– {when(call.meeting)}, {call.meeting.location}" for call in calls)


def call_in_for_leave(
    leave: Leave, now: datetime, only: Meeting | None = None
) -> list[SubstituteCallIn]:
    """Rules 1.6–1.7: the personal substitute steps in for every meeting of the period (or,
    with `only`, for that one meeting of it: 1.7's decision meeting).

    One call-in per meeting; a seat whose substitute is already called in for a meeting (a
    single absence) keeps that call-in. Each substitute gets one notice listing the meetings.
    """
    meetings = meetings_in_leave(leave, now)
    if only is not None:
        meetings = [meeting for meeting in meetings if meeting.id == only.id]
    if not meetings:
        return []
    membership = leave.membership
    already_called = set(
        db.session.scalars(
            select(SubstituteCallIn.meeting_id).where(
                SubstituteCallIn.membership_id == membership.id,
                SubstituteCallIn.meeting_id.in_([m.id for m in meetings]),
                SubstituteCallIn.answer != CallInAnswer.WITHDRAWN,
            )
        )
    )
    calls: list[SubstituteCallIn] = []
    for meeting in meetings:
        if meeting.id in already_called:
            continue
        # The substitute on each meeting's own day: the assignment may change in the period.
        substitute = substitute_on(membership, meeting)
        if substitute is None:
            continue
        calls.append(record_call_in(meeting, membership, substitute, now, leave_id=leave.id))
    by_substitute: dict[int, list[SubstituteCallIn]] = defaultdict(list)
    for call in calls:
        by_substitute[call.substitute_id].append(call)
    for substitute_calls in by_substitute.values():
        notify(
            [substitute_calls[0].substitute],
            NoticeKind.SUBSTITUTE_CALLED_IN,
            subject=_(
                "Du er indkaldt som stedfortræder for %(member)s i orlovsperioden",
                member=membership.person.name,
            ),
            body=(
                _(
                    "%(member)s har orlov %(period)s (regel 1.6–1.7). Du er indkaldt som "
                    "personlig stedfortræder til %(council)ss møder:\n%(meetings)s\n"
                    "Svar for hvert møde, om du deltager.",
                    member=membership.person.name,
                    period=period_text(leave),
                    council=leave.council.name,
                    meetings=meeting_lines(substitute_calls),
                )
                if only is None
                else _(
                    "%(member)s er forhindret i perioden %(period)s (regel 1.7). Du er indkaldt "
                    "som personlig stedfortræder til %(council)ss første møde i perioden, hvor "
                    "rådet beslutter, om du træder ind for hele perioden:\n%(meetings)s\n"
                    "Svar, om du deltager.",
                    member=membership.person.name,
                    period=period_text(leave),
                    council=leave.council.name,
                    meetings=meeting_lines(substitute_calls),
                )
            ),
            link="/overblik",
            council=leave.council,
            meeting=substitute_calls[0].meeting if len(substitute_calls) == 1 else None,
        )
    return calls


def call_in_for_meeting(meeting: Meeting, now: datetime) -> list[SubstituteCallIn]:
    """A meeting planned or moved inside a leave: call in the substitutes of the seats on leave
    that day (for the meetings module to call when the plan changes). A leave awaiting the
    council (1.7) calls its substitute to the meeting that decides it, and no other."""
    if meeting.kind not in LEAVE_MEETING_KINDS or meeting.cancelled_at is not None:
        return []
    day = local_date(meeting.starts_at)
    leaves = db.session.scalars(
        select(Leave).where(
            Leave.council_id == meeting.council_id,
            Leave.status.in_(STANDING_LEAVE),
            Leave.starts_on <= day,
            Leave.ends_on >= day,
        )
    )
    calls: list[SubstituteCallIn] = []
    deciding: Meeting | None = None
    for leave in leaves:
        if leave.status is LeaveStatus.APPLIES:
            calls += call_in_for_leave(leave, now)
            continue
        deciding = deciding or decision_meeting(leave.council, now)
        if deciding is not None and deciding.id == meeting.id:
            calls += call_in_for_leave(leave, now, only=meeting)
    return calls


def call_in_for_decisions(council: Council, now: datetime) -> list[SubstituteCallIn]:
    """After a meeting was cancelled: each leave awaiting the council (1.7) has its substitute
    called to the meeting that now decides it, when that meeting is in the leave's period."""
    deciding = decision_meeting(council, now)
    if deciding is None:
        return []
    leaves = db.session.scalars(
        select(Leave)
        .where(Leave.council_id == council.id, Leave.status == LeaveStatus.AWAITING_DECISION)
        .order_by(Leave.id)
    )
    return [call for leave in leaves for call in call_in_for_leave(leave, now, only=deciding)]


def withdraw_outside_leave(meeting: Meeting, now: datetime) -> list[SubstituteCallIn]:
    """A meeting moved out of a leave (or made a kind no leave reaches): the substitutes
    called in for the leave are not needed any more, and are told so. A leave awaiting the
    council keeps its substitute on the meeting that decides it (rule 1.7)."""
    day = local_date(meeting.starts_at)
    rows = db.session.execute(
        select(SubstituteCallIn, Leave)
        .join(Leave, Leave.id == SubstituteCallIn.leave_id)
        .where(
            SubstituteCallIn.meeting_id == meeting.id,
            SubstituteCallIn.answer != CallInAnswer.WITHDRAWN,
        )
    ).all()
    withdrawn = []
    deciding: Meeting | None = None
    for call, leave in rows:
        in_period = leave.starts_on <= day <= leave.ends_on and meeting.kind in LEAVE_MEETING_KINDS
        if in_period and leave.status is LeaveStatus.APPLIES:
            continue
        if in_period and leave.status is LeaveStatus.AWAITING_DECISION:
            deciding = deciding or decision_meeting(leave.council, now)
            if deciding is not None and deciding.id == meeting.id:
                continue
        before = audit.snapshot(call)
        call.answer, call.answered_at = CallInAnswer.WITHDRAWN, now
        audit.record(
            "substitute_call_in_withdrawn", call, before=before, after=audit.snapshot(call)
        )
        notify(
            [call.substitute],
            NoticeKind.SUBSTITUTE_CALLED_IN,
            subject=_("Du er ikke længere indkaldt %(when)s", when=when(meeting)),
            body=_(
                "%(council)ss møde er flyttet til %(when)s, %(place)s, uden for %(member)ss "
                "orlov. %(member)s deltager selv, så du er ikke længere indkaldt.",
                council=meeting.council.name,
                when=when(meeting),
                place=meeting.location,
                member=call.membership.person.name,
            ),
            link=f"/indkaldelser/{call.id}",
            council=meeting.council,
            meeting=meeting,
        )
        withdrawn.append(call)
    return withdrawn


def called_in_text(calls: list[SubstituteCallIn]) -> str:
    if not calls:
        return _("Der er ingen planlagte møder i perioden endnu.")
    names = ", ".join(sorted({call.substitute.name for call in calls}))
    return ngettext(
        "%(substitute)s er indkaldt til %(num)d møde i perioden.",
        "%(substitute)s er indkaldt til %(num)d møder i perioden.",
        len(calls),
        substitute=names,
    )


def tell_member(leave: Leave, subject: str, body: str) -> None:
    notify(
        [leave.membership.person],
        NoticeKind.GENERAL,
        subject=subject,
        body=body,
        link=MEMBER_LEAVE_LINK,
        council=leave.council,
    )


def decision_text(leave: Leave, now: datetime) -> str:
    meeting = decision_meeting(leave.council, now)
    if meeting is None:
        return _(
            "Rådet beslutter på sit første kommende møde, om stedfortræderen træder ind "
            "(regel 1.7). Der er endnu ikke planlagt et møde."
        )
    return _(
        "Rådet beslutter på sit første kommende møde %(when)s, om stedfortræderen træder ind "
        "(regel 1.7).",
        when=when(meeting),
    )


def register_leave(
    membership: Membership,
    kind: LeaveKind,
    starts_on: date,
    ends_on: date,
    *,
    by: Person,
    by_staff: bool,
    now: datetime,
) -> Leave:
    """Rules 1.6–1.7: a member away for 3 months or more. A relief (1.6) applies at once and
    the substitute is called in; a prevented member's leave (1.7) awaits the council at its
    first coming meeting, to which the substitute is called."""
    if kind is LeaveKind.PREVENTED and membership.kind is MembershipKind.MAYOR:
        raise Refused(
            "kind",
            _(
                "Regel 1.7 gælder kun medlemmer valgt af et parti eller listesamarbejde. En "
                "borgmesters stedfortræder træder kun ind, når borgmesteren er fritaget efter "
                "kommunestyrelsesloven (regel 1.6); ellers meldes afbud til de enkelte møder."
            ),
        )
    if ends_on < starts_on:
        raise Refused("ends_on", _("Sidste dag kan ikke ligge før første dag."))
    if not is_long_term_leave(starts_on, ends_on):
        raise Refused(
            "ends_on",
            _(
                "Orlov skal vare mindst 3 måneder (regel 1.6–1.7). Er du væk kortere tid, "
                "så meld afbud til de enkelte møder."
            ),
        )
    today = local_date(now)
    if starts_on < today and not by_staff:
        raise Refused(
            "starts_on",
            _(
                "Orloven kan tidligst begynde i dag. Kontakt sekretariatet, hvis den skal "
                "registreres med tilbagevirkende kraft."
            ),
        )
    if membership.starts_on > starts_on:
        raise Refused(
            "starts_on",
            _(
                "Medlemskabet begynder først %(day)s; orloven kan ikke begynde før.",
                day=day_text(membership.starts_on),
            ),
        )
    if membership.ends_on is not None and membership.ends_on < ends_on:
        raise Refused(
            "ends_on",
            _(
                "Medlemskabet slutter %(day)s; orloven kan ikke vare længere.",
                day=day_text(membership.ends_on),
            ),
        )
    # Registrations for one seat take turns (PostgreSQL row lock): a double-clicked submit
    # finds the first leave and is refused as overlapping.
    lock(membership)
    existing = overlapping_leave(membership, starts_on, ends_on)
    if existing is not None:
        raise Refused(
            "starts_on",
            _("Der er allerede registreret orlov %(period)s.", period=period_text(existing)),
        )
    # Rule 1.6: the substitute steps in at once; rule 1.7: the council decides.
    relief = kind is LeaveKind.RELIEF
    leave = Leave(
        council_id=membership.council_id,
        membership=membership,
        starts_on=starts_on,
        ends_on=ends_on,
        kind=kind,
        status=LeaveStatus.APPLIES if relief else LeaveStatus.AWAITING_DECISION,
        registered_at=now,
        registered_by_id=by.id,
    )
    db.session.add(leave)
    db.session.flush()
    audit.record("leave_registered", leave, after=audit.snapshot(leave), actor_id=by.id)
    member = membership.person
    if leave.status is LeaveStatus.APPLIES:
        calls = call_in_for_leave(leave, now)
        status = _("Orloven gælder fra første dag (regel 1.6).") + " " + called_in_text(calls)
        tell_member(
            leave,
            _("Din orlov %(period)s er registreret", period=period_text(leave)),
            status,
        )
    else:
        leave_agenda.propose_decision_item(leave, now)  # rule 1.7: the item on the agenda
        deciding = decision_meeting(leave.council, now)
        calls = call_in_for_leave(leave, now, only=deciding) if deciding else []
        status = _("Orloven afventer rådets beslutning.") + " " + decision_text(leave, now)
        if calls:
            status += " " + called_in_text(calls)
        tell_member(
            leave,
            _("Din orlov %(period)s afventer rådets beslutning", period=period_text(leave)),
            status,
        )
    if not by_staff:
        # The secretariat prepares the council's decision (1.7) or knows the seat changes (1.6).
        notify(
            staff_people(leave.council, now),
            NoticeKind.GENERAL,
            subject=_(
                "%(member)s har registreret orlov %(period)s",
                member=member.name,
                period=period_text(leave),
            ),
            body=status,
            link=staff_leave_link(leave.council),
            council=leave.council,
        )
    return leave


def record_leave_decision(
    leave: Leave, approved: bool, *, by: Person, now: datetime
) -> list[SubstituteCallIn]:
    """Rule 1.7: staff record the council's decision; approval calls the substitute in."""
    lock(leave)  # two staff deciding at once: one wins
    if leave.status is not LeaveStatus.AWAITING_DECISION:
        raise Refused("decision", _("Orloven afventer ikke rådets beslutning."))
    before = audit.snapshot(leave)
    leave.status = LeaveStatus.APPLIES if approved else LeaveStatus.REFUSED
    leave.decided_at, leave.decided_by_id = now, by.id
    audit.record("leave_decided", leave, before=before, after=audit.snapshot(leave))
    if not approved:
        # Rule 1.7: the substitute came to the deciding meeting; the later call-ins go.
        withdraw_call_ins(
            leave,
            now,
            lambda member, meetings: _(
                "Rådet har besluttet, at betingelserne for, at du træder ind for %(member)s i "
                "perioden %(period)s, ikke er til stede (regel 1.7). Du er ikke længere "
                "indkaldt til:\n%(meetings)s",
                member=member,
                period=period_text(leave),
                meetings=meetings,
            ),
        )
        tell_member(
            leave,
            _("Rådet har ikke godkendt din orlov %(period)s", period=period_text(leave)),
            _("Din stedfortræder indkaldes ikke. Du er selv indkaldt til rådets møder."),
        )
        return []
    calls = call_in_for_leave(leave, now)
    tell_member(
        leave,
        _("Rådet har godkendt din orlov %(period)s", period=period_text(leave)),
        _("Stedfortræderen træder ind i perioden (regel 1.7).") + " " + called_in_text(calls),
    )
    return calls


def member_may_cancel(leave: Leave, today: date) -> bool:
    """A member withdraws a leave that awaits the council or has not begun; once it runs,
    the secretariat ends it."""
    if leave.status is LeaveStatus.AWAITING_DECISION:
        return True
    return leave.status is LeaveStatus.APPLIES and leave.starts_on > today


def cancel_leave(leave: Leave, *, by: Person, by_staff: bool, now: datetime) -> None:
    """Withdraw a leave: the substitute's call-ins for meetings not yet begun are withdrawn
    and the substitute is told once."""
    lock(leave)
    if leave.status is LeaveStatus.CANCELLED:
        return  # a second click
    if leave.status is LeaveStatus.REFUSED:
        raise Refused("leave", _("Rådet har ikke godkendt orloven, så den gælder ikke."))
    if not by_staff and not member_may_cancel(leave, local_date(now)):
        raise Refused(
            "leave", _("Orloven er begyndt. Kontakt sekretariatet, hvis du vender tilbage.")
        )
    before = audit.snapshot(leave)
    leave.status = LeaveStatus.CANCELLED
    audit.record("leave_cancelled", leave, before=before, after=audit.snapshot(leave))
    leave_agenda.withdraw_decision_items(leave, now)  # nothing left for the council to decide
    withdraw_call_ins(
        leave,
        now,
        lambda member, meetings: _(
            "%(member)s har trukket orloven %(period)s tilbage og deltager selv. Du er "
            "ikke længere indkaldt til:\n%(meetings)s",
            member=member,
            period=period_text(leave),
            meetings=meetings,
        ),
    )
    member = leave.membership.person
    if by.id != member.id:
        tell_member(
            leave,
            _("Din orlov %(period)s er annulleret", period=period_text(leave)),
            _("Sekretariatet har annulleret orloven. Du er selv indkaldt til rådets møder."),
        )


def withdraw_call_ins(
    leave: Leave, now: datetime, body: Callable[[str, str], str]
) -> list[SubstituteCallIn]:
    """The leave's call-ins for meetings not yet begun are withdrawn; each substitute is told
    once, with `body(member name, meeting lines)`."""
    calls = list(
        db.session.scalars(
            select(SubstituteCallIn)
            .join(Meeting, Meeting.id == SubstituteCallIn.meeting_id)
            .where(
                SubstituteCallIn.leave_id == leave.id,
                SubstituteCallIn.answer != CallInAnswer.WITHDRAWN,
                Meeting.starts_at > now,
            )
            .order_by(Meeting.starts_at)
        )
    )
    by_substitute: dict[int, list[SubstituteCallIn]] = defaultdict(list)
    for call in calls:
        before_call = audit.snapshot(call)
        call.answer, call.answered_at = CallInAnswer.WITHDRAWN, now
        audit.record(
            "substitute_call_in_withdrawn", call, before=before_call, after=audit.snapshot(call)
        )
        by_substitute[call.substitute_id].append(call)
    member = leave.membership.person
    for substitute_calls in by_substitute.values():
        notify(
            [substitute_calls[0].substitute],
            NoticeKind.SUBSTITUTE_CALLED_IN,
            subject=_(
                "Du er ikke længere indkaldt for %(member)s",
                member=member.name,
            ),
            body=body(member.name, meeting_lines(substitute_calls)),
            link="/overblik",
            council=leave.council,
            meeting=substitute_calls[0].meeting if len(substitute_calls) == 1 else None,
        )
    return calls
