"""Security headers on every response (portal/security.py), walking every GET route of the URL
map as an anonymous visitor and as staff, and the session cookie's flags.

The walk runs on an app configured as production (TLS: HSTS and Secure cookies) and on the demo
(plain http on 127.0.0.1: neither). Route arguments come from a little fixture data; an id that
names nothing gives a 404, whose headers count as much as a page's.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

import pytest
from flask import Flask
from flask.testing import FlaskClient
from werkzeug.routing import Rule
from werkzeug.test import TestResponse

from portal.councils.models import Council, Person
from portal.meetings.models import Meeting
from tests.conftest import portal_app, sign_in
from tests.factories import make_council, make_meeting, make_staff

PRODUCTION = {"ENV": "production", "SECRET_KEY": "production-test-secret"}
DEMO = {"ENV": "development", "DEMO": True}
STRICT_REFERRER_POLICIES = {"no-referrer", "same-origin", "strict-origin-when-cross-origin"}
UNSAFE_SOURCES = {"'unsafe-inline'", "'unsafe-eval'", "'unsafe-hashes'", "*", "data:"}


@dataclass
class Scene:
    council: Council
    staff: Person
    meeting: Meeting


def build_scene() -> Scene:
    council = make_council()
    return Scene(council, make_staff(council), make_meeting(council))


def argument_value(name: str, scene: Scene) -> str | int:
    known = {
        "council_slug": scene.council.slug,
        "meeting_id": scene.meeting.id,
        "person_id": scene.staff.id,
        "filename": "css/portal.css",
        "provider_name": "ingen",
        "token": "ukendt",
        "version": 1,
    }
    return known.get(name, 999_999)  # any other id: nothing there, a 404


def get_routes(app: Flask) -> list[Rule]:
    return sorted(
        (rule for rule in app.url_map.iter_rules() if "GET" in (rule.methods or ())),
        key=lambda rule: rule.rule,
    )


def path_for(rule: Rule, scene: Scene) -> str:
    values = {name: argument_value(name, scene) for name in rule.arguments}
    path = rule.build(values, append_unknown=False)
    assert path is not None
    return path[1]


def directives(policy: str) -> dict[str, list[str]]:
    parsed = {}
    for part in policy.split(";"):
        name, *sources = part.split()
        parsed[name] = sources
    return parsed


def header_problems(response: TestResponse, *, hsts: bool) -> list[str]:
    """Every way these headers fall short, as words (empty when they are right)."""
    headers = response.headers
    problems = []
    policy = directives(headers.get("Content-Security-Policy", "none-given"))
    for name in ("script-src", "style-src"):
        sources = policy.get(name) or policy.get("default-src") or []
        if not sources or set(sources) & UNSAFE_SOURCES:
            problems.append(f"{name} {sources}")
    if policy.get("default-src") != ["'self'"]:
        problems.append(f"default-src {policy.get('default-src')}")
    if policy.get("frame-ancestors") != ["'none'"]:
        problems.append(f"frame-ancestors {policy.get('frame-ancestors')}")
    if policy.get("object-src") != ["'none'"]:
        problems.append(f"object-src {policy.get('object-src')}")
    if headers.get("X-Content-Type-Options") != "nosniff":
        problems.append("nosniff")
    if headers.get("Referrer-Policy") not in STRICT_REFERRER_POLICIES:
        problems.append(f"Referrer-Policy {headers.get('Referrer-Policy')}")
    transport = headers.get("Strict-Transport-Security")
    if hsts and not (transport and re.search(r"max-age=(\d{8,})", transport)):
        problems.append(f"HSTS {transport}")  # at least 115 days, in practice a year
    if not hsts and transport is not None:
        problems.append("HSTS on plain http")
    return problems


def session_cookies(response: TestResponse) -> list[str]:
    return [c for c in response.headers.getlist("Set-Cookie") if c.startswith("kkr_session=")]


def cookie_problems(cookie: str, *, secure: bool) -> list[str]:
    attributes = {part.strip().split("=")[0].lower() for part in cookie.split(";")[1:]}
    problems = []
    if "httponly" not in attributes:
        problems.append("HttpOnly")
    if "samesite=lax" not in cookie.lower():
        problems.append("SameSite=Lax")
    if secure != ("secure" in attributes):
        problems.append(f"Secure should be {secure}")
    return problems


def walk(app: Flask, client: FlaskClient, scene: Scene) -> dict[str, TestResponse]:
    return {
        f"{rule.endpoint} {path}": client.get(path)
        for rule in get_routes(app)
        for path in [path_for(rule, scene)]
    }


@pytest.fixture(params=["production", "demo"])
def configured(request: pytest.FixtureRequest, schema: str) -> Iterator[tuple[str, Flask]]:
    settings = PRODUCTION if request.param == "production" else DEMO
    with portal_app(schema, **settings) as app:
        yield request.param, app


def test_every_get_route_carries_the_security_headers(configured: tuple[str, Flask]):
    kind, app = configured
    scene = build_scene()
    anonymous, staff = app.test_client(), app.test_client()
    sign_in(staff, scene.staff)
    tls = kind == "production"

    answers = {}
    for role, client in (("anonymous", anonymous), ("staff", staff)):
        for route, response in walk(app, client, scene).items():
            answers[f"{role} {route}"] = response

    assert len(answers) == 2 * len(get_routes(app)) > 150
    failures = {
        route: problems
        for route, response in answers.items()
        if (problems := header_problems(response, hsts=tls))
    }
    assert failures == {}
    errors = {route: r.status_code for route, r in answers.items() if r.status_code >= 500}
    assert errors == {}
    # The walk reached real pages, not only refusals.
    pages = [route for route, r in answers.items() if r.status_code == 200]
    assert "staff meetings.show_plan" in " ".join(pages)
    assert f"anonymous public.show_meeting_plan /kkr/{scene.council.slug}/" in pages
    cookies = [cookie for response in answers.values() for cookie in session_cookies(response)]
    assert cookies  # some responses set the session cookie
    assert {
        cookie: problems for cookie in cookies if (problems := cookie_problems(cookie, secure=tls))
    } == {}


def test_session_cookie_flags_on_sign_in_page(configured: tuple[str, Flask]):
    kind, app = configured
    # Asking for a page to come back to after sign-in stores it in the session.
    response = app.test_client().get("/log-ind?next=/overblik")

    [cookie] = session_cookies(response)
    assert cookie_problems(cookie, secure=kind == "production") == []
    assert app.config["SESSION_COOKIE_SECURE"] is (kind == "production")


def test_the_test_configuration_sends_no_secure_cookie_nor_hsts(client: FlaskClient):
    # Plain http in tests, as in the demo; everything else about the headers is the same.
    response = client.get("/log-ind?next=/overblik")

    assert header_problems(response, hsts=False) == []
    [cookie] = session_cookies(response)
    assert cookie_problems(cookie, secure=False) == []


def post_routes(app: Flask) -> list[Rule]:
    return sorted(
        (rule for rule in app.url_map.iter_rules() if "POST" in (rule.methods or ())),
        key=lambda rule: rule.rule,
    )


def test_posts_refusals_and_errors_carry_the_security_headers_too(
    configured: tuple[str, Flask],
):
    """Not only pages: every POST route (its answer to an empty form: a redirect, a 422 or a
    refusal), a post without its CSRF token (400), an unknown address (404), a wrong method
    (405) and the sign-in brake (429)."""
    kind, app = configured
    scene = build_scene()
    staff = app.test_client()
    sign_in(staff, scene.staff)
    answers = {f"POST {rule.rule}": staff.post(path_for(rule, scene)) for rule in post_routes(app)}
    assert len(answers) > 70
    answers["unknown address"] = staff.get("/findes-ikke")
    answers["wrong method"] = staff.post("/tilgaengelighed")
    app.config["WTF_CSRF_ENABLED"] = True  # put back by portal_app
    answers["no CSRF token"] = staff.post(f"/kkr/{scene.council.slug}/admin/moedeplan/nyt")
    app.config["PORTAL_SIGN_IN_RATE_LIMIT"] = 1
    anonymous = app.test_client()
    anonymous.get("/log-ind/ingen")
    answers["sign-in brake"] = anonymous.get("/log-ind/ingen")

    statuses = {name: response.status_code for name, response in answers.items()}
    assert statuses["unknown address"] == 404 and statuses["wrong method"] == 405
    assert statuses["no CSRF token"] == 400 and statuses["sign-in brake"] == 429
    assert {name: code for name, code in statuses.items() if code >= 500} == {}
    failures = {
        name: problems
        for name, response in answers.items()
        if (problems := header_problems(response, hsts=kind == "production"))
    }
    assert failures == {}
