"""iCalendar for meetings and their deadlines: the .ics attached to meeting notices and each
person's private calendar feed."""

from __future__ import annotations

from collections.abc import Collection, Iterable
from datetime import datetime, timedelta

from icalendar import Calendar, Event

from portal.meetings.models import Meeting
from portal.meetings.queries import with_deadlines
from portal.rules.calendar import local_date
from portal.types import utcnow

PRODUCT_ID = "-//KKR Portal//Mødeplan//DA"
MEETING_LENGTH = timedelta(hours=3)  # a KKR meeting is planned for a morning


def _calendar(name: str) -> Calendar:
    calendar = Calendar()
    calendar.add("prodid", PRODUCT_ID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("x-wr-calname", name)
    calendar.add("x-wr-timezone", "Europe/Copenhagen")
    return calendar


def meeting_event(meeting: Meeting, domain: str, url: str, stamp: datetime) -> Event:
    event = Event()
    # A stable UID: the event updates in place when the meeting moves.
    event.add("uid", f"meeting-{meeting.id}@{domain}")
    event.add("dtstamp", stamp)
    event.add("dtstart", meeting.starts_at)
    event.add("dtend", meeting.starts_at + MEETING_LENGTH)
    event.add("summary", f"{meeting.council.name}: møde")
    event.add("location", meeting.location)
    event.add("url", url)
    event.add("status", "CANCELLED" if meeting.cancelled_at else "CONFIRMED")
    return event


def deadline_event(uid: str, summary: str, moment: datetime, url: str, stamp: datetime) -> Event:
    """A deadline as an all-day event on its (Copenhagen) date."""
    event = Event()
    event.add("uid", uid)
    event.add("dtstamp", stamp)
    day = local_date(moment)
    event.add("dtstart", day)
    event.add("dtend", day + timedelta(days=1))
    event.add("summary", summary)
    event.add("url", url)
    event.add("transp", "TRANSPARENT")
    return event


def meeting_invitation(meeting: Meeting, domain: str, url: str) -> bytes:
    """The .ics attached to a notice about one meeting."""
    calendar = _calendar(meeting.council.name)
    calendar.add("method", "PUBLISH")
    calendar.add_component(meeting_event(meeting, domain, url, utcnow()))
    return calendar.to_ical()


def personal_calendar(
    name: str,
    meetings: Iterable[Meeting],
    *,
    domain: str,
    meeting_url: str,
    proposal_deadlines: Collection[int],
    agenda_deadlines: Collection[int],
) -> bytes:
    """A person's meetings, with the proposal deadlines (members) and agenda send-out
    deadlines (staff) of ordinary meetings (rules 3.2, 3.3).

    `proposal_deadlines` and `agenda_deadlines` are the ids of the councils whose meetings get
    that deadline: a person can be a member of one council and staff of another."""
    calendar = _calendar(name)
    stamp = utcnow()
    for meeting in meetings:
        calendar.add_component(meeting_event(meeting, domain, meeting_url, stamp))
        if meeting.cancelled_at is not None:
            continue  # the meeting shows as cancelled; its deadlines no longer apply
        planned = with_deadlines(meeting)
        if meeting.council_id in proposal_deadlines and planned.proposal_deadline:
            calendar.add_component(
                deadline_event(
                    f"proposal-deadline-{meeting.id}@{domain}",
                    f"Frist for forslag til dagsorden ({meeting.council.name})",
                    planned.proposal_deadline,
                    meeting_url,
                    stamp,
                )
            )
        if meeting.council_id in agenda_deadlines and planned.agenda_deadline:
            calendar.add_component(
                deadline_event(
                    f"agenda-deadline-{meeting.id}@{domain}",
                    f"Dagsorden udsendes senest ({meeting.council.name})",
                    planned.agenda_deadline,
                    meeting_url,
                    stamp,
                )
            )
    return calendar.to_ical()
