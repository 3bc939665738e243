"""Reading the agenda as a member, a called-in substitute or staff (rule 3.0), its versions,
its files, and everyone else finding nothing there (404)."""

from __future__ import annotations

from flask import Flask

from portal.absences.models import CallInAnswer
from portal.types import utcnow
from tests.agendas.scene import (
    PDF,
    Scene,
    attach_pdf,
    call_in,
    make_item,
    publish,
    text,
)
from tests.conftest import sign_in
from tests.support import QueryCounter


def test_rule_3_0_members_read_every_item_of_the_published_agenda(client, scene: Scene):
    make_item(scene.meeting, "Kollektiv trafik", proposer=scene.neighbour.person)
    make_item(
        scene.meeting,
        "Indstilling af bestyrelsesmedlem",
        closed=True,
        presentation="Kandidaterne er ...",
        recommendation="Det indstilles, at ...",
    )
    publish(scene)
    sign_in(client, scene.member)
    page = text(client.get(scene.reader_url()))
    assert "Punkt 1. Kollektiv trafik" in page
    assert "Punkt 2. Indstilling af bestyrelsesmedlem" in page
    assert "Kandidaterne er ..." in page  # a closed item, in full ...
    assert "Lukket punkt" in page  # ... and marked as one
    assert "Sagsfremstilling" in page and "Indstilling" in page
    assert "Udkast" not in page
    # An item placed from a member's proposal (rule 3.2) names the proposer.
    assert f"Foreslået af {scene.neighbour.person.name}" in page
    sign_in(client, scene.staff)
    assert f"Foreslået af {scene.neighbour.person.name}" in text(client.get(scene.staff_url()))


def test_rule_3_0_before_publication_members_see_nothing_unless_shared(client, scene: Scene):
    make_item(scene.meeting, "Udkast til et punkt")
    sign_in(client, scene.member)
    page = text(client.get(scene.reader_url()))
    assert "Dagsordenen er ikke udsendt endnu." in page
    assert "Udkast til et punkt" not in page


def test_rule_3_0_after_publication_live_edits_wait_for_the_next_version(client, scene: Scene):
    item = make_item(scene.meeting, "Første udgave")
    publish(scene)
    item.title = "Anden udgave"
    sign_in(client, scene.member)
    page = text(client.get(scene.reader_url()))
    assert "Første udgave" in page and "Anden udgave" not in page
    publish(scene)
    page = text(client.get(scene.reader_url()))
    assert "Rettet dagsorden" in page and "Version 2" in page
    assert "Punkt 1 »Anden udgave« er ændret." in page
    old = text(client.get(scene.reader_url() + "/version/1"))
    assert "Første udgave" in old and "Du ser en tidligere version" in old
    assert client.get(scene.reader_url() + "/version/3").status_code == 404


def test_rule_3_0_substitutes_read_it_only_when_attending(client, scene: Scene):
    make_item(scene.meeting, "Lukket sag", closed=True)
    publish(scene)
    sign_in(client, scene.neighbours_substitute)  # not called in
    assert client.get(scene.reader_url()).status_code == 404
    call = call_in(scene, CallInAnswer.PENDING)
    sign_in(client, scene.substitute)
    assert client.get(scene.reader_url()).status_code == 404
    assert "Læs dagsordenen" not in text(client.get(f"/indkaldelser/{call.id}"))
    call.answer = CallInAnswer.ATTENDING
    page = text(client.get(scene.reader_url()))
    assert "Lukket sag" in page
    assert "Læs dagsordenen" in text(client.get(f"/indkaldelser/{call.id}"))
    # Once the minutes are out, the substitute's access ends (policy.is_attending_substitute).
    scene.meeting.minutes_published_at = utcnow()
    assert client.get(scene.reader_url()).status_code == 404


def test_rule_3_0_no_one_else_finds_the_agenda(client, scene: Scene):
    make_item(scene.meeting, "Lukket sag", closed=True)
    publish(scene)
    for person in (scene.outsider.person, scene.other_staff):
        sign_in(client, person)
        assert client.get(scene.reader_url()).status_code == 404
        assert client.get(scene.reader_url() + "/version/1").status_code == 404
    assert client.get("/moeder/999999/dagsorden").status_code == 404
    anonymous = Flask.test_client(client.application)
    response = anonymous.get(scene.reader_url())
    assert response.status_code == 302 and "/log-ind" in response.headers["Location"]
    sign_in(client, scene.staff)  # the council's own secretariat reads it
    page = text(client.get(scene.reader_url()))
    assert "Lukket sag" in page and "Til dagsordenen i sekretariatet" in page


def test_rule_3_0_files_go_to_those_who_may_read_them(client, scene: Scene):
    closed = make_item(scene.meeting, "Lukket sag", closed=True)
    secret = attach_pdf(closed, scene.staff, "kandidater.pdf")
    publish(scene)
    later = attach_pdf(closed, scene.staff, "senere.pdf")  # not sent out yet
    sign_in(client, scene.member)
    response = client.get(scene.file_url(secret))
    assert response.status_code == 200
    assert response.data == PDF
    assert response.headers["Content-Disposition"].startswith("attachment")
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert client.get(scene.file_url(later)).status_code == 404  # only what was sent out
    assert client.get(scene.file_url(secret, scene.other_meeting)).status_code == 404
    sign_in(client, scene.staff)
    assert client.get(scene.file_url(later)).status_code == 200
    for person in (scene.outsider.person, scene.other_staff, scene.neighbours_substitute):
        sign_in(client, person)
        assert client.get(scene.file_url(secret)).status_code == 404
    anonymous = Flask.test_client(client.application)
    response = anonymous.get(scene.file_url(secret))
    assert response.status_code == 302 and PDF not in response.data


def test_rule_3_0_files_of_a_shared_draft_and_of_earlier_versions(client, scene: Scene):
    item = make_item(scene.meeting, "Trafik")
    attachment = attach_pdf(item, scene.staff)
    sign_in(client, scene.member)
    assert client.get(scene.file_url(attachment)).status_code == 404  # a draft not shared
    scene.meeting.agenda_shared_at = utcnow()
    assert client.get(scene.file_url(attachment)).status_code == 200
    publish(scene)
    attachment.removed_at = utcnow()  # taken off after it went out: version 1 still has it
    assert client.get(scene.file_url(attachment)).status_code == 200


def test_the_overview_links_to_an_agenda_the_member_may_read(client, scene: Scene):
    make_item(scene.meeting)
    sign_in(client, scene.member)
    link = f'href="{scene.reader_url()}"'
    assert link not in text(client.get("/overblik"))
    publish(scene)
    assert link in text(client.get("/overblik"))


def test_the_member_page_uses_constant_queries(client, scene: Scene):
    sign_in(client, scene.member)
    item = make_item(scene.meeting)
    attach_pdf(item, scene.staff)
    publish(scene)

    def query_count() -> int:
        with QueryCounter() as counter:
            assert client.get(scene.reader_url()).status_code == 200
        return counter.count

    few = query_count()
    for number in range(10):
        attach_pdf(make_item(scene.meeting, f"Punkt {number}", closed=number % 2 == 0), scene.staff)
    publish(scene)
    assert query_count() == few
