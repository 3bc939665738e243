"""One seat by majority vote (rule 3.8, kommunestyrelseslov § 24 stk. 1): each voting round's
ballots recorded, the calculator says elected, another round (and who may stand) or a lot;
staff record the lot; the person elected is named, published and told."""

from __future__ import annotations

import pytest

from portal.appointments.models import AppointmentMethod, RoundStatus
from tests.appointments.scene import HTMX, Scene, appointments, build_scene, make_body, start_round
from tests.conftest import sign_in


@pytest.fixture
def scene(app) -> Scene:
    return build_scene()


@pytest.fixture
def staff_client(client, scene):  # noqa: ANN001, ANN201
    sign_in(client, scene.staff)
    return client


def ballot(present: int, votes: dict, blank: int = 0) -> dict:  # noqa: ANN001
    data: dict[str, object] = {"members_present": present, "blank": blank}
    for index, (person, count) in enumerate(votes.items()):
        data[f"candidates-{index}-person_id"] = person.id
        data[f"candidates-{index}-votes"] = count
    return data


@pytest.fixture
def single(scene):  # noqa: ANN001, ANN201
    body = make_body(scene.council, "Praksisplanudvalget", seats=1)
    appointment_round = start_round(body, scene.staff)
    assert appointment_round.method is AppointmentMethod.MAJORITY
    return appointment_round


def test_rule_3_8_a_majority_of_the_members_present_elects_in_round_one(
    staff_client, scene, single
):
    x, y = scene.councillors[0], scene.councillors[1]
    page = staff_client.get(scene.round_url(single)).get_data(as_text=True)
    assert "Registrér afstemning nr. 1" in page
    # 5 of 10 present is not a majority: another round, anyone may stand.
    response = staff_client.post(
        scene.round_url(single, "/afstemning"), data=ballot(10, {x: 5, y: 4}, blank=1)
    )
    assert response.status_code == 303
    assert single.status is RoundStatus.OPEN and single.result["next_round"] == 2
    page = staff_client.get(scene.round_url(single)).get_data(as_text=True)
    assert "flertal kræver 6 stemmer" in page and "Alle kan stille op." in page
    staff_client.post(scene.round_url(single, "/afstemning"), data=ballot(10, {x: 6, y: 4}))
    assert single.status is RoundStatus.DECIDED and single.result["elected"] == x.id
    page = staff_client.get(scene.round_url(single)).get_data(as_text=True)
    assert f"{x.name} fik flertal i denne afstemning." in page
    assert page.count(f"{x.name} er valgt.") == 1 and "Udpeg en person" in page

    # Only the person elected can be named; their group is offered from their seat, if any.
    wrong = staff_client.post(
        scene.round_url(single, "/udpeg"),
        data={
            "person_id": y.id,
            "group_id": "",
            "starts_on": "2026-01-01",
            "ends_on": "2029-12-31",
        },
        headers=HTMX,
    )
    assert wrong.status_code == 422
    named = staff_client.post(
        scene.round_url(single, "/udpeg"),
        data={
            "person_id": x.id,
            "group_id": "",
            "starts_on": "2026-01-01",
            "ends_on": "2029-12-31",
        },
    )
    assert named.status_code == 303
    staff_client.post(scene.round_url(single, "/offentliggoer"))
    assert single.status is RoundStatus.PUBLISHED
    page = staff_client.get(scene.round_url(single)).get_data(as_text=True)
    assert "Udpeg en person" not in page and "Offentliggør" not in page
    [appointment] = appointments()
    assert appointment.person_id == x.id and appointment.group_id is None


def test_rule_3_8_round_three_is_a_run_off_and_a_tie_there_is_settled_by_lot(
    staff_client, scene, single
):
    x, y, z = scene.councillors
    url = scene.round_url(single, "/afstemning")
    staff_client.post(url, data=ballot(11, {x: 4, y: 4, z: 3}))
    staff_client.post(url, data=ballot(11, {x: 5, y: 4, z: 2}))
    assert single.status is RoundStatus.OPEN
    assert single.result["standing"] == [x.id, y.id]
    page = staff_client.get(scene.round_url(single)).get_data(as_text=True)
    assert f"mellem {x.name}, {y.name}" in page
    # Only the two leading candidates of round 2 may stand in the run-off.
    refused = staff_client.post(url, data=ballot(11, {x: 5, z: 5}), headers=HTMX)
    assert refused.status_code == 422 and len(single.ballots) == 2
    # Run-off: a majority of the votes cast; 5 against 5 is a tie for the lot.
    staff_client.post(url, data=ballot(11, {x: 5, y: 5}, blank=1))
    assert single.status is RoundStatus.LOT_NEEDED
    assert single.ties == [[str(x.id), str(y.id)]]
    page = staff_client.get(scene.round_url(single)).get_data(as_text=True)
    assert "Portalen trækker ikke lod" in page
    response = staff_client.post(
        scene.round_url(single, "/lodtraekning"), data={"winner": y.id, "drawn_by": "Formanden"}
    )
    assert response.status_code == 303
    assert single.status is RoundStatus.DECIDED
    assert single.result["elected"] == y.id and single.result["by_lot"] is True
    assert single.lot["draws"][0]["purpose"] == "winner"


def test_rule_3_8_a_tie_for_the_run_off_is_settled_by_lot(staff_client, scene, single):
    x, y, z = scene.councillors
    url = scene.round_url(single, "/afstemning")
    staff_client.post(url, data=ballot(11, {x: 5, y: 3, z: 3}))
    staff_client.post(url, data=ballot(11, {x: 5, y: 3, z: 3}))
    assert single.status is RoundStatus.LOT_NEEDED
    assert single.ties == [[str(y.id), str(z.id)]]
    staff_client.post(
        scene.round_url(single, "/lodtraekning"), data={"winner": z.id, "drawn_by": "Formanden"}
    )
    assert single.status is RoundStatus.OPEN
    assert single.result["standing"] == [x.id, z.id]
    staff_client.post(url, data=ballot(11, {x: 4, z: 6}))
    assert single.status is RoundStatus.DECIDED and single.result["elected"] == z.id


def test_rule_3_8_candidates_must_be_councillors_of_the_region(staff_client, scene, single):
    url = scene.round_url(single, "/afstemning")
    for outsider in (scene.not_councillor, scene.other_councillor):
        response = staff_client.post(url, data=ballot(10, {outsider: 6}), headers=HTMX)
        assert response.status_code == 422
    too_many = staff_client.post(url, data=ballot(5, {scene.councillors[0]: 6}))
    assert too_many.status_code == 422
    assert "flere stemmer, end der er medlemmer til stede" in too_many.get_data(as_text=True)
    assert single.ballots == []


def test_rule_3_8_round_two_elects_the_one_candidate_who_got_every_vote(
    staff_client, scene, single
):
    x, y, _z = scene.councillors
    url = scene.round_url(single, "/afstemning")
    staff_client.post(url, data=ballot(11, {x: 4, y: 4}, blank=3))
    # 4 of 11 is no majority, but every vote cast for a candidate went to x (§ 24 stk. 1).
    staff_client.post(url, data=ballot(11, {x: 4, y: 0}, blank=7))
    assert single.status is RoundStatus.DECIDED and single.result["elected"] == x.id
    assert single.result["rounds"][1]["elected_by"] == "only_candidate"
    page = staff_client.get(scene.round_url(single)).get_data(as_text=True)
    assert f"Alle stemmer gik til {x.name}, som dermed er valgt" in page


def test_rule_3_8_a_run_off_without_votes_elects_no_one_and_is_held_again(
    staff_client, scene, single
):
    x, y, z = scene.councillors
    url = scene.round_url(single, "/afstemning")
    staff_client.post(url, data=ballot(11, {x: 4, y: 4, z: 3}))
    staff_client.post(url, data=ballot(11, {x: 5, y: 4, z: 2}))
    staff_client.post(url, data=ballot(11, {x: 0, y: 0}, blank=11))
    assert single.status is RoundStatus.OPEN and single.result["elected"] is None
    assert single.result["rounds"][2]["void"] is True
    assert single.result["standing"] == [x.id, y.id] and single.result["next_round"] == 4
    page = staff_client.get(scene.round_url(single)).get_data(as_text=True)
    assert "Ingen kandidat fik stemmer" in page and "den holdes om" in page
    assert "Registrér afstemning nr. 4" in page
    staff_client.post(url, data=ballot(11, {x: 3, y: 2}, blank=6))
    assert single.status is RoundStatus.DECIDED and single.result["elected"] == x.id
