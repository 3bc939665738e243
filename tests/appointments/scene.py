"""A council with groups, councillors and a secretariat, and a second council to keep apart;
the factories the appointment tests share."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from portal.appointments.models import Appointment, AppointmentRound, RegionalBody
from portal.councils.models import Council, Group, Municipality, MunicipalOffice, Person
from portal.extensions import db
from tests.factories import (
    make_council,
    make_group,
    make_member,
    make_municipality,
    make_person,
    make_staff,
)

HTMX = {"HX-Request": "true"}
TERM = (date(2026, 1, 1), date(2029, 12, 31))


def make_body(
    council: Council, name: str = "Sundhedskoordinationsudvalget", seats: int = 3
) -> RegionalBody:
    body = RegionalBody(
        council=council,
        name=name,
        seats=seats,
        term_starts_on=TERM[0],
        term_ends_on=TERM[1],
        legal_basis="Sundhedslovens § 204",
        notes="",
    )
    db.session.add(body)
    db.session.flush()
    return body


@dataclass
class Scene:
    council: Council
    municipality: Municipality
    groups: dict[str, Group]
    staff: Person
    councillors: list[Person]  # councillors of the region's municipalities
    not_councillor: Person  # a person of the region with no municipal office
    other_council: Council
    other_staff: Person
    other_councillor: Person  # a councillor in another region
    members: dict[str, list[Person]] = field(default_factory=dict)

    def url(self, path: str = "", council: Council | None = None) -> str:
        return f"/kkr/{(council or self.council).slug}/sekretariat/udpegninger{path}"

    def round_url(self, appointment_round: AppointmentRound, path: str = "") -> str:
        return self.url(f"/runder/{appointment_round.id}{path}")


def build_scene(members: dict[str, int] | None = None) -> Scene:
    """Groups A, V and C with `members` KKR members each (default 5, 3, 2): the votes of a
    proportional round, pre-filled."""
    members = members or {"A": 5, "V": 3, "C": 2}
    council = make_council()
    municipality = make_municipality(council, "Roskilde")
    groups = {letter: make_group(council, letter, f"Gruppe {letter}") for letter in members}
    seated: dict[str, list[Person]] = {}
    for letter, count in members.items():
        seated[letter] = [
            make_member(council, municipality=municipality, group=groups[letter]).person
            for _ in range(count)
        ]
    councillors = [make_person(council, municipality=municipality) for _ in range(3)]
    other_council = make_council()
    other_municipality = make_municipality(other_council, "Aarhus")
    scene = Scene(
        council=council,
        municipality=municipality,
        groups=groups,
        staff=make_staff(council),
        councillors=councillors,
        not_councillor=make_person(council, municipality=municipality, office=MunicipalOffice.NONE),
        other_council=other_council,
        other_staff=make_staff(other_council),
        other_councillor=make_person(other_council, municipality=other_municipality),
        members=seated,
    )
    db.session.commit()
    return scene


def appointments() -> list[Appointment]:
    return list(db.session.scalars(db.select(Appointment).order_by(Appointment.id)))


def votes_data(appointment_round: AppointmentRound, votes: dict[str, int], alliances=()) -> dict:  # noqa: ANN001
    """The votes form as posted: members present per group letter, and alliance numbers."""
    number = {letter: n for n, members in enumerate(alliances, start=1) for letter in members}
    data: dict[str, object] = {}
    for index, row in enumerate(appointment_round.votes):
        data[f"groups-{index}-group_id"] = row["group_id"]
        data[f"groups-{index}-votes"] = votes[row["letter"]]
        data[f"groups-{index}-alliance"] = number.get(row["letter"], "")
    return data


def start_round(body: RegionalBody, by: Person, seats: int | None = None) -> AppointmentRound:
    from portal.appointments import operations
    from portal.policy import today
    from portal.types import utcnow

    appointment_round = operations.start_round(
        body, seats or body.seats, by=by, now=utcnow(), day=today()
    )
    db.session.commit()
    return appointment_round
