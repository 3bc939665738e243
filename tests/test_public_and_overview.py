"""The public meeting plan and member list; a member's 'Mit overblik'; headers and errors."""

from __future__ import annotations

from datetime import datetime

from portal.councils.models import CouncilOffice, MembershipKind
from portal.meetings.models import MeetingKind
from portal.rules.calendar import COPENHAGEN
from tests.conftest import sign_in
from tests.factories import (
    make_council,
    make_meeting,
    make_member,
    make_municipality,
    make_staff,
    make_substitute,
)
from tests.support import QueryCounter


def test_public_sees_meeting_plan_and_members_without_signing_in(client):
    council = make_council(slug="sjaelland", name="KKR Sjælland")
    chair = make_member(council, office=CouncilOffice.CHAIR, kind=MembershipKind.MAYOR)
    substitute = make_substitute(chair)
    make_meeting(council, starts_at=datetime(2099, 3, 30, 10, tzinfo=COPENHAGEN), location="Sorø")
    assert client.get("/").headers["Location"] == "/kkr/sjaelland/"
    plan = client.get("/kkr/sjaelland/").get_data(as_text=True)
    assert "30. marts 2099 kl. 10:00" in plan and "Sorø" in plan
    assert "fredag 20. marts 2099" in plan  # rule 3.2 deadline shown with the plan
    members = client.get("/kkr/sjaelland/medlemmer").get_data(as_text=True)
    assert chair.person.name in members and "Formand" in members
    assert substitute.substitute.name in members
    assert client.get("/kkr/ukendt/").status_code == 404


def test_public_member_list_uses_constant_queries(client):
    council = make_council()

    def query_count() -> int:
        with QueryCounter() as counter:
            assert client.get(f"/kkr/{council.slug}/medlemmer").status_code == 200
        return counter.count

    make_substitute(make_member(council))
    few = query_count()
    for _ in range(20):
        make_substitute(make_member(council))
    assert query_count() == few


def test_rule_3_2_overview_shows_deadlines_and_substitutes(client):
    council = make_council()
    municipality = make_municipality(council)
    member = make_member(council, municipality=municipality)
    substitute = make_substitute(member)
    other_member = make_member(council)
    make_substitute(other_member, person=None)
    make_meeting(council, starts_at=datetime(2099, 3, 30, 10, tzinfo=COPENHAGEN))
    make_meeting(
        council,
        starts_at=datetime(2099, 6, 1, 10, tzinfo=COPENHAGEN),
        kind=MeetingKind.EXTRAORDINARY,
    )
    make_meeting(council, starts_at=datetime(2000, 1, 3, 10, tzinfo=COPENHAGEN))  # past
    sign_in(client, member.person)
    page = client.get("/overblik").get_data(as_text=True)
    assert "Mit overblik" in page
    assert "fredag 20. marts 2099" in page  # proposal deadline, rule 3.2
    assert "mandag 23. marts 2099" in page  # agenda send-out, rule 3.3
    assert "Ingen (ikke et ordinært møde)" in page
    assert "2000" not in page
    assert f"Din personlige stedfortræder er {substitute.substitute.name}" in page

    sign_in(client, substitute.substitute)
    page = client.get("/overblik").get_data(as_text=True)
    assert f"Du er personlig stedfortræder for {member.person.name}" in page
    assert "fredag 20. marts 2099" in page


def test_overview_needs_sign_in(client):
    response = client.get("/overblik")
    assert response.status_code == 302
    assert response.headers["Location"] == "/log-ind?next=/overblik"


def test_staff_see_the_administration_link(client):
    council = make_council()
    sign_in(client, make_staff(council))
    page = client.get("/overblik").get_data(as_text=True)
    assert f"/kkr/{council.slug}/admin/" in page


def test_security_headers_on_every_page(client):
    response = client.get("/log-ind")
    csp = response.headers["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "style-src 'self'" in csp
    assert "unsafe-inline" not in csp and "unsafe-eval" not in csp
    assert "frame-ancestors 'none'" in csp
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "same-origin"
    assert "no-store" in response.headers["Cache-Control"]
    body = response.get_data(as_text=True)
    assert "<script>" not in body and "style=" not in body


def test_errors_are_danish_pages_and_fragments_under_htmx(client):
    page = client.get("/findes/ikke")
    assert page.status_code == 404
    assert "Siden findes ikke" in page.get_data(as_text=True)
    assert "<html" in page.get_data(as_text=True)
    fragment = client.get("/findes/ikke", headers={"HX-Request": "true"})
    assert fragment.status_code == 404
    assert "Siden findes ikke" in fragment.get_data(as_text=True)
    assert "<html" not in fragment.get_data(as_text=True)
    assert client.get("/log-ud").status_code == 405  # sign-out is POST only
