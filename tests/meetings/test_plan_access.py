"""Who reaches the meeting plan: the council's secretariat only. The anonymous are sent to
sign in, members and substitutes get 403, another council's staff 403 on this council's pages,
and a meeting of another council is not there (404) under any council's address."""

from __future__ import annotations

import pytest

from portal.meetings.models import Meeting
from portal.notifications.models import Notice
from tests.conftest import sign_in
from tests.meetings.scene import HTMX, Scene, a_future_day, build_scene, count, form_data


@pytest.fixture
def scene(app) -> Scene:
    return build_scene()


def routes(scene: Scene) -> list[tuple[str, str, dict | None]]:
    change = form_data(a_future_day(75), location="Andetsteds")
    return [
        ("get", scene.plan_url(), None),
        ("get", scene.new_url(), None),
        ("post", scene.new_url(), form_data(a_future_day(75))),
        ("get", scene.change_url(), None),
        ("post", scene.change_url(), change),
        ("get", scene.cancel_url(), None),
        ("post", scene.cancel_url(), {"reason": "Ingen sager"}),
    ]


def untouched(scene: Scene, meetings: int) -> bool:
    return (
        count(Meeting) == meetings
        and scene.meeting.location == "Sorø Rådhus"
        and scene.meeting.cancelled_at is None
        and count(Notice) == 0
    )


def test_the_anonymous_are_sent_to_sign_in(client, scene):
    meetings = count(Meeting)
    for method, url, data in routes(scene):
        response = getattr(client, method)(url, data=data)
        assert response.status_code == 302, url
        assert response.headers["Location"] == f"/log-ind?next={url}"
        under_htmx = getattr(client, method)(url, data=data, headers=HTMX)
        assert under_htmx.status_code == 204 and under_htmx.headers["HX-Redirect"].startswith(
            "/log-ind?next="
        )
    assert untouched(scene, meetings)


@pytest.mark.parametrize("who", ["member", "substitute"])
def test_members_and_substitutes_are_refused(client, scene, who):
    meetings = count(Meeting)
    sign_in(client, scene.seat.person if who == "member" else scene.substitute)
    for method, url, data in routes(scene):
        assert getattr(client, method)(url, data=data).status_code == 403, url
    assert untouched(scene, meetings)


def test_another_councils_staff_are_refused_and_find_no_foreign_meeting(client, scene):
    meetings = count(Meeting)
    sign_in(client, scene.other_staff)
    for method, url, data in routes(scene):
        assert getattr(client, method)(url, data=data).status_code == 403, url
    # Under their own council's address, this council's meeting is not there.
    other = scene.other_council
    for url in (scene.change_url(council=other), scene.cancel_url(council=other)):
        assert client.get(url).status_code == 404, url
        assert (
            client.post(url, data={"reason": "x", **form_data(a_future_day())}).status_code == 404
        )
    assert untouched(scene, meetings)
    # Their own meeting they can change.
    assert client.get(scene.change_url(scene.other_meeting, council=other)).status_code == 200


def test_staff_find_no_meeting_of_another_council_under_their_own(client, scene):
    meetings = count(Meeting)
    sign_in(client, scene.staff)
    foreign = scene.other_meeting
    for url in (scene.change_url(foreign), scene.cancel_url(foreign)):
        assert client.get(url).status_code == 404, url
        assert (
            client.post(url, data={"reason": "x", **form_data(a_future_day())}).status_code == 404
        )
    assert foreign.cancelled_at is None and count(Meeting) == meetings
    assert client.get(scene.plan_url()).status_code == 200
