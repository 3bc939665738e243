"""Rule 3.5: the chair leads the meeting, and the vice-chair when the chair cannot come. The
secretariat's attendance board says who will lead it; the minutes, in the portal, on the
public page and in the PDF, say who led it."""

from __future__ import annotations

from datetime import date, timedelta
from io import BytesIO

import pytest
from pypdf import PdfReader

from portal.absences import operations as absences
from portal.agendas.models import ChairVote
from portal.councils.models import CouncilOffice, Membership, MunicipalOffice
from portal.elections import operations as election_operations
from portal.elections import queries as election_queries
from portal.extensions import db
from portal.meetings.models import MeetingKind
from portal.minutes import operations as minutes
from portal.policy import today
from portal.rules.attendance import Leader
from portal.rules.constitution import Vacancy
from portal.types import utcnow
from tests.appointments.election_scene import build_scene as build_election_scene
from tests.appointments.election_scene import confirmed, make_election
from tests.conftest import sign_in
from tests.factories import (
    make_council,
    make_meeting,
    make_member,
    make_municipality,
    make_person,
    make_staff,
)
from tests.minutes.scene import Scene, build_scene
from tests.minutes.test_operations import save


@pytest.fixture
def scene(app) -> Scene:
    return build_scene()


@pytest.fixture
def vice_chair(scene: Scene) -> Membership:
    seat = make_member(scene.council, office=CouncilOffice.VICE_CHAIR)
    db.session.commit()
    return seat


def chair_sends_apologies(scene: Scene) -> None:
    absences.register_absence(
        scene.meeting,
        scene.chair,
        by=scene.chair.person,
        by_staff=False,
        call_substitute=False,
        reason=None,
        now=scene.meeting.starts_at - timedelta(days=1),
    )
    db.session.commit()


def board(client, scene: Scene) -> str:  # noqa: ANN001
    sign_in(client, scene.staff)
    url = f"/kkr/{scene.council.slug}/admin/moeder/{scene.meeting.id}/fremmoede"
    response = client.get(url)
    assert response.status_code == 200
    return response.get_data(as_text=True)


def leader_of(scene: Scene) -> dict | None:
    return minutes.attendance_content(minutes.meeting_attendance(scene.meeting))["leader"]


def test_rule_3_5_the_chair_leads_when_present(client, scene: Scene, vice_chair: Membership):
    assert leader_of(scene) == {"name": scene.chair.person.name, "office": "chair"}
    assert f"Mødeleder: {scene.chair.person.name} (formand)." in board(client, scene)


def test_rule_3_5_the_vice_chair_leads_in_the_chairs_absence(
    client, scene: Scene, vice_chair: Membership
):
    chair_sends_apologies(scene)
    assert leader_of(scene) == {"name": vice_chair.person.name, "office": "vice_chair"}
    page = board(client, scene)
    assert f"Mødeleder: {vice_chair.person.name} (næstformand, i formandens forfald)." in page


def test_rule_3_5_the_board_warns_when_neither_can_come(client, scene: Scene):
    """The scene's council has a chair and no vice-chair."""
    chair_sends_apologies(scene)
    assert leader_of(scene) is None
    page = board(client, scene)
    assert "Hverken formanden eller næstformanden deltager" in page
    assert "Mødeleder:" not in page


def test_rule_3_5_before_the_council_is_constituted_no_leader_is_named(client, app):
    """An ordinary meeting of a council without chair or vice-chair names no leader."""
    council = make_council(slug="nordjylland", name="KKR Nordjylland")
    make_member(council)
    staff = make_staff(council)
    meeting = make_meeting(council)
    db.session.commit()
    assert "leader" not in minutes.attendance_content(minutes.meeting_attendance(meeting))
    sign_in(client, staff)
    page = client.get(f"/kkr/{council.slug}/admin/moeder/{meeting.id}/fremmoede")
    assert page.status_code == 200
    text = page.get_data(as_text=True)
    assert "Mødeleder:" not in text and "Hverken formanden" not in text


def test_rule_3_5_published_minutes_say_who_led_the_meeting(
    client, scene: Scene, vice_chair: Membership
):
    chair_sends_apologies(scene)
    present = 3  # the vice-chair, one member and the substitute who came
    save(
        scene,
        scene.open_item,
        votes_for=1,
        votes_against=1,
        chair_vote=ChairVote.FOR,
        present=present,
    )
    save(scene, scene.closed_item, decision="Indstillingen blev fulgt.", present=present)
    minutes.publish_minutes(scene.meeting, by=scene.staff, now=utcnow())
    db.session.commit()
    line = f"Mødeleder: {vice_chair.person.name} (næstformand, i formandens forfald)."
    public = f"/kkr/{scene.council.slug}/moeder/{scene.meeting.id}"
    assert line in client.get(public + "/referat").get_data(as_text=True)
    pdf = client.get(public + "/referat.pdf")
    assert pdf.status_code == 200
    text = " ".join(page.extract_text() for page in PdfReader(BytesIO(pdf.get_data())).pages)
    assert line in " ".join(text.split())
    sign_in(client, vice_chair.person)
    assert line in client.get(scene.minutes_url).get_data(as_text=True)


def test_rule_3_5_the_board_redrawn_in_place_names_the_new_leader(
    client, scene: Scene, vice_chair: Membership
):
    """Staff register the chair's absence on the board (htmx): the board block comes back
    with the vice-chair as the meeting's leader."""
    sign_in(client, scene.staff)
    url = (
        f"/kkr/{scene.council.slug}/admin/moeder/{scene.meeting.id}"
        f"/fremmoede/{scene.chair.id}/afbud"
    )
    response = client.post(url, data={}, headers={"HX-Request": "true"})
    assert response.status_code == 200
    fragment = response.get_data(as_text=True)
    assert "<html" not in fragment
    assert f"Mødeleder: {vice_chair.person.name} (næstformand, i formandens forfald)." in fragment


def test_rule_3_5_the_convener_leads_the_constituting_meeting(client, app):
    """Rule 1.3: the longest-serving mayor convenes, and leads until the chair is elected."""
    council = make_council(slug="nordjylland", name="KKR Nordjylland")
    municipality = make_municipality(council)
    senior = make_person(municipality=municipality, name="Anna Ældst", office=MunicipalOffice.MAYOR)
    senior.mayor_since = date(2010, 1, 1)
    other = make_municipality(council)
    junior = make_person(municipality=other, name="Bo Nyere", office=MunicipalOffice.MAYOR)
    junior.mayor_since = date(2018, 1, 1)
    staff = make_staff(council)
    meeting = make_meeting(council, kind=MeetingKind.CONSTITUTING)
    db.session.commit()
    content = minutes.attendance_content(minutes.meeting_attendance(meeting))
    assert content["leader"] == {"name": "Anna Ældst", "office": "convener"}
    sign_in(client, staff)
    page = client.get(f"/kkr/{council.slug}/admin/moeder/{meeting.id}/fremmoede").text
    assert "Mødeleder: Anna Ældst (indkalder, indtil formanden er valgt, regel 1.3)." in page


def test_rule_3_5_a_rule_1_16_stand_in_leads_in_the_chairs_place(app):
    scene = build_election_scene()
    votes = [("A", 3000, 1, 10), ("B", 2000, 1, 8), ("C", 1500, 0, 5)]
    election = confirmed(make_election(scene.council, votes, groups=scene.groups), scene.staff)
    election.constituting_meeting_at = utcnow() - timedelta(days=40)
    first_day = today() - timedelta(days=30)
    election_operations.record_chair_election(
        election,
        chair=scene.members["A"],
        vice_chair=scene.members["B"],
        starts_on=first_day,
        by=scene.staff,
        now=utcnow(),
    )
    holdings = {h.office: h for h in election_queries.holdings_of(election)}
    # The chair is away for 3 months or more: group A names a stand-in (rule 1.16).
    election_operations.replace_holder(
        holdings[CouncilOffice.CHAIR],
        successor=scene.second_a,
        vacancy=Vacancy.AWAY,
        starts_on=today(),
        ends_on=today() + timedelta(days=120),
        reason="Orlov",
        by=scene.staff,
        now=utcnow(),
    )
    meeting = make_meeting(scene.council, starts_at=utcnow() + timedelta(days=10))
    db.session.commit()
    leader = minutes.meeting_attendance(meeting).leader
    assert leader is not None
    assert (leader.name, leader.office) == (scene.second_a.person.name, Leader.CHAIR)
