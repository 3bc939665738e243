"""The constituting meeting: its latest date and convener (rule 1.3), electoral alliances with
their deadline and the chair and vice-chair election step by step (rule 1.4), and replacing a
chair or vice-chair by the group that elected them (rules 1.15–1.16)."""

from __future__ import annotations

import re
from datetime import date, timedelta

import pytest
from sqlalchemy import select

from portal.councils.models import CouncilOffice, MunicipalOffice
from portal.elections import operations as operations
from portal.elections import queries as election_queries
from portal.elections.models import (
    ChairElection,
    ChairElectionStatus,
    ElectoralAlliance,
    OfficeHolding,
)
from portal.extensions import db
from portal.policy import today
from portal.refusal import Refused
from portal.rules.calendar import alliance_deadline
from portal.types import utcnow
from tests.appointments.election_scene import (
    HTMX,
    Scene,
    build_scene,
    confirmed,
    local,
    make_election,
)
from tests.conftest import sign_in
from tests.factories import make_person

VOTES = [("A", 3000, 1, 10), ("B", 2000, 1, 8), ("C", 1500, 0, 5)]


@pytest.fixture
def scene(app, client) -> Scene:
    scene = build_scene()
    sign_in(client, scene.staff)
    return scene


def ready(scene: Scene, results=VOTES, meeting_in_days: int = -2):  # noqa: ANN001, ANN201
    """A confirmed election and its constituting meeting (in the past by default: the
    alliance deadline has passed and the chair election can be recorded)."""
    election = confirmed(make_election(scene.council, results, groups=scene.groups), scene.staff)
    election.constituting_meeting_at = local(today() + timedelta(days=meeting_in_days))
    db.session.flush()
    return election


def test_rule_1_3_the_page_shows_the_latest_date_and_the_longest_serving_mayor(client, scene):
    municipalities = scene.council.municipalities
    make_person(
        municipality=municipalities[0],
        name="Anna Ældst",
        office=MunicipalOffice.MAYOR,
    ).mayor_since = date(2010, 1, 1)
    newer = make_person(
        municipality=municipalities[1], name="Bo Nyere", office=MunicipalOffice.MAYOR
    )
    newer.mayor_since = date(2018, 1, 1)
    election = make_election(scene.council, VOTES, held_on=date(2025, 11, 18))
    page = client.get(scene.constitution_url(election)).text
    assert "lørdag 31. januar 2026" in page
    convener = page[page.index('id="convener"') :]
    assert convener.index("Anna Ældst") < convener.index("</dd>")
    assert "Den længst siddende borgmester." in convener

    # A third mayor without a since-date: the convener cannot be known; staff are told whom.
    make_person(municipality=municipalities[2], name="Cai Ukendt", office=MunicipalOffice.MAYOR)
    page = client.get(scene.constitution_url(election)).text
    convener = page[page.index('id="convener"') : page.index("</dd>", page.index('id="convener"'))]
    assert "Kan ikke afgøres endnu." in convener and "Cai Ukendt" in convener


def test_rule_1_3_staff_record_since_dates_and_birth_dates_where_they_keep_people(client, scene):
    municipality = scene.council.municipalities[0]
    person = make_person(municipality=municipality, office=MunicipalOffice.MAYOR)
    url = f"/kkr/{scene.council.slug}/admin/personer/{person.id}"
    data = {
        "name": person.name,
        "email": person.email,
        "municipality_id": municipality.id,
        "municipal_office": "mayor",
        "mayor_since": "2014-01-01",
        "born_on": "1961-05-02",
    }
    assert client.post(url, data=data).status_code == 303
    assert (person.mayor_since, person.born_on) == (date(2014, 1, 1), date(1961, 5, 2))
    refused = client.post(url, data={**data, "mayor_since": "1960-01-01"})
    assert refused.status_code == 422 and "Datoen skal ligge efter fødselsdatoen." in refused.text


def test_rule_1_3_the_meeting_is_held_by_31_january_after_the_election(client, scene):
    election = confirmed(
        make_election(scene.council, VOTES, held_on=date(2025, 11, 18)), scene.staff
    )
    url = scene.constitution_url(election, "/moede")
    late = client.post(url, data={"starts_at": "2026-02-01T10:00"}, headers=HTMX)
    assert late.status_code == 422
    assert "senest 31.01.2026 (regel 1.3)" in late.text
    assert client.post(url, data={"starts_at": "2026-01-14T10:00"}).status_code == 303
    assert election.constituting_meeting_at == local(date(2026, 1, 14))


def test_rule_1_4_alliances_are_registered_until_three_working_days_before(client, scene):
    election = ready(scene, meeting_in_days=20)
    a, b, c = (result.id for result in election.results)
    url = scene.constitution_url(election, "/valgforbund")
    assert client.post(url, data={"groups": [b, c]}).status_code == 303
    alliance = db.session.scalars(select(ElectoralAlliance)).one()
    assert [g.name for g in alliance.groups] == ["B", "C"]
    # A group can be in one alliance only; an alliance needs two groups.
    twice = client.post(url, data={"groups": [a, c]})
    assert twice.status_code == 422 and "C er allerede med i et" in twice.text
    assert "Vælg mindst to grupper." in client.post(url, data={"groups": [a]}).text

    # The deadline, to the second: the end of the 3rd working day before the meeting.
    deadline = alliance_deadline(election.constituting_meeting_at)
    results = election.results
    with pytest.raises(Refused) as late:
        operations.register_alliance(
            election, [results[0], results[1]], by=scene.staff, now=deadline + timedelta(seconds=1)
        )
    assert "Fristen for at anmelde valgforbund var" in late.value.message
    assert "3 hverdage før det konstituerende møde (regel 1.4)" in late.value.message
    operations.withdraw_alliance(alliance, now=deadline)  # the deadline itself is in time
    assert alliance.withdrawn_at is not None


def test_rule_1_4_a_late_alliance_is_refused_with_a_clear_message(client, scene):
    election = ready(scene)  # the meeting was two days ago
    b, c = election.results[1].id, election.results[2].id
    response = client.post(
        scene.constitution_url(election, "/valgforbund"), data={"groups": [b, c]}, headers=HTMX
    )
    assert response.status_code == 422
    assert "Fristen for at anmelde valgforbund var" in response.text
    assert not db.session.scalars(select(ElectoralAlliance)).all()
    assert (
        "Fristen for at anmelde valgforbund er udløbet."
        in client.get(scene.constitution_url(election)).text
    )


def test_rule_1_4_the_calculation_is_shown_step_by_step_with_the_alliance_pooled(client, scene):
    election = ready(scene, meeting_in_days=20)
    page = client.get(scene.constitution_url(election)).text
    # Standing alone: A (3000) takes the chair, B (2000) the vice-chair; A ÷ 2 = 1500 < 2000.
    order = page[page.index('id="seat-order"') :]
    assert "Formand:</strong>\n  A · A (kvotient 3.000)" in order
    assert "Næstformand:</strong>\n  B · B (kvotient 2.000)" in order
    assert "Beregningen kan ændre sig" in page

    b, c = election.results[1], election.results[2]
    operations.register_alliance(election, [b, c], by=scene.staff, now=utcnow())
    page = client.get(scene.constitution_url(election)).text
    # Pooled, B + C (3500) beat A; inside the alliance B's 2000 takes its seat.
    assert "Fordelingen inden for valgforbund B · B + C · C" in page
    order = page[page.index('id="seat-order"') :]
    assert "Formand:</strong>\n  valgforbund B · B + C · C (kvotient 3.500) → B · B" in order
    assert "Næstformand:</strong>\n  A · A (kvotient 3.000)" in order


def test_rule_1_4_staff_record_the_persons_elected_after_the_deadline(client, scene):
    election = ready(scene)
    url = scene.constitution_url(election, "/valgte")
    a, b = scene.members["A"], scene.members["B"]
    # The chair goes to group A: a member of B cannot take it.
    wrong = client.post(
        url, data={"chair": b.id, "vice_chair": a.id, "starts_on": today().isoformat()}
    )
    assert wrong.status_code == 422
    assert "er ikke medlem for A · A, som fik formandsposten." in wrong.text
    same = client.post(url, data={"chair": a.id, "vice_chair": a.id, "starts_on": "2026-01-01"})
    assert "to forskellige personer" in same.text

    response = client.post(
        url, data={"chair": a.id, "vice_chair": b.id, "starts_on": today().isoformat()}
    )
    assert response.status_code == 303
    chair_election = db.session.scalars(select(ChairElection)).one()
    assert chair_election.status is ChairElectionStatus.DECIDED
    assert chair_election.calculation["chair"] == "A"
    assert chair_election.calculation["vice_chair"] == "B"
    assert (a.office, b.office) == (CouncilOffice.CHAIR, CouncilOffice.VICE_CHAIR)
    holdings = db.session.scalars(select(OfficeHolding).order_by(OfficeHolding.id)).all()
    assert [(h.office, h.person_id, h.result.name) for h in holdings] == [
        (CouncilOffice.CHAIR, a.person_id, "A"),
        (CouncilOffice.VICE_CHAIR, b.person_id, "B"),
    ]
    page = client.get(scene.constitution_url(election)).text
    assert "Registrér formand og næstformand" not in page
    assert a.person.name in page[page.index('id="elected"') :]
    again = client.post(
        url, data={"chair": a.id, "vice_chair": b.id, "starts_on": today().isoformat()}
    )
    assert again.status_code == 422 and "allerede valgt" in again.text


def test_rule_1_4_the_election_waits_for_the_alliance_deadline(client, scene):
    election = ready(scene, meeting_in_days=20)
    response = client.post(
        scene.constitution_url(election, "/valgte"),
        data={
            "chair": scene.members["A"].id,
            "vice_chair": scene.members["B"].id,
            "starts_on": today().isoformat(),
        },
    )
    assert response.status_code == 422
    assert "Valgforbund kan stadig anmeldes." in response.text
    assert not db.session.scalars(select(OfficeHolding)).all()


def test_rule_1_4_equal_quotients_are_reported_and_staff_record_the_lot(client, scene):
    election = ready(scene, [("A", 3000, 1, 10), ("B", 3000, 1, 10), ("C", 100, 0, 1)])
    page = client.get(scene.constitution_url(election)).text
    assert "A · A, B · B har lige store kvotienter" in page
    assert "Registrér formand og næstformand" not in page
    url = scene.constitution_url(election, "/lodtraekning")
    assert client.post(url, data={"winner": "C", "drawn_by": "X"}).status_code == 422
    response = client.post(url, data={"winner": "B", "drawn_by": "Dirigent Holm"})
    assert response.status_code == 303
    chair_election = db.session.scalars(select(ChairElection)).one()
    assert chair_election.status is ChairElectionStatus.LOT_RECORDED
    assert chair_election.lots[0]["winner"] == "B"
    assert chair_election.lots[0]["drawn_by"] == "Dirigent Holm"
    assert chair_election.calculation["chair"] == "B"
    page = client.get(scene.constitution_url(election)).text
    assert "faldt lodtrækningen på B · B. Trukket af Dirigent Holm." in page
    assert "Formandsposten går til B · B, næstformandsposten til A · A" in page


def elected(scene: Scene, election, day: date):  # noqa: ANN001, ANN201
    operations.record_chair_election(
        election,
        chair=scene.members["A"],
        vice_chair=scene.members["B"],
        starts_on=day,
        by=scene.staff,
        now=utcnow(),
    )
    db.session.flush()
    return {h.office: h for h in election_queries.holdings_of(election)}


def test_rule_1_15_a_chair_who_leaves_is_replaced_by_the_group_that_elected_them(client, scene):
    election = ready(scene)
    holdings = elected(scene, election, today() - timedelta(days=30))
    chair = holdings[CouncilOffice.CHAIR]
    url = scene.constitution_url(election, f"/hverv/{chair.id}/erstat")
    assert client.get(url).status_code == 200
    data = {"vacancy": "left", "starts_on": today().isoformat(), "reason": "Udtrådt"}
    # Group A elected the chair: a member of group C cannot be named.
    wrong = client.post(url, data={**data, "successor": scene.members["C"].id})
    assert wrong.status_code == 422 and "som fik formandsposten" in wrong.text

    response = client.post(url, data={**data, "successor": scene.second_a.id})
    assert response.status_code == 303
    assert chair.ends_on == today() - timedelta(days=1) and chair.end_reason == "Udtrådt"
    successor = election_queries.current_holding(scene.council.id, CouncilOffice.CHAIR, today())
    assert successor.person_id == scene.second_a.person_id
    assert successor.replaces_id == chair.id and successor.result_id == chair.result_id
    assert scene.second_a.office is CouncilOffice.CHAIR
    assert scene.members["A"].office is CouncilOffice.MEMBER
    page = client.get(scene.constitution_url(election)).text
    assert f"Efterfølger for {scene.members['A'].person.name}" in page


def test_rule_1_16_a_vice_chair_away_three_months_has_a_stand_in_for_the_period(client, scene):
    election = ready(scene)
    vice = elected(scene, election, today() - timedelta(days=30))[CouncilOffice.VICE_CHAIR]
    stand_in = scene.members["C"]
    stand_in.group = scene.groups["B"]  # group B names one of its own members
    url = scene.constitution_url(election, f"/hverv/{vice.id}/erstat")
    start = today()
    data = {
        "vacancy": "away",
        "successor": stand_in.id,
        "starts_on": start.isoformat(),
        "reason": "Orlov",
    }
    assert "Skriv den sidste dag med forfald." in client.post(url, data=data).text
    short = client.post(url, data={**data, "ends_on": (start + timedelta(days=60)).isoformat()})
    assert short.status_code == 422 and "3 måneder eller mere" in short.text

    back = start + timedelta(days=100)
    response = client.post(url, data={**data, "ends_on": back.isoformat()})
    assert response.status_code == 303
    assert vice.ends_on is None  # the vice-chair keeps the office
    acting = election_queries.current_holding(scene.council.id, CouncilOffice.VICE_CHAIR, start)
    assert acting.person_id == stand_in.person_id and acting.stands_in_for_id == vice.id
    after = election_queries.current_holding(
        scene.council.id, CouncilOffice.VICE_CHAIR, back + timedelta(days=1)
    )
    assert after.id == vice.id
    assert "Træder til for" in client.get(scene.constitution_url(election)).text


def copenhagen_wall(moment) -> str:  # noqa: ANN001
    """A moment as the form's datetime-local field takes it (Copenhagen's clock)."""
    from portal.rules.calendar import COPENHAGEN

    return moment.astimezone(COPENHAGEN).strftime("%Y-%m-%dT%H:%M")


def test_rule_1_4_the_deadline_is_judged_on_when_the_secretariat_received_the_notice(client, scene):
    election = ready(scene)  # the meeting was two days ago: the deadline has passed
    b, c = election.results[1].id, election.results[2].id
    deadline = alliance_deadline(election.constituting_meeting_at)
    url = scene.constitution_url(election, "/valgforbund")
    page = client.get(scene.constitution_url(election)).text
    assert "Fristen for at anmelde valgforbund er udløbet." in page
    assert "kan stadig registreres med tidspunktet for modtagelsen" in page
    assert 'name="received_at"' in page

    # Received a minute after the deadline: refused, the groups and the moment kept.
    late = deadline + timedelta(minutes=1)
    response = client.post(url, data={"groups": [b, c], "received_at": copenhagen_wall(late)})
    assert response.status_code == 422
    assert "Sekretariatet modtog anmeldelsen" in response.text and "efter fristen" in response.text
    assert f'value="{copenhagen_wall(late)}"' in response.text
    assert re.search(rf'<input checked[^>]*value="{b}"', response.text)  # the groups kept
    assert not db.session.scalars(select(ElectoralAlliance)).all()

    # Received in time (23:59 on the deadline's day), typed in days later: registered.
    in_time = deadline.replace(second=0, microsecond=0)
    response = client.post(url, data={"groups": [b, c], "received_at": copenhagen_wall(in_time)})
    assert response.status_code == 303
    alliance = db.session.scalars(select(ElectoralAlliance)).one()
    assert alliance.received_at == in_time
    assert alliance.registered_at > deadline  # when staff typed it in: not what counts
    page = client.get(scene.constitution_url(election)).text
    assert "modtaget af sekretariatet" in page
    # The calculation pools the alliance.
    assert "valgforbund B · B + C · C" in page


def test_rule_1_4_a_notice_cannot_be_received_in_the_future(client, scene):
    election = ready(scene, meeting_in_days=20)
    b, c = election.results[1].id, election.results[2].id
    tomorrow = utcnow() + timedelta(days=1)
    response = client.post(
        scene.constitution_url(election, "/valgforbund"),
        data={"groups": [b, c], "received_at": copenhagen_wall(tomorrow)},
        headers=HTMX,
    )
    assert response.status_code == 422
    assert "kan ikke ligge i fremtiden" in response.text
    assert f'value="{copenhagen_wall(tomorrow)}"' in response.text
    assert not db.session.scalars(select(ElectoralAlliance)).all()


def test_rule_1_4_the_received_moment_defaults_to_now(client, scene):
    election = ready(scene, meeting_in_days=20)
    page = client.get(scene.constitution_url(election)).text
    # The form is pre-filled with the minute it was shown.
    assert f'value="{copenhagen_wall(utcnow())}"' in page or 'name="received_at"' in page
    b, c = election.results[1].id, election.results[2].id
    before = utcnow()
    url = scene.constitution_url(election, "/valgforbund")
    assert client.post(url, data={"groups": [b, c], "received_at": ""}).status_code == 303
    alliance = db.session.scalars(select(ElectoralAlliance)).one()
    assert before <= alliance.received_at <= utcnow()


def test_rule_1_4_no_alliance_once_the_chair_election_is_under_way(client, scene):
    election = ready(scene, [("A", 3000, 1, 10), ("B", 3000, 1, 10), ("C", 100, 0, 1)])
    url = scene.constitution_url(election, "/lodtraekning")
    assert client.post(url, data={"winner": "B", "drawn_by": "Dirigent Holm"}).status_code == 303
    deadline = alliance_deadline(election.constituting_meeting_at)
    with pytest.raises(Refused, match="allerede i gang eller registreret"):
        operations.register_alliance(
            election,
            [election.results[1], election.results[2]],
            by=scene.staff,
            now=utcnow(),
            received_at=deadline - timedelta(hours=1),
        )
    page = client.get(scene.constitution_url(election)).text
    assert 'name="received_at"' not in page
