"""Who reaches the election and constitution screens: the council's own staff only. Another
council's staff and members get 403, another council's election under your slug is not there
(404), the anonymous are sent to sign in; every change needs the CSRF token."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from portal.elections.models import (
    Election,
    ElectionGroupResult,
    ElectoralAlliance,
    OfficeHolding,
)
from portal.extensions import db
from tests.appointments.election_scene import HTMX, Scene, build_scene, make_election
from tests.conftest import sign_in


@pytest.fixture
def scene(app) -> Scene:
    return build_scene()


def routes(scene: Scene, election: Election) -> list[tuple[str, str]]:
    result = election.results[0]
    return [
        ("get", scene.url()),
        ("post", scene.url()),
        ("get", scene.election_url(election)),
        ("post", scene.election_url(election, "/grupper")),
        ("get", scene.election_url(election, f"/grupper/{result.id}")),
        ("post", scene.election_url(election, f"/grupper/{result.id}")),
        ("post", scene.election_url(election, f"/grupper/{result.id}/fjern")),
        ("post", scene.election_url(election, "/import")),
        ("post", scene.election_url(election, "/lodtraekning")),
        ("post", scene.election_url(election, "/godkend")),
        ("get", scene.constitution_url(election)),
        ("post", scene.constitution_url(election, "/moede")),
        ("post", scene.constitution_url(election, "/valgforbund")),
        ("post", scene.constitution_url(election, "/valgforbund/1/tilbagetraek")),
        ("post", scene.constitution_url(election, "/lodtraekning")),
        ("post", scene.constitution_url(election, "/valgte")),
        ("get", scene.constitution_url(election, "/hverv/1/erstat")),
        ("post", scene.constitution_url(election, "/hverv/1/erstat")),
    ]


def unchanged(election: Election) -> None:
    db.session.expire_all()
    assert len(db.session.scalars(select(Election)).all()) == 2
    assert len(db.session.scalars(select(ElectionGroupResult)).all()) == 6
    assert election.composition is None and election.constituting_meeting_at is None
    assert not db.session.scalars(select(ElectoralAlliance)).all()
    assert not db.session.scalars(select(OfficeHolding)).all()


def test_the_anonymous_are_sent_to_sign_in(client, scene):
    election = make_election(scene.council)
    make_election(scene.other_council)
    for method, url in routes(scene, election):
        response = getattr(client, method)(url)
        assert response.status_code == 302, url
        assert response.headers["Location"] == f"/log-ind?next={url}"
        assert getattr(client, method)(url, headers=HTMX).status_code == 204, url
    unchanged(election)


def test_another_councils_staff_and_a_member_are_refused(client, scene):
    election = make_election(scene.council)
    make_election(scene.other_council)
    for person in (scene.other_staff, scene.members["A"].person):
        sign_in(client, person)
        for method, url in routes(scene, election):
            assert getattr(client, method)(url).status_code == 403, (person, url)
    unchanged(election)


def test_another_councils_election_is_not_found_under_your_own_council(client, scene):
    election = make_election(scene.council)
    theirs = make_election(scene.other_council)
    sign_in(client, scene.other_staff)
    for method, url in routes(scene, election)[2:]:  # all but the list of elections
        mine = url.replace(f"/kkr/{scene.council.slug}/", f"/kkr/{scene.other_council.slug}/")
        assert getattr(client, method)(mine).status_code == 404, mine
    # Their own election's result ids do not reach another election's results either.
    other_result = election.results[0].id
    url = f"/kkr/{scene.other_council.slug}/sekretariat/valg/{theirs.id}/grupper/{other_result}"
    assert client.get(url).status_code == 404
    unchanged(election)


def test_changes_need_the_csrf_token(csrf_app, client, scene):
    election = make_election(scene.council)
    make_election(scene.other_council)
    sign_in(client, scene.staff)
    for method, url in routes(scene, election):
        if method == "post":
            assert client.post(url).status_code == 400, url
    unchanged(election)
