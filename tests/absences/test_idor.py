"""Who reaches which absence page: every route with every role. Someone else's meeting,
absence or call-in is not there for you (404); the secretariat's board is staff only (403)."""

from __future__ import annotations

import pytest

from portal.absences import operations
from portal.absences.models import CallInAnswer, SubstituteCallIn
from portal.types import utcnow
from tests.absences.scene import HTMX, Scene, build_scene, standing_absences, the_call_in
from tests.conftest import sign_in


@pytest.fixture
def scene(app) -> Scene:
    return build_scene()


@pytest.fixture
def call(scene: Scene) -> SubstituteCallIn:
    """The member is away and their substitute called in."""
    operations.register_absence(
        scene.meeting,
        scene.seat,
        by=scene.member,
        by_staff=False,
        call_substitute=True,
        reason=None,
        now=utcnow(),
    )
    return the_call_in()


def routes(scene: Scene, call: SubstituteCallIn) -> list[tuple[str, str]]:
    return [
        ("get", scene.absence_url()),
        ("post", scene.absence_url()),
        ("post", scene.cancel_url()),
        ("get", f"/indkaldelser/{call.id}"),
        ("post", f"/indkaldelser/{call.id}/svar"),
        ("get", "/kkr/sjaelland/admin/moeder"),
        ("get", scene.board_url()),
        ("post", scene.staff_url()),
        ("post", scene.staff_url(cancel=True)),
    ]


def request(client, method: str, url: str, **kwargs):  # noqa: ANN001, ANN003, ANN201
    data = (
        {"answer": "declined", "call_substitute": "y", "reason": ""} if method == "post" else None
    )
    return getattr(client, method)(url, data=data, **kwargs)


def test_the_anonymous_are_sent_to_sign_in(client, scene, call):
    for method, url in routes(scene, call):
        response = request(client, method, url)
        assert response.status_code == 302, url
        assert response.headers["Location"] == f"/log-ind?next={url}"
        under_htmx = request(client, method, url, headers=HTMX)
        assert under_htmx.status_code == 204, url
        assert under_htmx.headers["HX-Redirect"] == f"/log-ind?next={url}"
    assert len(standing_absences()) == 1
    assert call.answer is CallInAnswer.PENDING


def test_a_member_of_another_council_finds_nothing(client, scene, call):
    sign_in(client, scene.outsider.person)
    for method, url in routes(scene, call)[:5]:
        assert request(client, method, url).status_code == 404, url
    for method, url in routes(scene, call)[5:]:
        assert request(client, method, url).status_code == 403, url
    # Their own council's meeting works for them.
    assert client.get(scene.absence_url(scene.other_meeting)).status_code == 200
    assert len(standing_absences()) == 1 and call.answer is CallInAnswer.PENDING


def test_another_member_cannot_see_or_cancel_the_members_absence(client, scene, call):
    sign_in(client, scene.neighbour.person)
    # The same meeting's address shows the neighbour's own form, nothing of the member's.
    page = client.get(scene.absence_url()).get_data(as_text=True)
    assert "Du har meldt afbud" not in page and scene.member.name not in page
    # Cancelling there cancels only the neighbour's own absence: there is none.
    assert client.post(scene.cancel_url()).status_code == 303
    assert len(standing_absences()) == 1
    # The member's substitute's call-in is not there for them, nor is the secretariat's board.
    assert client.get(f"/indkaldelser/{call.id}").status_code == 404
    assert (
        client.post(f"/indkaldelser/{call.id}/svar", data={"answer": "declined"}).status_code == 404
    )
    for method, url in routes(scene, call)[5:]:
        assert request(client, method, url).status_code == 403, url
    assert len(standing_absences()) == 1 and call.answer is CallInAnswer.PENDING


def test_the_member_themself_may_use_their_own_pages_only(client, scene, call):
    sign_in(client, scene.member)
    assert client.get(scene.absence_url()).status_code == 200
    assert client.get(f"/indkaldelser/{call.id}").status_code == 404  # not their call-in
    for method, url in routes(scene, call)[5:]:
        assert request(client, method, url).status_code == 403, url
    assert client.post(scene.cancel_url()).status_code == 303
    assert standing_absences() == []


def test_the_substitute_called_in_sees_and_answers_their_call_in_only(client, scene, call):
    sign_in(client, scene.substitute)
    assert client.get(f"/indkaldelser/{call.id}").status_code == 200
    # A substitute has no seat: no absence of their own, no form for the member's.
    assert client.get(scene.absence_url()).status_code == 404
    assert client.post(scene.cancel_url()).status_code == 404
    for method, url in routes(scene, call)[5:]:
        assert request(client, method, url).status_code == 403, url
    assert len(standing_absences()) == 1
    answered = client.post(f"/indkaldelser/{call.id}/svar", data={"answer": "attending"})
    assert answered.status_code == 303
    assert call.answer is CallInAnswer.ATTENDING


def test_a_substitute_not_called_in_gets_404_for_someone_elses_call_in(client, scene, call):
    sign_in(client, scene.neighbours_substitute)
    assert client.get(f"/indkaldelser/{call.id}").status_code == 404
    response = client.post(f"/indkaldelser/{call.id}/svar", data={"answer": "declined"})
    assert response.status_code == 404
    assert client.get(f"/indkaldelser/{call.id + 1000}").status_code == 404  # none at all
    assert call.answer is CallInAnswer.PENDING


def test_staff_use_the_board_but_not_a_members_own_pages(client, scene, call):
    sign_in(client, scene.staff)
    assert client.get(scene.board_url()).status_code == 200
    assert client.get("/kkr/sjaelland/admin/moeder").status_code == 200
    assert client.get(scene.absence_url()).status_code == 404  # staff have no seat
    assert client.get(f"/indkaldelser/{call.id}").status_code == 404
    # Another council's meeting, and its member, through this council's board: 404.
    assert client.get(scene.board_url(meeting=scene.other_meeting)).status_code == 404
    outsider = scene.staff_url(scene.outsider)
    assert client.post(outsider, data={"call_substitute": "y"}).status_code == 404
    assert client.post(scene.staff_url(meeting=scene.other_meeting)).status_code == 404
    assert len(standing_absences()) == 1


def test_staff_of_another_council_see_nothing_of_this_one(client, scene, call):
    sign_in(client, scene.other_staff)
    for method, url in routes(scene, call)[5:]:
        assert request(client, method, url).status_code == 403, url
    # Through their own council's address, this council's meeting and member do not exist.
    own = scene.other_council
    assert client.get(scene.board_url(council=own)).status_code == 404
    assert client.post(scene.staff_url(council=own)).status_code == 404
    assert client.post(scene.staff_url(cancel=True, council=own)).status_code == 404
    assert client.post(scene.staff_url(council=own, meeting=scene.other_meeting)).status_code == 404
    assert client.get(f"/indkaldelser/{call.id}").status_code == 404
    assert client.get(scene.absence_url()).status_code == 404
    assert len(standing_absences()) == 1 and call.answer is CallInAnswer.PENDING
