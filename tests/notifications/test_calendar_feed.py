"""Each person's private calendar feed: a secret, revocable address with their meetings and
their deadlines (rules 3.2, 3.3), and nothing of councils they have nothing to do with."""

from __future__ import annotations

import hashlib
import re
from datetime import datetime, timedelta

import pytest
from icalendar import Calendar
from sqlalchemy import select

from portal.audit.models import AuditEntry
from portal.extensions import db
from portal.meetings.models import MeetingKind
from portal.notifications.models import CalendarFeed
from portal.policy import declared_rule
from portal.types import utcnow
from tests.conftest import sign_in
from tests.factories import (
    make_council,
    make_meeting,
    make_member,
    make_person,
    make_staff,
    make_substitute,
)

SETTINGS = "/beskeder/indstillinger"
FEED_URL = re.compile(r'id="feed-url"[^>]*value="http://127\.0\.0\.1:5000(/kalender/[^"]+\.ics)"')


def create_feed(client) -> str:  # noqa: ANN001
    """Create an address as the person does; the path shown (once) on the settings page."""
    response = client.post("/beskeder/kalender")
    assert response.status_code == 303
    assert response.headers["Location"] == "/beskeder/indstillinger#kalender"
    match = FEED_URL.search(client.get(SETTINGS).get_data(as_text=True))
    assert match, "the new address is not shown"
    return match.group(1)


def events(client, path: str) -> dict[str, object]:  # noqa: ANN001
    """The feed's events by UID prefix and meeting id, e.g. "meeting-7", "proposal-deadline-7"."""
    response = client.get(path)
    assert response.status_code == 200
    calendar = Calendar.from_ical(response.data)
    return {str(event["uid"]).split("@")[0]: event for event in calendar.walk("VEVENT")}


@pytest.fixture
def member_client(client):  # noqa: ANN001, ANN201
    council = make_council(name="KKR Sjælland")
    member = make_member(council).person
    sign_in(client, member)
    client.council = council
    client.person = member
    return client


# --- creating, showing once, revoking -----------------------------------------------------


def test_the_address_is_shown_once_and_only_its_hash_is_stored(member_client):
    page = member_client.get(SETTINGS).get_data(as_text=True)
    assert "Du har ingen kalenderadresse." in page and "Opret kalenderadresse" in page

    path = create_feed(member_client)
    token = path.removeprefix("/kalender/").removesuffix(".ics")
    assert len(token) >= 43  # secrets.token_urlsafe(32)
    again = member_client.get(SETTINGS).get_data(as_text=True)
    assert token not in again and not FEED_URL.search(again)
    assert "Du har en kalenderadresse, oprettet" in again and "Tilbagekald" in again

    feeds = db.session.scalars(select(CalendarFeed)).all()
    assert len(feeds) == 1
    assert feeds[0].token_hash == hashlib.sha256(token.encode()).hexdigest()
    for column in CalendarFeed.__table__.columns:
        assert token not in str(getattr(feeds[0], column.key))
    audit = db.session.scalars(select(AuditEntry)).all()
    assert [entry.action for entry in audit] == ["calendar_feed_created"]
    assert not any(token in str(entry.after) + str(entry.before) for entry in audit)


def test_revoking_ends_the_address(member_client):
    path = create_feed(member_client)
    assert member_client.get(path).status_code == 200
    response = member_client.post("/beskeder/kalender/tilbagekald")
    assert response.status_code == 303
    page = member_client.get(SETTINGS).get_data(as_text=True)
    assert "Kalenderadressen er tilbagekaldt" in page and "Du har ingen kalenderadresse." in page
    assert member_client.get(path).status_code == 404
    feed = db.session.scalar(select(CalendarFeed))
    assert feed.revoked_at is not None


def test_a_new_address_revokes_the_old_one(member_client):
    old = create_feed(member_client)
    new = create_feed(member_client)
    assert old != new
    assert member_client.get(old).status_code == 404
    assert member_client.get(new).status_code == 200
    active = db.session.scalars(select(CalendarFeed).where(CalendarFeed.revoked_at.is_(None)))
    assert len(active.all()) == 1


def test_revoking_touches_only_ones_own_address(client):
    council = make_council()
    first, second = make_member(council).person, make_member(council).person
    sign_in(client, first)
    path = create_feed(client)
    sign_in(client, second)
    client.post("/beskeder/kalender/tilbagekald")
    assert client.get(path).status_code == 200


@pytest.mark.parametrize("token", ["unknown", "x" * 43, "%2E%2E", "a.b"])
def test_an_unknown_token_is_not_found(client, token: str):
    make_person()
    assert client.get(f"/kalender/{token}.ics").status_code == 404


def test_the_feed_is_public_by_design(app):  # noqa: ANN001
    rule = declared_rule(app.view_functions["notifications.calendar_feed"])
    assert rule is not None and rule.name == "public"  # the token is the credential


def test_the_feed_is_neither_cached_nor_referred_on(member_client):
    path = create_feed(member_client)
    member_client.post("/log-ud")  # a calendar application has no session
    response = member_client.get(path)
    assert response.mimetype == "text/calendar"
    assert "private" in response.headers["Cache-Control"]
    assert "no-store" in response.headers["Cache-Control"]
    assert response.headers["Referrer-Policy"] == "no-referrer"


# --- what the feed holds ------------------------------------------------------------------


def test_a_member_gets_their_councils_meetings_with_proposal_deadlines(member_client):
    council = member_client.council
    upcoming = make_meeting(council, days_ahead=20)
    recent = make_meeting(council, days_ahead=-10)
    too_old = make_meeting(council, days_ahead=-40)
    extraordinary = make_meeting(council, days_ahead=25, kind=MeetingKind.EXTRAORDINARY)
    cancelled = make_meeting(council, days_ahead=50)
    cancelled.cancelled_at = utcnow()
    elsewhere = make_meeting(make_council(name="KKR Syddanmark"), days_ahead=20)

    path = create_feed(member_client)
    member_client.post("/log-ud")
    found = events(member_client, path)

    for meeting in (upcoming, recent, extraordinary, cancelled):
        assert f"meeting-{meeting.id}" in found
    assert f"meeting-{too_old.id}" not in found
    assert f"meeting-{elsewhere.id}" not in found
    assert not any(str(elsewhere.id) == key.rsplit("-", 1)[1] for key in found)
    assert "KKR Syddanmark" not in member_client.get(path).get_data(as_text=True)

    event = found[f"meeting-{upcoming.id}"]
    assert event["dtstart"].dt == upcoming.starts_at
    assert str(event["summary"]) == "KKR Sjælland: møde"
    assert str(event["status"]) == "CONFIRMED"
    assert str(found[f"meeting-{cancelled.id}"]["status"]) == "CANCELLED"

    # Rule 3.2 for members; rule 3.3 (the agenda send-out) is the secretariat's deadline.
    deadline = found[f"proposal-deadline-{upcoming.id}"]
    assert deadline["dtstart"].dt == (upcoming.starts_at - timedelta(days=10)).date()
    assert "Frist for forslag til dagsorden" in str(deadline["summary"])
    assert not any(key.startswith("agenda-deadline") for key in found)
    assert f"proposal-deadline-{extraordinary.id}" not in found  # ordinary meetings only
    assert f"proposal-deadline-{cancelled.id}" not in found


def test_a_substitute_gets_the_meetings_and_proposal_deadlines_too(client):
    council = make_council()
    substitute = make_substitute(make_member(council)).substitute
    meeting = make_meeting(council, days_ahead=20)
    sign_in(client, substitute)
    found = events(client, create_feed(client))
    assert {f"meeting-{meeting.id}", f"proposal-deadline-{meeting.id}"} <= set(found)


def test_staff_get_the_agenda_deadlines_of_their_council_only(client):
    staffed, membership = make_council(), make_council()
    person = make_staff(staffed)
    make_member(membership, person)
    staff_meeting = make_meeting(staffed, days_ahead=20)
    member_meeting = make_meeting(membership, days_ahead=21)
    sign_in(client, person)
    found = events(client, create_feed(client))
    assert f"agenda-deadline-{staff_meeting.id}" in found
    assert f"proposal-deadline-{staff_meeting.id}" not in found
    assert f"proposal-deadline-{member_meeting.id}" in found
    assert f"agenda-deadline-{member_meeting.id}" not in found
    agenda = found[f"agenda-deadline-{staff_meeting.id}"]
    assert "Dagsorden udsendes senest" in str(agenda["summary"])


def test_someone_with_no_council_gets_an_empty_calendar(client):
    person = make_person()
    make_meeting(make_council(), days_ahead=20)
    sign_in(client, person)
    assert events(client, create_feed(client)) == {}


def test_the_feed_follows_the_persons_roles_as_they_change(member_client):
    meeting = make_meeting(member_client.council, days_ahead=20)
    path = create_feed(member_client)
    assert f"meeting-{meeting.id}" in events(member_client, path)
    from portal.councils.models import Membership

    membership = db.session.scalar(
        select(Membership).where(Membership.person_id == member_client.person.id)
    )
    membership.ends_on = (datetime.now() - timedelta(days=2)).date()
    assert events(member_client, path) == {}
