"""Long leave (rules 1.6–1.7): a mayor's leave applies at once, a group-elected member's waits
for the council; the personal substitute is called in for every meeting of the period."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

import pytest
from sqlalchemy import func, select

from portal.absences.models import CallInAnswer, SubstituteCallIn
from portal.absences.operations import register_absence, when
from portal.audit.models import AuditEntry
from portal.councils.models import MembershipKind
from portal.councils.queries import substitute_of_membership
from portal.extensions import db
from portal.leave.models import Leave, LeaveKind, LeaveStatus
from portal.leave.operations import (
    call_in_for_meeting,
    cancel_leave,
    record_leave_decision,
    register_leave,
)
from portal.meetings.models import MeetingKind
from portal.notifications.models import EmailStatus, Notice, NoticeKind
from portal.policy import today
from portal.refusal import Refused
from portal.rules.calendar import COPENHAGEN
from portal.templating import local_datetime
from portal.types import utcnow
from tests.conftest import sign_in
from tests.factories import (
    make_council,
    make_meeting,
    make_member,
    make_person,
    make_staff,
    make_substitute,
)

# A period far ahead, so that "now" is before every meeting in it.
NOW = datetime(2099, 1, 10, 12, tzinfo=COPENHAGEN)
STARTS = date(2099, 2, 1)
ENDS = date(2099, 4, 30)  # exactly three months: 1 February to 30 April, both included


def count(model: type) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def notices_for(person, kind: NoticeKind | None = None) -> list[Notice]:
    query = select(Notice).where(Notice.recipient_id == person.id).order_by(Notice.id)
    if kind is not None:
        query = query.where(Notice.kind == kind)
    return list(db.session.scalars(query))


def meeting_on(council, day: date, kind: MeetingKind = MeetingKind.ORDINARY, **values):  # noqa: ANN001, ANN003, ANN201
    meeting = make_meeting(
        council, starts_at=datetime.combine(day, time(10), tzinfo=COPENHAGEN), kind=kind
    )
    for name, value in values.items():
        setattr(meeting, name, value)
    return meeting


def call_ins() -> list[SubstituteCallIn]:
    return list(db.session.scalars(select(SubstituteCallIn).order_by(SubstituteCallIn.id)))


@pytest.fixture
def council(app):
    return make_council(slug="sjaelland", name="KKR Sjælland")


@pytest.fixture
def staff(council):
    return make_staff(council)


@pytest.fixture
def mayor(council):
    membership = make_member(council, kind=MembershipKind.MAYOR)
    make_substitute(membership)
    return membership


@pytest.fixture
def elected(council):
    membership = make_member(council)
    make_substitute(membership)
    return membership


@pytest.fixture
def meetings(council):
    """Meetings inside the period, and some that the leave must leave alone."""
    return {
        "first": meeting_on(council, STARTS, location="Rådhuset"),
        "extra": meeting_on(council, date(2099, 3, 3), MeetingKind.EXTRAORDINARY),
        "last": meeting_on(council, ENDS, location="Byrådssalen"),
        "cancelled": meeting_on(council, date(2099, 3, 10), cancelled_at=NOW),
        "constituting": meeting_on(council, date(2099, 3, 17), MeetingKind.CONSTITUTING),
        "before": meeting_on(council, STARTS - timedelta(days=1)),
        "after": meeting_on(council, ENDS + timedelta(days=1)),
    }


def leave_for(  # noqa: ANN201
    membership,  # noqa: ANN001
    *,
    kind=None,  # noqa: ANN001
    by=None,  # noqa: ANN001
    by_staff=False,  # noqa: ANN001
    starts=STARTS,  # noqa: ANN001
    ends=ENDS,  # noqa: ANN001
    now=NOW,  # noqa: ANN001
):
    """A mayor's leave is a relief (1.6) and a group-elected member's prevented (1.7), unless
    `kind` says otherwise."""
    if kind is None:
        mayor = membership.kind is MembershipKind.MAYOR
        kind = LeaveKind.RELIEF if mayor else LeaveKind.PREVENTED
    return register_leave(
        membership, kind, starts, ends, by=by or membership.person, by_staff=by_staff, now=now
    )


def substitute_of(membership):  # noqa: ANN001, ANN201
    return substitute_of_membership(membership, STARTS).substitute


# --- rule 1.6: a mayor ----------------------------------------------------------------------


def test_rule_1_6_mayor_leave_applies_at_once_and_calls_in_the_substitute_for_each_meeting(
    mayor, meetings, staff
):
    substitute = substitute_of(mayor)
    leave = leave_for(mayor)
    assert leave.status is LeaveStatus.APPLIES
    called = call_ins()
    wanted = [meetings["first"], meetings["extra"], meetings["last"]]
    assert [call.meeting_id for call in called] == [m.id for m in wanted]
    assert {(c.leave_id, c.absence_id, c.substitute_id) for c in called} == {
        (leave.id, None, substitute.id)
    }
    assert all(call.answer is CallInAnswer.PENDING for call in called)
    # One notice with the list of meetings, e-mailed whatever the substitute chose (urgent).
    [notice] = notices_for(substitute)
    assert notice.kind is NoticeKind.SUBSTITUTE_CALLED_IN
    assert notice.email_status is EmailStatus.PENDING
    assert notice.link == "/overblik"
    for meeting in wanted:
        assert when(meeting) in notice.body
    for meeting in (meetings["cancelled"], meetings["before"], meetings["after"]):
        assert when(meeting) not in notice.body
    assert mayor.person.name in notice.subject
    # The member hears the status; the secretariat hears of a leave the member registered.
    [member_notice] = notices_for(mayor.person)
    assert "registreret" in member_notice.subject and "3 møder" in member_notice.body
    [staff_notice] = notices_for(staff)
    assert staff_notice.link == "/kkr/sjaelland/admin/orlov"
    actions = set(db.session.scalars(select(AuditEntry.action)))
    assert {"leave_registered", "substitute_called_in"} <= actions


def test_rule_1_6_a_meeting_with_a_standing_call_in_keeps_it(mayor, meetings):
    meeting = meetings["first"]
    absence = register_absence(
        meeting,
        mayor,
        by=mayor.person,
        by_staff=False,
        call_substitute=True,
        reason=None,
        now=NOW,
    )
    leave_for(mayor)
    by_meeting = {call.meeting_id: call for call in call_ins()}
    assert len(by_meeting) == 3
    assert by_meeting[meeting.id].absence_id == absence.id
    assert by_meeting[meeting.id].leave_id is None


def test_rule_1_6_the_substitute_of_each_meeting_day_is_called_in(council, mayor, meetings):
    first = substitute_of(mayor)
    # The first substitute serves until 1 March, a new one from 2 March.
    substitute_of_membership(mayor, STARTS).ends_on = date(2099, 3, 1)
    second = make_substitute(mayor, starts_on=date(2099, 3, 2)).substitute
    leave_for(mayor)
    assert [c.substitute_id for c in call_ins()] == [first.id, second.id, second.id]
    assert len(notices_for(first)) == 1
    [notice] = notices_for(second)
    assert when(meetings["extra"]) in notice.body and when(meetings["last"]) in notice.body


def test_rule_1_6_a_meeting_planned_later_in_the_leave_calls_the_substitute_in(mayor):
    leave_for(mayor)
    assert call_ins() == []  # nothing planned yet
    meeting = meeting_on(mayor.council, date(2099, 4, 1))
    [call] = call_in_for_meeting(meeting, NOW)
    assert call.meeting_id == meeting.id and call.leave_id is not None
    assert call_in_for_meeting(meeting, NOW) == []  # once


# --- rule 1.7: a group-elected member -------------------------------------------------------


def test_rule_1_7_group_elected_leave_awaits_the_council(elected, meetings, staff):
    substitute = substitute_of(elected)
    leave = leave_for(elected)
    assert leave.status is LeaveStatus.AWAITING_DECISION
    assert call_ins() == []
    assert notices_for(substitute) == []
    # The member is told the council decides at its next ordinary meeting, and which one.
    [pending] = notices_for(elected.person)
    assert "afventer rådets beslutning" in pending.subject
    assert when(meetings["before"]) in pending.body
    assert notices_for(staff)

    calls = record_leave_decision(leave, True, by=staff, now=NOW + timedelta(days=20))
    assert leave.status is LeaveStatus.APPLIES and leave.decided_by_id == staff.id
    assert [c.meeting_id for c in calls] == [
        meetings["first"].id,
        meetings["extra"].id,
        meetings["last"].id,
    ]
    [notice] = notices_for(substitute)
    assert notice.kind is NoticeKind.SUBSTITUTE_CALLED_IN
    assert "godkendt" in notices_for(elected.person)[-1].subject
    with pytest.raises(Refused, match="afventer ikke"):
        record_leave_decision(leave, False, by=staff, now=NOW + timedelta(days=21))


def test_rule_1_7_refused_leave_calls_no_one_in(elected, meetings, staff):
    substitute = substitute_of(elected)
    leave = leave_for(elected)
    assert record_leave_decision(leave, False, by=staff, now=NOW) == []
    assert leave.status is LeaveStatus.REFUSED
    assert call_ins() == []
    assert notices_for(substitute) == []
    assert "ikke godkendt" in notices_for(elected.person)[-1].subject
    # A refused leave leaves the period free for a new registration.
    assert leave_for(elected).status is LeaveStatus.AWAITING_DECISION


def test_rule_1_7_approval_calls_in_only_meetings_not_yet_begun(elected, meetings, staff):
    leave = leave_for(elected)
    after_the_first = datetime.combine(STARTS, time(12), tzinfo=COPENHAGEN)
    calls = record_leave_decision(leave, True, by=staff, now=after_the_first)
    assert [c.meeting_id for c in calls] == [meetings["extra"].id, meetings["last"].id]


# --- refusals ---------------------------------------------------------------------------------


def test_rule_1_6_leave_shorter_than_three_months_refused(mayor, meetings):
    with pytest.raises(Refused) as refused:
        leave_for(mayor, ends=ENDS - timedelta(days=1))
    assert refused.value.field == "ends_on"
    assert "mindst 3 måneder" in refused.value.message
    assert "meld afbud" in refused.value.message
    assert count(Leave) == 0
    assert count(SubstituteCallIn) == 0
    assert count(Notice) == 0


def test_leave_ending_before_it_starts_is_refused(mayor):
    with pytest.raises(Refused, match="Sidste dag kan ikke ligge før"):
        leave_for(mayor, starts=ENDS, ends=STARTS)


def test_members_cannot_back_date_a_leave_but_staff_can(mayor, staff):
    yesterday = NOW.date() - timedelta(days=1)
    with pytest.raises(Refused) as refused:
        leave_for(mayor, starts=yesterday, ends=yesterday + timedelta(days=120))
    assert refused.value.field == "starts_on" and "tidligst begynde i dag" in refused.value.message
    leave = leave_for(
        mayor, by=staff, by_staff=True, starts=yesterday, ends=yesterday + timedelta(days=120)
    )
    assert leave.registered_by_id == staff.id
    assert notices_for(staff) == []  # staff registered it themselves
    assert notices_for(mayor.person)  # the member is told


def test_leave_must_lie_within_the_membership(council):
    membership = make_member(council, ends_on=date(2099, 4, 1))
    with pytest.raises(Refused, match="Medlemskabet slutter 1. april 2099"):
        leave_for(membership)
    later = make_member(council, starts_on=date(2099, 2, 15))
    with pytest.raises(Refused, match="Medlemskabet begynder først 15. februar 2099"):
        leave_for(later)


def test_overlapping_leave_refused_until_the_first_is_cancelled(mayor):
    first = leave_for(mayor)
    with pytest.raises(Refused, match="allerede registreret orlov 1. februar 2099"):
        leave_for(mayor, starts=date(2099, 4, 1), ends=date(2099, 8, 1))
    cancel_leave(first, by=mayor.person, by_staff=False, now=NOW)
    assert leave_for(mayor, starts=date(2099, 4, 1), ends=date(2099, 8, 1))


# --- cancelling --------------------------------------------------------------------------------


def test_cancelling_a_leave_withdraws_the_call_ins_and_tells_the_substitute_once(
    mayor, meetings, staff
):
    substitute = substitute_of(mayor)
    leave = leave_for(mayor)
    cancel_leave(leave, by=mayor.person, by_staff=False, now=NOW + timedelta(days=1))
    assert leave.status is LeaveStatus.CANCELLED
    assert {call.answer for call in call_ins()} == {CallInAnswer.WITHDRAWN}
    called, withdrawn = notices_for(substitute)
    assert "ikke længere indkaldt" in withdrawn.subject
    for key in ("first", "extra", "last"):
        assert when(meetings[key]) in withdrawn.body
    actions = list(db.session.scalars(select(AuditEntry.action)))
    assert actions.count("substitute_call_in_withdrawn") == 3
    assert "leave_cancelled" in actions
    cancel_leave(leave, by=mayor.person, by_staff=False, now=NOW + timedelta(days=2))
    assert len(notices_for(substitute)) == 2  # a second click changes nothing


def test_a_running_leave_is_ended_by_the_secretariat_keeping_past_call_ins(mayor, meetings, staff):
    leave = leave_for(mayor)
    running = datetime.combine(date(2099, 3, 1), time(12), tzinfo=COPENHAGEN)
    with pytest.raises(Refused, match="Kontakt sekretariatet"):
        cancel_leave(leave, by=mayor.person, by_staff=False, now=running)
    cancel_leave(leave, by=staff, by_staff=True, now=running)
    answers = {call.meeting_id: call.answer for call in call_ins()}
    assert answers[meetings["first"].id] is CallInAnswer.PENDING  # that meeting was held
    assert answers[meetings["extra"].id] is CallInAnswer.WITHDRAWN
    assert "annulleret" in notices_for(mayor.person)[-1].subject


# --- the pages --------------------------------------------------------------------------------


def days_ahead(days: int) -> str:
    return (today() + timedelta(days=days)).isoformat()


def test_member_registers_a_leave_and_sees_its_status(client, council, elected):
    meeting = make_meeting(council, days_ahead=40)
    sign_in(client, elected.person)
    page = client.get("/orlov")
    assert page.status_code == 200
    assert "Registrér orlov" in page.get_data(as_text=True)
    response = client.post(
        "/orlov",
        data={
            "membership_id": str(elected.id),
            "kind": "prevented",
            "starts_on": days_ahead(10),
            "ends_on": days_ahead(200),
        },
    )
    assert response.status_code == 303
    assert response.headers["Location"] == "/orlov"
    text = client.get("/orlov").get_data(as_text=True)
    assert "Afventer rådets beslutning" in text
    assert "Afgøres på mødet" in text
    assert str(meeting.starts_at.astimezone(COPENHAGEN).year) in text
    assert "Orloven er registreret og afventer rådets beslutning" in text


def test_leave_form_refuses_a_short_leave_in_danish_and_stores_nothing(client, elected):
    sign_in(client, elected.person)
    response = client.post(
        "/orlov",
        data={
            "membership_id": str(elected.id),
            "kind": "prevented",
            "starts_on": days_ahead(1),
            "ends_on": days_ahead(30),
        },
        headers={"HX-Request": "true"},
    )
    assert response.status_code == 422
    text = response.get_data(as_text=True)
    assert "Orlov skal vare mindst 3 måneder" in text
    assert "<html" not in text  # htmx gets the form alone
    assert count(Leave) == 0 and count(Notice) == 0


def test_htmx_registration_redirects_the_client(client, elected):
    sign_in(client, elected.person)
    response = client.post(
        "/orlov",
        data={
            "membership_id": str(elected.id),
            "kind": "prevented",
            "starts_on": days_ahead(0),
            "ends_on": days_ahead(95),
        },
        headers={"HX-Request": "true"},
    )
    assert response.status_code == 204
    assert response.headers["HX-Redirect"] == "/orlov"


def test_member_withdraws_a_pending_leave(client, elected):
    leave = leave_for(elected, now=utcnow(), starts=today(), ends=today() + timedelta(days=100))
    sign_in(client, elected.person)
    assert "Træk orloven tilbage" in client.get("/orlov").get_data(as_text=True)
    response = client.post(f"/orlov/{leave.id}/annuller")
    assert response.status_code == 303
    assert leave.status is LeaveStatus.CANCELLED


def test_staff_see_the_pending_decision_with_its_meeting_and_record_it(
    client, council, elected, staff
):
    meeting = make_meeting(council, days_ahead=20)
    extraordinary = make_meeting(council, days_ahead=10, kind=MeetingKind.EXTRAORDINARY)
    leave = leave_for(
        elected,
        now=utcnow(),
        starts=today() + timedelta(days=15),
        ends=today() + timedelta(days=120),
    )
    sign_in(client, staff)
    page = client.get("/kkr/sjaelland/admin/orlov")
    text = page.get_data(as_text=True)
    assert page.status_code == 200
    assert elected.person.name in text
    assert "Rådet har godkendt" in text and "Rådet har afvist" in text
    # The first coming meeting decides, of any kind (rule 1.7); it is before the period, so
    # the member attends it and no substitute is called yet.
    assert local_datetime(extraordinary.starts_at) in text
    assert call_ins() == []
    response = client.post(
        f"/kkr/sjaelland/admin/orlov/{leave.id}/beslutning", data={"decision": "approved"}
    )
    assert response.status_code == 303
    assert leave.status is LeaveStatus.APPLIES
    [call] = call_ins()
    assert call.meeting_id == meeting.id
    assert (
        client.post(
            f"/kkr/sjaelland/admin/orlov/{leave.id}/beslutning", data={"decision": "maybe"}
        ).status_code
        == 400
    )
    # Deciding twice is refused with a message, not an error page.
    again = client.post(
        f"/kkr/sjaelland/admin/orlov/{leave.id}/beslutning",
        data={"decision": "refused"},
        follow_redirects=True,
    )
    assert "Orloven afventer ikke rådets beslutning" in again.get_data(as_text=True)
    assert leave.status is LeaveStatus.APPLIES


def test_staff_register_a_back_dated_leave_for_a_member(client, council, mayor, staff):
    sign_in(client, staff)
    response = client.post(
        "/kkr/sjaelland/admin/orlov",
        data={
            "membership_id": str(mayor.id),
            "kind": "relief",
            "starts_on": days_ahead(-10),
            "ends_on": days_ahead(100),
        },
    )
    assert response.status_code == 303
    leave = db.session.scalar(select(Leave))
    assert leave.status is LeaveStatus.APPLIES and leave.registered_by_id == staff.id


# --- who may do what ----------------------------------------------------------------------------


ROLES = [
    "anonymous",
    "member",
    "other_member",
    "other_council_member",
    "substitute",
    "staff",
    "other_staff",
]


@pytest.fixture
def world(council, elected, staff):
    other = make_council(slug="hovedstaden")
    leave = leave_for(
        elected,
        now=utcnow(),
        starts=today() + timedelta(days=5),
        ends=today() + timedelta(days=100),
    )
    people = {
        "anonymous": None,
        "member": elected.person,
        "other_member": make_member(council).person,
        "other_council_member": make_member(other).person,
        "substitute": substitute_of(elected),
        "staff": staff,
        "other_staff": make_staff(other),
    }
    return {"leave": leave, "people": people, "other": other}


def as_role(client, world, role):  # noqa: ANN001, ANN201
    person = world["people"][role]
    if person is not None:
        sign_in(client, person)
    return client


# (method, url, expected status per role); the leave is the member's own.
LEAVE_ROUTES = {
    "GET /orlov": (
        "get",
        "/orlov",
        {
            "member": 200,
            "other_member": 200,
            "other_council_member": 200,
            "substitute": 200,
            "staff": 200,
            "other_staff": 200,
        },
    ),
    "POST /orlov": (
        "post",
        "/orlov",
        {
            "member": 422,
            "other_member": 422,
            "other_council_member": 422,
            "substitute": 403,
            "staff": 403,
            "other_staff": 403,
        },
    ),
    "POST /orlov/<id>/annuller": (
        "post",
        "/orlov/{leave}/annuller",
        {
            "member": 303,
            "other_member": 404,
            "other_council_member": 404,
            "substitute": 404,
            "staff": 404,
            "other_staff": 404,
        },
    ),
    "GET admin/orlov": (
        "get",
        "/kkr/sjaelland/admin/orlov",
        {
            "member": 403,
            "other_member": 403,
            "other_council_member": 403,
            "substitute": 403,
            "staff": 200,
            "other_staff": 403,
        },
    ),
    "POST admin/orlov": (
        "post",
        "/kkr/sjaelland/admin/orlov",
        {
            "member": 403,
            "other_member": 403,
            "other_council_member": 403,
            "substitute": 403,
            "staff": 422,
            "other_staff": 403,
        },
    ),
    "POST admin/orlov/<id>/beslutning": (
        "post",
        "/kkr/sjaelland/admin/orlov/{leave}/beslutning",
        {
            "member": 403,
            "other_member": 403,
            "other_council_member": 403,
            "substitute": 403,
            "staff": 303,
            "other_staff": 403,
        },
    ),
    "POST admin/orlov/<id>/annuller": (
        "post",
        "/kkr/sjaelland/admin/orlov/{leave}/annuller",
        {
            "member": 403,
            "other_member": 403,
            "other_council_member": 403,
            "substitute": 403,
            "staff": 303,
            "other_staff": 403,
        },
    ),
}


@pytest.mark.parametrize("route", list(LEAVE_ROUTES))
@pytest.mark.parametrize("role", ROLES)
def test_leave_routes_answer_each_role(client, world, route, role):
    method, url, expected = LEAVE_ROUTES[route]
    url = url.format(leave=world["leave"].id)
    response = getattr(as_role(client, world, role), method)(url, data={"decision": "approved"})
    if role == "anonymous":
        assert response.status_code == 302
        assert response.headers["Location"].startswith("/log-ind?next=")
        return
    assert response.status_code == expected[role]


def test_members_see_only_their_own_leaves(client, world, council):
    leave = world["leave"]
    sign_in(client, world["people"]["other_member"])
    text = client.get("/orlov").get_data(as_text=True)
    assert "Du har ikke registreret orlov" in text
    assert "Træk orloven tilbage" not in text
    assert leave.status is LeaveStatus.AWAITING_DECISION


def test_staff_of_another_council_cannot_reach_this_councils_leave(client, world):
    sign_in(client, world["people"]["other_staff"])
    leave = world["leave"]
    # Through their own council's URL, this council's leave does not exist.
    for path in ("beslutning", "annuller"):
        response = client.post(
            f"/kkr/hovedstaden/admin/orlov/{leave.id}/{path}", data={"decision": "approved"}
        )
        assert response.status_code == 404
    page = client.get("/kkr/hovedstaden/admin/orlov").get_data(as_text=True)
    assert world["people"]["member"].name not in page
    # Nor can they register a leave for this council's member.
    response = client.post(
        "/kkr/hovedstaden/admin/orlov",
        data={
            "membership_id": str(leave.membership_id),
            "kind": "prevented",
            "starts_on": days_ahead(200),
            "ends_on": days_ahead(400),
        },
    )
    assert response.status_code == 422
    assert leave.status is LeaveStatus.AWAITING_DECISION
    assert count(Leave) == 1


def test_leave_forms_need_the_csrf_token(csrf_app, council, elected):
    client = csrf_app.test_client()
    sign_in(client, elected.person)
    response = client.post(
        "/orlov",
        data={
            "membership_id": str(elected.id),
            "starts_on": days_ahead(1),
            "ends_on": days_ahead(100),
        },
    )
    assert response.status_code == 400
    assert count(Leave) == 0


def test_a_person_without_a_seat_is_told_so(client, council):
    sign_in(client, make_person(council))
    text = client.get("/orlov").get_data(as_text=True)
    assert "Du er ikke medlem af et kommunekontaktråd" in text


def test_rule_1_6_an_unanswered_leave_gives_one_reminder_not_one_per_meeting(
    mayor, meetings, staff
):
    from portal.reminders import tick

    substitute = substitute_of(mayor)
    leave_for(mayor)
    db.session.commit()
    before = {p.id: len(notices_for(p)) for p in (substitute, mayor.person, staff)}
    # One reminder each: the substitute, the member and the staff, about the nearest meeting.
    assert tick(NOW + timedelta(hours=25)) == 3
    assert tick(NOW + timedelta(hours=49)) == 0
    for person in (substitute, mayor.person, staff):
        assert len(notices_for(person)) == before[person.id] + 1
    [reminder] = notices_for(substitute)[before[substitute.id] :]
    assert reminder.meeting_id == meetings["first"].id


def test_rule_3_7_a_member_on_leave_is_not_counted_present(elected, meetings):
    from portal.absences.queries import meeting_attendance
    from portal.rules.attendance import Attendance

    leave_for(elected)  # awaiting the council's decision: no substitute called in yet
    seats = {s.membership.id: s.state for s in meeting_attendance(meetings["first"]).seats}
    assert seats[elected.id] is Attendance.ABSENT
    outside = {s.membership.id: s.state for s in meeting_attendance(meetings["after"]).seats}
    assert outside[elected.id] is Attendance.PRESENT
