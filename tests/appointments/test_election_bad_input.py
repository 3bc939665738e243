"""Hostile values in otherwise valid forms of the election screens (found by
tests/security/test_one_hostile_field.py): each is refused in Danish, by its line for a results
file, and writes nothing."""

from __future__ import annotations

import io
from datetime import date

import pytest
from sqlalchemy import select

from portal.elections.models import ElectionGroupResult
from portal.extensions import db
from tests.appointments.election_scene import Scene, build_scene, confirmed, make_election
from tests.conftest import sign_in


@pytest.fixture
def scene(app, client) -> Scene:  # noqa: ANN001
    scene = build_scene()
    sign_in(client, scene.staff)
    return scene


def result_rows() -> list[tuple[str, str, int]]:
    rows = db.session.execute(
        select(
            ElectionGroupResult.letter, ElectionGroupResult.name, ElectionGroupResult.votes
        ).order_by(ElectionGroupResult.id)
    ).all()
    db.session.commit()
    return [tuple(row) for row in rows]


@pytest.mark.parametrize("field", ["votes", "council_seats"])
def test_rule_1_0_a_count_too_large_to_store_is_refused_in_danish(client, scene: Scene, field: str):
    election = make_election(scene.council)
    before = result_rows()
    data = {"letter": "Å", "name": "Alternativet", "votes": "1200", "mayors": "0"}
    data |= {"council_seats": "4", "group_id": "", field: "99999999999999999999999"}
    response = client.post(scene.election_url(election, "/grupper"), data=data)
    assert response.status_code == 422
    assert 'lang="da"' in response.text
    assert result_rows() == before


@pytest.mark.parametrize(
    "line",
    [
        "Å;Alternativet;99999999999999999999999;0;4",
        "Å;Alternativet;²;0;4",
        "Å;Alter\x00nativet;1200;0;4",
        "Å;Alter\x01nativet;1200;0;4",
        "Å\x00;Alternativet;1200;0;4",
    ],
)
def test_rule_1_0_a_results_file_with_a_hostile_line_is_refused_by_its_line(
    client, scene: Scene, line: str
):  # noqa: ANN001
    election = make_election(scene.council)
    before = result_rows()
    csv = f"letter;name;votes;mayors;council_seats\n{line}\n".encode()
    response = client.post(
        scene.election_url(election, "/import"),
        data={"file": (io.BytesIO(csv), "resultater.csv")},
    )
    assert response.status_code == 422
    assert "Linje 2" in response.text
    assert result_rows() == before


@pytest.mark.parametrize("moment", ["2027-03-28T02:30", "2027-10-31T02:30"])
def test_rule_1_3_a_constituting_meeting_the_clock_skips_or_repeats_is_refused(
    client, scene: Scene, moment: str
):  # noqa: ANN001
    # Held in March 2027: both daylight-saving nights fall before 31 January 2028 (rule 1.3).
    election = confirmed(make_election(scene.council, held_on=date(2027, 3, 1)), scene.staff)
    db.session.commit()
    response = client.post(scene.constitution_url(election, "/moede"), data={"starts_at": moment})
    assert response.status_code == 422
    assert "02:30" in response.text
    assert election.constituting_meeting_at is None
