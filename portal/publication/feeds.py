"""The public feeds of a council: Atom for published agendas and minutes, ICS for the plan.

Both are built from what the public may read: the Atom entries from `snapshot.for_public`
(a closed item is "Lukket punkt <nr>"), the calendar from the plan alone (when, where,
cancelled or not; nothing about any item). XML is written with ElementTree, which escapes.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timedelta
from urllib.parse import urlsplit
from xml.etree import ElementTree as ET  # noqa: S405  # nosec B405  # we write XML, never parse it

from flask import Response, current_app, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from icalendar import Calendar, Event

from portal.agendas.models import Publication, PublicationKind
from portal.agendas.snapshot import for_public
from portal.councils.models import Council
from portal.policy import today
from portal.publication.presentation import document_title, meeting_name
from portal.publication.queries import PublicMeeting
from portal.rules.calendar import COPENHAGEN
from portal.types import utcnow

ATOM = "http://www.w3.org/2005/Atom"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
MEETING_LENGTH = timedelta(hours=3)  # as the private calendar plans a meeting
PRODUCT_ID = "-//KKR Portal//Offentlig mødeplan//DA"


def absolute(endpoint: str, **values: object) -> str:
    """A link for a feed reader: from the configured base URL, not the request's host."""
    return current_app.config["PORTAL_BASE_URL"] + url_for(endpoint, **values)


def _domain() -> str:
    return urlsplit(current_app.config["PORTAL_BASE_URL"]).hostname or "kkr-portal.invalid"


def _page_endpoint(kind: PublicationKind) -> str:
    if kind is PublicationKind.MINUTES:
        return "publication.show_minutes"
    return "publication.show_agenda"


def entry_summary(publication: Publication) -> str:
    """The items, one line each, as the public reads them (rule 3.0)."""
    lines = []
    for item in for_public(publication.content)["items"]:
        if item["closed"]:
            lines.append(_("%(number)s. Lukket punkt", number=item["number"]))
        else:
            lines.append(f"{item['number']}. {item['title']}")
    return "\n".join(lines)


def _text(parent: ET.Element, tag: str, text: str, **attributes: str) -> ET.Element:
    element = ET.SubElement(parent, f"{{{ATOM}}}{tag}", attributes)
    element.text = text
    return element


def atom_feed(council: Council, publications: list[Publication]) -> bytes:
    ET.register_namespace("", ATOM)
    feed = ET.Element(f"{{{ATOM}}}feed", {XML_LANG: str(get_locale())})
    self_url = absolute("publication.atom_feed", council_slug=council.slug)
    _text(feed, "id", self_url)
    _text(feed, "title", _("%(council)s: dagsordener og referater", council=council.name))
    updated = max((p.published_at for p in publications), default=None)
    _text(feed, "updated", (updated or datetime(2000, 1, 1, tzinfo=COPENHAGEN)).isoformat())
    ET.SubElement(feed, f"{{{ATOM}}}link", {"rel": "self", "href": self_url})
    ET.SubElement(
        feed,
        f"{{{ATOM}}}link",
        {
            "rel": "alternate",
            "type": "text/html",
            "href": absolute("publication.list_publications", council_slug=council.slug),
        },
    )
    author = ET.SubElement(feed, f"{{{ATOM}}}author")
    _text(author, "name", council.name)
    for publication in publications:
        meeting = publication.meeting
        entry = ET.SubElement(feed, f"{{{ATOM}}}entry")
        # One entry per meeting and kind: a corrected version updates it in feed readers.
        _text(entry, "id", f"tag:{_domain()},2026:{publication.kind.value}-{meeting.id}")
        title = document_title(publication.kind, meeting)
        if publication.version > 1:
            if publication.kind is PublicationKind.AGENDA:
                title += " " + _("(rettet dagsorden, version %(v)s)", v=publication.version)
            else:
                title += " " + _("(version %(v)s)", v=publication.version)
        if meeting.cancelled_at is not None:
            title += " " + _("(aflyst)")
        _text(entry, "title", title)
        _text(entry, "updated", publication.published_at.isoformat())
        _text(entry, "published", publication.published_at.isoformat())
        link = absolute(
            _page_endpoint(publication.kind), council_slug=council.slug, meeting_id=meeting.id
        )
        ET.SubElement(entry, f"{{{ATOM}}}link", {"rel": "alternate", "href": link})
        _text(entry, "summary", entry_summary(publication), type="text")
    return ET.tostring(feed, encoding="utf-8", xml_declaration=True)


def atom_response(council: Council, publications: list[Publication]) -> Response:
    return Response(atom_feed(council, publications), mimetype="application/atom+xml")


# --- the meeting plan as a calendar --------------------------------------------------------


def calendar_start() -> datetime:
    """The public calendar holds last year's meetings and everything after."""
    return datetime(today().year - 1, 1, 1, tzinfo=COPENHAGEN)


def meeting_plan_calendar(
    council: Council, planned: Iterable[PublicMeeting], stamp: datetime
) -> bytes:
    calendar = Calendar()
    calendar.add("prodid", PRODUCT_ID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    calendar.add("x-wr-calname", _("%(council)s: mødeplan", council=council.name))
    calendar.add("x-wr-timezone", "Europe/Copenhagen")
    domain = _domain()
    for row in planned:
        meeting = row.meeting
        event = Event()
        # Not the private feed's UID: subscribing to both must not merge two views of a meeting.
        event.add("uid", f"public-meeting-{meeting.id}@{domain}")
        event.add("dtstamp", stamp)
        event.add("dtstart", meeting.starts_at)
        event.add("dtend", meeting.starts_at + MEETING_LENGTH)
        event.add("summary", f"{council.name}: {meeting_name(meeting)}")
        event.add("location", meeting.location)
        if row.minutes:
            url = absolute(
                "publication.show_minutes", council_slug=council.slug, meeting_id=meeting.id
            )
        elif row.agenda:
            url = absolute(
                "publication.show_agenda", council_slug=council.slug, meeting_id=meeting.id
            )
        else:
            url = absolute("public.show_meeting_plan", council_slug=council.slug)
        event.add("url", url)
        event.add("status", "CANCELLED" if meeting.cancelled_at else "CONFIRMED")
        calendar.add_component(event)
    return calendar.to_ical()


def ics_response(
    council: Council, planned: list[PublicMeeting], last_modified: datetime | None
) -> Response:
    body = meeting_plan_calendar(council, planned, last_modified or utcnow())
    response = Response(body, mimetype="text/calendar")
    response.headers["Content-Disposition"] = f'inline; filename="{council.slug}-moedeplan.ics"'
    return response
