"""The Atom feed of published agendas and minutes, and the ICS feed of the meeting plan."""

from __future__ import annotations

from datetime import datetime
from xml.etree import ElementTree as ET  # noqa: S405 - parsing our own output

from icalendar import Calendar

from portal.rules.calendar import COPENHAGEN
from portal.types import utcnow
from tests.factories import make_council, make_meeting, make_staff
from tests.publication.scene import OPEN_TITLE, Published, publish_agenda

ATOM = "{http://www.w3.org/2005/Atom}"


def test_rule_3_3_atom_feed_lists_current_agendas_and_minutes(client):
    council = make_council(name="KKR Sjælland")
    staff = make_staff(council)
    meeting = make_meeting(council, starts_at=datetime(2099, 3, 30, 10, tzinfo=COPENHAGEN))
    scene = Published(council, staff, meeting)
    response = client.get(f"/kkr/{council.slug}/dagsordener.atom")
    assert response.status_code == 200
    assert response.mimetype == "application/atom+xml"
    feed = ET.fromstring(response.data)  # noqa: S314
    assert feed.findtext(f"{ATOM}title") == "KKR Sjælland: dagsordener og referater"
    entries = feed.findall(f"{ATOM}entry")
    titles = [entry.findtext(f"{ATOM}title") for entry in entries]
    assert titles == [
        "Referat: Ordinært møde 30. marts 2099 kl. 10:00",
        "Dagsorden: Ordinært møde 30. marts 2099 kl. 10:00",
    ]
    links = [entry.find(f"{ATOM}link").get("href") for entry in entries]
    assert links == [
        "http://127.0.0.1:5000" + scene.url("referat"),
        "http://127.0.0.1:5000" + scene.url("dagsorden"),
    ]
    summary = entries[1].findtext(f"{ATOM}summary")
    assert summary == f"1. {OPEN_TITLE}\n2. Lukket punkt"


def test_rule_3_3_a_corrected_agenda_updates_its_feed_entry(client):
    council = make_council()
    scene = Published(council, make_staff(council), make_meeting(council), minutes=False)
    first = ET.fromstring(client.get(f"/kkr/{council.slug}/dagsordener.atom").data)  # noqa: S314
    scene.open_item.title = "Ændret titel"
    publish_agenda(scene.meeting)
    second = ET.fromstring(client.get(f"/kkr/{council.slug}/dagsordener.atom").data)  # noqa: S314
    (before,), (after,) = first.findall(f"{ATOM}entry"), second.findall(f"{ATOM}entry")
    assert before.findtext(f"{ATOM}id") == after.findtext(f"{ATOM}id")
    assert "(rettet dagsorden, version 2)" in after.findtext(f"{ATOM}title")
    assert after.findtext(f"{ATOM}updated") > before.findtext(f"{ATOM}updated")


def test_rule_3_3_ics_feed_of_the_meeting_plan(client):
    council = make_council(name="KKR Sjælland")
    staff = make_staff(council)
    published = Published(council, staff, make_meeting(council, days_ahead=10), minutes=False)
    plain = make_meeting(council, days_ahead=20, location="Sorø")
    cancelled = make_meeting(council, days_ahead=30)
    cancelled.cancelled_at = utcnow()
    make_meeting(make_council(), days_ahead=15)  # another council's
    response = client.get(f"/kkr/{council.slug}/moedeplan.ics")
    assert response.status_code == 200 and response.mimetype == "text/calendar"
    calendar = Calendar.from_ical(response.data)
    events = {str(event["uid"]).split("@")[0]: event for event in calendar.walk("VEVENT")}
    assert set(events) == {
        f"public-meeting-{published.meeting.id}",
        f"public-meeting-{plain.id}",
        f"public-meeting-{cancelled.id}",
    }
    assert str(events[f"public-meeting-{published.meeting.id}"]["url"]).endswith(
        published.url("dagsorden")
    )
    assert str(events[f"public-meeting-{plain.id}"]["location"]) == "Sorø"
    assert str(events[f"public-meeting-{cancelled.id}"]["status"]) == "CANCELLED"
    assert str(events[f"public-meeting-{plain.id}"]["summary"]).startswith("KKR Sjælland: Ordinært")
