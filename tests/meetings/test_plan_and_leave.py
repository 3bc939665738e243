"""The meeting plan and long leave (rules 1.6–1.7): a meeting planned or moved into an applying
leave calls the substitute in, one moved out of it lets them go; a group-elected member's leave
awaiting the council (1.7) gets a closed agenda item on the first coming meeting, ordinary or
extraordinary, and the substitute is called to it when it falls in the period."""

from __future__ import annotations

import ast
from datetime import date, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import select

from portal.absences.models import CallInAnswer, SubstituteCallIn
from portal.agendas.models import AgendaItem
from portal.audit.models import AuditEntry
from portal.councils.models import MembershipKind
from portal.extensions import db
from portal.leave.models import LeaveKind, LeaveStatus
from portal.leave.operations import cancel_leave, record_leave_decision, register_leave
from portal.meetings import operations
from portal.meetings.models import MeetingKind
from portal.notifications.models import NoticeKind
from portal.refusal import Refused
from portal.rules.calendar import COPENHAGEN
from tests.factories import make_council, make_meeting, make_member, make_staff, make_substitute
from tests.meetings.scene import local, notices_to

# Far ahead, so that "now" is before every meeting (the operations take `now`).
NOW = datetime(2099, 1, 10, 12, tzinfo=COPENHAGEN)
STARTS, ENDS = date(2099, 2, 1), date(2099, 5, 1)


@pytest.fixture
def council(app):
    return make_council(slug="sjaelland", name="KKR Sjælland")


@pytest.fixture
def staff(council):
    return make_staff(council)


def seat(council, kind: MembershipKind = MembershipKind.GROUP_ELECTED):  # noqa: ANN001, ANN201
    membership = make_member(council, kind=kind)
    make_substitute(membership)
    return membership


def plan(council, staff, day: date, kind: MeetingKind = MeetingKind.ORDINARY):  # noqa: ANN001, ANN201
    return operations.plan_meeting(
        council, kind=kind, starts_at=local(day), location="Rådhuset", by=staff, now=NOW
    )


def move(meeting, staff, day: date, kind: MeetingKind | None = None):  # noqa: ANN001, ANN201
    return operations.change_meeting(
        meeting,
        kind=kind or meeting.kind,
        starts_at=local(day),
        location=meeting.location,
        by=staff,
        now=NOW,
    )


def leave_for(membership, **values):  # noqa: ANN001, ANN003, ANN201
    """A mayor's leave is a relief (1.6), a group-elected member's prevented (1.7)."""
    mayor = membership.kind is MembershipKind.MAYOR
    return register_leave(
        membership,
        values.get("kind", LeaveKind.RELIEF if mayor else LeaveKind.PREVENTED),
        values.get("starts", STARTS),
        values.get("ends", ENDS),
        by=membership.person,
        by_staff=False,
        now=NOW,
    )


def items() -> list[AgendaItem]:
    return list(db.session.scalars(select(AgendaItem).order_by(AgendaItem.id)))


def standing(meeting=None) -> list[AgendaItem]:  # noqa: ANN001
    return [
        i
        for i in items()
        if i.removed_at is None and (meeting is None or i.meeting_id == meeting.id)
    ]


def call_ins() -> list[SubstituteCallIn]:
    return list(db.session.scalars(select(SubstituteCallIn).order_by(SubstituteCallIn.id)))


# --- rule 1.6: the substitute follows the plan ----------------------------------------------


def test_rule_1_6_a_meeting_planned_in_an_applying_leave_calls_the_substitute_in(council, staff):
    mayor = seat(council, MembershipKind.MAYOR)
    leave_for(mayor)
    outside = plan(council, staff, ENDS + timedelta(days=3))
    assert outside.call_ins == []
    inside = plan(council, staff, date(2099, 3, 2))
    [call] = inside.call_ins
    assert call.meeting_id == inside.meeting.id and call.leave_id is not None
    [notice] = notices_to(call.substitute)
    assert notice.kind is NoticeKind.SUBSTITUTE_CALLED_IN
    # A constituting meeting seats a new council: no leave of the old one reaches it.
    assert plan(council, staff, date(2099, 3, 9), MeetingKind.CONSTITUTING).call_ins == []


def test_rule_1_6_moving_a_meeting_into_or_out_of_a_leave_follows_with_the_substitute(
    council, staff
):
    mayor = seat(council, MembershipKind.MAYOR)
    neighbour = seat(council)
    leave_for(mayor)
    meeting = plan(council, staff, ENDS + timedelta(days=10)).meeting
    moved_in = move(meeting, staff, date(2099, 4, 6))
    [call] = moved_in.call_ins
    substitute = call.substitute
    # Told of the meeting once, by the call-in (not also by the change notice).
    assert [n.kind for n in notices_to(substitute)] == [NoticeKind.SUBSTITUTE_CALLED_IN]
    assert [n.kind for n in notices_to(neighbour.person)] == [NoticeKind.MEETING_CHANGED]

    moved_out = move(meeting, staff, ENDS + timedelta(days=20))
    assert moved_out.withdrawn == [call] and call.answer is CallInAnswer.WITHDRAWN
    last = notices_to(substitute)[-1]
    assert last.kind is NoticeKind.SUBSTITUTE_CALLED_IN
    assert "ikke længere indkaldt" in last.subject and "uden for" in last.body
    assert moved_out.call_ins == []
    actions = set(db.session.scalars(select(AuditEntry.action)))
    assert {"meeting_planned", "meeting_changed", "substitute_call_in_withdrawn"} <= actions


# --- rule 1.7: the council's decision on the agenda -----------------------------------------


def test_rule_1_7_a_leave_awaiting_the_council_gets_a_closed_item_on_the_first_coming_meeting(
    council, staff
):
    elected = seat(council)
    next_ordinary = make_meeting(
        council, starts_at=local(date(2099, 1, 12)), kind=MeetingKind.EXTRAORDINARY
    )
    make_meeting(council, starts_at=local(date(2099, 1, 20)))
    make_meeting(council, starts_at=local(date(2099, 3, 20)))
    for position in (1, 2, 5):
        db.session.add(
            AgendaItem(
                council_id=council.id,
                meeting_id=next_ordinary.id,
                position=position,
                title=f"Punkt {position}",
            )
        )
    leave = leave_for(elected)
    assert leave.status is LeaveStatus.AWAITING_DECISION
    [item] = [i for i in standing(next_ordinary) if i.leave_id is not None]
    assert item.leave_id == leave.id
    assert item.closed is True  # a member's leave is a personal matter (our reading of 3.0)
    assert item.position == 6  # after the last item
    assert item.title == (
        f"Orlov for {elected.person.name} (1. februar 2099 – 1. maj 2099): "
        "rådets beslutning (regel 1.7)"
    )
    assert elected.municipality.name in item.presentation
    assert "personlige stedfortræder" in item.presentation
    assert item.recommendation
    assert "agenda_item_proposed" in set(db.session.scalars(select(AuditEntry.action)))
    # A mayor's leave applies at once (rule 1.6): nothing for the council to decide.
    leave_for(seat(council, MembershipKind.MAYOR))
    assert len(standing()) == 4


def test_rule_1_7_without_a_meeting_the_item_comes_when_one_is_planned(council, staff):
    leave = leave_for(seat(council))
    assert items() == []
    plan(council, staff, date(2099, 1, 25), MeetingKind.CONSTITUTING)
    assert items() == []  # a constituting meeting seats a new council
    result = plan(council, staff, date(2099, 2, 15), MeetingKind.EXTRAORDINARY)
    [item] = result.agenda_items
    assert item.leave_id == leave.id and item.meeting_id == result.meeting.id
    assert item.position == 1 and item.closed
    # Planning more meetings adds nothing more.
    assert plan(council, staff, date(2099, 4, 15)).agenda_items == []
    assert len(items()) == 1


def test_rule_1_7_the_item_stays_with_the_next_ordinary_meeting(council, staff):
    leave = leave_for(seat(council))
    later = plan(council, staff, date(2099, 3, 15)).meeting
    [first] = standing(later)
    # Staff plan an earlier ordinary meeting: the council decides there (rule 1.7).
    earlier = plan(council, staff, date(2099, 2, 10)).meeting
    assert first.removed_at is not None
    [second] = standing()
    assert second.meeting_id == earlier.id and second.leave_id == leave.id
    # That meeting is cancelled: the item goes on with the next ordinary meeting.
    result = operations.cancel_meeting(earlier, reason="Ingen sager", by=staff, now=NOW)
    assert second.removed_at is not None
    [third] = result.agenda_items
    assert third.meeting_id == later.id and standing() == [third]
    # Once members have the agenda, the item keeps its place.
    later.agenda_published_at = NOW
    plan(council, staff, date(2099, 2, 20))
    assert standing() == [third]


def test_rule_1_7_withdrawing_the_leave_takes_the_item_off_the_agenda(council, staff):
    leave = leave_for(seat(council))
    meeting = plan(council, staff, date(2099, 2, 10)).meeting
    [item] = standing(meeting)
    cancel_leave(leave, by=leave.membership.person, by_staff=False, now=NOW)
    assert item.removed_at == NOW
    assert standing() == []
    assert "agenda_item_removed" in set(db.session.scalars(select(AuditEntry.action)))
    # A new meeting brings no item back for a withdrawn leave.
    assert plan(council, staff, date(2099, 2, 12)).agenda_items == []


def test_rule_1_7_the_decided_leave_keeps_its_item(council, staff):
    leave = leave_for(seat(council))
    meeting = plan(council, staff, date(2099, 2, 10)).meeting
    record_leave_decision(leave, True, by=staff, now=NOW)
    plan(council, staff, date(2099, 2, 5))  # an earlier meeting no longer concerns it
    [item] = standing()
    assert item.meeting_id == meeting.id


def test_rule_1_7_the_substitute_is_called_at_once_to_an_extraordinary_deciding_meeting(
    council, staff
):
    elected = seat(council)
    deciding = make_meeting(
        council, starts_at=local(date(2099, 2, 3)), kind=MeetingKind.EXTRAORDINARY
    )
    later = make_meeting(council, starts_at=local(date(2099, 2, 20)))
    leave = leave_for(elected)
    assert leave.kind is LeaveKind.PREVENTED
    assert leave.status is LeaveStatus.AWAITING_DECISION
    # The seat is not empty where the council decides: the substitute is called to it alone.
    [call] = call_ins()
    assert call.meeting_id == deciding.id and call.leave_id == leave.id
    [notice] = notices_to(call.substitute)
    assert "beslutter, om du træder ind" in notice.body
    [item] = [i for i in standing(deciding) if i.leave_id == leave.id]
    assert item.closed
    # A meeting planned later in the period waits for the council's decision.
    assert plan(council, staff, date(2099, 3, 1)).call_ins == []
    # Yes: the substitute serves the rest of the period.
    after_meeting = local(date(2099, 2, 4))
    calls = record_leave_decision(leave, True, by=staff, now=after_meeting)
    assert {c.meeting_id for c in calls} >= {later.id}
    assert deciding.id not in {c.meeting_id for c in calls}  # already called


def test_rule_1_7_a_no_withdraws_the_call_ins_after_the_deciding_meeting(council, staff):
    elected = seat(council)
    deciding = make_meeting(council, starts_at=local(date(2099, 2, 3)))
    leave = leave_for(elected)
    [call] = call_ins()
    # The council says no before... a call-in for a meeting not yet begun is withdrawn.
    record_leave_decision(leave, False, by=staff, now=NOW)
    assert call.answer is CallInAnswer.WITHDRAWN
    [_, withdrawn] = notices_to(call.substitute)
    assert "ikke længere indkaldt" in withdrawn.subject
    assert "betingelserne" in withdrawn.body and deciding.location in withdrawn.body


def test_rule_1_7_a_no_after_the_deciding_meeting_leaves_its_call_in_as_held(council, staff):
    elected = seat(council)
    make_meeting(council, starts_at=local(date(2099, 2, 3)))
    leave = leave_for(elected)
    [call] = call_ins()
    record_leave_decision(leave, False, by=staff, now=local(date(2099, 2, 4)))
    assert call.answer is not CallInAnswer.WITHDRAWN  # the substitute did come to that one
    assert leave.status is LeaveStatus.REFUSED


def test_rule_1_7_cancelling_the_deciding_meeting_calls_the_substitute_to_the_next(council, staff):
    elected = seat(council)
    first = plan(council, staff, date(2099, 2, 3)).meeting
    second = plan(council, staff, date(2099, 2, 17)).meeting
    leave_for(elected)
    assert [c.meeting_id for c in call_ins()] == [first.id]
    result = operations.cancel_meeting(first, reason="Ingen sager", by=staff, now=NOW)
    assert [c.meeting_id for c in result.call_ins] == [second.id]


def test_rule_1_6_a_group_elected_members_relief_applies_at_once_without_the_council(
    council, staff
):
    elected = seat(council)
    meetings = [plan(council, staff, day).meeting for day in (date(2099, 2, 3), date(2099, 3, 3))]
    leave = leave_for(elected, kind=LeaveKind.RELIEF)
    assert leave.kind is LeaveKind.RELIEF and leave.status is LeaveStatus.APPLIES
    assert [c.meeting_id for c in call_ins()] == [m.id for m in meetings]
    assert standing() == []  # nothing for the council to decide


def test_rule_1_7_does_not_apply_to_a_mayor(council, staff):
    mayor = seat(council, MembershipKind.MAYOR)
    with pytest.raises(Refused) as refused:
        leave_for(mayor, kind=LeaveKind.PREVENTED)
    assert refused.value.field == "kind" and "regel 1.6" in refused.value.message


def test_rule_1_7_changing_the_deciding_meeting_keeps_its_substitute(council, staff):
    elected = seat(council)
    deciding = plan(council, staff, date(2099, 2, 3)).meeting
    leave_for(elected)
    [call] = call_ins()
    # A new place, then a new day still in the period: the council still decides there.
    operations.change_meeting(
        deciding,
        kind=deciding.kind,
        starts_at=deciding.starts_at,
        location="Byrådssalen",
        by=staff,
        now=NOW,
    )
    result = move(deciding, staff, date(2099, 2, 5))
    assert result.withdrawn == [] and call.answer is not CallInAnswer.WITHDRAWN
    # Moved to before the leave begins, the member comes; the substitute is let go.
    result = move(deciding, staff, date(2099, 1, 25))
    assert result.withdrawn == [call] and call.answer is CallInAnswer.WITHDRAWN


def test_the_meeting_plan_does_not_import_the_absence_area():
    """The plan tells called-in substitutes through a hook the absence area registers; only
    type annotations name the absence area's models."""
    package = Path(operations.__file__).parent
    for path in package.glob("*.py"):
        tree = ast.parse(path.read_text())
        typing_only = {
            id(node)
            for block in ast.walk(tree)
            if isinstance(block, ast.If) and ast.unparse(block.test) == "TYPE_CHECKING"
            for node in ast.walk(block)
        }
        imported = [
            node.module or ""
            for node in ast.walk(tree)
            if isinstance(node, ast.ImportFrom) and id(node) not in typing_only
        ]
        assert not [name for name in imported if name.startswith("portal.absences")], path.name
