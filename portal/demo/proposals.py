"""Demo proposals for the agenda (rule 3.2): Roskilde's group-elected SF member has submitted
one to the next ordinary meeting that still takes proposals (the member has the receipt, the
secretariat the notice, and can now handle it) and has a second one as a draft.
"""

from __future__ import annotations

import secrets
from datetime import date, datetime, time, timedelta

from sqlalchemy.orm import Session

from portal.councils.models import Council, MembershipKind
from portal.demo.lookups import seat
from portal.proposals import operations
from portal.proposals.models import Proposal
from portal.proposals.operations import ProposalText
from portal.rules.calendar import COPENHAGEN

PROPOSER = ("F", "Roskilde")  # (party, municipality) of a group-elected member

SUBMITTED = ProposalText(
    title="Flere praktikpladser: en fælles indsats i kommunerne",
    body=(
        "Mange unge på erhvervsuddannelserne i regionen mangler en praktikplads. Kommunerne "
        "er selv store arbejdsgivere og kan gå foran.\n\nJeg foreslår, at KKR Sjælland drøfter "
        "et fælles mål for, hvor mange praktikpladser kommunerne selv opretter, og beder "
        "sekretariatet samle kommunernes erfaringer med at få virksomhederne med."
    ),
    justification=(
        "De unge søger praktik på tværs af kommunegrænserne, og erhvervsskolerne dækker flere "
        "kommuner. En fælles indsats virker bedre end sytten hver for sig."
    ),
)
DRAFT = ProposalText(
    title="Kortlægning af kysterne før klimatilpasningen",
    body="Udkast: kommunerne langs Køge Bugt og Smålandsfarvandet bør kortlægge ",
    justification="",
)


def build_demo_proposals(session: Session, council: Council, today: date) -> list[Proposal]:
    party, municipality = PROPOSER
    member = seat(session, council, municipality, MembershipKind.GROUP_ELECTED, party).person
    written = datetime.combine(today - timedelta(days=3), time(20, 15), tzinfo=COPENHAGEN)
    meeting = operations.next_open_meeting(council.id, written)
    if meeting is None:
        return []
    submitted = operations.create_proposal(
        meeting,
        by=member,
        form_token=secrets.token_urlsafe(24),  # one per form shown, as the form gives it
        text=SUBMITTED,
        uploads=[],
        now=written,
    )
    operations.submit_proposal(submitted, by=member, now=written + timedelta(minutes=10))
    draft = operations.create_proposal(
        meeting,
        by=member,
        form_token=secrets.token_urlsafe(24),
        text=DRAFT,
        uploads=[],
        now=written + timedelta(days=1),
    )
    session.flush()
    return [submitted, draft]
