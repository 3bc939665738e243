"""Staff keep the regional bodies the council appoints to (rule 3.8) and start rounds; only
the council's own secretariat reaches them, and every change needs the CSRF token."""

from __future__ import annotations

import re
from datetime import date

import pytest
from sqlalchemy import select

from portal.appointments.models import (
    AppointmentMethod,
    AppointmentRound,
    RegionalBody,
    RoundStatus,
)
from portal.audit.models import AuditEntry
from portal.extensions import db
from tests.appointments.scene import HTMX, Scene, build_scene, make_body
from tests.conftest import sign_in

BODY = {
    "name": "Vækstforum",
    "seats": "3",
    "term_starts_on": "2026-04-01",
    "term_ends_on": "2030-03-31",
    "legal_basis": "Erhvervsfremmeloven",
    "notes": "Udpeges efter hvert kommunalvalg.",
}


@pytest.fixture
def scene(app) -> Scene:
    return build_scene()


def bodies() -> list[RegionalBody]:
    return list(db.session.scalars(select(RegionalBody).order_by(RegionalBody.id)))


def rounds() -> list[AppointmentRound]:
    return list(db.session.scalars(select(AppointmentRound).order_by(AppointmentRound.id)))


def test_rule_3_8_staff_create_list_and_edit_a_body(client, scene):
    sign_in(client, scene.staff)
    assert client.get(scene.url("/nyt")).status_code == 200
    response = client.post(scene.url("/nyt"), data=BODY)
    assert response.status_code == 303
    [body] = bodies()
    assert (body.name, body.seats, body.term_starts_on, body.term_ends_on) == (
        "Vækstforum",
        3,
        date(2026, 4, 1),
        date(2030, 3, 31),
    )
    assert body.legal_basis == "Erhvervsfremmeloven" and body.council_id == scene.council.id
    listing = client.get(scene.url()).get_data(as_text=True)
    assert "Vækstforum" in listing and "Erhvervsfremmeloven" in listing

    response = client.post(scene.url(f"/{body.id}/ret"), data={**BODY, "seats": "4"})
    assert response.status_code == 303 and response.headers["Location"] == scene.url(f"/{body.id}")
    assert body.seats == 4
    actions = db.session.scalars(select(AuditEntry.action).order_by(AuditEntry.id)).all()
    assert actions == ["regional_body_created", "regional_body_changed"]
    page = client.get(scene.url(f"/{body.id}")).get_data(as_text=True)
    assert "Erhvervsfremmeloven" in page and "Udpeges efter hvert kommunalvalg." in page


def test_invalid_body_shows_the_form_again_with_422(client, scene):
    make_body(scene.council, "Vækstforum")
    db.session.commit()
    sign_in(client, scene.staff)
    response = client.post(
        scene.url("/nyt"),
        data={**BODY, "term_ends_on": "2026-03-01", "seats": "0"},
        headers=HTMX,
    )
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert "Perioden kan ikke slutte, før den begynder." in html and "1 til 99." in html
    assert "<html" not in html  # only the form block for htmx
    # The same name for the same term is refused; for another term it is a new body.
    clash = client.post(scene.url("/nyt"), data={**BODY, "term_starts_on": "2026-01-01"})
    assert clash.status_code == 422
    assert "allerede et organ med dette navn" in clash.get_data(as_text=True)
    assert client.post(scene.url("/nyt"), data=BODY).status_code == 303
    assert len(bodies()) == 2


def test_rule_3_8_one_seat_is_a_majority_vote_several_are_proportional(client, scene):
    body = make_body(scene.council, seats=3)
    db.session.commit()
    sign_in(client, scene.staff)
    response = client.post(scene.url(f"/{body.id}/runder"), data={"seats": "3"})
    assert response.status_code == 303
    [first] = rounds()
    assert response.headers["Location"] == scene.round_url(first)
    assert first.method is AppointmentMethod.PROPORTIONAL and first.status is RoundStatus.OPEN
    # The votes start as each group's current members; staff adjust them to those present.
    assert [(row["letter"], row["votes"]) for row in first.votes] == [
        ("A", 5),
        ("C", 2),
        ("V", 3),
    ]
    # One round at a time per body.
    again = client.post(scene.url(f"/{body.id}/runder"), data={"seats": "1"})
    assert again.status_code == 422
    assert "allerede en udpegning i gang" in again.get_data(as_text=True)

    single = make_body(scene.council, "Praksisplanudvalget", seats=2)
    db.session.commit()
    too_many = client.post(scene.url(f"/{single.id}/runder"), data={"seats": "3"})
    assert too_many.status_code == 422
    assert client.post(scene.url(f"/{single.id}/runder"), data={"seats": "1"}).status_code == 303
    assert rounds()[-1].method is AppointmentMethod.MAJORITY


def test_only_the_councils_own_secretariat_reaches_the_bodies(client, scene):
    body = make_body(scene.council)
    theirs = make_body(scene.other_council, "Deres organ")
    db.session.commit()
    urls = [
        ("get", scene.url()),
        ("get", scene.url("/nyt")),
        ("post", scene.url("/nyt")),
        ("get", scene.url(f"/{body.id}")),
        ("post", scene.url(f"/{body.id}/ret")),
        ("post", scene.url(f"/{body.id}/runder")),
    ]
    for method, url in urls:
        response = getattr(client, method)(url, data=BODY if method == "post" else None)
        assert response.status_code == 302 and "/log-ind" in response.headers["Location"], url
    # A member of the council is not its secretariat.
    sign_in(client, scene.members["A"][0])
    for method, url in urls:
        assert getattr(client, method)(url, data=BODY).status_code == 403, url
    # The other council's staff: forbidden here; our body under their own address: not there.
    sign_in(client, scene.other_staff)
    for method, url in urls:
        assert getattr(client, method)(url, data=BODY).status_code == 403, url
    other = scene.url(f"/{body.id}", council=scene.other_council)
    assert client.get(other).status_code == 404
    assert client.post(other + "/ret", data=BODY).status_code == 404
    assert client.post(other + "/runder", data={"seats": "1"}).status_code == 404
    assert client.get(scene.url(f"/{theirs.id}", council=scene.other_council)).status_code == 200
    assert body.name == "Sundhedskoordinationsudvalget" and rounds() == []


def test_changes_need_the_csrf_token(csrf_app, scene):
    client = csrf_app.test_client()
    sign_in(client, scene.staff)
    body = make_body(scene.council)
    db.session.commit()
    assert client.post(scene.url("/nyt"), data=BODY).status_code == 400
    assert client.post(scene.url(f"/{body.id}/runder"), data={"seats": "3"}).status_code == 400
    assert len(bodies()) == 1 and rounds() == []
    page = client.get(scene.url("/nyt")).get_data(as_text=True)
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
    assert client.post(scene.url("/nyt"), data={**BODY, "csrf_token": token}).status_code == 303
    assert len(bodies()) == 2
