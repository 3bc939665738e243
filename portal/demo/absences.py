"""Demo absence (rules 1.8, 3.9): Lolland's group-elected member has sent apologies for the next
meeting with a published agenda; their personal substitute was called in and will attend.

Both were told in Beskeder, as the operations do. The browser tests register and cancel
absences of other members: this one stands. Call after `build_demo_agendas`.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from portal.absences import operations
from portal.absences.models import Absence, AbsenceReason, SubstituteCallIn
from portal.councils.models import Council, MembershipKind
from portal.demo.lookups import next_meeting, seat
from portal.rules.calendar import COPENHAGEN

ABSENT = ("O", "Lolland")  # (party, municipality) of a group-elected member


def build_demo_absence(session: Session, council: Council, today: date) -> Absence | None:
    meeting = next_meeting(session, council, today)
    if meeting is None or meeting.agenda_published_at is None:
        return None
    party, municipality = ABSENT
    membership = seat(session, council, municipality, MembershipKind.GROUP_ELECTED, party)
    told = datetime.combine(today - timedelta(days=1), time(15, 30), tzinfo=COPENHAGEN)
    absence = operations.register_absence(
        meeting,
        membership,
        by=membership.person,
        by_staff=False,
        call_substitute=True,
        reason=AbsenceReason.OTHER_MEETING,
        now=told,
    )
    call = session.scalars(
        select(SubstituteCallIn).where(SubstituteCallIn.absence_id == absence.id)
    ).one()
    operations.answer_call_in(call, attending=True, now=told + timedelta(hours=2))
    session.flush()
    return absence
