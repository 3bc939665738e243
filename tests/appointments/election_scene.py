"""A council after a municipal election: three municipalities, groups A, B and C with a member
each, a secretariat, and a second council to keep apart. Factories for elections."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from portal.councils.models import Council, Group, Membership, MembershipKind, Person
from portal.elections.models import Election, ElectionGroupResult, ElectionStatus
from portal.elections.operations import confirm_composition
from portal.extensions import db
from portal.policy import today
from portal.rules.calendar import COPENHAGEN
from portal.types import utcnow
from tests.factories import make_council, make_group, make_member, make_municipality, make_staff

HTMX = {"HX-Request": "true"}

# Rule 1.1's reduced branch with an exact tie: 3 municipalities (cap 6), A and B equal.
# Every group starts at 1; A and B get one more each; the last seat is a tie between them.
TIED = [("A", 3000, 1, 10), ("B", 3000, 1, 10), ("C", 1000, 0, 3)]
# No tie: A has more votes.
PLAIN = [("A", 5000, 2, 20), ("B", 3000, 1, 12), ("C", 1000, 0, 3)]


@dataclass
class Scene:
    council: Council
    groups: dict[str, Group]
    members: dict[str, Membership]  # one group-elected member per group
    second_a: Membership  # another member of group A (a successor)
    staff: Person
    other_council: Council
    other_staff: Person

    def url(self, path: str = "", council: Council | None = None) -> str:
        return f"/kkr/{(council or self.council).slug}/sekretariat/valg{path}"

    def election_url(self, election: Election, path: str = "") -> str:
        return self.url(f"/{election.id}{path}")

    def constitution_url(self, election: Election, path: str = "") -> str:
        return self.election_url(election, "/konstituering" + path)


def build_scene() -> Scene:
    council = make_council()
    municipalities = [make_municipality(council) for _ in range(3)]
    groups = {letter: make_group(council, letter, f"Parti {letter}") for letter in "ABC"}
    members = {
        letter: make_member(
            council,
            municipality=municipalities[index],
            group=groups[letter],
            kind=MembershipKind.GROUP_ELECTED,
        )
        for index, letter in enumerate("ABC")
    }
    second_a = make_member(council, municipality=municipalities[0], group=groups["A"])
    other_council = make_council()
    return Scene(
        council=council,
        groups=groups,
        members=members,
        second_a=second_a,
        staff=make_staff(council),
        other_council=other_council,
        other_staff=make_staff(other_council),
    )


def make_election(
    council: Council,
    results: list[tuple[str, int, int, int]] = PLAIN,
    *,
    held_on: date | None = None,
    municipalities: int = 3,
    groups: dict[str, Group] | None = None,
) -> Election:
    election = Election(
        council=council,
        held_on=held_on or today() - timedelta(days=10),
        municipalities=municipalities,
        status=ElectionStatus.DRAFT,
    )
    db.session.add(election)
    for position, (name, votes, mayors, seats) in enumerate(results):
        db.session.add(
            ElectionGroupResult(
                election=election,
                letter=name,
                name=name,
                votes=votes,
                mayors=mayors,
                council_seats=seats,
                position=position,
                group=(groups or {}).get(name),
            )
        )
    db.session.flush()
    return election


def confirmed(election: Election, by: Person) -> Election:
    confirm_composition(election, by=by, now=utcnow())
    db.session.flush()
    return election


def local(day: date, hour: int = 10) -> datetime:
    return datetime.combine(day, time(hour, 0), tzinfo=COPENHAGEN)
