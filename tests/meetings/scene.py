"""A council with staff, members and a called-in substitute, and a second council beside it:
what the meeting plan's tests have to tell apart."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from sqlalchemy import func, select

from portal.absences.models import SubstituteCallIn
from portal.absences.operations import record_call_in
from portal.councils.models import Council, Membership, Person
from portal.extensions import db
from portal.meetings.models import Meeting, MeetingKind
from portal.notifications.models import Notice
from portal.policy import today
from portal.rules.calendar import COPENHAGEN
from portal.types import utcnow
from tests.factories import make_council, make_meeting, make_member, make_staff, make_substitute

HTMX = {"HX-Request": "true"}


@dataclass
class Scene:
    council: Council
    staff: Person
    seat: Membership  # a member whose substitute is called in for `meeting`
    substitute: Person
    call: SubstituteCallIn
    neighbour: Membership  # a member with no absence
    meeting: Meeting
    other_council: Council
    other_staff: Person
    other_meeting: Meeting

    def plan_url(self, year: int | None = None) -> str:
        url = f"/kkr/{self.council.slug}/admin/moedeplan"
        return f"{url}?aar={year}" if year else url

    def new_url(self, council: Council | None = None) -> str:
        return f"/kkr/{(council or self.council).slug}/admin/moedeplan/nyt"

    def change_url(self, meeting: Meeting | None = None, council: Council | None = None) -> str:
        meeting = meeting or self.meeting
        return f"/kkr/{(council or self.council).slug}/admin/moedeplan/{meeting.id}/ret"

    def cancel_url(self, meeting: Meeting | None = None, council: Council | None = None) -> str:
        meeting = meeting or self.meeting
        return f"/kkr/{(council or self.council).slug}/admin/moedeplan/{meeting.id}/aflys"


def local(day: date, hour: int = 10, minute: int = 0) -> datetime:
    return datetime.combine(day, time(hour, minute), tzinfo=COPENHAGEN)


def a_future_day(days: int = 40) -> date:
    """A weekday well ahead of today (the form refuses the past)."""
    day = today() + timedelta(days=days)
    while day.weekday() >= 5:
        day += timedelta(days=1)
    return day


def build_scene() -> Scene:
    council = make_council(slug="sjaelland", name="KKR Sjælland")
    staff = make_staff(council)
    seat = make_member(council)
    substitute = make_substitute(seat).substitute
    neighbour = make_member(council)
    make_substitute(neighbour)
    meeting = make_meeting(council, starts_at=local(a_future_day()), location="Sorø Rådhus")
    call = record_call_in(meeting, seat, substitute, utcnow())
    other_council = make_council(slug="hovedstaden", name="KKR Hovedstaden")
    make_member(other_council)
    other_staff = make_staff(other_council)
    other_meeting = make_meeting(other_council, starts_at=local(a_future_day()))
    return Scene(
        council=council,
        staff=staff,
        seat=seat,
        substitute=substitute,
        call=call,
        neighbour=neighbour,
        meeting=meeting,
        other_council=other_council,
        other_staff=other_staff,
        other_meeting=other_meeting,
    )


def form_data(day: date, clock: str = "10:00", kind: MeetingKind = MeetingKind.ORDINARY, **extra):  # noqa: ANN003, ANN201
    return {
        "kind": kind.value,
        "day": day.isoformat(),
        "clock": clock,
        "location": "Næstved Rådhus",
        **extra,
    }


def count(model: type) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def notices_to(person: Person) -> list[Notice]:
    return list(
        db.session.scalars(
            select(Notice).where(Notice.recipient_id == person.id).order_by(Notice.id)
        )
    )
