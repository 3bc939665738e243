"""Election results, the composition computed with its workings and chart, a tie left to a
lot that staff record, and the confirmed composition stored with the election (rules 1.0–1.1)."""

from __future__ import annotations

import re
from datetime import date

import pytest
from sqlalchemy import select

from portal.audit.models import AuditEntry
from portal.elections.models import Election, ElectionGroupResult, ElectionStatus
from portal.extensions import db
from tests.appointments.election_scene import (
    HTMX,
    TIED,
    Scene,
    build_scene,
    make_election,
)
from tests.conftest import sign_in
from tests.support import QueryCounter


@pytest.fixture
def scene(app, client) -> Scene:
    scene = build_scene()
    sign_in(client, scene.staff)
    return scene


def add(client, scene: Scene, election: Election, letter: str, votes, mayors, seats, **extra):  # noqa: ANN001, ANN201
    data = {
        "letter": letter,
        "name": f"Parti {letter}",
        "votes": votes,
        "mayors": mayors,
        "council_seats": seats,
        "group_id": "",
        **extra,
    }
    return client.post(scene.election_url(election, "/grupper"), data=data)


def test_rule_1_0_staff_enter_results_and_see_the_composition_with_its_workings(client, scene):
    response = client.post(scene.url(), data={"held_on": "2025-11-18", "municipalities": "3"})
    assert response.status_code == 303
    election = db.session.scalars(select(Election)).one()
    assert response.headers["Location"] == scene.election_url(election)
    assert election.status is ElectionStatus.DRAFT

    assert add(client, scene, election, "A", 5000, 2, 20).status_code == 303
    assert add(client, scene, election, "B", 3000, 1, 12).status_code == 303
    assert add(client, scene, election, "C", 1000, 0, 3).status_code == 303
    # A group below 2 % of the votes does not qualify for supplementary seats (rule 1.1).
    response = add(client, scene, election, "D", 100, 0, 1, group_id=scene.groups["A"].id)
    assert response.status_code == 303
    assert [r.name for r in election.results] == ["Parti A", "Parti B", "Parti C", "Parti D"]
    assert election.results[3].group_id == scene.groups["A"].id

    page = client.get(scene.election_url(election)).text
    # The workings: vote share, seat share, ratio and whether the group qualifies.
    workings = page[page.index('id="workings"') :]
    row_a = re.search(r"A · Parti A</th>(.*?)</tr>", workings, re.S).group(1)
    assert "54,9 %" in row_a  # 5000 of 9100 votes
    assert ">ja<" in row_a
    row_d = re.search(r"D · Parti D</th>(.*?)</tr>", workings, re.S).group(1)
    assert ">nej<" in row_d and "1,1 %" in row_d
    assert "Rådets størrelse" in page
    # The chart: server-rendered SVG, named and described, beside the data table.
    assert '<svg class="share-chart"' in page and 'role="img"' in page
    assert '<title id="chart-title">' in page and '<desc id="chart-desc">' in page
    assert "stemmer 54,9 %" in page  # shares are of all valid votes, D's included
    assert "55,6 %" not in page
    assert "style=" not in page  # strict CSP: no inline style anywhere


def test_rule_1_1_a_tie_is_reported_and_staff_record_the_lot_and_who_drew_it(client, scene):
    election = make_election(scene.council, TIED)
    page = client.get(scene.election_url(election)).text
    assert "Resultatet afhænger af lige tal mellem A, B" in page
    assert "Godkend sammensætningen" not in page
    # Confirming before the lot is refused.
    refused = client.post(scene.election_url(election, "/godkend"))
    assert refused.status_code == 422
    assert "Registrér lodtrækningen først" in refused.text
    # Who drew it must be said.
    missing = client.post(scene.election_url(election, "/lodtraekning"), data={"winner": "B"})
    assert missing.status_code == 422 and "Skal udfyldes." in missing.text
    # Only a group in the tie can win it.
    wrong = client.post(
        scene.election_url(election, "/lodtraekning"), data={"winner": "C", "drawn_by": "X"}
    )
    assert wrong.status_code == 422

    response = client.post(
        scene.election_url(election, "/lodtraekning"),
        data={"winner": "B", "drawn_by": "Dirigent Hansen"},
    )
    assert response.status_code == 303
    assert election.composition_lots[0]["winner"] == "B"
    assert election.composition_lots[0]["drawn_by"] == "Dirigent Hansen"
    assert election.composition_lots[0]["recorded_by_id"] == scene.staff.id
    page = client.get(scene.election_url(election)).text
    assert "faldt lodtrækningen på B. Trukket af Dirigent Hansen." in page

    assert client.post(scene.election_url(election, "/godkend")).status_code == 303
    assert election.status is ElectionStatus.CONFIRMED
    assert election.composition["seats"] == {"A": 2, "B": 3, "C": 1}


def test_rule_1_1_the_confirmed_composition_is_stored_and_tells_each_group_its_members(
    client, scene
):
    election = make_election(scene.council)
    response = client.post(scene.election_url(election, "/godkend"), headers=HTMX)
    assert response.status_code == 204
    # The page reloads (a URL differing only by its #fragment would just scroll).
    assert response.headers["HX-Redirect"] == scene.election_url(election)
    assert election.status is ElectionStatus.CONFIRMED
    assert election.confirmed_by_id == scene.staff.id and election.confirmed_at is not None
    stored = election.composition
    assert stored["size"] == sum(stored["seats"].values()) == 6
    groups = {g["name"]: g for g in stored["groups"]}
    # Rule 1.0: mayors are members by office; the group elects the rest of its seats.
    assert groups["A"]["seats"] - groups["A"]["mayors"] == 1
    assert db.session.scalar(
        select(AuditEntry.id).where(AuditEntry.action == "composition_confirmed")
    )

    # What was stored is what is shown, even if the rows were changed behind its back.
    db.session.scalars(select(ElectionGroupResult)).first().votes = 1
    db.session.commit()
    page = client.get(scene.election_url(election)).text
    assert "Godkendt" in page and "5.000" in page
    assert "Gruppen vælger" in page
    # The results cannot change any more.
    refused = add(client, scene, election, "E", 10, 0, 1)
    assert refused.status_code == 422
    assert "Sammensætningen er godkendt" in refused.text
    assert len(db.session.scalars(select(ElectionGroupResult)).all()) == 3
    removed = client.post(scene.election_url(election, f"/grupper/{election.results[0].id}/fjern"))
    assert removed.status_code == 303
    assert len(db.session.scalars(select(ElectionGroupResult)).all()) == 3


def test_rule_1_1_bad_numbers_are_refused_in_danish(client, scene):
    election = make_election(scene.council, [])
    response = add(client, scene, election, "A", -5, 4, 2)
    assert response.status_code == 422
    assert "Skriv et helt tal fra 0 til 100.000.000." in response.text
    assert "En borgmester har et mandat" in response.text
    # More mayors in all than municipalities: shown as the composition's problem.
    for letter in "AB":
        assert add(client, scene, election, letter, 100, 2, 5).status_code == 303
    page = client.get(scene.election_url(election)).text
    assert "Grupperne har i alt 4 borgmestre, men regionen har kun 3 kommuner." in page
    assert client.post(scene.election_url(election, "/godkend")).status_code == 422
    # No group with a council seat and no mayors: no one gets a seat.
    nobody = make_election(scene.council, [("A", 100, 0, 0)], held_on=date(2021, 11, 16))
    assert "Ingen gruppe får pladser: ingen har mindst 2 % af stemmerne" in (
        client.get(scene.election_url(nobody)).text
    )


def test_rule_1_0_a_result_is_corrected_and_a_mistaken_line_removed(client, scene):
    election = make_election(scene.council, TIED)
    first, *_ = election.results
    form = client.get(scene.election_url(election, f"/grupper/{first.id}"))
    assert form.status_code == 200 and 'value="3000"' in form.text
    response = client.post(
        scene.election_url(election, f"/grupper/{first.id}"),
        data={"letter": "A", "name": "A", "votes": 3001, "mayors": 1, "council_seats": 10},
    )
    assert response.status_code == 303
    assert first.votes == 3001
    removed = client.post(scene.election_url(election, f"/grupper/{election.results[2].id}/fjern"))
    assert removed.status_code == 303
    assert [r.name for r in election.results] == ["A", "B"]


def test_the_election_page_costs_the_same_queries_for_more_groups(client, scene):
    small = make_election(scene.council, TIED)
    big = make_election(
        scene.council,
        [(f"G{i}", 1000 + i, 0, 2) for i in range(30)],
        municipalities=30,
        held_on=small.held_on.replace(year=small.held_on.year - 4),
    )
    counts = []
    for url in [scene.election_url(small), scene.election_url(big)]:
        with QueryCounter() as counter:
            assert client.get(url).status_code == 200
        counts.append(counter.count)
    assert counts[0] == counts[1]
