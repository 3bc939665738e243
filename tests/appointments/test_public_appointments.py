"""The public appointments page lists body, person, municipality, group and term of the
published appointments only (rule 3.8); staff hear once, 60 days ahead, that a term ends."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import select

from portal.appointments.models import Appointment
from portal.extensions import db
from portal.notifications.models import Notice, NoticeKind
from portal.policy import today
from portal.reminders import tick
from portal.types import utcnow
from tests.appointments.scene import Scene, build_scene, make_body
from tests.support import QueryCounter


@pytest.fixture
def scene(app) -> Scene:
    return build_scene()


def appoint(scene, body, person, group=None, *, published=True, ends_on=None, **extra):  # noqa: ANN001, ANN003, ANN201
    appointment = Appointment(
        council_id=body.council_id,
        body=body,
        person=person,
        municipality_id=person.municipality_id,
        group=group,
        starts_on=body.term_starts_on,
        ends_on=ends_on or body.term_ends_on,
        published_at=utcnow() if published else None,
        **extra,
    )
    db.session.add(appointment)
    db.session.flush()
    return appointment


def test_rule_3_8_the_public_page_lists_only_published_appointments(client, scene):
    body = make_body(scene.council, "Vækstforum")
    member = scene.members["A"][0]
    appoint(scene, body, member, scene.groups["A"])
    appoint(scene, body, scene.councillors[0], published=False)
    appoint(scene, body, scene.councillors[1], withdrawn_at=utcnow())
    appoint(scene, body, scene.councillors[2], ends_on=today() - timedelta(days=1))
    theirs = make_body(scene.other_council, "Deres organ")
    appoint(scene, theirs, scene.other_councillor)
    db.session.commit()

    response = client.get(f"/kkr/{scene.council.slug}/udpegninger")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert "Vækstforum" in html and member.name in html and "Roskilde" in html
    assert "A · Gruppe A" in html and "1. januar 2026" in html and "31. december 2029" in html
    current, former = html.split("Tidligere udpegninger", 1)
    for hidden in (*scene.councillors, scene.other_councillor):
        assert hidden.name not in current
    # A term that is over is history, shown apart; unpublished and withdrawn ones are not.
    assert scene.councillors[2].name in former
    assert scene.councillors[0].name not in former and scene.councillors[1].name not in former
    assert "Deres organ" not in html
    # The council's pages link to it.
    plan = client.get(f"/kkr/{scene.council.slug}/").get_data(as_text=True)
    assert f'href="/kkr/{scene.council.slug}/udpegninger"' in plan
    assert client.get("/kkr/ingen-slik/udpegninger").status_code == 404


def test_the_public_page_reads_a_constant_number_of_queries(client, scene):
    def count() -> int:
        with QueryCounter() as counter:
            assert client.get(f"/kkr/{scene.council.slug}/udpegninger").status_code == 200
        return counter.count

    body = make_body(scene.council, "Vækstforum")
    appoint(scene, body, scene.members["A"][0], scene.groups["A"])
    db.session.commit()
    few = count()
    for index, person in enumerate(scene.councillors):
        other = make_body(scene.council, f"Organ {index}")
        appoint(scene, other, person, scene.groups["V"])
    db.session.commit()
    assert count() == few


def test_rule_3_8_staff_are_reminded_once_sixty_days_before_a_term_ends(app, scene):
    body = make_body(scene.council, "Vækstforum")
    appoint(scene, body, scene.members["A"][0], ends_on=date(2027, 6, 30))
    appoint(scene, body, scene.members["V"][0], ends_on=date(2027, 6, 30))
    unpublished = make_body(scene.council, "Ikke offentliggjort")
    appoint(scene, unpublished, scene.councillors[0], published=False, ends_on=date(2027, 6, 30))
    db.session.commit()

    def at(day: date) -> datetime:
        return datetime(day.year, day.month, day.day, 12, tzinfo=UTC)

    assert tick(at(date(2027, 4, 30))) == 0  # 61 days ahead
    assert tick(at(date(2027, 5, 1))) == 1  # 60 days: one reminder per body, to staff
    assert tick(at(date(2027, 5, 2))) == 0  # given already
    [notice] = db.session.scalars(
        select(Notice).where(Notice.kind == NoticeKind.APPOINTMENT_ENDING)
    ).all()
    assert notice.recipient_id == scene.staff.id and notice.council_id == scene.council.id
    assert notice.subject == "Udpegningen til Vækstforum udløber 30. juni 2027"
    assert notice.link == f"/kkr/{scene.council.slug}/sekretariat/udpegninger/{body.id}"
    assert notice.meeting_id is None


def test_no_reminder_when_the_next_term_is_already_published(app, scene):
    body = make_body(scene.council, "Vækstforum")
    appoint(scene, body, scene.members["A"][0], ends_on=date(2027, 6, 30))
    successor = appoint(scene, body, scene.members["V"][0])
    successor.starts_on = date(2027, 7, 1)
    db.session.commit()
    assert tick(datetime(2027, 5, 15, 12, tzinfo=UTC)) == 0


def test_rule_3_0_the_public_appointments_page_is_cacheable_and_sets_no_session_cookie(
    client,
):
    from tests.factories import make_council

    council = make_council()
    url = f"/kkr/{council.slug}/udpegninger"
    response = client.get(url)
    assert response.status_code == 200
    assert "Set-Cookie" not in response.headers
    assert response.cache_control.public and response.cache_control.max_age == 60
    again = client.get(url, headers={"If-None-Match": response.headers["ETag"]})
    assert again.status_code == 304


def test_rule_3_8_no_reminder_for_an_appointment_that_ended_early(app, scene):
    body = make_body(scene.council, "Vækstforum")
    ended = appoint(scene, body, scene.members["A"][0], ends_on=date(2027, 6, 30))
    ended.ended_on = date(2027, 3, 31)  # its seat is a vacancy already, not a term ending
    db.session.commit()
    assert tick(datetime(2027, 5, 1, 12, tzinfo=UTC)) == 0
