"""A council with a meeting, and everyone the absence pages have to tell apart."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import func, select

from portal.absences.models import Absence, SubstituteCallIn
from portal.councils.models import Council, Membership, Person
from portal.extensions import db
from portal.meetings.models import Meeting
from portal.types import utcnow
from tests.factories import make_council, make_meeting, make_member, make_staff, make_substitute

HTMX = {"HX-Request": "true"}


@dataclass
class Scene:
    council: Council
    meeting: Meeting
    seat: Membership  # the member who is absent
    substitute: Person  # ... and their personal substitute
    neighbour: Membership  # another member of the same council
    neighbours_substitute: Person  # a substitute, but not the one called in
    staff: Person
    other_council: Council
    outsider: Membership  # a member of the other council
    other_staff: Person  # the other council's secretariat
    other_meeting: Meeting  # the other council's meeting

    @property
    def member(self) -> Person:
        return self.seat.person

    def absence_url(self, meeting: Meeting | None = None) -> str:
        return f"/moeder/{(meeting or self.meeting).id}/afbud"

    def cancel_url(self, meeting: Meeting | None = None) -> str:
        return self.absence_url(meeting) + "/annuller"

    def board_url(self, council: Council | None = None, meeting: Meeting | None = None) -> str:
        council = council or self.council
        return f"/kkr/{council.slug}/admin/moeder/{(meeting or self.meeting).id}/fremmoede"

    def staff_url(
        self,
        membership: Membership | None = None,
        *,
        cancel: bool = False,
        council: Council | None = None,
        meeting: Meeting | None = None,
    ) -> str:
        """Staff register (or cancel) a member's absence from the board."""
        url = self.board_url(council, meeting) + f"/{(membership or self.seat).id}/afbud"
        return url + "/annuller" if cancel else url


def build_scene(*, meeting_begun: bool = False) -> Scene:
    council = make_council(slug="sjaelland", name="KKR Sjælland")
    seat = make_member(council)
    substitute = make_substitute(seat).substitute
    neighbour = make_member(council)
    neighbours_substitute = make_substitute(neighbour).substitute
    staff = make_staff(council)
    starts_at = utcnow() - timedelta(hours=1) if meeting_begun else None
    meeting = make_meeting(council, starts_at=starts_at, location="Sorø Rådhus")
    other_council = make_council(slug="hovedstaden", name="KKR Hovedstaden")
    outsider = make_member(other_council)
    make_substitute(outsider)
    other_staff = make_staff(other_council)
    other_meeting = make_meeting(other_council)
    return Scene(
        council=council,
        meeting=meeting,
        seat=seat,
        substitute=substitute,
        neighbour=neighbour,
        neighbours_substitute=neighbours_substitute,
        staff=staff,
        other_council=other_council,
        outsider=outsider,
        other_staff=other_staff,
        other_meeting=other_meeting,
    )


def count(model: type) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def standing_absences() -> list[Absence]:
    return list(db.session.scalars(select(Absence).where(Absence.cancelled_at.is_(None))))


def the_call_in() -> SubstituteCallIn:
    return db.session.scalars(select(SubstituteCallIn)).one()
