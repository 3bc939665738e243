"""The machinery of the authorisation matrix: URLs from the URL map filled from the scene,
a signed-in client per role, and the comparison of what came back with what was declared."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from flask import Flask
from flask.testing import FlaskClient
from werkzeug.routing import Rule

from tests.conftest import sign_in
from tests.security.scene import ROLES, SECRETS, Scene

# What a role gets back: a status code, or one of these words.
SIGN_IN = "sign-in"  # a redirect to the sign-in page (anonymous on a signed-in route)
DENIED = "denied"  # 403 or 404: refused, nothing of the object shown
REDIRECT = "redirect"  # a redirect somewhere else (303 after a form, or a page moved)
OK = 200

Outcome = int | str


@dataclass(frozen=True)
class Answer:
    role: str
    method: str
    url: str
    status: int
    location: str
    body: str


def url_for_rule(app: Flask, rule: Rule, values: dict[str, Any]) -> str:
    """The rule's path with its arguments filled from `values` (the scene's ids)."""
    missing = sorted(name for name in rule.arguments if name not in values)
    if missing:
        raise KeyError(f"{rule.endpoint}: the scene has no value for {missing}")
    adapter = app.url_map.bind("localhost")
    method = "GET" if "GET" in (rule.methods or ()) else "POST"
    return adapter.build(rule.endpoint, {name: values[name] for name in rule.arguments}, method)


def clients(app: Flask, scene: Scene) -> dict[str, FlaskClient]:
    made = {}
    for role in ROLES:
        client = app.test_client()
        if role != "anonymous":
            sign_in(client, scene.people[role])
        made[role] = client
    return made


def ask(
    client: FlaskClient, role: str, method: str, url: str, headers: dict[str, str] | None = None
) -> Answer:
    data = {} if method == "POST" else None
    response = client.open(url, method=method, data=data, headers=headers or {})
    if response.mimetype and (
        response.mimetype.startswith("text/") or response.mimetype.endswith(("xml", "json"))
    ):
        body = response.get_data(as_text=True)
    else:
        body = response.get_data().decode("latin-1")
    return Answer(role, method, url, response.status_code, response.location or "", body)


def to_sign_in(location: str) -> bool:
    """The sign-in page (/log-ind?next=...), not a page whose address ends in log-ind (the
    secretariat's page of a person's sign-in: /kkr/<slug>/admin/personer/<id>/log-ind)."""
    return urlsplit(location).path == "/log-ind"


def matches(answer: Answer, expected: Outcome) -> bool:
    if expected == SIGN_IN:
        return answer.status in (302, 303) and to_sign_in(answer.location)
    if expected == DENIED:
        return answer.status in (403, 404)
    if expected == REDIRECT:
        return answer.status in (302, 303) and not to_sign_in(answer.location)
    return answer.status == expected


def leaks(answer: Answer) -> list[str]:
    """Secret words in a response to a role that may not see them (rule 3.0 and privacy)."""
    return [
        word
        for word, readers in SECRETS.items()
        if answer.role not in readers and word.lower() in answer.body.lower()
    ]
