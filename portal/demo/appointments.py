"""Demo appointments to regional bodies (rule 3.8), both published at the last meeting: one
seat filled by majority vote (the vacancy in Det Regionale Arbejdsmarkedsråd its minutes tell
of), and a committee's three seats shared by d'Hondt over the groups' members, for the term.

The appointees are told in Beskeder, as publishing does.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from sqlalchemy.orm import Session

from portal.appointments import operations
from portal.appointments.models import AppointmentRound
from portal.councils.models import Council, MembershipKind
from portal.councils.queries import current_memberships
from portal.demo.lookups import last_meeting, seat, secretary
from portal.rules.calendar import COPENHAGEN, local_date

LABOUR_MARKET = "Det Regionale Arbejdsmarkedsråd Sjælland"
HEALTH = "Sundhedssamarbejdsudvalget for Region Sjælland"
# Whom the groups that won a seat in the health committee named: (party, municipality).
HEALTH_APPOINTEES = [("A", "Slagelse"), ("V", "Køge"), ("C", "Greve")]


def _term_end(term_start: date) -> date:
    return date(term_start.year + 4, 1, 1) - timedelta(days=1)


def _majority_round(
    session: Session, council: Council, term_start: date, at: datetime
) -> AppointmentRound:
    """The minutes' item 3: the mayor of Sorø elected for the rest of the term, unopposed."""
    staff = secretary(session, council)
    body = operations.save_body(
        council,
        name=LABOUR_MARKET,
        seats=2,
        term_starts_on=term_start,
        term_ends_on=_term_end(term_start),
        legal_basis="Lov om organisering og understøttelse af beskæftigelsesindsatsen m.v.",
        notes="KKR udpeger to af rådets medlemmer. Den ene plads blev ledig i løbet af perioden.",
    )
    appointment_round = operations.start_round(body, 1, by=staff, now=at, day=local_date(at))
    elected = seat(session, council, "Sorø", MembershipKind.MAYOR)
    present = len(current_memberships(council, local_date(at)))  # every member
    votes = {elected.person: present - 2}
    operations.record_ballot(appointment_round, present, votes, 2, by=staff, now=at)
    operations.name_person(
        appointment_round,
        elected.person,
        elected.group,
        local_date(at),
        body.term_ends_on,
        by=staff,
        now=at + timedelta(minutes=5),
    )
    operations.publish_round(appointment_round, by=staff, now=at + timedelta(hours=3))
    return appointment_round


def _proportional_round(
    session: Session, council: Council, term_start: date, at: datetime
) -> AppointmentRound:
    """Three seats by d'Hondt over the groups' members, every member present."""
    staff = secretary(session, council)
    body = operations.save_body(
        council,
        name=HEALTH,
        seats=3,
        term_starts_on=term_start,
        term_ends_on=_term_end(term_start),
        legal_basis="Sundhedsloven § 204",
        notes="",
    )
    appointment_round = operations.start_round(body, 3, by=staff, now=at, day=local_date(at))
    lines = [(row["group_id"], row["votes"], None) for row in appointment_round.votes or []]
    operations.record_votes(appointment_round, lines, by=staff, now=at)
    for party, municipality in HEALTH_APPOINTEES:
        appointee = seat(session, council, municipality, MembershipKind.GROUP_ELECTED, party)
        operations.name_person(
            appointment_round,
            appointee.person,
            appointee.group,
            body.term_starts_on,
            body.term_ends_on,
            by=staff,
            now=at + timedelta(minutes=5),
        )
    operations.publish_round(appointment_round, by=staff, now=at + timedelta(hours=3))
    return appointment_round


def build_demo_appointments(
    session: Session, council: Council, today: date, term_start: date
) -> None:
    meeting = last_meeting(session, council, today)
    if meeting is None:
        return
    # Both decided at the last meeting; the committee's members sit from the term's start.
    # Early in the year the last meeting may predate the demo's term (no members yet): then
    # on the term's first day.
    at = meeting.starts_at.astimezone(COPENHAGEN) + timedelta(hours=1)
    if local_date(at) < term_start:
        at = datetime.combine(term_start, time(11, 0), tzinfo=COPENHAGEN)
    _proportional_round(session, council, term_start, at)
    _majority_round(session, council, term_start, at + timedelta(minutes=30))
    session.flush()
