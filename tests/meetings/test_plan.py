"""The secretariat's meeting plan (rule 3.1): the year's meetings with their deadlines; plan,
move, change and cancel a meeting, with notices to members and called-in substitutes. Date and
time are typed on the Copenhagen clock and stored in UTC."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import select

from portal.audit.models import AuditEntry
from portal.extensions import db
from portal.meetings.models import Meeting, MeetingKind
from portal.notifications.models import Notice, NoticeKind
from portal.policy import today
from portal.rules.calendar import COPENHAGEN, agenda_deadline, proposal_deadline
from portal.templating import local_datetime
from portal.types import utcnow
from tests.conftest import sign_in
from tests.factories import make_meeting
from tests.meetings.scene import (
    HTMX,
    Scene,
    a_future_day,
    build_scene,
    count,
    form_data,
    local,
    notices_to,
)
from tests.support import QueryCounter


@pytest.fixture
def scene(app) -> Scene:
    return build_scene()


@pytest.fixture
def staff_client(client, scene):
    sign_in(client, scene.staff)
    return client


def last_sunday(year: int, month: int) -> date:
    day = date(year, month + 1, 1) - timedelta(days=1)
    return day - timedelta(days=(day.weekday() - 6) % 7)


def audit_actions() -> list[str]:
    return list(db.session.scalars(select(AuditEntry.action).order_by(AuditEntry.id)))


def meetings_of(scene: Scene) -> list[Meeting]:
    return list(
        db.session.scalars(
            select(Meeting).where(Meeting.council_id == scene.council.id).order_by(Meeting.id)
        )
    )


# --- the plan of a year -------------------------------------------------------------------


def test_rule_3_1_staff_see_the_years_meetings_with_their_deadlines(staff_client, scene):
    year = today().year + 2  # a year the scene's meeting is not in
    ordinary = make_meeting(scene.council, starts_at=local(date(year, 3, 4)), location="Køge")
    constituting = make_meeting(
        scene.council, starts_at=local(date(year, 1, 20)), kind=MeetingKind.CONSTITUTING
    )
    called_off = make_meeting(scene.council, starts_at=local(date(year, 6, 2)))
    called_off.cancelled_at, called_off.cancellation_reason = utcnow(), "For få punkter"
    make_meeting(scene.other_council, starts_at=local(date(year, 3, 5)), location="Hillerød")

    with QueryCounter() as few:
        response = staff_client.get(scene.plan_url(year))
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert f"mødeplan {year}" in page
    rows = re.findall(r'<tr id="meeting-(\d+)"', page)
    # In the order of the year, the cancelled one included; not the other council's.
    assert rows == [str(constituting.id), str(ordinary.id), str(called_off.id)]
    assert "Hillerød" not in page
    # Rule 3.2 and 3.3 deadlines of the ordinary meeting, rule 1.4 of the constituting one.
    assert local_datetime(proposal_deadline(ordinary.starts_at)) in page
    assert agenda_deadline(ordinary.starts_at).date().isoformat() in page
    assert "Valgforbund anmeldt (regel 1.4)" in page
    assert "Begrundelse: For få punkter" in page
    # Only open meetings can be changed or cancelled.
    assert f"/moedeplan/{ordinary.id}/ret" in page and f"/moedeplan/{called_off.id}/ret" not in page
    assert 'aria-current="page">Mødeplan<' in page

    # The number of queries does not grow with the meetings.
    for week in range(10):
        make_meeting(scene.council, starts_at=local(date(year, 8, 3) + timedelta(weeks=week)))
    with QueryCounter() as many:
        assert staff_client.get(scene.plan_url(year)).status_code == 200
    assert many.count == few.count

    # This year by default; a year out of range is not there.
    assert f"mødeplan {today().year}" in staff_client.get(scene.plan_url()).get_data(as_text=True)
    assert staff_client.get(scene.plan_url(1066)).status_code == 404


# --- planning a meeting -------------------------------------------------------------------


def test_rule_3_1_staff_plan_a_meeting_typed_in_copenhagen_time_and_stored_in_utc(
    staff_client, scene
):
    year = today().year + 1
    summer, winter = date(year, 7, 1), date(year, 12, 1)
    response = staff_client.post(scene.new_url(), data=form_data(summer, "10:00"))
    assert response.status_code == 303
    assert response.headers["Location"] == scene.plan_url(year)
    staff_client.post(scene.new_url(), data=form_data(winter, "09:30", MeetingKind.EXTRAORDINARY))
    july, december = meetings_of(scene)[-2:]
    # 10:00 summer time is 08:00 UTC; 09:30 winter time is 08:30 UTC.
    assert july.starts_at == datetime(year, 7, 1, 8, 0, tzinfo=UTC)
    assert december.starts_at == datetime(year, 12, 1, 8, 30, tzinfo=UTC)
    assert december.kind is MeetingKind.EXTRAORDINARY
    assert july.location == "Næstved Rådhus" and july.changed_at is not None
    assert audit_actions().count("meeting_planned") == 2
    # Planning tells no one; the plan shows the meeting with the message.
    assert count(Notice) == 0
    page = staff_client.get(scene.plan_url(year)).get_data(as_text=True)
    assert "er sat i mødeplanen" in page and f'id="meeting-{july.id}"' in page


def test_rule_3_1_a_time_the_clock_skips_or_shows_twice_is_refused_in_danish(staff_client, scene):
    year = today().year + 1
    spring, autumn = last_sunday(year, 3), last_sunday(year, 10)
    before = count(Meeting)
    gap = staff_client.post(scene.new_url(), data=form_data(spring, "02:30"))
    assert gap.status_code == 422
    assert "Klokken 02:30 findes ikke" in gap.get_data(as_text=True)
    twice = staff_client.post(scene.new_url(), data=form_data(autumn, "02:30"))
    assert twice.status_code == 422
    assert "Klokken 02:30 findes to gange" in twice.get_data(as_text=True)
    assert count(Meeting) == before
    # Either side of the change is fine.
    assert staff_client.post(scene.new_url(), data=form_data(spring, "03:00")).status_code == 303
    assert staff_client.post(scene.new_url(), data=form_data(autumn, "03:00")).status_code == 303
    spring_meeting, autumn_meeting = meetings_of(scene)[-2:]
    assert spring_meeting.starts_at.astimezone(COPENHAGEN).utcoffset() == timedelta(hours=2)
    assert autumn_meeting.starts_at.astimezone(COPENHAGEN).utcoffset() == timedelta(hours=1)


def test_rule_3_1_a_meeting_cannot_be_planned_in_the_past(staff_client, scene):
    before = count(Meeting)
    response = staff_client.post(scene.new_url(), data=form_data(today() - timedelta(days=1)))
    assert response.status_code == 422
    assert "Tidspunktet er passeret" in response.get_data(as_text=True)
    assert count(Meeting) == before


def test_the_form_says_what_is_missing_in_danish(staff_client, scene):
    response = staff_client.post(
        scene.new_url(), data={"kind": "ordinary", "day": "", "clock": "25:00", "location": ""}
    )
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "Skal udfyldes." in page
    assert "Skriv et klokkeslæt som tt:mm, fx 10:00." in page
    assert 'aria-invalid="true"' in page


def test_rule_3_1_a_double_clicked_submit_plans_one_meeting(staff_client, scene):
    day = a_future_day(60)
    assert staff_client.post(scene.new_url(), data=form_data(day)).status_code == 303
    again = staff_client.post(scene.new_url(), data=form_data(day))
    assert again.status_code == 422
    assert "Rådet har allerede et møde" in again.get_data(as_text=True)
    assert len([m for m in meetings_of(scene) if m.starts_at == local(day)]) == 1


def test_under_htmx_the_form_swaps_in_place_and_success_loads_the_plan(staff_client, scene):
    invalid = staff_client.post(scene.new_url(), data=form_data(a_future_day(), ""), headers=HTMX)
    assert invalid.status_code == 422
    body = invalid.get_data(as_text=True)
    assert body.lstrip().startswith('<form method="post" class="stacked" id="meeting-form"')
    assert "<html" not in body
    day = a_future_day(90)
    done = staff_client.post(scene.new_url(), data=form_data(day), headers=HTMX)
    assert done.status_code == 204
    assert done.headers["HX-Redirect"] == scene.plan_url(day.year)


# --- changing a meeting -------------------------------------------------------------------


def test_rule_3_1_moving_a_meeting_tells_members_and_called_in_substitutes(staff_client, scene):
    meeting = scene.meeting
    old = local_datetime(meeting.starts_at)
    form = staff_client.get(scene.change_url()).get_data(as_text=True)
    assert 'value="10:00"' in form and f'value="{meeting.starts_at.date().isoformat()}"' in form

    new_day = a_future_day(50)
    response = staff_client.post(
        scene.change_url(), data=form_data(new_day, "13:15", location="Holbæk Rådhus")
    )
    assert response.status_code == 303
    assert response.headers["Location"] == scene.plan_url(new_day.year)
    assert meeting.starts_at == local(new_day, 13, 15)
    assert meeting.location == "Holbæk Rådhus"
    assert meeting.changed_at is not None
    entry = db.session.scalars(
        select(AuditEntry).where(AuditEntry.action == "meeting_changed")
    ).one()
    assert entry.before["location"] == "Sorø Rådhus" and entry.after["location"] == "Holbæk Rådhus"
    assert entry.actor_id == scene.staff.id

    # Each member once, with a link to their page of the meeting ...
    for member in (scene.seat.person, scene.neighbour.person):
        [notice] = notices_to(member)
        assert notice.kind is NoticeKind.MEETING_CHANGED
        assert notice.meeting_id == meeting.id
        assert notice.link == f"/moeder/{meeting.id}/afbud"
        assert "Nyt sted: Holbæk Rådhus (før: Sorø Rådhus)." in notice.body
        assert "13:15" in notice.body
    # ... the called-in substitute with a link to their call-in; no one else.
    [notice] = notices_to(scene.substitute)
    assert notice.kind is NoticeKind.MEETING_CHANGED
    assert notice.link == f"/indkaldelser/{scene.call.id}"
    assert count(Notice) == 3
    assert notices_to(scene.staff) == []
    page = staff_client.get(scene.plan_url(new_day.year)).get_data(as_text=True)
    assert "Mødet er ændret. 3 medlemmer og stedfortrædere har fået besked." in page
    assert old not in page


def test_rule_3_1_saving_without_a_change_tells_no_one(staff_client, scene):
    data = form_data(scene.meeting.starts_at.astimezone(COPENHAGEN).date(), location="Sorø Rådhus")
    response = staff_client.post(scene.change_url(), data=data, follow_redirects=True)
    assert "Der var ingen ændringer at gemme." in response.get_data(as_text=True)
    assert count(Notice) == 0
    assert "meeting_changed" not in audit_actions()


def test_rule_3_1_a_meeting_cannot_be_moved_into_the_past(staff_client, scene):
    starts_at = scene.meeting.starts_at
    response = staff_client.post(scene.change_url(), data=form_data(today() - timedelta(days=2)))
    assert response.status_code == 422
    assert "Tidspunktet er passeret" in response.get_data(as_text=True)
    assert scene.meeting.starts_at == starts_at
    assert count(Notice) == 0


def test_rule_3_1_a_held_or_cancelled_meeting_cannot_be_changed(staff_client, scene):
    held = make_meeting(scene.council, starts_at=utcnow() - timedelta(days=3))
    scene.meeting.cancelled_at = utcnow()
    for meeting in (held, scene.meeting):
        assert "kan ikke ændres" in staff_client.get(scene.change_url(meeting)).get_data(
            as_text=True
        )
        response = staff_client.post(scene.change_url(meeting), data=form_data(a_future_day(70)))
        assert response.status_code == 422
        assert "kan ikke længere ændres" in response.get_data(as_text=True) or (
            "er aflyst og kan ikke ændres" in response.get_data(as_text=True)
        )
    cancel = staff_client.post(scene.cancel_url(held), data={"reason": "Ingen"})
    assert cancel.status_code == 422
    assert held.cancelled_at is None
    assert count(Notice) == 0


# --- cancelling a meeting -----------------------------------------------------------------


def test_rule_3_1_cancelling_tells_members_and_substitutes_with_the_reason(staff_client, scene):
    meeting = scene.meeting
    page = staff_client.get(scene.cancel_url()).get_data(as_text=True)
    assert "Aflys møde" in page and "Sorø Rådhus" in page
    response = staff_client.post(scene.cancel_url(), data={"reason": "  Ingen sager  "})
    assert response.status_code == 303
    assert response.headers["Location"] == scene.plan_url(
        meeting.starts_at.astimezone(COPENHAGEN).year
    )
    assert meeting.cancelled_at is not None and meeting.cancellation_reason == "Ingen sager"
    assert meeting.changed_at == meeting.cancelled_at
    assert "meeting_cancelled" in audit_actions()
    for person, link in (
        (scene.seat.person, f"/moeder/{meeting.id}/afbud"),
        (scene.neighbour.person, f"/moeder/{meeting.id}/afbud"),
        (scene.substitute, f"/indkaldelser/{scene.call.id}"),
    ):
        [notice] = notices_to(person)
        assert notice.kind is NoticeKind.MEETING_CHANGED and notice.link == link
        assert "er aflyst" in notice.subject and "Begrundelse: Ingen sager" in notice.body
    # A second click changes nothing and tells no one again.
    assert staff_client.post(scene.cancel_url(), data={"reason": "Igen"}).status_code == 303
    assert count(Notice) == 3 and meeting.cancellation_reason == "Ingen sager"


def test_rule_3_1_a_cancellation_needs_a_reason(staff_client, scene):
    response = staff_client.post(scene.cancel_url(), data={"reason": "   "})
    assert response.status_code == 422
    assert "Skriv, hvorfor mødet aflyses." in response.get_data(as_text=True)
    assert scene.meeting.cancelled_at is None and count(Notice) == 0


def test_csrf_is_enforced_on_every_change(csrf_app, scene):
    client = csrf_app.test_client()
    sign_in(client, scene.staff)
    before = (count(Meeting), scene.meeting.starts_at)
    for url, data in (
        (scene.new_url(), form_data(a_future_day(80))),
        (scene.change_url(), form_data(a_future_day(80))),
        (scene.cancel_url(), {"reason": "Ingen sager"}),
    ):
        assert client.post(url, data=data).status_code == 400, url
    assert (count(Meeting), scene.meeting.starts_at) == before
    assert scene.meeting.cancelled_at is None and count(Notice) == 0
    # With the page's token it works.
    page = client.get(scene.cancel_url()).get_data(as_text=True)
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
    response = client.post(scene.cancel_url(), data={"reason": "Ingen sager", "csrf_token": token})
    assert response.status_code == 303
