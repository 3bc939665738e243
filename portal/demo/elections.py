"""Demo election: the municipal election before the last one, with the composition confirmed
(rules 1.0–1.1) and the constituting meeting's chair and vice-chair recorded (rules 1.3–1.4).

The chair and vice-chair elected then are the demo's chair and vice-chair today: the mayors
of Roskilde and Holbæk, members since that term began (portal/demo/data.py). Recording the
constitution gives their seats the offices. The last election is left for a visitor to enter.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from portal.councils.models import Council, Group, Membership
from portal.demo.lookups import secretary
from portal.elections import operations as operations
from portal.elections.models import Election, ElectionGroupResult
from portal.rules.calendar import COPENHAGEN, is_working_day

# The region's results: (letter, name, votes, mayors, seats in the municipal councils).
# Danmarksdemokraterne (Æ) did not yet exist. V's nine mayors of that election need 42 seats
# under d'Hondt, so the council is reduced to the cap of 34 (rule 1.1): A 10, V 9, C 6, BIØ 3,
# F 2, O 2, D 2, which the demo's members fill (portal/demo/data.py; tests/demo checks it).
RESULTS = [
    ("A", "Socialdemokratiet", 175_000, 6, 150),
    ("C", "Det Konservative Folkeparti", 110_000, 2, 105),
    ("V", "Venstre", 100_000, 9, 100),
    ("BIØ", "Listesamarbejdet B, I og Ø", 48_000, 0, 40),
    ("F", "SF", 32_000, 0, 30),
    ("O", "Dansk Folkeparti", 26_000, 0, 25),
    ("D", "Nye Borgerlige", 21_000, 0, 15),
]
# Rule 1.4: C and V pool their votes, so the chair goes to C (the larger of the two) and the
# vice-chair to A.
ALLIANCE = ("C", "V")


def election_day_before(term_start: date) -> date:
    """The last municipal election at least five years before `term_start` (the third Tuesday
    of November, every fourth year: 2021, 2025, ...): for a term from 2026, that of 2021. Not
    the latest one, which a visitor may enter themselves."""
    year = term_start.year - 5
    year -= (year - 2021) % 4
    first = date(year, 11, 1)
    return first + timedelta(days=(1 - first.weekday()) % 7 + 14)


def term_after(election_day: date) -> date:
    """The first day of the term the election is for."""
    return date(election_day.year + 1, 1, 1)


def _at(day: date, hour: int) -> datetime:
    return datetime.combine(day, time(hour, 0), tzinfo=COPENHAGEN)


def build_demo_election(
    session: Session,
    council: Council,
    held_on: date,
    *,
    chair: Membership,
    vice_chair: Membership,
) -> Election:
    staff = secretary(session, council)
    groups = {g.letter: g for g in session.scalars(select(Group).where(Group.council == council))}
    election = operations.create_election(
        council,
        held_on=held_on,
        municipalities=len(council.municipalities),
        by=staff,
        now=_at(held_on + timedelta(days=2), 9),
    )
    session.flush()
    results: dict[str, ElectionGroupResult] = {}
    for letter, name, votes, mayors, seats in RESULTS:
        results[letter] = operations.save_group_result(
            election,
            letter=letter,
            name=name,
            votes=votes,
            mayors=mayors,
            council_seats=seats,
            group=groups.get(letter),
        )
    session.flush()
    session.expire(election, ["results"])  # the calculators read the results through it
    operations.confirm_composition(election, by=staff, now=_at(held_on + timedelta(days=9), 14))

    # Rule 1.3: by 31 January; on a working day in the middle of the month.
    meeting_day = date(held_on.year + 1, 1, 12)
    while not is_working_day(meeting_day):
        meeting_day += timedelta(days=1)
    operations.set_constituting_meeting(election, _at(meeting_day, 10))
    # Rule 1.4: the notice reached the secretariat by e-mail one afternoon; staff typed it in
    # the next morning. The deadline is judged on the first.
    operations.register_alliance(
        election,
        [results[letter] for letter in ALLIANCE],
        by=staff,
        now=_at(meeting_day - timedelta(days=14), 11),
        received_at=_at(meeting_day - timedelta(days=15), 16),
    )
    operations.record_chair_election(
        election,
        chair=chair,
        vice_chair=vice_chair,
        starts_on=meeting_day,
        by=staff,
        now=_at(meeting_day, 13),
    )
    session.flush()
    return election
