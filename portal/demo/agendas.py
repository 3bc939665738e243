"""Demo agendas: the next ordinary meeting's agenda sent out, and the last meeting's.

Both carry a closed item, so the demo shows what members read in full and what the public
sees of it ("Lukket punkt" and the number, rule 3.0). No notices are written for the agendas.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from portal.agendas.models import AgendaItem, PublicationKind
from portal.agendas.publishing import publish
from portal.agendas.snapshot import build_content
from portal.councils.models import Council, Person
from portal.demo.lookups import secretary
from portal.meetings.models import Meeting, MeetingKind
from portal.rules.calendar import (
    COPENHAGEN,
    local_date,
    practical_agenda_day,
    working_days_before,
)

# (title, presentation, recommendation, closed)
Item = tuple[str, str, str, bool]

NEXT_MEETING: list[Item] = [
    (
        "Godkendelse af dagsorden",
        "Dagsordenen forelægges KKR Sjælland til godkendelse.",
        "Det indstilles, at dagsordenen godkendes.",
        False,
    ),
    (
        "Kollektiv trafik: kommunernes bestilling hos Movia for 2027",
        "Kommunerne i regionen skal inden udgangen af året afgive deres bestilling af busdrift "
        "for 2027. Sekretariatet har samlet kommunernes foreløbige ønsker og de forventede "
        "udgifter.\n\nEn fælles linje over for Movia giver bedre mulighed for at sikre de "
        "regionale forbindelser på tværs af kommunegrænserne.",
        "Det indstilles, at KKR Sjælland drøfter den fælles linje og anbefaler kommunerne at "
        "koordinere bestillingen af de tværkommunale linjer.",
        False,
    ),
    (
        "Indstilling af medlem til bestyrelsen for Erhvervshus Sjælland",
        "KKR Sjælland skal indstille et nyt medlem til bestyrelsen, da et medlem er "
        "udtrådt. Punktet behandles for lukkede døre, fordi det drøfter enkeltpersoner.",
        "Det indstilles, at KKR Sjælland drøfter kandidaterne og indstiller et medlem.",
        True,
    ),
    (
        "Sundhedsklynger: status på samarbejdet med Region Sjælland",
        "Sekretariatet orienterer om arbejdet i de tre sundhedsklynger og om planen for "
        "det nære sundhedsvæsen.",
        "Det indstilles, at orienteringen tages til efterretning.",
        False,
    ),
]

LAST_MEETING: list[Item] = [
    (
        "Godkendelse af dagsorden",
        "Dagsordenen forelægges KKR Sjælland til godkendelse.",
        "Det indstilles, at dagsordenen godkendes.",
        False,
    ),
    (
        "Uddannelsesdækning i Region Sjælland",
        "Andelen af unge, der påbegynder en ungdomsuddannelse, er lavere i dele af regionen. "
        "Sekretariatet fremlægger en analyse af de lange transporttider til uddannelsesstederne.",
        "Det indstilles, at KKR Sjælland drøfter analysen og beder sekretariatet udarbejde et "
        "fælles kommunalt høringssvar til regionens uddannelsesstrategi.",
        False,
    ),
    (
        "Udpegning til Det Regionale Arbejdsmarkedsråd",
        "En plads i Det Regionale Arbejdsmarkedsråd er blevet ledig. Punktet er lukket, fordi "
        "det drøfter enkeltpersoner.",
        "Det indstilles, at KKR Sjælland udpeger et medlem for resten af perioden.",
        True,
    ),
    (
        "Orientering fra formandskabet",
        "Formandskabet orienterer om møder med KL's bestyrelse og Region Sjælland.",
        "Det indstilles, at orienteringen tages til efterretning.",
        False,
    ),
]


def _add_items(session: Session, meeting: Meeting, items: list[Item], at: datetime) -> None:
    for position, (title, presentation, recommendation, closed) in enumerate(items, start=1):
        session.add(
            AgendaItem(
                council_id=meeting.council_id,
                meeting_id=meeting.id,
                position=position,
                title=title,
                presentation=presentation,
                recommendation=recommendation,
                closed=closed,
                created_at=at,
                updated_at=at,
            )
        )
    session.flush()
    session.refresh(meeting)  # its times as stored (UTC), as every later snapshot has them


def _publish(session: Session, meeting: Meeting, by: Person | None, at: datetime) -> None:
    publish(meeting, PublicationKind.AGENDA, build_content(meeting), by=by, now=at)


def build_demo_agendas(session: Session, council: Council, today: date) -> None:
    meetings = session.scalars(
        select(Meeting)
        .where(Meeting.council_id == council.id, Meeting.kind == MeetingKind.ORDINARY)
        .order_by(Meeting.starts_at)
    ).all()
    staff = secretary(session, council)
    past = [m for m in meetings if local_date(m.starts_at) < today]
    upcoming = [m for m in meetings if local_date(m.starts_at) > today]
    if past:
        last = past[-1]
        # Sent out in time (rule 3.3): two working days before the practical send-out day
        # (the deadline itself, or the last working day before it when it is a day off).
        sent = datetime.combine(
            working_days_before(practical_agenda_day(last.starts_at), 2),
            time(12, 0),
            tzinfo=COPENHAGEN,
        )
        _add_items(session, last, LAST_MEETING, sent - timedelta(days=5))
        _publish(session, last, staff, sent)
    if upcoming:
        following = upcoming[0]
        sent = datetime.combine(today - timedelta(days=1), time(12, 0), tzinfo=COPENHAGEN)
        _add_items(session, following, NEXT_MEETING, sent - timedelta(days=3))
        _publish(session, following, staff, sent)
