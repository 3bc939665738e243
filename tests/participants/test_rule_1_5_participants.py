"""Rule 1.5: members of KL's board and committees from the region's municipalities may attend
the council's meetings. They read the material like a member (closed items included), are
listed apart on the attendance board and in the minutes, have no vote, do not count for the
quorum and cannot propose items or sign a request for an extraordinary meeting."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from portal.absences.queries import meeting_attendance
from portal.extensions import db
from portal.minutes import operations as minutes
from portal.participants import operations
from portal.participants.models import ParticipantAttendance, Participation
from portal.policy import today
from portal.proposals.models import Proposal
from portal.refusal import Refused
from portal.types import utcnow
from tests.conftest import sign_in
from tests.factories import make_municipality, make_person
from tests.minutes.scene import Scene, build_scene


@pytest.fixture
def scene(app) -> Scene:
    return build_scene()


@pytest.fixture
def kl_member(scene: Scene):  # noqa: ANN201
    """A councillor of one of the region's municipalities who sits on KL's board."""
    person = make_person(municipality=scene.present.municipality, name="Karen Bestyrelse")
    db.session.commit()
    return person


def admin_url(scene: Scene, path: str = "") -> str:
    return f"/kkr/{scene.council.slug}/admin/deltagere{path}"


def register(scene: Scene, person, starts_on=None) -> Participation:  # noqa: ANN001
    row = operations.add_participation(
        scene.council,
        person,
        "Medlem af KL's bestyrelse",
        starts_on or today() - timedelta(days=30),
        by=scene.staff,
        now=utcnow(),
    )
    db.session.commit()
    return row


def test_rule_1_5_staff_register_a_participant_and_end_the_role(client, scene, kl_member):
    sign_in(client, scene.staff)
    page = client.get(admin_url(scene))
    assert page.status_code == 200 and "Karen Bestyrelse" in page.text
    response = client.post(
        admin_url(scene),
        data={
            "person_id": str(kl_member.id),
            "basis": "Medlem af KL's bestyrelse",
            "starts_on": today().isoformat(),
        },
    )
    assert response.status_code == 303
    row = db.session.scalar(select(Participation))
    assert row.person_id == kl_member.id and row.ends_on is None
    assert "Medlem af KL&#39;s bestyrelse" in client.get(admin_url(scene)).text
    ended = client.post(
        admin_url(scene, f"/{row.id}/afslut"), data={"ends_on": today().isoformat()}
    )
    assert ended.status_code == 303 and row.ends_on == today()
    # The council's admin menu leads to the page.
    board = client.get(f"/kkr/{scene.council.slug}/admin/moeder").text
    assert f'href="{admin_url(scene)}"' in board


def test_rule_1_5_only_people_of_the_region_who_are_not_members(client, scene, kl_member):
    with pytest.raises(Refused) as member:
        register(scene, scene.present.person)
    assert "deltager allerede som medlem" in member.value.message
    elsewhere = make_person(municipality=make_municipality(scene.other_council))
    with pytest.raises(Refused) as outside:
        register(scene, elsewhere)
    assert "regionens kommuner" in outside.value.message
    sign_in(client, scene.staff)
    blank = client.post(
        admin_url(scene),
        data={"person_id": str(kl_member.id), "basis": "  ", "starts_on": today().isoformat()},
    )
    assert blank.status_code == 422 and "Skal udfyldes" in blank.text
    register(scene, kl_member)
    with pytest.raises(Refused) as twice:
        register(scene, kl_member)
    assert "allerede registreret" in twice.value.message
    assert db.session.query(Participation).count() == 1


def test_rule_1_5_a_participant_reads_the_material_closed_items_included(client, scene, kl_member):
    sign_in(client, kl_member)
    assert client.get(f"/moeder/{scene.meeting.id}/dagsorden").status_code in (403, 404)
    register(scene, kl_member)
    page = client.get(f"/moeder/{scene.meeting.id}/dagsorden")
    assert page.status_code == 200
    assert scene.closed_item.title in page.text  # a closed item, as members read it


def test_rule_1_5_a_participant_has_no_vote_and_does_not_count_for_quorum(scene, kl_member):
    before = meeting_attendance(scene.meeting).forecast
    participation = register(scene, kl_member)
    operations.record_participant_attendance(
        scene.meeting, participation, True, by=scene.staff, now=utcnow()
    )
    after = meeting_attendance(scene.meeting).forecast
    assert (after.members, after.present, after.required) == (
        before.members,
        before.present,
        before.required,
    )
    content = minutes.attendance_content(meeting_attendance(scene.meeting))
    assert content["participants"] == ["Karen Bestyrelse"]
    assert "Karen Bestyrelse" not in content["present"]


def test_rule_1_5_a_participant_cannot_propose_or_sign_a_request(client, scene, kl_member):
    register(scene, kl_member)
    sign_in(client, kl_member)
    request = client.post("/anmodninger", data={"council_id": "1", "subject": "Et møde"})
    assert request.status_code == 403
    # No meeting of the council is offered to propose to, and a post for one is refused.
    page = client.get("/forslag/nyt")
    assert f'value="{scene.meeting.id}"' not in page.text
    posted = client.post(
        "/forslag/nyt",
        data={"meeting_id": str(scene.meeting.id), "title": "Et forslag", "form_token": "x" * 24},
    )
    assert posted.status_code in (403, 422)
    assert db.session.query(Proposal).count() == 0


def test_rule_1_5_the_board_lists_participants_apart_and_staff_note_who_came(
    client, scene, kl_member
):
    participation = register(scene, kl_member)
    sign_in(client, scene.staff)
    url = f"/kkr/{scene.council.slug}/admin/moeder/{scene.meeting.id}/fremmoede"
    board = client.get(url).text
    assert "Deltagere efter regel 1.5" in board and "Karen Bestyrelse" in board
    response = client.post(
        f"/kkr/{scene.council.slug}/admin/moeder/{scene.meeting.id}/deltagere/{participation.id}",
        data={"came": "yes"},
    )
    assert response.status_code == 303 and response.headers["Location"] == url
    assert db.session.query(ParticipantAttendance).count() == 1
    assert "Deltog ikke alligevel" in client.get(url).text
    # Another council's staff cannot reach it.
    sign_in(client, scene.other_staff)
    other = client.post(
        f"/kkr/{scene.other_council.slug}/admin/moeder/{scene.meeting.id}/deltagere/{participation.id}",
        data={"came": "no"},
    )
    assert other.status_code == 404
    assert db.session.query(ParticipantAttendance).count() == 1


def test_rule_1_5_an_ended_participation_no_longer_reads(client, scene, kl_member):
    participation = register(scene, kl_member, starts_on=today() - timedelta(days=60))
    operations.end_participation(
        participation, today() - timedelta(days=1), by=scene.staff, now=utcnow()
    )
    db.session.commit()
    sign_in(client, kl_member)
    assert client.get(f"/moeder/{scene.meeting.id}/dagsorden").status_code in (403, 404)
