"""Rule 3.9 on the day: staff record who actually attended where it differs from the absences
and answers (a substitute who came without answering, a late arrival, an early departure);
the minutes list them and every vote is checked against those there for that item. Rule 3.5:
staff record whom the meeting chose to lead it when neither chair nor vice-chair came."""

from __future__ import annotations

from datetime import timedelta

import pytest

from portal.absences import operations as absences
from portal.absences.models import AttendanceRecord, AttendedBy, CallInAnswer
from portal.absences.queries import meeting_attendance
from portal.extensions import db
from portal.minutes import operations as minutes
from portal.refusal import Refused
from portal.rules.attendance import Attendance
from portal.types import utcnow
from tests.conftest import sign_in
from tests.minutes.scene import HTMX, Scene, build_scene, item_data
from tests.minutes.test_operations import save


@pytest.fixture
def scene(app) -> Scene:
    return build_scene()


def record(scene: Scene, seat, attended_by, **values):  # noqa: ANN001, ANN003, ANN201
    arguments = {"first_item": None, "last_item": None, "led_meeting": False}
    return absences.record_attendance(
        scene.meeting,
        seat,
        attended_by,
        **(arguments | values),
        by=scene.staff,
        now=utcnow(),
    )


def seat_of(scene: Scene, membership):  # noqa: ANN001, ANN201
    attendance = meeting_attendance(scene.meeting)
    return next(s for s in attendance.seats if s.membership.id == membership.id)


def board_url(scene: Scene, path: str = "") -> str:
    return f"/kkr/{scene.council.slug}/admin/moeder/{scene.meeting.id}/fremmoede{path}"


def test_rule_3_9_a_substitute_who_came_without_answering_counts_as_present(scene):
    # The absent member's substitute was never called in, yet came.
    assert seat_of(scene, scene.absent).state is Attendance.ABSENT
    before = meeting_attendance(scene.meeting).forecast.present
    record(scene, scene.absent, AttendedBy.SUBSTITUTE)
    seat = seat_of(scene, scene.absent)
    assert seat.state is Attendance.SUBSTITUTE_ATTENDING
    assert meeting_attendance(scene.meeting).forecast.present == before + 1
    content = minutes.attendance_content(meeting_attendance(scene.meeting))
    [entry] = [e for e in content["absent"] if e["name"] == scene.absent.person.name]
    assert entry["substitute"] == seat.substitute.name


def test_rule_3_9_late_arrival_and_early_departure_bound_the_votes_per_item(scene):
    everyone = meeting_attendance(scene.meeting).forecast.present
    record(scene, scene.present, AttendedBy.MEMBER, first_item=scene.closed_item)
    record(scene, scene.chair, AttendedBy.MEMBER, last_item=scene.open_item)
    attendance = meeting_attendance(scene.meeting)
    assert attendance.present_at(1) == everyone - 1  # the late one was not there yet
    assert attendance.present_at(2) == everyone - 1  # the chair had left
    content = minutes.attendance_content(attendance)
    assert content["late"] == [{"name": scene.present.person.name, "item": 2}]
    assert content["early"] == [{"name": scene.chair.person.name, "item": 1}]
    # Every one of them voting on item 1 is one vote too many.
    with pytest.raises(Refused) as refused:
        save(scene, scene.open_item, votes_for=everyone, present=attendance.present_at(1))
    assert "til stede ved punktet" in refused.value.message
    save(scene, scene.open_item, votes_for=everyone - 1, present=attendance.present_at(1))


def test_rule_3_9_the_vote_check_over_http_counts_those_there_for_the_item(client, scene):
    everyone = meeting_attendance(scene.meeting).forecast.present
    record(scene, scene.present, AttendedBy.MEMBER, first_item=scene.closed_item)
    db.session.commit()
    sign_in(client, scene.staff)
    url = f"/kkr/{scene.council.slug}/admin/moeder/{scene.meeting.id}/referat/punkter"
    data = item_data(scene.open_item, decision="Vedtaget.", votes_for=str(everyone))
    refused = client.post(f"{url}/{scene.open_item.id}", data=data, headers=HTMX)
    assert refused.status_code == 422 and "til stede ved punktet" in refused.text
    data = item_data(scene.open_item, decision="Vedtaget.", votes_for=str(everyone - 1))
    assert client.post(f"{url}/{scene.open_item.id}", data=data, headers=HTMX).status_code == 200


def test_rule_3_9_the_minutes_list_late_arrivals_and_early_departures(client, scene):
    record(scene, scene.present, AttendedBy.MEMBER, first_item=scene.closed_item)
    save(scene, scene.open_item, decision="Taget til efterretning.")
    save(scene, scene.closed_item, decision="Indstillingen blev fulgt.")
    minutes.publish_minutes(scene.meeting, by=scene.staff, now=utcnow())
    db.session.commit()
    public = client.get(f"/kkr/{scene.council.slug}/moeder/{scene.meeting.id}/referat").text
    assert f"{scene.present.person.name} kom til under punkt 2" in public


def test_rule_3_9_staff_record_it_from_the_board_and_can_go_back(client, scene):
    sign_in(client, scene.staff)
    page = client.get(board_url(scene)).text
    link = board_url(scene, f"/{scene.away.id}/faktisk")
    assert f'href="{link}"' in page and "Ret fremmøde" in page
    form = client.get(link)
    assert form.status_code == 200 and "Kom til under punkt" in form.text
    response = client.post(
        link,
        data={"attended_by": "member", "first_item": str(scene.closed_item.id), "last_item": ""},
    )
    assert response.status_code == 303 and response.headers["Location"] == board_url(scene)
    board = client.get(board_url(scene)).text
    assert "kom til under punkt 2" in board and "registreret på dagen" in board
    # The substitute had said yes, but the member came after all.
    assert seat_of(scene, scene.away).state is Attendance.PRESENT
    back = client.post(link, data={"attended_by": "as_registered"})
    assert back.status_code == 303
    assert db.session.query(AttendanceRecord).count() == 0
    assert seat_of(scene, scene.away).state is Attendance.SUBSTITUTE_ATTENDING


def test_rule_3_9_bad_input_is_refused_in_danish_and_nothing_is_stored(client, scene):
    sign_in(client, scene.staff)
    link = board_url(scene, f"/{scene.present.id}/faktisk")
    backwards = client.post(
        link,
        data={
            "attended_by": "member",
            "first_item": str(scene.closed_item.id),
            "last_item": str(scene.open_item.id),
        },
    )
    assert backwards.status_code == 422
    assert "Det sidste punkt kan ikke ligge før det første" in backwards.text
    nobody = client.post(
        link, data={"attended_by": "nobody", "first_item": str(scene.open_item.id)}
    )
    assert nobody.status_code == 422 and "Ingen deltog for pladsen" in nobody.text
    assert db.session.query(AttendanceRecord).count() == 0
    # Another council's staff, or another council's seat: not there.
    sign_in(client, scene.other_staff)
    assert client.get(link).status_code in (403, 404)
    sign_in(client, scene.staff)
    outsider = board_url(scene, f"/{scene.outsider.id}/faktisk")
    assert client.get(outsider).status_code == 404


def test_rule_3_9_actual_attendance_waits_for_the_meeting_day(scene):
    scene.meeting.starts_at = utcnow() + timedelta(days=3)
    with pytest.raises(Refused) as refused:
        record(scene, scene.present, AttendedBy.NOBODY)
    assert "mødedagen" in refused.value.message


def test_rule_3_5_staff_record_whom_the_meeting_chose_to_lead_it(client, scene):
    """The scene's council has a chair and no vice-chair; the chair did not come."""
    record(scene, scene.chair, AttendedBy.NOBODY)
    attendance = meeting_attendance(scene.meeting)
    assert attendance.leader is None and attendance.needs_chosen_leader
    record(scene, scene.present, AttendedBy.MEMBER, led_meeting=True)
    leader = meeting_attendance(scene.meeting).leader
    assert leader is not None and leader.name == scene.present.person.name
    assert minutes.attendance_content(meeting_attendance(scene.meeting))["leader"] == {
        "name": scene.present.person.name,
        "office": "chosen",
    }
    # Choosing another moves the mark: one leader per meeting.
    record(scene, scene.away, AttendedBy.SUBSTITUTE, led_meeting=True)
    leader = meeting_attendance(scene.meeting).leader
    assert leader is not None and leader.name == scene.substitute.name
    db.session.commit()
    sign_in(client, scene.staff)
    assert "valgt af mødet" in client.get(board_url(scene)).text


def test_rule_3_9_an_answered_call_in_is_overruled_by_what_happened(scene):
    call = seat_of(scene, scene.away).call_in
    assert call is not None and call.answer is CallInAnswer.ATTENDING
    record(scene, scene.away, AttendedBy.NOBODY)
    assert seat_of(scene, scene.away).state is Attendance.ABSENT
