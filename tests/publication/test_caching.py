"""Public pages and feeds are cacheable: validators, 304, shared caching for the anonymous, no
session cookie; signed-in visitors get private responses (rules 3.3, 3.4)."""

from __future__ import annotations

from datetime import timedelta

import pytest

from portal.types import utcnow
from tests.conftest import sign_in
from tests.factories import make_council, make_meeting, make_member, make_staff
from tests.publication.scene import HTMX, Published, publish_agenda


def public_urls(scene: Published) -> list[str]:
    slug = scene.council.slug
    return [
        f"/kkr/{slug}/",
        f"/kkr/{slug}/medlemmer",
        f"/kkr/{slug}/dagsordener",
        f"/kkr/{slug}/soeg?q=trafik",
        f"/kkr/{slug}/dagsordener.atom",
        f"/kkr/{slug}/moedeplan.ics",
        scene.url("dagsorden"),
        scene.url("referat"),
    ]


@pytest.fixture
def scene(client) -> Published:  # noqa: ANN001
    council = make_council()
    return Published(council, make_staff(council), make_meeting(council))


def test_rule_3_3_public_responses_are_cacheable_and_set_no_cookie(client, scene):
    for url in public_urls(scene):
        response = client.get(url)
        assert response.status_code == 200, url
        assert response.headers["Cache-Control"] == "public, max-age=60", url
        assert response.headers.get("ETag"), url
        assert {"Cookie", "HX-Request"} <= set(response.vary), url
        assert "Set-Cookie" not in response.headers, url
        assert "X-CSRFToken" not in response.get_data(as_text=True), url
        again = client.get(url, headers={"If-None-Match": response.headers["ETag"]})
        assert again.status_code == 304 and again.data == b"", url
        assert again.headers["ETag"] == response.headers["ETag"], url


def test_rule_3_3_last_modified_answers_if_modified_since(client, scene):
    url = scene.url("dagsorden")
    response = client.get(url)
    last_modified = response.headers["Last-Modified"]
    assert client.get(url, headers={"If-Modified-Since": last_modified}).status_code == 304
    stale = (utcnow() - timedelta(days=2)).strftime("%a, %d %b %Y %H:%M:%S GMT")
    assert client.get(url, headers={"If-Modified-Since": stale}).status_code == 200


def test_rule_3_3_a_new_version_changes_the_validators(client, scene):
    slug = scene.council.slug
    urls = [scene.url("dagsorden"), f"/kkr/{slug}/", f"/kkr/{slug}/dagsordener"]
    before = {url: client.get(url).headers["ETag"] for url in urls}
    scene.open_item.title = "Ny titel"
    publish_agenda(scene.meeting)
    for url in urls:
        response = client.get(url, headers={"If-None-Match": before[url]})
        assert response.status_code == 200, url
        assert response.headers["ETag"] != before[url], url


def test_rule_3_3_fragment_and_page_have_different_validators(client, scene):
    url = f"/kkr/{scene.council.slug}/soeg?q=trafik"
    page = client.get(url)
    fragment = client.get(url, headers=HTMX)
    assert page.headers["ETag"] != fragment.headers["ETag"]


def test_rule_3_0_signed_in_visitors_get_private_responses(client, scene):
    sign_in(client, make_member(scene.council).person)
    for url in (scene.url("dagsorden"), f"/kkr/{scene.council.slug}/"):
        response = client.get(url)
        assert response.status_code == 200
        assert "public" not in response.headers["Cache-Control"]
        assert "private" in response.headers["Cache-Control"]
        # The signed-in page has the CSRF header for htmx and the sign-out form.
        assert "X-CSRFToken" in response.get_data(as_text=True)


def test_language_switch_from_a_cached_page_is_a_same_origin_post(csrf_app):
    client = csrf_app.test_client()
    page = client.get("/log-ind")  # any page; the public ones carry no token
    assert page.status_code == 200
    forged = client.post("/sprog", data={"lang": "en", "next": "/"})
    assert forged.status_code == 400
    foreign = client.post(
        "/sprog", data={"lang": "en", "next": "/"}, headers={"Origin": "https://evil.example"}
    )
    assert foreign.status_code == 400
    ours = client.post(
        "/sprog", data={"lang": "en", "next": "/"}, headers={"Origin": "http://localhost"}
    )
    assert ours.status_code == 303 and client.get_cookie("lang").value == "en"
    referred = client.post(
        "/sprog", data={"lang": "da", "next": "/"}, headers={"Referer": "http://localhost/kkr/x/"}
    )
    assert referred.status_code == 303 and client.get_cookie("lang").value == "da"
