"""Several seats by proportional representation (rule 3.8, § 24 stk. 3): d'Hondt over the
KKR's groups by their members present, joint groups (valggrupper) pooled and naming their own
people for the seats they win; a tie is reported and the lot staff record decides it; the
groups name councillors of the region; staff publish."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from portal.appointments.models import RoundStatus
from portal.extensions import db
from portal.notifications.models import Notice, NoticeKind
from tests.appointments.scene import (
    HTMX,
    Scene,
    appointments,
    build_scene,
    make_body,
    start_round,
    votes_data,
)
from tests.conftest import sign_in

NAME = {"starts_on": "2026-01-01", "ends_on": "2029-12-31"}


@pytest.fixture
def scene(app) -> Scene:
    return build_scene({"A": 6, "V": 4, "C": 3})


@pytest.fixture
def staff_client(client, scene):  # noqa: ANN001, ANN201
    sign_in(client, scene.staff)
    return client


def test_rule_3_8_dhondt_with_a_joint_group_shown_step_by_step(staff_client, scene):
    body = make_body(scene.council, seats=3)
    appointment_round = start_round(body, scene.staff)
    page = staff_client.get(scene.round_url(appointment_round))
    assert page.status_code == 200
    # The votes are pre-filled with the groups' current members.
    assert re.search(r'id="groups-0-votes"[^>]*value="6"', page.get_data(as_text=True))

    data = votes_data(appointment_round, {"A": 6, "V": 4, "C": 3}, alliances=[("V", "C")])
    response = staff_client.post(scene.round_url(appointment_round, "/stemmer"), data=data)
    assert response.status_code == 303
    assert appointment_round.status is RoundStatus.DECIDED
    joint = sorted([scene.groups["V"].id, scene.groups["C"].id])
    assert appointment_round.joint_groups == [joint]
    # V+C pool 7 members: 7 > 6 > 3.5, so the joint group takes two seats as one: no split.
    assert appointment_round.result["seats"] == {"A": 1, "V+C": 2}
    assert [step["group"] for step in appointment_round.result["steps"]] == ["V+C", "A", "V+C"]
    assert appointment_round.result["joint_groups"] == [{"key": "V+C", "group_ids": joint}]
    assert appointment_round.ties is None
    html = staff_client.get(scene.round_url(appointment_round)).get_data(as_text=True)
    assert "Fordelingen trin for trin" in html
    assert "Fordeling inden for" not in html  # no table splitting the joint group's seats
    assert "Valggruppe V · Gruppe V + C · Gruppe C: 2 pladser, 0 udpeget" in html
    assert "3,50" in html  # the joint group's second quotient, 7 ÷ 2
    assert "i valggruppe" in html


def test_rule_3_8_a_tie_is_reported_and_the_lot_recorded_never_drawn(staff_client, scene):
    body = make_body(scene.council, seats=3)
    appointment_round = start_round(body, scene.staff)
    data = votes_data(appointment_round, {"A": 6, "V": 4, "C": 3})
    staff_client.post(scene.round_url(appointment_round, "/stemmer"), data=data)
    # Without the alliance A's 6 ÷ 2 = 3 equals C's 3 for the last seat.
    assert appointment_round.status is RoundStatus.LOT_NEEDED
    assert appointment_round.ties == [["A", "C"]]
    assert appointment_round.result["seats"] == {"A": 1, "C": 0, "V": 1}
    page = staff_client.get(scene.round_url(appointment_round)).get_data(as_text=True)
    assert "Portalen trækker ikke lod" in page and "Lige kvotienter" in page
    # Naming is not possible before the lot.
    person = scene.members["A"][0]
    early = staff_client.post(
        scene.round_url(appointment_round, "/udpeg"),
        data={"group_id": scene.groups["A"].id, "person_id": person.id, **NAME},
    )
    assert early.status_code == 422 and appointments() == []

    missing = staff_client.post(
        scene.round_url(appointment_round, "/lodtraekning"), data={"winner": "C"}, headers=HTMX
    )
    assert missing.status_code == 422 and "Skal udfyldes." in missing.get_data(as_text=True)
    stranger = staff_client.post(
        scene.round_url(appointment_round, "/lodtraekning"),
        data={"winner": "V", "drawn_by": "Formanden"},
    )
    assert stranger.status_code == 422  # V is not in the tie
    response = staff_client.post(
        scene.round_url(appointment_round, "/lodtraekning"),
        data={"winner": "C", "drawn_by": "Formanden, Anne Jensen"},
    )
    assert response.status_code == 303
    assert appointment_round.status is RoundStatus.DECIDED
    assert appointment_round.result["seats"] == {"A": 1, "C": 1, "V": 1}
    assert appointment_round.lot_drawn_by == "Formanden, Anne Jensen"
    assert appointment_round.lot_recorded_by_id == scene.staff.id
    assert appointment_round.lot_drawn_at is not None
    [draw] = appointment_round.lot["draws"]
    assert (draw["winner"], draw["among"]) == ("C", ["A", "C"])
    page = staff_client.get(scene.round_url(appointment_round)).get_data(as_text=True)
    assert "af Formanden, Anne Jensen: C · Gruppe C" in page
    assert "afgjort ved lodtrækning" in page


def decided_round(staff_client, scene):  # noqa: ANN001, ANN201
    body = make_body(scene.council, seats=3)
    appointment_round = start_round(body, scene.staff)
    data = votes_data(appointment_round, {"A": 6, "V": 4, "C": 3}, alliances=[("V", "C")])
    staff_client.post(scene.round_url(appointment_round, "/stemmer"), data=data)
    assert appointment_round.status is RoundStatus.DECIDED
    return appointment_round


def name(staff_client, scene, appointment_round, letter, person):  # noqa: ANN001, ANN201
    """Name `person` for the group with `letter`, or for the round's joint group "v1"."""
    group = letter if letter.startswith("v") else scene.groups[letter].id
    return staff_client.post(
        scene.round_url(appointment_round, "/udpeg"),
        data={"group_id": group, "person_id": person.id, **NAME},
        headers=HTMX,
    )


def test_rule_3_8_only_councillors_of_the_region_can_be_named(staff_client, scene):
    appointment_round = decided_round(staff_client, scene)
    for outsider in (scene.not_councillor, scene.other_councillor):
        response = name(staff_client, scene, appointment_round, "A", outsider)
        assert response.status_code == 422
        # Not offered, and refused if posted anyway.
        assert "Vælg en af mulighederne." in response.get_data(as_text=True)
    # A councillor of the region who is not a KKR member can be named.
    assert (
        name(staff_client, scene, appointment_round, "A", scene.councillors[0]).status_code == 204
    )
    [appointment] = appointments()
    assert appointment.municipality_id == scene.municipality.id
    assert appointment.group_id == scene.groups["A"].id


def test_rule_3_8_the_councillor_check_holds_in_the_operation_too(app, scene):
    from portal.appointments import operations
    from portal.refusal import Refused
    from portal.types import utcnow

    body = make_body(scene.council, seats=3)
    appointment_round = start_round(body, scene.staff)
    lines = [(row["group_id"], 1, None) for row in appointment_round.votes]
    operations.record_votes(appointment_round, lines, by=scene.staff, now=utcnow())
    for outsider in (scene.not_councillor, scene.other_councillor):
        with pytest.raises(Refused, match="ikke kommunalbestyrelsesmedlem"):
            operations.name_person(
                appointment_round,
                outsider,
                scene.groups["A"],
                body.term_starts_on,
                body.term_ends_on,
                by=scene.staff,
                now=utcnow(),
            )


def test_rule_3_8_each_group_names_its_seats_and_staff_publish(staff_client, scene):
    appointment_round = decided_round(staff_client, scene)
    a, v, v2 = scene.members["A"][0], scene.members["V"][0], scene.members["V"][1]
    assert name(staff_client, scene, appointment_round, "A", a).status_code == 204
    full = name(staff_client, scene, appointment_round, "A", scene.members["A"][1])
    assert full.status_code == 422  # A has one seat
    # V and C have no seats of their own: their joint group has them.
    own = name(staff_client, scene, appointment_round, "C", scene.members["C"][0])
    assert own.status_code == 422  # not offered, and refused
    assert "Vælg en af mulighederne." in own.get_data(as_text=True)
    twice = name(staff_client, scene, appointment_round, "v1", a)
    assert twice.status_code == 422 and "allerede udpeget" in twice.get_data(as_text=True)
    assert name(staff_client, scene, appointment_round, "v1", v).status_code == 204

    # Staff may publish what is named so far; the round stays open for the joint group.
    response = staff_client.post(scene.round_url(appointment_round, "/offentliggoer"))
    assert response.status_code == 303
    assert appointment_round.status is RoundStatus.DECIDED
    # Rule 3.8: the joint group names its own people; nothing gives C "its" seat.
    assert name(staff_client, scene, appointment_round, "v1", v2).status_code == 204
    assert (
        name(staff_client, scene, appointment_round, "v1", scene.councillors[0]).status_code == 422
    )
    staff_client.post(scene.round_url(appointment_round, "/offentliggoer"))
    assert appointment_round.status is RoundStatus.PUBLISHED
    assert all(x.published_at is not None for x in appointments())
    joint = sorted([scene.groups["V"].id, scene.groups["C"].id])
    assert [x.joint_group_ids for x in appointments()] == [None, joint, joint]
    assert [x.group_id for x in appointments()] == [scene.groups["A"].id, None, None]
    public = staff_client.get(f"/kkr/{scene.council.slug}/udpegninger").get_data(as_text=True)
    assert "Valggruppe V · Gruppe V + C · Gruppe C" in public

    notices = db.session.scalars(
        select(Notice).where(Notice.kind == NoticeKind.APPOINTMENT).order_by(Notice.id)
    ).all()
    assert [n.recipient_id for n in notices] == [a.id, v.id, v2.id]  # each told once
    assert notices[0].subject == "Du er udpeget til Sundhedskoordinationsudvalget"
    assert "1. januar 2026 – 31. december 2029" in notices[0].body
    assert notices[0].link == f"/kkr/{scene.council.slug}/udpegninger"
    again = staff_client.post(scene.round_url(appointment_round, "/offentliggoer"))
    assert again.status_code == 303 and len(notices) == 3


def test_a_named_person_can_be_withdrawn_before_publishing(staff_client, scene):
    appointment_round = decided_round(staff_client, scene)
    person = scene.members["A"][0]
    name(staff_client, scene, appointment_round, "A", person)
    [appointment] = appointments()
    url = scene.round_url(appointment_round, f"/udpegede/{appointment.id}/fjern")
    assert staff_client.post(url).status_code == 303
    assert appointment.withdrawn_at is not None
    # The seat is free again.
    assert name(staff_client, scene, appointment_round, "A", person).status_code == 204
    staff_client.post(scene.round_url(appointment_round, "/offentliggoer"))
    published = appointments()[-1]
    url = scene.round_url(appointment_round, f"/udpegede/{published.id}/fjern")
    staff_client.post(url)
    assert published.withdrawn_at is None  # published: stays on record


def test_reset_starts_the_round_over_until_someone_is_named(staff_client, scene):
    appointment_round = decided_round(staff_client, scene)
    assert staff_client.post(scene.round_url(appointment_round, "/nulstil")).status_code == 303
    assert appointment_round.status is RoundStatus.OPEN and appointment_round.result is None
    data = votes_data(appointment_round, {"A": 6, "V": 4, "C": 3}, alliances=[("V", "C")])
    staff_client.post(scene.round_url(appointment_round, "/stemmer"), data=data)
    name(staff_client, scene, appointment_round, "A", scene.members["A"][0])
    staff_client.post(scene.round_url(appointment_round, "/nulstil"))
    assert appointment_round.status is RoundStatus.DECIDED


def test_invalid_votes_show_the_form_again(staff_client, scene):
    body = make_body(scene.council, seats=3)
    appointment_round = start_round(body, scene.staff)
    lone = votes_data(appointment_round, {"A": 6, "V": 4, "C": 3}, alliances=[("V",)])
    response = staff_client.post(
        scene.round_url(appointment_round, "/stemmer"), data=lone, headers=HTMX
    )
    assert response.status_code == 422
    assert "En valggruppe skal have mindst to grupper." in response.get_data(as_text=True)
    negative = votes_data(appointment_round, {"A": -1, "V": 0, "C": 0})
    response = staff_client.post(scene.round_url(appointment_round, "/stemmer"), data=negative)
    assert response.status_code == 422 and "Et helt tal fra 0." in response.get_data(as_text=True)
    nobody = votes_data(appointment_round, {"A": 0, "V": 0, "C": 0})
    response = staff_client.post(scene.round_url(appointment_round, "/stemmer"), data=nobody)
    assert response.status_code == 422 and appointment_round.status is RoundStatus.OPEN


def test_rule_3_8_a_tie_between_a_group_and_a_joint_group_is_drawn_by_lot(staff_client, scene):
    body = make_body(scene.council, seats=3)
    appointment_round = start_round(body, scene.staff)
    data = votes_data(appointment_round, {"A": 6, "V": 3, "C": 3}, alliances=[("V", "C")])
    staff_client.post(scene.round_url(appointment_round, "/stemmer"), data=data)
    # A 6, V+C 6, then A 3 and V+C 3 for the third seat.
    assert appointment_round.status is RoundStatus.LOT_NEEDED
    assert appointment_round.ties == [["A", "V+C"]]
    page = staff_client.get(scene.round_url(appointment_round)).get_data(as_text=True)
    assert '<option value="V+C">V · Gruppe V + C · Gruppe C</option>' in page
    response = staff_client.post(
        scene.round_url(appointment_round, "/lodtraekning"),
        data={"winner": "V+C", "drawn_by": "Formanden"},
    )
    assert response.status_code == 303
    assert appointment_round.result["seats"] == {"A": 1, "V+C": 2}
    # The joint group names both its people, from whichever of its groups it likes.
    for person in scene.members["C"][:2]:
        assert name(staff_client, scene, appointment_round, "v1", person).status_code == 204


def test_rule_3_8_a_group_in_a_joint_group_has_no_seats_of_its_own(app, scene):
    from portal.appointments import operations
    from portal.refusal import Refused
    from portal.types import utcnow

    body = make_body(scene.council, seats=3)
    appointment_round = start_round(body, scene.staff)
    groups = scene.groups
    lines = [
        (groups["A"].id, 6, None),
        (groups["V"].id, 4, 1),
        (groups["C"].id, 3, 1),
    ]
    operations.record_votes(appointment_round, lines, by=scene.staff, now=utcnow())
    with pytest.raises(Refused, match="Vælg en gruppe, der har fået pladser."):
        operations.name_person(
            appointment_round,
            scene.members["V"][0],
            groups["V"],
            body.term_starts_on,
            body.term_ends_on,
            by=scene.staff,
            now=utcnow(),
        )
    with pytest.raises(Refused, match="Vælg en gruppe, der har fået pladser."):
        operations.name_person(
            appointment_round,
            scene.members["V"][0],
            None,
            body.term_starts_on,
            body.term_ends_on,
            joint_group=2,
            by=scene.staff,
            now=utcnow(),
        )
