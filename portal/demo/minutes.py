"""Demo minutes: the last meeting's minutes, published (rules 3.4, 3.7, 3.9).

Every item carries a decision, and one a tied vote the chair's vote decided. Attendance comes
from the absence records like any minutes' (the demo's one absence is for the next meeting, so
all were present). Call after `build_demo_agendas`: it needs the last meeting's published
agenda. No notices are written for the minutes.
"""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from portal.agendas.models import AgendaItem, ChairVote, ItemMinutes, PublicationKind
from portal.agendas.publishing import publish
from portal.councils.models import Council
from portal.demo.lookups import secretary
from portal.meetings.models import Meeting
from portal.minutes.operations import minutes_content
from portal.rules.calendar import local_date

# Decisions by item number; the vote (for, against, abstaining, chair's vote) where one was taken.
DECISIONS: dict[int, tuple[str, tuple[int, int, int, ChairVote | None] | None]] = {
    1: ("Dagsordenen blev godkendt.", None),
    2: (
        "KKR Sjælland drøftede analysen. Et forslag om at bede sekretariatet udarbejde et fælles "
        "høringssvar blev sat til afstemning og vedtaget ved formandens stemme.",
        (16, 16, 1, ChairVote.FOR),
    ),
    3: (
        "KKR Sjælland udpegede borgmesteren i Sorø Kommune til Det Regionale "
        "Arbejdsmarkedsråd for resten af perioden.",
        None,
    ),
    4: ("Orienteringen blev taget til efterretning.", None),
}


def _last_meeting_with_agenda(session: Session, council: Council, today: date) -> Meeting | None:
    meetings = session.scalars(
        select(Meeting)
        .where(
            Meeting.council_id == council.id,
            Meeting.agenda_published_at.is_not(None),
            Meeting.cancelled_at.is_(None),
        )
        .order_by(Meeting.starts_at.desc())
    )
    return next((m for m in meetings if local_date(m.starts_at) < today), None)


def build_demo_minutes(session: Session, council: Council, today: date) -> None:
    meeting = _last_meeting_with_agenda(session, council, today)
    if meeting is None:
        return
    staff = secretary(session, council)
    written = meeting.starts_at + timedelta(days=2)
    items = session.scalars(
        select(AgendaItem)
        .where(AgendaItem.meeting_id == meeting.id, AgendaItem.removed_at.is_(None))
        .order_by(AgendaItem.position, AgendaItem.id)
    ).all()
    for number, item in enumerate(items, start=1):
        decision, vote = DECISIONS.get(number, ("Indstillingen blev fulgt.", None))
        votes_for, votes_against, abstaining, chair = vote or (None, None, None, None)
        session.add(
            ItemMinutes(
                item=item,
                decision=decision,
                votes_for=votes_for,
                votes_against=votes_against,
                votes_abstaining=abstaining,
                chair_vote=chair,
                updated_at=written,
                updated_by_id=staff.id,
            )
        )
    session.flush()
    publish(
        meeting,
        PublicationKind.MINUTES,
        minutes_content(meeting),
        by=staff,
        now=written + timedelta(hours=3),
    )
