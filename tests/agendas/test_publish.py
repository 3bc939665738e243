"""Sharing, previewing and publishing the agenda (rules 3.0, 3.3), and "Rettet dagsorden"."""

from __future__ import annotations

from datetime import date, datetime, time

from flask import Flask
from sqlalchemy import select

from portal.absences.models import CallInAnswer
from portal.agendas.changes import change_lines, public_change_lines
from portal.agendas.models import Publication, PublicationKind
from portal.demo.data import build_demo_council
from portal.extensions import db
from portal.meetings.models import Meeting, MeetingKind
from portal.notifications.models import Notice, NoticeKind
from portal.rules.calendar import COPENHAGEN
from portal.types import utcnow
from tests.agendas.scene import CONFIRM, HTMX, Scene, call_in, count, make_item, text
from tests.conftest import sign_in
from tests.factories import make_meeting


def notices() -> list[Notice]:
    return list(
        db.session.scalars(
            select(Notice).where(Notice.kind == NoticeKind.AGENDA_PUBLISHED).order_by(Notice.id)
        )
    )


def versions(scene: Scene) -> list[int]:
    return list(
        db.session.scalars(
            select(Publication.version)
            .where(Publication.meeting_id == scene.meeting.id)
            .order_by(Publication.version)
        )
    )


def test_rule_3_3_publishing_in_time_tells_members_and_called_in_substitutes(client, scene: Scene):
    make_item(scene.meeting, "Kollektiv trafik")
    make_item(scene.meeting, "Personsag", closed=True)
    pending = call_in(scene, CallInAnswer.PENDING)
    sign_in(client, scene.staff)
    form = text(client.get(scene.staff_url("/udsend")))
    assert "Dagsordenen har 2 punkter, heraf 1 lukket punkt." in form
    assert "2 medlemmer og 1 indkaldte stedfortrædere" in form
    assert "Begrundelse" not in form  # in time: no reason asked for
    response = client.post(scene.staff_url("/udsend"), data=CONFIRM)
    assert response.status_code == 303
    assert response.headers["Location"] == scene.staff_url()
    assert versions(scene) == [1]
    assert scene.meeting.agenda_published_at is not None
    told = {notice.recipient_id: notice for notice in notices()}
    assert set(told) == {scene.member.id, scene.neighbour.person_id, scene.substitute.id}
    assert scene.neighbours_substitute.id not in told  # not called in
    assert told[scene.member.id].link == scene.reader_url()
    assert told[scene.member.id].subject.startswith("Dagsorden til mødet")
    assert "er udsendt med 2 punkter" in told[scene.member.id].body
    # Until they answer that they attend, the substitute is sent to the call-in.
    assert told[scene.substitute.id].link == f"/indkaldelser/{pending.id}"
    assert "Dagsordenen er udsendt. 3 medlemmer og stedfortrædere har fået besked." in text(
        client.get(scene.staff_url())
    )


def test_rule_3_3_in_time_no_reason_is_kept_and_declined_substitutes_are_not_told(
    client, scene: Scene
):
    make_item(scene.meeting)
    call_in(scene, CallInAnswer.DECLINED)
    sign_in(client, scene.staff)
    client.post(scene.staff_url("/udsend"), data={**CONFIRM, "late_reason": "ingen grund"})
    assert db.session.scalars(select(Publication)).one().late_reason is None
    assert scene.substitute.id not in {notice.recipient_id for notice in notices()}


def test_rule_3_3_publishing_after_the_deadline_needs_a_recorded_reason(client, app: Flask):
    from tests.agendas.scene import build_scene

    scene = build_scene(days_ahead=3)  # the send-out deadline was four days ago
    make_item(scene.meeting)
    sign_in(client, scene.staff)
    builder = text(client.get(scene.staff_url()))
    assert "Fristen for udsendelse er overskredet" in builder
    form = text(client.get(scene.staff_url("/udsend")))
    assert "Begrundelse for udsendelse efter fristen" in form
    refused = client.post(scene.staff_url("/udsend"), data={"late_reason": "  "}, headers=HTMX)
    assert refused.status_code == 422
    assert "(regel 3.3). Skriv, hvorfor dagsordenen udsendes efter fristen" in text(refused)
    assert versions(scene) == [] and notices() == []
    reason = "Sagen om trafikbestillingen kom først fra Movia i går."
    response = client.post(scene.staff_url("/udsend"), data={**CONFIRM, "late_reason": reason})
    assert response.status_code == 303
    publication = db.session.scalars(select(Publication)).one()
    assert publication.late_reason == reason
    member_page = text(client.get(scene.reader_url()))
    assert f"Udsendt efter fristen. Begrundelse: {reason}" in member_page


def test_rule_3_3_staff_are_warned_when_the_deadline_is_near(client, app: Flask):
    from tests.agendas.scene import build_scene

    scene = build_scene(days_ahead=9)  # deadline in two days
    sign_in(client, scene.staff)
    page = text(client.get(scene.staff_url()))
    assert "skal udsendes senest" in page and "er ikke udsendt endnu" in page
    listing = text(client.get(f"/kkr/{scene.council.slug}/admin/dagsordener"))
    assert "Ikke udsendt: fristen er nær." in listing
    make_item(scene.meeting)
    client.post(scene.staff_url("/udsend"), data=CONFIRM)
    assert "skal udsendes senest" not in text(client.get(scene.staff_url()))


def test_rule_3_3_an_extraordinary_meeting_has_no_send_out_deadline(client, scene: Scene):
    meeting = make_meeting(scene.council, days_ahead=2, kind=MeetingKind.EXTRAORDINARY)
    make_item(meeting)
    sign_in(client, scene.staff)
    assert "Ingen frist for udsendelse" in text(client.get(scene.staff_url(meeting=meeting)))
    assert client.post(scene.staff_url("/udsend", meeting=meeting)).status_code == 303
    assert meeting.agenda_published_at is not None


def test_a_double_clicked_publish_makes_one_version(client, scene: Scene):
    make_item(scene.meeting)
    sign_in(client, scene.staff)
    assert client.post(scene.staff_url("/udsend"), data=CONFIRM, headers=HTMX).status_code == 204
    second = client.post(scene.staff_url("/udsend"), data=CONFIRM, headers=HTMX)
    assert second.status_code == 422
    assert "Intet er ændret siden version 1, som allerede er udsendt." in text(second)
    assert versions(scene) == [1]
    assert len(notices()) == 2  # the two members, once


def test_a_second_publication_is_a_corrected_agenda_with_its_changes(client, scene: Scene):
    kept = make_item(scene.meeting, "Kollektiv trafik")
    closed = make_item(scene.meeting, "Hemmelig personsag", closed=True)
    sign_in(client, scene.staff)
    client.post(scene.staff_url("/udsend"), data=CONFIRM)
    client.post(scene.item_url(kept), data={"title": "Kollektiv trafik 2027", "version": "1"})
    client.post(
        scene.item_url(closed),
        data={"title": closed.title, "presentation": "Ny", "closed": "y", "version": "1"},
    )
    client.post(scene.staff_url("/punkter/nyt"), data={"title": "Eventuelt"})
    form = text(client.get(scene.staff_url("/udsend")))
    assert "Udsend rettet dagsorden" in form and "Punkt 3 »Eventuelt« er tilføjet." in form
    assert client.post(scene.staff_url("/udsend"), data=CONFIRM).status_code == 303
    assert versions(scene) == [1, 2]
    corrected = [n for n in notices() if n.subject.startswith("Rettet dagsorden")]
    assert {n.recipient_id for n in corrected} == {scene.member.id, scene.neighbour.person_id}
    body = corrected[0].body
    assert "er rettet (version 2)" in body
    assert "– Punkt 1 »Kollektiv trafik 2027« er ændret." in body
    assert "– Lukket punkt 2 er ændret." in body
    assert "– Punkt 3 »Eventuelt« er tilføjet." in body
    assert "Hemmelig" not in body  # an e-mail leaves the portal: the closed title stays in
    member_page = text(client.get(scene.reader_url()))
    assert "Rettet dagsorden" in member_page
    assert "Punkt 2 »Hemmelig personsag« er ændret." in member_page  # members read it all


def test_an_empty_agenda_or_a_cancelled_meeting_is_not_sent_out(client, scene: Scene):
    sign_in(client, scene.staff)
    response = client.post(scene.staff_url("/udsend"), data=CONFIRM)
    assert response.status_code == 422
    assert "Dagsordenen har ingen punkter endnu." in text(response)
    make_item(scene.meeting)
    scene.meeting.cancelled_at = utcnow()
    assert client.post(scene.staff_url("/udsend"), data=CONFIRM).status_code == 422
    client.post(scene.staff_url("/del"), data={"share": "1"})
    assert scene.meeting.agenda_shared_at is None
    assert versions(scene) == [] and notices() == []


def test_preview_shows_what_members_will_see_and_saves_nothing(client, scene: Scene):
    make_item(scene.meeting, "Kollektiv trafik", presentation="Linje <b>fed</b>")
    make_item(scene.meeting, "Personsag", closed=True)
    sign_in(client, scene.staff)
    page = text(client.get(scene.staff_url("/forhaandsvisning")))
    assert "Punkt 1. Kollektiv trafik" in page and "Punkt 2. Personsag" in page
    assert "Linje &lt;b&gt;fed&lt;/b&gt;" in page  # escaped, never markup
    assert "Lukket punkt" in page
    assert count(Publication) == 0 and scene.meeting.agenda_published_at is None


def test_sharing_the_draft_lets_members_read_the_live_items(client, scene: Scene):
    make_item(scene.meeting, "Udkastets punkt")
    sign_in(client, scene.member)
    assert "Udkastets punkt" not in text(client.get(scene.reader_url()))
    sign_in(client, scene.staff)
    assert client.post(scene.staff_url("/del"), data={"share": "1"}).status_code == 303
    assert scene.meeting.agenda_shared_at is not None
    sign_in(client, scene.member)
    page = text(client.get(scene.reader_url()))
    assert "Udkast" in page and "Udkastets punkt" in page
    sign_in(client, scene.staff)
    client.post(scene.staff_url("/del"), data={"share": "0"})
    assert scene.meeting.agenda_shared_at is None


def test_change_lines_in_danish_for_members_and_for_the_public(app: Flask):
    changes = [
        {"change": "added", "number": 3, "title": "Eventuelt", "closed": False},
        {"change": "moved", "number": 1, "title": "Trafik", "closed": False, "from_number": 2},
        {"change": "edited", "number": 2, "title": "Personsag", "closed": True},
        {"change": "closed", "number": 4, "title": "Udpegning", "closed": True},
        {"change": "removed", "number": 5, "title": "Gammelt", "closed": False},
    ]
    assert change_lines(changes) == [
        "Punkt 3 »Eventuelt« er tilføjet.",
        "Punktet »Trafik« er flyttet fra nr. 2 til nr. 1.",
        "Punkt 2 »Personsag« er ændret.",
        "Punkt 4 »Udpegning« er nu et lukket punkt.",
        "Punkt 5 »Gammelt« er taget af dagsordenen.",
    ]
    public = public_change_lines(changes)
    assert public[2:4] == ["Lukket punkt 2 er ændret.", "Punkt 4 er nu et lukket punkt."]
    assert not any("Personsag" in line or "Udpegning" in line for line in public)


def test_the_demo_council_has_published_agendas_with_a_closed_item(app: Flask):
    today = date(2026, 11, 26)
    council = build_demo_council(db.session, today)
    published = db.session.scalars(
        select(Publication).where(
            Publication.council_id == council.id, Publication.kind == PublicationKind.AGENDA
        )
    ).all()
    assert len(published) == 2
    assert all(p.version == 1 for p in published)
    for publication in published:
        items = publication.content["items"]
        assert 3 <= len(items) <= 5
        assert sum(item["closed"] for item in items) == 1
    meetings = db.session.scalars(select(Meeting).order_by(Meeting.starts_at)).all()
    noon = datetime.combine(today, time(12), tzinfo=COPENHAGEN)
    past = [m for m in meetings if m.starts_at < noon]
    upcoming = [m for m in meetings if m.starts_at > noon]
    assert past[-1].agenda_published_at is not None
    assert upcoming[0].agenda_published_at is not None
    assert all(m.agenda_published_at is None for m in upcoming[1:])
    assert count(Notice, Notice.kind == NoticeKind.AGENDA_PUBLISHED) == 0
