"""The public pages of published agendas and minutes (rules 3.0, 3.3, 3.4)."""

from __future__ import annotations

from datetime import datetime

from portal.extensions import db
from portal.rules.calendar import COPENHAGEN
from portal.types import utcnow
from tests.factories import make_council, make_meeting, make_person, make_staff
from tests.publication.scene import (
    OPEN_DECISION,
    OPEN_FILE,
    OPEN_RECOMMENDATION,
    OPEN_TITLE,
    PDF_BYTES,
    SECRET_TITLE,
    Published,
    make_item,
    publish_agenda,
)


def test_rule_3_3_published_agenda_page_shows_open_items_and_closed_ones_by_number(client):
    council = make_council(name="KKR Sjælland")
    staff = make_staff(council)
    proposer = make_person(council, name="Hanne Hansen")
    meeting = make_meeting(
        council, starts_at=datetime(2099, 3, 30, 10, tzinfo=COPENHAGEN), location="Sorø"
    )
    scene = Published(council, staff, meeting, minutes=False)
    scene.open_item.proposer = proposer
    page = client.get(scene.url("dagsorden"))
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "Dagsorden: Ordinært møde 30. marts 2099 kl. 10:00" in html and "Sorø" in html
    assert f"1. {OPEN_TITLE}" in html
    assert "Busser og tog skal hænge bedre sammen." in html and OPEN_RECOMMENDATION in html
    assert "Lukket punkt 2" in html and SECRET_TITLE not in html
    # The proposer was set after publishing: the page shows the snapshot, not the live rows.
    assert "Hanne Hansen" not in html
    assert f'href="{scene.url(f"bilag/{scene.open_file.id}")}"' in html and OPEN_FILE in html
    assert f'href="{scene.url("dagsorden.pdf")}"' in html
    assert scene.url("referat") not in html  # no minutes yet


def test_rule_3_3_corrected_agenda_shows_version_and_public_change_list(client):
    council = make_council()
    staff = make_staff(council)
    scene = Published(council, staff, make_meeting(council), minutes=False)
    added = make_item(scene.meeting, "Ny sag om cykelstier")
    scene.secret_item.position = 0  # the closed item moves to the top
    db.session.flush()
    publish_agenda(scene.meeting)
    html = client.get(scene.url("dagsorden")).get_data(as_text=True)
    assert "Rettet dagsorden" in html and "Ændringer i version 2" in html
    assert "Punkt 3 »Ny sag om cykelstier« er tilføjet." in html
    assert "Et lukket punkt er flyttet fra nr. 2 til nr. 1." in html
    assert "Lukket punkt 1" in html and SECRET_TITLE not in html
    assert f"2. {OPEN_TITLE}" in html and f"3. {added.title}" in html


def test_rule_3_4_published_minutes_page_shows_decisions_votes_and_attendance(client):
    council = make_council()
    staff = make_staff(council)
    scene = Published(council, staff, make_meeting(council))
    response = client.get(scene.url("referat"))
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert OPEN_DECISION in html and "Vedtaget" in html
    assert "<dt>For</dt><dd>10</dd>" in html and "<dt>Imod</dt><dd>4</dd>" in html
    assert "Anna Andersen" in html and "Carla Christensen" in html and "Dorte Dam" in html
    assert "Lukket punkt 2" in html and SECRET_TITLE not in html
    assert "Forkastet" not in html  # the closed item's result is not shown either
    assert f'href="{scene.url("dagsorden")}"' in html  # the agenda of the same meeting


def test_rule_3_0_unpublished_material_is_not_found(client):
    council = make_council()
    meeting = make_meeting(council)
    make_item(meeting, "Et punkt på et udkast")
    meeting.agenda_shared_at = utcnow()  # shared with members: still not public
    for page in ("dagsorden", "referat", "dagsorden.pdf", "referat.pdf"):
        url = f"/kkr/{council.slug}/moeder/{meeting.id}/{page}"
        assert client.get(url).status_code == 404, url
    plan = client.get(f"/kkr/{council.slug}/").get_data(as_text=True)
    assert "Ikke offentliggjort" in plan and f"/moeder/{meeting.id}/dagsorden" not in plan
    # Another council's slug does not reach this meeting either.
    other = make_council()
    assert client.get(f"/kkr/{other.slug}/moeder/{meeting.id}/dagsorden").status_code == 404


def test_rule_3_0_attachments_only_of_open_items_of_the_current_publication(client, upload_folder):
    council = make_council()
    staff = make_staff(council)
    scene = Published(council, staff, make_meeting(council))
    response = client.get(scene.url(f"bilag/{scene.open_file.id}"))
    assert response.status_code == 200 and response.data == PDF_BYTES
    assert response.headers["Content-Disposition"].startswith("attachment")
    assert client.get(scene.url(f"bilag/{scene.secret_file.id}")).status_code == 404
    # An open file through another meeting's URL, or a file of an unpublished item: absent.
    other = Published(council, staff, make_meeting(council), minutes=False)
    assert client.get(other.url(f"bilag/{scene.open_file.id}")).status_code == 404
    # Closing the item in a new version withdraws its file from the public.
    other.open_item.closed = True
    publish_agenda(other.meeting)
    assert client.get(other.url(f"bilag/{other.open_file.id}")).status_code == 404


def test_rule_3_3_meeting_plan_links_published_material_and_strikes_cancelled(client):
    council = make_council()
    staff = make_staff(council)
    scene = Published(council, staff, make_meeting(council, days_ahead=20))
    cancelled = make_meeting(council, days_ahead=40)
    cancelled.cancelled_at = utcnow()
    html = client.get(f"/kkr/{council.slug}/").get_data(as_text=True)
    assert f'href="{scene.url("dagsorden")}"' in html and f'href="{scene.url("referat")}"' in html
    assert '<tr class="cancelled">' in html and "<del>" in html and "(aflyst)" in html
    # The council's navigation leads to the list, the search and the feeds.
    for path in ("dagsordener", "soeg", "dagsordener.atom", "moedeplan.ics"):
        assert f'href="/kkr/{council.slug}/{path}"' in html


def test_rule_3_4_list_of_published_agendas_and_minutes(client):
    council = make_council()
    staff = make_staff(council)
    first = Published(council, staff, make_meeting(council, days_ahead=10))
    second = Published(council, staff, make_meeting(council, days_ahead=50), minutes=False)
    make_meeting(council, days_ahead=80)  # nothing published: not listed
    html = client.get(f"/kkr/{council.slug}/dagsordener").get_data(as_text=True)
    assert html.index(second.url("dagsorden")) < html.index(first.url("dagsorden"))
    assert first.url("referat") in html and second.url("referat") not in html
    assert html.count("<tr>") == 1 + 2  # header row and the two meetings
