"""Who reaches an appointment round: the council's own secretariat only. Another council's
round or appointment is not there (404), anyone else is refused, and every change needs the
CSRF token."""

from __future__ import annotations

import re

import pytest

from portal.appointments.models import RoundStatus
from tests.appointments.scene import (
    HTMX,
    Scene,
    appointments,
    build_scene,
    make_body,
    start_round,
    votes_data,
)
from tests.conftest import sign_in


@pytest.fixture
def scene(app) -> Scene:
    return build_scene()


def paths(appointment_round, appointment_id: int) -> list[tuple[str, str]]:  # noqa: ANN001
    return [
        ("get", ""),
        ("post", "/stemmer"),
        ("post", "/afstemning"),
        ("post", "/lodtraekning"),
        ("post", "/udpeg"),
        ("post", f"/udpegede/{appointment_id}/fjern"),
        ("post", "/offentliggoer"),
        ("post", "/nulstil"),
    ]


def test_only_the_councils_secretariat_reaches_its_rounds(client, scene):
    body = make_body(scene.council, seats=3)
    appointment_round = start_round(body, scene.staff)
    ours = [(m, scene.round_url(appointment_round, p)) for m, p in paths(appointment_round, 1)]
    for method, url in ours:
        response = getattr(client, method)(url)
        assert response.status_code == 302 and "/log-ind" in response.headers["Location"], url
        under_htmx = getattr(client, method)(url, headers=HTMX)
        assert under_htmx.status_code == 204 and "HX-Redirect" in under_htmx.headers, url
    sign_in(client, scene.members["A"][0])
    for method, url in ours:
        assert getattr(client, method)(url).status_code == 403, url
    sign_in(client, scene.other_staff)
    for method, url in ours:
        assert getattr(client, method)(url).status_code == 403, url
    # Our round under the other council's address: not there for them.
    for method, path in paths(appointment_round, 1):
        url = f"/kkr/{scene.other_council.slug}/sekretariat/udpegninger/runder/"
        url += f"{appointment_round.id}{path}"
        assert getattr(client, method)(url).status_code == 404, url
    assert appointment_round.status is RoundStatus.OPEN and appointment_round.result is None


def test_an_appointment_of_another_round_is_not_there(client, scene):
    sign_in(client, scene.staff)
    first = start_round(make_body(scene.council, "Første", seats=3), scene.staff)
    second = start_round(make_body(scene.council, "Andet", seats=3), scene.staff)
    for appointment_round in (first, second):
        data = votes_data(appointment_round, {"A": 5, "V": 3, "C": 2})
        client.post(scene.round_url(appointment_round, "/stemmer"), data=data)
        assert appointment_round.status is RoundStatus.DECIDED
    client.post(
        scene.round_url(first, "/udpeg"),
        data={
            "group_id": scene.groups["A"].id,
            "person_id": scene.members["A"][0].id,
            "starts_on": "2026-01-01",
            "ends_on": "2029-12-31",
        },
    )
    [appointment] = appointments()
    url = scene.round_url(second, f"/udpegede/{appointment.id}/fjern")
    assert client.post(url).status_code == 404
    assert appointment.withdrawn_at is None


def test_round_changes_need_the_csrf_token(csrf_app, scene):
    client = csrf_app.test_client()
    sign_in(client, scene.staff)
    body = make_body(scene.council, seats=3)
    appointment_round = start_round(body, scene.staff)
    data = votes_data(appointment_round, {"A": 5, "V": 3, "C": 2})
    for _method, path in paths(appointment_round, 1)[1:]:
        assert client.post(scene.round_url(appointment_round, path), data=data).status_code == 400
    assert appointment_round.status is RoundStatus.OPEN
    page = client.get(scene.round_url(appointment_round)).get_data(as_text=True)
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
    response = client.post(
        scene.round_url(appointment_round, "/stemmer"), data={**data, "csrf_token": token}
    )
    assert response.status_code == 303 and appointment_round.status is RoundStatus.DECIDED
