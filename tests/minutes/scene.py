"""A meeting that has begun, with a published agenda (one open, one closed item), the
absences and the substitute who came, and everyone the minutes pages have to tell apart."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from portal.absences.models import AbsenceReason
from portal.agendas.models import AgendaItem, PublicationKind
from portal.agendas.publishing import publish
from portal.agendas.snapshot import build_content
from portal.councils.models import Council, CouncilOffice, Membership, Person
from portal.extensions import db
from portal.meetings.models import Meeting
from portal.types import utcnow
from tests.factories import (
    make_absence,
    make_council,
    make_meeting,
    make_member,
    make_staff,
    make_substitute,
)

HTMX = {"HX-Request": "true"}


@dataclass
class Scene:
    council: Council
    meeting: Meeting
    chair: Membership
    away: Membership  # absent (reason: holiday); their substitute came
    substitute: Person
    absent: Membership  # absent (reason: another meeting); nobody came
    present: Membership
    staff: Person
    open_item: AgendaItem
    closed_item: AgendaItem
    other_council: Council
    other_staff: Person
    outsider: Membership

    def editor_url(self, council: Council | None = None, meeting: Meeting | None = None) -> str:
        council = council or self.council
        return f"/kkr/{council.slug}/admin/moeder/{(meeting or self.meeting).id}/referat"

    def item_url(self, item: AgendaItem, **kwargs: object) -> str:
        return self.editor_url(**kwargs) + f"/punkter/{item.id}"  # type: ignore[arg-type]

    def publish_url(self, **kwargs: object) -> str:
        return self.editor_url(**kwargs) + "/offentliggoer"  # type: ignore[arg-type]

    @property
    def minutes_url(self) -> str:
        return f"/moeder/{self.meeting.id}/referat"


def item_data(item: AgendaItem, version: str = "", **values: str) -> dict[str, str]:
    """The fields of one item's form, as the editor posts them."""
    data = {"decision": "", "votes_for": "", "votes_against": "", "votes_abstaining": ""}
    data |= {"chair_vote": "", "version": version, **values}
    return {f"item-{item.id}-{key}": value for key, value in data.items()}


def build_scene() -> Scene:
    now = utcnow()
    council = make_council(slug="sjaelland", name="KKR Sjælland")
    chair = make_member(council, office=CouncilOffice.CHAIR)
    away = make_member(council)
    substitute = make_substitute(away).substitute
    absent = make_member(council)
    make_substitute(absent)
    present = make_member(council)
    staff = make_staff(council)
    meeting = make_meeting(council, starts_at=now - timedelta(hours=2), location="Sorø Rådhus")
    before = meeting.starts_at - timedelta(days=1)
    make_absence(meeting, away, now=before, substitute_attends=True, reason=AbsenceReason.HOLIDAY)
    make_absence(meeting, absent, now=before, reason=AbsenceReason.OTHER_MEETING)
    open_item = AgendaItem(
        council=council,
        meeting=meeting,
        position=1,
        title="Kollektiv trafik i regionen",
        recommendation="At rådet tager orienteringen til efterretning.",
    )
    closed_item = AgendaItem(
        council=council, meeting=meeting, position=2, title="Personsag om en direktør", closed=True
    )
    db.session.add_all([open_item, closed_item])
    db.session.flush()
    publish(meeting, PublicationKind.AGENDA, build_content(meeting), by=staff, now=before)
    other_council = make_council(slug="hovedstaden", name="KKR Hovedstaden")
    return Scene(
        council=council,
        meeting=meeting,
        chair=chair,
        away=away,
        substitute=substitute,
        absent=absent,
        present=present,
        staff=staff,
        open_item=open_item,
        closed_item=closed_item,
        other_council=other_council,
        other_staff=make_staff(other_council),
        outsider=make_member(other_council),
    )
