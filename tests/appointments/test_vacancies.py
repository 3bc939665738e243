"""A round fills the body's vacancies, never more; a published appointment can be ended (date,
reason) and then no longer holds a seat; an appointment all members present agree on is
recorded without a vote (rule 3.8)."""

from __future__ import annotations

import re
from datetime import date

import pytest

from portal.appointments import operations
from portal.appointments.models import (
    Appointment,
    AppointmentEndReason,
    AppointmentMethod,
    RoundStatus,
)
from portal.extensions import db
from portal.refusal import Refused
from portal.types import utcnow
from tests.appointments.scene import HTMX, Scene, appointments, build_scene, make_body
from tests.conftest import sign_in

NAME = {"starts_on": "2026-01-01", "ends_on": "2029-12-31"}


@pytest.fixture
def scene(app) -> Scene:
    return build_scene()


@pytest.fixture
def staff_client(client, scene):  # noqa: ANN001, ANN201
    sign_in(client, scene.staff)
    return client


def body_url(scene: Scene, body) -> str:  # noqa: ANN001
    return scene.url(f"/{body.id}")


def publish(scene: Scene, body, person, **extra) -> Appointment:  # noqa: ANN001, ANN003
    appointment = Appointment(
        council_id=body.council_id,
        body=body,
        person=person,
        municipality_id=person.municipality_id,
        starts_on=extra.pop("starts_on", body.term_starts_on),
        ends_on=body.term_ends_on,
        published_at=utcnow(),
        **extra,
    )
    db.session.add(appointment)
    db.session.commit()
    return appointment


def elect_and_name(staff_client, scene, appointment_round, person):  # noqa: ANN001, ANN201
    staff_client.post(
        scene.round_url(appointment_round, "/afstemning"),
        data={
            "members_present": 10,
            "blank": 0,
            "candidates-0-person_id": person.id,
            "candidates-0-votes": 8,
        },
    )
    return staff_client.post(
        scene.round_url(appointment_round, "/udpeg"),
        data={"person_id": person.id, "group_id": "", **NAME},
        headers=HTMX,
    )


def test_rule_3_8_a_round_for_one_vacancy_in_a_2_seat_body(staff_client, scene):
    body = make_body(scene.council, "Praksisplanudvalget", seats=2)
    publish(scene, body, scene.councillors[0])
    page = staff_client.get(body_url(scene, body)).get_data(as_text=True)
    # The body shows its one vacancy, and a new round's seats default to it.
    assert re.search(r'id="vacancies">1<', page)
    assert re.search(r'id="seats"[^>]*value="1"', page)
    # Two seats would fill more than the vacancies: refused in Danish, the input kept.
    response = staff_client.post(scene.url(f"/{body.id}/runder"), data={"seats": "2"})
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert "Organet har 1 ledige af 2 pladser" in html and "aldrig flere end de ledige" in html
    assert re.search(r'id="seats"[^>]*value="2"', html)
    # One seat: a majority vote for the vacancy.
    response = staff_client.post(scene.url(f"/{body.id}/runder"), data={"seats": "1"})
    assert response.status_code == 303
    [appointment_round] = body_rounds(body)
    assert (appointment_round.seats, appointment_round.method) == (1, AppointmentMethod.MAJORITY)
    assert (
        elect_and_name(staff_client, scene, appointment_round, scene.councillors[1]).status_code
        == 204
    )
    staff_client.post(scene.round_url(appointment_round, "/offentliggoer"))
    assert appointment_round.status is RoundStatus.PUBLISHED
    # Full: no third appointee, however asked.
    page = staff_client.get(body_url(scene, body)).get_data(as_text=True)
    assert re.search(r'id="vacancies">0<', page) and "Alle organets pladser er besat" in page
    full = staff_client.post(scene.url(f"/{body.id}/runder"), data={"seats": "1"})
    assert full.status_code == 422
    assert "Organet har ingen ledige pladser" in full.get_data(as_text=True)
    published = [a for a in appointments() if a.published_at]
    assert len(published) == 2


def body_rounds(body):  # noqa: ANN001, ANN201
    from portal.appointments.queries import rounds_of

    return rounds_of(body)


def test_rule_3_8_a_body_never_gets_more_appointees_than_seats_even_by_naming(app, scene):
    # The case of issue #14: a 2-seat body ended with 3 published appointees. Even a round
    # that was started before the seats were taken cannot name beyond them.
    body = make_body(scene.council, "Vækstforum", seats=2)
    appointment_round = operations.start_round(
        body, 1, by=scene.staff, now=utcnow(), day=date(2026, 2, 1), agreement=True
    )
    publish(scene, body, scene.councillors[0])
    publish(scene, body, scene.councillors[1])
    with pytest.raises(Refused, match="har 2 pladser, og 2 er allerede udpeget i perioden"):
        operations.name_person(
            appointment_round,
            scene.councillors[2],
            None,
            body.term_starts_on,
            body.term_ends_on,
            by=scene.staff,
            now=utcnow(),
        )


def test_rule_3_8_a_published_appointment_is_ended_and_frees_its_seat(staff_client, scene):
    body = make_body(scene.council, "Praksisplanudvalget", seats=1)
    appointment = publish(scene, body, scene.councillors[0])
    page = staff_client.get(body_url(scene, body)).get_data(as_text=True)
    end_url = scene.url(f"/{body.id}/udpegede/{appointment.id}/afslut")
    assert f'href="{end_url}"' in page
    form = staff_client.get(end_url)
    assert form.status_code == 200 and "Sidste dag i organet" in form.get_data(as_text=True)

    # Bad input: a clear Danish message, and what was typed is kept.
    missing = staff_client.post(end_url, data={"ended_on": "2026-06-30", "reason": ""})
    assert missing.status_code == 422 and "Skal udfyldes." in missing.get_data(as_text=True)
    assert 'value="2026-06-30"' in missing.get_data(as_text=True)
    early = staff_client.post(end_url, data={"ended_on": "2025-12-31", "reason": "resigned"})
    html = early.get_data(as_text=True)
    assert early.status_code == 422 and "Sidste dag skal ligge i udpegningens periode" in html
    assert 'value="2025-12-31"' in html and 'selected value="resigned"' in html
    assert appointment.ended_on is None

    response = staff_client.post(end_url, data={"ended_on": "2026-06-30", "reason": "resigned"})
    assert response.status_code == 303
    assert appointment.ended_on == date(2026, 6, 30)
    assert appointment.end_reason is AppointmentEndReason.RESIGNED
    assert appointment.ended_by_id == scene.staff.id and appointment.ended_at is not None
    again = staff_client.post(end_url, data={"ended_on": "2026-06-30", "reason": "other"})
    assert again.status_code == 422 and "allerede afsluttet" in again.get_data(as_text=True)

    # The seat is a vacancy now; the successor's period starts after the last day.
    page = staff_client.get(body_url(scene, body)).get_data(as_text=True)
    assert re.search(r'id="vacancies">1<', page) and "Ophørt efter" in page
    assert (
        staff_client.post(scene.url(f"/{body.id}/runder"), data={"seats": "1"}).status_code == 303
    )
    [appointment_round] = body_rounds(body)
    successor = scene.councillors[1]
    refused = elect_and_name(staff_client, scene, appointment_round, successor)
    assert refused.status_code == 422  # from 1 January, the seat was still held
    assert "er allerede udpeget i perioden" in refused.get_data(as_text=True)
    named = staff_client.post(
        scene.round_url(appointment_round, "/udpeg"),
        data={"person_id": successor.id, "group_id": "", "starts_on": "2026-07-01",
              "ends_on": "2029-12-31"},
        headers=HTMX,
    )  # fmt: skip
    assert named.status_code == 204


def test_rule_3_8_the_public_page_shows_current_appointees_and_the_history(client, scene):
    body = make_body(scene.council, "Praksisplanudvalget", seats=2)
    ended = publish(scene, body, scene.councillors[0])
    current = publish(scene, body, scene.councillors[1])
    ended.ended_on = date(2026, 3, 31)
    ended.end_reason = AppointmentEndReason.LEFT_COUNCIL
    db.session.commit()
    html = client.get(f"/kkr/{scene.council.slug}/udpegninger").get_data(as_text=True)
    now, former = html.split("Tidligere udpegninger", 1)
    assert current.person.name in now and ended.person.name not in now
    assert ended.person.name in former and "31. marts 2026" in former
    assert "ophørt før tid" in former
    assert "Udtrådt" not in html  # the reason is for staff only


def test_rule_3_8_an_appointment_agreed_by_all_present_is_recorded_without_a_vote(
    staff_client, scene
):
    body = make_body(scene.council, "Det Regionale Arbejdsmarkedsråd", seats=2)
    response = staff_client.post(
        scene.url(f"/{body.id}/runder"), data={"seats": "2", "agreement": "y"}
    )
    assert response.status_code == 303
    [appointment_round] = body_rounds(body)
    assert appointment_round.agreement
    assert appointment_round.method is AppointmentMethod.PROPORTIONAL  # what a vote would be
    assert appointment_round.status is RoundStatus.DECIDED and appointment_round.decided_at
    page = staff_client.get(scene.round_url(appointment_round)).get_data(as_text=True)
    assert "Aftalevalg" in page and "registreret uden afstemning" in page
    assert "Udpeg en person" in page and "Registrér afstemning" not in page
    x, y = scene.councillors[0], scene.members["V"][0]
    for person, group in ((x, ""), (y, str(scene.groups["V"].id))):
        named = staff_client.post(
            scene.round_url(appointment_round, "/udpeg"),
            data={"person_id": person.id, "group_id": group, **NAME},
            headers=HTMX,
        )
        assert named.status_code == 204
    third = staff_client.post(
        scene.round_url(appointment_round, "/udpeg"),
        data={"person_id": scene.councillors[1].id, "group_id": "", **NAME},
        headers=HTMX,
    )
    assert third.status_code == 422  # the round's two seats are named
    staff_client.post(scene.round_url(appointment_round, "/offentliggoer"))
    assert appointment_round.status is RoundStatus.PUBLISHED
    public = staff_client.get(f"/kkr/{scene.council.slug}/udpegninger").get_data(as_text=True)
    assert x.name in public and y.name in public and "V · Gruppe V" in public


def test_rule_3_8_a_body_keeps_at_least_as_many_seats_as_appointees(staff_client, scene):
    body = make_body(scene.council, "Praksisplanudvalget", seats=2)
    publish(scene, body, scene.councillors[0])
    publish(scene, body, scene.councillors[1])
    response = staff_client.post(
        scene.url(f"/{body.id}/ret"),
        data={
            "name": body.name,
            "seats": "1",
            "term_starts_on": "2026-01-01",
            "term_ends_on": "2029-12-31",
            "legal_basis": "",
            "notes": "",
        },
    )
    assert response.status_code == 422 and body.seats == 2
    assert "Organet har 2 udpegede på samme tid" in response.get_data(as_text=True)


def test_only_the_councils_secretariat_ends_its_appointments(client, scene):
    body = make_body(scene.council, "Praksisplanudvalget", seats=1)
    appointment = publish(scene, body, scene.councillors[0])
    url = scene.url(f"/{body.id}/udpegede/{appointment.id}/afslut")
    data = {"ended_on": "2026-06-30", "reason": "resigned"}
    assert client.get(url).status_code == 302  # to sign in
    sign_in(client, scene.members["A"][0])
    assert client.post(url, data=data).status_code == 403
    sign_in(client, scene.other_staff)
    assert client.post(url, data=data).status_code == 403
    theirs = scene.url(f"/{body.id}/udpegede/{appointment.id}/afslut", scene.other_council)
    assert client.post(theirs, data=data).status_code == 404
    sign_in(client, scene.staff)
    other_body = make_body(scene.council, "Vækstforum", seats=1)
    wrong_body = scene.url(f"/{other_body.id}/udpegede/{appointment.id}/afslut")
    assert client.post(wrong_body, data=data).status_code == 404
    assert appointment.ended_on is None


def test_ending_an_appointment_needs_the_csrf_token(csrf_app, scene):
    body = make_body(scene.council, "Praksisplanudvalget", seats=1)
    appointment = publish(scene, body, scene.councillors[0])
    client = csrf_app.test_client()
    sign_in(client, scene.staff)
    url = scene.url(f"/{body.id}/udpegede/{appointment.id}/afslut")
    response = client.post(url, data={"ended_on": "2026-06-30", "reason": "resigned"})
    assert response.status_code == 400
    assert db.session.get(Appointment, appointment.id).ended_on is None
