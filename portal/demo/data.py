"""Demo data for KKR Sjælland: its 17 real municipalities and fictional people.

No real person's data: every name is drawn from common Danish first names and surnames, and
every e-mail address is under the reserved `.example` domain.
"""

from __future__ import annotations

import itertools
from datetime import date, datetime, time, timedelta

from sqlalchemy.orm import Session

from portal.councils.models import (
    Council,
    Group,
    GroupKind,
    Membership,
    MembershipKind,
    Municipality,
    MunicipalOffice,
    Person,
    StaffAssignment,
    SubstituteAssignment,
    SubstituteBasis,
)
from portal.demo.absences import build_demo_absence
from portal.demo.agendas import build_demo_agendas
from portal.demo.appointments import build_demo_appointments
from portal.demo.elections import build_demo_election, election_day_before, term_after
from portal.demo.minutes import build_demo_minutes
from portal.demo.proposals import build_demo_proposals
from portal.meetings.models import Meeting, MeetingKind
from portal.rules.calendar import COPENHAGEN, is_working_day

MUNICIPALITIES = [
    "Faxe", "Greve", "Guldborgsund", "Holbæk", "Kalundborg", "Køge", "Lejre", "Lolland",
    "Næstved", "Odsherred", "Ringsted", "Roskilde", "Slagelse", "Solrød", "Sorø", "Stevns",
    "Vordingborg",
]  # fmt: skip

GROUPS = [
    ("A", "Socialdemokratiet", GroupKind.PARTY),
    ("V", "Venstre", GroupKind.PARTY),
    ("C", "Det Konservative Folkeparti", GroupKind.PARTY),
    ("F", "SF", GroupKind.PARTY),
    ("O", "Dansk Folkeparti", GroupKind.PARTY),
    ("D", "Nye Borgerlige", GroupKind.PARTY),
    ("BIØ", "Listesamarbejdet B, I og Ø", GroupKind.LIST_ALLIANCE),
]

# The party of each municipality's (fictional) mayor, in the order of MUNICIPALITIES.
MAYOR_PARTIES = "AVCAVACVAAVCAVACV"
# Group-elected members: (party, municipality they sit in). With the mayors they fill the
# confirmed composition's seats exactly (portal/demo/elections.py): A 10, V 9, C 6, BIØ 3,
# F 2, O 2, D 2 = 34, the cap of rule 1.1.
GROUP_ELECTED = [
    ("A", "Næstved"), ("A", "Slagelse"), ("A", "Holbæk"),
    ("V", "Roskilde"), ("V", "Køge"), ("V", "Kalundborg"),
    ("C", "Greve"), ("C", "Vordingborg"),
    ("F", "Roskilde"), ("F", "Næstved"),
    ("O", "Lolland"), ("O", "Faxe"),
    ("D", "Sorø"), ("D", "Odsherred"),
    ("BIØ", "Slagelse"), ("BIØ", "Lejre"), ("BIØ", "Guldborgsund"),
]  # fmt: skip
# In Kalundborg the 1st deputy mayor is also a group-elected member, so by rule 1.2 the
# mayor's substitute is the 2nd deputy mayor: the demo shows that case.
FIRST_DEPUTY_IS_MEMBER_IN = "Kalundborg"

FIRST_NAMES = [
    "Anne", "Bo", "Camilla", "Dorthe", "Erik", "Frida", "Gitte", "Henrik", "Ida", "Jens",
    "Karen", "Lars", "Mette", "Niels", "Ole", "Pia", "Rasmus", "Sofie", "Torben", "Ulla",
    "Vibeke", "Anders", "Birgitte", "Christian", "Ditte", "Esben", "Hanne", "Jakob", "Lene",
    "Morten", "Nanna", "Peter", "Rikke", "Søren", "Tina", "Kasper", "Line", "Mads", "Signe",
    "Thomas", "Maja", "Jonas", "Louise",
]  # fmt: skip
SURNAMES = [
    "Andersen", "Bech", "Christensen", "Dahl", "Eriksen", "Frandsen", "Gregersen", "Holm",
    "Iversen", "Jeppesen", "Kjær", "Lund", "Mikkelsen", "Nygaard", "Overgaard", "Poulsen",
    "Qvist", "Riis", "Skov", "Thygesen", "Ulriksen", "Vestergaard", "Winther", "Østergaard",
    "Aagaard", "Brandt", "Damgaard", "Falk", "Hald", "Krogh", "Lauridsen",
]  # fmt: skip

COUNCIL_SLUG = "sjaelland"
EMAIL_DOMAIN = "kkr-demo.example"

ASCII_FOLD = str.maketrans({"æ": "ae", "ø": "oe", "å": "aa", "Æ": "Ae", "Ø": "Oe", "Å": "Aa"})


def _names() -> itertools.chain[str]:
    # Walk the surname list at a stride co-prime to its length, so neighbours differ.
    for index in itertools.count():
        first = FIRST_NAMES[index % len(FIRST_NAMES)]
        surname = SURNAMES[(index * 7 + index // len(FIRST_NAMES)) % len(SURNAMES)]
        yield f"{first} {surname}"


def email_for(name: str) -> str:
    local = name.lower().translate(ASCII_FOLD).replace(" ", ".")
    return f"{local}@{EMAIL_DOMAIN}"


def demo_meeting_dates(today: date, count: int = 5) -> list[date]:
    """About five ordinary meetings over the next year, on working days."""
    days = []
    for number in range(count):
        day = today + timedelta(days=24 + number * 73)
        while not is_working_day(day):
            day += timedelta(days=1)
        days.append(day)
    return days


def build_demo_council(session: Session, today: date) -> Council:
    names = _names()
    used: set[str] = set()

    def new_person(
        municipality: Municipality | None, office: MunicipalOffice = MunicipalOffice.COUNCILLOR
    ) -> Person:
        name = next(names)
        while name in used:
            name = next(names)
        used.add(name)
        person = Person(
            council=council,
            name=name,
            email=email_for(name),
            municipality=municipality,
            municipal_office=office,
        )
        session.add(person)
        return person

    council = Council(slug=COUNCIL_SLUG, name="KKR Sjælland", region="Region Sjælland")
    session.add(council)
    municipalities = {name: Municipality(council=council, name=name) for name in MUNICIPALITIES}
    session.add_all(municipalities.values())
    groups = {
        letter: Group(council=council, letter=letter, name=name, kind=kind)
        for letter, name, kind in GROUPS
    }
    session.add_all(groups.values())
    term_start = date(today.year if today.month > 1 else today.year - 1, 1, 1)

    def seat(person: Person, municipality: Municipality, kind: MembershipKind, party: str):
        membership = Membership(
            council=council,
            person=person,
            municipality=municipality,
            group=groups[party],
            kind=kind,
            starts_on=term_start,
        )
        session.add(membership)
        return membership

    def assign(membership: Membership, substitute: Person, basis: SubstituteBasis) -> None:
        session.add(
            SubstituteAssignment(
                council=council,
                membership=membership,
                substitute=substitute,
                basis=basis,
                starts_on=term_start,
            )
        )

    mayor_seats: dict[str, Membership] = {}
    deputies: dict[str, tuple[Person, Person]] = {}
    for number, (name, party) in enumerate(zip(MUNICIPALITIES, MAYOR_PARTIES, strict=True)):
        municipality = municipalities[name]
        mayor = new_person(municipality, MunicipalOffice.MAYOR)
        # Mayors since various years, two of them equally long, so the convener of the
        # constituting meeting (rule 1.3: longest serving, the oldest on a tie) is shown.
        mayor.mayor_since = date(2010 + number % 12, 1, 1)
        mayor.born_on = date(1955 + number, 3, 1)
        first = new_person(municipality, MunicipalOffice.FIRST_DEPUTY_MAYOR)
        second = new_person(municipality, MunicipalOffice.SECOND_DEPUTY_MAYOR)
        mayor_seats[name] = seat(mayor, municipality, MembershipKind.MAYOR, party)
        deputies[name] = (first, second)

    for party, municipality_name in GROUP_ELECTED:
        municipality = municipalities[municipality_name]
        if municipality_name == FIRST_DEPUTY_IS_MEMBER_IN and party == "V":
            member = deputies[municipality_name][0]
        else:
            member = new_person(municipality)
        membership = seat(member, municipality, MembershipKind.GROUP_ELECTED, party)
        assign(membership, new_person(municipality), SubstituteBasis.ELECTED_BY_GROUP)

    for name, membership in mayor_seats.items():
        first, second = deputies[name]
        if name == FIRST_DEPUTY_IS_MEMBER_IN:
            assign(membership, second, SubstituteBasis.SECOND_DEPUTY_MAYOR)
        else:
            assign(membership, first, SubstituteBasis.FIRST_DEPUTY_MAYOR)

    # Chair and vice-chair (rule 1.4): the mayors of Roskilde and Holbæk, elected at the
    # constituting meeting after the election before the last and members since that term
    # began; portal/demo/elections.py records that election, which gives them the offices.
    chair, vice_chair = mayor_seats["Roskilde"], mayor_seats["Holbæk"]
    previous_election = election_day_before(term_start)
    chair.starts_on = vice_chair.starts_on = term_after(previous_election)

    for _ in range(2):
        session.add(
            StaffAssignment(
                council=council, person=new_person(None, MunicipalOffice.NONE), starts_on=term_start
            )
        )

    locations = ["Roskilde Rådhus", "Næstved Rådhus", "Holbæk Rådhus", "Sorø Rådhus", "Køge Rådhus"]
    past = today - timedelta(days=49)
    while not is_working_day(past):
        past -= timedelta(days=1)
    for index, day in enumerate([past, *demo_meeting_dates(today)]):
        session.add(
            Meeting(
                council=council,
                kind=MeetingKind.ORDINARY,
                starts_at=datetime.combine(day, time(10, 0), tzinfo=COPENHAGEN),
                location=locations[index % len(locations)],
            )
        )
    session.flush()
    build_demo_election(session, council, previous_election, chair=chair, vice_chair=vice_chair)
    build_demo_agendas(session, council, today)  # portal/demo/agendas.py
    build_demo_minutes(session, council, today)  # portal/demo/minutes.py
    build_demo_appointments(session, council, today, term_start)  # portal/demo/appointments.py
    build_demo_proposals(session, council, today)  # portal/demo/proposals.py
    build_demo_absence(session, council, today)  # portal/demo/absences.py
    return council
