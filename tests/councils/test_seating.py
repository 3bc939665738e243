"""Who sits where (portal/councils/seating.py): the composition held against the memberships
(rules 1.0-1.2), the council's size for quorum (rule 3.7), and the changes of a term (rules
1.9-1.16), through the staff's pages where there is one."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

import pytest

from portal.absences.queries import meeting_attendance
from portal.councils import operations, seating
from portal.councils.models import (
    Council,
    CouncilOffice,
    EndCause,
    Group,
    Membership,
    MembershipKind,
    Municipality,
    MunicipalOffice,
    Person,
)
from portal.elections import operations as election_operations
from portal.elections.models import OfficeHolding
from portal.extensions import db
from portal.meeting_requests.operations import signatures_needed
from portal.policy import today
from portal.refusal import Refused
from portal.rules.constitution import Vacancy
from portal.types import utcnow
from tests.appointments.election_scene import confirmed, make_election
from tests.conftest import sign_in
from tests.factories import (
    make_council,
    make_group,
    make_meeting,
    make_member,
    make_municipality,
    make_person,
    make_staff,
    make_substitute,
)

# Three municipalities (cap 6): A has two mayors, C one; B none. The composition gives
# A 3, B 2, C 1: A elects one member beside its mayors, B two, C none.
RESULTS = [("A", 5000, 2, 20), ("B", 3000, 0, 12), ("C", 1000, 1, 3)]
ELECTION_DAY = date(2021, 11, 16)  # its council took office on 1 January 2022


@dataclass
class Scene:
    council: Council
    municipalities: list[Municipality]
    groups: dict[str, Group]
    mayors: list[Membership]  # A, A, C
    elected: dict[str, list[Membership]]  # group-elected, with substitutes
    staff: Person

    def url(self, path: str = "") -> str:
        return f"/kkr/{self.council.slug}/admin/{path}"


def build(*, with_composition: bool = True, b_seats: int = 2) -> Scene:
    council = make_council()
    municipalities = [make_municipality(council) for _ in range(3)]
    groups = {letter: make_group(council, letter, letter) for letter in "ABC"}
    mayors = [
        make_member(
            council, municipality=municipality, group=groups[letter], kind=MembershipKind.MAYOR
        )
        for municipality, letter in zip(municipalities, "AAC", strict=True)
    ]
    for mayor in mayors:
        deputy = make_person(
            council,
            municipality=mayor.municipality,
            office=MunicipalOffice.FIRST_DEPUTY_MAYOR,
        )
        make_substitute(mayor, deputy)
    elected: dict[str, list[Membership]] = {"A": [], "B": []}
    for letter, count in (("A", 1), ("B", b_seats)):
        for index in range(count):
            member = make_member(council, municipality=municipalities[index], group=groups[letter])
            make_substitute(member)
            elected[letter].append(member)
    staff = make_staff(council)
    if with_composition:
        confirmed(make_election(council, RESULTS, held_on=ELECTION_DAY, groups=groups), by=staff)
    return Scene(council, municipalities, groups, mayors, elected, staff)


@pytest.fixture
def scene(app) -> Scene:
    return build()


@pytest.fixture
def staff_client(client, scene):
    sign_in(client, scene.staff)
    return client


def kinds(scene: Scene, day: date | None = None) -> list[tuple[str, str, int]]:
    return [
        (task.kind.value, task.label, task.number)
        for task in seating.seat_tasks(scene.council, day or today())
    ]


# --- the size and the quorum (rule 3.7) ---------------------------------------------------


def test_rule_3_7_the_size_is_the_confirmed_composition_and_a_vacancy_does_not_lower_it(app):
    scene = build(b_seats=1)  # one of B's two seats is not filled
    assert len(seating.seats_on(scene.council, today())) == 5
    assert seating.council_size(scene.council, today()) == 6
    attendance = meeting_attendance(make_meeting(scene.council))
    assert (attendance.forecast.members, attendance.forecast.required) == (6, 3)
    assert ("seats_not_filled", "B · B", 1) in kinds(scene)


def test_rule_3_7_before_a_composition_is_confirmed_the_size_is_the_memberships(app):
    scene = build(with_composition=False, b_seats=1)
    assert seating.composition_on(scene.council, today()) is None
    assert seating.council_size(scene.council, today()) == 5
    # Only the council's own differences are tasks: none without a composition.
    assert not [k for k in kinds(scene) if k[0].startswith("seats_")]


def test_rule_1_3_a_composition_is_in_force_once_its_council_took_office(app):
    scene = build()
    assert seating.composition_on(scene.council, date(2021, 12, 31)) is None
    assert seating.composition_on(scene.council, date(2022, 1, 1)).size == 6


# --- the composition held against the memberships (rules 1.0-1.2) ------------------------


def test_rule_1_0_a_municipality_has_one_mayor_seat(staff_client, scene):
    municipality = scene.municipalities[0]
    second = make_person(scene.council, municipality=municipality, office=MunicipalOffice.MAYOR)
    data = {
        "person_id": str(second.id),
        "municipality_id": str(municipality.id),
        "group_id": str(scene.groups["A"].id),
        "kind": "mayor",
        "office": "member",
        "starts_on": today().isoformat(),
    }
    response = staff_client.post(scene.url("medlemmer/ny"), data=data)
    assert response.status_code == 422
    assert "har allerede sin borgmesterplads" in response.text
    assert f'value="{today().isoformat()}"' in response.text  # nothing typed is lost
    assert seating.council_size(scene.council, today()) == 6


def test_rule_1_0_and_1_2_only_councillors_are_group_elected_or_substitutes(staff_client, scene):
    outsider = make_person(scene.council, office=MunicipalOffice.NONE)
    data = {
        "person_id": str(outsider.id),
        "municipality_id": str(scene.municipalities[0].id),
        "group_id": str(scene.groups["B"].id),
        "kind": "group_elected",
        "office": "member",
        "starts_on": today().isoformat(),
    }
    response = staff_client.post(scene.url("medlemmer/ny"), data=data)
    assert response.status_code == 422
    assert "er ikke registreret som medlem af en kommunalbestyrelse" in response.text
    member = scene.elected["B"][0]
    operations.end_substitute(seating.substitute_of(member, today()), today())
    with pytest.raises(Refused, match="Kun kommunalbestyrelsesmedlemmer"):
        operations.assign_substitute(member, outsider, today() + timedelta(days=1))


def test_rule_1_1_a_group_fills_no_more_than_its_seats(staff_client, scene):
    councillor = make_person(scene.council, municipality=scene.municipalities[2])
    data = {
        "person_id": str(councillor.id),
        "municipality_id": str(scene.municipalities[2].id),
        "group_id": str(scene.groups["A"].id),
        "kind": "group_elected",
        "office": "member",
        "starts_on": today().isoformat(),
    }
    response = staff_client.post(scene.url("medlemmer/ny"), data=data)
    assert response.status_code == 422
    assert "A · A har 3 pladser i rådets godkendte sammensætning, og 3 er besat" in response.text


def test_rule_1_0_differences_are_tasks_naming_the_group_and_the_number(staff_client, app):
    scene = build(b_seats=0)
    sign_in(staff_client, scene.staff)
    # Data from before the checks: a member of a group without seats.
    make_member(scene.council, municipality=scene.municipalities[2], group=scene.groups["C"])
    page = staff_client.get(scene.url()).text
    assert "B · B: 2 pladser i sammensætningen er ikke besat." in page
    assert "C · C: 1 medlem for mange i forhold til sammensætningen." in page
    assert "Rådet har 6 pladser efter den godkendte sammensætning" in page


# --- a member leaves (rules 1.9, 1.13) ----------------------------------------------------


def test_rule_1_13_the_substitute_becomes_the_member_and_a_new_substitute_is_a_task(
    staff_client, scene
):
    member = scene.elected["B"][0]
    substitute = seating.substitute_of(member, today())
    last_day = today()
    page = staff_client.get(scene.url(f"medlemmer/{member.id}/afslut")).text
    assert "Personlig stedfortræder: " + substitute.substitute.name in page
    response = staff_client.post(
        scene.url(f"medlemmer/{member.id}/afslut"),
        data={"ends_on": last_day.isoformat(), "cause": "left_group", "successor": "substitute"},
    )
    assert response.status_code == 303
    db.session.expire_all()
    assert (member.ends_on, member.end_cause) == (last_day, EndCause.LEFT_GROUP)
    assert (substitute.ends_on, substitute.end_cause) == (last_day, EndCause.BECAME_MEMBER)
    # The seat never lacks a holder: the substitute holds it from the next day.
    next_day = last_day + timedelta(days=1)
    taking = next(
        s
        for s in seating.seats_on(scene.council, next_day)
        if s.membership.succeeds_id == member.id
    )
    assert taking.person.id == substitute.substitute_id
    assert (taking.group.id, taking.membership.starts_on) == (scene.groups["B"].id, next_day)
    assert ("substitute_missing", taking.person.name, 1) in kinds(scene, next_day)
    assert seating.council_size(scene.council, next_day) == 6
    assert not [k for k in kinds(scene, next_day) if k[0].startswith("seats_")]


def test_rule_1_13_the_substitute_declines_and_stays_as_the_new_members_substitute(
    staff_client, scene
):
    member = scene.elected["B"][1]
    substitute = seating.substitute_of(member, today())
    newcomer = make_person(scene.council, municipality=scene.municipalities[2])
    url = scene.url(f"medlemmer/{member.id}/afslut")
    data = {"ends_on": today().isoformat(), "cause": "left_municipal_council"}
    missing = staff_client.post(url, data={**data, "successor": "new_member"})
    assert missing.status_code == 422 and "Vælg det nye medlem, gruppen har valgt." in missing.text
    vacant = staff_client.post(url, data={**data, "successor": "none"})
    assert vacant.status_code == 422 and "indtræder som medlem, medmindre" in vacant.text
    response = staff_client.post(
        url, data={**data, "successor": "new_member", "new_member_id": str(newcomer.id)}
    )
    assert response.status_code == 303
    next_day = today() + timedelta(days=1)
    seat = next(s for s in seating.seats_on(scene.council, next_day) if s.person.id == newcomer.id)
    assert seat.membership.succeeds_id == member.id
    assert seat.substitute.substitute_id == substitute.substitute_id
    assert substitute.ends_on == today() and substitute.end_cause is EndCause.SEAT_ENDED
    assert not [k for k in kinds(scene, next_day) if k[0] != "extra_seat_due"]


# --- a mayor changes party (rules 1.10-1.12) ----------------------------------------------


def test_rule_1_10_a_mayor_who_changes_party_stays_without_a_new_composition(staff_client, scene):
    mayor = scene.mayors[0]  # A's
    url = scene.url(f"medlemmer/{mayor.id}/partiskifte")
    assert staff_client.get(url).status_code == 200
    day = today()
    response = staff_client.post(
        url, data={"group_id": str(scene.groups["B"].id), "changed_on": day.isoformat()}
    )
    assert response.status_code == 303
    assert mayor.group_id == scene.groups["B"].id and mayor.ends_on is None
    before = seating.seat_of(mayor, day - timedelta(days=1))
    assert before.group.letter == "A"
    after = seating.seat_of(mayor, day)
    assert after.group.letter == "B" and after.counts_for_group_id == scene.groups["A"].id
    # No group gains or loses a seat: A still fills its three, B its two.
    assert seating.council_size(scene.council, day) == 6
    assert not [k for k in kinds(scene, day) if k[0] != "substitute_missing"]
    member = scene.elected["B"][0]
    with pytest.raises(Refused, match="Et medlem valgt af en gruppe udtræder"):
        operations.change_mayor_group(member, scene.groups["A"], day)


def test_rule_1_11_and_1_12_the_party_names_an_extra_member_who_counts_for_quorum(
    staff_client, scene
):
    mayor = scene.mayors[2]  # C's only representative
    day = today()
    councillor = make_person(scene.council, municipality=scene.municipalities[2])
    refused = staff_client.post(
        scene.url("medlemmer/ekstra"),
        data={
            "group_id": str(scene.groups["C"].id),
            "person_id": str(councillor.id),
            "starts_on": day.isoformat(),
        },
    )
    assert refused.status_code == 422 and "kan ikke udpege et ekstra medlem" in refused.text
    operations.change_mayor_group(mayor, None, day)
    page = staff_client.get(scene.url()).text
    assert "C · C har ikke længere en repræsentant i rådet" in page
    response = staff_client.post(
        scene.url("medlemmer/ekstra"),
        data={
            "group_id": str(scene.groups["C"].id),
            "person_id": str(councillor.id),
            "starts_on": day.isoformat(),
        },
    )
    assert response.status_code == 303
    extra = next(s for s in seating.seats_on(scene.council, day) if s.person.id == councillor.id)
    assert extra.is_extra and extra.group.letter == "C"
    # Rule 1.12: beyond the cap of 2 × 3 municipalities, and it counts for quorum.
    assert seating.council_size(scene.council, day) == 7
    assert meeting_attendance(make_meeting(scene.council, days_ahead=0)).forecast.required == 4
    assert not [k for k in kinds(scene, day) if k[0] not in ("substitute_missing",)]


# --- a substitute stops (rule 1.14) -------------------------------------------------------


def test_rule_1_14_a_substitute_who_stops_is_a_task_until_a_new_one_is_named(staff_client, scene):
    member = scene.elected["A"][0]
    assignment = seating.substitute_of(member, today())
    response = staff_client.post(
        scene.url(f"stedfortraedere/{assignment.id}/afslut"),
        data={"end-ends_on": today().isoformat(), "end-cause": "left_municipal_council"},
    )
    assert response.status_code == 303
    assert assignment.end_cause is EndCause.LEFT_MUNICIPAL_COUNCIL
    tomorrow = today() + timedelta(days=1)
    assert ("substitute_missing", member.person.name, 1) in kinds(scene, tomorrow)
    assert member.ends_on is None  # the member stays
    operations.assign_substitute(
        member, make_person(scene.council, municipality=member.municipality), tomorrow
    )
    assert ("substitute_missing", member.person.name, 1) not in kinds(scene, tomorrow)


# --- the chair and the vice-chair (rules 1.15, 1.16) ----------------------------------------


def holdings(scene: Scene) -> dict[CouncilOffice, OfficeHolding]:
    """The constitution recorded: A's mayor chair, B's first member vice-chair."""
    election = seating.composition_on(scene.council, today()).election
    results = {r.name: r for r in election.results}
    made = {}
    for office, membership, letter in (
        (CouncilOffice.CHAIR, scene.mayors[0], "A"),
        (CouncilOffice.VICE_CHAIR, scene.elected["B"][0], "B"),
    ):
        membership.office = office
        made[office] = OfficeHolding(
            council_id=scene.council.id,
            election=election,
            office=office,
            person=membership.person,
            membership=membership,
            result=results[letter],
            starts_on=date(2022, 1, 10),
        )
        db.session.add(made[office])
    db.session.flush()
    return made


def test_rule_1_15_the_office_moves_and_the_history_stays(app, scene):
    chair = holdings(scene)[CouncilOffice.CHAIR]
    day = today()
    assert seating.office_holder(scene.council, CouncilOffice.CHAIR, day).person == chair.person
    successor = scene.mayors[1]  # group A's other mayor
    election_operations.replace_holder(
        chair,
        successor=successor,
        vacancy=Vacancy.LEFT,
        starts_on=day,
        ends_on=None,
        reason="Udtrådt af kommunalbestyrelsen",
        by=scene.staff,
        now=utcnow(),
    )
    now_holding = seating.office_holder(scene.council, CouncilOffice.CHAIR, day)
    assert now_holding.person == successor.person and not now_holding.stand_in
    before = seating.office_holder(scene.council, CouncilOffice.CHAIR, day - timedelta(days=1))
    assert before.person == chair.person  # history stays
    assert successor.office is CouncilOffice.CHAIR


def test_rule_1_16_a_stand_in_holds_the_office_for_the_period(app, scene):
    vice = holdings(scene)[CouncilOffice.VICE_CHAIR]
    start = today()
    back = start + timedelta(days=100)
    stand_in = scene.elected["B"][1]
    election_operations.replace_holder(
        vice,
        successor=stand_in,
        vacancy=Vacancy.AWAY,
        starts_on=start,
        ends_on=back,
        reason="Forhindret",
        by=scene.staff,
        now=utcnow(),
    )
    acting = seating.office_holder(scene.council, CouncilOffice.VICE_CHAIR, start)
    assert acting.person == stand_in.person and acting.stand_in
    assert (acting.starts_on, acting.ends_on) == (start, back)
    returned = seating.office_holder(scene.council, CouncilOffice.VICE_CHAIR, back + timedelta(1))
    assert returned.person == vice.person and not returned.stand_in


def test_rule_1_9_a_member_or_substitute_no_longer_a_councillor_is_a_task(staff_client, scene):
    member = scene.elected["B"][0]
    substitute = seating.substitute_of(scene.elected["A"][0], today()).substitute
    member.person.municipal_office = MunicipalOffice.NONE
    substitute.municipal_office = MunicipalOffice.NONE
    assert ("member_not_councillor", member.person.name, 1) in kinds(scene)
    assert ("substitute_not_councillor", substitute.name, 1) in kinds(scene)
    page = staff_client.get(scene.url()).text
    assert "og udtræder af rådet (regel 1.9)" in page
    assert "og ophører som stedfortræder (regel 1.9 og 1.14)" in page


def test_rule_3_1_a_third_of_the_members_counts_the_confirmed_seats(app):
    """The members of rule 3.1 are counted as for the quorum: an unfilled seat still counts."""
    scene = build(b_seats=0)  # 6 seats; B's two are not filled and A's member leaves too
    scene.elected["A"][0].ends_on = today() - timedelta(days=1)
    db.session.flush()
    assert len(seating.seats_on(scene.council, today())) == 3
    assert signatures_needed(scene.council, today()) == 2  # ceil(6 / 3), not ceil(3 / 3)
    unconfirmed = build(with_composition=False, b_seats=0)
    unconfirmed.elected["A"][0].ends_on = today() - timedelta(days=1)
    db.session.flush()
    assert signatures_needed(unconfirmed.council, today()) == 1  # ceil(3 / 3): the members
