"""The minutes editor and the members' minutes through HTTP (rules 3.4, 3.7, 3.9): htmx and
plain posts, version conflicts, CSRF, and who reaches which page."""

from __future__ import annotations

import re

import pytest

from portal.agendas.models import ChairVote, ItemMinutes, PublicationKind
from portal.agendas.publishing import current_publication
from portal.extensions import db
from tests.conftest import sign_in
from tests.minutes.scene import HTMX, Scene, build_scene, item_data


@pytest.fixture
def scene(app) -> Scene:
    return build_scene()


def text(response) -> str:  # noqa: ANN001
    return response.get_data(as_text=True)


def minutes_rows() -> list[ItemMinutes]:
    return list(db.session.scalars(db.select(ItemMinutes).order_by(ItemMinutes.id)))


def test_rule_3_9_the_editor_fills_in_attendance_without_reasons(client, scene):
    sign_in(client, scene.staff)
    page = text(client.get(scene.editor_url()))
    assert scene.absent.person.name in page
    assert f"i stedet deltog stedfortræder {scene.substitute.name}" in page
    assert "3 af 4 til stede" in page
    assert "Ferie" not in page and "Andet møde" not in page
    assert f'id="minutes-form-{scene.closed_item.id}"' in page
    assert "Personsag om en direktør" in page


def test_rule_3_7_a_tie_saved_with_htmx_shows_the_leaders_decision(client, scene):
    sign_in(client, scene.staff)
    data = item_data(
        scene.open_item, decision="Rådet besluttede.", votes_for="1", votes_against="1"
    )
    # Nothing said about the leader's vote: the vote is recorded, and the tie is not adopted.
    recorded = client.post(scene.item_url(scene.open_item), data=data, headers=HTMX)
    assert recorded.status_code == 200 and "<html" not in text(recorded)
    assert "Ikke vedtaget" in text(recorded)
    assert "mødelederen stemte ikke for eller imod" in text(recorded)
    data[f"item-{scene.open_item.id}-chair_vote"] = "for"
    data[f"item-{scene.open_item.id}-version"] = "1"
    response = client.post(scene.item_url(scene.open_item), data=data, headers=HTMX)
    body = text(response)
    assert response.status_code == 200 and "<html" not in body
    assert "Vedtaget" in body and "mødelederen stemte for" in body
    assert 'hx-swap-oob="innerHTML"' in body and "er gemt" in body
    assert 'id="minutes-publish" aria-labelledby="publish-heading" hx-swap-oob="outerHTML"' in body
    (stored,) = minutes_rows()
    assert (stored.votes_for, stored.votes_against, stored.chair_vote) == (1, 1, ChairVote.FOR)


def test_rule_3_4_without_javascript_a_save_redirects_and_an_error_shows_the_page(client, scene):
    sign_in(client, scene.staff)
    url = scene.item_url(scene.closed_item)
    response = client.post(url, data=item_data(scene.closed_item, decision="Fulgt."))
    assert response.status_code == 303
    assert response.headers["Location"].endswith(f"#punkt-{scene.closed_item.id}")
    invalid = client.post(url, data=item_data(scene.closed_item, version="1", votes_for="-2"))
    assert invalid.status_code == 422 and "<html" in text(invalid)
    assert "Antal stemmer kan ikke være negativt" in text(invalid)
    assert minutes_rows()[0].decision == "Fulgt."


def test_rule_3_4_a_stale_save_is_refused_over_http(client, scene):
    sign_in(client, scene.staff)
    url = scene.item_url(scene.open_item)
    first = client.post(url, data=item_data(scene.open_item, decision="Min udgave."), headers=HTMX)
    assert first.status_code == 200
    # A second editor opened the page before the first one saved: their version is "".
    stale = client.post(url, data=item_data(scene.open_item, decision="Din udgave."), headers=HTMX)
    assert stale.status_code == 422
    body = text(stale)
    assert "ændret af en anden" in body and "Min udgave." in body and "Din udgave." in body
    assert re.search(r'name="item-\d+-version"[^>]*value="1"', body)
    assert minutes_rows()[0].decision == "Min udgave."


def test_rule_3_4_staff_publish_and_a_member_reads_everything(client, scene):
    sign_in(client, scene.staff)
    votes = {"votes_for": "1", "votes_against": "1", "chair_vote": "against"}
    for item, extra in ((scene.open_item, votes), (scene.closed_item, {})):
        data = item_data(item, decision=f"Beslutning om {item.title}.", **extra)
        assert client.post(scene.item_url(item), data=data).status_code == 303
    published = client.post(scene.publish_url())
    assert published.status_code == 303
    assert current_publication(scene.meeting, PublicationKind.MINUTES).version == 1
    assert "Referatet er offentliggjort" in text(client.get(scene.editor_url()))

    sign_in(client, scene.present.person)
    page = text(client.get(scene.minutes_url))
    assert "Personsag om en direktør" in page and "Beslutning om Personsag" in page
    assert "Forkastet" in page and "mødelederen stemte imod" in page
    assert f"i stedet deltog stedfortræder {scene.substitute.name}" in page
    assert "Ferie" not in page
    # Once the minutes are out, the substitute who came no longer reads the material (3.0).
    sign_in(client, scene.substitute)
    assert client.get(scene.minutes_url).status_code == 404


def test_rule_3_4_publishing_is_refused_with_the_reasons(client, scene):
    sign_in(client, scene.staff)
    response = client.post(scene.publish_url())
    assert response.status_code == 422
    assert "Punkterne 1, 2 mangler en beslutning" in text(response)
    assert current_publication(scene.meeting, PublicationKind.MINUTES) is None


def test_rule_3_4_staff_routes_are_the_councils_staffs_only(client, scene):
    posts = [scene.item_url(scene.open_item), scene.publish_url()]
    sign_in(client, scene.other_staff)
    assert client.get(scene.editor_url()).status_code == 403
    assert all(client.post(url, data={}).status_code == 403 for url in posts)
    # Their own council's address with our meeting: not there.
    assert client.get(scene.editor_url(council=scene.other_council)).status_code == 404
    other = scene.item_url(scene.open_item, council=scene.other_council)
    assert client.post(other, data=item_data(scene.open_item, decision="x")).status_code == 404
    sign_in(client, scene.present.person)
    assert client.get(scene.editor_url()).status_code == 403
    assert client.post(posts[0], data=item_data(scene.open_item, decision="x")).status_code == 403
    sign_in(client, scene.outsider.person)
    assert client.get(scene.minutes_url).status_code == 404
    assert minutes_rows() == []


def test_rule_3_4_an_item_of_another_meeting_is_not_there(client, scene):
    from tests.factories import make_meeting

    sign_in(client, scene.staff)
    other_meeting = make_meeting(scene.council)
    url = scene.item_url(scene.open_item, meeting=other_meeting)
    assert client.post(url, data=item_data(scene.open_item, decision="x")).status_code == 404
    assert minutes_rows() == []


def test_rule_3_4_saving_needs_the_csrf_token(csrf_app, scene):
    client = csrf_app.test_client()
    sign_in(client, scene.staff)
    url = scene.item_url(scene.open_item)
    assert client.post(url, data=item_data(scene.open_item, decision="x")).status_code == 400
    assert client.post(scene.publish_url()).status_code == 400
    page = text(client.get(scene.editor_url()))
    token = re.search(r'name="item-\d+-csrf_token" type="hidden" value="([^"]+)"', page)
    assert token is not None
    data = item_data(scene.open_item, decision="x")
    data[f"item-{scene.open_item.id}-csrf_token"] = token.group(1)
    assert client.post(url, data=data).status_code == 303
